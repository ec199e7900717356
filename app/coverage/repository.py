"""Database access for coverage: layers and their bands, the network's reach, districts, demand,
and the isochrone cache for siting candidates.

Every function takes the session; values always go in as bound parameters. Geometry travels as
WKB (shapely on the Python side).
"""
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.orm import Session

from app.catalogue.repository import CentreFilter, apply_filter
from app.models import Centre, CoverageLayer, DemandCell, DemandSource, District, Isochrone, NetworkReach


@dataclass(frozen=True, kw_only=True)
class CentreRef:
    id: str
    lon: float
    lat: float
    kind: str
    status: str
    opening_hours: str | None
    amenities: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class LayerRow:
    id: int
    key: str
    dropped_ids: list[str]
    routing_seconds: float


def selected_centres(session: Session, *, kinds: Sequence[str], amenities: Sequence[str]) -> list[CentreRef]:
    """Centres not soft-deleted, of any of ``kinds`` and with all ``amenities`` (empty: no filter)."""
    columns = select(Centre.id, func.ST_X(Centre.geom), func.ST_Y(Centre.geom), Centre.kind, Centre.status,
                     Centre.opening_hours, Centre.amenities)
    query = apply_filter(columns, CentreFilter(kinds=kinds, amenities=amenities)).order_by(Centre.id)
    return [CentreRef(id=r[0], lon=r[1], lat=r[2], kind=r[3], status=r[4], opening_hours=r[5],
                      amenities=tuple(r[6] or ())) for r in session.execute(query)]


# --- layers -------------------------------------------------------------------------------------

def lock_key(session: Session, *, key: str) -> None:
    """Serialise the computation of one stored result until the transaction ends: concurrent first
    requests wait for the first one and then read what it stored."""
    session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": key})


def layers_by_key(session: Session, *, keys: Sequence[str]) -> dict[str, LayerRow]:
    rows = session.execute(select(CoverageLayer.id, CoverageLayer.key, CoverageLayer.dropped_ids,
                                  CoverageLayer.routing_seconds).where(CoverageLayer.key.in_(list(keys))))
    return {r.key: LayerRow(id=r.id, key=r.key, dropped_ids=list(r.dropped_ids), routing_seconds=r.routing_seconds)
            for r in rows}


def store_layer(session: Session, *, key: str, network_key: str, mode: str, minutes: int, centre_ids: Sequence[str],
                dropped_ids: Sequence[str], routing_seconds: float, bands: dict[int, bytes]) -> LayerRow:
    """Insert a layer and its bands (WGS84 WKB); a layer already stored under ``key`` is kept."""
    layer_id = session.scalar(text(
        "INSERT INTO coverage_layers (key, network_key, mode, minutes, centre_ids, dropped_ids, routing_seconds) "
        "VALUES (:key, :network_key, :mode, :minutes, :centre_ids, :dropped_ids, :seconds) "
        "ON CONFLICT (key) DO NOTHING RETURNING id"),
        {"key": key, "network_key": network_key, "mode": mode, "minutes": minutes, "centre_ids": list(centre_ids),
         "dropped_ids": list(dropped_ids), "seconds": routing_seconds})
    if layer_id is None:
        return layers_by_key(session, keys=[key])[key]
    session.execute(text(
        "INSERT INTO coverage_bands (layer_id, minutes, geom) VALUES (:layer, :minutes, "
        "ST_Multi(ST_GeomFromWKB(:wkb, 4326)))"),
        [{"layer": layer_id, "minutes": m, "wkb": wkb} for m, wkb in bands.items()])
    return LayerRow(id=layer_id, key=key, dropped_ids=list(dropped_ids), routing_seconds=routing_seconds)


def band_wkb(session: Session, *, layer_id: int) -> dict[int, bytes]:
    rows = session.execute(text("SELECT minutes, ST_AsBinary(geom) FROM coverage_bands WHERE layer_id = :layer"),
                           {"layer": layer_id})
    return {int(m): bytes(g) for m, g in rows}


def touch_layers(session: Session, *, ids: Sequence[int]) -> None:
    """Mark layers as used (at most once a minute each, so reading stays nearly write-free)."""
    session.execute(update(CoverageLayer).where(CoverageLayer.id.in_(list(ids)),
                                                CoverageLayer.used_at < func.now() - text("interval '1 minute'"))
                    .values(used_at=func.now()).execution_options(synchronize_session=False))


def prune_layers(session: Session, *, network_key: str, mode: str, minutes: int, keep: int) -> None:
    """Forget the least recently used layers of one (network, mode, budget) beyond ``keep``, and every
    layer of other networks."""
    stale = (select(CoverageLayer.id).where(CoverageLayer.network_key == network_key, CoverageLayer.mode == mode,
                                            CoverageLayer.minutes == minutes)
             .order_by(CoverageLayer.used_at.desc()).offset(keep))
    session.execute(delete(CoverageLayer).where(CoverageLayer.id.in_(stale)))
    session.execute(delete(CoverageLayer).where(CoverageLayer.network_key != network_key))


# --- the network's reach ------------------------------------------------------------------------

def reach_cells(session: Session, *, network_key: str, reach_m: float, resolution: int) -> np.ndarray | None:
    cells = session.scalar(select(NetworkReach.cells).where(
        NetworkReach.network_key == network_key, NetworkReach.reach_m == reach_m,
        NetworkReach.resolution == resolution))
    return None if cells is None else np.frombuffer(cells, dtype="<i8").astype(np.int64)


def store_reach_cells(session: Session, *, network_key: str, reach_m: float, resolution: int,
                      cells: Sequence[int]) -> None:
    session.execute(text(
        "INSERT INTO network_reach (network_key, reach_m, resolution, cells) VALUES (:key, :reach, :res, :cells) "
        "ON CONFLICT DO NOTHING"),
        {"key": network_key, "reach": reach_m, "res": resolution,
         "cells": np.asarray(cells, dtype="<i8").tobytes()})


# --- districts ----------------------------------------------------------------------------------

def districts(session: Session, *, adcodes: Sequence[str] | None = None) -> list[tuple[str, str, bytes]]:
    """Every district, or those of ``adcodes`` (an empty list gives none)."""
    query = select(District.adcode, District.name_zh, func.ST_AsBinary(District.geom)).order_by(District.adcode)
    if adcodes is not None:
        query = query.where(District.adcode.in_(list(adcodes)))
    return [(a, n, bytes(g)) for a, n, g in session.execute(query)]


def districts_version(session: Session) -> str:
    """A token that changes whenever a district is added, removed or reshaped (set by a trigger)."""
    return session.scalar(text("SELECT token FROM districts_version")) or ""


# --- the isochrone cache (siting candidates that are centres) ------------------------------------

_STORE_CONTOUR = text(
    "INSERT INTO isochrones (centre_id, network_key, mode, minutes, origin, geom) VALUES (:centre_id, :network_key, "
    ":mode, :minutes, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), ST_Multi(ST_GeomFromWKB(:wkb, 4326))) "
    "ON CONFLICT (centre_id, network_key, mode, minutes) DO UPDATE SET origin = excluded.origin, "
    "geom = excluded.geom, computed_at = now()")


def store_contours(session: Session, *, rows: Sequence[dict]) -> None:
    """Batch upsert into the isochrone cache (the same table and key as the routing area's);
    each row: centre_id, network_key, mode, minutes, lon, lat, wkb."""
    if rows:
        session.execute(_STORE_CONTOUR, list(rows))


def cached_contours(session: Session, *, ids: Sequence[str], network_key: str, mode: str,
                    minutes: int) -> dict[str, bytes]:
    """Cached contours of centres that have not moved since."""
    query = (
        select(Isochrone.centre_id, func.ST_AsBinary(Isochrone.geom))
        .join(Centre, Centre.id == Isochrone.centre_id)
        .where(Isochrone.centre_id.in_(list(ids)), Isochrone.network_key == network_key, Isochrone.mode == mode,
               Isochrone.minutes == minutes, func.ST_Equals(Isochrone.origin, Centre.geom))
    )
    return {centre_id: bytes(geom) for centre_id, geom in session.execute(query)}


# --- demand -------------------------------------------------------------------------------------

def demand_sources(session: Session) -> list[DemandSource]:
    return list(session.scalars(select(DemandSource).order_by(DemandSource.id)))


def demand_source(session: Session, *, source_id: int) -> DemandSource | None:
    return session.get(DemandSource, source_id)


def create_demand_source(session: Session, *, kind: str, name: str, resolution: int, unit: str,
                         values: dict[int, float], details: dict) -> DemandSource:
    source = DemandSource(kind=kind, name=name, resolution=resolution, unit=unit,
                          total=float(sum(values.values())), cells=len(values), details=details)
    session.add(source)
    session.flush()
    rows = [{"source_id": source.id, "h3": cell, "value": value} for cell, value in values.items()]
    for start in range(0, len(rows), 5000):
        session.execute(insert(DemandCell), rows[start:start + 5000])
    return source


def demand_values(session: Session, *, source_id: int) -> dict[int, float]:
    rows = session.execute(select(DemandCell.h3, DemandCell.value).where(DemandCell.source_id == source_id))
    return {cell: value for cell, value in rows}
