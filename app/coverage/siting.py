"""Siting use case: k new locations that cover the most uncovered demand, existing centres fixed.

Existing coverage is the stored layer (one expansion). Each candidate still needs its own
isochrone: the cells it would newly cover are exactly what the maximal covering problem chooses
between (geo/siting.py). Candidates, in order of preference: the sites given (uploaded), else
existing centres of the ``host_kinds`` not already counted (e.g. service centres that could host a
rider station; their isochrones are cached like every centre's), else points in the gaps:
uncovered demand cells of the analysis area grouped into coarser H3 parents about a tenth of a
typical isochrone, each represented by its cell nearest the group's demand-weighted centre, and
only those the network reaches (one batched snap check). Demand counts only inside the analysis
area (districts clipped to the network's reach), so districts reaching beyond an imported extract
no longer pull every candidate off the network. Without demand data every uncovered cell weighs
its area in km² (kind "area").
"""
import math
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import h3.api.basic_int as h3
import numpy as np
import shapely
from shapely import wkb
from sqlalchemy.orm import Session

from app.coverage import repository as repo
from app.coverage.cells import area_cells
from app.coverage.demand import demand_for
from app.coverage.figures import describe, inside
from app.coverage.service import CoverageQuery, Layer, RouteBudget, prepare
from app.routing.network import NetworkState
from geo import coverage as cov
from geo.routing import OffNetworkError
from geo.siting import Candidate, suggest_sites

NOMINAL_CAR_KMH = 40.0  # car speeds come from the roads; only the candidate grouping uses this


@dataclass(frozen=True)
class Site:
    id: str
    lon: float
    lat: float


def _weights(session: Session, layer: Layer, max_cells: int) -> tuple[dict[int, float], dict]:
    demand = demand_for(session, layer.network, resolution=layer.query.resolution, source_id=layer.query.demand_source)
    if demand.kind != "none":
        keep = inside(layer.region, demand.lon, demand.lat)
        return {c: float(v) for c, v, k in zip(demand.cells, demand.values, keep) if k and v > 0}, demand.describe()
    cells = area_cells(layer, max_cells=max_cells).cells.tolist()
    weights = dict(zip(cells, (cov.cell_area_m2(cells) / 1e6).tolist()))
    return weights, {**demand.describe(), "kind": "area", "unit": "km² of uncovered area (no demand data)"}


def _covered_cells(layer: Layer, weights: dict[int, float]) -> set[int]:
    cells = list(weights)
    lon, lat = cov.cell_centres(cells)
    return {c for c, held in zip(cells, inside(layer.covered, lon, lat)) if held}


def _route(layer: Layer, sites: Sequence[Site], max_snap_metres: float) -> list[tuple[Site, object | None]]:
    query, engine = layer.query, layer.network.engine

    def one(site: Site):
        try:
            return site, engine.isochrone(site.lon, site.lat, mode=query.mode, minutes=[query.minutes],
                                          max_snap_metres=max_snap_metres)[-1].geometry
        except OffNetworkError:
            return site, None

    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(one, sites))


def _candidate(layer: Layer, site: Site, contour) -> Candidate:
    return Candidate(site.id, site.lon, site.lat, frozenset(cov.cells_inside(contour, layer.query.resolution)),
                     cov.to_metric(contour, layer.epsg))


def _site_candidates(layer: Layer, sites: Sequence[Site], max_snap_metres: float,
                     budget: RouteBudget) -> tuple[list[Candidate], list[str]]:
    budget.spend(len(sites), f"{len(sites)} candidate isochrones")
    routed = _route(layer, sites, max_snap_metres)
    return [_candidate(layer, s, g) for s, g in routed if g is not None], [s.id for s, g in routed if g is None]


def _host_candidates(session: Session, layer: Layer, host_kinds: Sequence[str], limit: int, max_snap_metres: float,
                     budget: RouteBudget) -> tuple[list[Candidate], list[str]]:
    counted = {c.id for c in layer.centres}
    hosts = [c for c in repo.selected_centres(session, kinds=host_kinds, amenities=())
             if c.id not in counted and c.status == "open"][:limit]
    key = dict(network_key=layer.network.key, mode=layer.query.mode.value, minutes=layer.query.minutes)
    cached = {i: wkb.loads(g) for i, g in repo.cached_contours(session, ids=[h.id for h in hosts], **key).items()}
    missing = [h for h in hosts if h.id not in cached]
    budget.spend(len(missing), f"{len(missing)} candidate isochrones")
    routed = _route(layer, [Site(h.id, h.lon, h.lat) for h in missing], max_snap_metres)
    repo.store_contours(session, rows=[{**key, "centre_id": s.id, "lon": s.lon, "lat": s.lat,
                                        "wkb": shapely.to_wkb(g)} for s, g in routed if g is not None])
    session.commit()
    contours = cached | {s.id: g for s, g in routed if g is not None}
    candidates = [_candidate(layer, Site(h.id, h.lon, h.lat), contours[h.id]) for h in hosts if h.id in contours]
    return candidates, [s.id for s, g in routed if g is None]


def _parent_resolution(query: CoverageQuery) -> int:
    """Parents about a tenth of a typical isochrone (a detoured disc at the mode's nominal speed)."""
    speed = query.mode.speed_kmh or NOMINAL_CAR_KMH
    radius_m = speed * 1000 * query.minutes / 60 / math.sqrt(2)
    typical = math.pi * radius_m ** 2 / h3.average_hexagon_area(query.resolution, "m^2")
    steps = max(0, math.floor(math.log(max(typical / 10, 1), 7)))
    return max(cov.MIN_RESOLUTION, query.resolution - steps)


def gap_sites(layer: Layer, weights: dict[int, float], covered: set[int], *, limit: int,
              max_snap_metres: float) -> list[Site]:
    """The heaviest groups of uncovered demand, each at the cell nearest its weighted centre, kept
    only where the network reaches."""
    parent_res = _parent_resolution(layer.query)
    groups: dict[int, list[tuple[int, float]]] = {}
    for cell, weight in weights.items():
        if cell not in covered:
            groups.setdefault(h3.cell_to_parent(cell, parent_res), []).append((cell, weight))
    ranked = sorted(groups.items(), key=lambda g: (-sum(w for _, w in g[1]), g[0]))[:3 * limit]
    sites = [_group_site(parent, members) for parent, members in ranked]
    distances = layer.network.engine.snap_distances([(s.lon, s.lat) for s in sites], mode=layer.query.mode,
                                                    max_snap_metres=max_snap_metres)
    return [s for s, d in zip(sites, distances) if d is not None and d <= max_snap_metres][:limit]


def _group_site(parent: int, members: list[tuple[int, float]]) -> Site:
    lon, lat = cov.cell_centres([c for c, _ in members])
    weights = np.array([w for _, w in members])
    x, y = np.average(lon, weights=weights), np.average(lat, weights=weights)
    nearest = int(np.argmin((lon - x) ** 2 + (lat - y) ** 2))
    return Site(f"gap-{h3.int_to_str(parent)}", round(float(lon[nearest]), 7), round(float(lat[nearest]), 7))


def suggest(session: Session, state: NetworkState, query: CoverageQuery, *, k: int, sites: Sequence[Site] | None,
            host_kinds: Sequence[str], max_candidates: int, max_snap_metres: float, max_cells: int,
            budget: RouteBudget | None = None) -> dict:
    budget = budget or RouteBudget()
    layer = prepare(session, state, query, max_snap_metres=max_snap_metres, budget=budget)
    if budget.limit is not None:
        max_candidates = max(0, min(max_candidates, budget.limit - budget.used))
    weights, demand = _weights(session, layer, max_cells)
    covered = _covered_cells(layer, weights)
    if sites:
        candidates, skipped = _site_candidates(layer, sites[:max_candidates], max_snap_metres, budget)
        source = "sites"
    elif host_kinds:
        candidates, skipped = _host_candidates(session, layer, host_kinds, max_candidates, max_snap_metres, budget)
        source = "host_centres"
    else:
        found = gap_sites(layer, weights, covered, limit=max_candidates, max_snap_metres=max_snap_metres)
        candidates, skipped = _site_candidates(layer, found, max_snap_metres, budget)
        source = "gap_cells"
    metric_region = cov.to_metric(layer.region, layer.epsg)
    candidates = [Candidate(c.id, c.lon, c.lat, c.cells, shapely.intersection(c.contour, metric_region))
                  for c in candidates]
    existing = shapely.intersection(layer.covered_metric, metric_region)
    result = suggest_sites(candidates, weights, covered=covered, k=k, covered_area=existing)
    return _collection(layer, result, demand, source, len(candidates), skipped, k)


def _collection(layer: Layer, result, demand: dict, source: str, considered: int, skipped: list[str], k: int) -> dict:
    total = result.uncovered_demand
    features = [{"type": "Feature", "id": s.candidate.id,
                 "geometry": {"type": "Point", "coordinates": [s.candidate.lon, s.candidate.lat]},
                 "properties": {"rank": s.rank, "candidate_id": s.candidate.id, "new_demand": round(s.new_demand, 3),
                                "new_demand_pct_of_uncovered": round(100 * s.new_demand / total, 4) if total else None,
                                "new_area_m2": round(s.new_area_m2, 1), "new_cells": s.new_cells}}
                for s in result.suggestions]
    return {"type": "FeatureCollection", "features": features, **describe(layer), "demand": demand, "k": k,
            "candidates": {"source": source, "considered": considered, "off_network": skipped},
            "uncovered_demand": round(total, 3), "optimal": result.optimal}
