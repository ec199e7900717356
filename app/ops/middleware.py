"""HTTP middleware: structured request logs, security headers, and a public rate limit."""
import ipaddress
import json
import logging
import math
import time
import uuid
from collections import OrderedDict

from fastapi import FastAPI, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import error_body
from app.settings import Settings

log = logging.getLogger("servicemap.request")

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "geolocation=(self), camera=(), microphone=()",
}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: easy to ship to any log store."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": self.formatTime(record), "level": record.levelname, "logger": record.name,
                 "message": record.getMessage(), **getattr(record, "fields", {})}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(*, as_json: bool, level: str = "INFO") -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if as_json else logging.Formatter("%(levelname)s %(name)s %(message)s"))
    root = logging.getLogger("servicemap")
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    root.propagate = False


class TokenBuckets:
    """Requests per client per minute, refilled continuously; in-process (one limiter per worker)."""

    def __init__(self, per_minute: int, *, max_clients: int = 50_000) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.max_clients = max_clients
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, client: str, now: float) -> float:
        """0 if allowed, else the seconds until a request would be."""
        key = client_key(client)
        tokens, last = self._buckets.pop(key, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - last) * self.rate)
        allowed = tokens >= 1
        self._buckets[key] = (tokens - 1 if allowed else tokens, now)  # most recent last
        if len(self._buckets) > self.max_clients:
            self._buckets.popitem(last=False)  # bounded memory: forget the longest-idle client
        return 0.0 if allowed else (1 - tokens) / self.rate


def client_key(address: str) -> str:
    """IPv6 clients by /64 (one subscriber gets a whole /64), IPv4 by address."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    return str(ipaddress.ip_network(f"{ip}/64", strict=False)) if ip.version == 6 else address


class ServiceMiddleware:
    """Rate limit, security headers, request id and a log line per request.

    Plain ASGI rather than BaseHTTPMiddleware: no extra task and stream per request, which
    showed up as milliseconds on every isochrone (bench/routing.py)."""

    def __init__(self, app: ASGIApp, *, settings: Settings) -> None:
        self.app = app
        self.buckets = TokenBuckets(settings.rate_limit_per_minute)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), [500]
        request_id = Headers(scope=scope).get("x-request-id") or uuid.uuid4().hex

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                _secure(MutableHeaders(scope=message), request_id)
            await send(message)

        try:
            limited = self._limited(scope)
            await (limited or self.app)(scope, receive, send_with_headers)
        finally:
            log.info("request", extra={"fields": {
                "request_id": request_id, "method": scope["method"], "path": scope["path"], "status": status[0],
                "ms": round((time.perf_counter() - started) * 1000, 1)}})

    def _limited(self, scope: Scope) -> Response | None:
        if not scope["path"].startswith("/api/"):
            return None
        client = scope.get("client")
        wait = self.buckets.take(client[0] if client else "unknown", time.monotonic())
        if not wait:
            return None
        body = error_body("too_many_requests", "rate limit exceeded; slow down", None)
        return JSONResponse(body, status_code=429, headers={"Retry-After": str(math.ceil(wait))})


def _secure(headers: MutableHeaders, request_id: str) -> None:
    for name, value in SECURITY_HEADERS.items():
        headers.setdefault(name, value)
    # Only /embed may be framed elsewhere; it sets its own frame-ancestors.
    headers.setdefault("Content-Security-Policy", "frame-ancestors 'self'")
    headers["X-Request-ID"] = request_id


def install_middleware(app: FastAPI, settings: Settings) -> None:
    # Riders are on slow mobile networks: compress JSON, GeoJSON and the page's own files.
    app.add_middleware(GZipMiddleware, minimum_size=1000, compresslevel=5)  # ~level 9 size, far less CPU
    app.add_middleware(ServiceMiddleware, settings=settings)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["*"],
                           allow_headers=["Authorization", "If-Match", "Content-Type"], expose_headers=["ETag"])
