"""Coverage figures and map layers from a prepared layer (app/coverage/service.py).

All inside the analysis area (app/coverage/area.py: each district clipped to the network's reach):

* covered area: area(analysis area − gaps), where the gaps are the parts of the analysis area
  outside the budget band, measured in the area's metric CRS (UTM zone of the network);
* demand covered: demand in H3 cells whose centre lies in the analysis area and in the budget band;
* time to nearest: per cell, the smallest band (5, 10 or 15 min for a 15-minute budget) holding
  the cell's centre; null beyond the budget.
"""
import threading
from collections import OrderedDict
from dataclasses import dataclass

import h3.api.basic_int as h3
import numpy as np
import shapely
from shapely.geometry import Polygon, mapping
from sqlalchemy.orm import Session

from app.coverage.area import DistrictArea
from app.coverage.demand import Demand, demand_for
from app.coverage import service
from app.coverage.service import Layer
from geo import coverage as cov

MAX_GAPS_KEPT = 50
COORDINATE_DECIMALS = 6  # ~0.1 m: enough for a map, a third less JSON than full floats
_CACHED = 4096
_cover_cache: OrderedDict[tuple, "DistrictCover"] = OrderedDict()
_cache_lock = threading.Lock()


@dataclass(frozen=True)
class DistrictCover:
    covered_m2: float
    gaps: list[Polygon]  # metric, largest first (at most MAX_GAPS_KEPT)


def clear_caches() -> None:
    """Forget every derived figure and loaded band kept in this process (benchmarks start cold)."""
    with _cache_lock:
        _cover_cache.clear()
    with service._cache_lock:
        service._bands_cache.clear()


def district_cover(layer: Layer, district: DistrictArea) -> DistrictCover:
    """Covered m² and gaps of one district's analysis area; cached per layer content and area."""
    key = (layer.row.key, layer.area.digest, district.adcode)
    with _cache_lock:
        if key in _cover_cache:
            _cover_cache.move_to_end(key)
            return _cover_cache[key]
    shape = district.metric
    if shape.is_empty:
        found = DistrictCover(0.0, [])
    else:
        near = shapely.clip_by_rect(layer.covered_metric, *shape.bounds)  # far fewer vertices to overlay
        holes = cov.gaps(shape, cov.as_area(near))
        found = DistrictCover(max(shape.area - sum(h.area for h in holes), 0.0), holes[:MAX_GAPS_KEPT])
    with _cache_lock:
        _cover_cache[key] = found
        while len(_cover_cache) > _CACHED:
            _cover_cache.popitem(last=False)
    return found


def _inside(geometry, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    if not len(lon) or geometry.is_empty:
        return np.zeros(len(lon), dtype=bool)
    shapely.prepare(geometry)
    return shapely.contains_xy(geometry, lon, lat)


def _pct(part: float | None, whole: float | None) -> float | None:
    return round(100 * part / whole, 4) if part is not None and whole else None


def demand_masks(layer: Layer, demand: Demand) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Which demand cells the budget band holds, and which lie in each reported analysis area."""
    covered = _inside(layer.covered, demand.lon, demand.lat)
    return covered, {a: _inside(layer.area.districts[a].clipped, demand.lon, demand.lat) for a in layer.adcodes}


def _district_row(layer: Layer, district: DistrictArea, demand: Demand, covered_demand: np.ndarray,
                  in_district: np.ndarray, gaps: int) -> dict:
    cover = district_cover(layer, district)
    kinds = [c.kind for c, keep in zip(layer.centres, _inside(district.shape, *_centre_xy(layer))) if keep]
    area = district.area_m2
    row = {"adcode": district.adcode, "name_zh": district.name, "district_area_m2": round(district.district_area_m2, 1),
           "area_m2": round(area, 1), "covered_m2": round(cover.covered_m2, 1),
           "covered_pct": _pct(cover.covered_m2, area), "uncovered_m2": round(max(area - cover.covered_m2, 0.0), 1),
           "centres": len(kinds), "service_centres": kinds.count("service_centre"),
           "rider_stations": kinds.count("rider_station"), "demand_total": None, "demand_covered": None,
           "demand_covered_pct": None, "largest_gaps": [_gap_summary(n, g, layer.epsg) for n, g in
                                                        enumerate(cover.gaps[:gaps], start=1)]}
    if demand.kind != "none":
        total = float(demand.values[in_district].sum())
        covered = float(demand.values[in_district & covered_demand].sum())
        row |= {"demand_total": round(total, 3), "demand_covered": round(covered, 3),
                "demand_covered_pct": _pct(covered, total)}
    return row


def _centre_xy(layer: Layer) -> tuple[np.ndarray, np.ndarray]:
    return np.array([c.lon for c in layer.centres]), np.array([c.lat for c in layer.centres])


def _gap_summary(rank: int, gap: Polygon, epsg: int) -> dict:
    point = cov.to_wgs84(gap.representative_point(), epsg)
    return {"rank": rank, "area_m2": round(gap.area, 1), "lon": round(point.x, 6), "lat": round(point.y, 6)}


def figures(session: Session, layer: Layer, *, gaps: int = 5) -> dict:
    demand = demand_for(session, layer.network, resolution=layer.query.resolution, source_id=layer.query.demand_source)
    covered, in_district = demand_masks(layer, demand)
    rows = [_district_row(layer, layer.area.districts[a], demand, covered, in_district[a], gaps)
            for a in sorted(layer.adcodes)]
    return {**describe(layer), "demand": demand.describe(), "totals": totals(rows), "districts": rows}


def totals(rows: list[dict]) -> dict:
    area, covered = sum(r["area_m2"] for r in rows), sum(r["covered_m2"] for r in rows)
    with_demand = [r for r in rows if r["demand_total"] is not None]
    demand = sum(r["demand_total"] for r in with_demand) if with_demand else None
    demand_covered = sum(r["demand_covered"] for r in with_demand) if with_demand else None
    return {"area_m2": round(area, 1), "covered_m2": round(covered, 1), "covered_pct": _pct(covered, area),
            "demand_total": demand, "demand_covered": demand_covered,
            "demand_covered_pct": _pct(demand_covered, demand), "centres": sum(r["centres"] for r in rows)}


def describe(layer: Layer) -> dict:
    query, dropped = layer.query, len(layer.row.dropped_ids)
    return {
        "mode": query.mode.value, "minutes": query.minutes, "bands": cov.band_minutes(query.minutes),
        "at": layer.moment.isoformat() if layer.moment else None, "kind": list(query.kinds),
        "amenity": list(query.amenities), "resolution": query.resolution, "crs": f"EPSG:{layer.epsg}",
        "network_key": layer.network.key, "analysis_area": layer.area.describe(layer.adcodes),
        "centres": {"counted": len(layer.centres) - dropped, "off_network": dropped, **layer.excluded},
        "layer": {"id": layer.row.id, "reused": not layer.computed,
                  "routing_seconds": round(layer.row.routing_seconds, 3)},
    }


# --- GeoJSON layers -----------------------------------------------------------------------------

def rounded(geometry) -> dict:
    """GeoJSON geometry with coordinates rounded for the map."""
    return mapping(shapely.set_precision(geometry, 10 ** -COORDINATE_DECIMALS, mode="pointwise"))


def union_geojson(layer: Layer) -> dict:
    features = [] if layer.covered.is_empty else [{"type": "Feature", "geometry": rounded(layer.covered), "properties": {
        "mode": layer.query.mode.value, "minutes": layer.query.minutes, "centres": len(layer.centres)}}]
    return {"type": "FeatureCollection", "features": features, **describe(layer)}


def bands_geojson(layer: Layer) -> dict:
    """One feature per band, as a ring: within ``minutes`` but not within the band before it."""
    features, before = [], None
    for minutes, area in sorted(layer.bands.items()):
        ring = area if before is None or before.is_empty else cov.as_area(shapely.difference(area, before))
        if not ring.is_empty:
            features.append({"type": "Feature", "geometry": rounded(ring), "properties": {
                "minutes": minutes, "from_minutes": 0 if before is None else prior,
                "area_m2": round(cov.to_metric(ring, layer.epsg).area, 1)}})
        before, prior = area, minutes
    return {"type": "FeatureCollection", "features": features, **describe(layer)}


def gap_features(session: Session, layer: Layer, *, limit: int) -> tuple[list[dict], Demand]:
    demand = demand_for(session, layer.network, resolution=layer.query.resolution, source_id=layer.query.demand_source)
    features = []
    for adcode in sorted(layer.adcodes):
        district = layer.area.districts[adcode]
        for rank, gap in enumerate(district_cover(layer, district).gaps[:limit], start=1):
            shape = cov.to_wgs84(gap, layer.epsg)
            uncovered = float(demand.values[_inside(shape, demand.lon, demand.lat)].sum()) \
                if demand.kind != "none" else None
            summary = _gap_summary(rank, gap, layer.epsg)
            features.append({"type": "Feature", "geometry": rounded(shape), "properties": {
                "adcode": adcode, "name_zh": district.name, "rank": rank, "area_m2": summary["area_m2"],
                "demand": uncovered, "point": [summary["lon"], summary["lat"]]}})
    return features, demand


def gaps_geojson(session: Session, layer: Layer, *, limit: int) -> dict:
    features, demand = gap_features(session, layer, limit=limit)
    return {"type": "FeatureCollection", "features": features, "demand": demand.describe(), **describe(layer)}


def cell_table(session: Session, layer: Layer, *, bbox: tuple[float, float, float, float] | None = None
               ) -> tuple[list[int], np.ndarray, np.ndarray, Demand]:
    """Cells of the analysis area (centre inside): the band of each (0: beyond the budget) and demand."""
    demand = demand_for(session, layer.network, resolution=layer.query.resolution, source_id=layer.query.demand_source)
    region = shapely.union_all([layer.area.districts[a].clipped for a in layer.adcodes]) if layer.adcodes \
        else Polygon()
    if bbox is not None:
        region = shapely.clip_by_rect(region, *bbox)
    cells = cov.cells_inside(region, layer.query.resolution)
    lon, lat = cov.cell_centres(cells)
    values = dict(zip(demand.cells, demand.values.tolist()))
    return cells, cov.point_bands(layer.bands, lon, lat), np.array([values.get(c, 0.0) for c in cells]), demand


def cells_geojson(session: Session, layer: Layer, *, bbox: tuple[float, float, float, float] | None,
                  limit: int, offset: int) -> dict:
    cells, bands, values, demand = cell_table(session, layer, bbox=bbox)
    page = range(offset, min(offset + limit, len(cells)))
    features = [_cell_feature(cells[i], int(bands[i]), float(values[i]), demand.kind) for i in page]
    return {"type": "FeatureCollection", "features": features, "number_matched": len(cells),
            "number_returned": len(features), "demand": demand.describe(), **describe(layer)}


def _cell_feature(cell: int, band: int, demand: float, kind: str) -> dict:
    ring = [[round(lng, COORDINATE_DECIMALS), round(lat, COORDINATE_DECIMALS)] for lat, lng in h3.cell_to_boundary(cell)]
    return {"type": "Feature", "id": h3.int_to_str(cell), "geometry": {"type": "Polygon", "coordinates": [ring + ring[:1]]},
            "properties": {"h3": h3.int_to_str(cell), "minutes": band or None,
                           "demand": demand if kind != "none" else None}}


def area_geojson(layer: Layer) -> dict:
    """The analysis area of each reported district (district ∩ the network's reach)."""
    features = [{"type": "Feature", "id": a, "geometry": rounded(d.clipped), "properties": {
        "adcode": a, "name_zh": d.name, "area_m2": round(d.area_m2, 1),
        "district_area_m2": round(d.district_area_m2, 1)}}
        for a in sorted(layer.adcodes) if not (d := layer.area.districts[a]).clipped.is_empty]
    return {"type": "FeatureCollection", "features": features, **describe(layer)}
