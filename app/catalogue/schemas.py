"""Request filters and response models (GeoJSON through geojson-pydantic)."""
from datetime import date, datetime
from typing import Annotated, Literal

from geojson_pydantic import Feature, FeatureCollection, Point
from pydantic import AfterValidator, BaseModel, Field, StringConstraints, field_validator

from app.http import has_control_characters
from geo.amenities import Amenity, Kind, Level, LocationPrecision, Status

CENTRE_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{2,63}$"
# A county-level division code (district or county), e.g. 530102 五华区.
Adcode = Annotated[str, StringConstraints(pattern=r"^[0-9]{6}$")]
ETAG_HEADER = {"ETag": {"description": "Version of the centre, for If-Match", "schema": {"type": "string"}}}
# OpenAPI links: what a client (and schemathesis's stateful phase) can do next with a centre it holds.
_THIS_CENTRE = {"centre_id": "$response.body#/id"}
_THIS_VERSION = {**_THIS_CENTRE, "header.If-Match": "$response.header.ETag"}
CENTRE_LINKS = {
    "GetCentre": {"operationId": "getCentre", "parameters": _THIS_CENTRE},
    "UpdateCentre": {"operationId": "updateCentre", "parameters": _THIS_VERSION},
    "DeleteCentre": {"operationId": "deleteCentre", "parameters": _THIS_VERSION},
    "ReportOnCentre": {"operationId": "reportOnCentre", "parameters": _THIS_CENTRE},
}


FIRST_YEAR, LAST_YEAR = 2000, 2099


def check_moment(moment: datetime) -> datetime:
    # Opening hours and the holiday calendar mean nothing for far years, far years overflow date
    # arithmetic (arrival times), and before 1901 Asia/Shanghai is local mean time (+08:05:43).
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise ValueError(f"must be a moment between the years {FIRST_YEAR} and {LAST_YEAR}")
    return moment


Moment = Annotated[datetime, AfterValidator(check_moment)]


class CardProperties(BaseModel):
    """What the map's station card shows: the `fields=card` representation, for slow mobile networks."""

    id: str = Field(pattern=CENTRE_ID_PATTERN)
    name_zh: str
    name_en: str | None = None
    kind: Kind
    district_name: str | None = None
    address: str | None = None
    phone: str | None = None
    amenities: list[Amenity] = []
    location_precision: LocationPrecision
    location_note: str | None = None
    status: Status = Status.open
    open_now: bool | None = Field(
        None, description="Open at the evaluated moment; null when the hours are unknown"
    )
    hours_today: list[str] | None = Field(None, description="Today's opening intervals, e.g. 09:00-17:00")


class CentreProperties(CardProperties):
    level: Level | None = None
    district_adcode: str | None = None
    street: str | None = None
    community: str | None = None
    opening_hours: str | None = Field(None, description="OpenStreetMap opening_hours syntax")
    operator: str | None = None
    source: str
    source_quote: str | None = None
    last_verified: date | None = None


class Arrival(BaseModel):
    distance_m: float = Field(description="Straight-line distance from the origin")
    travel_seconds: float | None = Field(None, description="Travel time on the road network")
    travel_metres: float | None = Field(None, description="Route length on the road network")
    open_on_arrival: bool | None = Field(
        None, description="Open when the rider gets there; null when the hours are unknown or nothing was routed"
    )


class NearestProperties(CentreProperties, Arrival):
    pass


class NearestCardProperties(CardProperties, Arrival):
    pass


CentreFeature = Feature[Point, CentreProperties]
NearestFeature = Feature[Point, NearestProperties]
# The two representations of a list: every field, or only the card's (see CardProperties).
Fields = Literal["all", "card"]


class Paging(BaseModel):
    number_matched: int
    number_returned: int
    limit: int
    offset: int


class Ranking(BaseModel):
    ranking: Literal["straight_line", "travel_time"]
    mode: str | None
    note: str | None = None


class CentreCollection(FeatureCollection[CentreFeature], Paging):
    fields: Literal["all"] = "all"


class CentreCardCollection(FeatureCollection[Feature[Point, CardProperties]], Paging):
    fields: Literal["card"]


class NearestCollection(FeatureCollection[NearestFeature], Ranking):
    fields: Literal["all"] = "all"


class NearestCardCollection(FeatureCollection[Feature[Point, NearestCardProperties]], Ranking):
    fields: Literal["card"]


CentreList = Annotated[CentreCollection | CentreCardCollection, Field(discriminator="fields")]
NearestList = Annotated[NearestCollection | NearestCardCollection, Field(discriminator="fields")]


class DistrictSummary(BaseModel):
    adcode: str
    name_zh: str
    main_urban: bool
    centres: int
    service_centres: int
    rider_stations: int


class PlainText(BaseModel):
    """Text fields hold no control characters (PostgreSQL cannot store NUL; none means anything here),
    whether they come through the API or an import file."""

    @field_validator("*", mode="after")
    @classmethod
    def no_control_characters(cls, value: object) -> object:
        if isinstance(value, str) and has_control_characters(value):
            raise ValueError("control characters are not allowed")
        return value


class CentreFields(PlainText):
    """A catalogue record's fields without its point: what a directory row the geocoder could not place keeps."""

    model_config = {"extra": "forbid", "use_enum_values": True}

    id: str = Field(pattern=CENTRE_ID_PATTERN)
    name_zh: str = Field(min_length=1, max_length=200)
    name_en: str | None = Field(None, max_length=200)
    kind: Kind
    level: Level | None = None
    district_adcode: str | None = Field(None, pattern=r"^\d{6}$")
    street: str | None = None
    community: str | None = None
    address: str | None = None
    phone: str | None = Field(None, max_length=64)
    opening_hours: str | None = None
    amenities: list[Amenity] = []
    operator: str | None = None
    location_precision: LocationPrecision
    location_note: str | None = None
    source: str = Field(min_length=1)
    source_quote: str | None = None
    last_verified: date | None = None
    status: Status = Status.open


class CentreIn(CentreFields):
    """One catalogue record as imported or edited (coordinates already in WGS84)."""

    lon: float = Field(ge=-180, le=180)
    lat: float = Field(ge=-90, le=90)


class UnplacedRowOut(BaseModel):
    """A directory row waiting for a place: `id` is the centre id it gets once an editor places it, with the
    row's other catalogue fields, which the centre starts from (its location is the editor's to give)."""

    id: str
    name_zh: str
    address: str | None
    phone: str | None
    opening_hours: str | None
    district_adcode: str | None
    source: str
    reason: str = Field(description="Why the geocoder could not place it")
    reason_zh: str | None = Field(description="The same in Chinese (null for rows kept without one)")
    provider: str | None = Field(description="The geocoder asked (amap, baidu, tianditu), if any")
    line: int | None = Field(description="Line of the directory file (feature number for GeoJSON)")
    imported_at: datetime
    name_en: str | None = None
    kind: Kind
    level: Level | None = None
    street: str | None = None
    community: str | None = None
    amenities: list[Amenity] = []
    operator: str | None = None
    source_quote: str | None = None
    last_verified: date | None = None
    status: Status = Status.open


class CentreUpdate(PlainText):
    """A partial change: only the fields given are changed (null clears an optional field)."""

    model_config = {"extra": "forbid", "use_enum_values": True}

    name_zh: str | None = Field(None, min_length=1, max_length=200)
    name_en: str | None = Field(None, max_length=200)
    kind: Kind | None = None
    level: Level | None = None
    street: str | None = None
    community: str | None = None
    address: str | None = None
    phone: str | None = Field(None, max_length=64)
    opening_hours: str | None = None
    amenities: list[Amenity] | None = None
    operator: str | None = None
    location_precision: LocationPrecision | None = None
    location_note: str | None = None
    source: str | None = Field(None, min_length=1)
    source_quote: str | None = None
    last_verified: date | None = None
    status: Status | None = None
    lon: float | None = Field(None, ge=-180, le=180)
    lat: float | None = Field(None, ge=-90, le=90)
