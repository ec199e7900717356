"""Front-end weight (our JS + CSS + Leaflet, raw and gzipped), the size of the rider's list answer, and
the time to the first station list on a phone-sized page on a slow mobile network (by default about
400 kbit/s down with a 400 ms round trip, Chrome DevTools network emulation) with the CPU slowed down 4×
(CPU throttling). Target: the first list within 3 s.

    python -m bench.web_weight                      # own server on loopback + benchmark centres
    python -m bench.web_weight --base-url URL       # against a running service (loopback only)
    python -m bench.web_weight --cpu-slowdown 6 --runs 5 --network none

The own server runs on its own throwaway database (servicemap_web_bench, so that other benchmarks
recreating servicemap_bench cannot pull it away mid-run) holding bench/harness.py's benchmark centres,
named 基准测试点 N. Each run is a cold load (new browser context, no HTTP cache, no service worker).
Map tiles are answered locally with an empty response: the number is our code and our API.
"""
import argparse
import gzip
import os
import re
import statistics
from contextlib import nullcontext
from pathlib import Path

import httpx
from playwright.sync_api import Browser, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from bench.harness import bench_database_url, populate, running_service

ROOT = Path(__file__).resolve().parent.parent
WEB = ROOT / "web"
BUDGET_GZIP_KB = 150
FIRST_LIST_TARGET_MS = 3000
BENCH_CENTRES = 776  # as many as Kunming reports
RIDER = {"longitude": 102.7037, "latitude": 25.0480}  # 翠湖, 五华区
FIRST_LIST_MARK = "servicemap:first-station-list"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# Round figures for a phone on a poor mobile link (latency ms, throughput bytes/s).
# "rider": a roadside phone on a weak signal, about 400 kbit/s down and a 400 ms round trip.
NETWORKS = {
    "none": None,
    "rider": {"offline": False, "latency": 400, "downloadThroughput": 50_000, "uploadThroughput": 50_000},
    "slow4g": {"offline": False, "latency": 150, "downloadThroughput": 200_000, "uploadThroughput": 90_000},
    "3g": {"offline": False, "latency": 400, "downloadThroughput": 60_000, "uploadThroughput": 50_000},
}


WEB_BENCH_DATABASE = "servicemap_web_bench"


def web_bench_database(count: int) -> str:
    """Recreate servicemap_web_bench with the real districts and `count` benchmark centres."""
    url = bench_database_url().rsplit("/", 1)[0] + f"/{WEB_BENCH_DATABASE}"
    populate(url, count)
    return url


def asset_groups() -> dict[str, list[Path]]:
    """What the page loads (and the service worker), by who wrote it."""
    return {
        "our JS": sorted((WEB / "js").glob("*.js")) + [WEB / "sw.js"],
        "our CSS": sorted((WEB / "css").glob("*.css")),
        "our HTML": [WEB / "index.html"],
        "Leaflet 1.9.4 JS+CSS": [WEB / "vendor" / "leaflet" / "leaflet.js", WEB / "vendor" / "leaflet" / "leaflet.css"],
    }


STATIC_IMPORT = re.compile(r'^import [^;]*? from "\./([\w-]+\.js)";', re.M)


def static_closure(start: str) -> set[str]:
    """The modules loaded before `start` runs: it and everything it imports statically, transitively."""
    seen, todo = set(), [start]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo += STATIC_IMPORT.findall((WEB / "js" / name).read_text(encoding="utf-8"))
    return seen


def view_groups() -> dict[str, list[Path]]:
    """What each view loads: the rider page (its first screen, then the map and the embed snippet) and
    what the planner view adds to it (its modules, strings and stylesheet, imported only there)."""
    rider = static_closure("app.js") | static_closure("map.js") | static_closure("share.js")
    planner = static_closure("planner.js") - rider
    leaflet = asset_groups()["Leaflet 1.9.4 JS+CSS"]
    return {
        "rider page": [WEB / "js" / name for name in sorted(rider)] + [WEB / "css" / "app.css"] + leaflet,
        "planner view adds": [WEB / "js" / name for name in sorted(planner)] + [WEB / "css" / "planner.css"],
    }


def weigh(paths: list[Path]) -> tuple[int, int]:
    """Raw bytes and gzip -9 bytes, each file compressed on its own as it is sent."""
    raw = sum(path.stat().st_size for path in paths)
    packed = sum(len(gzip.compress(path.read_bytes(), compresslevel=9)) for path in paths)
    return raw, packed


def print_weight() -> None:
    print(f"{'asset':<24}{'files':>6}{'raw KB':>10}{'gzip KB':>10}")
    total_raw = total_gzip = budget_gzip = 0
    for name, paths in asset_groups().items():
        raw, packed = weigh(paths)
        total_raw, total_gzip = total_raw + raw, total_gzip + packed
        if name != "our HTML":
            budget_gzip += packed
        print(f"{name:<24}{len(paths):>6}{raw / 1024:>10.1f}{packed / 1024:>10.1f}")
    print(f"{'total':<24}{'':>6}{total_raw / 1024:>10.1f}{total_gzip / 1024:>10.1f}")
    print(f"JS+CSS+Leaflet gzipped: {budget_gzip / 1024:.1f} KB (budget {BUDGET_GZIP_KB} KB)")
    for name, paths in view_groups().items():
        raw, packed = weigh(paths)
        print(f"{name:<24}{len(paths):>6}{raw / 1024:>10.1f}{packed / 1024:>10.1f}")


def print_answer_sizes(base_url: str) -> None:
    """The rider's nearest request as the page sends it (fields=card) against every field, as sent (gzip)."""
    query = f"lon={RIDER['longitude']}&lat={RIDER['latitude']}&limit=10&mode=ebike&open_now=true"
    sizes = {}
    with httpx.Client(base_url=base_url, headers={"Accept-Encoding": "gzip"}) as client:
        for fields in ("card", "all"):
            response = client.get(f"/api/centres/nearest?{query}&fields={fields}")
            response.raise_for_status()
            sizes[fields] = (len(response.content), response.num_bytes_downloaded, len(response.json()["features"]))
    for fields, (raw, sent, count) in sizes.items():
        print(f"nearest answer, fields={fields:<4} {count:>3} stations: "
              f"{raw / 1024:6.1f} KB raw, {sent / 1024:5.1f} KB sent")


def first_list_ms(browser: Browser, base_url: str, *, cpu_slowdown: float, network: str) -> float:
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True, has_touch=True,
        locale="zh-CN", timezone_id="Asia/Shanghai", geolocation=RIDER, permissions=["geolocation"],
        service_workers="block",
    )
    try:
        context.route("https://tile.openstreetmap.org/**", lambda route: route.fulfill(status=204))
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": cpu_slowdown})
        if NETWORKS[network]:
            cdp.send("Network.enable")
            cdp.send("Network.emulateNetworkConditions", NETWORKS[network])
        page.goto(f"{base_url}/")
        try:
            page.wait_for_function(f"performance.getEntriesByName('{FIRST_LIST_MARK}').length > 0", timeout=120_000)
        except PlaywrightError as error:
            raise RuntimeError(f"no station list; the page says: {page.locator('#status').inner_text()!r}") from error
        return page.evaluate(f"performance.getEntriesByName('{FIRST_LIST_MARK}')[0].startTime")
    finally:
        context.close()


def print_timing(base_url: str, *, runs: int, cpu_slowdown: float, network: str) -> None:
    executable = os.environ.get("SERVICEMAP_CHROMIUM", "/usr/bin/chromium")
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            times = [first_list_ms(browser, base_url, cpu_slowdown=cpu_slowdown, network=network)
                     for _ in range(runs)]
        finally:
            browser.close()
    conditions = NETWORKS[network]
    link = "no network throttling" if conditions is None else (
        f"network {network}: {conditions['downloadThroughput'] * 8 / 1000:g} kbit/s down, {conditions['latency']} ms")
    print(f"time to first station list, {cpu_slowdown:g}x CPU slowdown, {link}, {runs} cold loads at 360x740:")
    median = statistics.median(times)
    verdict = "within" if median <= FIRST_LIST_TARGET_MS else "OVER"
    print(f"  median {median:.0f} ms, min {min(times):.0f} ms, max {max(times):.0f} ms "
          f"({verdict} the {FIRST_LIST_TARGET_MS} ms target)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", help="a running service on loopback (default: start one)")
    parser.add_argument("--cpu-slowdown", type=float, default=4.0)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--network", choices=sorted(NETWORKS), default="rider")
    parser.add_argument("--centres", type=int, default=BENCH_CENTRES, help="benchmark centres in the own server")
    args = parser.parse_args()
    print_weight()
    if args.base_url:
        service = nullcontext(args.base_url.rstrip("/"))
    else:
        service = running_service(web_bench_database(args.centres), SERVICEMAP_LOG_LEVEL="WARNING")
    with service as base_url:
        print_answer_sizes(base_url)
        print_timing(base_url, runs=args.runs, cpu_slowdown=args.cpu_slowdown, network=args.network)


if __name__ == "__main__":
    main()
