"""Catalogue API latency (p50/p99) and throughput for list and nearest.

    python bench/api_latency.py                      # own server + 776 benchmark centres
    python bench/api_latency.py --base-url URL       # against a running service

Requests are bounded in number and go to loopback only.
"""
import argparse
import random
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx

from bench.harness import bench_database_url, populate, running_service

KUNMING_URBAN = (102.62, 24.85, 102.90, 25.12)


def sample_queries(kind: str, count: int, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    queries = []
    for _ in range(count):
        lon, lat = rng.uniform(KUNMING_URBAN[0], KUNMING_URBAN[2]), rng.uniform(KUNMING_URBAN[1], KUNMING_URBAN[3])
        if kind == "list":
            queries.append(rng.choice([
                "/api/centres?limit=100", "/api/centres?amenity=phone_charging&limit=100",
                "/api/centres?open_now=true&limit=100", f"/api/centres?bbox={lon - .05},{lat - .05},{lon + .05},{lat + .05}",
            ]))
        else:
            queries.append(f"/api/centres/nearest?lon={lon:.5f}&lat={lat:.5f}&limit=5&open_now=true")
    return queries


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(base: str, kind: str, requests: int, concurrency: int) -> None:
    queries = sample_queries(kind, requests)
    with httpx.Client(base_url=base, timeout=30) as client:
        for query in queries[:20]:  # warm-up
            client.get(query).raise_for_status()
        latencies = []
        for query in queries:
            start = time.perf_counter()
            client.get(query).raise_for_status()
            latencies.append((time.perf_counter() - start) * 1000)

    clients = threading.local()  # one keep-alive client per thread, as a real client would use

    def fetch(query: str) -> int:
        if not hasattr(clients, "client"):
            clients.client = httpx.Client(base_url=base, timeout=30)
        return clients.client.get(query).status_code

    start = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        statuses = list(pool.map(fetch, queries))
    elapsed = time.perf_counter() - start
    errors = sum(status != 200 for status in statuses)
    print(f"{kind:8s} p50 {percentile(latencies, .5):7.1f} ms  p99 {percentile(latencies, .99):7.1f} ms  "
          f"mean {statistics.mean(latencies):6.1f} ms  throughput {len(queries) / elapsed:6.1f} req/s "
          f"(concurrency {concurrency})  errors {errors}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url")
    parser.add_argument("--centres", type=int, default=776, help="benchmark centres for the own server")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    if args.base_url:
        for kind in ("list", "nearest"):
            measure(args.base_url, kind, args.requests, args.concurrency)
        return
    url = bench_database_url()
    populate(url, args.centres)
    print(f"own server, {args.centres} benchmark centres in servicemap_bench")
    # One client sends everything: lift the public rate limit, which would rightly throttle it.
    with running_service(url, SERVICEMAP_RATE_LIMIT_PER_MINUTE="100000000", SERVICEMAP_LOG_LEVEL="WARNING") as base:
        for kind in ("list", "nearest"):
            measure(base, kind, args.requests, args.concurrency)


if __name__ == "__main__":
    main()
