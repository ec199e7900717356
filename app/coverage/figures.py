"""Coverage figures and map layers from a prepared layer (app/coverage/service.py).

* covered area: the stored per-tile, per-district covered m² (exact geometry: area(∪ isochrones ∩
  district) in the layer's metric CRS), over the district's area in the same CRS;
* demand covered: demand in cells whose centre lies inside some counted centre's isochrone;
* time to nearest: per cell, the smallest contour (a third, two thirds or all of the budget)
  of any counted centre that contains the cell's centre; null beyond the budget.
"""
import json
from collections.abc import Sequence

import h3.api.basic_int as h3
import numpy as np
import shapely
from sqlalchemy.orm import Session

from app.coverage import repository as repo
from app.coverage.demand import Demand, demand_for
from app.coverage.service import Layer, ensure_gaps, metric_districts
from app.errors import InvalidParameter
from geo import coverage as cov

MAX_GAPS_LISTED = 20


def report_adcodes(layer: Layer) -> list[str]:
    return list(layer.query.districts) or layer.adcodes


def cell_table(layer: Layer) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(cells, best minutes, how many counted centres reach the cell within the budget)."""
    members = [layer.members[c.id] for c in layer.centres if c.id in layer.members]
    if not any(len(m.cells) for m in members):
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int16), np.empty(0, dtype=np.int32)
    cells = np.concatenate([np.asarray(m.cells, dtype=np.int64) for m in members])
    bands = np.concatenate([np.asarray(m.bands, dtype=np.int16) for m in members])
    unique, inverse, counts = np.unique(cells, return_inverse=True, return_counts=True)
    best = np.full(len(unique), np.iinfo(np.int16).max, dtype=np.int16)
    np.minimum.at(best, inverse, bands)
    return unique, best, counts.astype(np.int32)


def _inside(geometry, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    return shapely.contains_xy(geometry, lon, lat) if len(lon) else np.zeros(0, dtype=bool)


def _district_row(adcode: str, name: str, shape_wgs, area_m2: float, covered_m2: float, layer: Layer,
                  demand: Demand, covered_mask: np.ndarray) -> dict:
    lon = np.array([c.lon for c in layer.centres])
    inside = _inside(shape_wgs, lon, np.array([c.lat for c in layer.centres]))
    kinds = [c.kind for c, keep in zip(layer.centres, inside) if keep]
    row = {"adcode": adcode, "name_zh": name, "area_m2": round(area_m2, 1), "covered_m2": round(covered_m2, 1),
           "covered_pct": round(100 * covered_m2 / area_m2, 4) if area_m2 else 0.0,
           "uncovered_m2": round(max(area_m2 - covered_m2, 0.0), 1), "centres": len(kinds),
           "service_centres": kinds.count("service_centre"), "rider_stations": kinds.count("rider_station"),
           "demand_total": None, "demand_covered": None, "demand_covered_pct": None}
    if demand.kind != "none":
        in_district = _inside(shape_wgs, demand.lon, demand.lat)
        total, covered = float(demand.values[in_district].sum()), float(demand.values[in_district & covered_mask].sum())
        row |= {"demand_total": round(total, 3), "demand_covered": round(covered, 3),
                "demand_covered_pct": round(100 * covered / total, 4) if total else None}
    return row


def _gap_lists(session: Session, layer: Layer, adcodes: Sequence[str], limit: int) -> dict[str, list[dict]]:
    if limit <= 0:
        return {}
    ensure_gaps(session, layer, adcodes)
    out: dict[str, list[dict]] = {a: [] for a in adcodes}
    for adcode, rank, area, _, lon, lat in repo.gap_rows(session, layer_id=layer.row.id, adcodes=adcodes, limit=limit):
        out[adcode].append({"rank": rank, "area_m2": round(area, 1), "lon": round(lon, 6), "lat": round(lat, 6)})
    return out


def _areas(session: Session, layer: Layer, adcodes: Sequence[str]) -> dict[str, tuple[str, object, float]]:
    """adcode → (name, WGS84 shape, area m²): in the layer's CRS, or the district's own UTM zone
    when it lies outside the road network (where it is then wholly uncovered)."""
    inside = metric_districts(session, adcodes=[a for a in adcodes if a in layer.adcodes], epsg=layer.epsg)
    out = {a: (n, wgs, m.area) for a, (n, wgs, m) in inside.items()}
    for adcode, name, geom in repo.districts(session, adcodes=[a for a in adcodes if a not in inside]):
        shape = shapely.from_wkb(geom)
        out[adcode] = (name, shape, cov.to_metric(shape, cov.metric_crs(shape)).area)
    return out


def figures(session: Session, layer: Layer, *, gaps: int = 5) -> dict:
    adcodes = report_adcodes(layer)
    demand = demand_for(session, layer.network, resolution=layer.query.resolution,
                        source_id=layer.query.demand_source)
    cells, _, _ = cell_table(layer)
    covered_mask = np.isin(np.asarray(demand.cells, dtype=np.int64), cells)
    covered = repo.covered_by_district(session, layer_id=layer.row.id)
    gap_lists = _gap_lists(session, layer, [a for a in adcodes if a in layer.adcodes], gaps)
    rows = []
    for adcode, (name, shape, area) in sorted(_areas(session, layer, adcodes).items()):
        row = _district_row(adcode, name, shape, area, covered.get(adcode, 0.0), layer, demand, covered_mask)
        rows.append(row | {"largest_gaps": gap_lists.get(adcode, [])})
    return {**describe(layer), "demand": demand.describe(), "totals": _totals(rows), "districts": rows}


def _totals(rows: list[dict]) -> dict:
    area, covered = sum(r["area_m2"] for r in rows), sum(r["covered_m2"] for r in rows)
    with_demand = [r for r in rows if r["demand_total"] is not None]
    demand = sum(r["demand_total"] for r in with_demand) if with_demand else None
    demand_covered = sum(r["demand_covered"] for r in with_demand) if with_demand else None
    return {"area_m2": round(area, 1), "covered_m2": round(covered, 1),
            "covered_pct": round(100 * covered / area, 4) if area else 0.0,
            "demand_total": demand, "demand_covered": demand_covered,
            "demand_covered_pct": round(100 * demand_covered / demand, 4) if demand else None,
            "centres": sum(r["centres"] for r in rows)}


def describe(layer: Layer) -> dict:
    query = layer.query
    off = sum(1 for c in layer.centres if layer.members.get(c.id) and layer.members[c.id].off_network)
    return {
        "mode": query.mode.value, "minutes": query.minutes, "bands": cov.band_minutes(query.minutes),
        "at": layer.moment.isoformat() if layer.moment else None, "kind": list(query.kinds),
        "amenity": list(query.amenities), "resolution": query.resolution, "crs": f"EPSG:{layer.epsg}",
        "network_key": layer.network.key,
        "centres": {"counted": len(layer.centres) - off, "off_network": off, **layer.excluded},
        "layer": {"id": layer.row.id, "version": layer.row.version, "reused": layer.reused,
                  "recomputed_tiles": layer.recomputed_tiles, "isochrones_computed": layer.isochrones_computed},
    }


# --- GeoJSON layers -----------------------------------------------------------------------------

def union_geojson(session: Session, layer: Layer) -> dict:
    geometry = repo.union_geojson(session, layer_id=layer.row.id)
    features = [] if geometry is None else [{"type": "Feature", "geometry": json.loads(geometry), "properties": {
        "mode": layer.query.mode.value, "minutes": layer.query.minutes, "centres": len(layer.centres)}}]
    return {"type": "FeatureCollection", "features": features, **describe(layer)}


def gaps_geojson(session: Session, layer: Layer, *, limit: int) -> dict:
    adcodes = [a for a in report_adcodes(layer) if a in layer.adcodes]
    ensure_gaps(session, layer, adcodes)
    demand = demand_for(session, layer.network, resolution=layer.query.resolution, source_id=layer.query.demand_source)
    names = {a: n for a, (n, _, _) in metric_districts(session, adcodes=adcodes, epsg=layer.epsg).items()}
    features = []
    for adcode, rank, area, geometry, lon, lat in repo.gap_rows(session, layer_id=layer.row.id, adcodes=adcodes,
                                                                limit=limit):
        shape = json.loads(geometry)
        uncovered = float(demand.values[_inside(shapely.geometry.shape(shape), demand.lon, demand.lat)].sum()) \
            if demand.kind != "none" else None
        features.append({"type": "Feature", "geometry": shape, "properties": {
            "adcode": adcode, "name_zh": names.get(adcode), "rank": rank, "area_m2": round(area, 1),
            "demand": uncovered, "point": [round(lon, 6), round(lat, 6)]}})
    return {"type": "FeatureCollection", "features": features, "demand": demand.describe(), **describe(layer)}


def cells_geojson(session: Session, layer: Layer, *, bbox: tuple[float, float, float, float] | None,
                  limit: int, offset: int) -> dict:
    demand = demand_for(session, layer.network, resolution=layer.query.resolution, source_id=layer.query.demand_source)
    cells, best, count = cell_table(layer)
    every = np.union1d(cells, np.asarray(demand.cells, dtype=np.int64))
    lon, lat = cov.cell_centres([int(c) for c in every])
    keep = np.zeros(len(every), dtype=bool)
    for _, shape, _ in _areas(session, layer, report_adcodes(layer)).values():
        keep |= _inside(shape, lon, lat)
    if bbox is not None:
        keep &= (lon >= bbox[0]) & (lon <= bbox[2]) & (lat >= bbox[1]) & (lat <= bbox[3])
    chosen = every[keep]
    page = chosen[offset:offset + limit]
    by_cell = {int(c): (int(b), int(n)) for c, b, n in zip(cells, best, count)}
    values = dict(zip(demand.cells, demand.values.tolist()))
    features = [_cell_feature(int(c), by_cell.get(int(c)), values.get(int(c)), demand.kind) for c in page]
    return {"type": "FeatureCollection", "features": features, "number_matched": int(len(chosen)),
            "number_returned": len(features), "demand": demand.describe(), **describe(layer)}


def _cell_feature(cell: int, reach: tuple[int, int] | None, demand: float | None, kind: str) -> dict:
    return {"type": "Feature", "id": h3.int_to_str(cell), "geometry": cov.cell_polygon(cell).__geo_interface__,
            "properties": {"h3": h3.int_to_str(cell), "minutes": reach[0] if reach else None,
                           "covered_by": reach[1] if reach else 0,
                           "demand": (demand or 0.0) if kind != "none" else None}}


def check_limit(limit: int, *, maximum: int) -> int:
    if not 1 <= limit <= maximum:
        raise InvalidParameter(f"limit must be 1–{maximum}", field="limit")
    return limit
