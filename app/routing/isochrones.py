"""Isochrone use cases: contours for a centre (cached in PostGIS) or for any point (not cached)."""
import json
from collections.abc import Sequence

import shapely
from shapely.geometry import MultiPolygon, Polygon
from sqlalchemy.orm import Session

from app.catalogue import repository
from app.errors import InvalidParameter, NotFound
from app.routing import repository as routing_repository
from app.routing.network import NetworkState
from geo.coords import check_lon_lat
from geo.modes import TravelMode
from geo.routing import OffNetworkError


def _as_multipolygon(geometry: Polygon | MultiPolygon) -> MultiPolygon:
    # One geometry type in every response, fresh or from the cache (which stores MultiPolygons).
    return MultiPolygon([geometry]) if isinstance(geometry, Polygon) else geometry


def _collection(contours: dict, *, mode: TravelMode, centre_id: str | None, cached: set[int]) -> bytes:
    """GeoJSON bytes, written by GEOS: a car isochrone has ~10⁵ vertices, and building dicts for
    them, validating and json.dumps-ing them cost more than the routing (bench/routing.py)."""
    features = [
        '{"type":"Feature","geometry":%s,"properties":%s}' % (
            shapely.to_geojson(_as_multipolygon(geometry)),
            json.dumps({"minutes": minutes, "mode": mode.value, "centre_id": centre_id, "cached": minutes in cached}))
        for minutes, geometry in sorted(contours.items(), reverse=True)  # largest first: smaller draw on top
    ]
    return ('{"type":"FeatureCollection","features":[' + ",".join(features) + "]}").encode()


def centre_isochrones(
    session: Session, network: NetworkState, *, centre_id: str, mode: TravelMode, minutes: Sequence[int],
    max_snap_metres: float,
) -> bytes:
    active = network.current()
    centre = repository.get_centre(session, centre_id=centre_id)
    if centre is None:
        raise NotFound(f"no centre with id {centre_id!r}", field="centre_id")
    key = dict(centre_id=centre_id, network_key=active.key, mode=mode.value)
    cached = routing_repository.cached_isochrones(session, minutes=minutes, **key)
    missing = [m for m in minutes if m not in cached]
    contours = dict(cached)
    if missing:
        try:
            computed = active.engine.isochrone(centre.lon, centre.lat, mode=mode, minutes=missing,
                                               max_snap_metres=max_snap_metres)
        except OffNetworkError as exc:
            raise InvalidParameter(f"centre {centre_id} is {exc}", field="centre_id") from None
        fresh = {c.minutes: c.geometry for c in computed}
        routing_repository.store_isochrones(session, lon=centre.lon, lat=centre.lat, contours=fresh, **key)
        session.commit()
        contours |= fresh
    return _collection(contours, mode=mode, centre_id=centre_id, cached=set(cached))


def point_isochrones(
    network: NetworkState, *, lon: float, lat: float, mode: TravelMode, minutes: Sequence[int],
    max_snap_metres: float,
) -> bytes:
    check_lon_lat(lon, lat)
    contours = network.current().engine.isochrone(lon, lat, mode=mode, minutes=minutes,
                                                  max_snap_metres=max_snap_metres)
    return _collection({c.minutes: c.geometry for c in contours}, mode=mode, centre_id=None, cached=set())


def parse_minutes(raw: str) -> list[int]:
    """"5,10,15" → [5, 10, 15]: 1 to 4 distinct whole minutes between 1 and 60."""
    try:
        values = sorted({int(part) for part in raw.split(",") if part.strip()})
    except ValueError:
        raise InvalidParameter("minutes must be whole numbers separated by commas, e.g. 5,10,15",
                               field="minutes") from None
    if not 1 <= len(values) <= 4 or not all(1 <= v <= 60 for v in values):
        raise InvalidParameter("minutes takes 1 to 4 values between 1 and 60", field="minutes")
    return values
