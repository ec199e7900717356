"""Coverage figures from a prepared layer (app/coverage/service.py); the map layers are in layers.py.

All inside the analysis area (app/coverage/area.py: each district clipped to the network's reach):

* covered area: area(analysis area − gaps), where the gaps are the parts of the analysis area
  outside the budget band, measured in the area's metric CRS (UTM zone of the network);
* demand covered: demand in H3 cells whose centre lies in the analysis area and in the budget band;
* time to nearest: per cell, the smallest band (5, 10 or 15 min for a 15-minute budget) holding
  the cell's centre; null beyond the budget.
"""
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import Polygon
from sqlalchemy.orm import Session

from app.coverage.area import DistrictArea
from app.coverage.cache import Lru
from app.coverage.demand import Demand, demand_for
from app.coverage.service import Layer
from geo import coverage as cov

MAX_GAPS_KEPT = 50
_covers: Lru["DistrictCover"] = Lru(4096)


@dataclass(frozen=True)
class DistrictCover:
    covered_m2: float
    gaps: list[Polygon]  # metric, largest first (at most MAX_GAPS_KEPT)


def district_cover(layer: Layer, district: DistrictArea) -> DistrictCover:
    """Covered m² and gaps of one district's analysis area; cached per layer content and area."""
    def compute() -> DistrictCover:
        shape = district.metric
        if shape.is_empty:
            return DistrictCover(0.0, [])
        near = shapely.clip_by_rect(layer.covered_metric, *shape.bounds)  # far fewer vertices to overlay
        holes = cov.gaps(shape, cov.as_area(near))
        return DistrictCover(max(shape.area - sum(h.area for h in holes), 0.0), holes[:MAX_GAPS_KEPT])

    return _covers.get((layer.row.key, layer.area.digest, district.adcode), compute)


def inside(geometry, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    if not len(lon) or geometry.is_empty:
        return np.zeros(len(lon), dtype=bool)
    shapely.prepare(geometry)
    return shapely.contains_xy(geometry, lon, lat)


def _pct(part: float | None, whole: float | None) -> float | None:
    return round(100 * part / whole, 4) if part is not None and whole else None


def demand_masks(layer: Layer, demand: Demand) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Which demand cells the budget band holds, and which lie in each reported analysis area."""
    covered = inside(layer.covered, demand.lon, demand.lat)
    return covered, {a: inside(layer.area.districts[a].clipped, demand.lon, demand.lat) for a in layer.adcodes}


def _district_row(layer: Layer, district: DistrictArea, demand: Demand, covered_demand: np.ndarray,
                  in_district: np.ndarray, gaps: int) -> dict:
    cover = district_cover(layer, district)
    kinds = [c.kind for c, keep in zip(layer.centres, inside(district.shape, *_centre_xy(layer))) if keep]
    area = district.area_m2
    row = {"adcode": district.adcode, "name_zh": district.name, "district_area_m2": round(district.district_area_m2, 1),
           "area_m2": round(area, 1), "covered_m2": round(cover.covered_m2, 1),
           "covered_pct": _pct(cover.covered_m2, area), "uncovered_m2": round(max(area - cover.covered_m2, 0.0), 1),
           "centres": len(kinds), "service_centres": kinds.count("service_centre"),
           "rider_stations": kinds.count("rider_station"), "demand_total": None, "demand_covered": None,
           "demand_covered_pct": None, "largest_gaps": [gap_summary(n, g, layer.epsg) for n, g in
                                                        enumerate(cover.gaps[:gaps], start=1)]}
    if demand.kind != "none":
        total = float(demand.values[in_district].sum())
        covered = float(demand.values[in_district & covered_demand].sum())
        row |= {"demand_total": round(total, 3), "demand_covered": round(covered, 3),
                "demand_covered_pct": _pct(covered, total)}
    return row


def _centre_xy(layer: Layer) -> tuple[np.ndarray, np.ndarray]:
    return np.array([c.lon for c in layer.centres]), np.array([c.lat for c in layer.centres])


def gap_summary(rank: int, gap: Polygon, epsg: int) -> dict:
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
