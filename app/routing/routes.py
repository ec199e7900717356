"""Isochrone and road-network routes."""
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.catalogue.schemas import CENTRE_ID_PATTERN
from app.db import SessionDep
from app.errors import InvalidParameter, responses
from app.http import GeoJSONResponse
from app.routing.isochrones import centre_isochrones, parse_minutes, point_isochrones
from app.routing.network import network_status
from app.routing.schemas import NetworkStatus
from geo.modes import TravelMode

router = APIRouter(prefix="/api", tags=["routing"])


ISOCHRONE_RESPONSES = {200: {"content": {"application/geo+json": {"schema": {"type": "object"}}},
                             "description": "FeatureCollection of MultiPolygons, largest first"},
                        **responses(404, 502)}


@router.get("/isochrones", response_class=GeoJSONResponse, responses=ISOCHRONE_RESPONSES)
def isochrones(
    request: Request,
    centre_id: Annotated[str | None, Query(pattern=CENTRE_ID_PATTERN)] = None,
    lon: Annotated[float | None, Query(ge=-180, le=180)] = None,
    lat: Annotated[float | None, Query(ge=-90, le=90)] = None,
    mode: TravelMode = TravelMode.walk,
    minutes: Annotated[str, Query(description="1–4 contours in minutes (1–60), e.g. 5,10,15")] = "5,10,15",
) -> Response:
    """Travel-time contours (GeoJSON polygons, largest first) from a centre or a point."""
    contours, state = parse_minutes(minutes), request.app.state
    snap = state.settings.max_snap_metres
    if centre_id is not None:
        # A session only for centres (their contours are cached); points never touch the database.
        with state.sessionmaker() as session:
            body = centre_isochrones(session, state.network, centre_id=centre_id, mode=mode, minutes=contours,
                                     max_snap_metres=snap)
    elif lon is None or lat is None:
        raise InvalidParameter("give centre_id, or both lon and lat", field="lon" if lon is None else "lat")
    else:
        body = point_isochrones(state.network, lon=lon, lat=lat, mode=mode, minutes=contours, max_snap_metres=snap)
    return Response(body, media_type=GeoJSONResponse.media_type)


@router.get("/network", response_model=NetworkStatus)
def network(request: Request, session: SessionDep) -> dict:
    """The road network in service, if any, and the last import recorded."""
    return network_status(session, request.app.state.network)
