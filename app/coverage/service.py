"""Coverage use cases: who is outside N minutes of a centre, where, and when.

A *layer* is one multi-origin expansion (geo/routing.py ``coverage_isochrone``): the area within
each band (a third, two thirds and all of the budget: 5/10/15 for 15 minutes) of the NEAREST
counted centre. Valhalla expands from every centre at once, so a whole city is one request (about
half a second for 1,000 centres) instead of a thousand isochrones and their union.

A layer is stored in PostGIS (``coverage_layers`` + ``coverage_bands``) under a key made of what
determines it: the network, mode, budget, snap limit and the counted centres with their positions.
Every hour of the week with the same open centres reads the same row; a centre that moves, closes
or is filtered out simply makes another key. Concurrent first requests for one key wait on an
advisory lock held by the first, then read what it stored.

Figures are measured in the analysis area (app/coverage/area.py): districts clipped to where the
road network reaches.
"""
import hashlib
import json
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

import shapely
from sqlalchemy.orm import Session

from app.catalogue.service import check_districts, local_moment, status_open
from app.coverage import repository as repo
from app.coverage.area import AnalysisArea, analysis_area, report_adcodes
from app.coverage.cache import Lru
from app.coverage.repository import CentreRef, LayerRow
from app.errors import Forbidden, InvalidParameter
from app.routing.network import ActiveNetwork, NetworkState
from geo import coverage as cov
from geo.modes import TravelMode

LAYERS_KEPT_PER_FAMILY = 300
_bands: Lru[dict[int, object]] = Lru(64)


@dataclass(frozen=True, kw_only=True)
class CoverageQuery:
    mode: TravelMode = TravelMode.ebike
    minutes: int = 15
    at: datetime | None = None  # only centres open at this moment count
    kinds: tuple[str, ...] = ()
    amenities: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()  # empty: every district the road network reaches
    resolution: int = cov.DEFAULT_RESOLUTION
    demand_source: int | None = None


class RouteBudget:
    """Routing calls (one multi-origin expansion, or one candidate's isochrone) a request may still
    make; None: no limit. Anonymous requests get the settings' budget, token holders none. ``charge``
    also counts the calls against the client's own allowance across requests (the shared rate
    limiter), so no client can make the service compute one layer after another."""

    def __init__(self, limit: int | None = None, *, charge: Callable[[int], None] | None = None) -> None:
        self.limit, self.used, self.charge = limit, 0, charge

    def spend(self, calls: int, what: str) -> None:
        if self.limit is not None and self.used + calls > self.limit:
            raise Forbidden(f"this request needs {self.used + calls} new routing calls ({what}); more than "
                            f"{self.limit} takes an editor or admin token (or `servicemap coverage`), after which "
                            "the stored result is public", field="Authorization")
        if calls and self.charge is not None:
            self.charge(calls)
        self.used += calls


@dataclass(kw_only=True)
class Layer:
    """A stored layer and what went into it, handed to the figure and map functions."""

    row: LayerRow
    query: CoverageQuery
    network: ActiveNetwork
    moment: datetime | None
    centres: list[CentreRef]  # counted (open, matching), including any dropped as off the network
    excluded: dict[str, int]
    bands: dict[int, object]  # minutes → WGS84 area within that time of the nearest centre, nested
    area: AnalysisArea
    adcodes: list[str]  # the districts reported on
    computed: bool = False  # routed by this request (else read from the store)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def epsg(self) -> int:
        return self.area.epsg

    @property
    def covered(self):
        """The area within the whole budget (WGS84)."""
        return self.bands[self.query.minutes]

    @cached_property
    def covered_metric(self):
        return cov.to_metric(self.covered, self.epsg)

    @cached_property
    def region(self):
        """The analysis area of the reported districts, as one area (WGS84)."""
        return shapely.union_all([self.area.districts[a].clipped for a in self.adcodes]) if self.adcodes \
            else shapely.Polygon()


# --- selection ----------------------------------------------------------------------------------

def choose(centres: Sequence[CentreRef], moment: datetime | None) -> tuple[list[CentreRef], dict[str, int]]:
    """The centres that count at ``moment`` (None: every centre in service), and why others do not."""
    chosen, excluded = [], {"not_in_service": 0, "closed_at_moment": 0, "hours_unknown": 0}
    states: dict[str | None, bool | None] = {}  # a city has a few hundred distinct hours, not a thousand
    for centre in centres:
        if centre.status != "open":
            excluded["not_in_service"] += 1
        elif moment is None:
            chosen.append(centre)
        elif (state := _open(states, centre, moment)) is None:
            excluded["hours_unknown"] += 1
        elif state:
            chosen.append(centre)
        else:
            excluded["closed_at_moment"] += 1
    return chosen, excluded


def _open(states: dict, centre: CentreRef, moment: datetime) -> bool | None:
    if centre.opening_hours not in states:
        states[centre.opening_hours] = status_open(centre.status, centre.opening_hours, moment)
    return states[centre.opening_hours]


def check_query(session: Session, query: CoverageQuery) -> None:
    check_districts(session, query.districts)
    if not cov.MIN_RESOLUTION <= query.resolution <= cov.MAX_RESOLUTION:
        raise InvalidParameter(f"resolution must be {cov.MIN_RESOLUTION}–{cov.MAX_RESOLUTION}", field="resolution")
    if not 1 <= query.minutes <= 60:
        raise InvalidParameter("minutes must be a whole number 1–60", field="minutes")


# --- layers -------------------------------------------------------------------------------------

def layer_key(network_key: str, query: CoverageQuery, max_snap_metres: float, centres: Sequence[CentreRef]) -> str:
    origins = sorted((c.id, round(c.lon, 7), round(c.lat, 7)) for c in centres)
    identity = [network_key, query.mode.value, query.minutes, max_snap_metres, origins]
    return hashlib.sha256(json.dumps(identity).encode()).hexdigest()[:40]


def _expand(network: ActiveNetwork, query: CoverageQuery, centres: Sequence[CentreRef],
            max_snap_metres: float) -> tuple[dict[int, bytes], list[str], float]:
    """Runs in a worker thread: the expansion, as WKB per band, the dropped centres and the time."""
    started = time.perf_counter()
    found = network.engine.coverage_isochrone([(c.lon, c.lat) for c in centres], mode=query.mode,
                                              minutes=cov.band_minutes(query.minutes), max_snap_metres=max_snap_metres)
    bands = {c.minutes: shapely.to_wkb(c.geometry) for c in found.contours}
    return bands, sorted(centres[i].id for i in found.dropped), time.perf_counter() - started


def ensure_layers(session: Session, network: ActiveNetwork, query: CoverageQuery,
                  selections: Sequence[Sequence[CentreRef]], *, max_snap_metres: float,
                  budget: RouteBudget | None = None, workers: int = 2) -> tuple[dict[str, LayerRow], set[str]]:
    """The stored layer of each selection of centres, computing (and storing) the missing ones.

    Returns the rows by key, and the keys this call computed. Missing keys are taken ``workers`` at
    a time (the in-process engine routes that many requests at once): locked in a fixed order (no
    deadlock between two callers), re-read, the ones still missing expanded and stored, committed
    (which releases the locks, so a request waiting for one of them waits for one expansion, not
    for a whole week profile).
    """
    wanted = {layer_key(network.key, query, max_snap_metres, s): s for s in selections}
    rows = repo.layers_by_key(session, keys=list(wanted))
    missing = sorted(k for k in wanted if k not in rows)
    repo.touch_layers(session, ids=[r.id for r in rows.values()])
    session.commit()
    if missing:
        (budget or RouteBudget()).spend(len(missing), f"{len(missing)} coverage expansion(s)")
    computed: set[str] = set()
    for start in range(0, len(missing), workers):
        computed |= _fill(session, network, query, {k: wanted[k] for k in missing[start:start + workers]}, rows,
                          max_snap_metres)
    if computed:
        repo.prune_layers(session, network_key=network.key, mode=query.mode.value, minutes=query.minutes,
                          keep=LAYERS_KEPT_PER_FAMILY)
        session.commit()
    return rows, computed


def _fill(session: Session, network: ActiveNetwork, query: CoverageQuery, chunk: dict[str, Sequence[CentreRef]],
          rows: dict[str, LayerRow], max_snap_metres: float) -> set[str]:
    """Lock, re-read, expand in parallel what is still missing, store, commit; adds to ``rows``."""
    for key in chunk:
        repo.lock_key(session, key=key)
    rows |= repo.layers_by_key(session, keys=list(chunk))  # stored by someone else while we waited
    todo = [k for k in chunk if k not in rows]
    with ThreadPoolExecutor(max_workers=max(1, len(todo))) as pool:
        results = list(pool.map(lambda k: _expand(network, query, chunk[k], max_snap_metres), todo))
    for key, (bands, dropped, seconds) in zip(todo, results):
        rows[key] = repo.store_layer(session, key=key, network_key=network.key, mode=query.mode.value,
                                     minutes=query.minutes, centre_ids=sorted(c.id for c in chunk[key]),
                                     dropped_ids=dropped, routing_seconds=seconds, bands=bands)
    session.commit()
    return set(todo)


def bands_of(session: Session, row: LayerRow) -> dict[int, object]:
    """A layer's band areas (WGS84), from an in-process cache keyed by the layer's content key."""
    return _bands.get(row.key, lambda: {m: shapely.from_wkb(g)
                                        for m, g in sorted(repo.band_wkb(session, layer_id=row.id).items())})


def prepare(session: Session, state: NetworkState, query: CoverageQuery, *, max_snap_metres: float,
            budget: RouteBudget | None = None) -> Layer:
    """The layer for ``query``: read from the store, or expanded once and stored."""
    check_query(session, query)
    network = state.current()
    started = time.perf_counter()
    moment = local_moment(query.at) if query.at is not None else None
    centres, excluded = choose(repo.selected_centres(session, kinds=query.kinds, amenities=query.amenities), moment)
    rows, computed = ensure_layers(session, network, query, [centres], max_snap_metres=max_snap_metres,
                                   budget=budget)
    [row] = rows.values()
    routed = time.perf_counter()
    area = analysis_area(session, network, reach_m=max_snap_metres)
    layer = Layer(row=row, query=query, network=network, moment=moment, centres=centres, excluded=excluded,
                  bands=bands_of(session, row), area=area, adcodes=report_adcodes(area, query.districts),
                  computed=bool(computed))
    layer.timings = {"layer_s": routed - started, "load_s": time.perf_counter() - routed}
    return layer
