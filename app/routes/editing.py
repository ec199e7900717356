"""Authenticated changes to the catalogue, and the audit log (admins)."""
from typing import Annotated

from fastapi import APIRouter, Header, Query, Response, status

from app.auth import ActorDep, AdminDep
from app.db import SessionDep
from app.editing import create_centre, delete_centre, etag, restore_centre, update_centre
from app.routes.centres import GeoJSONResponse
from app.routes.params import CentreId
from app.schemas import CENTRE_ID_PATTERN, AuditEntryOut, CentreFeature, CentreIn, CentreUpdate
from app.users_repository import audit_entries
from geo.coords import CoordinateSystem

router = APIRouter(prefix="/api", tags=["editing"])
IfMatch = Annotated[str | None, Header(description='ETag from GET, e.g. "v3"')]
Crs = Annotated[CoordinateSystem, Query(description="Datum of lon/lat in the body")]

ETAG_HEADER = {"ETag": {"description": "Version of the centre, for If-Match", "schema": {"type": "string"}}}


@router.post("/centres", status_code=status.HTTP_201_CREATED, response_model=CentreFeature,
             response_class=GeoJSONResponse, responses={201: {"headers": ETAG_HEADER}})
def create(session: SessionDep, actor: ActorDep, body: CentreIn, response: Response,
           crs: Crs = CoordinateSystem.wgs84) -> dict:
    created, version = create_centre(session, actor, body, crs=crs)
    response.headers["ETag"] = etag(version)
    return created


@router.patch("/centres/{centre_id}", response_model=CentreFeature, response_class=GeoJSONResponse,
              responses={200: {"headers": ETAG_HEADER}})
def update(session: SessionDep, actor: ActorDep, centre_id: CentreId, body: CentreUpdate, response: Response,
           if_match: IfMatch = None, crs: Crs = CoordinateSystem.wgs84) -> dict:
    updated, version = update_centre(session, actor, centre_id, body, if_match=if_match, crs=crs)
    response.headers["ETag"] = etag(version)
    return updated


@router.delete("/centres/{centre_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete(session: SessionDep, actor: ActorDep, centre_id: CentreId, if_match: IfMatch = None) -> Response:
    """Soft delete: the centre disappears for readers and can be restored."""
    delete_centre(session, actor, centre_id, if_match=if_match)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/centres/{centre_id}/restore", response_model=CentreFeature, response_class=GeoJSONResponse)
def restore(session: SessionDep, actor: ActorDep, centre_id: CentreId, response: Response) -> dict:
    restored, version = restore_centre(session, actor, centre_id)
    response.headers["ETag"] = etag(version)
    return restored


@router.get("/audit", response_model=list[AuditEntryOut])
def audit(session: SessionDep, _: AdminDep,
          centre_id: Annotated[str | None, Query(pattern=CENTRE_ID_PATTERN)] = None,
          limit: Annotated[int, Query(ge=1, le=500)] = 100, offset: Annotated[int, Query(ge=0)] = 0) -> list[dict]:
    return audit_entries(session, centre_id=centre_id, limit=limit, offset=offset)
