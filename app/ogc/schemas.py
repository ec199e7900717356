"""Response models of the OGC API – Features face (OGC 17-069r4: landing page, conformance, collections,
feature collections with paging links). Feature properties are the JSON API's own models."""
from typing import Any

from geojson_pydantic import Feature, FeatureCollection, MultiPolygon, Point
from geojson_pydantic.geometries import Geometry
from pydantic import BaseModel, Field, SerializerFunctionWrapHandler, model_serializer

from app.catalogue.schemas import CentreProperties, DistrictSummary

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
GREGORIAN = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
]
JSON = "application/json"
GEOJSON = "application/geo+json"
OPENAPI_JSON = "application/vnd.oai.openapi+json;version=3.0"


class Link(BaseModel):
    href: str
    rel: str
    type: str | None = None
    title: str | None = None

    @model_serializer(mode="wrap")
    def _without_empty(self, serialize: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return {key: value for key, value in serialize(self).items() if value is not None}


class LandingPage(BaseModel):
    title: str
    description: str
    links: list[Link]


class Conformance(BaseModel):
    conformsTo: list[str]


class SpatialExtent(BaseModel):
    bbox: list[list[float]] = Field(description="west, south, east, north in CRS84")
    crs: str = CRS84


class TemporalExtent(BaseModel):
    interval: list[list[str | None]]
    trs: str = GREGORIAN


class Extent(BaseModel):
    spatial: SpatialExtent | None = None
    temporal: TemporalExtent | None = None


class Collection(BaseModel):
    id: str
    title: str
    description: str
    itemType: str = "feature"
    crs: list[str] = [CRS84]
    extent: Extent | None = None
    links: list[Link]


class Collections(BaseModel):
    links: list[Link]
    collections: list[Collection]


class Paged(BaseModel):
    numberMatched: int
    numberReturned: int
    timeStamp: str = Field(description="When the response was made (RFC 3339, UTC)")
    links: list[Link]


class CentreItems(FeatureCollection[Feature[Point, CentreProperties]], Paged):
    pass


class CentreItem(Feature[Point, CentreProperties]):
    links: list[Link]


class DistrictItems(FeatureCollection[Feature[MultiPolygon, DistrictSummary]], Paged):
    pass


class DistrictItem(Feature[MultiPolygon, DistrictSummary]):
    links: list[Link]


class CoverageItems(FeatureCollection[Feature[Geometry, dict[str, Any]]], Paged):
    coverage: dict[str, Any] = Field(description="What the coverage counted: mode, minutes, moment, centres, "
                                                 "demand (as in /api/coverage)")


class CoverageItem(Feature[Geometry, dict[str, Any]]):
    links: list[Link]
