"""schemathesis against the running service's OpenAPI schema: every check and every phase, the
stateful one included (create → read → change → delete → restore, following the OpenAPI links), with
an admin token so that writes are fuzzed too. Seeded and bounded to fit CI's budget."""
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from geo.network import NetworkBuildResult
from tests.builders import CUIHU_WUHUA, KUNMING_STATION_GUANDU, add_centres, add_user, centre_record
from tests.web.server import LiveServer, unthrottled_server

CONFIG = Path(__file__).with_name("schemathesis.toml")
REPORT = Path(__file__).resolve().parents[1] / "test-artifacts" / "schemathesis.txt"


@pytest.fixture
def fuzzed_server(db: Session, database_url: str, helsinki_network: NetworkBuildResult) -> Iterator[LiveServer]:
    add_centres(db, centre_record(id="test-fuzz-a", at=CUIHU_WUHUA), centre_record(id="test-fuzz-b",
                at=KUNMING_STATION_GUANDU, opening_hours="24/7"))
    with unthrottled_server(database_url, helsinki_network.tile_dir, reports_per_client_per_hour=1_000_000) as server:
        yield server


def test_schemathesis_finds_no_server_errors_or_schema_violations(
    fuzzed_server: LiveServer, db: Session, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    admin = add_user(db, name="fuzz-admin", role="admin")
    command = [
        str(Path(sys.executable).with_name("schemathesis")), "--config-file", str(CONFIG), "run",
        fuzzed_server.url("/openapi.json"), "--checks", "all", "--phases", "examples,coverage,fuzzing,stateful",
        "--max-examples", "25", "--header", f"Authorization: Bearer {admin}", "--workers", "2", "--seed", "1",
        "--request-timeout", "30", "--no-color",
    ]
    assert shutil.which(command[0]), "schemathesis is installed with the test extras"
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(result.stdout + result.stderr)  # the whole run, for reading a failure in full
    summary = result.stdout[-3000:] + f"\n(the whole run: {REPORT})"
    cases = re.search(r"(\d+) generated", result.stdout)
    with capsys.disabled():  # the case count belongs in the suite's output, not only on failure
        print(f"\nschemathesis: {cases.group(1) if cases else '?'} generated cases, exit {result.returncode}")
    assert result.returncode == 0, summary + result.stderr[-2000:]
    assert cases and int(cases.group(1)) > 100
