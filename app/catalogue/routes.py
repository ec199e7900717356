"""Catalogue routes: list, nearest, one centre, districts."""
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from app.catalogue.params import FieldsParam, FilterDep, OpenAt, OpenNow
from app.catalogue.schemas import CENTRE_ID_PATTERN, CentreFeature, CentreList, DistrictSummary, NearestList
from app.catalogue.service import centre_by_id, district_table, search_centres
from app.db import SessionDep
from app.editing.service import etag
from app.http import GeoJSONResponse
from app.routing.nearest import find_nearest
from geo.modes import TravelMode

router = APIRouter(prefix="/api/centres", tags=["centres"])
districts_router = APIRouter(prefix="/api/districts", tags=["districts"])


@router.get("", response_model=CentreList, response_class=GeoJSONResponse)
def list_centres(
    session: SessionDep, where: FilterDep, open_now: OpenNow = False, open_at: OpenAt = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100, offset: Annotated[int, Query(ge=0)] = 0,
    fields: FieldsParam = "all",
) -> dict:
    only_open = open_now or open_at is not None
    return search_centres(session, where=where, open_at=open_at, only_open=only_open, limit=limit, offset=offset,
                          fields=fields)


@router.get("/nearest", response_model=NearestList, response_class=GeoJSONResponse)
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


@router.get("/{centre_id}", response_model=CentreFeature, response_class=GeoJSONResponse)
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
