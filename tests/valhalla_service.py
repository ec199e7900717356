"""The pyvalhalla wheel's own ``valhalla_service`` on a loopback port, for tests of the HTTP engine.

Configured like the in-process engine (geo/routing.py ``valhalla_config``, which raises the
isochrone limits that multi-origin coverage needs), optionally changed by the test, e.g. to see
what happens against a service that keeps Valhalla's default limits."""
import contextlib
import json
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx

from geo.routing import valhalla_config


def service_binary() -> Path:
    import valhalla

    return Path(valhalla.__file__).parent / "bin" / "valhalla_service"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def valhalla_service(tile_dir: Path, run_dir: Path, *, change: Callable[[dict], None] | None = None
                     ) -> Iterator[str]:
    """Yields the base URL of a running service; stops it (no drain) afterwards."""
    config = valhalla_config(tile_dir)
    port = _free_port()
    config["httpd"]["service"].update(listen=f"tcp://127.0.0.1:{port}", drain_seconds=0, shutdown_seconds=0,
                                      loopback=f"ipc://{run_dir}/loopback", interrupt=f"ipc://{run_dir}/interrupt")
    for worker in ("loki", "thor", "odin", "meili"):
        config[worker]["service"]["proxy"] = f"ipc://{run_dir}/{worker}"
    if change is not None:
        change(config)
    (run_dir / "valhalla.json").write_text(json.dumps(config))
    with open(run_dir / "service.log", "wb") as log:
        proc = subprocess.Popen([str(service_binary()), str(run_dir / "valhalla.json"), "1"], stdout=log, stderr=log)
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait(base_url, run_dir)
        yield base_url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def _wait(base_url: str, run_dir: Path) -> None:
    for _ in range(100):
        try:
            if httpx.get(f"{base_url}/status", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError("valhalla_service did not start:\n" + (run_dir / "service.log").read_text()[-2000:])
