"""OGC API – Features Part 1 under /ogc: landing page, conformance, the API document, collections, items.

The routes are a second face of the catalogue and coverage use cases (app/ogc/service.py says how).
They are left out of /openapi.json; GIS clients read /ogc/api, built from this router alone.
"""
from collections.abc import Callable, Coroutine
from functools import cache
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from app.catalogue.params import check_adcodes
from app.catalogue.repository import CentreFilter
from app.catalogue.service import centre_by_id, district_by_adcode, district_features
from app.db import SessionDep
from app.editing.auth import OptionalActorDep
from app.errors import NotFound, responses
from app.http import GeoJSONResponse
from app.ogc import coverage, service
from app.ogc.openapi import ogc_openapi
from app.ogc.params import Format, PageDep, field_named, reject_unknown_parameters
from app.ogc.schemas import (OPENAPI_JSON, CentreItem, CentreItems, Collection, Collections, Conformance,
                             CoverageItem, CoverageItems, DistrictItem, DistrictItems, LandingPage)
from geo.amenities import Amenity, Kind, Level, Status

PREFIX = "/ogc"


class OgcRoute(APIRoute):
    """OGC API – Features answers invalid parameters with 400 (/req/core/query-param-invalid) where
    the JSON API says 422: the same error handlers write the same body, only the status differs."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def handle_as_ogc(request: Request) -> Response:
            try:
                return await handle(request)
            except Exception as exc:
                handler = _specific_handler(request, exc)
                if handler is None:
                    raise
                response = await handler(request, exc)
                if response.status_code == 422:
                    response.status_code = 400
                return response

        return handle_as_ogc


def _specific_handler(request: Request, exc: Exception) -> Any:
    """The app's handler for this error class (app/errors.py); None for the catch-all of bugs."""
    handlers = request.app.exception_handlers
    return next((handlers[cls] for cls in type(exc).__mro__ if cls in handlers and cls is not Exception), None)


router = APIRouter(prefix=PREFIX, tags=["OGC API – Features"], route_class=OgcRoute)
ItemsCheck = [Depends(reject_unknown_parameters)]
CollectionId = Annotated[str, Path(description="A collection id from /collections", max_length=64)]
FeatureId = Annotated[str, Path(description="A feature id", max_length=64)]


@router.get("", response_model=LandingPage, summary="Landing page")
def landing(request: Request, f: Format = None) -> dict:
    return service.landing_page(request)


@router.get("/", include_in_schema=False)
def landing_with_slash(request: Request, f: Format = None) -> dict:
    return service.landing_page(request)


@router.get("/conformance", response_model=Conformance, summary="Conformance classes")
def conformance(f: Format = None) -> dict:
    return service.conformance()


@router.get("/api", summary="This API's definition (OpenAPI 3.0)", response_class=JSONResponse)
def api_definition(f: Format = None) -> JSONResponse:
    return JSONResponse(definition(), media_type=OPENAPI_JSON)


@router.get("/collections", response_model=Collections, response_model_exclude_none=True, summary="Collections")
def collections(request: Request, session: SessionDep, f: Format = None) -> dict:
    return service.collections(session, request.app.state, request)


@router.get("/collections/{collectionId}", response_model=Collection, response_model_exclude_none=True,
            summary="One collection", responses=responses(404))
def collection(request: Request, session: SessionDep, collection_id: Annotated[str, Path(alias="collectionId")],
               f: Format = None) -> dict:
    return service.collection(session, request.app.state, request, collection_id)


@router.get("/collections/centres/items", response_model=CentreItems, response_class=GeoJSONResponse,
            dependencies=ItemsCheck, summary="Centres and stations", responses=responses(400))
def centres(
    request: Request, session: SessionDep, page: PageDep,
    kind: Annotated[Kind | None, Query(description="Kind of place")] = None,
    level: Annotated[Level | None, Query(description="Administrative level")] = None,
    status: Annotated[Status | None, Query(description="In service or not")] = None,
    district_adcode: Annotated[str | None, Query(description="District adcode, e.g. 530102")] = None,
    amenity: Annotated[Amenity | None, Query(description="Only centres offering this amenity")] = None,
    q: Annotated[str | None, Query(min_length=1, max_length=100, description="Text in name or address")] = None,
) -> dict:
    """The catalogue (as /api/centres). datetime: only the centres open at that moment."""
    where = CentreFilter(kinds=[kind] if kind else [], levels=[level] if level else [],
                         statuses=[status] if status else [], amenities=[amenity] if amenity else [],
                         districts=[district_adcode] if district_adcode else [], bbox=page.bbox, text=q)
    with field_named("district", "district_adcode"):
        check_adcodes(where.districts)
        features, matched = service.centre_page(session, where=where, page=page)
    return service.feature_page(request, features, matched, page)


@router.get("/collections/centres/items/{featureId}", response_model=CentreItem, response_class=GeoJSONResponse,
            summary="One centre", responses=responses(404))
def centre(request: Request, session: SessionDep, feature_id: Annotated[str, Path(alias="featureId")],
           f: Format = None) -> dict:
    feature, _ = centre_by_id(session, centre_id=feature_id)
    return service.one_feature(request, service.CENTRES, feature)


@router.get("/collections/districts/items", response_model=DistrictItems, response_class=GeoJSONResponse,
            dependencies=ItemsCheck, summary="Districts", responses=responses(400))
def districts(request: Request, session: SessionDep, page: PageDep) -> dict:
    """Outlines with centre counts (as /api/districts). Districts have no time: datetime changes nothing."""
    features, matched = district_features(session, bbox=page.bbox, limit=page.limit, offset=page.offset)
    return service.feature_page(request, features, matched, page)


@router.get("/collections/districts/items/{featureId}", response_model=DistrictItem, response_class=GeoJSONResponse,
            summary="One district", responses=responses(404))
def district(request: Request, session: SessionDep, feature_id: Annotated[str, Path(alias="featureId")],
             f: Format = None) -> dict:
    return service.one_feature(request, service.DISTRICTS, district_by_adcode(session, adcode=feature_id))


def _route_budget(request: Request, actor: Any) -> int | None:
    return None if actor else request.app.state.settings.public_coverage_route_budget


@router.get("/collections/{collectionId}/items", response_model=CoverageItems, response_class=GeoJSONResponse,
            dependencies=ItemsCheck, summary="Coverage bands, gaps or cells",
            responses=responses(400, 403, 404, 503))
def coverage_items(
    request: Request, session: SessionDep, page: PageDep, actor: OptionalActorDep,
    collection_id: Annotated[str, Path(alias="collectionId", description="coverage-<mode>-bands, "
                                       "coverage-<mode>-<minutes>-gaps or coverage-<mode>-<minutes>-cells")],
    kind: Annotated[Kind | None, Query(description="Only centres of this kind count")] = None,
    amenity: Annotated[Amenity | None, Query(description="Only centres offering this amenity count")] = None,
    district: Annotated[str | None, Query(description="Gaps and cells of this district (adcode) only")] = None,
) -> dict:
    """Coverage on the road network, as /api/coverage/union, /gaps and /cells. datetime: only the centres
    open at that moment count. A computation needing more new isochrones than the public budget needs a token."""
    found = service.coverage_collection(collection_id)
    selection = coverage.Selection(at=page.moment, kinds=(kind,) if kind else (), amenities=(amenity,) if amenity
                                   else (), districts=tuple(check_adcodes([district])) if district else ())
    features, matched, counted = service.coverage_page(session, request.app.state, found, selection, page,
                                                       _route_budget(request, actor))
    return service.feature_page(request, features, matched, page, coverage=counted)


@router.get("/collections/{collectionId}/items/{featureId}", response_model=CoverageItem,
            response_class=GeoJSONResponse, summary="One coverage feature", responses=responses(403, 404, 503))
def coverage_item(request: Request, session: SessionDep, actor: OptionalActorDep,
                  collection_id: Annotated[str, Path(alias="collectionId")],
                  feature_id: Annotated[str, Path(alias="featureId")], f: Format = None) -> dict:
    found = service.coverage_collection(collection_id)
    feature = service.coverage_feature(session, request.app.state, found, feature_id, _route_budget(request, actor))
    return service.one_feature(request, collection_id, feature)


@cache
def definition() -> dict:
    return ogc_openapi(router.routes, title=service.TITLE, description=service.DESCRIPTION, version="1.0.0",
                       prefix=PREFIX)
