"""The analysis area: each district clipped to where the road network reaches.

Percentages must describe places the network could serve. A district (from cnmaps) may run far
beyond an imported extract, and inside it lie lakes and mountains without roads; counting those
as "uncovered" would make every figure say more about the extract's bbox than about the centres.
So areas are measured inside the network's *reach*: H3 cells (resolution 8, ~0.74 km² each) whose
centre is within the snap limit (``max_snap_metres``, 500 m) of a road usable on foot, found with
one batched ``locate`` over the network's extent (geo/coverage.py ``reach_cells``) and stored per
network. A district's analysis area is district ∩ reach; demand counts only inside it too.
"""
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely import wkb
from sqlalchemy.orm import Session

from app.coverage import repository as repo
from app.coverage.cache import Lru
from app.errors import InvalidParameter
from app.routing.network import ActiveNetwork
from geo import coverage as cov
from geo.modes import TravelMode

METHOD = "districts_within_network_reach"
_areas: Lru["AnalysisArea"] = Lru(8)


@dataclass(frozen=True)
class DistrictArea:
    adcode: str
    name: str
    shape: object  # the whole district, WGS84
    clipped: object  # district ∩ reach, WGS84
    metric: object  # district ∩ reach, in the area's metric CRS
    district_area_m2: float

    @property
    def area_m2(self) -> float:
        return self.metric.area


@dataclass(frozen=True)
class AnalysisArea:
    epsg: int
    reach_m: float
    digest: str
    districts: dict[str, DistrictArea]  # every district; those outside the reach have an empty area

    def on_network(self) -> list[str]:
        """Districts the network reaches: the default analysis area."""
        return [a for a, d in self.districts.items() if d.area_m2 > 0]

    def describe(self, adcodes: Sequence[str]) -> dict:
        chosen = [self.districts[a] for a in adcodes]
        return {"method": METHOD, "crs": f"EPSG:{self.epsg}", "reach_m": self.reach_m,
                "h3_resolution": cov.MASK_RESOLUTION, "area_m2": round(sum(d.area_m2 for d in chosen), 1),
                "district_area_m2": round(sum(d.district_area_m2 for d in chosen), 1),
                "description": "districts clipped to where the road network reaches: H3 cells (resolution "
                               f"{cov.MASK_RESOLUTION}) whose centre is within {self.reach_m:g} m of a road usable "
                               "on foot; areas and demand are counted only there"}


def network_extent(session: Session, network: ActiveNetwork) -> tuple[float, float, float, float]:
    """The imported extract's bbox, else (an external service) the districts' extent."""
    bbox = (network.manifest or {}).get("bbox")
    if bbox:
        return tuple(bbox)
    bounds = shapely.union_all([wkb.loads(g).envelope for _, _, g in repo.districts(session)]).bounds
    return tuple(bounds)


def reach(session: Session, network: ActiveNetwork, *, reach_m: float) -> np.ndarray:
    """The network's reach cells, computed once per network and stored (the caller commits, which
    also releases the lock that makes concurrent first callers wait for one computation)."""
    found = repo.reach_cells(session, network_key=network.key, reach_m=reach_m, resolution=cov.MASK_RESOLUTION)
    if found is not None:
        return found
    key = f"reach/{network.key}/{reach_m}"
    repo.lock_key(session, key=key)
    found = repo.reach_cells(session, network_key=network.key, reach_m=reach_m, resolution=cov.MASK_RESOLUTION)
    if found is None:
        engine = network.engine
        cells = cov.reach_cells(network_extent(session, network), lambda points: engine.snap_distances(
            points, mode=TravelMode.walk, max_snap_metres=reach_m), reach_m=reach_m)
        repo.store_reach_cells(session, network_key=network.key, reach_m=reach_m, resolution=cov.MASK_RESOLUTION,
                               cells=cells)
        found = np.asarray(cells, dtype=np.int64)
    return found


def analysis_area(session: Session, network: ActiveNetwork, *, reach_m: float) -> AnalysisArea:
    """Every district with its clipped area; cached per network, reach and districts version."""
    version = repo.districts_version(session)

    def build() -> AnalysisArea:
        cells = reach(session, network, reach_m=reach_m)
        session.commit()
        return _build(session, network, cells, reach_m, version)

    return _areas.get((network.key, reach_m, version), build)


def _build(session: Session, network: ActiveNetwork, cells: np.ndarray, reach_m: float, version: str) -> AnalysisArea:
    mask = cov.cells_area(cells.tolist())
    west, south, east, north = network_extent(session, network)
    epsg = cov.utm_epsg((west + east) / 2, (south + north) / 2)
    shapely.prepare(mask)
    districts = {}
    for adcode, name, geom in repo.districts(session):
        shape = wkb.loads(geom)
        clipped = cov.as_area(shapely.intersection(shape, mask)) if mask.intersects(shape) else shapely.Polygon()
        # The whole district in its own UTM zone: it may lie far from the network's.
        districts[adcode] = DistrictArea(adcode, name, shape, clipped, cov.to_metric(clipped, epsg),
                                         cov.to_metric(shape, cov.metric_crs(shape)).area)
    identity = f"{network.key}/{reach_m}/{version}/{len(cells)}"
    return AnalysisArea(epsg, reach_m, hashlib.sha256(identity.encode()).hexdigest()[:16], districts)


def report_adcodes(area: AnalysisArea, asked: Sequence[str]) -> list[str]:
    """The districts asked for, else every district the network reaches."""
    if not asked:
        return area.on_network()
    unknown = [a for a in asked if a not in area.districts]
    if unknown:
        raise InvalidParameter(f"unknown district adcode {unknown[0]!r}", field="district")
    return list(asked)
