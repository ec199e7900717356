"""Request and response models of the coverage API."""
from datetime import datetime
from typing import Literal

from geojson_pydantic import Feature, FeatureCollection, Point
from pydantic import BaseModel, Field

from app.catalogue.schemas import Adcode, Moment
from geo.amenities import Amenity, Kind
from geo.coverage import DEFAULT_RESOLUTION, MAX_RESOLUTION, MIN_RESOLUTION
from geo.modes import TravelMode
from geo.siting import MAX_K

DemandKind = Literal["raster", "csv", "osm_buildings", "none", "area"]


class Gap(BaseModel):
    rank: int
    area_m2: float
    lon: float = Field(description="A point inside the gap (WGS84)")
    lat: float


class DistrictCoverage(BaseModel):
    adcode: str
    name_zh: str
    area_m2: float
    covered_m2: float
    covered_pct: float
    uncovered_m2: float
    centres: int
    service_centres: int
    rider_stations: int
    demand_total: float | None
    demand_covered: float | None
    demand_covered_pct: float | None
    largest_gaps: list[Gap]


class DemandInfo(BaseModel):
    kind: DemandKind
    source_id: int | None
    name: str | None
    unit: str
    note: str | None


class CentreCounts(BaseModel):
    counted: int
    off_network: int
    not_in_service: int
    closed_at_moment: int
    hours_unknown: int


class LayerInfo(BaseModel):
    id: int
    version: int
    reused: bool = Field(description="Started from a stored layer instead of from nothing")
    recomputed_tiles: int
    isochrones_computed: int


class Totals(BaseModel):
    area_m2: float
    covered_m2: float
    covered_pct: float
    demand_total: float | None
    demand_covered: float | None
    demand_covered_pct: float | None
    centres: int


class CoverageDescription(BaseModel):
    mode: TravelMode
    minutes: int
    bands: list[int]
    at: datetime | None
    kind: list[str]
    amenity: list[str]
    resolution: int
    crs: str
    network_key: str
    centres: CentreCounts
    layer: LayerInfo


class CoverageFigures(CoverageDescription):
    demand: DemandInfo
    totals: Totals
    districts: list[DistrictCoverage]


class SiteIn(BaseModel):
    model_config = {"extra": "forbid"}
    id: str = Field(min_length=1, max_length=64)
    lon: float = Field(ge=-180, le=180)
    lat: float = Field(ge=-90, le=90)


class SitingRequest(BaseModel):
    model_config = {"extra": "forbid"}
    k: int = Field(3, ge=1, le=MAX_K, description="How many new locations to suggest")
    mode: TravelMode = TravelMode.ebike
    minutes: int = Field(15, ge=1, le=60)
    at: Moment | None = Field(None, description="Only centres open at this moment count as existing")
    kind: list[Kind] = Field([], description="Existing centres of these kinds count (default all)")
    amenity: list[Amenity] = []
    district: list[Adcode] = Field([], description="Districts (adcodes) whose demand counts")
    resolution: int = Field(DEFAULT_RESOLUTION, ge=MIN_RESOLUTION, le=MAX_RESOLUTION)
    demand: int | None = Field(None, ge=1, le=2**31 - 1, description="Demand source id (default: the best imported)")
    sites: list[SiteIn] | None = Field(None, max_length=1000, description="Candidate sites (uploaded)")
    host_kind: list[Kind] = Field([], description="Existing centres of these kinds as candidates")
    max_candidates: int = Field(100, ge=1, le=1000)


class SuggestionProperties(BaseModel):
    rank: int
    candidate_id: str
    new_demand: float
    new_demand_pct_of_uncovered: float | None
    new_area_m2: float
    new_cells: int


class CandidateInfo(BaseModel):
    source: Literal["sites", "host_centres", "gap_cells"]
    considered: int
    off_network: list[str]


class SitingResult(FeatureCollection[Feature[Point, SuggestionProperties]], CoverageDescription):
    demand: DemandInfo
    k: int
    candidates: CandidateInfo
    uncovered_demand: float
    optimal: bool


class DemandSourceOut(BaseModel):
    id: int
    kind: str
    name: str
    unit: str
    resolution: int
    total: float
    cells: int
    imported_at: datetime
