"""Rider reports: anyone may report, editors confirm."""
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, status

from app.auth import ActorDep
from app.db import SessionDep
from app.reports import client_hash, confirm_report, recent_reports, submit_report
from app.routes.params import CentreId
from app.schemas import ReportIn, ReportOut

router = APIRouter(prefix="/api", tags=["reports"])


@router.post("/centres/{centre_id}/reports", status_code=status.HTTP_201_CREATED, response_model=ReportOut)
def report(request: Request, session: SessionDep, centre_id: CentreId, body: ReportIn) -> dict:
    settings = request.app.state.settings
    client = client_hash(request.client.host if request.client else "unknown", salt=settings.report_salt)
    return submit_report(session, centre_id=centre_id, report=body, client=client,
                         per_hour=settings.reports_per_client_per_hour)


@router.get("/centres/{centre_id}/reports", response_model=list[ReportOut])
def reports(session: SessionDep, centre_id: CentreId, limit: Annotated[int, Query(ge=1, le=50)] = 10) -> list[dict]:
    """The freshest reports of the last 7 days, newest first, with their age."""
    return recent_reports(session, centre_id=centre_id, limit=limit)


@router.post("/reports/{report_id}/confirm", response_model=ReportOut)
def confirm(session: SessionDep, actor: ActorDep, report_id: Annotated[int, Path(ge=1, le=2**62)],
            close_centre: Annotated[bool, Query(description="Mark the centre temporarily closed")] = False) -> dict:
    return confirm_report(session, actor, report_id=report_id, close_centre=close_centre)
