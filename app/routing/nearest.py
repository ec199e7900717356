"""Nearest centres: prefiltered by straight line in PostGIS, then ranked by travel time with one
Valhalla matrix call when a road network is imported; else by straight-line distance, and the
response says which. "Open" means open when the rider gets there."""
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from app.catalogue import repository
from app.catalogue.repository import CentreFilter, CentreRow
from app.catalogue.schemas import Fields
from app.catalogue.service import check_districts, feature, is_open, local_moment, represent, status_open
from app.errors import InvalidParameter
from app.routing.network import NetworkState
from geo.coords import check_lon_lat
from geo.modes import TravelMode
from geo.routing import OffNetworkError

STRAIGHT_LINE_NOTE = "No road network is imported: ranked by straight-line distance."


def straight_line_nearest(
    session: Session, *, lon: float, lat: float, where: CentreFilter, moment: datetime,
    only_open: bool, limit: int, candidates: int,
) -> list[dict]:
    # When only open centres count, fetch more candidates than asked so closed ones can drop out.
    rows = repository.nearest_centres(
        session, lon=lon, lat=lat, where=where, limit=max(limit, candidates) if only_open else limit
    )
    if only_open:
        rows = [row for row in rows if is_open(row.properties, moment)]
    return [feature(row, moment, distance_m=round(row.distance_m or 0.0, 1)) for row in rows[:limit]]


def _arrival_feature(row: CentreRow, moment: datetime, seconds: float, metres: float) -> dict:
    arrival = moment + timedelta(seconds=seconds)
    open_then = status_open(row.properties["status"], row.properties["opening_hours"], arrival)
    return feature(row, moment, distance_m=round(row.distance_m or 0.0, 1), travel_seconds=round(seconds, 1),
                   travel_metres=round(metres, 1), open_on_arrival=open_then)


def travel_time_nearest(
    session: Session, network: NetworkState, *, lon: float, lat: float, where: CentreFilter, moment: datetime,
    only_open: bool, limit: int, candidates: int, mode: TravelMode, max_snap_metres: float,
) -> list[dict]:
    rows = repository.nearest_centres(session, lon=lon, lat=lat, where=where, limit=max(limit, candidates))
    try:
        legs = network.current().engine.matrix((lon, lat), [(r.lon, r.lat) for r in rows], mode=mode,
                                               max_snap_metres=max_snap_metres)
    except OffNetworkError as exc:
        raise InvalidParameter(f"({lon}, {lat}) is {exc}", field="lon") from None
    reachable = sorted(((leg, row) for leg, row in zip(legs, rows) if leg is not None), key=lambda p: p[0].seconds)
    features = [_arrival_feature(row, moment, leg.seconds, leg.metres) for leg, row in reachable]
    if only_open:
        features = [f for f in features if f["properties"]["open_on_arrival"]]
    return features[:limit]


def find_nearest(
    session: Session, network: NetworkState, *, lon: float, lat: float, where: CentreFilter,
    open_at: datetime | None, only_open: bool, limit: int, candidates: int, mode: TravelMode,
    max_snap_metres: float, fields: Fields = "all",
) -> dict:
    check_lon_lat(lon, lat)
    check_districts(session, where.districts)
    moment = local_moment(open_at)
    common = dict(lon=lon, lat=lat, where=where, moment=moment, only_open=only_open, limit=limit,
                  candidates=candidates)
    if network.available():
        features = travel_time_nearest(session, network, mode=mode, max_snap_metres=max_snap_metres, **common)
        ranking, note = "travel_time", None
    else:
        features, ranking, note = straight_line_nearest(session, **common), "straight_line", STRAIGHT_LINE_NOTE
    # A plain dict: the route's response model validates it once, on the way out.
    return {
        "type": "FeatureCollection", "features": represent(features, fields), "fields": fields, "ranking": ranking,
        "mode": mode.value if ranking == "travel_time" else None, "note": note,
    }


