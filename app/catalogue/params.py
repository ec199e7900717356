"""Query parameters shared by the catalogue routes."""
from typing import Annotated

from fastapi import Depends, Path, Query

from app.catalogue.repository import CentreFilter
from app.catalogue.schemas import CENTRE_ID_PATTERN, Adcode, Fields, Moment
from geo.amenities import Amenity, Kind, Level, Status
from geo.coords import parse_bbox

CentreId = Annotated[str, Path(pattern=CENTRE_ID_PATTERN, description="Stable centre id")]
Districts = Annotated[list[Adcode], Query(description="District adcode(s), e.g. 530102")]


def centre_filter(
    kind: Annotated[list[Kind], Query(description="Any of these kinds")] = [],
    level: Annotated[list[Level], Query(description="Any of these levels")] = [],
    district: Districts = [],
    amenity: Annotated[list[Amenity], Query(description="All of these amenities")] = [],
    status: Annotated[list[Status], Query(description="Any of these statuses")] = [],
    bbox: Annotated[str | None, Query(description="west,south,east,north in WGS84 degrees")] = None,
    q: Annotated[str | None, Query(min_length=1, max_length=100, description="Text in name or address")] = None,
) -> CentreFilter:
    return CentreFilter(
        kinds=[k.value for k in kind], levels=[lv.value for lv in level], districts=district,
        amenities=[a.value for a in amenity], statuses=[s.value for s in status],
        bbox=parse_bbox(bbox) if bbox is not None else None, text=q,
    )


FilterDep = Annotated[CentreFilter, Depends(centre_filter)]
OpenNow = Annotated[bool, Query(description="Only centres open now (Asia/Shanghai, holidays and 调休 respected)")]
OpenAt = Annotated[
    Moment | None, Query(description="Only centres open at this moment (ISO 8601; no offset = Asia/Shanghai)")
]
FieldsParam = Annotated[Fields, Query(description=(
    "`card`: only what the map's station card shows (names, kind, district, address, phone, amenities, "
    "location precision and note, status, open now, today's hours; for nearest also distance, travel time "
    "and open on arrival), coordinates to 6 decimals. For phones on slow networks."
))]
