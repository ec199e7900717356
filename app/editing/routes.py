"""Authenticated changes to the catalogue, the audit log, and rider reports (anyone may report, editors
confirm or dismiss)."""
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Path, Query, Request, Response, status

from app.catalogue.params import CentreId, Districts
from app.catalogue.schemas import CENTRE_ID_PATTERN, CENTRE_LINKS, ETAG_HEADER, CentreFeature, CentreIn, CentreUpdate
from app.db import SessionDep
from app.editing.auth import ActorDep
from app.editing.reports import client_hash, confirm_report, dismiss_report, recent_reports, submit_report
from app.editing.schemas import AuditEntryOut, EditorReportOut, ReportIn, ReportOut
from app.editing.service import create_centre, delete_centre, etag, restore_centre, update_centre
from app.editing.triage import audit_log, editor_reports
from app.errors import responses
from app.http import GeoJSONResponse, Offset
from geo.coords import CoordinateSystem

router = APIRouter(prefix="/api", tags=["editing"])
reports_router = APIRouter(prefix="/api", tags=["reports"])
# Required: a change without it is answered 428 (app/errors.py), a malformed one 422.
IfMatch = Annotated[str, Header(description='ETag from GET, e.g. "v3"', pattern=r'^(W/)?"v[0-9]{1,10}"$')]
Crs = Annotated[CoordinateSystem, Query(description="Datum of lon/lat in the body")]
ReportId = Annotated[int, Path(ge=1, le=2**62)]



@router.post("/centres", status_code=status.HTTP_201_CREATED, response_model=CentreFeature, operation_id="createCentre",
             response_class=GeoJSONResponse,
             responses={201: {"headers": ETAG_HEADER, "links": CENTRE_LINKS}, **responses(403, 409)})
def create(session: SessionDep, actor: ActorDep, body: CentreIn, response: Response,
           crs: Crs = CoordinateSystem.wgs84) -> dict:
    created, version = create_centre(session, actor, body, crs=crs)
    response.headers["ETag"] = etag(version)
    return created


@router.patch("/centres/{centre_id}", response_model=CentreFeature, response_class=GeoJSONResponse,
              operation_id="updateCentre",
              responses={200: {"headers": ETAG_HEADER, "links": CENTRE_LINKS}, **responses(403, 404, 412, 428)})
def update(session: SessionDep, actor: ActorDep, centre_id: CentreId, body: CentreUpdate, response: Response,
           if_match: IfMatch, crs: Crs = CoordinateSystem.wgs84) -> dict:
    updated, version = update_centre(session, actor, centre_id, body, if_match=if_match, crs=crs)
    response.headers["ETag"] = etag(version)
    return updated


@router.delete("/centres/{centre_id}", status_code=status.HTTP_204_NO_CONTENT, operation_id="deleteCentre",
                responses=responses(403, 404, 412, 428))
def delete(session: SessionDep, actor: ActorDep, centre_id: CentreId, if_match: IfMatch) -> Response:
    """Soft delete: the centre disappears for readers and can be restored."""
    delete_centre(session, actor, centre_id, if_match=if_match)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/centres/{centre_id}/restore", response_model=CentreFeature, response_class=GeoJSONResponse,
             operation_id="restoreCentre", responses={200: {"links": CENTRE_LINKS}, **responses(403, 404)})
def restore(session: SessionDep, actor: ActorDep, centre_id: CentreId, response: Response) -> dict:
    restored, version = restore_centre(session, actor, centre_id)
    response.headers["ETag"] = etag(version)
    return restored


@router.get("/audit", response_model=list[AuditEntryOut], responses=responses(403, 404))
def audit(session: SessionDep, actor: ActorDep,
          centre_id: Annotated[str | None, Query(pattern=CENTRE_ID_PATTERN)] = None,
          limit: Annotated[int, Query(ge=1, le=500)] = 100, offset: Offset = 0) -> list[dict]:
    """Newest first. Admins read everything, changes to users included; editors the history of the
    centres in their districts."""
    return audit_log(session, actor, centre_id=centre_id, limit=limit, offset=offset)


@reports_router.post("/centres/{centre_id}/reports", status_code=status.HTTP_201_CREATED, response_model=ReportOut,
                     operation_id="reportOnCentre", responses={201: {"links": {"ConfirmReport": {
                         "operationId": "confirmReport", "parameters": {"report_id": "$response.body#/id"}}}},
                         **responses(404)})
def report(request: Request, session: SessionDep, centre_id: CentreId, body: ReportIn) -> dict:
    settings = request.app.state.settings
    client = client_hash(request.client.host if request.client else "unknown", salt=settings.report_salt)
    return submit_report(session, centre_id=centre_id, report=body, client=client,
                         per_hour=settings.reports_per_client_per_hour)


@reports_router.get("/centres/{centre_id}/reports", response_model=list[ReportOut], responses=responses(404))
def reports(session: SessionDep, centre_id: CentreId, limit: Annotated[int, Query(ge=1, le=50)] = 10) -> list[dict]:
    """The freshest reports of the last 7 days, newest first, with their age."""
    return recent_reports(session, centre_id=centre_id, limit=limit)


@reports_router.get("/reports", response_model=list[EditorReportOut], responses=responses(403, 404))
def reports_to_handle(
    session: SessionDep, actor: ActorDep,
    centre_id: Annotated[str | None, Query(pattern=CENTRE_ID_PATTERN)] = None,
    district: Districts = [],
    state: Annotated[Literal["open", "all"], Query(description="open: neither confirmed nor dismissed")] = "open",
    limit: Annotated[int, Query(ge=1, le=500)] = 100, offset: Offset = 0,
) -> list[dict]:
    """Rider reports of the editor's districts (admins: all), newest first, with their age."""
    return editor_reports(session, actor, centre_id=centre_id, districts=district,
                          only_open=state == "open", limit=limit, offset=offset)


@reports_router.post("/reports/{report_id}/confirm", response_model=ReportOut, operation_id="confirmReport",
                     responses=responses(403, 404, 409, 412))
def confirm(session: SessionDep, actor: ActorDep, report_id: ReportId,
            close_centre: Annotated[bool, Query(description="Mark the centre temporarily closed")] = False) -> dict:
    """Audited; confirming a "closed" report with close_centre marks the station temporarily closed."""
    return confirm_report(session, actor, report_id=report_id, close_centre=close_centre)


@reports_router.post("/reports/{report_id}/dismiss", response_model=ReportOut, responses=responses(403, 404, 409))
def dismiss(session: SessionDep, actor: ActorDep, report_id: ReportId) -> dict:
    """The report is wrong or out of date: it leaves the open list; the catalogue is unchanged. Audited."""
    return dismiss_report(session, actor, report_id=report_id)
