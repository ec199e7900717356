"""The /embed page: filters in the URL, the configured frame-ancestors, and the snippet that makes it."""
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from tests.web.conftest import FRAME_ANCESTORS, screenshot
from tests.web.server import LiveServer
from tests.web.stations import CHENGGONG_ADCODE, CHENGGONG_CENTRE, GUANDU_STATION, OPEN_WITH_CHARGING, load_stations


@pytest.fixture(autouse=True)
def stations(db: Session) -> None:
    load_stations(db)


def shown_ids(page: Page) -> set[str]:
    expect(page.locator("#station-list")).not_to_have_attribute("aria-busy", "true")
    expect(page.locator(".station-card").first).to_be_visible()
    return set(page.locator(".station-card").evaluate_all("cards => cards.map(c => c.dataset.id)"))


def test_embed_shows_only_matching_centres_and_sends_frame_ancestors(phone: Page, live_server: LiveServer) -> None:
    response = phone.goto(live_server.url(f"/embed?amenity=phone_charging&district={CHENGGONG_ADCODE}"))
    assert response is not None and response.ok
    assert response.headers["content-security-policy"] == f"frame-ancestors {FRAME_ANCESTORS}"
    assert shown_ids(phone) == {CHENGGONG_CENTRE["id"]}
    expect(phone.locator("#share")).to_be_hidden()
    expect(phone.locator("#full-map-link")).to_be_visible()
    screenshot(phone, "embed-360-chenggong")

    phone.goto(live_server.url("/embed?kind=rider_station&amenity=phone_charging"))
    assert shown_ids(phone) == {OPEN_WITH_CHARGING["id"], GUANDU_STATION["id"]}
    nav = phone.locator(f'.station-card[data-id="{GUANDU_STATION["id"]}"] a.nav-amap')
    expect(nav).to_have_attribute("target", "_blank")


def test_normal_view_offers_the_iframe_snippet_with_its_filters(phone: Page, live_server: LiveServer) -> None:
    phone.goto(live_server.url("/"))
    expect(phone.locator(".station-card").first).to_be_visible()
    phone.get_by_role("button", name="手机充电").click()
    phone.get_by_role("button", name="筛选").click()  # kind, district and "open now" fold away on a phone
    phone.get_by_label("区", exact=True).select_option(CHENGGONG_ADCODE)
    phone.get_by_text("嵌入与分享").click()
    snippet = phone.get_by_label("嵌入代码").input_value()
    assert snippet.startswith("<iframe ") and 'allow="geolocation"' in snippet and 'title="' in snippet
    src = snippet.split('src="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert src.startswith(f"{live_server.base_url}/embed?")
    assert parse_qs(urlsplit(src).query) == {"amenity": ["phone_charging"], "district": [CHENGGONG_ADCODE]}
    phone.goto(src)
    assert shown_ids(phone) == {CHENGGONG_CENTRE["id"]}
