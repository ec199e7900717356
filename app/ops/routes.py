"""Liveness and readiness for orchestrators and load balancers."""
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from app.db import SessionDep
from app.ops.health import readiness

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz(request: Request, session: SessionDep) -> JSONResponse:
    """Ready to serve: the database answers and its schema is migrated to head."""
    checks = readiness(session, network=request.app.state.network)
    return JSONResponse(checks, status_code=200 if checks["ready"] else 503)
