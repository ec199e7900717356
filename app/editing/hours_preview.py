"""The editor's preview of opening hours being typed: valid or why not, open at a moment, the next
change, and a week of hours with holidays and 调休. It is evaluated by geo.hours, as the API's
open_now/open_at filters are, so what the editor sees is what riders get. Invalid text comes with its
reason in English (`error`) and as data (`problem`), which the editor words in the page's language."""
from datetime import date, datetime, timedelta

from app.catalogue.service import local_moment
from app.editing.schemas import HoursPreviewIn
from geo import hours
from geo.hours import InvalidOpeningHours

PREVIEW_DAYS = 7


def _day(expr: str, day: date) -> dict:
    name = hours.holiday_name(day)
    return {"date": day, "day_kind": hours.day_kind(day),
            "holiday": {"en": name[0], "zh": name[1]} if name else None,
            "hours": [hours.format_interval(start, end) for start, end in hours.hours_on(expr, day)]}


def preview_hours(request: HoursPreviewIn, *, now: datetime | None = None) -> dict:
    at = local_moment(request.at or now)
    try:
        text = hours.validate_opening_hours(request.opening_hours)
    except InvalidOpeningHours as exc:
        return {"valid": False, "normalized": None, "error": str(exc), "problem": exc.problem(), "at": at,
                "open_now": None, "next_change": None, "week": []}
    return {
        "valid": True, "normalized": text, "error": None, "problem": None, "at": at,
        "open_now": hours.is_open(text, at), "next_change": hours.next_change(text, at),
        "week": [_day(text, at.date() + timedelta(days=offset)) for offset in range(PREVIEW_DAYS)],
    }
