"""HTTP middleware: the shared rate limit, input that never reaches a handler, security headers and
one log line per request; and who the client is (uvicorn's proxy-headers middleware, trusting only the
configured proxies). Plain ASGI rather than BaseHTTPMiddleware: no extra
task and stream per request, which showed up as milliseconds on every isochrone (bench/routing.py)."""
import json
import logging
import math
import os
import time
import uuid
from urllib.parse import parse_qsl

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from app.errors import PayloadTooLarge, error_body, send_json
from app.http import has_control_characters
from app.ops.admission import AdmissionControl
from app.settings import Settings

log = logging.getLogger("servicemap.request")

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "geolocation=(self), camera=(), microphone=()",
}
RATE_PERIOD_S = 60.0
WORKER = os.getpid()  # which worker process answered, in every request's log line
UNLIMITED_PATHS = ("/healthz", "/readyz")
RATE_LIMITED_PREFIXES = ("/api/", "/ogc/")  # the JSON API and its OGC API – Features face


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


def control_character_field(scope: Scope) -> str | None:
    """The first query parameter (or the path) holding a control character: PostgreSQL cannot store
    NUL, and no field of ours means anything with the others, so they stop here with a 422."""
    if has_control_characters(scope["path"]):
        return "path"
    query = scope.get("query_string", b"").decode("latin-1")
    for name, value in parse_qsl(query, keep_blank_values=True, errors="replace"):
        if has_control_characters(name) or has_control_characters(value):
            return name if not has_control_characters(name) else "query"
    return None


class ServiceMiddleware:
    """Client address, input screening, the rate limit, security headers, request id and a log line."""

    def __init__(self, app: ASGIApp, *, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), [None]
        request_id = _request_id(Headers(scope=scope).get("x-request-id"))
        client = scope["client"][0] if scope.get("client") else "unknown"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                _secure(MutableHeaders(scope=message), request_id)
            await send(message)

        try:
            refusal = await self._refusal(scope, client)
            if refusal is not None:
                await _answer(send_with_headers, *refusal)
            else:
                await self.app(scope, self._bounded(receive), send_with_headers)
        except Exception:
            # A bug: the traceback goes to the log, the client gets the one error body with the
            # request id to quote (and the usual headers), never the exception's text.
            log.exception("unhandled error", extra={"fields": {"request_id": request_id, "path": scope["path"]}})
            if status[0] is None:
                body = error_body("internal_error", f"unexpected error; quote request id {request_id}", None)
                await _answer(send_with_headers, 500, body, {})
        finally:
            log.info("request", extra={"fields": {
                "request_id": request_id, "worker": WORKER, "method": scope["method"], "path": scope["path"],
                "status": status[0],
                "ms": round((time.perf_counter() - started) * 1000, 1)}})

    async def _refusal(self, scope: Scope, client: str) -> tuple[int, dict, dict[str, str]] | None:
        field = control_character_field(scope)
        if field is not None:
            return 422, error_body("invalid_parameter", f"{field}: control characters are not allowed", field), {}
        length = Headers(scope=scope).get("content-length", "")
        if length.isdigit() and int(length) > self.settings.max_body_bytes:
            body = error_body("payload_too_large", f"the body may be at most {self.settings.max_body_bytes} bytes",
                              "body")
            return 413, body, {}
        if not scope["path"].startswith(RATE_LIMITED_PREFIXES) or scope["path"] in UNLIMITED_PATHS:
            return None
        limiter = scope["app"].state.rate_limiter
        wait = await limiter.take("api", client, limit=self.settings.rate_limit_per_minute, period_s=RATE_PERIOD_S)
        if not wait:
            return None
        body = error_body("too_many_requests", "rate limit exceeded; slow down", None)
        return 429, body, {"Retry-After": str(max(1, math.ceil(wait)))}

    def _bounded(self, receive: Receive) -> Receive:
        """A body sent without Content-Length still stops at max_body_bytes (the rest is not read)."""
        limit, seen = self.settings.max_body_bytes, [0]

        async def receive_bounded() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                seen[0] += len(message.get("body", b""))
                if seen[0] > limit:
                    raise PayloadTooLarge(f"the body may be at most {limit} bytes", field="body")
            return message

        return receive_bounded


def _request_id(given: str | None) -> str:
    # A caller's id is echoed only if it is a plain token: it goes into headers and logs.
    if given and len(given) <= 64 and all(ch.isascii() and (ch.isalnum() or ch in "-_.") for ch in given):
        return given
    return uuid.uuid4().hex


async def _answer(send: Send, status: int, body: dict, headers: dict[str, str]) -> None:
    await send_json(send, status, body, headers)


def _secure(headers: MutableHeaders, request_id: str) -> None:
    for name, value in SECURITY_HEADERS.items():
        headers.setdefault(name, value)
    # Only /embed may be framed elsewhere; it sets its own frame-ancestors.
    headers.setdefault("Content-Security-Policy", "frame-ancestors 'self'")
    headers["X-Request-ID"] = request_id


def needs_admission(path: str) -> bool:
    """The API, the OGC face and the app page (a shared station is looked up); not the static files."""
    return path.startswith(("/api/", "/ogc")) or path == "/"


def install_middleware(app: FastAPI, settings: Settings) -> None:
    # Outermost last: CORS, the proxies' headers, the service middleware (limits, headers, log),
    # admission control, then gzip next to the app.
    # Riders are on slow mobile networks: compress JSON, GeoJSON and the page's own files.
    app.add_middleware(GZipMiddleware, minimum_size=1000, compresslevel=5)  # ~level 9 size, far less CPU
    app.add_middleware(AdmissionControl, max_active=settings.max_active_requests,
                       max_waiting=settings.max_waiting_requests, max_wait_s=settings.max_wait_seconds,
                       admit=needs_admission)
    app.add_middleware(ServiceMiddleware, settings=settings)
    if settings.trusted_proxies:
        # The client's address and scheme (X-Forwarded-For/-Proto) from the configured proxies only:
        # nobody else can choose their identity, and links behind a TLS proxy say https.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["*"],
                           allow_headers=["Authorization", "If-Match", "Content-Type"], expose_headers=["ETag"])
