"""The rider view on a 360 px phone: locate, filter by amenity, open now, hand off to the map apps."""
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from geo.coords import wgs84_to_gcj02
from tests.web.conftest import RIDER_LAT, RIDER_LON, NewContext, screenshot
from tests.web.screen import assert_on_first_screen
from tests.web.server import LiveServer
from tests.web.stations import CLOSED_WITH_CHARGING, NEAR_NO_CHARGING, OPEN_WITH_CHARGING, load_stations

MIN_TOUCH_PX = 44


@pytest.fixture(autouse=True)
def stations(db: Session) -> None:
    load_stations(db)


def card_titles(page: Page) -> list[str]:
    return page.locator(".station-card .card-title").all_inner_texts()


def wait_for_list(page: Page) -> None:
    expect(page.locator(".station-card").first).to_be_visible()
    expect(page.locator("#station-list")).not_to_have_attribute("aria-busy", "true")


def card(page: Page, record: dict) -> object:
    return page.locator(f'.station-card[data-id="{record["id"]}"]')


def test_nearest_open_station_with_phone_charging_comes_first(phone: Page, live_server: LiveServer) -> None:
    phone.goto(live_server.url("/"))
    wait_for_list(phone)
    assert NEAR_NO_CHARGING["name_zh"] in card_titles(phone)[0]
    assert all(CLOSED_WITH_CHARGING["name_zh"] not in title for title in card_titles(phone))

    phone.get_by_role("button", name="手机充电").click()
    expect(phone.get_by_role("button", name="手机充电")).to_have_attribute("aria-pressed", "true")
    expect(phone.locator(".station-card .card-title").first).to_contain_text(OPEN_WITH_CHARGING["name_zh"])
    wait_for_list(phone)
    titles = card_titles(phone)
    assert all(NEAR_NO_CHARGING["name_zh"] not in title for title in titles)
    assert "amenity=phone_charging" in phone.url
    first = card(phone, OPEN_WITH_CHARGING)
    expect(first.locator(".badge-open")).to_have_text("营业中")
    expect(first.locator(".hours")).to_contain_text("今日 00:00-24:00")
    expect(first.locator(".precision")).to_contain_text("位置为大致位置")
    expect(first.locator(".reach")).to_contain_text("直线")
    expect(phone.locator("#ranking-note")).to_contain_text("直线距离")
    expect(first.locator('a[href^="tel:"]')).to_have_attribute("href", "tel:087160000000")
    screenshot(phone, "rider-360-phone-charging")


def test_closed_stations_show_when_asked(phone: Page, live_server: LiveServer) -> None:
    phone.goto(live_server.url("/?amenity=phone_charging&open=0"))
    wait_for_list(phone)
    assert CLOSED_WITH_CHARGING["name_zh"] in card_titles(phone)[0]
    expect(card(phone, CLOSED_WITH_CHARGING).locator(".badge-closed")).to_have_text("暂停开放")  # its status
    expect(phone.get_by_label("只看现在营业的")).not_to_be_checked()


def test_touch_targets_are_at_least_44_px(phone: Page, live_server: LiveServer) -> None:
    phone.goto(live_server.url("/"))
    wait_for_list(phone)
    targets = phone.locator("main button:visible, main a.button:visible, main select:visible, main .check:visible")
    assert targets.count() > 10
    for index in range(targets.count()):
        box = targets.nth(index).bounding_box()
        label = targets.nth(index).inner_text() or targets.nth(index).get_attribute("id")
        assert box and box["height"] >= MIN_TOUCH_PX and box["width"] >= MIN_TOUCH_PX, (label, box)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways at 360 px ({width} px wide)"


def test_amap_link_carries_gcj02_coordinates(phone: Page, live_server: LiveServer) -> None:
    phone.goto(live_server.url("/?amenity=phone_charging"))
    wait_for_list(phone)
    href = card(phone, OPEN_WITH_CHARGING).locator("a.nav-amap").get_attribute("href")
    query = parse_qs(urlsplit(href).query)
    to_lon, to_lat, to_name = query["to"][0].split(",")
    expected = wgs84_to_gcj02(OPEN_WITH_CHARGING["lon"], OPEN_WITH_CHARGING["lat"])
    assert abs(float(to_lon) - expected[0]) < 1e-6 and abs(float(to_lat) - expected[1]) < 1e-6
    assert to_name == OPEN_WITH_CHARGING["name_zh"]
    from_lon, from_lat, _ = query["from"][0].split(",")
    rider = wgs84_to_gcj02(RIDER_LON, RIDER_LAT)
    assert abs(float(from_lon) - rider[0]) < 1e-6 and abs(float(from_lat) - rider[1]) < 1e-6
    assert query["coordinate"] == ["gaode"] and query["mode"] == ["ride"] and query["callnative"] == ["1"]


def test_every_navigation_app_is_one_tap(phone: Page, live_server: LiveServer) -> None:
    phone.goto(live_server.url("/?amenity=phone_charging"))
    wait_for_list(phone)
    links = card(phone, OPEN_WITH_CHARGING).locator(".nav-links a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert [urlsplit(h).scheme + ":" + (urlsplit(h).hostname or "") for h in hrefs] == [
        "https:uri.amap.com", "https:api.map.baidu.com", "https:apis.map.qq.com", "geo:"]
    lon, lat = OPEN_WITH_CHARGING["lon"], OPEN_WITH_CHARGING["lat"]
    assert hrefs[3].startswith(f"geo:{lat:.6f},{lon:.6f}?q=")
    baidu = parse_qs(urlsplit(hrefs[1]).query)
    assert baidu["coord_type"] == ["gcj02"] and baidu["mode"] == ["riding"] and baidu["output"] == ["html"]
    tencent = parse_qs(urlsplit(hrefs[2]).query)
    g_lon, g_lat = wgs84_to_gcj02(lon, lat)
    assert tencent["type"] == ["bike"] and tencent["tocoord"] == [f"{g_lat:.6f},{g_lon:.6f}"]


def test_denied_location_falls_back_to_a_pin(new_context: NewContext, live_server: LiveServer) -> None:
    page = new_context(located=False).new_page()
    page.goto(live_server.url("/"))
    expect(page.locator("#locate-note")).to_contain_text("没有获得定位权限", timeout=20_000)
    expect(page.locator("#status")).to_contain_text("没有获得定位权限")
    expect(page.locator(".origin-pin")).to_be_visible()
    wait_for_list(page)
    box = page.locator("#map").bounding_box()
    with page.expect_request(lambda r: "/api/centres/nearest" in r.url) as moved:
        page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.7)
    query = parse_qs(urlsplit(moved.value.url).query)
    assert query["lon"] and query["lat"]
    wait_for_list(page)
    first = page.locator(".station-card").first
    # Placed by hand, the nearest station is on the first screen too (straight-line distance: no network here).
    assert_on_first_screen(page, first.locator(".card-name"), first.locator(".reach"), first.locator(".badge"),
                           first.locator("a.nav-amap"), page.locator("#locate-note"))
    screenshot(page, "rider-360-denied-pin", full_page=False)


def test_english_switch(phone: Page, live_server: LiveServer) -> None:
    phone.goto(live_server.url("/?amenity=phone_charging"))
    wait_for_list(phone)
    phone.get_by_role("button", name="Switch to English").click()
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    expect(phone.get_by_role("button", name="Phone charging")).to_have_attribute("aria-pressed", "true")
    expect(card(phone, OPEN_WITH_CHARGING).locator(".precision")).to_contain_text("Approximate location")
    expect(phone.locator("#ranking-note")).to_contain_text("straight-line")
    assert "lang=en" in phone.url
    screenshot(phone, "rider-360-english")


def test_keyboard_alone_filters_and_finds_a_station_on_the_map(phone: Page, live_server: LiveServer) -> None:
    phone.goto(live_server.url("/"))
    wait_for_list(phone)
    phone.get_by_role("button", name="手机充电").focus()
    phone.keyboard.press("Enter")
    expect(phone.locator(".station-card .card-title").first).to_contain_text(OPEN_WITH_CHARGING["name_zh"])
    marker = phone.get_by_role("button", name=f"1. {OPEN_WITH_CHARGING['name_zh']}")
    marker.focus()
    phone.keyboard.press("Enter")
    expect(phone.locator("li.station.is-selected")).to_contain_text(OPEN_WITH_CHARGING["name_zh"])
    expect(card(phone, OPEN_WITH_CHARGING)).to_be_focused()


def test_wide_screen_puts_the_list_beside_the_map(new_context: NewContext, live_server: LiveServer) -> None:
    page = new_context(viewport={"width": 1280, "height": 800}, is_mobile=False, has_touch=False,
                       device_scale_factor=1).new_page()
    page.goto(live_server.url("/?amenity=phone_charging"))
    wait_for_list(page)
    map_box, list_box = page.locator("#map").bounding_box(), page.locator("#results").bounding_box()
    assert map_box["x"] >= list_box["x"] + list_box["width"] - 1
    screenshot(page, "rider-1280-desktop", full_page=False)
