"""A station can be shared: a link that opens the map on that station with its card first, whose page
carries the station's name for chat apps' previews; and a card's share button that copies that link."""
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy.orm import Session

from tests.web.conftest import NewContext, PageWatch, screenshot
from tests.web.screen import assert_on_first_screen, latin_words
from tests.web.server import LiveServer
from tests.web.stations import NEAR_NO_CHARGING, OPEN_WITH_CHARGING, load_stations


@pytest.fixture(autouse=True)
def stations(db: Session) -> None:
    load_stations(db)


def test_a_shared_link_opens_the_stations_card_on_the_map(new_context: NewContext, live_server: LiveServer) -> None:
    # No location permission: the station's card needs none, and the rider is not asked for it.
    page = new_context(located=False).new_page()
    response = page.goto(live_server.url(f"/?station={OPEN_WITH_CHARGING['id']}"))
    assert response is not None and response.status == 200
    expect(page.locator("#results-heading")).to_have_text("分享的站点")
    card = page.locator(".station-card")
    expect(card).to_have_count(1)
    expect(card).to_have_attribute("data-id", OPEN_WITH_CHARGING["id"])
    expect(card.locator(".card-name")).to_have_text(OPEN_WITH_CHARGING["name_zh"])
    expect(card.locator(".badge-open")).to_have_text("营业中")
    expect(card.locator('a[href^="tel:"]')).to_have_attribute("href", "tel:087160000000")
    marker = page.locator(".station-marker")
    expect(marker).to_have_count(1)
    expect(marker).to_be_visible()
    map_box, marker_box = page.locator("#map").bounding_box(), marker.bounding_box()
    assert map_box["y"] <= marker_box["y"]
    assert marker_box["y"] + marker_box["height"] <= map_box["y"] + map_box["height"]
    assert_on_first_screen(page, card.locator(".card-name"), card.locator(".badge-open"), card.locator("a.nav-amap"))
    expect(page.locator("#locate-note")).to_be_hidden()
    assert page.title().startswith(OPEN_WITH_CHARGING["name_zh"])
    assert latin_words(page) == []
    screenshot(page, "rider-360-shared-station", full_page=False)

    page.get_by_role("button", name="定位我").click()  # from there, back to the nearest stations
    expect(page.locator("#results-heading")).to_have_text("离您最近的站点")
    assert "station=" not in page.url


def test_the_share_button_copies_the_stations_link(new_context: NewContext, live_server: LiveServer) -> None:
    page = new_context(permissions=["geolocation", "clipboard-read", "clipboard-write"]).new_page()
    page.goto(live_server.url("/?lang=en"))
    first = page.locator(".station-card").first
    expect(first).to_have_attribute("data-id", NEAR_NO_CHARGING["id"])
    share = first.get_by_role("link", name=f"Share a link to {NEAR_NO_CHARGING['name_en']}")
    share.click()
    expect(share).to_have_text("Copied.")
    link = page.evaluate("navigator.clipboard.readText()")
    assert link == live_server.url(f"/?station={NEAR_NO_CHARGING['id']}&lang=en")
    assert page.url == live_server.url("/?lang=en")  # sharing does not leave the list

    shared = new_context(located=False).new_page()
    shared.goto(link)
    expect(shared.locator(".station-card .card-name")).to_have_text(NEAR_NO_CHARGING["name_en"])
    expect(shared.locator("#results-heading")).to_have_text("Shared station")
    assert re.match(rf"{re.escape(NEAR_NO_CHARGING['name_en'])} · Kunming service map", shared.title())


def test_an_unknown_station_says_so(new_context: NewContext, live_server: LiveServer, watch: PageWatch) -> None:
    watch.allowed_console.append("status of 404")  # the page and the station's lookup: both not found
    page = new_context(located=False).new_page()
    response = page.goto(live_server.url("/?station=no-such-station"))
    assert response is not None and response.status == 404  # the app still loads, and says what happened
    expect(page.locator("#station-list .empty")).to_have_text("找不到这个站点，它可能已被删除。")
