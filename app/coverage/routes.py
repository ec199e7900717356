"""Coverage routes: figures per district, the covered area, gaps, H3 cells, siting, demand sources."""
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from app.catalogue.params import Districts
from app.catalogue.schemas import Moment
from app.coverage.demand import describe_sources
from app.coverage.figures import cells_geojson, figures, gaps_geojson, union_geojson
from app.coverage.schemas import CoverageFigures, DemandSourceOut, SitingRequest, SitingResult
from app.coverage.service import CoverageQuery, Layer, prepare
from app.coverage.siting import Site, suggest
from app.db import SessionDep
from app.editing.auth import OPTIONAL_AUTH, OptionalActorDep
from app.errors import responses
from app.http import GeoJSONResponse, Offset
from geo.amenities import Amenity, Kind
from geo.coords import parse_bbox
from geo.coverage import DEFAULT_RESOLUTION, MAX_RESOLUTION, MIN_RESOLUTION
from geo.modes import TravelMode

router = APIRouter(prefix="/api/coverage", tags=["coverage"])
# Public, but a token lifts the routing budget: the token is optional, an unknown one still a 401.
COVERAGE_DOCS: dict = {"responses": responses(403, 502), "openapi_extra": OPTIONAL_AUTH}


def coverage_query(
    mode: TravelMode = TravelMode.ebike,
    minutes: Annotated[int, Query(ge=1, le=60, description="Time budget in minutes")] = 15,
    at: Annotated[Moment | None, Query(description="Only centres open at this moment count (ISO 8601; "
                                         "no offset = Asia/Shanghai)")] = None,
    kind: Annotated[list[Kind], Query(description="Only centres of these kinds")] = [],
    amenity: Annotated[list[Amenity], Query(description="Only centres with all of these amenities")] = [],
    district: Districts = [],
    resolution: Annotated[int, Query(ge=MIN_RESOLUTION, le=MAX_RESOLUTION, description="H3 resolution")]
    = DEFAULT_RESOLUTION,
    demand: Annotated[int | None, Query(ge=1, le=2**31 - 1, description="Demand source id (default: the best)")] = None,
) -> CoverageQuery:
    return CoverageQuery(mode=mode, minutes=minutes, at=at, kinds=tuple(k.value for k in kind),
                         amenities=tuple(a.value for a in amenity), districts=tuple(district),
                         resolution=resolution, demand_source=demand)


QueryDep = Annotated[CoverageQuery, Depends(coverage_query)]


def layer_for(request: Request, session: SessionDep, query: QueryDep, actor: OptionalActorDep) -> Layer:
    state = request.app.state
    budget = None if actor else state.settings.public_coverage_route_budget
    return prepare(session, state.network, query, max_snap_metres=state.settings.max_snap_metres, route_budget=budget)


LayerDep = Annotated[Layer, Depends(layer_for)]


@router.get("", response_model=CoverageFigures, **COVERAGE_DOCS)
def coverage_figures(session: SessionDep, layer: LayerDep,
                     gaps: Annotated[int, Query(ge=0, le=20, description="Largest gaps listed per district")] = 5
                     ) -> dict:
    """Per district: area and demand covered within the budget, centres, and the largest gaps."""
    return figures(session, layer, gaps=gaps)


@router.get("/union", response_class=GeoJSONResponse, **COVERAGE_DOCS)
def coverage_union(session: SessionDep, layer: LayerDep) -> dict:
    """The area reached within the budget from any counted centre (one MultiPolygon)."""
    return union_geojson(session, layer)


@router.get("/gaps", response_class=GeoJSONResponse, **COVERAGE_DOCS)
def coverage_gaps(session: SessionDep, layer: LayerDep,
                  limit: Annotated[int, Query(ge=1, le=50, description="Gaps per district")] = 20) -> dict:
    """Uncovered parts of each district, largest first, with the demand inside them."""
    return gaps_geojson(session, layer, limit=limit)


@router.get("/cells", response_class=GeoJSONResponse, **COVERAGE_DOCS)
def coverage_cells(session: SessionDep, layer: LayerDep,
                   bbox: Annotated[str | None, Query(description="west,south,east,north (WGS84)")] = None,
                   limit: Annotated[int, Query(ge=1, le=50_000)] = 10_000,
                   offset: Offset = 0) -> dict:
    """H3 cells with demand and the time band of the nearest counted centre (null: beyond the budget)."""
    return cells_geojson(session, layer, bbox=parse_bbox(bbox) if bbox else None, limit=limit, offset=offset)


@router.post("/siting", response_model=SitingResult, response_class=GeoJSONResponse, **COVERAGE_DOCS)
def coverage_siting(request: Request, session: SessionDep, body: SitingRequest, actor: OptionalActorDep) -> dict:
    """Suggest up to k new locations covering the most uncovered demand (existing centres fixed).
    Without a token, candidates and new isochrones are capped (public_coverage_route_budget)."""
    state = request.app.state
    budget = None if actor else state.settings.public_coverage_route_budget
    query = CoverageQuery(mode=body.mode, minutes=body.minutes, at=body.at, kinds=tuple(k.value for k in body.kind),
                          amenities=tuple(a.value for a in body.amenity), districts=tuple(body.district),
                          resolution=body.resolution, demand_source=body.demand)
    sites = [Site(s.id, s.lon, s.lat) for s in body.sites] if body.sites else None
    return suggest(session, state.network, query, k=body.k, sites=sites, host_kinds=[k.value for k in body.host_kind],
                   max_candidates=body.max_candidates if budget is None else min(body.max_candidates, budget),
                   max_snap_metres=state.settings.max_snap_metres, route_budget=budget)


@router.get("/demand", response_model=list[DemandSourceOut])
def demand_sources(session: SessionDep) -> list[dict]:
    """Imported demand sources (population rasters, community CSVs, OSM building proxies)."""
    return describe_sources(session)
