"""The editor's page (/edit) in Chromium at 360×740 and 1280×800: sign in, edit hours with the weekly
editor, drag the pin (also on GCJ-02 tiles), save with If-Match, see a conflict, triage rider reports."""
import math
import re
from collections.abc import Iterator

import prcoords
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.settings import Settings
from geo.hours import validate_opening_hours
from tests.builders import add_user, bearer
from tests.web.conftest import NewContext, PageWatch, screenshot
from tests.web.server import LiveServer, start_server
from tests.web.stations import CHENGGONG_CENTRE, NEAR_NO_CHARGING, OPEN_WITH_CHARGING, load_stations
from tests.web.test_a11y import blocking_violations

PHONE = {}
DESK = {"viewport": {"width": 1280, "height": 800}, "is_mobile": False, "has_touch": False, "device_scale_factor": 1}
SIZES = {"phone": PHONE, "desk": DESK}
WUHUA = "530102"
WEEKLY_TEXT = "Mo-Fr 09:00-12:00,14:00-17:30; Sa 18:00-02:00; PH off"
# Moments (Kunming time) where the preview and the API's open_at filter must agree: a working morning,
# the lunch break, 国庆 (PH off), its 调休 Sunday (weekday hours), Saturday night and its spill past midnight.
MOMENTS = ["2025-09-30T10:00", "2025-09-30T12:30", "2025-10-01T10:00", "2025-09-28T10:00",
           "2025-11-15T23:00", "2025-11-16T01:30", "2025-11-16T10:00"]
EARTH_RADIUS_M = 6_371_000
TILE_SIZE = 256


@pytest.fixture
def tokens(db: Session) -> dict[str, str]:
    load_stations(db)
    return {"wuhua": add_user(db, name="五华区-测试编辑", districts=(WUHUA,)),
            "wuhua2": add_user(db, name="五华区-第二编辑", districts=(WUHUA,)),
            "guandu": add_user(db, name="官渡区-测试编辑", districts=("530111",)),
            "admin": add_user(db, name="测试管理员", role="admin")}


@pytest.fixture(scope="module")
def gcj_server(engine: Engine, web_settings: Settings) -> Iterator[LiveServer]:
    """The app again, configured for Chinese (GCJ-02) tiles; the tiles are still answered locally."""
    server = start_server(web_settings.model_copy(update={"tile_crs": "gcj02"}))
    yield server
    server.stop()


def sign_in(page: Page, server: LiveServer, token: str) -> Page:
    page.goto(server.url("/edit"))
    page.get_by_label("编辑令牌").fill(token)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#centre-list .centre-item").first).to_be_visible()
    return page


def open_centre(page: Page, record: dict) -> None:
    page.locator(f'.centre-item[data-id="{record["id"]}"]').click()
    expect(page.locator("#centre-title")).to_have_text(record["name_zh"])
    expect(page.locator("#dirty-note")).to_have_text("没有未保存的修改")


def stored(page: Page, server: LiveServer, centre_id: str) -> dict:
    response = page.request.get(server.url(f"/api/centres/{centre_id}"))
    assert response.ok
    return response.json()


def day(page: Page, code: str):
    return page.locator(f'.day-row[data-where="{code}"]')


def set_range(page: Page, code: str, index: int, start: str, end: str) -> None:
    row = day(page, code).locator(".range").nth(index)
    row.locator("input").nth(0).fill(start)
    row.locator("input").nth(1).fill(end)


def edit_weekly_hours(page: Page) -> None:
    """Mon 09–12 and 14–17:30 (a lunch break), copied to Tue–Fri; Sat 18:00–02:00; Sun closed; PH off."""
    set_range(page, "Mo", 0, "09:00", "12:00")
    day(page, "Mo").get_by_role("button", name="+ 再加一段（周一）").click()
    set_range(page, "Mo", 1, "1400", "1730")  # digits alone, as typed on a phone's number pad
    page.get_by_role("button", name="把周一的时间复制到周二至周五").click()
    set_range(page, "Sa", 0, "18:00", "02:00")
    expect(day(page, "Sa").locator(".range-hint")).to_have_text("到次日")
    day(page, "Su").get_by_role("button", name="删除周日第 1 段").click()
    expect(day(page, "Su").locator(".closed-day")).to_have_text("休息")
    page.get_by_label("法定节假日（按国家放假安排，调休上班日按平日）").select_option("off")
    expect(page.locator("#hours-raw")).to_have_value(WEEKLY_TEXT)
    expect(page.locator("#hours-check")).to_have_text("✓ 格式正确")


def preview_at(page: Page, moment: str) -> bool | None:
    """The page's preview of the hours being edited at `moment`: open (True), closed (False) or unknown."""
    page.get_by_label("日期").fill(moment[:10])
    page.get_by_label("时间（24 小时制）").fill(moment[11:].replace(":", ""))  # digits alone, as on a phone
    page.get_by_role("button", name="预览", exact=True).click()
    expect(page.locator("#preview-state")).to_have_attribute("data-at", re.compile(f"^{moment}"))
    state = page.locator("#preview-state").get_attribute("data-open")
    return {"true": True, "false": False}.get(state)


def open_per_api(page: Page, server: LiveServer, centre_id: str, moment: str) -> bool:
    response = page.request.get(server.url("/api/centres"), params={"open_at": moment, "district": WUHUA})
    return centre_id in [feature["id"] for feature in response.json()["features"]]


def tile_zoom(page: Page) -> int:
    """The zoom level on show: the deepest level among the loaded tiles (just after zooming in, the
    previous level's tiles are still in the page until Leaflet prunes them). A tile whose loading Leaflet
    aborted keeps its class but shows an empty data: image, and is skipped."""
    sources = page.locator("#location-map img.leaflet-tile-loaded").evaluate_all("tiles => tiles.map(t => t.src)")
    levels = [int(match.group(1)) for src in sources if (match := re.search(r"/(\d+)/\d+/\d+\.png$", src))]
    assert levels, f"no map tile on show: {sources}"
    return max(levels)


def mercator_pixels(lon: float, lat: float, zoom: int) -> tuple[float, float]:
    scale = TILE_SIZE * 2**zoom
    x = (lon + 180) / 360 * scale
    y = (1 - math.log(math.tan(math.radians(lat)) + 1 / math.cos(math.radians(lat))) / math.pi) / 2 * scale
    return x, y


def mercator_lonlat(x: float, y: float, zoom: int) -> tuple[float, float]:
    scale = TILE_SIZE * 2**zoom
    lon = x / scale * 360 - 180
    lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / scale))))
    return lon, lat


def metres_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    mean_lat = math.radians((a[1] + b[1]) / 2)
    dx = math.radians(b[0] - a[0]) * math.cos(mean_lat) * EARTH_RADIUS_M
    dy = math.radians(b[1] - a[1]) * EARTH_RADIUS_M
    return math.hypot(dx, dy)


def drag_pin(page: Page, dx: float, dy: float) -> None:
    page.locator("#location-map").evaluate("map => map.scrollIntoView({block: 'center'})")
    box = page.locator(".edit-pin").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx / 2, y + dy / 2, steps=4)
    page.mouse.move(x + dx, y + dy, steps=4)
    page.mouse.up()
    expect(page.locator("#location-moved")).to_be_visible()


def expected_drop(start_wgs84: tuple[float, float], dx: float, dy: float, zoom: int, *, gcj02: bool) -> tuple[float, float]:
    """Where a pin shown at start_wgs84 lands after moving (dx, dy) CSS pixels, in WGS84, computed without
    the page's code: Web Mercator by hand, GCJ-02 by the independent prcoords package."""
    lon, lat = start_wgs84
    if gcj02:
        lat, lon = prcoords.wgs_gcj(prcoords.Coords(lat, lon))
    x, y = mercator_pixels(lon, lat, zoom)
    shown_lon, shown_lat = mercator_lonlat(x + dx, y + dy, zoom)
    if not gcj02:
        return shown_lon, shown_lat
    wgs = prcoords.gcj_wgs_bored(prcoords.Coords(shown_lat, shown_lon))
    return wgs.lon, wgs.lat


def move_pin(page: Page, *, dx: float, dy: float, precision: str) -> int:
    """Drag the pin, vouch for its precision and write a note; the map's zoom while dragging."""
    zoom = tile_zoom(page)
    drag_pin(page, dx, dy)
    page.get_by_label(precision, exact=True).check()
    page.get_by_label("位置说明", exact=True).fill("测试：按现场核对的入口位置")
    return zoom


@pytest.mark.parametrize("size", SIZES)
def test_editor_edits_hours_and_location_then_saves(
    new_context: NewContext, live_server: LiveServer, tokens: dict, size: str
) -> None:
    page = sign_in(new_context(**SIZES[size]).new_page(), live_server, tokens["wuhua"])
    expect(page.locator("#unplaced-section")).to_be_hidden()
    screenshot(page, f"editor-{size}-list", full_page=size == "phone")
    open_centre(page, OPEN_WITH_CHARGING)
    edit_weekly_hours(page)
    expect(page.locator("#dirty-note")).to_have_text("有未保存的修改")
    start = (OPEN_WITH_CHARGING["lon"], OPEN_WITH_CHARGING["lat"])
    zoom = move_pin(page, dx=60, dy=-40, precision="精确到楼宇")
    screenshot(page, f"editor-{size}-centre", full_page=False)
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#status")).to_have_text("已保存。")
    expect(page.locator("#dirty-note")).to_have_text("没有未保存的修改")

    saved = stored(page, live_server, OPEN_WITH_CHARGING["id"])
    props = saved["properties"]
    assert props["opening_hours"] == WEEKLY_TEXT == validate_opening_hours(props["opening_hours"])
    assert (props["location_precision"], props["location_note"]) == ("building", "测试：按现场核对的入口位置")
    dropped = tuple(saved["geometry"]["coordinates"])
    assert metres_between(dropped, expected_drop(start, 60, -40, zoom, gcj02=False)) < 1.0
    assert metres_between(dropped, start) > 20  # it really moved

    for moment in MOMENTS:
        assert preview_at(page, moment) is open_per_api(page, live_server, OPEN_WITH_CHARGING["id"], moment), moment
    preview_at(page, "2025-10-01T10:00")
    expect(page.locator("#preview-week .preview-day").first).to_contain_text("国庆节放假")
    expect(page.locator("#history-list .history-entry").first).to_contain_text("修改")
    screenshot(page, f"editor-{size}-saved", full_page=size == "phone")


def test_pin_dropped_on_gcj02_tiles_is_stored_in_wgs84(
    new_context: NewContext, gcj_server: LiveServer, tokens: dict
) -> None:
    page = sign_in(new_context().new_page(), gcj_server, tokens["wuhua"])
    open_centre(page, NEAR_NO_CHARGING)
    expect(page.locator("#location-shift-note")).to_be_visible()
    start = (NEAR_NO_CHARGING["lon"], NEAR_NO_CHARGING["lat"])
    zoom = move_pin(page, dx=-50, dy=30, precision="准确（入口已核对）")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#status")).to_have_text("已保存。")
    saved = stored(page, gcj_server, NEAR_NO_CHARGING["id"])
    dropped = tuple(saved["geometry"]["coordinates"])
    assert metres_between(dropped, expected_drop(start, -50, 30, zoom, gcj02=True)) < 1.0
    # The tiles' own (GCJ-02) coordinates of the drop are some 300 m away: they were not stored as they are.
    gcj_lat, gcj_lon = prcoords.wgs_gcj(prcoords.Coords(start[1], start[0]))
    on_tiles = mercator_lonlat(*(a + b for a, b in zip(mercator_pixels(gcj_lon, gcj_lat, zoom), (-50, 30))), zoom)
    assert metres_between(dropped, on_tiles) > 200
    assert saved["properties"]["location_precision"] == "exact"


def test_a_stale_save_shows_the_conflict_and_redoes_on_top(
    new_context: NewContext, live_server: LiveServer, tokens: dict, watch: PageWatch, axe_source: str
) -> None:
    watch.expected_failures.append(("/api/centres/", 412))
    first = sign_in(new_context().new_page(), live_server, tokens["wuhua"])
    second = sign_in(new_context(**DESK).new_page(), live_server, tokens["wuhua2"])
    open_centre(first, NEAR_NO_CHARGING)
    open_centre(second, NEAR_NO_CHARGING)
    second.get_by_label("地址", exact=True).fill("五华区测试路 88 号")
    second.locator("#amenity-boxes").get_by_label("卫生间").check()
    second.get_by_role("button", name="保存").click()
    expect(second.locator("#status")).to_have_text("已保存。")

    first.get_by_label("电话", exact=True).fill("0871-6000 1234")
    first.get_by_label("地址", exact=True).fill("五华区另一条路 1 号")
    first.get_by_role("button", name="保存").click()
    conflict = first.locator("#conflict-panel")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text("五华区-第二编辑")
    address = conflict.locator('tr[data-field="address"]')
    expect(address.locator(".was")).to_have_text("测试地址1号")
    expect(address.locator(".theirs")).to_have_text("五华区测试路 88 号")
    expect(address.locator(".mine")).to_have_text("五华区另一条路 1 号")
    expect(conflict.locator('tr[data-field="amenities"] .theirs')).to_contain_text("卫生间")
    expect(conflict.locator('tr[data-field="phone"] .mine')).to_have_text("0871-6000 1234")
    screenshot(first, "editor-phone-conflict", full_page=False)
    assert blocking_violations(first, axe_source) == []
    assert stored(first, live_server, NEAR_NO_CHARGING["id"])["properties"]["phone"] is None  # nothing overwritten

    first.get_by_role("button", name="在最新版本上重做我的修改").click()
    expect(conflict).to_be_hidden()
    expect(first.get_by_label("地址", exact=True)).to_have_value("五华区另一条路 1 号")
    first.get_by_role("button", name="保存").click()
    expect(first.locator("#status")).to_have_text("已保存。")
    props = stored(first, live_server, NEAR_NO_CHARGING["id"])["properties"]
    assert props["phone"] == "0871-6000 1234" and props["address"] == "五华区另一条路 1 号"
    assert "toilet" in props["amenities"]  # the other editor's change survived the redo


def test_rider_report_shows_up_first_and_confirming_is_audited(
    new_context: NewContext, live_server: LiveServer, tokens: dict
) -> None:
    page = new_context().new_page()
    centre_id = NEAR_NO_CHARGING["id"]
    reported = page.request.post(live_server.url(f"/api/centres/{centre_id}/reports"), data={"kind": "no_water"})
    assert reported.status == 201
    sign_in(page, live_server, tokens["wuhua"])
    first = page.locator("#centre-list .centre-item").first
    expect(first).to_have_attribute("data-id", centre_id)
    expect(first).to_contain_text("1 条待处理反馈：没有饮用水")
    screenshot(page, "editor-phone-list-with-report", full_page=False)
    first.click()
    report = page.locator(f'#report-list [data-report="{reported.json()["id"]}"]')
    expect(report).to_contain_text("没有饮用水")
    expect(report).to_contain_text("刚刚")
    screenshot(page, "editor-phone-report", full_page=False)
    report.get_by_role("button", name="确认").click()
    expect(report).to_contain_text("已确认 · 五华区-测试编辑")
    expect(report.get_by_role("button")).to_have_count(0)
    expect(page.locator("#history-list")).to_contain_text("确认骑手反馈")

    audit = page.request.get(live_server.url(f"/api/audit?centre_id={centre_id}"), headers=bearer(tokens["admin"]))
    (entry,) = [e for e in audit.json() if e["action"] == "confirm_report"]
    assert entry["actor"] == "五华区-测试编辑" and entry["details"]["report_id"] == reported.json()["id"]
    assert entry["details"]["kind"] == "no_water"


def test_closed_report_can_close_the_station_and_others_can_be_dismissed(
    new_context: NewContext, live_server: LiveServer, tokens: dict
) -> None:
    page = new_context(**DESK).new_page()
    centre_id = OPEN_WITH_CHARGING["id"]
    for kind in ("closed", "charger_broken"):
        page.request.post(live_server.url(f"/api/centres/{centre_id}/reports"), data={"kind": kind})
    sign_in(page, live_server, tokens["wuhua"])
    page.locator(f'.centre-item[data-id="{centre_id}"]').click()
    page.locator('#report-list [data-kind="charger_broken"]').get_by_role("button", name="驳回").click()
    expect(page.locator('#report-list [data-kind="charger_broken"]')).to_contain_text("已驳回")
    page.get_by_role("button", name="确认并设为暂停开放").click()
    expect(page.locator('#report-list [data-kind="closed"]')).to_contain_text("已确认")
    expect(page.get_by_label("状态", exact=True)).to_have_value("temporarily_closed")
    assert stored(page, live_server, centre_id)["properties"]["status"] == "temporarily_closed"
    actions = [e["action"] for e in page.request.get(live_server.url(f"/api/audit?centre_id={centre_id}"),
                                                      headers=bearer(tokens["wuhua"])).json()]
    assert actions[:2] == ["confirm_report", "dismiss_report"]


def test_editor_of_another_district_sees_no_edit_controls(
    new_context: NewContext, live_server: LiveServer, tokens: dict
) -> None:
    page = sign_in(new_context().new_page(), live_server, tokens["guandu"])
    listed = page.locator("#centre-list .centre-item")
    expect(listed).to_have_count(1)
    assert listed.get_attribute("data-id") != OPEN_WITH_CHARGING["id"]
    page.goto(live_server.url(f"/edit#/centre/{OPEN_WITH_CHARGING['id']}"))
    expect(page.locator("#readonly-note")).to_contain_text("不在您负责的区")
    expect(page.locator("#centre-form")).to_be_hidden()
    expect(page.locator("#reports-panel")).to_be_hidden()
    expect(page.get_by_role("button", name="保存")).to_have_count(0)
    expect(page.locator("#centre-view input:visible, #centre-view select:visible, #centre-view textarea:visible")).to_have_count(0)
    screenshot(page, "editor-phone-read-only", full_page=False)

    etag = page.request.get(live_server.url(f"/api/centres/{OPEN_WITH_CHARGING['id']}")).headers["etag"]
    refused = page.request.patch(live_server.url(f"/api/centres/{OPEN_WITH_CHARGING['id']}"), data={"phone": "1"},
                                 headers={**bearer(tokens["guandu"]), "If-Match": etag})
    assert refused.status == 403
    reports = page.request.get(live_server.url(f"/api/reports?centre_id={OPEN_WITH_CHARGING['id']}"),
                               headers=bearer(tokens["guandu"]))
    assert reports.status == 403


def test_sign_in_keeps_the_token_out_of_the_url(
    new_context: NewContext, live_server: LiveServer, tokens: dict, watch: PageWatch
) -> None:
    watch.expected_failures.append(("/api/me", 401))
    page = new_context().new_page()
    page.goto(live_server.url("/edit"))
    page.get_by_label("编辑令牌").fill("smk_not-a-real-token")
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#sign-in-error")).to_contain_text("令牌无效")
    sign_in(page, live_server, tokens["wuhua"])
    assert tokens["wuhua"] not in page.url
    assert page.evaluate("sessionStorage.getItem('servicemap.editorToken')") == tokens["wuhua"]
    page.reload()
    expect(page.locator("#centre-list .centre-item").first).to_be_visible()  # still signed in in this tab
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_label("编辑令牌")).to_be_visible()
    assert page.evaluate("sessionStorage.getItem('servicemap.editorToken')") is None


def test_admin_issues_a_token_that_signs_in_and_can_disable_it(
    new_context: NewContext, live_server: LiveServer, tokens: dict, watch: PageWatch
) -> None:
    watch.expected_failures.append(("/api/me", 401))
    page = sign_in(new_context(**DESK).new_page(), live_server, tokens["admin"])
    expect(page.locator("#centre-list .centre-item")).to_have_count(5)  # every district
    page.get_by_role("link", name="用户").click()
    page.get_by_label("姓名（例如：大观街道-张三）").fill("呈贡区-新编辑")
    page.locator("#new-user-form").get_by_label("呈贡区").check()
    page.get_by_role("button", name="创建并签发令牌").click()
    token = page.locator("#new-token-value").input_value()
    assert token.startswith("smk_")
    screenshot(page, "editor-desk-users", full_page=False)

    newcomer = sign_in(new_context().new_page(), live_server, token)
    expect(newcomer.locator("#centre-list .centre-item")).to_have_count(1)
    expect(newcomer.locator("#centre-list")).to_contain_text(CHENGGONG_CENTRE["name_zh"])

    page.locator('.user-card[data-user="呈贡区-新编辑"]').get_by_role("button", name="停用").click()
    expect(page.locator('.user-card[data-user="呈贡区-新编辑"]')).to_contain_text("已停用")
    assert newcomer.request.get(live_server.url("/api/me"), headers=bearer(token)).status == 401
    page.get_by_role("link", name="审计日志").click()
    expect(page.locator("#audit-list .history-entry").first).to_contain_text("修改用户")


def test_english_switch(new_context: NewContext, live_server: LiveServer, tokens: dict) -> None:
    page = sign_in(new_context().new_page(), live_server, tokens["wuhua"])
    open_centre(page, OPEN_WITH_CHARGING)
    page.get_by_role("button", name="Switch to English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#hours legend").first).to_have_text("Opening hours")
    expect(day(page, "Mo").locator(".day-name")).to_have_text("Mon")
    expect(page.get_by_label("Drinking water")).to_be_checked()
    expect(page.get_by_role("button", name="Save")).to_be_visible()
    screenshot(page, "editor-phone-english", full_page=False)


def english_words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z]{4,}", text))


def test_invalid_hours_are_explained_in_the_page_language(
    new_context: NewContext, live_server: LiveServer, tokens: dict
) -> None:
    page = sign_in(new_context().new_page(), live_server, tokens["wuhua"])
    open_centre(page, OPEN_WITH_CHARGING)
    page.get_by_label("opening_hours 原文（OpenStreetMap 格式，熟悉的人可以直接改）").fill("Mo-Fx 09:00")
    check = page.locator("#hours-check")
    expect(check).to_contain_text("第 4 个字符")
    chinese = check.text_content()
    assert "“Fx 09:00”" in chinese
    # The parser's English ("invalid", "expression", "expected"…) stays out; the format's name may be there.
    assert english_words(chinese.replace("“Fx 09:00”", "")) <= {"OpenStreetMap"}, chinese

    page.get_by_role("button", name="保存").click()  # the save path words it the same way
    expect(page.locator("#form-error")).to_have_text(chinese.removeprefix("✗ "))

    page.get_by_role("button", name="Switch to English").click()
    expect(check).to_contain_text("Not understood at character 4 (“Fx 09:00”)")
    assert not re.search(r"[\u4e00-\u9fff]", check.text_content())


@pytest.mark.parametrize("size", SIZES)
def test_axe_finds_no_serious_violations(
    new_context: NewContext, live_server: LiveServer, tokens: dict, axe_source: str, size: str
) -> None:
    page = new_context(**SIZES[size]).new_page()
    page.request.post(live_server.url(f"/api/centres/{NEAR_NO_CHARGING['id']}/reports"), data={"kind": "closed"})
    page.goto(live_server.url("/edit"))
    expect(page.get_by_label("编辑令牌")).to_be_visible()
    assert blocking_violations(page, axe_source) == [], "sign-in"
    sign_in(page, live_server, tokens["admin"])
    assert blocking_violations(page, axe_source) == [], "list"
    open_centre(page, NEAR_NO_CHARGING)
    expect(page.locator("#hours-preview")).to_be_visible()
    page.locator("#history-panel").evaluate("details => { details.open = true; }")
    expect(page.locator("#history-list .history-entry").first).to_be_visible()
    assert blocking_violations(page, axe_source) == [], "centre"
    day(page, "Mo").locator("input").first.fill("25:00")
    expect(day(page, "Mo").locator(".range-hint")).to_have_text("请填写开始和结束时间")
    assert blocking_violations(page, axe_source) == [], "centre with an error"
    page.goto(live_server.url("/edit#/users"))
    expect(page.locator("#user-list .user-card").first).to_be_visible()
    assert blocking_violations(page, axe_source) == [], "users"
    page.get_by_role("link", name="审计日志").click()
    expect(page.locator("#audit-list .history-entry").first).to_be_visible()
    assert blocking_violations(page, axe_source) == [], "audit"
    screenshot(page, f"editor-{size}-audit", full_page=False)
