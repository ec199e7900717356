"""`servicemap coverage`, `servicemap report` and `servicemap demand import` on the synthetic
hole city (tests/coverage/test_siting.py), through a root app wired as app/cli.py wires them."""
import csv
import json

import pytest
import typer
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from app.coverage.cli import coverage_cli
from geo.network import NetworkBuildResult
from tests.coverage.conftest import MINUTES, MODE, TEST_ADCODE, in_hole
from tests.osm_fixtures import SyntheticCity

ARGS = ["--mode", MODE, "--minutes", str(MINUTES), "--district", TEST_ADCODE]


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, database_url: str, grid_city_network: NetworkBuildResult):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SERVICEMAP_NETWORK_DIR", str(grid_city_network.tile_dir))
    root = typer.Typer()
    root.command("version")(lambda: None)  # a second command, so the merged commands keep their names
    root.add_typer(coverage_cli)

    def invoke(*args: str):
        return CliRunner().invoke(root, list(args))
    return invoke


def test_coverage_command_prints_the_district_table(run, grid_client: TestClient, hole_city: dict) -> None:
    result = run("coverage", *ARGS)
    assert result.exit_code == 0, result.output
    api = grid_client.get(f"/api/coverage?mode={MODE}&minutes={MINUTES}&district={TEST_ADCODE}").json()
    [row] = api["districts"]
    assert TEST_ADCODE in result.output and f"{row['covered_pct']:.2f}" in result.output
    assert "demand: csv" in result.output


def test_report_writes_map_and_exports(run, grid_client: TestClient, hole_city: dict, grid_city: SyntheticCity,
                                       tmp_path) -> None:
    out = tmp_path / "report"
    result = run("report", "--out", str(out), "--k", "1", *ARGS)
    assert result.exit_code == 0, result.output
    name = f"{MODE}-{MINUTES}min"
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "合成城 (test fixture)" in html and "步行 10 分钟" in html and "walking 10 min" in html
    assert (out / "vendor" / "leaflet" / "leaflet.js").is_file() and "None" not in html
    assert html.count("://") == 1 and "https://tile.openstreetmap.org/{z}" in html  # only the base map's tiles
    api = grid_client.get(f"/api/coverage?mode={MODE}&minutes={MINUTES}&district={TEST_ADCODE}").json()
    with (out / f"districts-{name}.csv").open(encoding="utf-8-sig") as rows:
        [row] = list(csv.DictReader(rows))
    assert float(row["covered_pct"]) == pytest.approx(api["districts"][0]["covered_pct"])
    assert float(row["demand_covered"]) == pytest.approx(api["districts"][0]["demand_covered"])
    [pick] = json.loads((out / f"suggestions-{name}.geojson").read_text())["features"]
    assert in_hole(grid_city, *pick["geometry"]["coordinates"])
    for export in (f"coverage-{name}.geojson", f"gaps-{name}.geojson", f"cells-{name}.csv"):
        assert (out / export).stat().st_size > 100


def test_demand_import_csv_and_bad_input(run, grid_client: TestClient, tmp_path) -> None:
    path = tmp_path / "communities.csv"
    path.write_text("名称,人口,经度,纬度\n测试社区 (test fixture),500,0.51,0.51\n", encoding="utf-8")
    result = run("demand", "import", "csv", str(path))
    assert result.exit_code == 0, result.output
    assert "csv, 1 cells, total 500 residents" in result.output
    assert grid_client.get("/api/coverage/demand").json()[0]["total"] == 500
    bad = tmp_path / "bad.csv"
    bad.write_text("name,population,lon,lat\nA,lots,0.51,0.51\n", encoding="utf-8")
    result = run("demand", "import", "csv", str(bad))
    assert result.exit_code == 2 and "line 2" in result.output


@pytest.mark.parametrize(("args", "message"), [
    (["--at", "midnightish"], "--at"),
    (["--district", "999999"], "unknown district"),
])
def test_bad_options_fail_with_the_option_named(run, grid_client: TestClient, args: list[str], message: str) -> None:
    result = run("coverage", "--mode", MODE, *args)
    assert result.exit_code != 0 and message in result.output
