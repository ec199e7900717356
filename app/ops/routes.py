"""Liveness and readiness for orchestrators and load balancers."""
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from app.db import SessionDep
from app.errors import NotFound, allowed_methods
from app.ops.health import readiness

router = APIRouter(tags=["health"])
# Last of all routes: an unknown /api/ path is a JSON 404 (or 405 naming the methods the path does
# take), never the static files' answer.
fallback_router = APIRouter(include_in_schema=False)


@router.get("/healthz")
def healthz() -> dict:
    """The process is up."""
    return {"status": "ok"}


class HolidayCalendar(BaseModel):
    first_year: int
    last_year: int
    covers_next_year: bool


class Readiness(BaseModel):
    ready: bool
    database: str
    schema_revision: str | None
    schema_head: str | None
    road_network: bool
    holiday_calendar: HolidayCalendar


@router.get("/readyz", response_model=Readiness,
            responses={503: {"model": Readiness, "description": "Not ready (the body says why)"}})
def readyz(request: Request, session: SessionDep) -> JSONResponse:
    """Ready to serve: the database answers and its schema is migrated to head."""
    checks = readiness(session, network=request.app.state.network)
    return JSONResponse(checks, status_code=200 if checks["ready"] else 503)


@fallback_router.api_route("/api/{path:path}", methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
def unknown_api_path(request: Request, path: str) -> None:
    if allowed_methods(request):
        raise HTTPException(status_code=405)
    raise NotFound(f"no API endpoint /api/{path}", field="path")
