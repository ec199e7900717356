"""Installable and offline: the service worker keeps the shell and the last list, and says how old it is."""
import json

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from tests.web.conftest import NewContext, screenshot
from tests.web.server import LiveServer
from tests.web.stations import NEAR_NO_CHARGING, load_stations

SW_CONTROLS_PAGE = "!!navigator.serviceWorker.controller"


@pytest.fixture(autouse=True)
def stations(db: Session) -> None:
    load_stations(db)


def first_card(page: Page) -> object:
    return page.locator(".station-card").first


def test_manifest_makes_the_app_installable(phone: Page, live_server: LiveServer) -> None:
    response = phone.goto(live_server.url("/manifest.webmanifest"))
    assert response is not None and response.ok
    manifest = json.loads(response.text())
    assert manifest["display"] == "standalone" and manifest["start_url"] == "./"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert phone.request.get(live_server.url(f"/{icon['src']}")).ok, icon["src"]


def test_offline_reload_shows_the_cached_list_with_its_age(new_context: NewContext, live_server: LiveServer) -> None:
    context = new_context(service_workers="allow")
    page = context.new_page()
    page.goto(live_server.url("/"))
    expect(first_card(page)).to_contain_text(NEAR_NO_CHARGING["name_zh"])
    page.wait_for_function(SW_CONTROLS_PAGE)  # installed, activated, and claimed this page
    page.reload()  # now under the service worker, which keeps this answer
    expect(first_card(page)).to_contain_text(NEAR_NO_CHARGING["name_zh"])
    expect(page.locator("#offline-note")).to_be_hidden()

    context.set_offline(True)
    page.reload()
    expect(first_card(page)).to_contain_text(NEAR_NO_CHARGING["name_zh"])
    expect(page.locator("#offline-note")).to_be_visible()
    expect(page.locator("#offline-note")).to_contain_text("离线数据，更新于")
    screenshot(page, "rider-360-offline")
    context.set_offline(False)
