"""axe-core in the page: no serious or critical WCAG 2.1 A/AA violations in any view."""
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from tests.web.conftest import NewContext
from tests.web.server import LiveServer
from tests.web.stations import load_stations

AXE_RUN = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
    resultTypes: ["violations"],
  });
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                      nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))}));
}"""
BLOCKING = {"serious", "critical"}


@pytest.fixture(autouse=True)
def stations(db: Session) -> None:
    load_stations(db)


def blocking_violations(page: Page, axe_source: str) -> list[dict]:
    # Evaluated through the DevTools protocol, not as an inline <script>: pages with a strict
    # Content-Security-Policy (the editor's) refuse inline scripts, as they should.
    page.evaluate(f"() => {{ {axe_source}\n }}")
    return [v for v in page.evaluate(AXE_RUN) if v["impact"] in BLOCKING]


@pytest.mark.parametrize("path", [
    "/?amenity=phone_charging",
    "/?amenity=phone_charging&lang=en",
    "/embed?kind=rider_station",
    "/?station=webtest-open-charging",
])
def test_list_views(phone: Page, live_server: LiveServer, axe_source: str, path: str) -> None:
    phone.goto(live_server.url(path))
    expect(phone.locator(".station-card").first).to_be_visible()
    expect(phone.locator(".leaflet-control-zoom")).to_be_visible()  # the map, which comes after the list
    phone.locator("#share").evaluate("details => { details.open = true; }")  # check the snippet too
    assert blocking_violations(phone, axe_source) == []


def test_folded_filters_opened(phone: Page, live_server: LiveServer, axe_source: str) -> None:
    phone.goto(live_server.url("/?district=530114&open=0"))
    toggle = phone.get_by_role("button", name="筛选 2")  # two choices folded away: counted on the toggle
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(phone.get_by_label("区", exact=True)).to_be_visible()
    assert blocking_violations(phone, axe_source) == []


def test_denied_location_view(new_context: NewContext, live_server: LiveServer, axe_source: str) -> None:
    page = new_context(located=False).new_page()
    page.goto(live_server.url("/"))
    expect(page.locator("#locate-note")).to_be_visible(timeout=20_000)
    expect(page.locator(".station-card").first).to_be_visible()
    assert blocking_violations(page, axe_source) == []


def test_planner_view(new_context: NewContext, live_server: LiveServer, axe_source: str) -> None:
    page = new_context(viewport={"width": 1280, "height": 800}, is_mobile=False, has_touch=False).new_page()
    page.goto(live_server.url("/?view=planner"))
    expect(page.locator(".district-table tbody tr").first).to_be_visible()
    expect(page.locator(".station-marker").first).to_be_visible()
    assert blocking_violations(page, axe_source) == []
