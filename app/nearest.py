"""Nearest centres: prefiltered by straight line in PostGIS, ranked by travel time when a road
network is imported, else by straight-line distance (and the response says which)."""
from datetime import datetime

from sqlalchemy.orm import Session

from app import repository
from app.catalogue import check_districts, feature, is_open, local_moment
from app.repository import CentreFilter, CentreRow
from app.schemas import NearestCollection
from geo.coords import check_lon_lat

STRAIGHT_LINE_NOTE = "No road network is imported: ranked by straight-line distance."


def straight_line_nearest(
    session: Session, *, lon: float, lat: float, where: CentreFilter, moment: datetime,
    only_open: bool, limit: int, candidates: int,
) -> list[CentreRow]:
    # When only open centres count, fetch more candidates than asked so closed ones can drop out.
    rows = repository.nearest_centres(
        session, lon=lon, lat=lat, where=where, limit=max(limit, candidates) if only_open else limit
    )
    if only_open:
        rows = [row for row in rows if is_open(row.properties, moment)]
    return rows[:limit]


def find_nearest(
    session: Session, *, lon: float, lat: float, where: CentreFilter, open_at: datetime | None,
    only_open: bool, limit: int, candidates: int,
) -> NearestCollection:
    check_lon_lat(lon, lat)
    check_districts(session, where.districts)
    moment = local_moment(open_at)
    rows = straight_line_nearest(
        session, lon=lon, lat=lat, where=where, moment=moment, only_open=only_open, limit=limit,
        candidates=candidates,
    )
    features = [feature(row, moment, distance_m=round(row.distance_m or 0.0, 1)) for row in rows]
    return NearestCollection.model_validate({
        "type": "FeatureCollection", "features": features, "ranking": "straight_line", "mode": None,
        "note": STRAIGHT_LINE_NOTE,
    })


