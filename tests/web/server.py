"""The real app on a free loopback port: in a background thread (start_server, unthrottled_server), or
as the production server process that `servicemap serve` runs, with its workers (service_process)."""
import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn

from app.main import create_app
from app.settings import Settings

START_TIMEOUT_S = 20.0
PROJECT_DIR = Path(__file__).resolve().parents[2]


@dataclass
class LiveServer:
    base_url: str
    server: uvicorn.Server
    thread: threading.Thread

    def url(self, path: str = "/") -> str:
        return f"{self.base_url}{path}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


UNTHROTTLED_PER_MINUTE = 1_000_000  # a rate limit no test reaches


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def start_server(settings: Settings, *, host: str = "127.0.0.1") -> LiveServer:
    port = free_port(host)
    # No websockets (the app has none) and no access log: quiet, and nothing deprecated imported.
    config = uvicorn.Config(create_app(settings), host=host, port=port, log_level="warning", ws="none",
                            access_log=False, lifespan="on", proxy_headers=False, server_header=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="servicemap-live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT_S
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the test server did not start on {host}:{port}")
        time.sleep(0.05)
    return LiveServer(base_url=f"http://{host}:{port}", server=server, thread=thread)


@contextlib.contextmanager
def unthrottled_server(database_url: str, network_dir: Path, **settings: object) -> Iterator[LiveServer]:
    """The app in a background thread with a rate limit no test reaches (tests that fire many requests),
    plain-text logs, a road network in ``network_dir`` (or none there) and any other ``settings``."""
    server = start_server(Settings(database_url=database_url, network_dir=network_dir, log_json=False,
                                   rate_limit_per_minute=UNTHROTTLED_PER_MINUTE,
                                   public_routing_per_minute=UNTHROTTLED_PER_MINUTE, **settings))
    try:
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def service_process(database_url: str, *, workers: int = 1, log_path: Path | None = None,
                    **env: str) -> Iterator[tuple[str, int]]:
    """`servicemap serve` as a process; yields (base URL, process id) and stops it afterwards. With
    log_path the server's output (a JSON line per request) goes there, not to the terminal."""
    port = free_port()
    with open(log_path, "wb") if log_path else contextlib.nullcontext() as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
             "--workers", str(workers)],
            cwd=PROJECT_DIR, env={**os.environ, "DATABASE_URL": database_url, **env},
            stdout=log, stderr=subprocess.STDOUT if log else None,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(base, process)
            yield base, process.pid
        finally:
            process.terminate()
            process.wait(timeout=30)


def _wait_until_up(base: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"service at {base} did not come up")
