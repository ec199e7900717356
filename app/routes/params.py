"""Query parameters shared by the catalogue routes."""
import math
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Query

from app.errors import InvalidParameter
from app.repository import CentreFilter
from geo.amenities import Amenity, Kind, Level, Status

ADCODE_PATTERN = r"^\d{6}$"


def parse_bbox(raw: str | None) -> tuple[float, float, float, float] | None:
    if raw is None:
        return None
    try:
        west, south, east, north = (float(part) for part in raw.split(","))
    except ValueError:
        raise InvalidParameter("bbox must be four numbers: west,south,east,north", field="bbox") from None
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        raise InvalidParameter("bbox values must be finite numbers", field="bbox")
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise InvalidParameter("bbox must satisfy -180<=west<east<=180 and -90<=south<north<=90", field="bbox")
    return west, south, east, north


def centre_filter(
    kind: Annotated[list[Kind], Query(description="Any of these kinds")] = [],
    level: Annotated[list[Level], Query(description="Any of these levels")] = [],
    district: Annotated[list[str], Query(description="District adcode(s), e.g. 530102")] = [],
    amenity: Annotated[list[Amenity], Query(description="All of these amenities")] = [],
    status: Annotated[list[Status], Query(description="Any of these statuses")] = [],
    bbox: Annotated[str | None, Query(description="west,south,east,north in WGS84 degrees")] = None,
    q: Annotated[str | None, Query(min_length=1, max_length=100, description="Text in name or address")] = None,
) -> CentreFilter:
    for adcode in district:
        if not adcode.isascii() or not adcode.isdigit() or len(adcode) != 6:
            raise InvalidParameter(f"district must be a 6-digit adcode, got {adcode!r}", field="district")
    return CentreFilter(
        kinds=[k.value for k in kind], levels=[lv.value for lv in level], districts=district,
        amenities=[a.value for a in amenity], statuses=[s.value for s in status],
        bbox=parse_bbox(bbox), text=q,
    )


FilterDep = Annotated[CentreFilter, Depends(centre_filter)]
OpenNow = Annotated[bool, Query(description="Only centres open now (Asia/Shanghai, holidays and 调休 respected)")]
OpenAt = Annotated[
    datetime | None, Query(description="Only centres open at this moment (ISO 8601; no offset = Asia/Shanghai)")
]
