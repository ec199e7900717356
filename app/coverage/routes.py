"""Coverage routes: figures per district, the covered area and its bands, gaps, H3 cells, the
analysis area, the week profile, siting, demand sources. CSV with ``?format=csv`` where a table fits.

GeoJSON layers are returned as ready responses: they are plain JSON already, and FastAPI's encoder
would walk every coordinate of a city-wide layer once more."""
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from app.catalogue.params import Districts
from app.catalogue.schemas import Moment
from app.coverage import exports
from app.coverage.demand import describe_sources
from app.coverage.figures import figures
from app.coverage.layers import area_geojson, bands_geojson, cells_geojson, gaps_geojson, union_geojson
from app.coverage.profile import week_profile
from app.coverage.schemas import CoverageFigures, DemandSourceOut, SitingRequest, SitingResult, WeekProfile
from app.coverage.service import CoverageQuery, Layer, RouteBudget, prepare
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
COVERAGE_DOCS: dict = {"responses": responses(403, 502, 503), "openapi_extra": OPTIONAL_AUTH}
CSV_DOCS: dict = {**COVERAGE_DOCS, "responses": {
    **COVERAGE_DOCS["responses"],
    200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "JSON, or CSV with format=csv"}}}
Format = Annotated[Literal["json", "csv"], Query(description="json: the (Geo)JSON body; csv: a CSV download")]


def coverage_query(
    mode: TravelMode = TravelMode.ebike,
    minutes: Annotated[int, Query(ge=1, le=60, description="Time budget in minutes (bands: thirds of it)")] = 15,
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


def route_budget(request: Request, actor: OptionalActorDep) -> RouteBudget:
    """Anonymous requests may start a bounded number of routing calls, and a client only so many a
    minute; a token lifts both."""
    if actor:
        return RouteBudget()
    settings, client = request.app.state.settings, request.client.host if request.client else "unknown"
    charge = request.app.state.rate_limiter.charge_from_thread(
        "routing", client, limit=settings.public_routing_per_minute, period_s=60.0)
    return RouteBudget(settings.public_coverage_route_budget, charge=charge)


BudgetDep = Annotated[RouteBudget, Depends(route_budget)]


def layer_for(request: Request, session: SessionDep, query: QueryDep, budget: BudgetDep) -> Layer:
    state = request.app.state
    return prepare(session, state.network, query, max_snap_metres=state.settings.max_snap_metres, budget=budget)


LayerDep = Annotated[Layer, Depends(layer_for)]


def csv_download(text: str, name: str) -> Response:
    return Response(text, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})


@router.get("", response_model=CoverageFigures, **CSV_DOCS)
def coverage_figures(session: SessionDep, layer: LayerDep, format: Format = "json",
                     gaps: Annotated[int, Query(ge=0, le=20, description="Largest gaps listed per district")] = 5):
    """Per district: area and demand covered within the budget (inside the analysis area), centres,
    and the largest gaps."""
    numbers = figures(session, layer, gaps=gaps)
    return csv_download(exports.districts_csv(numbers), "coverage-districts") if format == "csv" else numbers


@router.get("/union", response_class=GeoJSONResponse, **COVERAGE_DOCS)
def coverage_union(layer: LayerDep) -> GeoJSONResponse:
    """The area reached within the budget from the nearest counted centre (one MultiPolygon)."""
    return GeoJSONResponse(union_geojson(layer))


@router.get("/bands", response_class=GeoJSONResponse, **COVERAGE_DOCS)
def coverage_bands(layer: LayerDep) -> GeoJSONResponse:
    """The covered area by band (e.g. 0–5, 5–10, 10–15 minutes to the nearest centre), as rings."""
    return GeoJSONResponse(bands_geojson(layer))


@router.get("/gaps", response_class=GeoJSONResponse, **CSV_DOCS)
def coverage_gaps(session: SessionDep, layer: LayerDep, format: Format = "json",
                  limit: Annotated[int, Query(ge=1, le=50, description="Gaps per district")] = 20):
    """Uncovered parts of each district's analysis area, largest first, with the demand inside them."""
    gaps = gaps_geojson(session, layer, limit=limit)
    return csv_download(exports.gaps_csv(gaps), "coverage-gaps") if format == "csv" else GeoJSONResponse(gaps)


@router.get("/cells", response_class=GeoJSONResponse, **CSV_DOCS)
def coverage_cells(request: Request, session: SessionDep, layer: LayerDep, format: Format = "json",
                   bbox: Annotated[str | None, Query(description="west,south,east,north (WGS84)")] = None,
                   limit: Annotated[int, Query(ge=1, le=50_000)] = 10_000, offset: Offset = 0):
    """H3 cells of the analysis area with demand and the band of the nearest counted centre (null:
    beyond the budget). A resolution that gives the analysis area more than `max_coverage_cells`
    cells (250,000 by default; Kunming at resolution 9 is ~200,000) is a 422 naming `resolution`,
    whatever the bbox: choose a coarser resolution or fewer districts."""
    cells = cells_geojson(session, layer, bbox=parse_bbox(bbox) if bbox else None, limit=limit, offset=offset,
                          max_cells=request.app.state.settings.max_coverage_cells)
    return csv_download(exports.cells_csv(cells), "coverage-cells") if format == "csv" else GeoJSONResponse(cells)


@router.get("/area", response_class=GeoJSONResponse, **COVERAGE_DOCS)
def coverage_area(layer: LayerDep) -> GeoJSONResponse:
    """The analysis area of each district: the district where the road network reaches."""
    return GeoJSONResponse(area_geojson(layer))


@router.get("/profile", response_model=WeekProfile, **CSV_DOCS)
def coverage_profile(request: Request, session: SessionDep, query: QueryDep, budget: BudgetDep,
                     format: Format = "json"):
    """Covered % of area and demand for each of the 168 hours of a typical week (the first week from
    `at` with no holiday or make-up day), and for the next public holiday and its make-up working day."""
    state = request.app.state
    profile = week_profile(session, state.network, query, max_snap_metres=state.settings.max_snap_metres,
                           budget=budget)
    return csv_download(exports.profile_csv(profile), "coverage-profile") if format == "csv" else profile


@router.post("/siting", response_model=SitingResult, response_class=GeoJSONResponse, **CSV_DOCS)
def coverage_siting(request: Request, session: SessionDep, body: SitingRequest, budget: BudgetDep,
                    format: Format = "json"):
    """Suggest up to k new locations covering the most uncovered demand (existing centres fixed).
    Without a token, candidate isochrones count against the routing budget."""
    state = request.app.state
    query = CoverageQuery(mode=body.mode, minutes=body.minutes, at=body.at, kinds=tuple(k.value for k in body.kind),
                          amenities=tuple(a.value for a in body.amenity), districts=tuple(body.district),
                          resolution=body.resolution, demand_source=body.demand)
    sites = [Site(s.id, s.lon, s.lat) for s in body.sites] if body.sites else None
    result = suggest(session, state.network, query, k=body.k, sites=sites, host_kinds=[k.value for k in body.host_kind],
                     max_candidates=body.max_candidates, max_snap_metres=state.settings.max_snap_metres,
                     max_cells=state.settings.max_coverage_cells, budget=budget)
    return csv_download(exports.suggestions_csv(result), "coverage-suggestions") if format == "csv" else result


@router.get("/demand", response_model=list[DemandSourceOut])
def demand_sources(session: SessionDep) -> list[dict]:
    """Imported demand sources (population rasters, community CSVs, OSM building proxies)."""
    return describe_sources(session)
