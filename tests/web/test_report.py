"""The planners' report renders its overlays in Chromium with nothing from the internet: Leaflet comes
from vendor/leaflet next to the HTML, the layers are inlined, and every request off loopback fails
the test (the OSM base tiles are answered locally by the browser fixture). Data: the synthetic hole
city of tests/coverage (not Kunming), at night."""
import contextlib
import threading
from collections.abc import Iterator
from datetime import datetime
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import shapely
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from app.coverage.report import GAP_COLOUR, build, write
from app.coverage.service import CoverageQuery
from app.routing.network import NetworkState
from app.settings import Settings
from geo.modes import TravelMode
from tests.coverage.conftest import (  # noqa: F401  (fixtures used by name)
    MINUTES,
    TEST_ADCODE,
    clean_coverage,
    grid_city,
    grid_city_network,
    hole_city,
    lattice,
    test_districts,
)
from tests.web.conftest import OSM_TILES, NewContext, screenshot

MAX_CELLS = Settings.model_fields["max_coverage_cells"].default
DISTRICT_NAME = "合成城 <i>斜</i>"  # markup in a name must show as text, in the table and in tooltips


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # no access log on the test output
        pass


@contextlib.contextmanager
def serving(directory: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def report_dir(db: Session, grid_city, grid_city_network, test_districts, hole_city, tmp_path: Path) -> Path:
    test_districts(shapely.box(*grid_city.bbox), name=DISTRICT_NAME)
    state = NetworkState(network_dir=grid_city_network.tile_dir, valhalla_url=None)
    query = CoverageQuery(mode=TravelMode.walk, minutes=MINUTES, districts=(TEST_ADCODE,),
                          at=datetime(2025, 10, 14, 23, 30))
    report = build(db, state, query, k=2, max_snap_metres=500.0, max_cells=MAX_CELLS)
    write([report], tmp_path / "report", tile_url=f"{OSM_TILES}{{z}}/{{x}}/{{y}}.png",
          tile_attribution="© OpenStreetMap contributors")
    return tmp_path / "report"


def check_report(page: Page) -> None:
    expect(page.locator("h1")).to_contain_text("步行 10 分钟 · 2025-10-14 23:30 周二")
    expect(page.locator("h1")).to_contain_text("walking 10 min · 2025-10-14 23:30 Tue")
    overlays = page.locator(".leaflet-overlay-pane path")
    expect(overlays.first).to_be_visible()
    assert overlays.count() >= 4  # three bands and at least one gap
    expect(page.locator(".leaflet-marker-pane, .leaflet-overlay-pane").locator("path.leaflet-interactive").first
           ).to_be_visible()
    expect(page.locator(".leaflet-tooltip").first).to_contain_text("新增覆盖 newly covered")  # the suggestions
    expect(page.locator(".leaflet-tooltip").first).to_contain_text("residents")
    legend = page.locator(".legend")
    expect(legend).to_contain_text("0–3 分钟 min")
    expect(legend).to_contain_text("缺口 Gap")
    expect(page.locator(".leaflet-control-layers")).to_contain_text("缺口 gaps")
    header = page.locator("table thead")
    expect(header).to_contain_text("区县")
    expect(header).to_contain_text("Covered")
    body = page.locator("table tbody").inner_text()
    assert f"{DISTRICT_NAME} (test fixture)" in body and "%" in body and "None" not in body and "null" not in body
    page.locator(f'path[stroke="{GAP_COLOUR}"]').first.dispatch_event("mouseover")
    gap_tip = page.locator(".leaflet-tooltip", has_text="缺口 gap #1")
    expect(gap_tip).to_contain_text(f"{DISTRICT_NAME} (test fixture) 缺口 gap #1")
    assert gap_tip.locator("i").count() == 0
    expect(page.locator("main")).to_contain_text("需求 Demand: communities.csv (residents)")


def test_report_overlays_render_from_a_local_server_with_nothing_from_the_internet(
        new_context: NewContext, report_dir: Path) -> None:
    page = new_context(viewport={"width": 1280, "height": 800}, is_mobile=False, has_touch=False).new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    with serving(report_dir) as base:
        page.goto(f"{base}/report.html")
        check_report(page)
        screenshot(page, "report-desktop")
    assert any(url.endswith("vendor/leaflet/leaflet.js") for url in requested)
    assert all(url.startswith((base, OSM_TILES, "data:")) for url in requested), requested


def test_report_opens_from_the_file_system(new_context: NewContext, report_dir: Path) -> None:
    page = new_context().new_page()
    page.goto((report_dir / "report.html").as_uri())
    check_report(page)
    screenshot(page, "report-phone-file")
