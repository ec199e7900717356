"""Faults: the database dropping every connection, the real postmaster restarted while the service
reads and writes, the database unreachable, and an import killed half way."""
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from app.main import create_app
from app.settings import Settings
from tests.builders import CUIHU_WUHUA, add_centres, add_user, as_feature, centre_record
from tests.web.server import start_server


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


LOCAL_PGDATA = os.environ.get("SERVICEMAP_LOCAL_PGDATA")


def restart_postmaster() -> None:
    """pg_ctl restart of the suite's own cluster (fast shutdown: sessions are cut, as in a real restart)."""
    pg_ctl = str(Path(os.environ.get("SERVICEMAP_PG_BIN", "/usr/lib/postgresql/15/bin")) / "pg_ctl")
    # -l: the new postmaster must not inherit (and hold open) our captured output.
    command = [pg_ctl, "-D", LOCAL_PGDATA, "-l", f"{LOCAL_PGDATA}/server.log", "restart", "-m", "fast", "-w"]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=True, capture_output=True, timeout=120)


@pytest.mark.skipif(not LOCAL_PGDATA, reason="an external DATABASE_URL: no postmaster of ours to restart")
def test_service_rides_out_a_real_postmaster_restart(db: Session, database_url: str, tmp_path: Path) -> None:
    add_centres(db, centre_record(id="test-restart", phone="0"))
    admin = {"Authorization": f"Bearer {add_user(db, name='restart-admin', role='admin')}"}
    started_before = db.execute(text("SELECT pg_postmaster_start_time()")).scalar_one()
    db.close()
    server = start_server(Settings(database_url=database_url, network_dir=tmp_path, rate_limit_per_minute=10**6))
    seen: list[tuple[str, int]] = []
    acknowledged: list[int] = []
    stop = threading.Event()

    def read_and_write() -> None:
        with httpx.Client(base_url=server.base_url, timeout=15) as client:
            phone = 0
            while not stop.is_set():
                seen.append(("read", client.get("/api/centres").status_code))
                etag = client.get("/api/centres/test-restart").headers.get("etag")
                if etag:
                    phone += 1
                    status = client.patch("/api/centres/test-restart", json={"phone": str(phone)},
                                          headers={**admin, "If-Match": etag}).status_code
                    seen.append(("write", status))
                    if status == 200:
                        acknowledged.append(phone)

    worker = threading.Thread(target=read_and_write)
    try:
        worker.start()
        time.sleep(1.0)
        restart_postmaster()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and seen[-1][1] != 200:
            time.sleep(0.2)
        time.sleep(1.0)
    finally:
        stop.set()
        worker.join(timeout=30)
        server.stop()
    assert db.execute(text("SELECT pg_postmaster_start_time()")).scalar_one() > started_before
    statuses = {status for _, status in seen}
    assert statuses <= {200, 503}, f"only 200s and 503s while the database restarts: {sorted(statuses)}"
    assert seen[-1][1] == 200, "the service must be back within seconds"
    assert acknowledged, "writes before the restart succeeded"
    stored = db.execute(text("SELECT phone FROM centres WHERE id = 'test-restart'")).scalar_one()
    assert int(stored) >= acknowledged[-1], "an acknowledged change must not be lost"

