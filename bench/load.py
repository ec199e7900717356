"""A bounded load run on the public list and nearest endpoints: error rate, throughput, latency,
and the server's memory over time (it should stay flat).

    python -m bench.load                  # own server + 776 benchmark centres, 60 s
    python -m bench.load --seconds 20     # shorter

Traffic goes to a server this script starts on loopback, and stops by itself.
"""
import argparse
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

from bench.api_latency import percentile, sample_queries
from bench.harness import bench_database_url, populate, service_process


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def worker(base: str, queries: list[str], stop_at: float, statuses: Counter, latencies: list[float]) -> None:
    with httpx.Client(base_url=base, timeout=30) as client:
        i = 0
        while time.monotonic() < stop_at:
            start = time.perf_counter()
            try:
                status = client.get(queries[i % len(queries)]).status_code
            except httpx.HTTPError:
                status = -1
            latencies.append((time.perf_counter() - start) * 1000)
            statuses[status] += 1
            i += 1


def load(base: str, pid: int, *, seconds: int, concurrency: int) -> None:
    queries = sample_queries("list", 200) + sample_queries("nearest", 200)
    statuses: Counter = Counter()
    latencies: list[float] = []
    stop_at = time.monotonic() + seconds
    threads = [threading.Thread(target=worker, args=(base, queries[i::concurrency] or queries, stop_at, statuses,
                                                     latencies)) for i in range(concurrency)]
    memory = [rss_mib(pid)]
    for thread in threads:
        thread.start()
    while any(t.is_alive() for t in threads):
        time.sleep(min(5, max(0.1, stop_at - time.monotonic())))
        memory.append(rss_mib(pid))
    total = sum(statuses.values())
    errors = total - statuses[200]
    print(f"requests {total} in {seconds} s = {total / seconds:.1f} req/s, concurrency {concurrency}")
    print(f"errors {errors} ({100 * errors / max(total, 1):.2f} %)  statuses {dict(statuses)}")
    print(f"latency p50 {percentile(latencies, .5):.1f} ms  p99 {percentile(latencies, .99):.1f} ms")
    print("server RSS MiB over time: " + " ".join(f"{m:.0f}" for m in memory))
    half = len(memory) // 2
    print(f"memory growth, second half of the run: {max(memory[half:]) - memory[half]:+.1f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--centres", type=int, default=776)
    args = parser.parse_args()
    url = bench_database_url()
    populate(url, args.centres)
    # The public limiter would (rightly) throttle one client hammering the API; lift it for the run.
    with service_process(url, SERVICEMAP_RATE_LIMIT_PER_MINUTE="100000000", SERVICEMAP_LOG_LEVEL="WARNING") as (base, pid):
        load(base, pid, seconds=args.seconds, concurrency=args.concurrency)


if __name__ == "__main__":
    main()
