"""Catalogue use cases: filtering by opening hours, paging, shaping GeoJSON features.

Opening hours are OSM `opening_hours` expressions that PostGIS cannot evaluate, so SQL applies
every other filter and the hours filter runs here, before paging. The whole city has under a
thousand centres, so this stays cheap.
"""
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from app import repository
from app.errors import InvalidParameter, NotFound
from app.repository import CentreFilter, CentreRow
from app.schemas import CentreCollection, CentreProperties
from geo import hours

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local_moment(moment: datetime | None) -> datetime:
    """A naive time from the user means Kunming local time."""
    if moment is None:
        return datetime.now(SHANGHAI)
    return moment.replace(tzinfo=SHANGHAI) if moment.tzinfo is None else moment.astimezone(SHANGHAI)


def is_open(props: dict, moment: datetime) -> bool | None:
    if props["status"] != "open":
        return False
    return hours.is_open(props["opening_hours"], moment) if props["opening_hours"] else None


def hours_today(props: dict, moment: datetime) -> list[str] | None:
    if not props["opening_hours"]:
        return None
    intervals = hours.hours_on(props["opening_hours"], moment.date())
    return [f"{start:%H:%M}-{'24:00' if end.hour == 23 and end.minute == 59 else f'{end:%H:%M}'}"
            for start, end in intervals]


def feature(row: CentreRow, moment: datetime, **extra: object) -> dict:
    props = {**row.properties, **extra}
    props["open_now"] = is_open(row.properties, moment)
    props["hours_today"] = hours_today(row.properties, moment)
    return {"type": "Feature", "id": props["id"], "geometry": {"type": "Point", "coordinates": [row.lon, row.lat]},
            "properties": props}


def check_districts(session: Session, districts: Sequence[str]) -> None:
    for adcode in districts:
        if not repository.district_exists(session, adcode=adcode):
            raise InvalidParameter(f"unknown district adcode {adcode!r}", field="district")


def search_centres(
    session: Session, *, where: CentreFilter, open_at: datetime | None, only_open: bool, limit: int, offset: int
) -> CentreCollection:
    check_districts(session, where.districts)
    moment = local_moment(open_at)
    rows = repository.list_centres(session, where=where)
    if only_open:
        rows = [row for row in rows if is_open(row.properties, moment)]
    page = rows[offset:offset + limit]
    return CentreCollection.model_validate({
        "type": "FeatureCollection",
        "features": [feature(row, moment) for row in page],
        "number_matched": len(rows), "number_returned": len(page), "limit": limit, "offset": offset,
    })


def centre_by_id(session: Session, *, centre_id: str) -> dict:
    row = repository.get_centre(session, centre_id=centre_id)
    if row is None:
        raise NotFound(f"no centre with id {centre_id!r}", field="centre_id")
    return feature(row, local_moment(None))


def district_table(session: Session) -> list[dict]:
    return repository.district_summaries(session)


def validate_properties(props: dict) -> CentreProperties:
    return CentreProperties.model_validate(props)
