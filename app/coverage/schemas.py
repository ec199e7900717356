"""Request and response models of the coverage API."""
from datetime import date, datetime
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
    district_area_m2: float = Field(description="The whole district")
    area_m2: float = Field(description="Its analysis area: the district where the road network reaches")
    covered_m2: float
    covered_pct: float | None = Field(description="Of the analysis area; null when the network does not reach it")
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
    reused: bool = Field(description="Read from the store (false: expanded by this request)")
    routing_seconds: float = Field(description="Time the one multi-origin expansion took when it was computed")


class AnalysisAreaInfo(BaseModel):
    method: Literal["districts_within_network_reach"]
    description: str
    crs: str = Field(description="Where areas are measured (the UTM zone of the road network)")
    reach_m: float = Field(description="A mask cell counts when its centre is this close to a road")
    h3_resolution: int
    area_m2: float = Field(description="The analysis area of the districts reported on")
    district_area_m2: float = Field(description="The same districts in full")


class Totals(BaseModel):
    area_m2: float
    covered_m2: float
    covered_pct: float | None
    demand_total: float | None
    demand_covered: float | None
    demand_covered_pct: float | None
    centres: int


class CoverageParameters(BaseModel):
    """What any coverage answer was computed for and where it was measured."""
    mode: TravelMode
    minutes: int
    bands: list[int]
    kind: list[str]
    amenity: list[str]
    resolution: int
    crs: str
    network_key: str
    analysis_area: AnalysisAreaInfo


class CoverageDescription(CoverageParameters):
    """One moment's coverage: the parameters, the moment, the centres counted and the layer read."""
    at: datetime | None
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


class ProfileHour(BaseModel):
    hour: int = Field(description="Hour of the week (0 = Monday 00:00), or of the day for holiday hours")
    at: datetime
    centres: int = Field(description="Centres counted (open then, on the network)")
    covered_pct: float | None
    demand_covered_pct: float | None
    layer_id: int


class WeekInfo(BaseModel):
    start: date
    end: date
    definition: str


class HolidayProfile(BaseModel):
    name_en: str | None
    name_zh: str | None
    start: date
    end: date
    makeup_workdays: list[date] = Field(description="Weekend days worked in exchange (调休)")
    hours: list[ProfileHour] = Field(description="The first holiday day, hour by hour")
    makeup_day: date | None = Field(description="The first make-up working day from `at` on, if any")
    makeup_hours: list[ProfileHour] | None = Field(description="That make-up working day, hour by hour")


class ProfileLayers(BaseModel):
    distinct: int = Field(description="Distinct sets of open centres, one stored layer each")
    computed: int = Field(description="Of which this request expanded")


class WeekProfile(CoverageParameters):
    demand: DemandInfo
    week: WeekInfo
    hours: list[ProfileHour] = Field(min_length=168, max_length=168)
    holiday: HolidayProfile | None
    holiday_note: str | None
    layers: ProfileLayers
