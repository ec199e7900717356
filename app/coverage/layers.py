"""Coverage map layers as GeoJSON (and the tables behind the CSV exports): the covered area, its
bands as rings, the gaps of each district, H3 cells with their band and demand, the analysis area.

Big layers are cached per stored layer (content-keyed, so never stale): the time control and the
layer switcher ask for the same few layers again and again. Coordinates are rounded to 6 decimals
(~0.1 m), a third less JSON than full floats.
"""
import h3.api.basic_int as h3
import numpy as np
import shapely
from shapely.geometry import mapping
from sqlalchemy.orm import Session

from app.coverage.cache import Lru
from app.coverage.cells import area_cells
from app.coverage.demand import Demand, demand_for
from app.coverage.figures import describe, district_cover, gap_summary, inside
from app.coverage.service import Layer
from geo import coverage as cov

COORDINATE_DECIMALS = 6
_band_features: Lru[list[dict]] = Lru(16)


def rounded(geometry) -> dict:
    """GeoJSON geometry with coordinates rounded for the map."""
    return mapping(shapely.set_precision(geometry, 10 ** -COORDINATE_DECIMALS, mode="pointwise"))


def union_geojson(layer: Layer) -> dict:
    features = [] if layer.covered.is_empty else [{"type": "Feature", "geometry": rounded(layer.covered),
                                                   "properties": {"mode": layer.query.mode.value,
                                                                  "minutes": layer.query.minutes,
                                                                  "centres": len(layer.centres)}}]
    return {"type": "FeatureCollection", "features": features, **describe(layer)}


def _rings(layer: Layer) -> list[dict]:
    features, before, prior = [], None, 0
    for minutes, area in sorted(layer.bands.items()):
        ring = area if before is None or before.is_empty else cov.as_area(shapely.difference(area, before))
        if not ring.is_empty:
            features.append({"type": "Feature", "geometry": rounded(ring), "properties": {
                "minutes": minutes, "from_minutes": prior, "area_m2": round(cov.to_metric(ring, layer.epsg).area, 1)}})
        before, prior = area, minutes
    return features


def bands_geojson(layer: Layer) -> dict:
    """One feature per band, as a ring: within ``minutes`` but not within the band before it."""
    features = _band_features.get(layer.row.key, lambda: _rings(layer))
    return {"type": "FeatureCollection", "features": features, **describe(layer)}


def gap_features(session: Session, layer: Layer, *, limit: int) -> tuple[list[dict], Demand]:
    demand = demand_for(session, layer.network, resolution=layer.query.resolution, source_id=layer.query.demand_source)
    features = []
    for adcode in sorted(layer.adcodes):
        district = layer.area.districts[adcode]
        for rank, gap in enumerate(district_cover(layer, district).gaps[:limit], start=1):
            shape = cov.to_wgs84(gap, layer.epsg)
            uncovered = float(demand.values[inside(shape, demand.lon, demand.lat)].sum()) \
                if demand.kind != "none" else None
            summary = gap_summary(rank, gap, layer.epsg)
            features.append({"type": "Feature", "geometry": rounded(shape), "properties": {
                "adcode": adcode, "name_zh": district.name, "rank": rank, "area_m2": summary["area_m2"],
                "demand": uncovered, "point": [summary["lon"], summary["lat"]]}})
    return features, demand


def gaps_geojson(session: Session, layer: Layer, *, limit: int) -> dict:
    features, demand = gap_features(session, layer, limit=limit)
    return {"type": "FeatureCollection", "features": features, "demand": demand.describe(), **describe(layer)}


def _outline(cell: int) -> list:
    ring = [[round(lng, COORDINATE_DECIMALS), round(lat, COORDINATE_DECIMALS)]
            for lat, lng in h3.cell_to_boundary(cell)]
    return [ring + ring[:1]]


def _demand_at(demand: Demand, cells: np.ndarray) -> np.ndarray:
    """The demand of each cell (0 where the source has none); demand.cells is sorted."""
    if not len(demand.cells) or not len(cells):
        return np.zeros(len(cells))
    known = np.asarray(demand.cells, dtype=np.int64)
    at = np.minimum(np.searchsorted(known, cells), len(known) - 1)
    return np.where(known[at] == cells, demand.values[at], 0.0)


def cells_geojson(session: Session, layer: Layer, *, bbox: tuple[float, float, float, float] | None,
                  limit: int, offset: int, max_cells: int) -> dict:
    """A page of the analysis area's cells (centre in ``bbox``): the band of each (null: beyond the
    budget) and its demand. Bands, demand and outlines are worked out for the page only."""
    grid = area_cells(layer, max_cells=max_cells)
    matched = grid.within(bbox)
    page = matched[offset:offset + limit]
    demand = demand_for(session, layer.network, resolution=layer.query.resolution, source_id=layer.query.demand_source)
    bands = cov.point_bands(layer.bands, grid.lon[page], grid.lat[page])
    values = _demand_at(demand, grid.cells[page]) if demand.kind != "none" else None
    features = [{"type": "Feature", "id": (name := h3.int_to_str(cell)),
                 "geometry": {"type": "Polygon", "coordinates": _outline(cell)},
                 "properties": {"h3": name, "minutes": int(bands[i]) or None,
                                "demand": float(values[i]) if values is not None else None}}
                for i, cell in enumerate(grid.cells[page].tolist())]
    return {"type": "FeatureCollection", "features": features, "number_matched": len(matched),
            "number_returned": len(features), "demand": demand.describe(), **describe(layer)}


def area_geojson(layer: Layer) -> dict:
    """The analysis area of each reported district (district ∩ the network's reach)."""
    features = [{"type": "Feature", "id": a, "geometry": rounded(d.clipped), "properties": {
        "adcode": a, "name_zh": d.name, "area_m2": round(d.area_m2, 1),
        "district_area_m2": round(d.district_area_m2, 1)}}
        for a in sorted(layer.adcodes) if not (d := layer.area.districts[a]).clipped.is_empty]
    return {"type": "FeatureCollection", "features": features, **describe(layer)}
