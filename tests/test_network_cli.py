"""`servicemap network import|download` on the real Helsinki extract, served locally for download."""
import functools
import http.server
import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from app.cli import cli
from tests.osm_fixtures import helsinki_pbf


@pytest.fixture
def run_cli(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SERVICEMAP_NETWORK_DIR", str(tmp_path / "var" / "network"))
    runner = CliRunner()
    return lambda *args: runner.invoke(cli, [str(a) for a in args])


@pytest.fixture
def extract_server(tmp_path: Path) -> Iterator[str]:
    """A loopback HTTP server laid out like a Geofabrik mirror, serving the real Helsinki extract."""
    root = tmp_path / "mirror"
    (root / "europe" / "finland").mkdir(parents=True)
    shutil.copy(helsinki_pbf(), root / "europe" / "finland" / "helsinki-latest.osm.pbf")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def manifest(tmp_path: Path) -> dict:
    return json.loads((tmp_path / "var" / "network" / "manifest.json").read_text())


def test_import_builds_tiles_and_records_the_build(run_cli, tmp_path: Path, db: Session) -> None:
    result = run_cli("network", "import", helsinki_pbf())
    assert result.exit_code == 0, result.output
    assert "network in service" in result.output
    built = manifest(tmp_path)
    assert built["tiles"] > 0 and built["road_ways"] > 100
    row = db.execute(text("SELECT source_sha256, ST_XMin(bbox) FROM network_builds ORDER BY id DESC LIMIT 1")).one()
    assert row[0] == built["source_sha256"] and row[1] == pytest.approx(built["bbox"][0])
    # The residential-footprint demand proxy is derived from the same extract at import time.
    kind, name, total = db.execute(text("SELECT kind, name, total FROM demand_sources ORDER BY id DESC LIMIT 1")).one()
    assert kind == "osm_buildings" and helsinki_pbf().name in name and total > 0


def test_failed_import_keeps_the_previous_network(run_cli, tmp_path: Path) -> None:
    assert run_cli("network", "import", helsinki_pbf()).exit_code == 0
    before = (tmp_path / "var" / "network" / "tiles.tar").read_bytes()
    corrupt = tmp_path / "corrupt.osm.pbf"
    corrupt.write_bytes(b"\x00\x00\x00\x0dnot a pbf at all" * 10)
    result = run_cli("network", "import", corrupt)
    assert result.exit_code == 1
    assert "previous network stays in service" in result.output
    assert (tmp_path / "var" / "network" / "tiles.tar").read_bytes() == before


def test_bad_bbox_option_is_refused(run_cli) -> None:
    result = run_cli("network", "import", helsinki_pbf(), "--bbox", "1,2,3")
    assert result.exit_code == 2 and "bbox" in result.output


def test_download_fetches_the_extract_then_imports_it(run_cli, tmp_path: Path, extract_server: str) -> None:
    result = run_cli("network", "download", "europe/finland/helsinki", "--base-url", extract_server)
    assert result.exit_code == 0, result.output
    downloaded = tmp_path / "var" / "europe-finland-helsinki-latest.osm.pbf"
    assert downloaded.read_bytes() == helsinki_pbf().read_bytes()
    assert manifest(tmp_path)["tiles"] > 0


def test_download_of_unknown_region_fails_clearly(run_cli, extract_server: str) -> None:
    result = run_cli("network", "download", "asia/atlantis", "--base-url", extract_server)
    assert result.exit_code == 2 and "404" in result.output
