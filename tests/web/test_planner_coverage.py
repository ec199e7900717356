"""The planner view on real routed data: a synthetic 6 × 6 km grid city (tests/osm_fixtures.py, in the Gulf
of Guinea: test data, not Kunming) with Valhalla tiles built from it, one test district over it, centres on
a 1.5 km lattice with none in the north-east quadrant (half open around the clock, a quarter 08:00–20:00
every day, a quarter office hours closed on public holidays), and
residents spread evenly. The page draws what the coverage API answers; the figures it shows are checked
against the API's own answers for the same query, and the night against the day."""
import csv
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect
from shapely.geometry import box
from sqlalchemy.orm import Session

from app.coverage.demand import import_csv
from app.settings import Settings
from geo.network import NetworkBuildResult
from tests.builders import add_centres, centre_record
from tests.coverage.conftest import (  # noqa: F401 (fixtures)
    LATTICE_KM,
    TEST_ADCODE,
    clean_coverage,
    grid_city,
    grid_city_network,
    in_hole,
    test_districts,
)
from tests.osm_fixtures import SyntheticCity
from tests.web.conftest import PHONE, SCREENSHOT_DIR, NewContext, PageWatch, screenshot
from tests.web.screen import latin_words
from tests.web.server import LiveServer, start_server
from tests.web.test_a11y import blocking_violations

DESKTOP = {"width": 1280, "height": 800}
MODE, MINUTES = "walk", 10
DAY_HOUR, NIGHT_HOUR = 2 * 24 + 9, 2 * 24 + 3  # Wednesday 09:00 and 03:00 of the typical week
# Office hours closed on public holidays, evenings, around the clock.
HOURS = ["Mo-Fr 08:00-18:00; PH off", "24/7", "Mo-Su 08:00-20:00", "24/7"]
# Names the Chinese planner page shows as they are: the fixture district's marker, formats and datums.
LATIN_ALLOWED = {"test", "fixture", "CSV", "GeoJSON", "GPS", "WGS", "GCJ"}


@pytest.fixture(scope="module")
def grid_server(web_settings: Settings, grid_city_network: NetworkBuildResult) -> Iterator[LiveServer]:
    server = start_server(web_settings.model_copy(update={"network_dir": grid_city_network.tile_dir}))
    yield server
    server.stop()


@pytest.fixture
def planner_city(db: Session, grid_city: SyntheticCity, test_districts, tmp_path: Path) -> dict:
    test_districts(box(*grid_city.bbox), name="合成城")
    points = [grid_city.lonlat(x, y) for x in LATTICE_KM for y in LATTICE_KM if not (x > 3 and y > 3)]
    add_centres(db, *(centre_record(
        id=f"webtest-grid-{n}", name_zh=f"测试中心 {n}（合成城）", name_en=f"Test centre {n} (synthetic city)", at=point,
        kind="rider_station" if n % 3 else "service_centre", source="browser test fixture on a synthetic city",
        opening_hours=HOURS[n % len(HOURS)]) for n, point in enumerate(points)), in_kunming=False)
    residents = tmp_path / "residents.csv"
    with residents.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["name", "population", "lon", "lat"])
        writer.writerows([f"测试社区 {x}-{y} (test fixture)", 100, *grid_city.lonlat(x / 4 + 0.125, y / 4 + 0.125)]
                         for x in range(24) for y in range(24))
    import_csv(db, residents)
    db.commit()
    return {"centres": points, "city": grid_city}


def desktop_page(new_context: NewContext) -> Page:
    return new_context(viewport=DESKTOP, is_mobile=False, has_touch=False, device_scale_factor=1).new_page()


def api_figures(server: LiveServer, at: str) -> dict:
    response = httpx.get(server.url("/api/coverage"), params={"mode": MODE, "minutes": MINUTES, "at": at}, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def shown_pct(value: float) -> str:
    return f"{value:.1f}%"


def pct_of(page: Page, selector: str) -> float:
    return float(re.sub(r"[^0-9.]", "", page.locator(selector).inner_text()))


def coverage_at(page: Page, at: str):
    return page.expect_response(lambda r: "/api/coverage?" in r.url and f"at={at.replace(':', '%3A')}" in r.url,
                                timeout=60_000)


def choose_walk_10(page: Page) -> str:
    """Walk, 10 minutes; returns the moment the page then asks for (Wednesday 09:00 of the typical week)."""
    with page.expect_response(lambda r: "/api/coverage?" in r.url and "mode=walk" in r.url and "minutes=10" in r.url,
                              timeout=60_000) as answer:
        page.get_by_label("出行方式").select_option(MODE)
        page.get_by_label("时间预算").select_option(str(MINUTES))
    return answer.value.json()["at"]


def open_planner(page: Page, server: LiveServer) -> None:
    page.goto(server.url("/?view=planner"))
    expect(page.locator("#covered-area")).to_have_text(re.compile(r"\d%$"), timeout=60_000)
    choose_walk_10(page)
    expect(page.locator("#summary-context")).to_contain_text("步行 10 分钟")
    expect(page.locator("#coverage-summary")).to_have_attribute("aria-busy", "false", timeout=60_000)


def test_desk_planner_sees_coverage_gaps_and_the_night(new_context: NewContext, grid_server: LiveServer,
                                                      planner_city: dict, axe_source: str) -> None:
    page = desktop_page(new_context)
    open_planner(page, grid_server)
    expect(page.locator(".leaflet-coverage-bands-pane path").first).to_be_visible()
    expect(page.locator(".leaflet-coverage-gaps-pane path").first).to_be_visible()
    day = api_figures(grid_server, page.evaluate("() => document.querySelector('#coverage-summary').dataset.at"))
    expect(page.locator("#covered-area")).to_have_text(shown_pct(day["totals"]["covered_pct"]))
    expect(page.locator("#covered-demand")).to_have_text(shown_pct(day["totals"]["demand_covered_pct"]))
    expect(page.locator("#analysis-area-note")).to_contain_text("路网可达")
    expect(page.locator(".coverage-table tbody tr")).to_have_count(1)
    screenshot(page, "planner-coverage-1280", full_page=False)
    assert set(latin_words(page)) <= LATIN_ALLOWED
    assert blocking_violations(page, axe_source) == []

    # A gap tapped on the map says its district, area and demand.
    page.locator(".leaflet-coverage-gaps-pane path").first.dispatch_event("click")
    expect(page.locator(".gap-popup")).to_contain_text("合成城 (test fixture) 空白区 1")
    expect(page.locator(".gap-popup")).to_contain_text("平方公里")
    expect(page.locator(".leaflet-popup-close-button")).to_have_attribute("aria-label", "关闭")
    page.locator(".leaflet-popup-close-button").click()
    # The exports are the API's own answers for what is shown.
    page.get_by_text("导出", exact=True).click()
    href = page.get_by_role("link", name="各区表格（CSV）").get_attribute("href")
    assert "mode=walk" in href and "minutes=10" in href and "format=csv" in href
    exported = httpx.get(grid_server.url(f"/{href}"), timeout=60)
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")

    drag_to_night(page, grid_server, day)
    screenshot(page, "planner-night-1280", full_page=False)


def drag_to_night(page: Page, server: LiveServer, day: dict) -> dict:
    """The time control to 03:00 of the same day: only the centres open around the clock count, the
    covered % shown drops to what the API says for that moment, and the map shows another layer."""
    day_at = page.locator("#coverage-summary").get_attribute("data-at")
    night_at = f"{day_at[:11]}03:00:00"
    bands_before = page.locator(".leaflet-coverage-bands-pane path").first.get_attribute("d")
    with coverage_at(page, night_at):
        page.locator("#time-slider").fill(str(NIGHT_HOUR))
    expect(page.locator("#time-output")).to_have_text(re.compile("03:00$"))
    expect(page.locator("#coverage-summary")).to_have_attribute("data-at", night_at)
    expect(page.locator("#coverage-summary")).to_have_attribute("aria-busy", "false")
    night = api_figures(server, night_at)
    assert night["layer"]["id"] != day["layer"]["id"] and night["centres"]["closed_at_moment"] > 0
    assert night["totals"]["covered_pct"] < day["totals"]["covered_pct"]
    expect(page.locator("#covered-area")).to_have_text(shown_pct(night["totals"]["covered_pct"]))
    expect(page.locator("#coverage-summary")).to_have_attribute("data-layer", str(night["layer"]["id"]))
    assert page.locator(".leaflet-coverage-bands-pane path").first.get_attribute("d") != bands_before
    return night


def hour_x(page: Page, profile: dict, day: str, hour: int) -> float:
    """Where an hour lies across the week profile's chart (web/js/profile.js: 320 units wide, the plot from
    34 to 316, segments of 168 and 24 hours 6 hours apart), in px from the chart's left edge."""
    lengths = [168] + ([24] if profile["holiday"] else []) + ([24] if (profile["holiday"] or {}).get("makeup_hours") else [])
    units = sum(lengths) + 6 * (len(lengths) - 1)
    start = {"week": 0, "holiday": 174, "makeup": 204}[day]
    width = page.locator(".profile-svg").bounding_box()["width"]
    return (34 + (start + hour + 0.5) * (282 / units)) * width / 320


def test_week_profile_cells_and_siting_on_a_desk(new_context: NewContext, grid_server: LiveServer,
                                                planner_city: dict, axe_source: str) -> None:
    page = desktop_page(new_context)
    with page.expect_response(lambda r: "/api/coverage/profile?" in r.url and "mode=walk" in r.url,
                              timeout=60_000) as answer:
        open_planner(page, grid_server)
    profile = answer.value.json()
    expect(page.locator(".profile-svg path.line-area")).not_to_have_count(0)
    low = min(range(168), key=lambda h: profile["hours"][h]["covered_pct"])
    expect(page.locator("#profile-summary")).to_contain_text(f"最低 {shown_pct(profile['hours'][low]['covered_pct'])}")
    # Siting from the gaps: markers where the API suggests, the first in the hole.
    page.get_by_text("建议新站点", exact=True).click()
    page.get_by_label("新站点数量").fill("2")
    with page.expect_response(lambda r: "/api/coverage/siting" in r.url, timeout=120_000) as siting:
        page.get_by_role("button", name="建议站点", exact=True).click()
    suggestions = siting.value.json()["features"]
    assert len(suggestions) == 2 and in_hole(planner_city["city"], *suggestions[0]["geometry"]["coordinates"])
    expect(page.locator(".site-marker")).to_have_count(2)
    expect(page.locator("#site-list li")).to_have_count(2)
    expect(page.locator("#site-list li").first).to_contain_text("新覆盖")
    expect(page.locator("#site-note")).to_contain_text("09:00")
    # A click on a night hour of the chart sets the time control there, and the map follows.
    box = page.locator(".profile-svg").bounding_box()
    night = profile["hours"][NIGHT_HOUR]
    with coverage_at(page, night["at"][:19]):
        page.locator(".profile-svg").click(position={"x": hour_x(page, profile, "week", NIGHT_HOUR), "y": box["height"] / 2})
    expect(page.locator("#time-slider")).to_have_value(str(NIGHT_HOUR))
    expect(page.locator("#covered-area")).to_have_text(shown_pct(night["covered_pct"]))
    expect(page.locator("#coverage-summary")).to_have_attribute("data-layer", str(night["layer_id"]))

    # Cells coloured by minutes to the nearest centre: every cell of the analysis area, drawn.
    with page.expect_response(lambda r: "/api/coverage/cells?" in r.url, timeout=60_000) as cells:
        page.get_by_label("网格：到最近中心的时间").check()
    expect(page.locator(".leaflet-coverage-cells-pane path")).to_have_count(cells.value.json()["number_matched"])
    expect(page.locator(".layer-control")).to_contain_text("颜色越深，需求越多")

    page.locator("#planner-panel").evaluate("panel => panel.parentElement.scrollTo(0, panel.scrollHeight)")
    screenshot(page, "planner-siting-1280", full_page=False)
    assert blocking_violations(page, axe_source) == []


def test_phone_planner_drags_to_the_night_and_sites(new_context: NewContext, grid_server: LiveServer,
                                                    planner_city: dict, axe_source: str) -> None:
    page = new_context(located=False).new_page()
    open_planner(page, grid_server)
    page.evaluate("window.scrollTo(0, 0)")
    expect(page.locator(".leaflet-coverage-bands-pane path").first).to_be_visible()
    expect(page.locator(".leaflet-coverage-gaps-pane path").first).to_be_visible()
    expect(page.get_by_role("button", name="图层")).to_have_attribute("aria-expanded", "false")  # folded on a phone
    screenshot(page, "planner-coverage-360", full_page=False)
    for element in ("#map", "#covered-area", "#covered-demand", "#time-slider"):
        box = page.locator(element).bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], f"{element} is not on the first screen"
    day = api_figures(grid_server, page.locator("#coverage-summary").get_attribute("data-at"))
    expect(page.locator("#covered-area")).to_have_text(shown_pct(day["totals"]["covered_pct"]))
    drag_to_night(page, grid_server, day)

    page.get_by_text("建议新站点", exact=True).click()
    with page.expect_response(lambda r: "/api/coverage/siting" in r.url, timeout=120_000) as siting:
        page.get_by_role("button", name="建议站点", exact=True).click()
    expect(page.locator(".site-marker")).to_have_count(len(siting.value.json()["features"]))
    expect(page.locator("#site-list li")).to_have_count(3)
    page.get_by_role("button", name="图层").click()
    expect(page.get_by_label("建议站点", exact=True)).to_be_checked()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "planner-360-full")
    for part in ("profile-section", "siting-section", "district-table"):
        page.locator(f"#{part}").screenshot(path=str(SCREENSHOT_DIR / f"planner-360-{part}.png"))
    assert blocking_violations(page, axe_source) == []


def test_sites_from_a_file_and_from_host_centres(new_context: NewContext, grid_server: LiveServer,
                                                 planner_city: dict) -> None:
    page = desktop_page(new_context)
    open_planner(page, grid_server)
    page.get_by_text("建议新站点", exact=True).click()
    page.get_by_label("新站点数量").fill("1")
    # Uploaded candidates: one in the hole, one next to an existing centre, one row that is not a point.
    hole = planner_city["city"].lonlat(4.5, 4.5)
    near = planner_city["centres"][0]
    rows = f"名称,经度,纬度\n空地（测试）,{hole[0]},{hole[1]}\n旧址（测试）,{near[0]},{near[1]}\n坏行,abc,\n"
    page.get_by_label("上传的点（CSV 或 GeoJSON）").check()
    page.get_by_label("文件", exact=True).set_input_files(
        files=[{"name": "sites.csv", "mimeType": "text/csv", "buffer": rows.encode("utf-8")}])
    expect(page.locator("#site-note")).to_have_text("读到 2 个点（1 行无法读取）。")
    with page.expect_response(lambda r: "/api/coverage/siting" in r.url, timeout=120_000) as siting:
        page.get_by_role("button", name="建议站点", exact=True).click()
    assert siting.value.request.post_data_json["sites"][0] == {"id": "空地（测试）", "lon": hole[0], "lat": hole[1]}
    expect(page.locator("#site-list li")).to_have_count(1)
    expect(page.locator("#site-list li")).to_contain_text("空地（测试）")

    # Existing service centres as hosts for rider stations: only rider stations count as coverage.
    page.get_by_label("类型", exact=True).select_option("rider_station")
    expect(page.locator("#summary-centres")).to_contain_text("计入 8 个中心")
    page.get_by_label("可兼作站点的现有中心").check()
    page.get_by_label("中心类型").select_option("service_centre")
    with page.expect_response(lambda r: "/api/coverage/siting" in r.url, timeout=120_000) as siting:
        page.get_by_role("button", name="建议站点", exact=True).click()
    body = siting.value.request.post_data_json
    assert body["kind"] == ["rider_station"] and body["host_kind"] == ["service_centre"]
    [suggestion] = siting.value.json()["features"]
    expect(page.locator("#site-list li")).to_contain_text(re.compile(r"测试中心 \d+（合成城）"))
    assert suggestion["properties"]["candidate_id"].startswith("webtest-grid-")


@pytest.mark.parametrize(("lang", "message"), [
    ("zh", "参数无效：区。"),
    ("en", "Invalid value: District."),
])
def test_api_errors_are_said_in_the_page_language(new_context: NewContext, grid_server: LiveServer,
                                                 planner_city: dict, watch: PageWatch, lang: str, message: str) -> None:
    watch.expected_failures.append(("/api/", 422))  # the API refuses the district, as it should
    page = desktop_page(new_context)
    page.goto(grid_server.url(f"/?view=planner&district=999999&lang={lang}"))
    expect(page.locator("#status")).to_contain_text(message)
    expect(page.locator("#summary-centres")).to_contain_text(message)
    if lang == "zh":
        assert not re.search(r"[A-Za-z]{2,}", page.locator("#status").inner_text())


def test_english_page_and_switching_language(new_context: NewContext, grid_server: LiveServer,
                                             planner_city: dict) -> None:
    page = desktop_page(new_context)
    page.goto(grid_server.url("/?view=planner&lang=en"))
    expect(page.locator("#summary-context")).to_have_text("E-bike, 15 min · Wed 09:00", timeout=60_000)
    expect(page.locator(".coverage-table caption")).to_contain_text("Coverage by district")
    expect(page.get_by_role("button", name="Layers")).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#profile-summary")).to_contain_text("Area covered: lowest")
    screenshot(page, "planner-coverage-1280-en", full_page=False)
    page.get_by_role("button", name="切换到中文").click()
    expect(page.locator("#summary-context")).to_have_text("电动车 15 分钟 · 周三 09:00")
    expect(page.locator("#profile-summary")).to_contain_text("面积覆盖：一周中最低")
    expect(page.get_by_role("button", name="图层")).to_be_visible()
    assert set(latin_words(page)) <= LATIN_ALLOWED, latin_words(page)


def test_the_next_holiday_and_its_make_up_day(new_context: NewContext, grid_server: LiveServer,
                                             planner_city: dict) -> None:
    """A planner on Monday 20 April 2026: the typical week is that week, the next holiday Labour Day (1–5 May)
    with its make-up working day Saturday 9 May (the calendar the server has). Office hours close on the
    holiday and keep the weekday schedule on the make-up Saturday."""
    page = desktop_page(new_context)
    page.clock.set_fixed_time("2026-04-20T02:00:00Z")  # 10:00 in Kunming
    with page.expect_response(lambda r: "/api/coverage/profile?" in r.url and "mode=walk" in r.url,
                              timeout=60_000) as answer:
        open_planner(page, grid_server)
    profile = answer.value.json()
    assert profile["week"]["start"] == "2026-04-20" and profile["holiday"]["name_zh"] == "劳动节"
    expect(page.locator("#time-day option")).to_have_text(["典型一周（4月20日周一至4月26日周日）",
                                                            "节假日：劳动节（5月1日周五）", "调休上班日（5月9日周六）"])
    expect(page.locator(".profile-svg .day-holiday")).to_have_count(1)
    with coverage_at(page, "2026-05-01T09:00:00") as holiday:
        page.get_by_label("日期").select_option("holiday")
    expect(page.locator("#time-output")).to_have_text("劳动节 5月1日周五 09:00")
    expect(page.locator("#time-slider")).to_have_attribute("max", "23")
    holiday_pct = holiday.value.json()["totals"]["covered_pct"]
    assert holiday_pct < profile["hours"][DAY_HOUR - 24]["covered_pct"]  # Tuesday 09:00
    expect(page.locator("#covered-area")).to_have_text(shown_pct(holiday_pct))
    box = page.locator(".profile-svg").bounding_box()
    # The make-up Saturday keeps the weekday schedule: every centre counts, as on a Wednesday morning, so
    # the page draws the layer it already has for that set of centres without asking again.
    makeup = profile["holiday"]["makeup_hours"][9]
    assert makeup["centres"] == len(planner_city["centres"]) and makeup["layer_id"] == profile["hours"][DAY_HOUR]["layer_id"]
    page.locator(".profile-svg").click(position={"x": hour_x(page, profile, "makeup", 9), "y": box["height"] / 2})
    expect(page.locator("#time-output")).to_have_text("调休上班 5月9日周六 09:00")
    expect(page.locator("#coverage-summary")).to_have_attribute("data-layer", str(makeup["layer_id"]))
    expect(page.locator("#covered-area")).to_have_text(shown_pct(makeup["covered_pct"]))
    screenshot(page, "planner-makeup-day-1280", full_page=False)


def test_tablet_shows_the_map_then_the_figures(new_context: NewContext, grid_server: LiveServer,
                                              planner_city: dict) -> None:
    page = new_context(viewport={"width": 768, "height": 1024}, located=False).new_page()
    open_planner(page, grid_server)
    page.evaluate("window.scrollTo(0, 0)")
    expect(page.locator(".leaflet-coverage-gaps-pane path").first).to_be_visible()
    assert page.locator("#map").bounding_box()["y"] < page.locator("#covered-area").bounding_box()["y"] < 1024
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    screenshot(page, "planner-coverage-768", full_page=False)
