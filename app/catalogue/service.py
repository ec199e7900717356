"""Catalogue use cases: filtering by opening hours, paging, shaping GeoJSON features.

Opening hours are OSM `opening_hours` expressions that PostGIS cannot evaluate, so SQL applies
every other filter and the hours filter runs here, before paging. The whole city has under a
thousand centres, so this stays cheap.
"""
import json
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from app.catalogue import repository
from app.catalogue.repository import CentreFilter, CentreRow
from app.catalogue.schemas import Fields, NearestCardProperties
from app.editing.auth import Actor, districts_in_view
from app.errors import InvalidParameter, NotFound
from geo import hours
from geo.hours import SHANGHAI


def local_moment(moment: datetime | None) -> datetime:
    """A naive time from the user means Kunming local time."""
    if moment is None:
        return datetime.now(SHANGHAI)
    return moment.replace(tzinfo=SHANGHAI) if moment.tzinfo is None else moment.astimezone(SHANGHAI)


def is_open(props: dict, moment: datetime) -> bool | None:
    return status_open(props["status"], props["opening_hours"], moment)


def status_open(status: str, opening_hours: str | None, moment: datetime) -> bool | None:
    """Open at `moment`: False when not in service, None when the hours are unknown."""
    if status != "open":
        return False
    return hours.is_open(opening_hours, moment) if opening_hours else None


def hours_today(props: dict, moment: datetime) -> list[str] | None:
    if not props["opening_hours"]:
        return None
    intervals = hours.hours_on(props["opening_hours"], moment.date())
    return [hours.format_interval(start, end) for start, end in intervals]


def feature(row: CentreRow, moment: datetime, **extra: object) -> dict:
    props = {**row.properties, **extra}
    props["open_now"] = is_open(row.properties, moment)
    props["hours_today"] = hours_today(row.properties, moment)
    return {"type": "Feature", "id": props["id"], "geometry": {"type": "Point", "coordinates": [row.lon, row.lat]},
            "properties": props}


# The card representation: the card's properties, coordinates to 6 decimals (about 0.1 m).
_CARD_PROPERTIES = tuple(NearestCardProperties.model_fields)
_CARD_DECIMALS = 6


def as_card(centre: dict) -> dict:
    props = centre["properties"]
    lon, lat = centre["geometry"]["coordinates"]
    return {"type": "Feature", "id": centre["id"],
            "geometry": {"type": "Point", "coordinates": [round(lon, _CARD_DECIMALS), round(lat, _CARD_DECIMALS)]},
            "properties": {key: props[key] for key in _CARD_PROPERTIES if key in props}}


def represent(features: list[dict], fields: Fields) -> list[dict]:
    return [as_card(f) for f in features] if fields == "card" else features


def check_districts(session: Session, districts: Sequence[str], *, field: str = "district") -> None:
    """Every adcode names a stored district, else a 422 naming ``field``."""
    for adcode in districts:
        if not repository.district_exists(session, adcode=adcode):
            raise InvalidParameter(f"unknown district adcode {adcode!r}", field=field)


def search_centres(
    session: Session, *, where: CentreFilter, open_at: datetime | None, only_open: bool, limit: int, offset: int,
    fields: Fields = "all",
) -> dict:
    check_districts(session, where.districts)
    moment = local_moment(open_at)
    if only_open:
        open_ids = [centre_id for centre_id, opening_hours, status in repository.hours_of_matching(session, where=where)
                    if status_open(status, opening_hours, moment)]
        matched = len(open_ids)
        page = repository.centres_by_ids(session, ids=open_ids[offset:offset + limit])
    else:
        matched = repository.count_centres_matching(session, where=where)
        page = repository.list_centres(session, where=where, limit=limit, offset=offset)
    # A plain dict: the route's response model validates it once, on the way out.
    return {
        "type": "FeatureCollection",
        "features": represent([feature(row, moment) for row in page], fields), "fields": fields,
        "number_matched": matched, "number_returned": len(page), "limit": limit, "offset": offset,
    }


def centre_by_id(session: Session, *, centre_id: str) -> tuple[dict, int]:
    """The centre as a GeoJSON feature, and its version (for the ETag)."""
    row = repository.get_centre(session, centre_id=centre_id)
    if row is None:
        raise NotFound(f"no centre with id {centre_id!r}", field="centre_id")
    return feature(row, local_moment(None)), row.version


def district_table(session: Session) -> list[dict]:
    return repository.district_summaries(session)


def unplaced_rows(session: Session, actor: Actor, *, district: str | None, limit: int, offset: int) -> list[dict]:
    """Directory rows waiting for a place: an editor's districts (or one of them), or any for admins."""
    requested = [district] if district is not None else []
    check_districts(session, requested)
    return repository.list_unplaced(session, districts=districts_in_view(actor, requested), limit=limit,
                                    offset=offset)


def _district_feature(row: dict) -> dict:
    props = {k: v for k, v in row.items() if k != "geometry"}
    return {"type": "Feature", "id": row["adcode"], "geometry": json.loads(row["geometry"]), "properties": props}


def district_features(session: Session, *, bbox: tuple[float, float, float, float] | None, limit: int,
                      offset: int) -> tuple[list[dict], int]:
    """A page of districts as GeoJSON features (outline, centre counts), and how many match."""
    rows = repository.district_outlines(session, bbox=bbox, limit=limit, offset=offset)
    return [_district_feature(row) for row in rows], repository.count_districts(session, bbox=bbox)


def district_by_adcode(session: Session, *, adcode: str) -> dict:
    rows = repository.district_outlines(session, bbox=None, adcode=adcode)
    if not rows:
        raise NotFound(f"no district with adcode {adcode!r}", field="adcode")
    return _district_feature(rows[0])
