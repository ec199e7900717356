"""web/js/edit/hours-model.js, run in the browser: the weekly grid's text is valid opening_hours (checked by
geo/hours.py), reads back to the same grid, and means the same hours; text the grid cannot show is left alone."""
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page

from geo.hours import hours_on, validate_opening_hours
from tests.web.server import LiveServer

# Text the grid writes (canonical) and reads back unchanged.
CANONICAL = [
    "Mo-Fr 09:00-17:30; PH off",
    "Mo-Fr 09:00-12:00,14:00-17:30; Sa 09:00-12:00; PH off",
    "Mo-Su 18:00-02:00",
    "Mo,We,Fr 08:00-12:00; Tu,Th 14:00-24:00; PH 10:00-16:00",
    "Mo-We,Fr 08:00-20:00; Sa,Su 10:00-16:00",
    "24/7",
    "Mo-Su off; PH 09:00-12:00",
]
# Other text the grid reads (and then writes its own way), with what it writes.
READABLE = {
    "Mo-Fr 09:00-17:00; We 09:00-12:00": "Mo,Tu,Th,Fr 09:00-17:00; We 09:00-12:00",
    "Sa-Mo 10:00-14:00": "Mo,Sa,Su 10:00-14:00",
    "Mo-Su 00:00-24:00": "24/7",
    "09:00-18:00; PH closed": "Mo-Su 09:00-18:00; PH off",
    "Mo-Fr 18:00-00:00": "Mo-Fr 18:00-24:00",
    "  Mo-Fr 09:00-17:00  ": "Mo-Fr 09:00-17:00",
}
# Valid opening_hours beyond the weekly grid: parseHours says null.
UNSUPPORTED = [
    "Jan-Mar Mo-Fr 09:00-17:00", "Mo-Fr 09:00-17:00 \"by appointment\"", "unknown", "Mo-Fr 09:00+",
    "Mo-Fr 09:00-17:00, Sa 10:00-12:00", "Mo-Fr sunrise-sunset", "Mo-Fr 08:00-26:00", "SH off",
]


@pytest.fixture
def model_page(phone: Page, live_server: LiveServer) -> Page:
    phone.goto(live_server.url("/icons/icon.svg"))
    return phone


def js(page: Page, body: str, argument: object) -> object:
    return page.evaluate(f"async (arg) => {{ const m = await import('/js/edit/hours-model.js'); {body} }}", argument)


def round_trip(page: Page, texts: list[str]) -> list[str | None]:
    return js(page, "return arg.map(t => { const s = m.parseHours(t); return s && m.formatHours(s); });", texts)


def same_week(a: str, b: str) -> bool:
    monday = date(2025, 11, 17)  # an ordinary week, no holiday
    return all(hours_on(a, monday + timedelta(days=i)) == hours_on(b, monday + timedelta(days=i)) for i in range(8))


def test_canonical_text_reads_back_unchanged(model_page: Page) -> None:
    assert round_trip(model_page, CANONICAL) == CANONICAL
    assert all(validate_opening_hours(text) == text for text in CANONICAL)


def test_other_readable_text_keeps_its_meaning(model_page: Page) -> None:
    written = round_trip(model_page, list(READABLE))
    assert dict(zip(READABLE, written)) == READABLE
    for original, rewritten in READABLE.items():
        assert validate_opening_hours(rewritten) and same_week(original.strip(), rewritten), original


def test_text_beyond_the_grid_is_left_to_the_raw_editor(model_page: Page) -> None:
    assert round_trip(model_page, UNSUPPORTED) == [None] * len(UNSUPPORTED)


def test_typed_times_are_normalised(model_page: Page) -> None:
    typed = ["9", "900", "0930", "9:30", "9：30", "2400", "24:30", "25", "930am", "", "17.45"]
    assert js(model_page, "return arg.map(m.normaliseTime);", typed) == [
        "09:00", "09:00", "09:30", "09:30", "09:30", "24:00", None, None, None, None, "17:45"]


def test_grid_built_in_the_page_is_valid_opening_hours(model_page: Page) -> None:
    schedules = js(model_page, """
        const build = (days, ph) => m.formatHours({days, ph});
        const r = (start, end) => ({start, end});
        return [
          build([[r("09:00","12:00"), r("14:00","17:30")], [], [], [], [], [r("18:00","02:00")], []], {mode: "off", ranges: []}),
          build([[r("00:00","00:00")], [], [], [], [], [], []], {mode: "same", ranges: []}),
          build([[], [], [], [], [], [], []], {mode: "hours", ranges: [r("10:00","16:00")]}),
          build([[r("14:00","17:30"), r("09:00","12:00")], [], [], [], [], [], []], {mode: "same", ranges: []}),
        ];""", None)
    assert schedules == ["Mo 09:00-12:00,14:00-17:30; Sa 18:00-02:00; PH off", "Mo 00:00-24:00",
                         "Mo-Su off; PH 10:00-16:00", "Mo 09:00-12:00,14:00-17:30"]
    assert all(validate_opening_hours(text) for text in schedules)
