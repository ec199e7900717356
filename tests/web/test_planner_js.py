"""The planner's pure functions, run in the real browser: reading uploaded candidate sites, the moments
the time control sends, the cells' resolution and their style."""
import json

import pytest
from playwright.sync_api import Page

from geo.coords import gcj02_to_wgs84
from tests.web.server import LiveServer

CUIHU_GCJ02 = (102.70970, 25.04508)  # 翠湖 as Amap shows it


@pytest.fixture
def module_page(phone: Page, live_server: LiveServer) -> Page:
    phone.goto(live_server.url("/icons/icon.svg"))  # any page of the app's origin
    return phone


def call(page: Page, module: str, function: str, *args):
    return page.evaluate(
        "async ([module, fn, args]) => { const m = await import(`/js/${module}`); return m[fn](...args); }",
        [module, function, list(args)],
    )


def test_csv_sites_with_chinese_headers_quotes_and_a_bad_row(module_page: Page) -> None:
    text = '\ufeff名称,经度,纬度\n"站点, 甲",102.71,25.04\n坏行,abc,25\n"站点, 甲",102.72,25.05\n\n乙,102.73,25.06\n'
    parsed = call(module_page, "sitesfile.js", "parseSites", text, "sites.csv")
    assert parsed["rejected"] == [{"line": 3, "reason": "coordinates"}]
    assert [s["id"] for s in parsed["sites"]] == ["站点, 甲", "站点, 甲-2", "乙"]  # ids stay unique
    assert parsed["sites"][0] == {"id": "站点, 甲", "lon": 102.71, "lat": 25.04}


def test_gcj02_sites_are_sent_as_wgs84(module_page: Page) -> None:
    text = f"lon,lat,id\n{CUIHU_GCJ02[0]},{CUIHU_GCJ02[1]},cuihu\n"
    [site] = call(module_page, "sitesfile.js", "parseSites", text, "sites.csv", {"crs": "gcj02"})["sites"]
    lon, lat = gcj02_to_wgs84(*CUIHU_GCJ02)
    assert abs(site["lon"] - lon) < 1e-6 and abs(site["lat"] - lat) < 1e-6


def test_geojson_sites_keep_their_names_and_refuse_what_is_not_a_point(module_page: Page) -> None:
    collection = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [102.7, 25.0]}, "properties": {"name": "甲"}},
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[102.7, 25.0], [102.8, 25.1]]},
         "properties": {}},
        {"type": "Feature", "id": 7, "geometry": {"type": "Point", "coordinates": [102.9, 25.2]}, "properties": {}},
    ]}
    parsed = call(module_page, "sitesfile.js", "parseSites", json.dumps(collection), "sites.geojson")
    assert parsed["sites"] == [{"id": "甲", "lon": 102.7, "lat": 25.0}, {"id": "7", "lon": 102.9, "lat": 25.2}]
    assert parsed["rejected"] == [{"line": 2, "reason": "point"}]
    assert call(module_page, "sitesfile.js", "parseSites", "{not json", "x.geojson")["rejected"][0]["reason"] == "json"
    no_columns = call(module_page, "sitesfile.js", "parseSites", "x,y_\n1,2\n", "x.csv")
    assert no_columns == {"sites": [], "rejected": [{"line": 1, "reason": "columns"}]}


def test_more_sites_than_the_api_takes_are_refused(module_page: Page) -> None:
    text = "lon,lat\n" + "".join(f"102.{n:04d},25.0\n" for n in range(1001))
    assert call(module_page, "sitesfile.js", "parseSites", text, "many.csv")["rejected"] == [
        {"line": 1001, "reason": "too_many"}]


def test_moments_come_from_the_profile_and_else_from_this_week(module_page: Page) -> None:
    profile = {"hours": [{"at": f"2026-04-2{h // 24}T{h % 24:02d}:00:00+08:00", "layer_id": 100 + h} for h in range(168)],
               "holiday": {"hours": [{"at": f"2026-05-01T{h:02d}:00:00+08:00", "layer_id": 7} for h in range(24)],
                           "makeup_hours": None}}
    assert call(module_page, "timecontrol.js", "momentOf", {"day": "week", "hour": 57}, profile, {"fresh": True}) == {
        "at": "2026-04-22T09:00:00", "layerId": 157}
    assert call(module_page, "timecontrol.js", "momentOf", {"day": "holiday", "hour": 9}, profile) == {
        "at": "2026-05-01T09:00:00", "layerId": None}  # a profile made for other filters names no layer
    # Without a profile: that hour of the week of `now` (a Sunday in Kunming here), as the API reads it.
    fallback = module_page.evaluate("""async () => {
      const m = await import('/js/timecontrol.js');
      return [m.momentOf({day: 'week', hour: 3}, null, {now: new Date('2026-04-26T15:00:00Z')}),
              m.nowMoment(new Date('2026-04-26T16:30:00Z'))];
    }""")
    assert fallback == [{"at": "2026-04-20T03:00:00", "layerId": None}, "2026-04-27T00:00:00"]


def test_cells_resolution_and_styles(module_page: Page) -> None:
    assert call(module_page, "coverage.js", "cellResolution", 36e6) == 9
    assert call(module_page, "coverage.js", "cellResolution", 3000e6) == 8
    style = module_page.evaluate("""async () => {
      const m = await import('/js/coveragemap.js');
      const cell = (minutes, demand) => ({ properties: { minutes, demand } });
      const bands = [5, 10, 15];
      return [m.cellStyle(cell(5, 100), { bands, maxDemand: 100 }), m.cellStyle(cell(null, 0), { bands, maxDemand: 100 }),
              m.cellStyle(cell(10, null), { bands, maxDemand: 0 }), m.bandStyle(cell(15, null), bands)];
    }""")
    full, beyond, no_demand, ring = style
    assert full["fillColor"] == "#08519c" and full["fillOpacity"] == pytest.approx(0.85)
    assert beyond["fillColor"] == "#e6550d" and beyond["fillOpacity"] == pytest.approx(0.1)
    assert no_demand["fillColor"] == "#4292c6" and no_demand["fillOpacity"] == pytest.approx(0.55)
    assert ring["fillColor"] == "#9ecae1"
