"""Routing benchmark on a synthetic grid city: isochrone API overhead, Valhalla vs networkx, nearest by time.

    .venv/bin/python -m bench.routing            # full run (30 origins per mode, 200 nearest requests)
    .venv/bin/python -m bench.routing --quick    # shorter run (8 origins per mode, 50 nearest requests)

Everything runs on a deterministic synthetic grid city (tests.osm_fixtures.write_synthetic_city,
30 × 30 km, a street every 200 m, in the open sea at 0.5° E 0.5° N, every way tagged synthetic=yes),
never on Kunming roads. The script builds Valhalla tiles for it in a temporary directory, creates its
own database servicemap_bench_routing on the DATABASE_URL server (dropped at the end) holding only
clearly-labelled benchmark centres on the synthetic grid (基准测试点（合成网格）N, imported through the
real importer with require_district=False), and starts a real uvicorn on loopback with
SERVICEMAP_NETWORK_DIR pointing at the synthetic tiles. All seeds are fixed; requests are
sequential and go to 127.0.0.1 only.

What is timed (wall clock, time.perf_counter):

1. API: one GET /api/isochrones?lon&lat&mode&minutes=5,10,15 (point isochrones: never cached), from
   request to last body byte, on a keep-alive httpx client; the client does not parse the JSON.
   Direct: one geo.routing.Router.isochrone(lon, lat, mode, [5, 10, 15]) call in this process on the
   same tiles (snap check + Valhalla isochrone + hole filtering + nesting). Overhead is printed as
   sum(API) / sum(direct) - 1 and as the median over origins of API/direct - 1; the target counts
   as met only if both are within it.
2. networkx: snap to the nearest graph node + single_source_dijkstra_path_length(cutoff=15 min) +
   polygons for 5/10/15 min (reached edges, partially reached ones cut at the limit, rasterised
   on a 100 m grid, dilated one cell, cells merged to polygons, simplified 20 m, holes < 5 ha
   filled, nested, back to lon/lat). Reading the PBF and building the graphs is timed separately.
   Compared with the direct Router.isochrone times of part 1 (ratio of sums and paired median).
   For each origin the API, direct and networkx calls run back to back, in an order rotated per
   origin, so load from other processes falls on all three alike; the load average is printed.
3. GET /api/centres/nearest?lon&lat&mode=ebike&limit=5, 500 benchmark centres, sequential;
   p50/p99/mean/max over the requests after 10 warm-up ones.
"""
from __future__ import annotations

import argparse
import contextlib
import gc
import math
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # also runnable as `python bench/routing.py`
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import networkx as nx  # noqa: E402
import numpy as np  # noqa: E402
import osmium  # noqa: E402
import shapely  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from shapely.geometry import MultiPolygon, Point, Polygon  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from app.settings import Settings  # noqa: E402
from bench.harness import HOURS, create_bench_database, drop_bench_database, service_process, store_centres  # noqa: E402
from geo.amenities import Amenity  # noqa: E402
from geo.modes import TravelMode  # noqa: E402
from geo.network import NetworkBuildResult, build_tiles  # noqa: E402
from geo.routing import DEFAULT_MIN_HOLE_M2, Router  # noqa: E402
from tests.osm_fixtures import SyntheticCity, synthetic_city, write_synthetic_city  # noqa: E402

BENCH_DB = "servicemap_bench_routing"
MINUTES = [5, 10, 15]
MODES = [TravelMode.walk, TravelMode.ebike, TravelMode.car]
OVERHEAD_TARGET = 0.15  # API ≤ 15 % slower than the direct call
SPEEDUP_TARGET = 5.0  # ours ≥ 5× faster than networkx
RATE_LIMIT = 100_000  # per client per minute: the bench's ~300 loopback requests must not hit the limiter
EARTH_RADIUS_M = 6_371_008.8
M_PER_DEG = math.pi * EARTH_RADIUS_M / 180


def ms(seconds: Sequence[float], median: bool = False) -> float:
    return 1000 * (statistics.median(seconds) if median else statistics.mean(seconds))


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


# --- the synthetic city and its tiles ---------------------------------------------------------

def build_city(workdir: Path, size_km: float, spacing_m: float) -> tuple[SyntheticCity, Path, NetworkBuildResult]:
    city = synthetic_city(size_km=size_km, spacing_m=spacing_m)
    pbf = write_synthetic_city(workdir / "synthetic-city.osm.pbf", size_km=size_km, spacing_m=spacing_m)
    result = build_tiles(pbf, workdir / "network", concurrency=2)
    return city, pbf, result


def grid_origins(city: SyntheticCity, count: int, seed: int) -> list[tuple[float, float]]:
    """Distinct random street intersections in the central two thirds of the city."""
    rng = random.Random(seed)
    lo, hi = city.lines // 6, city.lines - 1 - city.lines // 6
    step_km = city.spacing_m / 1000
    cells: list[tuple[int, int]] = []
    while len(cells) < count:
        cell = (rng.randint(lo, hi), rng.randint(lo, hi))
        if cell not in cells:
            cells.append(cell)
    return [city.lonlat(i * step_km, j * step_km) for i, j in cells]


def city_points(city: SyntheticCity, count: int, seed: int) -> list[tuple[float, float]]:
    """Random points anywhere in the city (≤ half a block from a street), 100 m inside its edge."""
    rng = random.Random(seed)
    margin, size = 0.1, city.size_km
    return [city.lonlat(rng.uniform(margin, size - margin), rng.uniform(margin, size - margin))
            for _ in range(count)]


# --- benchmark database -----------------------------------------------------------------------

def bench_url() -> str:
    return Settings().database_url.rsplit("/", 1)[0] + "/" + BENCH_DB


def grid_centres(city: SyntheticCity, count: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    amenities = [a.value for a in Amenity]
    records = []
    for n, (lon, lat) in enumerate(city_points(city, count, seed)):
        records.append({
            "id": f"bench-grid-{n:05d}", "name_zh": f"基准测试点（合成网格）{n}",
            "name_en": f"Benchmark point on the synthetic grid {n}",
            "kind": rng.choice(["service_centre", "rider_station"]), "opening_hours": rng.choice(HOURS),
            "amenities": rng.sample(amenities, 4), "location_precision": "approximate",
            "source": "benchmark fixture on a synthetic grid city in the open sea, not a real place",
            "lon": lon, "lat": lat,
        })
    return records


def populate(url: str, records: list[dict]) -> None:
    create_bench_database(url)
    engine = sa.create_engine(url)
    with Session(engine) as session, session.begin():
        store_centres(session, records, in_kunming=False)
    engine.dispose()


# --- the service ------------------------------------------------------------------------------

@contextlib.contextmanager
def running_service(database_url: str, log_path: Path, **env: str) -> Iterator[str]:
    with service_process(database_url, log_path=log_path, **env) as (base, _pid):
        yield base


# --- the networkx baseline --------------------------------------------------------------------

CAR_ROADS = {"motorway", "motorway_link", "trunk", "trunk_link", "primary", "primary_link", "secondary",
             "secondary_link", "tertiary", "tertiary_link", "unclassified", "residential", "living_street",
             "service"}
NOT_WALKABLE = {"motorway", "motorway_link"}
NOT_EBIKE = {"motorway", "motorway_link"}


def _allowed(mode: TravelMode, tags: dict[str, str]) -> bool:
    highway = tags.get("highway", "")
    if mode is TravelMode.car:
        return highway in CAR_ROADS
    if mode is TravelMode.walk:
        return highway not in NOT_WALKABLE and tags.get("foot") != "no"
    return highway not in NOT_EBIKE and tags.get("motorroad") != "yes" and tags.get("bicycle") != "no"


def valhalla_car_speeds(router: Router, samples: dict[str, list[tuple[float, float]]]) -> dict[str, float]:
    """km/h that Valhalla's tiles assign to each road class (edge.speed along a sample way)."""
    speeds = {}
    for highway, coords in samples.items():
        request = {"shape": [{"lon": lon, "lat": lat} for lon, lat in coords], **TravelMode.car.valhalla_costing(),
                   "shape_match": "edge_walk",
                   "filters": {"attributes": ["edge.speed", "edge.road_class"], "action": "include"}}
        edges = router._call("trace_attributes", request)["edges"]
        speeds[highway] = statistics.mode(e["speed"] for e in edges)
    return speeds


@dataclass
class ModeGraph:
    graph: nx.Graph
    u: np.ndarray
    v: np.ndarray
    seconds: np.ndarray


class NetworkxIsochrones:
    """Isochrones with networkx on the roads of an OSM file, in local metres around its south-west corner.

    Same roads (every highway=* way usable by the mode), same speeds (walk 4.5 km/h and e-bike 20 km/h from
    geo/modes.py; car: the per-class speed Valhalla's tiles carry), no turn or intersection costs.
    Two-way streets only (the synthetic city has no oneway tags), so undirected graphs.
    """

    cell_m = 100.0  # raster cell for the polygon
    generalize_m = 20.0  # as Valhalla's generalize=20

    def __init__(self, pbf: Path, origin: tuple[float, float], router: Router) -> None:
        self.lon0, self.lat0 = origin
        self.kx = M_PER_DEG * math.cos(math.radians(self.lat0))
        index: dict[int, int] = {}
        xs: list[float] = []
        ys: list[float] = []
        pairs: list[tuple[int, int, int]] = []  # u, v, way number
        ways: list[dict[str, str]] = []
        samples: dict[str, list[tuple[float, float]]] = {}
        for way in osmium.FileProcessor(str(pbf)).with_locations().with_filter(osmium.filter.KeyFilter("highway")):
            if not way.is_way():
                continue
            tags = dict(way.tags)
            ways.append(tags)
            samples.setdefault(tags["highway"], [(n.lon, n.lat) for n in list(way.nodes)[:11]])
            previous = None
            for node in way.nodes:
                i = index.get(node.ref)
                if i is None:
                    i = index[node.ref] = len(xs)
                    xs.append((node.lon - self.lon0) * self.kx)
                    ys.append((node.lat - self.lat0) * M_PER_DEG)
                if previous is not None:
                    pairs.append((previous, i, len(ways) - 1))
                previous = i
        self.x, self.y = np.array(xs), np.array(ys)
        self.nodes_tree = shapely.STRtree(shapely.points(self.x, self.y))
        self.car_kmh = valhalla_car_speeds(router, {h: c for h, c in samples.items() if h in CAR_ROADS})
        u_all = np.array([p[0] for p in pairs])
        v_all = np.array([p[1] for p in pairs])
        way_of = np.array([p[2] for p in pairs])
        metres = np.hypot(self.x[u_all] - self.x[v_all], self.y[u_all] - self.y[v_all])
        self.road_segments = len(pairs)
        self.modes: dict[TravelMode, ModeGraph] = {}
        for mode in MODES:
            usable = np.array([_allowed(mode, tags) for tags in ways])[way_of]
            if mode is TravelMode.car:
                kmh = np.array([self.car_kmh.get(tags["highway"], np.nan) for tags in ways])[way_of]
            else:
                kmh = np.full(len(pairs), mode.speed_kmh)
            u, v = u_all[usable], v_all[usable]
            seconds = np.maximum(metres[usable] / (kmh[usable] / 3.6), 1e-6)
            graph = nx.Graph()
            graph.add_weighted_edges_from(zip(u.tolist(), v.tolist(), seconds.tolist()))
            self.modes[mode] = ModeGraph(graph, u, v, seconds)

    def isochrone(self, lon: float, lat: float, *, mode: TravelMode, minutes: Sequence[int]) -> list[tuple[int, Polygon | MultiPolygon]]:
        x, y = (lon - self.lon0) * self.kx, (lat - self.lat0) * M_PER_DEG
        source = int(self.nodes_tree.query_nearest(Point(x, y))[0])
        g = self.modes[mode]
        reached = nx.single_source_dijkstra_path_length(g.graph, source, cutoff=max(minutes) * 60, weight="weight")
        t = np.full(len(self.x), np.inf)
        t[np.fromiter(reached.keys(), dtype=np.int64, count=len(reached))] = np.fromiter(
            reached.values(), dtype=float, count=len(reached))
        near = (t[g.u] < max(minutes) * 60) | (t[g.v] < max(minutes) * 60)
        u, v, w = g.u[near], g.v[near], g.seconds[near]
        tu, tv = t[u], t[v]
        pu, pv = np.stack([self.x[u], self.y[u]], 1), np.stack([self.x[v], self.y[v]], 1)
        out: list[tuple[int, Polygon | MultiPolygon]] = []
        for m in sorted(minutes):
            limit = m * 60
            fu, fv = np.clip((limit - tu) / w, 0, 1), np.clip((limit - tv) / w, 0, 1)
            full = fu + fv >= 1  # the whole edge (reached from one end, or from both ends meeting)
            from_u, from_v = ~full & (fu > 0), ~full & (fv > 0)
            starts = np.concatenate([pu[full], pu[from_u], pv[from_v]])
            ends = np.concatenate([pv[full], pu[from_u] + (pv[from_u] - pu[from_u]) * fu[from_u, None],
                                   pv[from_v] + (pu[from_v] - pv[from_v]) * fv[from_v, None]])
            area = self._raster_area(starts, ends)
            if out and not out[-1][1].is_empty:
                area = shapely.union(area, out[-1][1])
            out.append((m, area))
        return [(m, shapely.transform(a, self._to_lonlat)) for m, a in out]

    def _to_lonlat(self, xy: np.ndarray) -> np.ndarray:
        return np.column_stack([self.lon0 + xy[:, 0] / self.kx, self.lat0 + xy[:, 1] / M_PER_DEG])

    def _raster_area(self, a: np.ndarray, b: np.ndarray) -> Polygon | MultiPolygon:
        """Cells the segments pass through, dilated by one cell, as polygons (row runs merged)."""
        if len(a) == 0:
            return Polygon()
        cell = self.cell_m
        steps = np.maximum(1, np.ceil(np.hypot(*(b - a).T) / (cell / 2))).astype(np.int64)
        which = np.repeat(np.arange(len(a)), steps + 1)
        first = np.repeat(np.cumsum(np.r_[0, steps[:-1] + 1]), steps + 1)
        frac = (np.arange(which.size) - first) / np.repeat(steps, steps + 1)
        points = a[which] + (b[which] - a[which]) * frac[:, None]
        ij = np.floor(points / cell).astype(np.int64)
        i0, j0 = ij.min(0) - 1
        ij -= (i0, j0)
        width, height = ij.max(0) + 2
        hit = np.zeros((height, width), bool)
        hit[ij[:, 1], ij[:, 0]] = True
        grown = hit.copy()
        grown[1:] |= hit[:-1]
        grown[:-1] |= hit[1:]
        grown[:, 1:] |= hit[:, :-1]
        grown[:, :-1] |= hit[:, 1:]
        pad = np.zeros((height, 1), np.int8)
        edges = np.diff(np.hstack([pad, grown.astype(np.int8), pad]), axis=1)
        rows, col_start = np.nonzero(edges == 1)
        _, col_end = np.nonzero(edges == -1)
        boxes = shapely.box((col_start + i0) * cell, (rows + j0) * cell, (col_end + i0) * cell, (rows + j0 + 1) * cell)
        area = shapely.coverage_union_all(boxes).simplify(self.generalize_m)
        return _fill_small_holes(area, DEFAULT_MIN_HOLE_M2)


def _fill_small_holes(area, min_hole_m2: float) -> Polygon | MultiPolygon:
    parts = list(area.geoms) if hasattr(area, "geoms") else [area]
    kept = [Polygon(p.exterior, [r for r in p.interiors if Polygon(r).area >= min_hole_m2]) for p in parts
            if isinstance(p, Polygon) and not p.is_empty]
    return kept[0] if len(kept) == 1 else MultiPolygon(kept)


# --- measurements -----------------------------------------------------------------------------

def _area_m2(geom, lat: float) -> float:
    return geom.area * M_PER_DEG ** 2 * math.cos(math.radians(lat))


@dataclass
class ModeTimes:
    api_s: list[float]
    direct_s: list[float]
    nx_s: list[float]
    direct_cpu_s: list[float]  # CPU time of this thread (Valhalla runs in the calling thread)
    nx_cpu_s: list[float]
    ours: list  # Router.isochrone results, per origin
    theirs: list  # networkx results, per origin


def measure_mode(client: httpx.Client, router: Router, baseline: NetworkxIsochrones,
                 origins: list[tuple[float, float]], warmups: list[tuple[float, float]], mode: TravelMode) -> ModeTimes:
    """API, direct and networkx isochrones for each origin back to back (order rotated per origin), so
    load from other processes on the machine falls on all three alike."""
    query = ",".join(map(str, MINUTES))

    def api(lon: float, lat: float) -> tuple[float, httpx.Response]:
        start = time.perf_counter()
        response = client.get("/api/isochrones", params={"lon": f"{lon:.7f}", "lat": f"{lat:.7f}",
                                                         "mode": mode.value, "minutes": query})
        elapsed = time.perf_counter() - start
        response.raise_for_status()
        return elapsed, response

    def direct(lon: float, lat: float) -> tuple[float, list, float]:
        start, cpu = time.perf_counter(), time.thread_time()
        contours = router.isochrone(lon, lat, mode=mode, minutes=MINUTES)
        return time.perf_counter() - start, contours, time.thread_time() - cpu

    def networkx(lon: float, lat: float) -> tuple[float, list, float]:
        start, cpu = time.perf_counter(), time.thread_time()
        contours = baseline.isochrone(lon, lat, mode=mode, minutes=MINUTES)
        return time.perf_counter() - start, contours, time.thread_time() - cpu

    calls = {"api": api, "direct": direct, "networkx": networkx}
    order = list(calls)
    for lon, lat in warmups:
        for name in order:
            calls[name](lon, lat)
    times = ModeTimes([], [], [], [], [], [], [])
    for k, (lon, lat) in enumerate(origins):
        rotated = order[k % 3:] + order[:k % 3]
        got = {name: calls[name](lon, lat) for name in rotated}
        features = got["api"][1].json()["features"]  # checked after the clock stopped
        assert [f["properties"]["minutes"] for f in features] == sorted(MINUTES, reverse=True), features
        times.api_s.append(got["api"][0])
        times.direct_s.append(got["direct"][0])
        times.nx_s.append(got["networkx"][0])
        times.direct_cpu_s.append(got["direct"][2])
        times.nx_cpu_s.append(got["networkx"][2])
        times.ours.append(got["direct"][1])
        times.theirs.append(got["networkx"][1])
    return times


def compare_shapes(ours: list, theirs: list, lat: float) -> tuple[float, float]:
    """Mean area ratio networkx/ours and mean IoU, of the largest contour."""
    ratios, ious = [], []
    for contours, nx_contours in zip(ours, theirs):
        a, b = contours[-1].geometry, nx_contours[-1][1]
        ratios.append(_area_m2(b, lat) / _area_m2(a, lat))
        ious.append(shapely.intersection(a, b).area / shapely.union(a, b).area)
    return statistics.mean(ratios), statistics.mean(ious)


def measure_nearest(client: httpx.Client, points: list[tuple[float, float]], warmup: int) -> list[float]:
    def get(lon: float, lat: float) -> tuple[float, httpx.Response]:
        start = time.perf_counter()
        response = client.get("/api/centres/nearest", params={"lon": f"{lon:.7f}", "lat": f"{lat:.7f}",
                                                              "mode": "ebike", "limit": 5})
        elapsed = time.perf_counter() - start
        response.raise_for_status()
        return elapsed, response

    for lon, lat in points[:warmup]:
        get(lon, lat)
    latencies = []
    for lon, lat in points[warmup:]:
        elapsed, response = get(lon, lat)
        body = response.json()
        assert body["ranking"] == "travel_time" and len(body["features"]) == 5, body.get("note")
        latencies.append(elapsed)
    return latencies


# --- main -------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="8 origins per mode, 50 nearest requests")
    parser.add_argument("--origins", type=int, help="isochrone origins per mode (default 30; quick 8)")
    parser.add_argument("--nearest", type=int, help="nearest requests (default 200; quick 50)")
    parser.add_argument("--centres", type=int, default=500, help="benchmark centres on the grid")
    parser.add_argument("--size-km", type=float, default=30.0)
    parser.add_argument("--spacing-m", type=float, default=200.0)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    n_origins = args.origins or (8 if args.quick else 30)
    n_nearest = args.nearest or (50 if args.quick else 200)
    started = time.perf_counter()
    print(f"load average at start {' '.join(f'{v:.2f}' for v in os.getloadavg())} on {os.cpu_count()} CPUs "
          f"(other processes on the machine add noise)")

    with tempfile.TemporaryDirectory(prefix="servicemap-bench-routing-") as tmp:
        workdir = Path(tmp)
        city, pbf, network = build_city(workdir, args.size_km, args.spacing_m)
        router = Router(network.tile_dir)  # same pool size as the service's
        t = time.perf_counter()
        baseline = NetworkxIsochrones(pbf, city.origin, router)
        nx_build_s = time.perf_counter() - t
        print(f"synthetic city: {city.size_km:g} × {city.size_km:g} km grid, street every {city.spacing_m:g} m "
              f"({city.lines} × {city.lines} = {city.lines ** 2:,} intersections, {baseline.road_segments:,} "
              f"road segments, {network.road_ways} OSM ways: primary every 20th line, secondary every 5th, "
              f"else residential), at {city.origin} (open sea, synthetic=yes)")
        print(f"valhalla tiles: {network.nodes:,} nodes, {network.directed_edges:,} directed edges, "
              f"{network.tiles} tiles, built in {network.build_seconds:.1f} s (pyvalhalla {network.valhalla_version})")
        car = ", ".join(f"{k} {v:g}" for k, v in sorted(baseline.car_kmh.items()))
        print(f"networkx graphs: walk/ebike/car {', '.join(str(baseline.modes[m].graph.number_of_edges()) for m in MODES)}"
              f" edges on {len(baseline.x):,} nodes; built in {nx_build_s:.2f} s (PBF read + 3 graphs + node STRtree; "
              f"not in the query times); speeds km/h: walk {TravelMode.walk.speed_kmh:g}, ebike "
              f"{TravelMode.ebike.speed_kmh:g}, car by class as Valhalla's tiles carry it ({car}); no turn costs")

        # The networkx graphs are millions of Python objects; without this every full collection
        # triggered by the (allocation-heavy) timed calls would walk them, in both direct and networkx.
        gc.collect()
        gc.freeze()
        origins = grid_origins(city, n_origins + 3, args.seed)
        warmups, origins = origins[:3], origins[3:]
        nearest_points = city_points(city, n_nearest + 10, args.seed + 1)
        url = bench_url()
        try:
            populate(url, grid_centres(city, args.centres, args.seed))
            print(f"database {BENCH_DB}: {args.centres} benchmark centres (基准测试点（合成网格）N) on the synthetic grid")
            service = running_service(url, workdir / "service.log", SERVICEMAP_NETWORK_DIR=str(network.tile_dir),
                                      SERVICEMAP_VALHALLA_URL="", SERVICEMAP_RATE_LIMIT_PER_MINUTE=str(RATE_LIMIT))
            with service as base, httpx.Client(base_url=base, timeout=60) as client:
                manifest = client.get("/api/network").json()["manifest"]
                assert manifest and manifest["source_sha256"] == network.source_sha256, "service is not on the synthetic network"
                print(f"service: uvicorn on {base} (1 worker, request log to a file, rate limit raised to "
                      f"{RATE_LIMIT}/min), network = the synthetic tiles")
                print()
                print(f"== 1. isochrones minutes=5,10,15: API vs direct Router.isochrone, {len(origins)} origins "
                      f"(random grid intersections, central {city.size_km * 2 / 3:.0f} km square, seed {args.seed}), "
                      f"3 warm-up origins per mode; API, direct and networkx run back to back per origin ==")
                iso = {}
                for mode in MODES:
                    iso[mode] = measure_mode(client, router, baseline, origins, warmups, mode)
                    api_s, direct_s = iso[mode].api_s, iso[mode].direct_s
                    overhead = sum(api_s) / sum(direct_s) - 1
                    paired = statistics.median(a / d - 1 for a, d in zip(api_s, direct_s))
                    met = max(overhead, paired) <= OVERHEAD_TARGET
                    print(f"isochrone {mode.value:5s}  API mean {ms(api_s):7.1f} ms (p50 {ms(api_s, True):7.1f})   "
                          f"direct mean {ms(direct_s):7.1f} ms (p50 {ms(direct_s, True):7.1f})   API overhead "
                          f"{100 * overhead:+6.1f} % of mean, {100 * paired:+6.1f} % paired median "
                          f"({ms(api_s) - ms(direct_s):+.1f} ms/request)   target ≤ {100 * OVERHEAD_TARGET:.0f} %: "
                          f"{'met' if met else 'MISSED'}")
                print()
                print(f"== 2. the same isochrones with networkx (same origins, same runs as 1.); timed: snap + "
                      f"Dijkstra(cutoff {max(MINUTES)} min) + 3 polygons, vs the direct Router.isochrone times of 1. ==")
                for mode in MODES:
                    direct_s, nx_s, ours, theirs = iso[mode].direct_s, iso[mode].nx_s, iso[mode].ours, iso[mode].theirs
                    speedup = sum(nx_s) / sum(direct_s)
                    paired = statistics.median(n / d for n, d in zip(nx_s, direct_s))
                    met = min(speedup, paired) >= SPEEDUP_TARGET
                    ratio, iou = compare_shapes(ours, theirs, city.centre[1])
                    print(f"networkx {mode.value:5s}  networkx mean {ms(nx_s):7.1f} ms (p50 {ms(nx_s, True):7.1f})   "
                          f"ours mean {ms(direct_s):7.1f} ms (p50 {ms(direct_s, True):7.1f})   networkx time / ours = "
                          f"{speedup:5.2f}× of means, {paired:5.2f}× paired median   target ours ≥ {SPEEDUP_TARGET:g}× "
                          f"faster: {'met' if met else 'MISSED'}   "
                          f"[{max(MINUTES)}-min area networkx/ours {ratio:.2f}, IoU {iou:.2f}]")
                    cpu = sum(iso[mode].nx_cpu_s) / sum(iso[mode].direct_cpu_s)
                    print(f"networkx {mode.value:5s}  CPU time (thread_time, little affected by other processes): networkx "
                          f"mean {ms(iso[mode].nx_cpu_s):7.1f} ms   ours mean {ms(iso[mode].direct_cpu_s):7.1f} ms   "
                          f"networkx / ours = {cpu:5.2f}×")
                print()
                print(f"== 3. GET /api/centres/nearest mode=ebike limit=5, {args.centres} centres, "
                      f"{n_nearest} sequential requests (random city points, seed {args.seed + 1}), 10 warm-up ==")
                latencies = measure_nearest(client, nearest_points, 10)
                print(f"nearest ebike  p50 {1000 * percentile(latencies, .5):6.1f} ms   p99 "
                      f"{1000 * percentile(latencies, .99):6.1f} ms   mean {1000 * statistics.mean(latencies):6.1f} ms   "
                      f"max {1000 * max(latencies):6.1f} ms")
        finally:
            drop_bench_database(url)
    print()
    print(f"total run time {time.perf_counter() - started:.0f} s; load average at end "
          f"{' '.join(f'{v:.2f}' for v in os.getloadavg())} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
