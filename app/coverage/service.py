"""Coverage use cases: who is outside N minutes of a centre, where, and when.

A *member* is one centre's contribution (app/models.CoverageMember): the H3 cells its isochrone
reaches, per time band, computed once per centre position from the isochrone cache. A *layer* is
the union of one set of members, stored as per-tile pieces (geo/coverage.py explains the tiles).
A layer is keyed by its exact set of centres; asking for a set that differs from a stored layer —
a centre moved, closed at night, or filtered out — starts from the nearest stored layer and
recomputes only the tiles the differing centres' isochrones touch.

Analysis areas are the ``districts`` table: by default every district meeting the road network's
extent (so the figures describe where the network is), or the districts asked for.
"""
import hashlib
import json
import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import shapely
from shapely import wkb
from shapely.geometry import Polygon
from sqlalchemy.orm import Session

from app.catalogue.service import check_districts, local_moment, status_open
from app.coverage import repository as repo
from app.coverage.repository import CentreRef, MemberRow
from app.errors import Forbidden, InvalidParameter
from app.models import CoverageLayer
from app.routing.network import ActiveNetwork, NetworkState
from geo import coverage as cov
from geo.modes import TravelMode
from geo.routing import OffNetworkError

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
MAX_STORED_GAPS = 50
LAYERS_KEPT_PER_FAMILY = 30
_district_cache: dict[tuple[str, int], dict[str, tuple[str, object, object]]] = {}


@dataclass(frozen=True, kw_only=True)
class CoverageQuery:
    mode: TravelMode = TravelMode.ebike
    minutes: int = 15
    at: datetime | None = None  # only centres open at this moment count
    kinds: tuple[str, ...] = ()
    amenities: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()  # empty: every district meeting the road network
    resolution: int = cov.DEFAULT_RESOLUTION
    demand_source: int | None = None


@dataclass(kw_only=True)
class Layer:
    """A computed layer and what went into it, handed to the figure and map functions."""

    row: CoverageLayer
    query: CoverageQuery
    network: ActiveNetwork
    moment: datetime | None
    centres: list[CentreRef]
    members: dict[str, MemberRow]
    excluded: dict[str, int]
    adcodes: list[str]
    reused: bool = False
    recomputed_tiles: int = 0
    isochrones_computed: int = 0
    isochrone_seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def epsg(self) -> int:
        return self.row.epsg


# --- selection ----------------------------------------------------------------------------------

def _select(session: Session, query: CoverageQuery) -> tuple[list[CentreRef], dict[str, int], datetime | None]:
    """The centres that count, and how many were left out for which reason."""
    moment = local_moment(query.at) if query.at is not None else None
    chosen, excluded = [], {"not_in_service": 0, "closed_at_moment": 0, "hours_unknown": 0}
    for centre in repo.selected_centres(session, kinds=query.kinds, amenities=query.amenities):
        if centre.status != "open":
            excluded["not_in_service"] += 1
        elif moment is None:
            chosen.append(centre)
        elif (state := status_open(centre.status, centre.opening_hours, moment)) is None:
            excluded["hours_unknown"] += 1
        elif state:
            chosen.append(centre)
        else:
            excluded["closed_at_moment"] += 1
    return chosen, excluded, moment


def _check(session: Session, query: CoverageQuery) -> None:
    check_districts(session, query.districts)
    if not cov.MIN_RESOLUTION <= query.resolution <= cov.MAX_RESOLUTION:
        raise InvalidParameter(f"resolution must be {cov.MIN_RESOLUTION}–{cov.MAX_RESOLUTION}", field="resolution")
    if not 1 <= query.minutes <= 60:
        raise InvalidParameter("minutes must be a whole number 1–60", field="minutes")


# --- members ------------------------------------------------------------------------------------

@dataclass
class _Computed:
    centre: CentreRef
    contours: dict | None  # minutes → WGS84 area; None: off the network
    bands: dict[int, int]


def _compute_member(engine, centre: CentreRef, mode: TravelMode, bands: list[int], resolution: int,
                    max_snap_metres: float) -> _Computed:
    """Runs in a worker thread: the centre's contours and the cells they reach."""
    try:
        found = engine.isochrone(centre.lon, centre.lat, mode=mode, minutes=bands, max_snap_metres=max_snap_metres)
    except OffNetworkError:
        return _Computed(centre, None, {})
    contours = {c.minutes: c.geometry for c in found}
    return _Computed(centre, contours, cov.cell_bands(contours, resolution))


class _MemberWriter:
    """Collects computed members and writes them (and their isochrones) in batches."""

    def __init__(self, session: Session, key: dict, *, store_contours: bool, batch: int = 50) -> None:
        self.session, self.key, self.store_contours, self.batch = session, key, store_contours, batch
        self.members: list[dict] = []
        self.contours: list[dict] = []

    def add(self, item: _Computed) -> MemberRow:
        c = item.centre
        packed = repo.pack(list(item.bands), list(item.bands.values()))
        cells, minutes = repo.unpack(*packed)
        self.members.append({**self.key, "centre_id": c.id, "lon": c.lon, "lat": c.lat,
                             "off_network": item.contours is None, "cells": packed[0], "bands": packed[1]})
        if self.store_contours and item.contours:
            self.contours += [{"centre_id": c.id, "network_key": self.key["network_key"], "mode": self.key["mode"],
                               "minutes": m, "lon": c.lon, "lat": c.lat, "wkb": shapely.to_wkb(g)}
                              for m, g in item.contours.items()]
        if len(self.members) >= self.batch:
            self.flush()
        return MemberRow(centre_id=c.id, off_network=item.contours is None, cells=cells, bands=minutes)

    def flush(self) -> None:
        repo.store_contours(self.session, rows=self.contours)
        repo.store_members(self.session, rows=self.members)
        self.members, self.contours = [], []


def ensure_members(session: Session, network: ActiveNetwork, centres: Sequence[CentreRef], *, mode: TravelMode,
                   minutes: int, resolution: int, max_snap_metres: float, progress: Progress | None = None,
                   workers: int = 2, route_budget: int | None = None) -> tuple[dict[str, MemberRow], int, float]:
    """Every centre's contribution, computing (and storing) only those missing or moved.

    Isochrones come from the isochrone cache when it holds all the bands for the centre's current
    position; the others are routed (and cached). Returns the members, how many isochrones were
    routed, and the wall time of the routing phase.
    """
    key = dict(network_key=network.key, mode=mode.value, minutes=minutes, resolution=resolution)
    members = repo.valid_members(session, ids=[c.id for c in centres], **key)
    missing = [c for c in centres if c.id not in members]
    bands = cov.band_minutes(minutes)
    cached = repo.cached_contours(session, ids=[c.id for c in missing], network_key=network.key, mode=mode.value,
                                  minutes=bands)
    to_route = [c for c in missing if set(cached.get(c.id, {})) != set(bands)]
    if route_budget is not None and len(to_route) > route_budget:
        raise Forbidden(f"this coverage needs {len(to_route)} new isochrones; computing more than {route_budget} "
                        "takes an editor or admin token (or `servicemap coverage`), after which it is public",
                        field="Authorization")
    from_cache = [c for c in missing if set(cached.get(c.id, {})) == set(bands)]
    reuse = _MemberWriter(session, key, store_contours=False)
    for centre in from_cache:
        contours = {m: wkb.loads(g) for m, g in cached[centre.id].items()}
        members[centre.id] = reuse.add(_Computed(centre, contours, cov.cell_bands(contours, resolution)))
    reuse.flush()
    writer, started = _MemberWriter(session, key, store_contours=True), time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        jobs = pool.map(lambda c: _compute_member(network.engine, c, mode, bands, resolution, max_snap_metres),
                        to_route)
        for done, item in enumerate(jobs, start=len(from_cache) + 1):
            members[item.centre.id] = writer.add(item)
            if progress:
                progress(done, len(missing))
    writer.flush()
    return members, len(to_route), (time.perf_counter() - started) if to_route else 0.0


# --- layers -------------------------------------------------------------------------------------

def layer_epsg(network: ActiveNetwork, centres: Sequence[CentreRef]) -> int:
    """The metric CRS: the UTM zone of the road network's extent (else of the centres)."""
    bbox = (network.manifest or {}).get("bbox")
    if bbox:
        return cov.utm_epsg((bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2)
    if centres:
        return cov.utm_epsg(float(np.mean([c.lon for c in centres])), float(np.mean([c.lat for c in centres])))
    raise InvalidParameter("no centre matches, and the road network has no recorded extent", field="kind")


def network_adcodes(session: Session, network: ActiveNetwork) -> list[str]:
    bbox = (network.manifest or {}).get("bbox")
    if bbox:
        return repo.districts_meeting(session, bbox=bbox)
    return [adcode for adcode, _, _ in repo.districts(session)]


def metric_districts(session: Session, *, adcodes: Sequence[str], epsg: int) -> dict[str, tuple[str, object, object]]:
    """adcode → (name, WGS84 geometry, metric geometry), cached until the districts change."""
    digest = repo.districts_digest(session)
    if (digest, epsg) not in _district_cache and len(_district_cache) >= 8:
        _district_cache.clear()  # the districts changed: forget shapes of earlier versions
    cached = _district_cache.setdefault((digest, epsg), {})
    missing = [a for a in adcodes if a not in cached]
    for adcode, name, geom in repo.districts(session, adcodes=missing):
        shape = wkb.loads(geom)
        cached[adcode] = (name, shape, cov.to_metric(shape, epsg))
    return {a: cached[a] for a in adcodes if a in cached}


def _layer_key(network_key: str, query: CoverageQuery, epsg: int, tile_m: float, ids: list[str]) -> str:
    identity = [network_key, query.mode.value, query.minutes, epsg, tile_m, ids]
    return hashlib.sha256(json.dumps(identity).encode()).hexdigest()[:32]


def _closest(layers: Sequence[CoverageLayer], ids: set[str]) -> CoverageLayer | None:
    scored = [(len(ids ^ set(layer.centre_ids)), layer) for layer in layers]
    best = min(scored, key=lambda s: s[0], default=None)
    return best[1] if best is not None and best[0] < len(ids) + len(best[1].centre_ids) else None


def _load_metric(session: Session, ids: Sequence[str], network_key: str, query: CoverageQuery,
                 epsg: int) -> dict[str, object]:
    found = repo.contours_wkb(session, ids=ids, network_key=network_key, mode=query.mode.value, minutes=query.minutes)
    return {i: cov.to_metric(wkb.loads(g), epsg) for i, g in found.items()}


def _members_touching(entries: dict[str, list], tiles: set[tuple[int, int]], tile_m: float) -> list[str]:
    if not tiles:
        return []
    xs, ys = [t[0] for t in tiles], [t[1] for t in tiles]
    lo, hi = (min(xs) * tile_m, min(ys) * tile_m), ((max(xs) + 1) * tile_m, (max(ys) + 1) * tile_m)
    out = []
    for centre_id, entry in entries.items():
        if len(entry) < 6 or entry[4] < lo[0] or entry[2] > hi[0] or entry[5] < lo[1] or entry[3] > hi[1]:
            continue
        if tiles.intersection(cov.tiles_touching(entry[2:6], tile_m)):
            out.append(centre_id)
    return out


def sync_layer(session: Session, layer: Layer, *, tile_m: float, base: CoverageLayer | None) -> None:
    """Bring the layer's tiles up to date with its members, recomputing only the tiles that changed."""
    row, query, network_key = layer.row, layer.query, layer.network.key
    old: dict[str, list] = dict(base.members) if base is not None else {}
    entries = {c.id: [c.lon, c.lat] for c in layer.centres}
    changed = {i for i in set(old) | set(entries) if old.get(i, [None, None])[:2] != entries.get(i, [None, None])[:2]}
    if base is row and not changed:
        return
    routed = [i for i in changed if i in entries and not layer.members[i].off_network]
    fresh = _load_metric(session, routed, network_key, query, row.epsg)
    for centre_id in set(routed) - set(fresh):
        log.warning("centre %s has a coverage member but no cached isochrone; it adds no coverage", centre_id)
    for centre_id, entry in entries.items():
        if centre_id in fresh:
            entry.extend(fresh[centre_id].bounds)
        elif centre_id not in changed:
            entries[centre_id] = old[centre_id]
    affected = {t for i in changed for e in (old.get(i), entries.get(i)) if e and len(e) == 6
                for t in cov.tiles_touching(e[2:6], tile_m)}
    if base is not None and base.id != row.id:
        repo.copy_tiles(session, source=base.id, target=row.id, skip=affected)
    elif affected:
        repo.delete_tiles(session, layer_id=row.id, tiles=affected)
    neighbours = [i for i in _members_touching(entries, affected, tile_m) if i not in fresh]
    contours = list(fresh.values()) + list(_load_metric(session, neighbours, network_key, query, row.epsg).values())
    pieces = cov.union_pieces(contours, affected, tile_m=tile_m)
    shapes = {a: d[2] for a, d in metric_districts(session, adcodes=layer.adcodes, epsg=row.epsg).items()}
    areas = cov.covered_by_area(pieces, shapes, tile_m=tile_m)
    repo.insert_tiles(session, layer_id=row.id, rows=[
        (t, shapely.to_wkb(cov.to_wgs84(p, row.epsg)), p.area, areas.get(t, {})) for t, p in pieces.items()])
    _forget_gaps(session, layer, affected, shapes, tile_m)
    row.members, row.centre_ids, row.version = entries, sorted(entries), (row.version or 0) + 1
    layer.recomputed_tiles = len(affected)


def _forget_gaps(session: Session, layer: Layer, tiles: set, shapes: dict, tile_m: float) -> None:
    if not tiles:
        return
    boxes = shapely.union_all([shapely.box(*cov.tile_bounds(t, tile_m)) for t in tiles])
    touched = [a for a, shape in shapes.items() if shape.intersects(boxes)]
    repo.delete_gaps(session, layer_id=layer.row.id, adcodes=touched)


def _refresh_areas(session: Session, layer: Layer, digest: str) -> None:
    """The districts changed since the layer was stored: recompute each tile's covered m² per district."""
    row = layer.row
    pieces = {t: cov.to_metric(wkb.loads(g), row.epsg) for t, g in repo.tile_pieces(session, layer_id=row.id)}
    shapes = {a: d[2] for a, d in metric_districts(session, adcodes=layer.adcodes, epsg=row.epsg).items()}
    areas = cov.covered_by_area(pieces, shapes, tile_m=row.tile_m)
    repo.set_tile_areas(session, layer_id=row.id, areas={t: areas.get(t, {}) for t in pieces})
    repo.delete_gaps(session, layer_id=row.id)
    row.districts_digest = digest


def prepare(session: Session, state: NetworkState, query: CoverageQuery, *, max_snap_metres: float,
            progress: Progress | None = None, tile_m: float = cov.DEFAULT_TILE_M,
            route_budget: int | None = None) -> Layer:
    """The up-to-date layer for ``query``: members computed where missing, tiles patched where touched."""
    _check(session, query)
    network = state.current()
    t0 = time.perf_counter()
    centres, excluded, moment = _select(session, query)
    members, routed, iso_seconds = ensure_members(
        session, network, centres, mode=query.mode, minutes=query.minutes, resolution=query.resolution,
        max_snap_metres=max_snap_metres, progress=progress, route_budget=route_budget)
    session.commit()
    t1 = time.perf_counter()
    epsg = layer_epsg(network, centres)
    ids = sorted(c.id for c in centres)
    repo.lock_layer_family(session, family=f"{network.key}/{query.mode.value}/{query.minutes}")
    key = _layer_key(network.key, query, epsg, tile_m, ids)
    row = repo.layer_by_key(session, key=key)
    base = row or _closest(repo.family_layers(session, network_key=network.key, mode=query.mode.value,
                                              minutes=query.minutes, epsg=epsg, tile_m=tile_m), set(ids))
    digest = repo.districts_digest(session)
    adcodes = network_adcodes(session, network)
    if row is None:
        row = repo.create_layer(session, key=key, network_key=network.key, mode=query.mode.value,
                                minutes=query.minutes, epsg=epsg, tile_m=tile_m, centre_ids=ids, members={},
                                districts_digest=(base.districts_digest if base else digest), version=0)
    layer = Layer(row=row, query=query, network=network, moment=moment, centres=centres, members=members,
                  excluded=excluded, adcodes=adcodes, reused=base is not None, isochrones_computed=routed,
                  isochrone_seconds=iso_seconds)
    sync_layer(session, layer, tile_m=tile_m, base=base)
    if row.districts_digest != digest:
        _refresh_areas(session, layer, digest)
    row.used_at = datetime.now().astimezone()
    repo.prune_layers(session, network_key=network.key, mode=query.mode.value, minutes=query.minutes,
                      keep=LAYERS_KEPT_PER_FAMILY)
    session.commit()
    layer.timings = {"members_s": t1 - t0, "layer_s": time.perf_counter() - t1}
    return layer


# --- gaps ---------------------------------------------------------------------------------------

def ensure_gaps(session: Session, layer: Layer, adcodes: Sequence[str]) -> None:
    """Compute and store the gaps of the districts that have none stored for this layer version."""
    missing = [a for a in adcodes if a not in repo.gaps_computed(session, layer_id=layer.row.id, adcodes=adcodes)]
    if not missing:
        return
    epsg = layer.epsg
    pieces = [cov.to_metric(wkb.loads(g), epsg) for _, g in repo.tile_pieces(session, layer_id=layer.row.id)]
    tree = shapely.STRtree(pieces) if pieces else None
    for adcode, (_, _, shape) in metric_districts(session, adcodes=missing, epsg=epsg).items():
        near = [pieces[k] for k in tree.query(shape)] if tree is not None else []
        union = shapely.union_all(near) if near else Polygon()
        holes = cov.gaps(shape, union)[:MAX_STORED_GAPS]
        repo.store_gaps(session, layer_id=layer.row.id, adcode=adcode,
                        gaps=[(shapely.to_wkb(cov.to_wgs84(h, epsg)), h.area) for h in holes])
    session.commit()
