"""Admission control (app/ops/admission.py) driven as ASGI on a real event loop: a slow application
behind it, many requests at once, clients that give up."""
import asyncio
import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from app.ops.admission import AdmissionControl
from app.ops.middleware import needs_admission


class SlowApp:
    """Answers 200 after ``seconds``, echoing the request body; counts what it ran."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.ran = 0
        self.running = 0
        self.most_at_once = 0

    async def __call__(self, scope, receive, send) -> None:
        self.running += 1
        self.most_at_once = max(self.most_at_once, self.running)
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        await asyncio.sleep(self.seconds)
        self.running -= 1
        self.ran += 1
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": body})


class Client:
    """One request: its body in one message, then (optionally) a disconnect after ``leave_after`` s."""

    def __init__(self, body: bytes = b"", leave_after: float | None = None) -> None:
        self.body, self.leave_after = body, leave_after
        self.status: int | None = None
        self.headers: dict[bytes, bytes] = {}
        self.answer = b""
        self._sent_body = False
        self._left = asyncio.Event()

    async def receive(self):
        if not self._sent_body:
            self._sent_body = True
            return {"type": "http.request", "body": self.body, "more_body": False}
        if self.leave_after is None:
            await asyncio.Event().wait()
        await asyncio.sleep(self.leave_after)
        self._left.set()
        return {"type": "http.disconnect"}

    async def send(self, message) -> None:
        if message["type"] == "http.response.start":
            self.status, self.headers = message["status"], dict(message["headers"])
        else:
            self.answer += message.get("body", b"")


def run(coroutine):
    """asyncio.run on a thread of its own: Playwright's sync API (the browser tests) may leave an event
    loop marked running on the main thread, which asyncio.run refuses."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


def scope(path: str = "/api/centres") -> dict:
    return {"type": "http", "path": path, "method": "POST", "headers": []}


async def call(gate: AdmissionControl, client: Client, path: str = "/api/centres") -> None:
    await gate(scope(path), client.receive, client.send)


def test_at_most_max_active_run_and_the_rest_wait_their_turn() -> None:
    app = SlowApp(0.05)
    gate = AdmissionControl(app, max_active=3, max_waiting=100, max_wait_s=5)
    clients = [Client(body=f"request {i}".encode()) for i in range(20)]

    async def burst() -> None:
        await asyncio.gather(*(call(gate, c) for c in clients))

    run(burst())
    assert [c.status for c in clients] == [200] * 20
    assert app.most_at_once == 3
    # A waiting request's body was read while it waited and handed to the app unchanged.
    assert [c.answer for c in clients] == [f"request {i}".encode() for i in range(20)]


def test_a_burst_beyond_what_can_wait_is_shed_at_once_with_retry_after() -> None:
    app = SlowApp(0.2)
    gate = AdmissionControl(app, max_active=2, max_waiting=4, max_wait_s=10)
    clients = [Client() for _ in range(30)]

    answered: list[int] = []  # statuses in the order the clients got them

    async def burst() -> None:
        async def one(client: Client) -> None:
            await call(gate, client)
            answered.append(client.status)

        await asyncio.gather(*(one(c) for c in clients))

    run(burst())
    assert answered.count(200) == 6 and answered.count(503) == 24
    # Every refusal came before the first admitted request finished: none waited for a slot.
    assert answered[:24] == [503] * 24, answered
    refused = next(c for c in clients if c.status == 503)
    assert int(refused.headers[b"retry-after"]) >= 1
    assert json.loads(refused.answer)["error"] == "overloaded"


def test_a_request_expected_to_wait_too_long_is_refused_without_waiting() -> None:
    app = SlowApp(0.3)
    gate = AdmissionControl(app, max_active=1, max_waiting=100, max_wait_s=1.0)
    gate.service_s = 0.3  # as learnt from earlier requests

    async def burst() -> list[Client]:
        clients = [Client() for _ in range(10)]
        await asyncio.gather(*(call(gate, c) for c in clients))
        return clients

    statuses = [c.status for c in run(burst())]
    # One runs, about three fit in one second of expected wait; the others are told to come back.
    assert 3 <= statuses.count(200) <= 5 and statuses.count(503) == 10 - statuses.count(200)


def test_waiting_requests_whose_clients_left_are_dropped_not_run() -> None:
    app = SlowApp(0.1)
    gate = AdmissionControl(app, max_active=1, max_waiting=100, max_wait_s=10)
    clients = [Client()] + [Client(leave_after=0.05) for _ in range(40)]

    async def burst() -> None:
        await asyncio.wait_for(asyncio.gather(*(call(gate, c) for c in clients)), timeout=5)

    run(burst())
    assert clients[0].status == 200
    assert app.ran <= 2, f"{app.ran} requests ran for clients that had gone"
    assert gate.waiting == 0 and gate.active == 0


@pytest.mark.parametrize("path", ["/healthz", "/js/app.js", "/vendor/leaflet/leaflet.js"])
def test_probes_and_files_are_never_queued(path: str) -> None:
    app = SlowApp(0.2)
    gate = AdmissionControl(app, max_active=1, max_waiting=0, max_wait_s=0.1, admit=needs_admission)

    async def probe_during_load() -> tuple[Client, Client]:
        busy, probe = Client(), Client()
        first = asyncio.create_task(call(gate, busy))
        await asyncio.sleep(0.01)
        await call(gate, probe, path)
        await first
        return busy, probe

    busy, probe = run(probe_during_load())
    assert busy.status == 200 and probe.status == 200
