"""Catalogue routes: list, nearest, one centre, districts, directory rows waiting for a place."""
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from app.catalogue.params import FieldsParam, FilterDep, OpenAt, OpenNow
from app.catalogue.schemas import (
    CENTRE_ID_PATTERN,
    CENTRE_LINKS,
    ETAG_HEADER,
    Adcode,
    CentreFeature,
    CentreList,
    DistrictSummary,
    NearestList,
    UnplacedRowOut,
)
from app.catalogue.service import centre_by_id, district_table, search_centres, unplaced_rows
from app.db import SessionDep
from app.editing.auth import ActorDep
from app.editing.service import etag
from app.errors import responses
from app.http import GeoJSONResponse, Offset
from app.routing.nearest import find_nearest
from geo.modes import TravelMode

router = APIRouter(prefix="/api/centres", tags=["centres"])
districts_router = APIRouter(prefix="/api/districts", tags=["districts"])
unplaced_router = APIRouter(prefix="/api/unplaced", tags=["directory"])


@router.get("", response_model=CentreList, response_class=GeoJSONResponse)
def list_centres(
    session: SessionDep, where: FilterDep, open_now: OpenNow = False, open_at: OpenAt = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100, offset: Offset = 0,
    fields: FieldsParam = "all",
) -> dict:
    only_open = open_now or open_at is not None
    return search_centres(session, where=where, open_at=open_at, only_open=only_open, limit=limit, offset=offset,
                          fields=fields)


@router.get("/nearest", response_model=NearestList, response_class=GeoJSONResponse, responses=responses(502))
def nearest_centres(
    request: Request, session: SessionDep, where: FilterDep,
    lon: Annotated[float, Query(ge=-180, le=180, description="WGS84 longitude")],
    lat: Annotated[float, Query(ge=-90, le=90, description="WGS84 latitude")],
    open_now: OpenNow = False, open_at: OpenAt = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 5,
    mode: Annotated[TravelMode, Query(description="Travel mode for ranking by time")] = TravelMode.ebike,
    fields: FieldsParam = "all",
) -> dict:
    """Ranked by travel time when a road network is imported (else straight line; see `ranking`).
    With open_now/open_at, only centres open when the rider arrives."""
    state = request.app.state
    return find_nearest(
        session, state.network, lon=lon, lat=lat, where=where, open_at=open_at,
        only_open=open_now or open_at is not None, limit=limit, candidates=state.settings.nearest_candidates,
        mode=mode, max_snap_metres=state.settings.max_snap_metres, fields=fields,
    )


@router.get("/{centre_id}", response_model=CentreFeature, response_class=GeoJSONResponse, operation_id="getCentre",
            responses={200: {"headers": ETAG_HEADER, "links": CENTRE_LINKS}, **responses(404)})
def get_centre(
    session: SessionDep, centre_id: Annotated[str, Path(pattern=CENTRE_ID_PATTERN)], response: Response
) -> dict:
    """One centre; its ETag header is what a change sends back as If-Match."""
    centre, version = centre_by_id(session, centre_id=centre_id)
    response.headers["ETag"] = etag(version)
    return centre


@districts_router.get("", response_model=list[DistrictSummary])
def list_districts(session: SessionDep) -> list[dict]:
    return district_table(session)


@unplaced_router.get("", response_model=list[UnplacedRowOut], responses=responses(401, 403, 422))
def list_unplaced(
    session: SessionDep, actor: ActorDep,
    district: Annotated[Adcode | None, Query(description="District adcode, e.g. 530102")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100, offset: Offset = 0,
) -> list[dict]:
    """Directory rows the geocoder could not place (`servicemap import --allow-unplaced`), for editors to
    place with a pin: creating the centre `id` removes the row. Editors see their districts; admins all."""
    return unplaced_rows(session, actor, district=district, limit=limit, offset=offset)
