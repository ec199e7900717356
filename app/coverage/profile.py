"""The week profile: covered % of area and of demand for each hour of a typical week, and for the
next public holiday and its make-up working day (调休).

A *typical week* is the first Monday–Sunday week, from the week holding ``at`` (default now) on,
with no public holiday and no make-up working day: five plain working days and a plain weekend.
Hour h (0 = Monday 00:00) is evaluated at its start, hh:00 Asia/Shanghai, the same moment the
planner's time control sends; a centre counts when its opening hours say open then (app/coverage/
service.py ``choose``). Hours with the same open centres share one stored layer, so a week with
five hours patterns needs only a dozen or two expansions, and later profiles read them all.
"""
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

import chinese_calendar
import numpy as np
from sqlalchemy.orm import Session

from app.catalogue.service import local_moment
from app.coverage import repository as repo
from app.coverage.area import analysis_area, report_adcodes
from app.coverage.demand import Demand, demand_for
from app.coverage.figures import describe, district_cover, inside
from app.coverage.service import (
    CoverageQuery,
    Layer,
    RouteBudget,
    bands_of,
    check_query,
    choose,
    ensure_layers,
    layer_key,
)
from app.routing.network import NetworkState
from geo.hours import SHANGHAI, day_kind, holiday_calendar_years

HOURS_PER_WEEK = 168
TYPICAL_WEEK = ("the first Monday–Sunday week from the week of `at` (default now) with no public holiday "
                "and no make-up working day; each hour evaluated at its start (hh:00, Asia/Shanghai)")


def typical_week(day: date) -> date:
    """The Monday of the first week from ``day``'s week with only plain working days and weekends."""
    monday = day - timedelta(days=day.weekday())
    for weeks in range(54):
        start = monday + timedelta(weeks=weeks)
        if all(day_kind(start + timedelta(days=d)) in ("workday", "weekend") for d in range(7)):
            return start
    return monday


def next_holiday(day: date) -> dict | None:
    """The next official holiday period from ``day`` on, with its make-up working days (调休)."""
    first = next((day + timedelta(days=n) for n in range(400) if day_kind(day + timedelta(days=n)) == "holiday"),
                 None)
    if first is None:
        return None
    name = chinese_calendar.get_holiday_detail(first)[1]
    days = [first]
    while day_kind(days[-1] + timedelta(days=1)) == "holiday":
        days.append(days[-1] + timedelta(days=1))
    around = [first + timedelta(days=n) for n in range(-21, len(days) + 21)]
    makeup = [d for d in around
              if day_kind(d) == "makeup_workday" and chinese_calendar.get_holiday_detail(d)[1] == name]
    return {"name_en": name, "name_zh": _chinese_name(name), "start": days[0], "end": days[-1],
            "makeup_workdays": makeup}


def _chinese_name(name: str | None) -> str | None:
    try:
        return chinese_calendar.Holiday(name).chinese
    except ValueError:
        return None


def _calendar(reference: date) -> tuple[date, dict | None, list[date]]:
    """The typical week's Monday, the next holiday, and the days profiled hour by hour besides the
    week: the holiday's first day and its first make-up working day from ``reference`` on."""
    week, holiday = typical_week(reference), next_holiday(reference)
    upcoming = [d for d in (holiday["makeup_workdays"] if holiday else []) if d >= reference]
    return week, holiday, [holiday["start"], *upcoming[:1]] if holiday else []


def _moments(day: date, hours: int) -> list[datetime]:
    return [datetime.combine(day + timedelta(days=h // 24), time(h % 24), SHANGHAI) for h in range(hours)]


def _shares(layer: Layer, demand: Demand, in_area: np.ndarray) -> tuple[float | None, float | None]:
    """Covered % of the analysis area and of its demand, for one layer."""
    area = sum(layer.area.districts[a].area_m2 for a in layer.adcodes)
    covered = sum(district_cover(layer, layer.area.districts[a]).covered_m2 for a in layer.adcodes)
    area_pct = round(100 * covered / area, 3) if area else None
    if demand.kind == "none" or not (total := float(demand.values[in_area].sum())):
        return area_pct, None
    reached = in_area & inside(layer.covered, demand.lon, demand.lat)
    return area_pct, round(100 * float(demand.values[reached].sum()) / total, 3)


def week_profile(session: Session, state: NetworkState, query: CoverageQuery, *, max_snap_metres: float,
                 budget: RouteBudget | None = None) -> dict:
    check_query(session, query)
    network = state.current()
    week, holiday, special = _calendar(local_moment(query.at).date())
    moments = _moments(week, HOURS_PER_WEEK) + [m for day in special for m in _moments(day, 24)]
    centres = repo.selected_centres(session, kinds=query.kinds, amenities=query.amenities)
    selections = [choose(centres, m) for m in moments]
    rows, computed = ensure_layers(session, network, query, [s for s, _ in selections],
                                   max_snap_metres=max_snap_metres, budget=budget)
    area = analysis_area(session, network, reach_m=max_snap_metres)
    adcodes = report_adcodes(area, query.districts)
    demand = demand_for(session, network, resolution=query.resolution, source_id=query.demand_source)
    in_area = np.zeros(len(demand.cells), dtype=bool)
    for adcode in adcodes:
        in_area |= inside(area.districts[adcode].clipped, demand.lon, demand.lat)
    entries, shares = [], {}
    for n, (moment, (chosen, excluded)) in enumerate(zip(moments, selections)):
        row = rows[layer_key(network.key, query, max_snap_metres, chosen)]
        if row.key not in shares:  # hours with the same open centres share the layer and its figures
            layer = Layer(row=row, query=query, network=network, moment=moment, centres=chosen, excluded=excluded,
                          bands=bands_of(session, row), area=area, adcodes=adcodes, computed=row.key in computed)
            shares[row.key] = _shares(layer, demand, in_area)
        entries.append({"hour": n % HOURS_PER_WEEK if n < HOURS_PER_WEEK else (n - HOURS_PER_WEEK) % 24,
                        "at": moment.isoformat(), "centres": len(chosen) - len(row.dropped_ids),
                        "covered_pct": shares[row.key][0], "demand_covered_pct": shares[row.key][1],
                        "layer_id": row.id})
    return _result(layer, demand, week, entries, holiday, special, len(rows), len(computed))


def _result(one: Layer, demand: Demand, week: date, entries: Sequence[dict], holiday: dict | None,
            special: list[date], distinct: int, computed: int) -> dict:
    described = describe(one)
    for per_moment in ("at", "layer", "centres"):  # per hour in the entries instead
        described.pop(per_moment)
    out = {**described, "demand": demand.describe(),
           "week": {"start": week, "end": week + timedelta(days=6), "definition": TYPICAL_WEEK},
           "hours": list(entries[:HOURS_PER_WEEK]), "holiday": None,
           "holiday_note": None, "layers": {"distinct": distinct, "computed": computed}}
    if holiday is None:
        first, last_year = holiday_calendar_years()
        out["holiday_note"] = (f"no public holiday known within 400 days: the holiday calendar (chinese-calendar) "
                               f"covers {first}–{last_year}")
        return out
    days = entries[HOURS_PER_WEEK:]
    out["holiday"] = {**holiday, "hours": list(days[:24]), "makeup_day": special[1] if len(special) > 1 else None,
                      "makeup_hours": list(days[24:48]) if len(special) > 1 else None}
    return out
