"""Opening hours in OpenStreetMap `opening_hours` syntax, evaluated in Kunming local time.

Time zone: every moment is converted to Asia/Shanghai (UTC+8, no daylight saving), and the
expression is evaluated on the local wall-clock date and time.

The Chinese calendar. Public holidays move every year and come with make-up working days (调休):
weekend days that are official working days. `chinese_calendar` tracks the State Council notices;
`day_kind` sorts each date into one of four kinds:

- "holiday": every day of an official 放假 period, i.e. the statutory days, the weekdays given
  off in exchange for make-up days, and the weekend days inside the period.
- "makeup_workday": a Saturday or Sunday that is an official working day (e.g. 2025-09-28 Su).
- "workday" / "weekend": everything else, by weekday.

opening-hours-py (the evaluator) cannot take our calendar: it only has a built-in holiday list per
country, and its list for CN holds just the main day of each festival (2025-10-01 but not 10-02 to
10-08) and knows nothing of make-up days. So we evaluate each moment on a *substitute date* that
the evaluator reads the way the official calendar reads the real date, at the same local time:

- holiday → the nearest date with the same weekday that is PH in the evaluator's CN list. Rules
  with `PH` then apply ("Mo-Fr 09:00-17:00; PH off" is closed, "Mo-Su 08:00-20:00; PH 10:00-16:00"
  opens 10–16). As in OSM, an expression without a `PH` rule keeps its weekday rules on holidays.
- makeup_workday → the neighbouring regular working weekday: a Saturday is read as the Friday
  before it, a Sunday as the Monday after it. The notices say a make-up day works "like a weekday"
  but not which one; neighbours keep month and year selectors almost always right.
- workday / weekend → the date itself, evaluated with no holiday list, so `PH` never matches.

Limits of the substitution, accepted because centre hours are weekly schedules: on holidays,
year/month/date selectors are read on the substitute date (possibly months away), and the part of
an over-midnight interval that spills past 00:00 follows the substitute date's previous day.

Years chinese_calendar does not cover (it raises NotImplementedError; 2004–2026 in 1.11) fall back
to plain weekday rules: no holidays, no make-up days, no crash.

Unknown hours: a None or blank expression means nobody recorded the hours. `is_open` then returns
None, as it does when the expression itself says "unknown"; callers treat None as not confirmed
open.
"""
import re
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo

import chinese_calendar
from chinese_calendar.constants import Holiday
from opening_hours import OpeningHours, ParserError, State  # type: ignore[attr-defined]  # stub lacks it

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Stands for 24:00 in hours_on, since datetime.time stops at 23:59:59.999999.
END_OF_DAY = time.max
# OSM caps tag values at 255 characters; longer text is prose, not an expression.
MAX_EXPRESSION_LENGTH = 255
# Enough of the text after a syntax error to find the spot, short enough to quote in one line.
SNIPPET_LENGTH = 15

DayKind = Literal["holiday", "makeup_workday", "workday", "weekend"]

_EVALUATOR_HOLIDAY_COUNTRY = "CN"
# How far ahead next_change looks: a weekly schedule changes state within a week, a holiday period
# may close a station for up to 8 days (国庆 + 中秋).
NEXT_CHANGE_HORIZON_DAYS = 16
_HOLIDAY_NAMES_ZH = {holiday.value: holiday.chinese for holiday in Holiday}

# Each year's CN list has ~6 PH dates, so every weekday shows up within a few years.
_SUBSTITUTE_SEARCH_WEEKS = 5 * 53
_PARSER_POSITION = re.compile(r"-->\s*\d+:(\d+)")
_PARSER_EXPECTED = re.compile(r"=\s*(expected .+)")


ProblemKind = Literal["not_text", "empty", "too_long", "syntax"]


class InvalidOpeningHours(ValueError):
    """The text is not a valid OSM opening_hours expression. The message says where and why in English;
    the attributes say the same as data, so a page can word it in its own language:

    - kind: "not_text", "empty", "too_long" (over MAX_EXPRESSION_LENGTH) or "syntax"
    - column: for "syntax", the 1-based character where the parser stopped (None if it did not say)
    - snippet: the text from that character on, at most SNIPPET_LENGTH characters
    """

    def __init__(self, message: str, *, kind: ProblemKind, column: int | None = None,
                 snippet: str | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.column = column
        self.snippet = snippet

    def problem(self) -> dict[str, object]:
        return {"kind": self.kind, "column": self.column, "snippet": self.snippet}


def _syntax_error(text: str, error: ParserError) -> InvalidOpeningHours:
    detail = str(error)
    position = _PARSER_POSITION.search(detail)
    expected = _PARSER_EXPECTED.search(detail)
    reason = expected.group(1) if expected else "syntax error"
    if position is None:
        return InvalidOpeningHours(f"invalid opening_hours expression {text!r}: {reason}", kind="syntax")
    column = int(position.group(1))
    snippet = text[max(column - 1, 0):column - 1 + SNIPPET_LENGTH]
    return InvalidOpeningHours(
        f"invalid opening_hours expression {text!r} at character {column} ({snippet!r}): {reason}",
        kind="syntax", column=column, snippet=snippet,
    )


def validate_opening_hours(expr: str) -> str:
    """Return the expression stripped of surrounding blanks, or raise InvalidOpeningHours."""
    if not isinstance(expr, str):
        raise InvalidOpeningHours(f"opening_hours must be text, got {type(expr).__name__}", kind="not_text")
    text = expr.strip()
    if not text:
        raise InvalidOpeningHours("opening_hours is empty; leave it unset (None) when hours are unknown",
                                  kind="empty")
    if len(text) > MAX_EXPRESSION_LENGTH:
        raise InvalidOpeningHours(
            f"opening_hours is {len(text)} characters long; the limit is {MAX_EXPRESSION_LENGTH}", kind="too_long"
        )
    try:
        OpeningHours(text)
    except ParserError as error:
        raise _syntax_error(text, error) from None
    return text


@lru_cache(maxsize=4096)
def _parsed(text: str, *, holiday_country: str | None) -> OpeningHours:
    # Parsing is the expensive step and the same few hundred expressions are evaluated per request.
    validate_opening_hours(text)
    return OpeningHours(text, country=holiday_country)


@lru_cache(maxsize=1)
def holiday_calendar_years() -> tuple[int, int]:
    """First and last year of the official holiday schedule that chinese_calendar knows.

    The State Council publishes each year's schedule late in the year before; until a
    chinese_calendar release carries it, that year falls back to plain weekday rules."""
    years = [day.year for day in chinese_calendar.constants.holidays]
    return min(years), max(years)


@lru_cache(maxsize=4096)
def day_kind(day: date) -> DayKind:
    """Classify a date by the official Chinese calendar (see the module docstring)."""
    weekend = day.weekday() >= 5
    try:
        is_holiday, holiday_name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        # No published schedule for this year: plain weekday rules.
        return "weekend" if weekend else "workday"
    if is_holiday and holiday_name is not None:
        return "holiday"
    if weekend and not is_holiday:
        return "makeup_workday"
    return "weekend" if weekend else "workday"


def _is_evaluator_holiday(day: date) -> bool:
    probe = _parsed("PH", holiday_country=_EVALUATOR_HOLIDAY_COUNTRY)
    return probe.is_open(datetime.combine(day, time(12)))


@lru_cache(maxsize=1024)
def _evaluator_holiday_like(day: date) -> date | None:
    """Nearest date with day's weekday that the evaluator's CN list treats as PH."""
    for weeks in range(_SUBSTITUTE_SEARCH_WEEKS):
        for sign in (1, -1):
            candidate = day + timedelta(weeks=sign * weeks)
            if _is_evaluator_holiday(candidate):
                return candidate
    return None


def _substitute(day: date) -> tuple[date, str | None]:
    """The date to evaluate instead of `day`, and the evaluator holiday list to use with it."""
    kind = day_kind(day)
    if kind == "makeup_workday":
        return day + timedelta(days=-1 if day.weekday() == 5 else 1), None
    if kind == "holiday":
        stand_in = _evaluator_holiday_like(day)
        if stand_in is not None:
            return stand_in, _EVALUATOR_HOLIDAY_COUNTRY
    return day, None


def _local(moment: datetime, *, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware (e.g. Asia/Shanghai), got {moment.isoformat()}")
    return moment.astimezone(SHANGHAI)


@lru_cache(maxsize=8192)
def _state(text: str, local: datetime) -> State:
    # Cached: a list evaluates a few distinct expressions for hundreds of centres at one moment.
    stand_in, holiday_country = _substitute(local.date())
    hours = _parsed(text, holiday_country=holiday_country)
    state, _comment = hours.state(datetime.combine(stand_in, local.time()))
    return state


def is_open(expr: str | None, at: datetime) -> bool | None:
    """Open at `at`? None when the hours are unknown (no expression, or it says "unknown").

    `at` must be timezone-aware (naive → ValueError). An invalid expression → InvalidOpeningHours.
    """
    local = _local(at, name="at")
    if expr is None or not expr.strip():
        return None
    # opening_hours has minute resolution, so the minute is the cache key.
    state = _state(expr.strip(), local.replace(second=0, microsecond=0))
    if state == State.UNKNOWN:
        return None
    return state == State.OPEN


def _clock(moment: datetime, day: date) -> time:
    # The evaluator reports an interval running into the next day as ending at its 00:00.
    return moment.time() if moment.date() == day else END_OF_DAY


def _intervals(text: str, day: date) -> list[tuple[time, time, State]]:
    """Every interval on `day` (local) with its state: open, closed or unknown."""
    stand_in, holiday_country = _substitute(day)
    hours = _parsed(text, holiday_country=holiday_country)
    start = datetime.combine(stand_in, time.min)
    return [(_clock(begin, stand_in), _clock(end, stand_in), state)
            for begin, end, state, _ in hours.intervals(start, start + timedelta(days=1))]


def hours_on(expr: str | None, day: date) -> list[tuple[time, time]]:
    """Open intervals on `day` (local), for "today's hours"; [] when closed all day or unknown.

    An interval that runs past midnight is clipped to END_OF_DAY (time.max, read it as 24:00);
    its continuation shows up as a 00:00 start on the next day.
    """
    if expr is None or not expr.strip():
        return []
    return [(start, end) for start, end, state in _intervals(expr.strip(), day) if state == State.OPEN]


def holiday_name(day: date) -> tuple[str, str] | None:
    """(English, Chinese) name of the holiday a holiday or make-up working day belongs to, else None."""
    try:
        _, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return None
    if name is None or day_kind(day) not in ("holiday", "makeup_workday"):
        return None
    return name, _HOLIDAY_NAMES_ZH.get(name, name)


def format_interval(start: time, end: time) -> str:
    """09:00-17:00; an interval ending at END_OF_DAY reads 24:00."""
    return f"{start:%H:%M}-{'24:00' if end == END_OF_DAY else f'{end:%H:%M}'}"


def _boundaries_on(text: str, day: date) -> list[datetime]:
    """Moments on `day` where the state may change: midnight (the calendar may change the rules)
    and the start and end of every interval, whatever its state (a change may be into "unknown")."""
    midnight = datetime.combine(day, time.min, SHANGHAI)
    points = [midnight]
    for start, end, _state in _intervals(text, day):
        points.append(datetime.combine(day, start, SHANGHAI))
        points.append(midnight + timedelta(days=1) if end == END_OF_DAY else datetime.combine(day, end, SHANGHAI))
    return points


def next_change(expr: str | None, at: datetime, *, horizon_days: int = NEXT_CHANGE_HORIZON_DAYS) -> datetime | None:
    """The first moment after `at` when `is_open` answers differently, or None within the horizon.

    Candidates are the bounds of every interval of each day, open, closed or unknown (a change may be
    into "unknown"); each is checked with `is_open` itself, so the answer agrees with every other
    evaluation (lists, the open_at filter), holidays and 调休 included."""
    local = _local(at, name="at").replace(second=0, microsecond=0)
    if expr is None or not expr.strip():
        return None
    now = is_open(expr, local)
    days = (local.date() + timedelta(days=offset) for offset in range(horizon_days + 1))
    candidates = sorted({point for day in days for point in _boundaries_on(expr.strip(), day) if point > local})
    return next((point for point in candidates if is_open(expr, point) != now), None)
