"""schemathesis against /ogc/api, the OGC API's own OpenAPI 3.0 document: no 5xx, and every status,
content type and body as documented (400 for bad input, errors as the one JSON body). The Helsinki
network is in service, so the coverage collections answer too (the Kunming fixture centres are off it)."""
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from geo.network import NetworkBuildResult
from tests.web.server import LiveServer, unthrottled_server

CHECKS = "not_a_server_error,status_code_conformance,response_schema_conformance,content_type_conformance"


@pytest.fixture
def fuzzed_ogc(ogc_catalogue: list[dict], database_url: str,
               helsinki_network: NetworkBuildResult) -> Iterator[LiveServer]:
    with unthrottled_server(database_url, helsinki_network.tile_dir) as server:
        yield server


def test_schemathesis_finds_nothing_undocumented_in_the_ogc_api(fuzzed_ogc: LiveServer, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture) -> None:
    command = [
        str(Path(sys.executable).with_name("schemathesis")), "run", fuzzed_ogc.url("/ogc/api"),
        "--url", fuzzed_ogc.url("/ogc"), "--checks", CHECKS, "--phases", "examples,coverage,fuzzing",
        "--max-examples", "25", "--workers", "2", "--seed", "1", "--request-timeout", "60", "--no-color",
    ]
    assert shutil.which(command[0]), "schemathesis is installed with the test extras"
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    cases = re.search(r"(\d+) generated", result.stdout)
    with capsys.disabled():
        print(f"\nschemathesis (OGC): {cases.group(1) if cases else '?'} generated cases, exit {result.returncode}")
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert cases and int(cases.group(1)) > 100
