"""OGC API – Features Part 1 under /ogc: landing page, conformance, the API document, collections, items.

The routes are a second face of the catalogue and coverage use cases (app/ogc/service.py says how).
They are left out of /openapi.json; GIS clients read /ogc/api, built from this router alone. Invalid
parameters are 400 here, not 422 (app/ogc/errors.py).
"""
from functools import cache
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse

from app.catalogue.repository import CentreFilter
from app.catalogue.schemas import Adcode
from app.catalogue.service import centre_by_id, district_by_adcode, district_features
from app.db import SessionDep
from app.errors import responses
from app.http import GeoJSONResponse
from app.ogc import coverage, service
from app.ogc.errors import OGC_PREFIX
from app.ogc.openapi import ogc_openapi
from app.ogc.params import Format, PageDep, field_named, reject_unknown_parameters
from app.ogc.schemas import (
    OPENAPI_JSON,
    CentreItem,
    CentreItems,
    Collection,
    Collections,
    Conformance,
    CoverageItem,
    CoverageItems,
    DistrictItem,
    DistrictItems,
    LandingPage,
)
from geo.amenities import Amenity, Kind, Level, Status

PREFIX = OGC_PREFIX
router = APIRouter(prefix=PREFIX, tags=["OGC API – Features"])
ItemsCheck = [Depends(reject_unknown_parameters)]
# The ids are listed in the API document; an unknown one is a 404 (the route says so), not a 400.
CollectionId = Annotated[str, Path(alias="collectionId", json_schema_extra={
    "enum": [service.CENTRES, service.DISTRICTS, *coverage.COLLECTIONS]})]
CoverageCollectionId = Annotated[str, Path(alias="collectionId", json_schema_extra={"enum": [*coverage.COLLECTIONS]},
                                         description="coverage-<mode>-bands, coverage-<mode>-<minutes>-gaps or "
                                                     "coverage-<mode>-<minutes>-cells")]
FeatureId = Annotated[str, Path(alias="featureId", description="The feature's id")]


def _only(value: str | None) -> list[str]:
    """A single-valued OGC filter as the catalogue's list of accepted values (enums as their values)."""
    return [str(value)] if value else []


@router.get("", response_model=LandingPage, summary="Landing page")
def landing(request: Request, f: Format = None) -> dict:
    return service.landing_page(request)


@router.get("/", include_in_schema=False)
def landing_with_slash(request: Request, f: Format = None) -> dict:
    return service.landing_page(request)


@router.get("/conformance", response_model=Conformance, summary="Conformance classes")
def conformance(f: Format = None) -> dict:
    return service.conformance()


class OpenAPIResponse(JSONResponse):
    media_type = OPENAPI_JSON


@router.get("/api", summary="This API's definition (OpenAPI 3.0)", response_class=OpenAPIResponse)
def api_definition(f: Format = None) -> OpenAPIResponse:
    return OpenAPIResponse(definition())


@router.get("/collections", response_model=Collections, response_model_exclude_none=True, summary="Collections")
def collections(request: Request, session: SessionDep, f: Format = None) -> dict:
    return service.collections(session, request.app.state, request)


@router.get("/collections/{collectionId}", response_model=Collection, response_model_exclude_none=True,
            summary="One collection", responses=responses(404))
def collection(request: Request, session: SessionDep, collection_id: CollectionId, f: Format = None) -> dict:
    return service.collection(session, request.app.state, request, collection_id)


@router.get("/collections/centres/items", response_model=CentreItems, response_class=GeoJSONResponse,
            dependencies=ItemsCheck, summary="Centres and stations", responses=responses(400))
def centres(
    request: Request, session: SessionDep, page: PageDep,
    kind: Annotated[Kind | None, Query(description="Kind of place")] = None,
    level: Annotated[Level | None, Query(description="Administrative level")] = None,
    status: Annotated[Status | None, Query(description="In service or not")] = None,
    district_adcode: Annotated[Adcode | None, Query(description="District adcode, e.g. 530102")] = None,
    amenity: Annotated[Amenity | None, Query(description="Only centres offering this amenity")] = None,
    q: Annotated[str | None, Query(min_length=1, max_length=100, description="Text in name or address")] = None,
) -> dict:
    """The catalogue (as /api/centres). datetime: only the centres open at that moment."""
    where = CentreFilter(kinds=_only(kind), levels=_only(level), statuses=_only(status), amenities=_only(amenity),
                         districts=_only(district_adcode), bbox=page.bbox, text=q)
    with field_named("district", "district_adcode"):
        features, matched = service.centre_page(session, where=where, page=page)
    return service.feature_page(request, features, matched, page)


@router.get("/collections/centres/items/{featureId}", response_model=CentreItem, response_class=GeoJSONResponse,
            summary="One centre", responses=responses(404))
def centre(request: Request, session: SessionDep, feature_id: FeatureId, f: Format = None) -> dict:
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
def district(request: Request, session: SessionDep, feature_id: FeatureId, f: Format = None) -> dict:
    return service.one_feature(request, service.DISTRICTS, district_by_adcode(session, adcode=feature_id))


@router.get("/collections/{collectionId}/items", response_model=CoverageItems, response_class=GeoJSONResponse,
            dependencies=ItemsCheck, summary="Coverage bands, gaps or cells",
            responses=responses(400, 401, 403, 404, 503))
def coverage_items(
    request: Request, session: SessionDep, page: PageDep, budget: coverage.BudgetDep,
    collection_id: CoverageCollectionId,
    kind: Annotated[Kind | None, Query(description="Only centres of this kind count")] = None,
    amenity: Annotated[Amenity | None, Query(description="Only centres offering this amenity count")] = None,
    district: Annotated[Adcode | None, Query(description="Gaps and cells of this district (adcode) only")] = None,
) -> dict:
    """Coverage on the road network, as /api/coverage/union, /gaps and /cells. datetime: only the centres
    open at that moment count. A layer not yet stored is computed by the request (one routing call of the public
    budget) and then stored for everyone."""
    found = service.coverage_collection(collection_id)
    selection = coverage.Selection(at=page.moment, kinds=tuple(_only(kind)), amenities=tuple(_only(amenity)),
                                   districts=tuple(_only(district)))
    features, matched, counted = service.coverage_page(session, request.app.state, found, selection, page, budget)
    return service.feature_page(request, features, matched, page, coverage=counted)


@router.get("/collections/{collectionId}/items/{featureId}", response_model=CoverageItem,
            response_class=GeoJSONResponse, summary="One coverage feature", responses=responses(401, 403, 404, 503))
def coverage_item(request: Request, session: SessionDep, budget: coverage.BudgetDep,
                  collection_id: CoverageCollectionId, feature_id: FeatureId, f: Format = None) -> dict:
    found = service.coverage_collection(collection_id)
    feature = service.coverage_feature(session, request.app.state, found, feature_id, budget)
    return service.one_feature(request, collection_id, feature)


@cache
def definition() -> dict:
    return ogc_openapi(router.routes, title=service.TITLE, description=service.DESCRIPTION, version="1.0.0",
                       prefix=PREFIX)
