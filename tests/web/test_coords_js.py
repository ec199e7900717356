"""web/js/coords.js against geo/coords.py, run in the real browser; and the map's GCJ-02 shift."""
import base64

import pytest
from playwright.sync_api import Page

from geo.coords import gcj02_to_wgs84, wgs84_to_gcj02
from tests.web.conftest import BLANK_PNG
from tests.web.server import LiveServer

TOLERANCE_DEG = 1e-6
POINTS = [
    (102.7037, 25.0480),   # 翠湖, 五华区
    (102.7225, 25.0170),   # 昆明站, 官渡区
    (102.8560, 24.8390),   # 呈贡大学城
    (102.7123, 25.0406),   # 东风广场
    (102.6300, 24.9600),   # 滇池, 西山区
    (103.1500, 25.4300),   # 寻甸
    (102.4000, 25.6000),   # 禄劝
    (24.9479, 60.1731),    # Helsinki: outside China, unchanged
]


@pytest.fixture
def module_page(phone: Page, live_server: LiveServer) -> Page:
    phone.goto(live_server.url("/icons/icon.svg"))  # any page of the app's origin
    return phone


def run(page: Page, function: str, points: list[tuple[float, float]]) -> list[list[float]]:
    return page.evaluate(
        "async ([fn, pts]) => { const m = await import('/js/coords.js'); return pts.map(p => m[fn](p[0], p[1])); }",
        [function, points],
    )


def test_wgs84_to_gcj02_matches_python(module_page: Page) -> None:
    for (lon, lat), (js_lon, js_lat) in zip(POINTS, run(module_page, "wgs84ToGcj02", POINTS), strict=True):
        py_lon, py_lat = wgs84_to_gcj02(lon, lat)
        assert abs(js_lon - py_lon) < TOLERANCE_DEG and abs(js_lat - py_lat) < TOLERANCE_DEG, (lon, lat)


def test_gcj02_to_wgs84_matches_python(module_page: Page) -> None:
    shifted = [wgs84_to_gcj02(lon, lat) for lon, lat in POINTS]
    for (lon, lat), (js_lon, js_lat) in zip(shifted, run(module_page, "gcj02ToWgs84", shifted), strict=True):
        py_lon, py_lat = gcj02_to_wgs84(lon, lat)
        assert abs(js_lon - py_lon) < TOLERANCE_DEG and abs(js_lat - py_lat) < TOLERANCE_DEG, (lon, lat)


def test_gcj02_tiles_get_our_wgs84_data_shifted(phone: Page, live_server: LiveServer) -> None:
    lon, lat = POINTS[0]
    phone.goto(live_server.url("/?view=map"))  # the app page, with Leaflet loaded
    phone.wait_for_function("window.L !== undefined")
    drawn = phone.evaluate("""async ([lon, lat, tile]) => {
        const { createMap } = await import('/js/map.js');
        const box = document.createElement('div');
        box.style.height = '200px';
        document.body.append(box);
        const view = createMap(box, {tile_crs: 'gcj02', tile_url: tile, tile_attribution: 'test tiles'});
        const shown = view.toLatLng([lon, lat]);
        const back = view.fromLatLng(shown);
        view.map.remove();
        return [shown.lng, shown.lat, back[0], back[1]];
    }""", [lon, lat, f"data:image/png;base64,{base64.b64encode(BLANK_PNG).decode()}"])
    expected = wgs84_to_gcj02(lon, lat)
    assert abs(drawn[0] - expected[0]) < TOLERANCE_DEG and abs(drawn[1] - expected[1]) < TOLERANCE_DEG
    assert abs(drawn[2] - lon) < TOLERANCE_DEG and abs(drawn[3] - lat) < TOLERANCE_DEG
