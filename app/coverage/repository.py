"""Database access for coverage: member contributions, layers and their tiles, gaps, demand.

Every function takes the session; values always go in as bound parameters. Geometry travels as
WKB (shapely on the Python side) or leaves as GeoJSON written by PostGIS.
"""
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import String, bindparam, cast, delete, func, insert, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from app.models import (
    Centre,
    CoverageGap,
    CoverageLayer,
    CoverageMember,
    CoverageTile,
    DemandCell,
    DemandSource,
    District,
    Isochrone,
)

Tile = tuple[int, int]


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
class MemberRow:
    centre_id: str
    off_network: bool
    cells: np.ndarray  # int64 H3 cells whose centre the budget contour contains
    bands: np.ndarray  # int16: the smallest contour (minutes) holding each cell


def pack(cells: Sequence[int], bands: Sequence[int]) -> tuple[bytes, bytes]:
    return np.asarray(cells, dtype="<i8").tobytes(), np.asarray(bands, dtype="<i2").tobytes()


def unpack(cells: bytes, bands: bytes) -> tuple[np.ndarray, np.ndarray]:
    return np.frombuffer(cells, dtype="<i8").astype(np.int64), np.frombuffer(bands, dtype="<i2").astype(np.int16)


def selected_centres(session: Session, *, kinds: Sequence[str], amenities: Sequence[str]) -> list[CentreRef]:
    """Centres not soft-deleted, of any of ``kinds`` and with all ``amenities`` (empty: no filter)."""
    query = select(Centre.id, func.ST_X(Centre.geom), func.ST_Y(Centre.geom), Centre.kind, Centre.status,
                   Centre.opening_hours, Centre.amenities).where(Centre.deleted_at.is_(None)).order_by(Centre.id)
    if kinds:
        query = query.where(Centre.kind.in_(list(kinds)))
    if amenities:
        query = query.where(Centre.amenities.contains(cast(list(amenities), ARRAY(String(32)))))
    return [CentreRef(id=r[0], lon=r[1], lat=r[2], kind=r[3], status=r[4], opening_hours=r[5],
                      amenities=tuple(r[6] or ())) for r in session.execute(query)]


# --- members ------------------------------------------------------------------------------------

def valid_members(session: Session, *, ids: Sequence[str], network_key: str, mode: str, minutes: int,
                  resolution: int) -> dict[str, MemberRow]:
    """Stored contributions still valid: same network and options, and the centre has not moved."""
    query = (
        select(CoverageMember.centre_id, CoverageMember.off_network, CoverageMember.cells, CoverageMember.bands)
        .join(Centre, Centre.id == CoverageMember.centre_id)
        .where(CoverageMember.centre_id.in_(list(ids)), CoverageMember.network_key == network_key,
               CoverageMember.mode == mode, CoverageMember.minutes == minutes,
               CoverageMember.resolution == resolution, func.ST_Equals(CoverageMember.origin, Centre.geom))
    )
    out = {}
    for centre_id, off_network, cells, bands in session.execute(query):
        cells, bands = unpack(cells, bands)
        out[centre_id] = MemberRow(centre_id=centre_id, off_network=off_network, cells=cells, bands=bands)
    return out


_STORE_MEMBER = text(
    "INSERT INTO coverage_members (centre_id, network_key, mode, minutes, resolution, origin, off_network, cells, "
    "bands) VALUES (:centre_id, :network_key, :mode, :minutes, :resolution, ST_SetSRID(ST_MakePoint(:lon, :lat), "
    "4326), :off_network, :cells, :bands) ON CONFLICT (centre_id, network_key, mode, minutes, resolution) DO UPDATE "
    "SET origin = excluded.origin, off_network = excluded.off_network, cells = excluded.cells, "
    "bands = excluded.bands, computed_at = now()")
_STORE_CONTOUR = text(
    "INSERT INTO isochrones (centre_id, network_key, mode, minutes, origin, geom) VALUES (:centre_id, :network_key, "
    ":mode, :minutes, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), ST_Multi(ST_GeomFromWKB(:wkb, 4326))) "
    "ON CONFLICT (centre_id, network_key, mode, minutes) DO UPDATE SET origin = excluded.origin, "
    "geom = excluded.geom, computed_at = now()")


def store_members(session: Session, *, rows: Sequence[dict]) -> None:
    """Upsert contributions; each row: centre_id, network_key, mode, minutes, resolution, lon, lat,
    off_network, cells and bands (packed with :func:`pack`). One prepared statement for the batch."""
    if rows:
        session.execute(_STORE_MEMBER, list(rows))


def store_contours(session: Session, *, rows: Sequence[dict]) -> None:
    """Batch upsert into the isochrone cache (the same table and key as routing_repository.store_isochrones);
    each row: centre_id, network_key, mode, minutes, lon, lat, wkb."""
    if rows:
        session.execute(_STORE_CONTOUR, list(rows))


def cached_contours(session: Session, *, ids: Sequence[str], network_key: str, mode: str,
                    minutes: Sequence[int]) -> dict[str, dict[int, bytes]]:
    """Cached contours of centres that have not moved (routing_repository.cached_isochrones, in bulk)."""
    query = (
        select(Isochrone.centre_id, Isochrone.minutes, func.ST_AsBinary(Isochrone.geom))
        .join(Centre, Centre.id == Isochrone.centre_id)
        .where(Isochrone.centre_id.in_(list(ids)), Isochrone.network_key == network_key, Isochrone.mode == mode,
               Isochrone.minutes.in_(list(minutes)), func.ST_Equals(Isochrone.origin, Centre.geom))
    )
    out: dict[str, dict[int, bytes]] = {}
    for centre_id, m, geom in session.execute(query):
        out.setdefault(centre_id, {})[m] = bytes(geom)
    return out


def contours_wkb(session: Session, *, ids: Sequence[str], network_key: str, mode: str,
                 minutes: int) -> dict[str, bytes]:
    query = select(Isochrone.centre_id, func.ST_AsBinary(Isochrone.geom)).where(
        Isochrone.centre_id.in_(list(ids)), Isochrone.network_key == network_key, Isochrone.mode == mode,
        Isochrone.minutes == minutes)
    return {centre_id: bytes(geom) for centre_id, geom in session.execute(query)}


# --- districts ----------------------------------------------------------------------------------

def districts(session: Session, *, adcodes: Sequence[str] | None = None) -> list[tuple[str, str, bytes]]:
    """Every district, or those of ``adcodes`` (an empty list gives none)."""
    query = select(District.adcode, District.name_zh, func.ST_AsBinary(District.geom)).order_by(District.adcode)
    if adcodes is not None:
        query = query.where(District.adcode.in_(list(adcodes)))
    return [(a, n, bytes(g)) for a, n, g in session.execute(query)]


def districts_meeting(session: Session, *, bbox: Sequence[float]) -> list[str]:
    envelope = func.ST_MakeEnvelope(*bbox, 4326)
    return list(session.scalars(select(District.adcode).where(func.ST_Intersects(District.geom, envelope))
                                .order_by(District.adcode)))


def districts_digest(session: Session) -> str:
    """Changes whenever a district is added, removed or reshaped."""
    return session.scalar(text(
        "SELECT md5(coalesce(string_agg(adcode || md5(ST_AsBinary(geom)), ',' ORDER BY adcode), '')) "
        "FROM districts")) or ""


# --- layers -------------------------------------------------------------------------------------

def lock_layer_family(session: Session, *, family: str) -> None:
    """Serialise computations of one (network, mode, minutes) family until the transaction ends."""
    session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:family))"), {"family": family})


def layer_by_key(session: Session, *, key: str) -> CoverageLayer | None:
    return session.scalar(select(CoverageLayer).where(CoverageLayer.key == key))


def layer_by_id(session: Session, *, layer_id: int) -> CoverageLayer | None:
    return session.get(CoverageLayer, layer_id)


def family_layers(session: Session, *, network_key: str, mode: str, minutes: int, epsg: int, tile_m: float,
                  limit: int = 20) -> list[CoverageLayer]:
    return list(session.scalars(
        select(CoverageLayer).where(CoverageLayer.network_key == network_key, CoverageLayer.mode == mode,
                                    CoverageLayer.minutes == minutes, CoverageLayer.epsg == epsg,
                                    CoverageLayer.tile_m == tile_m)
        .order_by(CoverageLayer.used_at.desc()).limit(limit)))


def create_layer(session: Session, **values: Any) -> CoverageLayer:
    layer = CoverageLayer(**values)
    session.add(layer)
    session.flush()
    return layer


def prune_layers(session: Session, *, network_key: str, mode: str, minutes: int, keep: int) -> None:
    """Forget the least recently used layers of a family beyond ``keep``."""
    stale = (select(CoverageLayer.id).where(CoverageLayer.network_key == network_key, CoverageLayer.mode == mode,
                                            CoverageLayer.minutes == minutes)
             .order_by(CoverageLayer.used_at.desc()).offset(keep))
    session.execute(delete(CoverageLayer).where(CoverageLayer.id.in_(stale)))


def drop_layers_except(session: Session, *, network_key: str) -> None:
    session.execute(delete(CoverageLayer).where(CoverageLayer.network_key != network_key))


# --- tiles --------------------------------------------------------------------------------------

def copy_tiles(session: Session, *, source: int, target: int, skip: Iterable[Tile]) -> None:
    skip = list(skip)
    session.execute(text(
        "INSERT INTO coverage_tiles (layer_id, tx, ty, geom, area_m2, areas) "
        "SELECT :target, tx, ty, geom, area_m2, areas FROM coverage_tiles t WHERE layer_id = :source "
        "AND NOT EXISTS (SELECT 1 FROM unnest(CAST(:sx AS int[]), CAST(:sy AS int[])) s(x, y) "
        "WHERE s.x = t.tx AND s.y = t.ty)"),
        {"target": target, "source": source, "sx": [t[0] for t in skip], "sy": [t[1] for t in skip]})


def delete_tiles(session: Session, *, layer_id: int, tiles: Iterable[Tile]) -> None:
    tiles = list(tiles)
    session.execute(text(
        "DELETE FROM coverage_tiles t USING unnest(CAST(:sx AS int[]), CAST(:sy AS int[])) s(x, y) "
        "WHERE t.layer_id = :layer AND t.tx = s.x AND t.ty = s.y"),
        {"layer": layer_id, "sx": [t[0] for t in tiles], "sy": [t[1] for t in tiles]})


def insert_tiles(session: Session, *, layer_id: int, rows: Sequence[tuple[Tile, bytes, float, dict]]) -> None:
    """rows: (tile, WGS84 piece as WKB, metric area, {adcode: covered m²})."""
    if not rows:
        return
    statement = insert(CoverageTile).values(
        layer_id=bindparam("layer_id"), tx=bindparam("tx"), ty=bindparam("ty"),
        geom=func.ST_Multi(func.ST_GeomFromWKB(bindparam("wkb"), 4326)), area_m2=bindparam("area_m2"),
        areas=bindparam("areas"))
    session.execute(statement, [{"layer_id": layer_id, "tx": t[0], "ty": t[1], "wkb": w, "area_m2": a, "areas": d}
                                for t, w, a, d in rows])


def tile_pieces(session: Session, *, layer_id: int, tiles: Iterable[Tile] | None = None
                ) -> list[tuple[Tile, bytes]]:
    query = "SELECT tx, ty, ST_AsBinary(geom) FROM coverage_tiles WHERE layer_id = :layer"
    params: dict[str, Any] = {"layer": layer_id}
    if tiles is not None:
        tiles = list(tiles)
        query = ("SELECT tx, ty, ST_AsBinary(geom) FROM coverage_tiles t JOIN unnest(CAST(:sx AS int[]), "
                 "CAST(:sy AS int[])) s(x, y) ON s.x = t.tx AND s.y = t.ty WHERE layer_id = :layer")
        params |= {"sx": [t[0] for t in tiles], "sy": [t[1] for t in tiles]}
    return [((x, y), bytes(g)) for x, y, g in session.execute(text(query), params)]


def set_tile_areas(session: Session, *, layer_id: int, areas: dict[Tile, dict]) -> None:
    if not areas:
        return
    session.execute(
        update(CoverageTile).where(CoverageTile.layer_id == bindparam("lid"), CoverageTile.tx == bindparam("x"),
                                   CoverageTile.ty == bindparam("y")).values(areas=bindparam("a"))
        .execution_options(synchronize_session=False),
        [{"lid": layer_id, "x": t[0], "y": t[1], "a": a} for t, a in areas.items()])


def covered_by_district(session: Session, *, layer_id: int) -> dict[str, float]:
    rows = session.execute(text(
        "SELECT d.key, sum(d.value::float8) FROM coverage_tiles, jsonb_each_text(areas) d "
        "WHERE layer_id = :layer GROUP BY d.key"), {"layer": layer_id})
    return {adcode: float(m2) for adcode, m2 in rows}


def union_geojson(session: Session, *, layer_id: int) -> str | None:
    return session.scalar(text(
        "SELECT ST_AsGeoJSON(ST_Union(geom), 7) FROM coverage_tiles WHERE layer_id = :layer"), {"layer": layer_id})


# --- gaps ---------------------------------------------------------------------------------------

def delete_gaps(session: Session, *, layer_id: int, adcodes: Iterable[str] | None = None) -> None:
    statement = delete(CoverageGap).where(CoverageGap.layer_id == layer_id)
    if adcodes is not None:
        statement = statement.where(CoverageGap.adcode.in_(list(adcodes)))
    session.execute(statement)


def gaps_computed(session: Session, *, layer_id: int, adcodes: Sequence[str]) -> set[str]:
    return set(session.scalars(select(CoverageGap.adcode).distinct().where(
        CoverageGap.layer_id == layer_id, CoverageGap.adcode.in_(list(adcodes)))))


def store_gaps(session: Session, *, layer_id: int, adcode: str, gaps: Sequence[tuple[bytes, float]]) -> None:
    """Gaps ranked 1… (WGS84 WKB, metric area); rank 0 marks "computed" even when there is none."""
    rows = [{"layer_id": layer_id, "adcode": adcode, "rank": 0, "wkb": None, "area_m2": 0.0}]
    rows += [{"layer_id": layer_id, "adcode": adcode, "rank": n, "wkb": w, "area_m2": a}
             for n, (w, a) in enumerate(gaps, start=1)]
    session.execute(insert(CoverageGap).values(
        layer_id=bindparam("layer_id"), adcode=bindparam("adcode"), rank=bindparam("rank"),
        geom=func.ST_GeomFromWKB(bindparam("wkb"), 4326), area_m2=bindparam("area_m2")), rows)


def gap_rows(session: Session, *, layer_id: int, adcodes: Sequence[str], limit: int
             ) -> list[tuple[str, int, float, str, float, float]]:
    """(adcode, rank, area m², GeoJSON, centroid lon, centroid lat), largest first per district."""
    query = text(
        "SELECT adcode, rank, area_m2, ST_AsGeoJSON(geom, 7), ST_X(ST_PointOnSurface(geom)), "
        "ST_Y(ST_PointOnSurface(geom)) FROM coverage_gaps WHERE layer_id = :layer "
        "AND adcode = ANY(:adcodes) AND rank BETWEEN 1 AND :limit ORDER BY adcode, rank")
    return [tuple(r) for r in session.execute(query, {"layer": layer_id, "adcodes": list(adcodes), "limit": limit})]


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
