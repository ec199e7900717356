"""Per-client rate limits that hold across workers and instances: the counters live in PostgreSQL.

Each check is one call of ``rate_limit_take`` (migration 0005) on a connection of the worker's own,
driven from the event loop (psycopg's async API), so counting never waits for one of the threads
that serve requests. If the database cannot answer within ``timeout`` the request is let through:
the limiter must not turn a database hiccup into an outage of pages that need no database, and the
requests that do need it fail with 503 anyway.
"""
import asyncio
import ipaddress
import logging
import time

import psycopg

log = logging.getLogger("servicemap.ratelimit")
RECONNECT_AFTER_S = 1.0


def client_key(address: str) -> str:
    """IPv6 clients by /64 (one subscriber gets a whole /64), IPv4 by address."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    return str(ipaddress.ip_network(f"{ip}/64", strict=False)) if ip.version == 6 else address


class RateLimiter:
    """``await limiter.take(scope_name, client, limit, period_s)`` → 0 if allowed, else seconds to wait."""

    def __init__(self, conninfo: str, *, timeout: float = 0.5) -> None:
        self._conninfo = conninfo
        self._timeout = timeout
        self._connection: psycopg.AsyncConnection | None = None
        self._lock = asyncio.Lock()
        self._down_until = 0.0

    async def take(self, name: str, client: str, *, limit: int, period_s: float) -> float:
        if time.monotonic() < self._down_until:
            return 0.0
        try:
            async with asyncio.timeout(self._timeout):
                async with self._lock:  # one statement at a time on the worker's connection
                    return await self._take(f"{name}:{client_key(client)}", limit, period_s)
        except (psycopg.Error, OSError, TimeoutError) as exc:
            log.warning("rate limiter unavailable, letting requests through: %s", type(exc).__name__)
            await self._reset()
            return 0.0

    async def _take(self, key: str, limit: int, period_s: float) -> float:
        if self._connection is None or self._connection.closed:
            self._connection = await psycopg.AsyncConnection.connect(
                self._conninfo, autocommit=True, connect_timeout=max(1, int(self._timeout)))
        cursor = await self._connection.execute("SELECT rate_limit_take(%s, %s, %s)", (key, limit, period_s))
        row = await cursor.fetchone()
        return float(row[0]) if row else 0.0

    async def _reset(self) -> None:
        self._down_until = time.monotonic() + RECONNECT_AFTER_S
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                await connection.close()
            except psycopg.Error:
                pass

    async def close(self) -> None:
        if self._connection is not None:
            await self._connection.close()
