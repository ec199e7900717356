"""Faults: the database dropping every connection (as in a restart) while the service runs, the
database unreachable, and an import killed half way."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from app.main import create_app
from app.settings import Settings
from tests.builders import CUIHU_WUHUA, add_centres, as_feature, centre_record


def drop_all_other_connections(engine: Engine) -> int:
    with engine.begin() as connection:
        return len(connection.execute(text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()")).all())


def test_service_recovers_after_database_drops_connections(client: TestClient, db: Session, engine: Engine) -> None:
    add_centres(db, centre_record())
    db.close()
    assert client.get("/api/centres").status_code == 200
    assert drop_all_other_connections(engine) >= 1
    # The pool notices the dead connections and reconnects; no restart of the app.
    statuses = [client.get("/api/centres").status_code for _ in range(3)]
    assert statuses[-1] == 200 and set(statuses) <= {200, 503}
    assert client.get("/api/centres").json()["number_matched"] == 1


def test_unreachable_database_is_503_not_500(tmp_path: Path) -> None:
    settings = Settings(database_url="postgresql://postgres@127.0.0.1:1/nowhere", network_dir=tmp_path)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        response = client.get("/api/centres")
        assert response.status_code == 503 and response.json()["error"] == "database_unavailable"


def test_import_killed_half_way_leaves_the_catalogue_as_it_was(db: Session, database_url: str, tmp_path: Path) -> None:
    add_centres(db, centre_record(id="test-kept", name_zh="原有"))
    # Many rows, all valid, so the import is busy long enough to be killed mid-way.
    records = [centre_record(id=f"test-bulk-{i:05d}", lon=CUIHU_WUHUA[0] + i * 1e-6) for i in range(4000)]
    records.append(centre_record(id="test-kept", name_zh="被覆盖"))
    path = tmp_path / "big.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [as_feature(r) for r in records]}))
    with subprocess.Popen(
        [sys.executable, "-m", "app.cli", "import", str(path)], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
        env={**os.environ, "DATABASE_URL": database_url},
    ) as process:
        assert process.stderr is not None
        progress = b""
        while b"importing:" not in progress and process.poll() is None:
            progress += process.stderr.read1(256)
        time.sleep(0.5)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL, "the import finished before it could be interrupted"
    db.expire_all()
    rows = db.execute(text("SELECT id, name_zh FROM centres ORDER BY id")).all()
    assert [tuple(r) for r in rows] == [("test-kept", "原有")]
