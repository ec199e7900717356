"""/docs, /docs/ogc and /redoc in Chromium with every request off loopback refused: the pages load
their scripts from our own host, list the operations, and ask no other host for anything."""
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Page, Route, expect

from tests.web.conftest import LOOPBACK_HOSTS, NewContext, screenshot
from tests.web.server import LiveServer


def refuse_off_loopback(route: Route) -> None:
    if urlsplit(route.request.url).hostname in LOOPBACK_HOSTS:
        route.fallback()
    else:
        route.abort("blockedbyclient")


@pytest.fixture
def desktop(new_context: NewContext) -> Page:
    context = new_context(located=False, viewport={"width": 1280, "height": 900}, is_mobile=False, has_touch=False)
    context.route("**/*", refuse_off_loopback)
    return context.new_page()


def requested_hosts(page: Page) -> set[str]:
    return set(page.evaluate("performance.getEntriesByType('resource').map(e => new URL(e.name).host)"))


def test_swagger_ui_lists_the_json_api(desktop: Page, live_server: LiveServer) -> None:
    response = desktop.goto(live_server.url("/docs"))
    assert response is not None and response.ok
    assert "default-src 'self'" in response.headers["content-security-policy"]
    expect(desktop.locator(".opblock-summary-path", has_text="/api/centres/nearest")).to_be_visible(timeout=15_000)
    paths = desktop.locator(".opblock-summary-path").all_inner_texts()
    assert {"/api/centres", "/api/centres/{centre_id}", "/api/coverage/gaps"} <= {p.strip() for p in paths}
    expect(desktop.locator(".errors-wrapper")).to_have_count(0)
    assert requested_hosts(desktop) == {urlsplit(live_server.base_url).netloc}
    screenshot(desktop, "docs-swagger-ui")


def test_swagger_ui_lists_the_ogc_api(desktop: Page, live_server: LiveServer) -> None:
    desktop.goto(live_server.url("/docs/ogc"))
    expect(desktop.locator(".opblock-summary-path", has_text="/collections/centres/items").first).to_be_visible(
        timeout=15_000)
    paths = {p.strip() for p in desktop.locator(".opblock-summary-path").all_inner_texts()}
    assert {"/", "/conformance", "/collections", "/collections/{collectionId}/items"} <= paths
    desktop.locator(".opblock-summary-path", has_text="/collections/centres/items").first.click()
    expect(desktop.locator(".parameters-col_name", has_text="district_adcode")).to_be_visible()


def test_redoc_leads_to_swagger_ui(desktop: Page, live_server: LiveServer) -> None:
    # ReDoc's bundle always fetches its logo from cdn.redoc.ly, so it is not offered.
    desktop.goto(live_server.url("/redoc"))
    assert urlsplit(desktop.url).path == "/docs"
    expect(desktop.locator(".opblock-summary-path").first).to_be_visible(timeout=15_000)


def test_assets_are_ours_and_nothing_else_is_served(live_server: LiveServer) -> None:
    bundle = httpx.get(live_server.url("/docs/assets/swagger-ui-bundle.js"))
    assert bundle.status_code == 200 and bundle.headers["content-type"].startswith("text/javascript")
    assert "max-age" in bundle.headers["cache-control"]
    assert httpx.get(live_server.url("/docs/assets/..%2Fpyproject.toml")).status_code == 404
    assert httpx.get(live_server.url("/docs/assets/core.py")).status_code == 404
    page = httpx.get(live_server.url("/docs")).text
    assert "cdn" not in page and "https://" not in page and '"validatorUrl": null' in page
