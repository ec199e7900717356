"""Database access for road networks and the isochrone cache."""
from collections.abc import Sequence
from typing import Any

from shapely import wkb
from shapely.geometry import MultiPolygon, Polygon
from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from app.models import Centre, Isochrone, NetworkBuild


def cached_isochrones(
    session: Session, *, centre_id: str, network_key: str, mode: str, minutes: Sequence[int]
) -> dict[int, MultiPolygon]:
    """Stored contours still valid: same network and options, and the centre has not moved."""
    query = (
        select(Isochrone.minutes, func.ST_AsBinary(Isochrone.geom))
        .join(Centre, Centre.id == Isochrone.centre_id)
        .where(Isochrone.centre_id == centre_id, Isochrone.network_key == network_key,
               Isochrone.mode == mode, Isochrone.minutes.in_(list(minutes)),
               func.ST_Equals(Isochrone.origin, Centre.geom))
    )
    return {m: wkb.loads(bytes(geom)) for m, geom in session.execute(query)}


def store_isochrones(
    session: Session, *, centre_id: str, network_key: str, mode: str, lon: float, lat: float,
    contours: dict[int, Polygon | MultiPolygon],
) -> None:
    if not contours:
        return
    statement = insert(Isochrone)
    rows = [
        {"centre_id": centre_id, "network_key": network_key, "mode": mode, "minutes": minutes,
         "origin": func.ST_SetSRID(func.ST_MakePoint(lon, lat), 4326),
         "geom": func.ST_Multi(func.ST_GeomFromWKB(geometry.wkb, 4326))}
        for minutes, geometry in contours.items()
    ]
    session.execute(statement.values(rows).on_conflict_do_update(
        index_elements=[Isochrone.centre_id, Isochrone.network_key, Isochrone.mode, Isochrone.minutes],
        set_={"origin": statement.excluded.origin, "geom": statement.excluded.geom, "computed_at": func.now()},
    ))


def drop_isochrones_except(session: Session, *, network_key: str) -> int:
    """Forget contours of other networks (after an import); returns how many went."""
    return session.execute(delete(Isochrone).where(Isochrone.network_key != network_key)).rowcount


def record_network_build(session: Session, *, network_key: str, details: dict[str, Any]) -> int:
    west, south, east, north = details["bbox"]
    build = NetworkBuild(
        network_key=network_key, source_file=str(details["source"]), source_sha256=details["source_sha256"],
        bbox=func.ST_MakeEnvelope(west, south, east, north, 4326), details=details,
    )
    session.add(build)
    session.flush()
    return build.id


def latest_network_build(session: Session) -> dict[str, Any] | None:
    row = session.execute(
        select(NetworkBuild.id, NetworkBuild.network_key, NetworkBuild.details, NetworkBuild.built_at)
        .order_by(NetworkBuild.id.desc()).limit(1)
    ).first()
    return dict(row._mapping) if row else None
