"""Query parameters every /items operation takes (OGC 17-069r4 §7.15): limit, offset, bbox, bbox-crs,
datetime and f, and the rule that a parameter an operation does not declare is refused."""
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal

from fastapi import Depends, Query, Request
from fastapi.dependencies.models import Dependant

from app.catalogue.schemas import check_moment
from app.errors import InvalidParameter
from app.http import Offset
from app.ogc.schemas import CRS84
from geo.coords import Bbox, parse_bbox

DEFAULT_LIMIT, MAX_LIMIT = 100, 1000
# Open ends of a datetime interval: "..", empty, and the far years QGIS sends for an open bound.
_OPEN_BOUNDS = ("..", "")
_FAR_YEARS = ("0000-", "9999-")


@dataclass(frozen=True, kw_only=True)
class Page:
    limit: int
    offset: int
    bbox: Bbox | None
    moment: datetime | None


def parse_ogc_bbox(text: str) -> Bbox:
    """4 numbers (west,south,east,north) or 6 with heights (the heights are dropped), in CRS84."""
    parts = text.split(",")
    if len(parts) == 6:
        parts = parts[0:2] + parts[3:5]
    if len(parts) != 4:
        raise InvalidParameter("bbox must be 4 numbers (west,south,east,north) or 6 with heights", field="bbox")
    return parse_bbox(",".join(parts))


def _instant(text: str) -> datetime | None:
    if text in _OPEN_BOUNDS or text.startswith(_FAR_YEARS):
        return None
    try:
        return check_moment(datetime.fromisoformat(text))
    except ValueError as exc:
        raise InvalidParameter(f"datetime: {text!r} is not an RFC 3339 date-time between the years 2000 and 2099 "
                               f"({exc})", field="datetime") from None


def parse_moment(text: str) -> datetime | None:
    """The moment a datetime parameter names: an instant, or the start of an interval (QGIS's temporal
    controller sends each step as an interval); an interval open at the start names no moment."""
    start, _, end = text.partition("/")
    moment = _instant(start.strip())
    if end.strip():
        _instant(end.strip())  # still refuse a malformed end
    return moment


def page(
    limit: Annotated[int, Query(ge=1, description=f"Features per page; more than {MAX_LIMIT} is read as {MAX_LIMIT}")]
    = DEFAULT_LIMIT,
    offset: Offset = 0,
    bbox: Annotated[str | None, Query(description="west,south,east,north in CRS84 (lon/lat degrees); 6 numbers "
                                                  "with heights are accepted")] = None,
    bbox_crs: Annotated[Literal[CRS84] | None, Query(alias="bbox-crs", description="Only CRS84")] = None,  # type: ignore[valid-type]
    datetime_: Annotated[str | None, Query(alias="datetime", description=(
        "A moment (RFC 3339; no offset = Asia/Shanghai) or an interval, read as its start"))] = None,
    f: Annotated[Literal["json"] | None, Query(description="Encoding: only json (GeoJSON)")] = None,
) -> Page:
    return Page(limit=min(limit, MAX_LIMIT), offset=offset, bbox=parse_ogc_bbox(bbox) if bbox else None,
                moment=parse_moment(datetime_) if datetime_ else None)


PageDep = Annotated[Page, Depends(page)]
Format = Annotated[Literal["json"] | None, Query(description="Encoding: only json")]


def _query_names(dependant: Dependant) -> set[str]:
    names = {field.alias for field in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def reject_unknown_parameters(request: Request) -> None:
    """An /items operation refuses a query parameter it does not declare (/req/core/query-param-unknown):
    a misspelt filter must not silently return everything."""
    route = request.scope.get("route")
    known = _query_names(route.dependant) if route is not None else set()
    unknown = [name for name in request.query_params if name not in known]
    if unknown:
        raise InvalidParameter(f"unknown query parameter {unknown[0]!r}; this operation takes "
                               f"{', '.join(sorted(known))}", field=unknown[0])


@contextmanager
def field_named(api_name: str, ogc_name: str) -> Iterator[None]:
    """Errors of the catalogue's checks name the JSON API's parameter; here the same filter is named
    after its feature property (district_adcode), and the error must name what the client sent."""
    try:
        yield
    except InvalidParameter as exc:
        if exc.field != api_name:
            raise
        raise InvalidParameter(exc.message, field=ogc_name) from None
