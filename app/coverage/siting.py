"""Siting use case: k new locations that cover the most uncovered demand, existing centres fixed.

Candidates, in order of preference: the sites given (uploaded), else existing centres of the
``host_kinds`` not already counted (e.g. service centres that could host a rider station), else
points in the gaps: uncovered demand cells grouped into coarser H3 parents about a tenth of a
typical isochrone's size, each represented by its demand-weighted centre. Without any demand data
every uncovered cell of the districts weighs its area in km² (kind "area").
"""
import math
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import h3.api.basic_int as h3
import numpy as np
import shapely
from shapely import wkb
from shapely.geometry import Polygon
from sqlalchemy.orm import Session

from app.coverage import repository as repo
from app.coverage.demand import demand_for
from app.coverage.figures import cell_table, describe, report_adcodes
from app.coverage.service import CoverageQuery, Layer, Progress, ensure_members, metric_districts, prepare
from app.routing.network import NetworkState
from geo import coverage as cov
from geo.routing import OffNetworkError
from geo.siting import Candidate, suggest_sites


@dataclass(frozen=True)
class Site:
    id: str
    lon: float
    lat: float


def _weights(session: Session, layer: Layer, areas: dict) -> tuple[dict[int, float], dict]:
    demand = demand_for(session, layer.network, resolution=layer.query.resolution, source_id=layer.query.demand_source)
    if demand.kind != "none":
        keep = np.zeros(len(demand.cells), dtype=bool)
        for _, shape, _ in areas.values():
            keep |= shapely.contains_xy(shape, demand.lon, demand.lat) if len(demand.cells) else keep
        weights = {c: float(v) for c, v, k in zip(demand.cells, demand.values, keep) if k}
        return weights, demand.describe()
    cells = {c for _, shape, _ in areas.values() for c in cov.cells_inside(shape, layer.query.resolution)}
    weights = dict(zip(cells, (cov.cell_area_m2(list(cells)) / 1e6).tolist()))
    return weights, {**demand.describe(), "kind": "area", "unit": "km² of uncovered area (no demand data)"}


def _site_candidates(layer: Layer, sites: Sequence[Site], max_snap_metres: float) -> tuple[list[Candidate], list[str]]:
    query, engine = layer.query, layer.network.engine

    def route(site: Site):
        try:
            return site, engine.isochrone(site.lon, site.lat, mode=query.mode, minutes=[query.minutes],
                                          max_snap_metres=max_snap_metres)[-1].geometry
        except OffNetworkError:
            return site, None

    with ThreadPoolExecutor(max_workers=2) as pool:
        routed = list(pool.map(route, sites))
    candidates = [Candidate(s.id, s.lon, s.lat, frozenset(cov.cells_inside(g, query.resolution)),
                            cov.to_metric(g, layer.epsg)) for s, g in routed if g is not None]
    return candidates, [s.id for s, g in routed if g is None]


def _host_candidates(session: Session, layer: Layer, host_kinds: Sequence[str], max_snap_metres: float,
                     progress: Progress | None) -> tuple[list[Candidate], list[str]]:
    counted = {c.id for c in layer.centres}
    hosts = [c for c in repo.selected_centres(session, kinds=host_kinds, amenities=())
             if c.id not in counted and c.status == "open"]
    members, _, _ = ensure_members(session, layer.network, hosts, mode=layer.query.mode, minutes=layer.query.minutes,
                                   resolution=layer.query.resolution, max_snap_metres=max_snap_metres,
                                   progress=progress)
    session.commit()
    contours = repo.contours_wkb(session, ids=[h.id for h in hosts], network_key=layer.network.key,
                                 mode=layer.query.mode.value, minutes=layer.query.minutes)
    candidates = [Candidate(h.id, h.lon, h.lat, frozenset(members[h.id].cells.tolist()),
                            cov.to_metric(wkb.loads(contours[h.id]), layer.epsg))
                  for h in hosts if not members[h.id].off_network and h.id in contours]
    return candidates, [h.id for h in hosts if members[h.id].off_network]


def gap_sites(layer: Layer, weights: dict[int, float], covered: set[int], *, limit: int) -> list[Site]:
    """Demand-weighted centres of the uncovered demand, grouped in parents ~1/10 of an isochrone."""
    sizes = [len(m.cells) for m in layer.members.values() if len(m.cells)]
    typical = float(np.median(sizes)) if sizes else 7.0
    steps = max(0, math.floor(math.log(max(typical / 10, 1), 7)))
    parent_res = max(cov.MIN_RESOLUTION, layer.query.resolution - steps)
    groups: dict[int, list[tuple[int, float]]] = {}
    for cell, weight in weights.items():
        if cell not in covered and weight > 0:
            groups.setdefault(h3.cell_to_parent(cell, parent_res), []).append((cell, weight))
    ranked = sorted(groups.items(), key=lambda g: (-sum(w for _, w in g[1]), g[0]))[:limit]
    sites = []
    for parent, members in ranked:
        lon, lat = cov.cell_centres([c for c, _ in members])
        w = np.array([w for _, w in members])
        sites.append(Site(f"gap-{h3.int_to_str(parent)}", float(np.average(lon, weights=w)),
                          float(np.average(lat, weights=w))))
    return sites


def _covered_area(session: Session, layer: Layer) -> Polygon:
    """The layer's union in its metric CRS, from the stored tile pieces."""
    pieces = [cov.to_metric(wkb.loads(g), layer.epsg) for _, g in repo.tile_pieces(session, layer_id=layer.row.id)]
    return shapely.union_all(pieces) if pieces else Polygon()


def suggest(session: Session, state: NetworkState, query: CoverageQuery, *, k: int, sites: Sequence[Site] | None,
            host_kinds: Sequence[str], max_candidates: int, max_snap_metres: float,
            progress: Progress | None = None, route_budget: int | None = None) -> dict:
    layer = prepare(session, state, query, max_snap_metres=max_snap_metres, progress=progress,
                    route_budget=route_budget)
    inside = metric_districts(session, adcodes=[a for a in report_adcodes(layer) if a in layer.adcodes],
                              epsg=layer.epsg)
    weights, demand = _weights(session, layer, inside)
    covered = {int(c) for c in cell_table(layer)[0]}
    if sites:
        candidates, skipped, source = *_site_candidates(layer, sites[:max_candidates], max_snap_metres), "sites"
    elif host_kinds:
        candidates, skipped = _host_candidates(session, layer, host_kinds, max_snap_metres, progress)
        source = "host_centres"
    else:
        found = gap_sites(layer, weights, covered, limit=max_candidates)
        candidates, skipped, source = *_site_candidates(layer, found, max_snap_metres), "gap_cells"
    region = shapely.union_all([m for _, _, m in inside.values()]) if inside else None
    if region is not None:
        candidates = [Candidate(c.id, c.lon, c.lat, c.cells, shapely.intersection(c.contour, region))
                      for c in candidates]
    existing = _covered_area(session, layer)
    if region is not None and not existing.is_empty:
        existing = shapely.intersection(existing, region)
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
