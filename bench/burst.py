"""Bursts of concurrent connections against `servicemap serve` (2 workers, as ./scripts/serve runs it):
does the service shed load gracefully, stay bounded, and come back as soon as the burst ends?

    python -m bench.burst                         # 8 (baseline), 50, 200, 500 connections, 15 s each
    python -m bench.burst --levels 200 --seconds 5

Each connection is a keep-alive client sending the rider's requests back to back (nearest stations,
the list, one centre, districts, config, the page). Two kinds of crowd per level:
* "many": every connection from its own loopback address (127.0.x.y), like riders at the evening
  peak, each far below the per-client rate limit;
* "one": every connection from one address, like one embedding page or one misbehaving client;
  the shared per-client limit answers most of it with 429.
Clients do not back off on 503/429 (the worst case). Per level it prints successes, 429 and 503,
other statuses, client timeouts and errors, p50/p99 latency of all answers, successes per second,
the server's memory, and the time from the end of the burst until a plain request succeeds again.
Targets (issue 10): 0 × 500 and 0 client timeouts at every level, recovery ≤ 2 s, and at 200
connections at least the throughput that 8 connections get. Traffic stays on loopback, against a
server and a throwaway database (776 labelled benchmark centres) this script creates.
"""
import argparse
import asyncio
import random
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bench.harness import bench_database_url, populate, service_process

REQUEST_TIMEOUT_S = 10.0
KUNMING = (102.60, 24.85, 102.85, 25.10)


def rider_paths(count: int, seed: int = 3) -> list[str]:
    rng = random.Random(seed)
    paths = []
    for _ in range(count):
        lon, lat = rng.uniform(KUNMING[0], KUNMING[2]), rng.uniform(KUNMING[1], KUNMING[3])
        paths += [f"/api/centres/nearest?lon={lon:.5f}&lat={lat:.5f}&open_now=true&limit=5"] * 4
        paths += [f"/api/centres?limit=50&offset={rng.randrange(0, 700)}", "/api/districts", "/api/config", "/"]
    rng.shuffle(paths)
    return paths


@dataclass
class Tally:
    statuses: Counter = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    timeouts: int = 0
    errors: Counter = field(default_factory=Counter)  # by exception type


async def exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str, path: str) -> int:
    """One HTTP/1.1 keep-alive request; the status (the body is read and dropped)."""
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept-Encoding: gzip\r\n\r\n".encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                   if line.lower().startswith(b"content-length:")), None)
    if length is None:
        raise ConnectionError("an answer without Content-Length")
    await reader.readexactly(length)
    if b"connection: close" in head.lower():
        raise ConnectionResetError("server closed the connection")
    return status


async def connection(base: str, source: str | None, paths: list[str], stop_at: float, tally: Tally) -> None:
    parts = urlsplit(base)
    i = random.randrange(len(paths))
    while time.monotonic() < stop_at:
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection(
                parts.hostname, parts.port, local_addr=(source, 0) if source else None), REQUEST_TIMEOUT_S)
        except (OSError, TimeoutError) as exc:
            tally.errors[f"connect {type(exc).__name__}"] += 1
            await asyncio.sleep(0.1)
            continue
        try:
            while time.monotonic() < stop_at:
                started = time.perf_counter()
                try:
                    status = await asyncio.wait_for(exchange(reader, writer, parts.netloc, paths[i % len(paths)]),
                                                    REQUEST_TIMEOUT_S)
                except TimeoutError:
                    tally.timeouts += 1
                    break
                tally.latencies.append(time.perf_counter() - started)
                tally.statuses[status] += 1
                i += 1
        except (OSError, asyncio.IncompleteReadError, ConnectionError, ValueError) as exc:
            tally.errors[type(exc).__name__] += 1
        finally:
            writer.close()


async def recovery_seconds(base: str, limit_s: float = 30.0) -> float:
    """From now until a plain request (fresh connection, a fresh address) is answered 200."""
    parts, started = urlsplit(base), time.monotonic()
    while time.monotonic() - started < limit_s:
        source = f"127.1.{random.randrange(256)}.{random.randrange(1, 255)}"
        try:
            reader, writer = await asyncio.open_connection(parts.hostname, parts.port, local_addr=(source, 0))
            try:
                if await asyncio.wait_for(exchange(reader, writer, parts.netloc, "/api/districts"), 5) == 200:
                    return time.monotonic() - started
            finally:
                writer.close()
        except (OSError, TimeoutError, asyncio.IncompleteReadError, ConnectionError):
            pass
        await asyncio.sleep(0.05)
    return float("inf")


async def burst(base: str, connections: int, seconds: float, *, many: bool, paths: list[str]) -> tuple[Tally, float]:
    tally, stop_at = Tally(), time.monotonic() + seconds
    sources = [f"127.0.{1 + n // 250}.{1 + n % 250}" if many else "127.0.0.1" for n in range(connections)]
    await asyncio.gather(*(connection(base, s, paths, stop_at, tally) for s in sources))
    return tally, await recovery_seconds(base)


def rss_mib(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) / 1024
    return total


def server_pids(parent: int) -> list[int]:
    children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
    return [parent, *map(int, children)]


def report(level: str, tally: Tally, seconds: float, recovery: float, memory: float) -> float:
    ok = tally.statuses[200]
    others = {s: n for s, n in tally.statuses.items() if s not in (200, 429, 503)}
    lat = sorted(tally.latencies) or [0.0]
    p99 = lat[min(len(lat) - 1, int(0.99 * len(lat)))]
    print(f"{level:>10} | {ok:7d} ok {ok / seconds:7.1f}/s | 429 {tally.statuses[429]:6d} | 503 {tally.statuses[503]:6d}"
          f" | other {others or 0} | timeouts {tally.timeouts} | errors {dict(tally.errors) or 0}"
          f" | p50 {1000 * statistics.median(lat):6.0f} ms p99 {1000 * p99:6.0f} ms"
          f" | back in {recovery:.2f} s | RSS {memory:.0f} MiB", flush=True)
    return ok / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--levels", type=int, nargs="+", default=[8, 50, 200, 500])
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--crowds", nargs="+", choices=("many", "one"), default=["many", "one"])
    parser.add_argument("--centres", type=int, default=776)
    args = parser.parse_args()
    url = bench_database_url()
    populate(url, args.centres)
    paths = rider_paths(200)
    with service_process(url, workers=2, SERVICEMAP_LOG_LEVEL="WARNING") as (base, pid):
        pids = server_pids(pid)
        print(f"server: servicemap serve, 2 workers (pids {pids[1:]}); {args.seconds:g} s per level; "
              f"clients do not back off")
        throughput: dict[tuple[str, int], float] = {}
        for crowd in args.crowds:
            for level in args.levels:
                tally, recovery = asyncio.run(burst(base, level, args.seconds, many=crowd == "many", paths=paths))
                throughput[crowd, level] = report(f"{crowd} {level}", tally, args.seconds, recovery, rss_mib(pids))
                time.sleep(2)
        if ("many", 8) in throughput and ("many", 200) in throughput:
            ratio = throughput["many", 200] / max(throughput["many", 8], 1e-9)
            print(f"successes per second at 200 connections vs 8: {ratio:.2f}× (target ≥ 1)")


if __name__ == "__main__":
    main()
