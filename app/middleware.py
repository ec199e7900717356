"""HTTP middleware: structured request logs, security headers, and a public rate limit."""
import json
import logging
import math
import time
import uuid

from fastapi import FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint

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
        self._buckets: dict[str, tuple[float, float]] = {}

    def take(self, client: str, now: float) -> float:
        """0 if allowed, else the seconds until a request would be."""
        tokens, last = self._buckets.get(client, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - last) * self.rate)
        if tokens < 1:
            self._buckets[client] = (tokens, now)
            return (1 - tokens) / self.rate
        if len(self._buckets) >= self.max_clients:
            self._buckets.clear()  # bounded memory under a flood of distinct addresses
        self._buckets[client] = (tokens - 1, now)
        return 0.0


class ServiceMiddleware(BaseHTTPMiddleware):
    def __init__(self, app, *, settings: Settings) -> None:
        super().__init__(app)
        self.buckets = TokenBuckets(settings.rate_limit_per_minute)

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        started = time.perf_counter()
        request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
        response = self._limited(request) or await call_next(request)
        self._secure(request, response)
        response.headers["X-Request-ID"] = request_id
        log.info("request", extra={"fields": {
            "request_id": request_id, "method": request.method, "path": request.url.path,
            "status": response.status_code, "ms": round((time.perf_counter() - started) * 1000, 1)}})
        return response

    def _limited(self, request: Request) -> Response | None:
        if not request.url.path.startswith("/api/"):
            return None
        wait = self.buckets.take(request.client.host if request.client else "unknown", time.monotonic())
        if not wait:
            return None
        body = error_body("too_many_requests", "rate limit exceeded; slow down", None)
        return JSONResponse(body, status_code=429, headers={"Retry-After": str(math.ceil(wait))})

    @staticmethod
    def _secure(request: Request, response: Response) -> None:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        # Only /embed may be framed elsewhere; it sets its own frame-ancestors.
        if "content-security-policy" not in response.headers:
            response.headers["Content-Security-Policy"] = "frame-ancestors 'self'"


def install_middleware(app: FastAPI, settings: Settings) -> None:
    app.add_middleware(ServiceMiddleware, settings=settings)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["*"],
                           allow_headers=["Authorization", "If-Match", "Content-Type"], expose_headers=["ETag"])
