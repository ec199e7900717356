"""Installable and offline from the first visit: the service worker keeps the shell, and the answers the
page fetched before the worker existed (configuration, vocabulary, districts, the list) are handed to it;
offline, the page shows the last list with its age, in its own language."""
import json
import re

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy.orm import Session

from tests.web.conftest import NewContext, PageWatch, screenshot
from tests.web.screen import latin_words
from tests.web.server import LiveServer
from tests.web.stations import NEAR_NO_CHARGING, load_stations

DATA_CACHE = "servicemap-data-v1"
# What the first visit must leave in the worker's data cache (sw.js keeps each list once, as "last/…").
KEPT = ["api/config", "api/vocabulary", "api/districts", "last/nearest"]
ALL_KEPT = """async (paths) => {
  const cache = await caches.open('%s');
  const found = await Promise.all(paths.map((path) => cache.match(new URL(path, location.href).href)));
  return found.every(Boolean);
}""" % DATA_CACHE


@pytest.fixture(autouse=True)
def stations(db: Session) -> None:
    load_stations(db)


def first_card(page: Page) -> object:
    return page.locator(".station-card").first


def shows_the_nearest(page: Page) -> None:
    expect(first_card(page)).to_have_attribute("data-id", NEAR_NO_CHARGING["id"])


def first_visit(context: BrowserContext, live_server: LiveServer, path: str) -> Page:
    """Open the page once, online, and wait until the worker holds what it needs; no second load."""
    page = context.new_page()
    page.goto(live_server.url(path))
    shows_the_nearest(page)
    page.wait_for_function("!!navigator.serviceWorker.controller")  # installed, activated, in charge
    page.wait_for_function(ALL_KEPT, arg=KEPT, timeout=20_000)
    return page


def test_manifest_makes_the_app_installable(phone: Page, live_server: LiveServer) -> None:
    response = phone.goto(live_server.url("/manifest.webmanifest"))
    assert response is not None and response.ok
    manifest = json.loads(response.text())
    assert manifest["display"] == "standalone" and manifest["start_url"] == "./"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert phone.request.get(live_server.url(f"/{icon['src']}")).ok, icon["src"]


@pytest.mark.parametrize(("path", "note"), [
    ("/", r"离线数据，(刚刚|\d+ 分钟前)更新（\d\d:\d\d）"),
    ("/?lang=en", r"Offline data, updated (just now|\d+ min ago) \(\d\d:\d\d\)"),
])
def test_first_visit_then_offline_shows_the_list_with_its_age(
    new_context: NewContext, live_server: LiveServer, path: str, note: str
) -> None:
    context = new_context(service_workers="allow")
    page = first_visit(context, live_server, path)
    expect(page.locator("#offline-note")).to_be_hidden()

    context.set_offline(True)
    page.reload()
    shows_the_nearest(page)
    expect(page.locator("#offline-note")).to_be_visible()
    expect(page.locator("#offline-note")).to_have_text(re.compile(note))
    if path == "/":
        assert latin_words(page) == []
        screenshot(page, "rider-360-offline", full_page=False)
    context.set_offline(False)


def test_offline_with_nothing_saved_says_so_in_chinese(
    new_context: NewContext, live_server: LiveServer, watch: PageWatch
) -> None:
    watch.allowed_console.append("status of 503")  # the worker's "offline, nothing saved" answers
    context = new_context(service_workers="allow")
    page = first_visit(context, live_server, "/")
    page.evaluate(f"caches.delete('{DATA_CACHE}')")  # as if the data had never been kept
    context.set_offline(True)
    page.reload()
    expect(page.locator("#station-list .empty")).to_have_text("当前离线，且没有可用的缓存数据。")
    expect(page.locator(".station-card")).to_have_count(0)
    assert latin_words(page) == []
    context.set_offline(False)
