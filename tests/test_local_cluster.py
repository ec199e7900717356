"""The PostgreSQL cluster that ./scripts/serve makes for itself: durable, and closed to every other
account on the machine. Made here by the same shell function, in a directory of its own."""
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.web.server import PROJECT_DIR, free_port

pytestmark = pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("runuser"),
                                reason="acting as a second OS user (nobody) needs root and runuser")
PG_BIN = Path(os.environ.get("SERVICEMAP_PG_BIN", "/usr/lib/postgresql/15/bin"))


def as_nobody(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(["runuser", "-u", "nobody", "--", *command], capture_output=True, text=True, timeout=30,
                          env={"PATH": os.environ["PATH"], "PGCONNECT_TIMEOUT": "5"})


@pytest.fixture(scope="module")
def serve_cluster() -> Iterator[tuple[str, Path]]:
    """(DATABASE_URL, local dir) of a new serve cluster; stopped and removed afterwards."""
    local = Path(tempfile.mkdtemp(prefix="servicemap-cluster-test-", dir="/var/tmp"))
    local.chmod(0o755)  # as a checkout's .local is: the postgres account must reach the data directory
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SERVICEMAP_LOCAL_PGDATA")}
    env |= {"SERVICEMAP_LOCAL_DIR": str(local), "SERVICEMAP_PG_PORT": str(free_port())}
    script = f'source "{PROJECT_DIR}/scripts/lib.sh" && ensure_database servicemap serve >&2 && echo "$DATABASE_URL"'
    made = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env, timeout=300)
    assert made.returncode == 0, made.stderr
    # Made where it was asked for, wherever this checkout lives: not on the checkout's own cluster.
    assert (local / "pg" / "PG_VERSION").is_file(), made.stderr
    try:
        yield made.stdout.strip().splitlines()[-1], local
    finally:
        subprocess.run(["runuser", "-u", "postgres", "--", str(PG_BIN / "pg_ctl"), "-D", str(local / "pg"),
                        "stop", "-m", "immediate"], capture_output=True, timeout=60)
        shutil.rmtree(local, ignore_errors=True)


def test_the_serve_cluster_is_durable(serve_cluster: tuple[str, Path]) -> None:
    url, _ = serve_cluster
    with psycopg.connect(url) as connection:
        assert connection.execute("SHOW fsync").fetchone() == ("on",)
        assert connection.execute("SHOW synchronous_commit").fetchone() == ("on",)
        assert connection.execute("SHOW password_encryption").fetchone() == ("scram-sha-256",)


def test_another_account_cannot_connect(serve_cluster: tuple[str, Path]) -> None:
    url, local = serve_cluster
    port = psycopg.conninfo.conninfo_to_dict(url)["port"]
    over_tcp = as_nobody(str(PG_BIN / "psql"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-w",
                         "-c", "SELECT 1", "postgres")
    assert over_tcp.returncode != 0 and "password" in over_tcp.stderr
    guessed = as_nobody("env", "PGPASSWORD=postgres", str(PG_BIN / "psql"), "-h", "127.0.0.1", "-p", str(port),
                        "-U", "postgres", "-w", "-c", "SELECT 1", "postgres")
    assert guessed.returncode != 0 and "password authentication failed" in guessed.stderr
    over_socket = as_nobody(str(PG_BIN / "psql"), "-h", str(local / "pg" / "socket"), "-p", str(port),
                            "-U", "postgres", "-w", "-c", "SELECT 1", "postgres")
    assert over_socket.returncode != 0 and "Permission denied" in over_socket.stderr
    secret = as_nobody("cat", str(local / "secrets" / "pg.password"))
    assert secret.returncode != 0 and "Permission denied" in secret.stderr


def test_the_project_account_still_can(serve_cluster: tuple[str, Path]) -> None:
    url, _ = serve_cluster
    with psycopg.connect(url) as connection:
        assert connection.execute("SELECT current_user").fetchone() == ("postgres",)


def test_a_trust_cluster_of_an_earlier_version_is_closed_with_its_data_kept() -> None:
    local = Path(tempfile.mkdtemp(prefix="servicemap-cluster-test-", dir="/var/tmp"))
    local.chmod(0o755)
    data, port = local / "pg", free_port()
    as_postgres = ["runuser", "-u", "postgres", "--"]
    try:
        data.mkdir()
        shutil.chown(data, "postgres", "postgres")
        # What scripts/lib.sh did before: trust for everyone, fsync off.
        subprocess.run([*as_postgres, str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust"],
                       check=True, capture_output=True, timeout=120)
        subprocess.run([*as_postgres, "mkdir", str(data / "socket")], check=True)
        (data / "servicemap.port").write_text(f"{port}\n")
        subprocess.run([*as_postgres, str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(data / "server.log"), "-w",
                        "-o", f"-p {port} -k {data}/socket -c listen_addresses=127.0.0.1 -c fsync=off", "start"],
                       check=True, capture_output=True, timeout=120)
        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{port}/postgres", autocommit=True) as connection:
            connection.execute("CREATE DATABASE servicemap")
        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{port}/servicemap") as connection:
            connection.execute("CREATE TABLE kept (note text)")
            connection.execute("INSERT INTO kept VALUES ('an editor''s change')")
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SERVICEMAP_LOCAL_PGDATA")}
        env["SERVICEMAP_LOCAL_DIR"] = str(local)
        script = f'source "{PROJECT_DIR}/scripts/lib.sh" && ensure_database servicemap serve >&2 && echo "$DATABASE_URL"'
        made = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env, timeout=300)
        assert made.returncode == 0, made.stderr
        url = made.stdout.strip().splitlines()[-1]
        with psycopg.connect(url) as connection:
            assert connection.execute("SELECT note FROM kept").fetchall() == [("an editor's change",)]
            assert connection.execute("SHOW fsync").fetchone() == ("on",)
        refused = as_nobody(str(PG_BIN / "psql"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-w",
                            "-c", "SELECT 1", "postgres")
        assert refused.returncode != 0 and "password" in refused.stderr
    finally:
        subprocess.run([*as_postgres, str(PG_BIN / "pg_ctl"), "-D", str(data), "stop", "-m", "immediate"],
                       capture_output=True, timeout=60)
        shutil.rmtree(local, ignore_errors=True)
