"""One error hierarchy, mapped to HTTP statuses in one place.

Every error body has the same shape: {"error": code, "field": name-or-null, "message": text}.
Domain code raises these (or the geo/ errors mapped below); it never raises HTTPException.
"""
import json
import logging
import re

import psycopg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException
from starlette.types import Send

from geo.coords import InvalidCoordinate
from geo.hours import InvalidOpeningHours
from geo.routing import NoNetworkError, RoutingError, RoutingInputError

log = logging.getLogger("servicemap.errors")
_CONNECTION_ERRORS = (psycopg.OperationalError, psycopg.InterfaceError)
# Retry-After for a database that is restarting or a pool that is exhausted: seconds.
RETRY_SOON = "2"


class ServiceMapError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidParameter(ServiceMapError):
    status_code = 422
    code = "invalid_parameter"


class NotFound(ServiceMapError):
    status_code = 404
    code = "not_found"


class Conflict(ServiceMapError):
    status_code = 409
    code = "conflict"


class Unauthorized(ServiceMapError):
    status_code = 401
    code = "unauthorized"


class Forbidden(ServiceMapError):
    status_code = 403
    code = "forbidden"


class PreconditionFailed(ServiceMapError):
    status_code = 412
    code = "precondition_failed"


class PreconditionRequired(ServiceMapError):
    status_code = 428
    code = "precondition_required"


class TooManyRequests(ServiceMapError):
    status_code = 429
    code = "too_many_requests"

    def __init__(self, message: str, *, retry_after: int, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.retry_after = retry_after


class PayloadTooLarge(ServiceMapError):
    status_code = 413
    code = "payload_too_large"


class Unavailable(ServiceMapError):
    status_code = 503
    code = "unavailable"


class FieldError(BaseModel):
    field: str
    message: str


class ErrorBody(BaseModel):
    """The one body of every error response."""

    error: str
    field: str | None
    message: str
    details: list[FieldError] | None = None


STATUS_DESCRIPTIONS = {
    400: "Bad request", 401: "No or unknown API token", 403: "Not allowed for this token",
    404: "Not found", 405: "Method not allowed", 409: "Conflict with the stored state", 413: "Body too large",
    412: "If-Match does not match the stored version", 422: "Invalid parameter (the body names the field)",
    428: "If-Match is required", 429: "Too many requests (see Retry-After)", 502: "The routing engine failed",
    503: "Temporarily unavailable (see Retry-After)",
}


ERROR_CONTENT = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}


def responses(*statuses: int) -> dict[int | str, dict]:
    """OpenAPI entries for the error statuses an operation can return, each with the one error body
    as application/json (also on GeoJSON routes: errors are plain JSON). app/ops/openapi.py puts
    ErrorBody into the document. Use as ``@router.get(..., responses=responses(404, 409))``."""
    return {status: {"description": STATUS_DESCRIPTIONS[status], "content": ERROR_CONTENT} for status in statuses}


def error_body(code: str, message: str, field: str | None, **extra: object) -> dict[str, object]:
    return {"error": code, "field": field, "message": message, **extra}


async def send_json(send: Send, status: int, body: dict[str, object], headers: dict[str, str]) -> None:
    """An error answered by middleware, without the app: the bytes and headers JSONResponse would send."""
    raw = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    head = [(b"content-type", b"application/json"), (b"content-length", str(len(raw)).encode())]
    head += [(name.lower().encode(), value.encode()) for name, value in headers.items()]
    await send({"type": "http.response.start", "status": status, "headers": head})
    await send({"type": "http.response.body", "body": raw})


def _field_of(loc: tuple[object, ...]) -> str:
    if len(loc) == 2 and loc[0] == "header":  # ("header", "if-match") -> "If-Match", as HTTP writes it
        return "-".join(part.capitalize() for part in str(loc[1]).split("-"))
    # ("query", "bbox") -> "bbox"; ("body", "features", 0, "id") -> "features.0.id"
    # List indices of repeated query parameters say nothing to the user: kind.0 -> kind.
    in_query = bool(loc) and loc[0] == "query"
    parts = [str(p) for p in loc[1:] if not (in_query and isinstance(p, int))] if loc and loc[0] in (
        "query", "path", "body", "header") else [str(p) for p in loc]
    return ".".join(parts) or "request"


async def _on_service_error(_: Request, exc: ServiceMapError) -> JSONResponse:
    headers = {}
    if isinstance(exc, Unauthorized):
        headers["WWW-Authenticate"] = "Bearer"
    if isinstance(exc, TooManyRequests):
        headers["Retry-After"] = str(exc.retry_after)
    return JSONResponse(error_body(exc.code, exc.message, exc.field), status_code=exc.status_code, headers=headers)


async def _on_validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
    errors = exc.errors()
    first = errors[0] if errors else {"loc": (), "msg": "invalid request"}
    if first.get("type") == "missing" and tuple(first.get("loc", ())) == ("header", "if-match"):
        message = "changes need If-Match with the centre's ETag (from GET)"
        return JSONResponse(error_body("precondition_required", message, "If-Match"), status_code=428)
    field = _field_of(tuple(first.get("loc", ())))
    details = [{"field": _field_of(tuple(e.get("loc", ()))), "message": e.get("msg")} for e in errors]
    body = error_body("invalid_parameter", f"{field}: {first.get('msg')}", field, details=details)
    return JSONResponse(body, status_code=422)


async def _on_invalid_coordinate(_: Request, exc: InvalidCoordinate) -> JSONResponse:
    return JSONResponse(error_body("invalid_parameter", str(exc), exc.field), status_code=422)


async def _on_invalid_hours(_: Request, exc: InvalidOpeningHours) -> JSONResponse:
    return JSONResponse(error_body("invalid_parameter", str(exc), "opening_hours"), status_code=422)


def _routing_status(exc: RoutingError) -> tuple[int, str]:
    if isinstance(exc, RoutingInputError):
        return 422, "invalid_parameter"
    if isinstance(exc, NoNetworkError):
        return 503, "no_road_network"
    return 502, "routing_failed"  # the engine itself failed


async def _on_routing_error(_: Request, exc: RoutingError) -> JSONResponse:
    status, code = _routing_status(exc)
    return JSONResponse(error_body(code, str(exc), getattr(exc, "field", None)), status_code=status)


async def _on_database_error(request: Request, exc: DBAPIError) -> JSONResponse:
    # A lost connection (database restarting, network blip) or a statement that ran past its
    # timeout is temporary: 503, and the pool's pre-ping reconnects on the next request. A value the
    # database refused (validation should have caught it first) is the client's: 422. Anything else
    # is a bug: the generic handler logs it and answers 500.
    if exc.connection_invalidated or isinstance(exc.orig, (*_CONNECTION_ERRORS, psycopg.errors.QueryCanceled)):
        body = error_body("database_unavailable", "the database is unavailable; retry shortly", None)
        return JSONResponse(body, status_code=503, headers={"Retry-After": RETRY_SOON})
    if isinstance(exc.orig, psycopg.errors.DataError):
        log.warning("database refused a value on %s: %s", request.url.path, exc.orig)
        return JSONResponse(error_body("invalid_parameter", "a value is out of range or malformed", None),
                            status_code=422)
    raise exc  # a bug: app/ops/middleware.py logs it and answers 500


async def _on_pool_timeout(_: Request, __: PoolTimeout) -> JSONResponse:
    body = error_body("overloaded", "the service is busy; retry shortly", None)
    return JSONResponse(body, status_code=503, headers={"Retry-After": RETRY_SOON})


def allowed_methods(request: Request) -> list[str]:
    """Every method the API answers at this path, from the OpenAPI paths (Starlette's own 405 names
    only the methods of the one route it happened to match). A literal path (/api/centres/nearest)
    is not also an instance of a template beside it (/api/centres/{centre_id})."""
    table = getattr(request.app.state, "path_methods", None)
    if table is None:
        table = request.app.state.path_methods = _path_methods(request.app.openapi()["paths"])
    matching = [(parameters, methods) for pattern, parameters, methods in table
                if pattern.fullmatch(request.url.path)]
    fewest = min((parameters for parameters, _ in matching), default=0)
    return sorted({m for parameters, methods in matching if parameters == fewest for m in methods})


def _path_methods(paths: dict[str, dict]) -> list[tuple[re.Pattern[str], int, set[str]]]:
    table = []
    for template, operations in paths.items():
        pattern = re.compile(re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(template)))
        methods = {method.upper() for method in operations if method in _HTTP_METHODS}
        table.append((pattern, template.count("{"), methods))
    return table


_HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


async def _on_http_error(request: Request, exc: HTTPException) -> JSONResponse:
    headers = dict(exc.headers or {})
    if exc.status_code == 404:
        body = error_body("not_found", f"nothing at {request.url.path}", None)
    elif exc.status_code == 400:  # FastAPI's "error parsing the body": one vocabulary for bad input
        return JSONResponse(error_body("invalid_parameter", f"body: {exc.detail}", "body"), status_code=422)
    elif exc.status_code == 405:
        headers["Allow"] = ", ".join(allowed_methods(request)) or headers.get("Allow", "GET, HEAD")
        body = error_body("method_not_allowed", f"{request.method} is not allowed here", None)
    else:
        body = error_body(f"http_{exc.status_code}", str(exc.detail), None)
    return JSONResponse(body, status_code=exc.status_code, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ServiceMapError, _on_service_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _on_validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(InvalidCoordinate, _on_invalid_coordinate)  # type: ignore[arg-type]
    app.add_exception_handler(InvalidOpeningHours, _on_invalid_hours)  # type: ignore[arg-type]
    app.add_exception_handler(RoutingError, _on_routing_error)  # type: ignore[arg-type]
    app.add_exception_handler(DBAPIError, _on_database_error)  # type: ignore[arg-type]
    app.add_exception_handler(PoolTimeout, _on_pool_timeout)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, _on_http_error)  # type: ignore[arg-type]
