"""Per-client rate limits that hold across workers and instances: the counters live in PostgreSQL.

Each worker keeps one connection for counting, driven from the event loop (psycopg's async API),
so counting never waits for one of the threads that serve requests. Requests do not each make a
round trip: the first one goes at once, and those that arrive while a call is running go together
in the next call (``rate_limit_take`` takes slots for many clients at once, migration 0005). A
flood of one client's requests therefore costs the database a handful of calls, not one per
request. If the database cannot answer within ``timeout`` the requests are let through: the
limiter must not turn a database hiccup into an outage of pages that need no database, and the
requests that do need it fail with 503 anyway.
"""
import asyncio
import ipaddress
import logging
import math
import time
from collections import defaultdict
from collections.abc import Callable
from functools import partial

import anyio.from_thread
import psycopg

from app.errors import TooManyRequests

log = logging.getLogger("servicemap.ratelimit")
RECONNECT_AFTER_S = 1.0
Waiter = asyncio.Future  # resolves to 0.0 (allowed) or the seconds to wait


def client_key(address: str) -> str:
    """IPv6 clients by /64 (one subscriber gets a whole /64), IPv4 by address."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    return str(ipaddress.ip_network(f"{ip}/64", strict=False)) if ip.version == 6 else address


def _resolve(waiters: dict[str, list[Waiter]], answers: dict[str, tuple[int, float]]) -> None:
    """The first ``granted`` requests of each key may go; the rest learn how long to wait."""
    for key, key_waiters in waiters.items():
        granted, retry_after = answers.get(key, (len(key_waiters), 0.0))
        for position, waiter in enumerate(key_waiters):
            if not waiter.done():
                waiter.set_result(0.0 if position < granted else max(retry_after, 0.001))


class RateLimiter:
    """``await limiter.take(name, client, limit=…, period_s=…)`` → 0 if allowed, else seconds to wait."""

    def __init__(self, conninfo: str, *, timeout: float = 2.0) -> None:
        self._conninfo = conninfo
        self._timeout = timeout
        self._connection: psycopg.AsyncConnection | None = None
        self._queued: dict[tuple[int, float], dict[str, list[Waiter]]] = defaultdict(lambda: defaultdict(list))
        self._sender: asyncio.Task | None = None
        self._down_until = 0.0

    async def take(self, name: str, client: str, *, limit: int, period_s: float, slots: int = 1) -> float:
        """0 if all ``slots`` were granted, else the seconds until the last of them would be."""
        if time.monotonic() < self._down_until:
            return 0.0
        loop = asyncio.get_running_loop()
        waiters: list[Waiter] = [loop.create_future() for _ in range(slots)]
        self._queued[limit, period_s][f"{name}:{client_key(client)}"].extend(waiters)
        if self._sender is None or self._sender.done():
            self._sender = asyncio.create_task(self._send_queued())
        return max(await asyncio.gather(*waiters), default=0.0)

    def charge_from_thread(self, name: str, client: str, *, limit: int, period_s: float) -> Callable[[int], None]:
        """For synchronous routes (which run on worker threads): a function that takes slots for
        ``client`` and raises TooManyRequests when they are not granted."""
        def charge(slots: int) -> None:
            wait = anyio.from_thread.run(partial(self.take, name, client, limit=limit, period_s=period_s,
                                                 slots=slots))
            if wait:
                raise TooManyRequests(f"at most {limit} new routing computations a minute from one client without "
                                      "a token; retry later, or ask for a coverage that is already computed",
                                      retry_after=max(1, math.ceil(wait)))
        return charge

    async def _send_queued(self) -> None:
        while self._queued:
            batches, self._queued = self._queued, defaultdict(lambda: defaultdict(list))
            for (limit, period_s), waiters in batches.items():
                answers: dict[str, tuple[int, float]] = {}
                try:
                    answers = await self._answers(waiters, limit, period_s)
                finally:  # whatever happened, no request is left waiting for an answer
                    _resolve(waiters, answers)

    async def _answers(self, waiters: dict[str, list[Waiter]], limit: int,
                       period_s: float) -> dict[str, tuple[int, float]]:
        """key → (slots granted, seconds until the next); empty when the database cannot say."""
        if time.monotonic() < self._down_until:
            return {}
        keys = sorted(waiters)
        try:
            async with asyncio.timeout(self._timeout):
                connection = await self._connect()
                cursor = await connection.execute(
                    "SELECT key, granted, retry_after FROM rate_limit_take(%s, %s, %s, %s)",
                    (keys, [len(waiters[k]) for k in keys], limit, period_s))
                return {key: (granted, retry_after) for key, granted, retry_after in await cursor.fetchall()}
        except (psycopg.Error, OSError, TimeoutError) as exc:
            log.warning("rate limiter unavailable for %.0f s, letting requests through: %s",
                        RECONNECT_AFTER_S, type(exc).__name__)
            await self._reset()
            return {}

    async def _connect(self) -> psycopg.AsyncConnection:
        if self._connection is None or self._connection.closed:
            self._connection = await psycopg.AsyncConnection.connect(
                self._conninfo, autocommit=True, connect_timeout=max(1, int(self._timeout)))
        return self._connection

    async def _reset(self) -> None:
        self._down_until = time.monotonic() + RECONNECT_AFTER_S
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                await connection.close()
            except psycopg.Error:
                pass

    async def close(self) -> None:
        if self._sender is not None:
            await asyncio.gather(self._sender, return_exceptions=True)
        if self._connection is not None:
            await self._connection.close()
