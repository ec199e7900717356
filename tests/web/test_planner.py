"""The planner view without a road network: centres per district, the centres open at the moment on the
time control, and isochrones switched off with the reason. (With a network: test_planner_coverage.py.)"""
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from tests.web.conftest import NewContext, screenshot
from tests.web.server import LiveServer
from tests.web.stations import ALL_STATIONS, CLOSED_WITH_CHARGING, load_stations

KUNMING_DISTRICTS = 14
# The fixture stations are open around the clock, except one that is temporarily closed.
OPEN_STATIONS = [s for s in ALL_STATIONS if s is not CLOSED_WITH_CHARGING]


@pytest.fixture(autouse=True)
def stations(db: Session) -> None:
    load_stations(db)


@pytest.fixture
def desktop(new_context: NewContext) -> Page:
    return new_context(viewport={"width": 1280, "height": 800}, is_mobile=False, has_touch=False,
                       device_scale_factor=1).new_page()


def open_planner(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url("/?view=planner"))
    expect(page.locator("#planner-count")).to_contain_text(f"{len(OPEN_STATIONS)} 个中心")


def test_district_table_and_centres(desktop: Page, live_server: LiveServer) -> None:
    open_planner(desktop, live_server)
    table = desktop.get_by_role("table", name="各区站点数量")
    expect(table.locator("tbody tr")).to_have_count(KUNMING_DISTRICTS)
    expect(table.get_by_role("row", name="呈贡区")).to_contain_text("1")
    expect(desktop.locator(".station-marker")).to_have_count(len(OPEN_STATIONS))
    expect(desktop.locator("#results")).to_be_hidden()


def test_planner_fits_a_phone(phone: Page, live_server: LiveServer) -> None:
    open_planner(phone, live_server)
    expect(phone.locator(".district-table tbody tr")).to_have_count(KUNMING_DISTRICTS)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(phone, "planner-360")


def test_without_a_road_network_isochrones_are_off_and_say_why(desktop: Page, live_server: LiveServer) -> None:
    open_planner(desktop, live_server)  # this server has no road network imported
    expect(desktop.locator("#iso-show")).to_be_disabled()
    expect(desktop.locator("#iso-note")).to_have_text("尚未导入路网，暂无法计算等时圈。")
    expect(desktop.locator(".leaflet-overlay-pane path")).to_have_count(0)
    screenshot(desktop, "planner-no-network", full_page=False)


def test_the_map_shows_the_centres_open_at_the_moment_on_the_time_control(desktop: Page, live_server: LiveServer) -> None:
    with desktop.expect_request(lambda r: "/api/centres?" in r.url and "open_at=" in r.url) as request:
        desktop.goto(live_server.url("/?view=planner"))
    open_at = parse_qs(urlsplit(request.value.url).query)["open_at"][0]
    assert open_at.endswith("T09:00:00")  # the slider starts at Wednesday 09:00, Kunming time
    assert date.fromisoformat(open_at[:10]).isoweekday() == 3
    expect(desktop.locator("#time-output")).to_have_text("周三 09:00")
    expect(desktop.locator(".station-marker")).to_have_count(len(OPEN_STATIONS))
    with desktop.expect_request(lambda r: "/api/centres?" in r.url and "open_at=" not in r.url):
        desktop.get_by_label("不看开放时间，计入所有在服务的中心").check()
    expect(desktop.locator("#time-output")).to_have_text("所有在服务的中心")
    expect(desktop.locator("#time-slider")).to_be_disabled()
    expect(desktop.locator(".station-marker")).to_have_count(len(ALL_STATIONS))
