"""The real app served by uvicorn on a free loopback port, in a background thread."""
import socket
import threading
import time
from dataclasses import dataclass

import uvicorn

from app.main import create_app
from app.settings import Settings

START_TIMEOUT_S = 20.0


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
