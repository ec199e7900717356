"""Opening hours in Kunming local time, with Chinese public holidays and 调休 make-up days.

Calendar facts used below (State Council notices, as tracked by chinese_calendar):
- 2025 National Day + Mid-Autumn: holiday 10-01 (We) to 10-08 (We); make-up days 09-28 (Su), 10-11 (Sa).
- 2026 Spring Festival: holiday 02-15 (Su) to 02-23 (Mo); make-up days 02-14 (Sa), 02-28 (Sa).
- 2025-10-20 is an ordinary Monday, 2025-10-18/19 an ordinary weekend.
"""
import re
from datetime import UTC, date, datetime, time, timedelta

import pytest

from geo.hours import (
    END_OF_DAY,
    SHANGHAI,
    InvalidOpeningHours,
    day_kind,
    hours_on,
    is_open,
    next_change,
    validate_opening_hours,
)

OFFICE = "Mo-Fr 09:00-17:00"
OFFICE_PH_OFF = "Mo-Fr 09:00-17:00; PH off"
PH_HOURS = "Mo-Su 08:00-20:00; PH 10:00-16:00"
NIGHT = "Mo-Su 18:00-02:00"


def at(day: str, clock: str) -> datetime:
    """A Kunming local moment from ISO date and HH:MM."""
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("day", "kind"),
    [
        ("2025-10-01", "holiday"),
        ("2025-10-02", "holiday"),  # weekday given off in exchange for a make-up day
        ("2025-10-04", "holiday"),  # Saturday inside the holiday period
        ("2026-02-17", "holiday"),
        ("2025-09-28", "makeup_workday"),
        ("2025-10-11", "makeup_workday"),
        ("2026-02-14", "makeup_workday"),
        ("2026-02-28", "makeup_workday"),
        ("2025-10-20", "workday"),
        ("2025-10-12", "weekend"),
        ("2030-10-01", "workday"),  # beyond chinese_calendar: plain weekday rules
        ("2030-10-05", "weekend"),
        ("1999-10-01", "workday"),
    ],
)
def test_day_kind(day: str, kind: str) -> None:
    assert day_kind(date.fromisoformat(day)) == kind


@pytest.mark.parametrize(
    ("expr", "day", "clock", "expected"),
    [
        # ordinary weekday and weekend
        (OFFICE, "2025-10-20", "10:00", True),
        (OFFICE, "2025-10-20", "08:59", False),
        (OFFICE, "2025-10-20", "17:00", False),
        (OFFICE, "2025-10-18", "10:00", False),
        (OFFICE, "2025-10-19", "10:00", False),
        # 调休: make-up weekend days keep the working-weekday schedule
        (OFFICE, "2025-09-28", "10:00", True),
        (OFFICE, "2025-10-11", "10:00", True),
        (OFFICE, "2026-02-14", "16:59", True),
        (OFFICE, "2025-09-28", "18:00", False),
        (OFFICE_PH_OFF, "2025-09-28", "10:00", True),
        ("Mo-Fr 09:00-17:00; Sa,Su off", "2025-10-11", "10:00", True),
        # public holidays: PH rules apply on every day of the official period
        (OFFICE_PH_OFF, "2025-10-01", "10:00", False),
        (OFFICE_PH_OFF, "2025-10-02", "10:00", False),
        (OFFICE_PH_OFF, "2025-10-08", "10:00", False),
        (OFFICE_PH_OFF, "2026-02-17", "10:00", False),
        (OFFICE_PH_OFF, "2025-10-09", "10:00", True),
        # without a PH rule the weekday rules still apply on holidays (OSM semantics)
        (OFFICE, "2025-10-02", "10:00", True),
        # PH hours replace the normal hours on holidays, weekday or weekend
        (PH_HOURS, "2026-02-17", "09:00", False),
        (PH_HOURS, "2026-02-17", "11:00", True),
        (PH_HOURS, "2026-02-17", "17:00", False),
        (PH_HOURS, "2026-02-21", "11:00", True),
        (PH_HOURS, "2026-02-21", "09:00", False),
        (PH_HOURS, "2025-10-20", "09:00", True),
        (PH_HOURS, "2025-10-20", "19:00", True),
        ("Mo-Fr 09:00-18:00; Sa,Su,PH 10:00-16:00", "2025-10-01", "09:30", False),
        ("Mo-Fr 09:00-18:00; Sa,Su,PH 10:00-16:00", "2025-10-01", "10:30", True),
        # always open
        ("24/7", "2025-10-20", "03:00", True),
        ("24/7", "2025-10-01", "23:59", True),
        ("24/7", "2025-09-28", "00:00", True),
        # over midnight
        (NIGHT, "2025-10-20", "23:00", True),
        (NIGHT, "2025-10-21", "01:30", True),
        (NIGHT, "2025-10-21", "02:00", False),
        (NIGHT, "2025-10-21", "12:00", False),
        # a year chinese_calendar does not cover: weekday rules, no crash
        (OFFICE_PH_OFF, "2030-10-01", "10:00", True),
        (OFFICE_PH_OFF, "2030-10-05", "10:00", False),
    ],
)
def test_is_open(expr: str, day: str, clock: str, expected: bool) -> None:
    assert is_open(expr, at(day, clock)) is expected


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2025, 10, 20, 2, 0, tzinfo=UTC), True),  # 10:00 in Kunming
        (datetime(2025, 10, 20, 20, 0, tzinfo=UTC), False),  # 04:00 next day in Kunming
        (datetime(2025, 9, 28, 1, 0, tzinfo=UTC), True),  # 09:00 on the make-up Sunday
        (datetime(2025, 10, 20, 4, 0, tzinfo=SHANGHAI) - timedelta(hours=3), False),  # 01:00
    ],
)
def test_is_open_converts_to_shanghai(moment: datetime, expected: bool) -> None:
    assert is_open(OFFICE, moment) is expected


@pytest.mark.parametrize("expr", [None, "", "   "])
def test_missing_hours_are_unknown(expr: str | None) -> None:
    assert is_open(expr, at("2025-10-20", "10:00")) is None


@pytest.mark.parametrize(
    ("expr", "moment"),
    [
        ("Mo-Fr unknown", at("2025-10-20", "10:00")),
        ('Mo-Fr 09:00-17:00; Sa unknown "call first"', at("2025-10-18", "10:00")),
    ],
)
def test_unknown_state_is_none(expr: str, moment: datetime) -> None:
    assert is_open(expr, moment) is None


@pytest.mark.parametrize("expr", [OFFICE, None])
def test_naive_datetime_rejected(expr: str | None) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        is_open(expr, datetime(2025, 10, 20, 10, 0))


@pytest.mark.parametrize(
    ("expr", "problem"),
    [
        ("Mo-Fr 25:00-26:00", "character 7 ('25:00"),
        ("Mo-Fr 09:00-17:00; Sa 10:00-1", "character 29 ('1')"),
        ("Mo-Fr 09:00-17:00,", "character 19 ("),
        ("周一至周五 9:00-17:00", "character 1 ('周一"),
        ("open daily", "character 6 ('daily')"),
        ("", "empty"),
        ("   ", "empty"),
        ("Mo-Fr 09:00-17:00; " * 20, "limit is 255"),
        (None, "must be text"),
    ],
)
def test_invalid_expressions_raise(expr: str, problem: str) -> None:
    with pytest.raises(InvalidOpeningHours, match=re.escape(problem)):
        validate_opening_hours(expr)


@pytest.mark.parametrize("expr", ["Mo-Fr 25:00-26:00", "open daily"])
def test_evaluating_an_invalid_expression_raises(expr: str) -> None:
    with pytest.raises(InvalidOpeningHours):
        is_open(expr, at("2025-10-20", "10:00"))
    with pytest.raises(InvalidOpeningHours):
        hours_on(expr, date(2025, 10, 20))


@pytest.mark.parametrize(
    ("expr", "problem"),
    [
        ("Mo-Fx 09:00", {"kind": "syntax", "column": 4, "snippet": "Fx 09:00"}),
        ("周一至周五 9:00-17:00", {"kind": "syntax", "column": 1, "snippet": "周一至周五 9:00-17:0"}),
        ("Mo-Fr 09:00-17:00; Sa 10:00-1", {"kind": "syntax", "column": 29, "snippet": "1"}),
        ("", {"kind": "empty", "column": None, "snippet": None}),
        ("Mo-Fr 09:00-17:00; " * 20, {"kind": "too_long", "column": None, "snippet": None}),
        (None, {"kind": "not_text", "column": None, "snippet": None}),
    ],
)
def test_invalid_expressions_say_what_is_wrong_as_data(expr: str, problem: dict) -> None:
    with pytest.raises(InvalidOpeningHours) as raised:
        validate_opening_hours(expr)
    assert raised.value.problem() == problem


def test_the_snippet_is_bounded() -> None:
    with pytest.raises(InvalidOpeningHours) as raised:
        validate_opening_hours("Mo-Fr 09:00-17:00; xx " + "Sa 10:00-12:00, " * 5)
    assert raised.value.column == 20 and raised.value.snippet == "xx Sa 10:00-12:"


def test_invalid_opening_hours_is_a_value_error() -> None:
    assert issubclass(InvalidOpeningHours, ValueError)


@pytest.mark.parametrize(
    ("expr", "normalized"),
    [("  24/7 \n", "24/7"), (OFFICE_PH_OFF, OFFICE_PH_OFF), ("\tMo-Su 18:00-02:00 ", NIGHT)],
)
def test_validate_returns_stripped_expression(expr: str, normalized: str) -> None:
    assert validate_opening_hours(expr) == normalized


@pytest.mark.parametrize(
    ("expr", "day", "expected"),
    [
        ("Mo-Fr 09:00-12:00,14:00-17:00", "2025-10-20", [(time(9), time(12)), (time(14), time(17))]),
        ("Mo-Fr 09:00-12:00,14:00-17:00", "2025-10-19", []),
        ("Mo-Fr 09:00-12:00,14:00-17:00", "2025-09-28", [(time(9), time(12)), (time(14), time(17))]),
        (OFFICE_PH_OFF, "2025-10-02", []),
        (PH_HOURS, "2026-02-17", [(time(10), time(16))]),
        (PH_HOURS, "2025-10-20", [(time(8), time(20))]),
        ("24/7", "2025-10-01", [(time(0), END_OF_DAY)]),
        (NIGHT, "2025-10-20", [(time(0), time(2)), (time(18), END_OF_DAY)]),
        (OFFICE_PH_OFF, "2030-10-01", [(time(9), time(17))]),
        (None, "2025-10-20", []),
    ],
)
def test_hours_on(expr: str | None, day: str, expected: list[tuple[time, time]]) -> None:
    assert hours_on(expr, date.fromisoformat(day)) == expected


def test_end_of_day_reads_as_midnight() -> None:
    assert time.max == END_OF_DAY


@pytest.mark.parametrize(
    ("expr", "moment", "expected"),
    [
        (OFFICE, at("2025-10-20", "08:00"), at("2025-10-20", "09:00")),
        (OFFICE, at("2025-10-24", "18:00"), at("2025-10-27", "09:00")),
        # Closed → unknown: Saturday morning's "unknown" is a change from Friday evening's closed.
        ("Mo-Fr 09:00-17:00; Sa 10:00-12:00 unknown", at("2025-10-24", "18:00"), at("2025-10-25", "10:00")),
        ("Mo-Fr 09:00-17:00; Sa 10:00-12:00 unknown", at("2025-10-25", "11:00"), at("2025-10-25", "12:00")),
        (OFFICE_PH_OFF, at("2025-09-30", "12:00"), at("2025-09-30", "17:00")),
        (OFFICE_PH_OFF, at("2025-09-30", "18:00"), at("2025-10-09", "09:00")),  # through the holiday
        ("24/7", at("2025-10-20", "12:00"), None),
        (None, at("2025-10-20", "12:00"), None),
    ],
)
def test_next_change(expr: str | None, moment: datetime, expected: datetime | None) -> None:
    assert next_change(expr, moment) == expected
