"""Coverage benchmark: 1,000 centres on a synthetic ~30 × 30 km grid network.

    python -m bench.coverage                 # 1,000 centres, e-bike 15 min, H3 resolution 9
    python -m bench.coverage --centres 200   # smaller, quicker
    python -m bench.coverage --mode walk     # walking: far less overlap, many partial tiles

Prints:
* raw isochrone time: the same isochrones (5/10/15 min contours) computed straight from the
  Router with the same two worker threads, nothing else;
* full coverage time: members + layer + district figures from an empty coverage store
  (isochrone cache empty too), and its ratio to the raw isochrone time (target ≤ 1.5×);
* incremental recompute after moving one centre ~600 m (target ≤ 1 s), for several centres;
* reuse with nothing changed, and a night-time layer derived from the full one.

The network is the obviously artificial grid city of tests/osm_fixtures.py (Gulf of Guinea, every
way tagged synthetic=yes); centres and districts are benchmark fixtures named as such, in the
throwaway database servicemap_bench_coverage. No Kunming data is involved or implied.
"""
import argparse
import random
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from shapely.geometry import box
from sqlalchemy.orm import Session

from app.coverage.figures import figures
from app.coverage.service import CoverageQuery, prepare
from app.routing.network import NetworkState
from bench.harness import bench_database_url, create_bench_database, store_centres
from geo.coverage import band_minutes
from geo.modes import TravelMode
from geo.network import build_tiles
from geo.routing import Router
from tests.osm_fixtures import SyntheticCity, synthetic_city, write_synthetic_city

SIZE_KM, SPACING_M = 30.0, 200.0
HOURS = ["24/7", "Mo-Fr 09:00-17:00; PH off", "Mo-Su 08:00-22:00"]


def build_network(root: Path) -> tuple[Path, SyntheticCity]:
    pbf = write_synthetic_city(root / "bench-city.osm.pbf", size_km=SIZE_KM, spacing_m=SPACING_M)
    result = build_tiles(pbf, root / "network", concurrency=2)
    return result.tile_dir, synthetic_city(size_km=SIZE_KM, spacing_m=SPACING_M)


def centre_records(city: SyntheticCity, count: int, seed: int = 11) -> list[dict]:
    rng = random.Random(seed)
    records = []
    for n in range(count):
        lon, lat = city.lonlat(rng.uniform(0.5, SIZE_KM - 0.5), rng.uniform(0.5, SIZE_KM - 0.5))
        records.append({"id": f"bench-{n:05d}", "name_zh": f"基准测试点 {n}", "kind": rng.choice(
            ["service_centre", "rider_station"]), "opening_hours": rng.choice(HOURS),
            "location_precision": "approximate", "source": "benchmark fixture, not a real place",
            "lon": lon, "lat": lat})
    return records


BENCH_DB = "servicemap_bench_coverage"  # its own database: other benchmarks recreate servicemap_bench


def populate(url: str, city: SyntheticCity, count: int) -> list[dict]:
    create_bench_database(url)
    engine = sa.create_engine(url)
    half = SIZE_KM / 2
    with Session(engine) as session, session.begin():
        for k, (x, y) in enumerate([(0, 0), (half, 0), (0, half), (half, half)], start=1):
            area = box(*city.lonlat(x, y), *city.lonlat(x + half, y + half))
            session.execute(sa.text(
                "INSERT INTO districts (adcode, name_zh, main_urban, geom, source) VALUES (:a, :n, false, "
                "ST_Multi(ST_GeomFromText(:w, 4326)), 'benchmark fixture, not a real district')"),
                {"a": f"99010{k}", "n": f"基准测试区 {k} (benchmark fixture)", "w": area.wkt})
        records = centre_records(city, count)
        store_centres(session, records, in_kunming=False)
    engine.dispose()
    return records


def raw_isochrones(router: Router, records: list[dict], mode: TravelMode, minutes: int) -> tuple[float, float]:
    """Wall and CPU seconds for the isochrones alone, on two threads as the coverage computes them."""
    bands = band_minutes(minutes)
    started, cpu = time.perf_counter(), time.process_time()
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda r: router.isochrone(r["lon"], r["lat"], mode=mode, minutes=bands), records))
    return time.perf_counter() - started, time.process_time() - cpu


def timed(session: Session, state: NetworkState, query: CoverageQuery) -> tuple[float, object, dict]:
    started = time.perf_counter()
    layer = prepare(session, state, query, max_snap_metres=500.0)
    numbers = figures(session, layer, gaps=0)
    return time.perf_counter() - started, layer, numbers


def from_scratch(session: Session, state: NetworkState, query: CoverageQuery) -> tuple[float, float, object, dict]:
    """Full coverage with the coverage store and the isochrone cache emptied first: wall and CPU seconds."""
    session.execute(sa.text("TRUNCATE coverage_layers, coverage_members, isochrones CASCADE"))
    session.commit()
    cpu = time.process_time()
    seconds, layer, numbers = timed(session, state, query)
    return seconds, time.process_time() - cpu, layer, numbers


def move(session: Session, centre_id: str, metres: float) -> None:
    session.execute(sa.text(
        "UPDATE centres SET geom = ST_Translate(geom, :d, 0), version = version + 1 WHERE id = :id"),
        {"d": metres / 111_320, "id": centre_id})
    session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--centres", type=int, default=1000)
    parser.add_argument("--moves", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--mode", type=TravelMode, default=TravelMode.ebike)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="servicemap-bench-coverage-") as tmp:
        started = time.perf_counter()
        tile_dir, city = build_network(Path(tmp))
        print(f"synthetic {SIZE_KM:.0f} × {SIZE_KM:.0f} km grid ({SPACING_M:.0f} m spacing) built in "
              f"{time.perf_counter() - started:.1f} s")
        url = bench_database_url().rsplit("/", 1)[0] + f"/{BENCH_DB}"
        records = populate(url, city, args.centres)
        query, mode = CoverageQuery(mode=args.mode, minutes=15), args.mode
        engine = sa.create_engine(url)
        state, router = NetworkState(network_dir=tile_dir, valhalla_url=None), Router(tile_dir)
        for r in records[:20]:  # warm-up: both engines open their tiles once, as a running service has
            router.isochrone(r["lon"], r["lat"], mode=mode, minutes=band_minutes(15))
            state.current().engine.isochrone(r["lon"], r["lat"], mode=mode, minutes=band_minutes(15))
        with Session(engine) as session:
            raws, fulls = [], []
            for attempt in range(args.rounds):  # interleaved, best of each: the machine is shared
                raws.append(raw_isochrones(router, records, mode, query.minutes))
                seconds, cpu, layer, numbers = from_scratch(session, state, query)
                fulls.append((seconds, cpu))
                print(f"round {attempt + 1}: raw isochrones {raws[-1][0]:.1f} s (cpu {raws[-1][1]:.1f} s); full "
                      f"coverage {seconds:.1f} s (cpu {cpu:.1f} s; isochrone phase {layer.isochrone_seconds:.1f} s, "
                      f"layer {layer.timings['layer_s']:.1f} s, {layer.recomputed_tiles} tiles)")
            raw, full = min(r[0] for r in raws), min(f[0] for f in fulls)
            print(f"raw isochrones ({len(records)} × {mode.value} {band_minutes(15)} min, 2 threads): best {raw:.1f} s")
            print(f"full coverage: best {full:.1f} s; ratio {full / raw:.2f}× (target ≤ 1.5×); cpu ratio "
                  f"{min(f[1] for f in fulls) / min(r[1] for r in raws):.2f}× (this process; PostGIS not counted)")
            print(f"  covered {numbers['totals']['covered_pct']:.2f} % of {numbers['totals']['area_m2'] / 1e6:.0f} km²"
                  f", demand: {numbers['demand']['kind']}")
            rng = random.Random(5)
            times = []
            for centre_id in rng.sample([r["id"] for r in records], args.moves):
                move(session, centre_id, 600.0)
                seconds, layer, _ = timed(session, state, query)
                times.append(seconds)
                assert layer.isochrones_computed == 1
                print(f"incremental after moving {centre_id}: {seconds:.2f} s ({layer.recomputed_tiles} tiles)")
            print(f"incremental: median {statistics.median(times):.2f} s, max {max(times):.2f} s (target ≤ 1 s)")
            seconds, _, _ = timed(session, state, query)
            print(f"unchanged (reuse): {seconds:.2f} s")
            night = CoverageQuery(mode=mode, minutes=15, at=datetime(2025, 10, 14, 23, 30))
            seconds, layer, numbers = timed(session, state, night)
            print(f"night layer (Tue 23:30, {numbers['centres']['counted']} open) from the full one: {seconds:.2f} s "
                  f"({layer.recomputed_tiles} tiles)")
        engine.dispose()


if __name__ == "__main__":
    main()
