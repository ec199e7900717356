"""Coverage map layers as GeoJSON (and the tables behind the CSV exports): the covered area, its
bands as rings, the gaps of each district, H3 cells with their band and demand, the analysis area.

Big layers are cached per stored layer (content-keyed, so never stale): the time control and the
layer switcher ask for the same few layers again and again. Coordinates are rounded to 6 decimals
(~0.1 m), a third less JSON than full floats.
"""
import h3.api.basic_int as h3
import numpy as np
import shapely
from shapely.geometry import Polygon, mapping
from sqlalchemy.orm import Session

from app.coverage.cache import Lru
from app.coverage.demand import Demand, demand_for
from app.coverage.figures import describe, district_cover, gap_summary, inside
from app.coverage.service import Layer
from geo import coverage as cov

COORDINATE_DECIMALS = 6
_band_features: Lru[list[dict]] = Lru(16)
_region_cells: Lru[tuple[list[int], np.ndarray, np.ndarray, list[list]]] = Lru(16)


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


def _cells_of(layer: Layer, bbox: tuple[float, float, float, float] | None):
    """The analysis area's cells (centre inside), their centres and outlines: the same for every layer."""
    def find():
        region = shapely.union_all([layer.area.districts[a].clipped for a in layer.adcodes]) if layer.adcodes \
            else Polygon()
        if bbox is not None:
            region = shapely.clip_by_rect(region, *bbox)
        cells = cov.cells_inside(region, layer.query.resolution)
        lon, lat = cov.cell_centres(cells)
        return cells, lon, lat, [_outline(c) for c in cells]

    return _region_cells.get((layer.area.digest, tuple(sorted(layer.adcodes)), layer.query.resolution, bbox), find)


def _outline(cell: int) -> list:
    ring = [[round(lng, COORDINATE_DECIMALS), round(lat, COORDINATE_DECIMALS)]
            for lat, lng in h3.cell_to_boundary(cell)]
    return [ring + ring[:1]]


def cell_table(session: Session, layer: Layer, *, bbox: tuple[float, float, float, float] | None = None
               ) -> tuple[list[int], np.ndarray, np.ndarray, Demand, list[list]]:
    """Cells of the analysis area: the band of each (0: beyond the budget), demand, and outlines."""
    demand = demand_for(session, layer.network, resolution=layer.query.resolution, source_id=layer.query.demand_source)
    cells, lon, lat, outlines = _cells_of(layer, bbox)
    values = dict(zip(demand.cells, demand.values.tolist()))
    return cells, cov.point_bands(layer.bands, lon, lat), np.array([values.get(c, 0.0) for c in cells]), demand, \
        outlines


def cells_geojson(session: Session, layer: Layer, *, bbox: tuple[float, float, float, float] | None,
                  limit: int, offset: int) -> dict:
    cells, bands, values, demand, outlines = cell_table(session, layer, bbox=bbox)
    with_demand = demand.kind != "none"
    features = [{"type": "Feature", "id": (name := h3.int_to_str(cells[i])),
                 "geometry": {"type": "Polygon", "coordinates": outlines[i]},
                 "properties": {"h3": name, "minutes": int(bands[i]) or None,
                                "demand": float(values[i]) if with_demand else None}}
                for i in range(offset, min(offset + limit, len(cells)))]
    return {"type": "FeatureCollection", "features": features, "number_matched": len(cells),
            "number_returned": len(features), "demand": demand.describe(), **describe(layer)}


def area_geojson(layer: Layer) -> dict:
    """The analysis area of each reported district (district ∩ the network's reach)."""
    features = [{"type": "Feature", "id": a, "geometry": rounded(d.clipped), "properties": {
        "adcode": a, "name_zh": d.name, "area_m2": round(d.area_m2, 1),
        "district_area_m2": round(d.district_area_m2, 1)}}
        for a in sorted(layer.adcodes) if not (d := layer.area.districts[a]).clipped.is_empty]
    return {"type": "FeatureCollection", "features": features, **describe(layer)}
