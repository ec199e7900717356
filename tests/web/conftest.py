"""Browser tests: the real app under uvicorn on loopback, driven by Debian's Chromium via Playwright.

Nothing leaves the machine: OpenStreetMap tiles are answered by a route with a blank PNG, Chromium
resolves no host but loopback, and every test fails if a page asked for anything else or logged a
console error.
"""
import os
import struct
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Playwright, Request, sync_playwright
from sqlalchemy import Engine

from app.settings import Settings
from tests.web.server import LiveServer, start_server

PROJECT_DIR = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = PROJECT_DIR / "test-artifacts" / "screenshots"
AXE_SCRIPT = PROJECT_DIR / ".local" / "node" / "node_modules" / "axe-core" / "axe.min.js"
FRAME_ANCESTORS = "'self' https://example.org"
OSM_TILES = "https://tile.openstreetmap.org/"
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
PHONE = {"width": 360, "height": 740}
# Where the fixture rider stands: 翠湖, 五华区 (WGS84).
RIDER_LON, RIDER_LAT = 102.7037, 25.0480

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
    # Belt and braces: no host name resolves except loopback.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


# A 1×1 light-grey PNG standing in for every map tile.
BLANK_PNG = b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)) \
    + _png_chunk(b"IDAT", zlib.compress(b"\x00\xe8\xe6\xe1")) + _png_chunk(b"IEND", b"")


@pytest.fixture(scope="session")
def web_settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    # The default OSM tile URL on purpose: the browser fixture answers it locally.
    return Settings(database_url=database_url, network_dir=tmp_path_factory.mktemp("web") / "network",
                    frame_ancestors=FRAME_ANCESTORS, tile_url=f"{OSM_TILES}{{z}}/{{x}}/{{y}}.png", tile_crs="wgs84",
                    rate_limit_per_minute=100_000, public_routing_per_minute=100_000)  # one browser makes every request


@pytest.fixture(scope="session")
def live_server(engine: Engine, web_settings: Settings) -> Iterator[LiveServer]:
    """The app on a free loopback port for the whole session (engine: the schema exists first)."""
    server = start_server(web_settings)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    executable = os.environ.get("SERVICEMAP_CHROMIUM", "/usr/bin/chromium")
    if not Path(executable).exists():
        pytest.fail(f"Chromium not found at {executable}: run ./scripts/test, which installs it")
    chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


class PageWatch:
    """What a page did that a test must not allow: console errors, uncaught errors, requests off loopback."""

    def __init__(self) -> None:
        self.console_errors: list[str] = []
        self.outside_requests: list[str] = []
        self.allowed_console: list[str] = []
        # Responses a test expects to fail, as (part of the URL, HTTP status): Chromium logs each one as a
        # console error ("Failed to load resource: … status of 412 …") with the resource's URL.
        self.expected_failures: list[tuple[str, int]] = []

    def _expected_failure(self, message: ConsoleMessage) -> bool:
        url = message.location.get("url", "")
        return any(part in url and f"status of {status} " in message.text for part, status in self.expected_failures)

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error" and not any(part in message.text for part in self.allowed_console) \
                and not self._expected_failure(message):
            self.console_errors.append(message.text)

    def on_page_error(self, error: Exception) -> None:
        self.console_errors.append(f"uncaught: {error}")

    def on_request(self, request: Request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname not in LOOPBACK_HOSTS \
                and not request.url.startswith(OSM_TILES):
            self.outside_requests.append(request.url)

    def watch(self, page: Page) -> Page:
        page.on("console", self.on_console)
        page.on("pageerror", self.on_page_error)
        page.on("request", self.on_request)
        return page

    def check(self) -> None:
        assert not self.outside_requests, f"requests left loopback: {self.outside_requests}"
        assert not self.console_errors, f"console errors: {self.console_errors}"


def _answer_tile(route: Any) -> None:
    route.fulfill(status=200, content_type="image/png", body=BLANK_PNG)


NewContext = Callable[..., BrowserContext]


@pytest.fixture
def watch() -> PageWatch:
    return PageWatch()


@pytest.fixture
def new_context(browser: Browser, watch: PageWatch) -> Iterator[NewContext]:
    """Make a browser context (phone-sized, zh-CN, service workers blocked unless asked); after the
    test, every page must have stayed on loopback without console errors."""
    contexts: list[BrowserContext] = []

    def make(*, located: bool = True, service_workers: str = "block", **options: Any) -> BrowserContext:
        settings: dict[str, Any] = {
            "viewport": PHONE, "device_scale_factor": 2, "is_mobile": True, "has_touch": True,
            "locale": "zh-CN", "timezone_id": "Asia/Shanghai", "service_workers": service_workers,
        }
        if located:
            settings |= {"geolocation": {"longitude": RIDER_LON, "latitude": RIDER_LAT}, "permissions": ["geolocation"]}
        context = browser.new_context(**(settings | options))
        context.route(f"{OSM_TILES}**", _answer_tile)
        context.on("page", watch.watch)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    watch.check()


@pytest.fixture
def phone(new_context: NewContext) -> Page:
    """A 360×740 phone that has granted geolocation at the fixture rider's position."""
    return new_context().new_page()


def screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_SCRIPT.exists():
        pytest.fail(f"axe-core is not installed at {AXE_SCRIPT}: run ./scripts/test, which installs it with npm")
    return AXE_SCRIPT.read_text(encoding="utf-8")
