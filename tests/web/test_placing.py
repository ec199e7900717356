"""From a directory without coordinates to the map: `servicemap import --geocode amap --allow-unplaced` against
the local geocoder stand-in places some rows and keeps the others for editors; on /edit (Chromium, 360×740 and
1280×800) the editor of their district sees them under "需要定位", above the stations (folded when many), with
the reason, drops the pin, saves, and the centre is where the pin was dropped, the row gone, the creation
audited. An editor of another district never sees the row. Names and addresses are synthetic test data (合成测试…); only the points and districts are real."""
import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy.orm import Session

from app.catalogue import repository
from app.models import UnplacedRow
from tests.builders import (
    CUIHU_WUHUA,
    KUNMING_STATION_GUANDU,
    add_user,
    bearer,
    geocode_import,
    write_directory,
)
from tests.geocoder_server import GeocoderServer, Place
from tests.web.conftest import NewContext, screenshot
from tests.web.server import LiveServer
from tests.web.stations import load_stations
from tests.web.test_a11y import blocking_violations
from tests.web.test_editor import (
    SIZES,
    drag_pin,
    expected_drop,
    metres_between,
    sign_in,
    stored,
    tile_zoom,
)

WUHUA, GUANDU = "530102", "530111"
HOURS = "Mo-Fr 09:00-12:00,14:00-17:30; PH off"
# The district overview (zoom 14) is ~9 m a pixel: the editor zooms to street level (~0.5 m) to drop the pin.
PLACING_ZOOM = 18
NOTE = "测试：社区工作人员现场核对的大门位置"
# name, address, district, phone, hours: two placed (a door number), three the geocoder cannot place.
DIRECTORY = [
    ("合成测试驿站甲", "合成测试路1号", "五华区", "0871-0000001", "Mo-Fr 09:00-17:00"),
    ("合成测试驿站乙", "合成测试无此地址", "五华区", "", ""),  # Amap finds nothing
    ("合成测试驿站丙", "合成测试大道", "五华区", "0871-0000003", HOURS),  # Amap matches only the road
    ("合成测试驿站丁", "合成测试路4号", "官渡区", "", ""),
    ("合成测试驿站戊", "合成测试无此路", "官渡区", "", ""),  # Amap finds nothing
]
PLACES = {"合成测试路1号": Place(*CUIHU_WUHUA, "门牌号"), "合成测试大道": Place(*CUIHU_WUHUA, "道路"),
          "合成测试路4号": Place(*KUNMING_STATION_GUANDU, "门牌号")}


@pytest.fixture
def unplaced(db: Session, run_cli, geocoders: GeocoderServer, tmp_path: Path) -> dict[str, str]:
    """The directory imported; the ids of the rows kept for editors, by name."""
    geocoders.places |= PLACES
    result = geocode_import(run_cli, write_directory(tmp_path / "名录.csv", DIRECTORY), "amap", "--allow-unplaced",
                            "--kind", "rider_station")
    assert result.exit_code == 0, result.output
    assert "imported: 2 new, 0 changed, 0 unchanged, 0 rejected, 3 unplaced" in result.output
    return {row["name_zh"]: row["id"] for row in repository.list_unplaced(db, districts=None, limit=10, offset=0)}


@pytest.fixture
def tokens(db: Session) -> dict[str, str]:
    return {"wuhua": add_user(db, name="五华区-社区编辑", districts=(WUHUA,)),
            "guandu": add_user(db, name="官渡区-社区编辑", districts=(GUANDU,))}


def listed_ids(page: Page, server: LiveServer, token: str, query: str = "") -> list[str]:
    response = page.request.get(server.url(f"/api/unplaced{query}"), headers=bearer(token))
    assert response.status == 200, response.text()
    return [row["id"] for row in response.json()]


def map_start(page: Page, server: LiveServer, token: str, adcode: str) -> tuple[float, float]:
    """Where a row of `adcode` starts on the map: the district's point the API gives the signed-in editor."""
    districts = page.request.get(server.url("/api/me"), headers=bearer(token)).json()["districts"]
    (district,) = [d for d in districts if d["adcode"] == adcode]
    return district["lon"], district["lat"]


def is_above(upper: Locator, lower: Locator) -> bool:
    top, below = upper.bounding_box(), lower.bounding_box()
    return top is not None and below is not None and top["y"] + top["height"] <= below["y"]


def add_unplaced_rows(db: Session, count: int) -> None:
    """`count` rows of a Wuhua directory the geocoder could not place, as an import keeps them."""
    db.add_all(UnplacedRow(id=f"test-unplaced-{n:03d}", name_zh=f"合成测试待定位{n}", address=f"合成测试无此路{n}号",
                           district_adcode=WUHUA, source="合成测试名录", reason="Amap found nothing",
                           reason_zh="高德地图没有找到这个地址", provider="amap", line=n + 1,
                           record={"name_zh": f"合成测试待定位{n}", "kind": "rider_station"})
               for n in range(1, count + 1))
    db.commit()


def unplaced_item(page: Page, row_id: str):
    return page.locator(f'#unplaced-list .centre-item[data-id="{row_id}"]')


def zoom_in_to(page: Page, zoom: int) -> None:
    """Zoom the location map in with its + button, one level a tap, as an editor closes in on the street."""
    button = page.locator("#location-map").get_by_role("button", name="放大")
    for level in range(tile_zoom(page) + 1, zoom + 1):
        button.click()
        expect(page.locator(f'#location-map img.leaflet-tile-loaded[src*="/{level}/"]').first).to_be_visible()
        expect(page.locator("#location-map .leaflet-map-pane")).not_to_have_class(re.compile("leaflet-zoom-anim"))


def place_with_the_pin(page: Page, *, dx: float, dy: float) -> int:
    """Close in on the street, drop the pin, vouch for the building, write a note; the map's zoom then."""
    zoom_in_to(page, PLACING_ZOOM)
    zoom = tile_zoom(page)
    drag_pin(page, dx, dy)
    page.get_by_label("精确到楼宇", exact=True).check()
    page.get_by_label("位置说明", exact=True).fill(NOTE)
    return zoom


@pytest.mark.parametrize("size", SIZES)
def test_editor_places_a_row_the_geocoder_could_not(
    new_context: NewContext, live_server: LiveServer, unplaced: dict, tokens: dict, axe_source: str, size: str
) -> None:
    road_only, nothing = unplaced["合成测试驿站丙"], unplaced["合成测试驿站乙"]
    page = sign_in(new_context(**SIZES[size]).new_page(), live_server, tokens["wuhua"])
    section = page.locator("#unplaced-section")
    expect(section).to_be_visible()
    expect(page.locator("#unplaced-list .centre-item")).to_have_count(2)
    expect(page.locator("#unplaced-count")).to_have_text("2 个站点等待定位。")
    expect(unplaced_item(page, nothing)).to_be_visible()  # a short list starts unfolded
    assert is_above(section, page.locator("#centre-list")), "rows to place come before the stations"
    expect(unplaced_item(page, nothing)).to_contain_text("高德地图没有找到“五华区合成测试无此地址”")
    expect(unplaced_item(page, road_only)).to_contain_text("只把“五华区合成测试大道”匹配到“道路”一级")
    expect(unplaced_item(page, road_only)).to_contain_text("名录第 4 行")
    section.scroll_into_view_if_needed()
    screenshot(page, f"placing-{size}-list", full_page=size == "phone")
    assert blocking_violations(page, axe_source) == [], "list with rows to place"

    unplaced_item(page, road_only).click()
    expect(page.locator("#centre-title")).to_have_text("合成测试驿站丙")
    expect(page.locator("#centre-meta")).to_have_text(
        "五华区 · 待定位 · 高德地图只把“五华区合成测试大道”匹配到“道路”一级，不能作为站点位置 · 名录第 4 行")
    expect(page.get_by_label("电话", exact=True)).to_have_value("0871-0000003")
    expect(page.locator("#hours-raw")).to_have_value(HOURS)
    expect(page.get_by_label("类型", exact=True)).to_have_value("rider_station")
    expect(page.get_by_role("button", name="恢复原位置")).to_be_disabled()  # there is no position to go back to
    screenshot(page, f"placing-{size}-opened", full_page=False)
    start = map_start(page, live_server, tokens["wuhua"], WUHUA)
    zoom = place_with_the_pin(page, dx=60, dy=-40)
    screenshot(page, f"placing-{size}-pin", full_page=False)
    assert blocking_violations(page, axe_source) == [], "placing"
    page.get_by_role("button", name="保存并放到地图上").click()
    expect(page.locator("#status")).to_have_text("已保存。")
    expect(page.locator("#dirty-note")).to_have_text("没有未保存的修改")
    expect(page.locator("#submit-label")).to_have_text("保存")  # a centre now: the next save is a change

    saved = stored(page, live_server, road_only)
    props = saved["properties"]
    dropped = tuple(saved["geometry"]["coordinates"])
    assert metres_between(dropped, expected_drop(start, 60, -40, zoom, gcj02=False)) < 1.0
    assert metres_between(dropped, start) > 20  # it really moved
    assert (props["location_precision"], props["location_note"]) == ("building", NOTE)
    assert (props["kind"], props["district_adcode"], props["source"]) == ("rider_station", WUHUA, "合成测试名录")
    assert (props["phone"], props["opening_hours"]) == ("0871-0000003", HOURS)
    assert listed_ids(page, live_server, tokens["wuhua"]) == [nothing]
    audit = page.request.get(live_server.url(f"/api/audit?centre_id={road_only}"), headers=bearer(tokens["wuhua"]))
    (created,) = audit.json()
    assert (created["action"], created["actor"], created["after"]["location_precision"]) == (
        "create", "五华区-社区编辑", "building")
    expect(page.locator("#history-panel")).to_be_visible()
    expect(page.locator("#history-list .history-entry").first).to_contain_text("新建")
    screenshot(page, f"placing-{size}-saved", full_page=size == "phone")

    page.get_by_role("link", name="← 返回站点列表").click()
    expect(page.locator(f'#centre-list .centre-item[data-id="{road_only}"]')).to_be_visible()
    expect(page.locator("#unplaced-list .centre-item")).to_have_count(1)
    expect(unplaced_item(page, road_only)).to_have_count(0)


def test_a_long_list_to_place_starts_folded_above_the_stations(
    new_context: NewContext, live_server: LiveServer, db: Session, tokens: dict
) -> None:
    load_stations(db)
    add_unplaced_rows(db, 12)
    page = sign_in(new_context().new_page(), live_server, tokens["wuhua"])
    count = page.locator("#unplaced-count")
    expect(count).to_have_text("12 个站点等待定位。")
    expect(page.locator("#unplaced-list .centre-item").first).to_be_hidden()
    expect(page.locator("#centre-list .centre-item").first).to_be_in_viewport()  # 360×740: not pushed away
    assert is_above(page.locator("#unplaced-section"), page.locator("#centre-list"))
    screenshot(page, "placing-phone-folded", full_page=False)
    count.click()
    expect(page.locator("#unplaced-list .centre-item")).to_have_count(12)
    expect(page.locator("#unplaced-list .centre-item").first).to_be_visible()


def test_editor_of_another_district_does_not_see_the_row(
    new_context: NewContext, live_server: LiveServer, unplaced: dict, tokens: dict
) -> None:
    road_only, guandu_row = unplaced["合成测试驿站丙"], unplaced["合成测试驿站戊"]
    page = sign_in(new_context().new_page(), live_server, tokens["guandu"])
    expect(page.locator("#unplaced-list .centre-item")).to_have_count(1)
    expect(unplaced_item(page, guandu_row)).to_be_visible()
    expect(unplaced_item(page, road_only)).to_have_count(0)
    page.goto(live_server.url(f"/edit#/place/{road_only}"))
    expect(page.locator("#status")).to_contain_text("已不在待定位列表中")
    expect(page.locator("#centre-form")).to_be_hidden()
    screenshot(page, "placing-phone-other-district", full_page=False)

    assert listed_ids(page, live_server, tokens["guandu"]) == [guandu_row]
    refused = page.request.get(live_server.url(f"/api/unplaced?district={WUHUA}"), headers=bearer(tokens["guandu"]))
    assert refused.status == 403 and refused.json()["field"] == "district"
    assert road_only in listed_ids(page, live_server, tokens["wuhua"])
