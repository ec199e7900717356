"""Admission control: a bounded number of requests run at once; the rest wait briefly or are shed.

Why: routes are synchronous (SQLAlchemy + psycopg, GEOS, Valhalla) and run in the worker's thread
pool, each holding one database connection. Let more requests in than there are connections and
threads, and they queue inside the pool for seconds, then fail; under a burst the whole worker
locks up. Here at most ``max_active`` requests run (sized with the connection pool and the thread
limiter, see app/main.py); the others wait in a FIFO on the event loop, where waiting costs
nothing. A request whose expected wait (requests ahead of it × recent service time ÷ max_active)
exceeds ``max_wait_s``, or that finds the queue full, gets 503 with Retry-After at once — a fast
"come back in a second" instead of a slow timeout. A waiting request whose client went away is
dropped, so a burst that ends leaves no backlog behind it. Only requests that may hold a thread and a
database connection for long go through it (the app's own files and /healthz run at once: a page
must load even while slow coverage requests hold every slot).
"""
import asyncio
import math
import time
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import error_body, send_json

SMOOTHING = 0.1  # weight of the newest sample in the moving average of service time


class AdmissionControl:
    def __init__(self, app: ASGIApp, *, max_active: int, max_waiting: int, max_wait_s: float,
                 admit: Callable[[str], bool] = lambda path: True) -> None:
        self.app = app
        self.max_active, self.max_waiting, self.max_wait_s = max_active, max_waiting, max_wait_s
        self.admit = admit  # which paths go through admission (the others run at once)
        self.active = 0
        self.waiting = 0
        self.service_s = 0.05  # moving average of how long an admitted request runs
        self._slots: asyncio.Semaphore | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.admit(scope["path"]):
            await self.app(scope, receive, send)
            return
        slots = self._slots or self._make_slots()
        if slots.locked():
            receive = await self._wait_for_slot(slots, receive, send)
            if receive is None:
                return
        else:
            await slots.acquire()
        await self._run(slots, scope, receive, send)

    def _make_slots(self) -> asyncio.Semaphore:
        self._slots = asyncio.Semaphore(self.max_active)  # created on the serving event loop
        return self._slots

    def expected_wait_s(self) -> float:
        return (self.waiting + 1) * self.service_s / self.max_active

    async def _run(self, slots: asyncio.Semaphore, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        self.active += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.active -= 1
            slots.release()
            elapsed = time.perf_counter() - started
            self.service_s += SMOOTHING * (min(elapsed, self.max_wait_s) - self.service_s)

    async def _wait_for_slot(self, slots: asyncio.Semaphore, receive: Receive, send: Send) -> Receive | None:
        """Queue for a slot; the request's own receive (replaying what was read), or None if it was
        answered with 503 or its client left."""
        if self.waiting >= self.max_waiting or self.expected_wait_s() > self.max_wait_s:
            await _shed(send, self.expected_wait_s())
            return None
        self.waiting += 1
        watcher = _DisconnectWatcher(receive)
        acquire = asyncio.ensure_future(slots.acquire())
        try:
            done, _ = await asyncio.wait({acquire, watcher.task}, timeout=self.max_wait_s,
                                         return_when=asyncio.FIRST_COMPLETED)
        finally:
            self.waiting -= 1
        if acquire in done:
            watcher.stop()
            return watcher.replay
        acquire.cancel()
        if acquire.done() and not acquire.cancelled():
            slots.release()  # acquired in the same instant as the timeout or disconnect
        watcher.stop()
        if watcher.task.done() and not watcher.task.cancelled():
            return None  # the client left; nobody to answer
        await _shed(send, self.max_wait_s)
        return None


class _DisconnectWatcher:
    """Reads the request while it waits: body messages are kept for the app, a disconnect ends the wait."""

    def __init__(self, receive: Receive) -> None:
        self._receive = receive
        self._kept: list[Message] = []
        self._error: Exception | None = None
        self.task = asyncio.ensure_future(self._watch())

    async def _watch(self) -> Message:
        while True:
            try:
                message = await self._receive()
            except Exception as exc:  # e.g. the body grew too large: the app answers it once admitted
                self._error = exc
                await asyncio.Event().wait()  # watch no more; cancelled when the wait ends
            if message["type"] == "http.disconnect":
                return message
            self._kept.append(message)

    def stop(self) -> None:
        if not self.task.done():
            self.task.cancel()

    async def replay(self) -> Message:
        if self._kept:
            return self._kept.pop(0)
        if self._error is not None:
            raise self._error
        if self.task.done() and not self.task.cancelled():
            return self.task.result()
        return await self._receive()


async def _shed(send: Send, wait_s: float) -> None:
    body = error_body("overloaded", "the service is busy; retry shortly", None)
    await send_json(send, 503, body, {"Retry-After": str(max(1, math.ceil(wait_s)))})
