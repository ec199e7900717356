"""Catalogue routes: list, nearest, one centre, districts."""
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from app.catalogue.params import FilterDep, OpenAt, OpenNow
from app.catalogue.schemas import (
    CENTRE_ID_PATTERN,
    CENTRE_LINKS,
    ETAG_HEADER,
    CentreCollection,
    CentreFeature,
    DistrictSummary,
    NearestCollection,
)
from app.catalogue.service import centre_by_id, district_table, search_centres
from app.db import SessionDep
from app.editing.service import etag
from app.errors import responses
from app.http import GeoJSONResponse, Offset
from app.routing.nearest import find_nearest
from geo.modes import TravelMode

router = APIRouter(prefix="/api/centres", tags=["centres"])
districts_router = APIRouter(prefix="/api/districts", tags=["districts"])


@router.get("", response_model=CentreCollection, response_class=GeoJSONResponse)
def list_centres(
    session: SessionDep, where: FilterDep, open_now: OpenNow = False, open_at: OpenAt = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100, offset: Offset = 0,
) -> dict:
    only_open = open_now or open_at is not None
    return search_centres(session, where=where, open_at=open_at, only_open=only_open, limit=limit, offset=offset)


@router.get("/nearest", response_model=NearestCollection, response_class=GeoJSONResponse, responses=responses(502))
def nearest_centres(
    request: Request, session: SessionDep, where: FilterDep,
    lon: Annotated[float, Query(ge=-180, le=180, description="WGS84 longitude")],
    lat: Annotated[float, Query(ge=-90, le=90, description="WGS84 latitude")],
    open_now: OpenNow = False, open_at: OpenAt = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 5,
    mode: Annotated[TravelMode, Query(description="Travel mode for ranking by time")] = TravelMode.ebike,
) -> NearestCollection:
    """Ranked by travel time when a road network is imported (else straight line; see `ranking`).
    With open_now/open_at, only centres open when the rider arrives."""
    state = request.app.state
    return find_nearest(
        session, state.network, lon=lon, lat=lat, where=where, open_at=open_at,
        only_open=open_now or open_at is not None, limit=limit, candidates=state.settings.nearest_candidates,
        mode=mode, max_snap_metres=state.settings.max_snap_metres,
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
