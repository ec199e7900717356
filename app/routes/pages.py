"""Routes for the web front end: its configuration, the display vocabulary and the /embed page."""
from pathlib import Path

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse
from pydantic import BaseModel

from geo.amenities import AMENITY_LABELS, Amenity, Kind, Level, LocationPrecision, Status

router = APIRouter(tags=["front end"])

WEB_DIR = Path(__file__).resolve().parents[2] / "web"
ISOCHRONES_PATH = "/api/isochrones"
VOCABULARY_MAX_AGE = 3600

# token -> (Chinese label, English label). Amenity labels live in geo.amenities; these are display-only.
KIND_LABELS: dict[Kind, tuple[str, str]] = {
    Kind.service_centre: ("党群服务中心", "Party–mass service centre"),
    Kind.rider_station: ("骑手驿站", "Rider rest station"),
}
LEVEL_LABELS: dict[Level, tuple[str, str]] = {
    Level.city: ("市级", "City"),
    Level.district: ("区（县、市）级", "District"),
    Level.street: ("街道（乡镇）", "Street / township"),
    Level.community: ("社区（村）", "Community / village"),
    Level.business_district: ("商圈", "Business district"),
    Level.building: ("楼宇", "Building"),
    Level.industrial_park: ("园区", "Industrial park"),
}
STATUS_LABELS: dict[Status, tuple[str, str]] = {
    Status.open: ("开放", "Open"),
    Status.temporarily_closed: ("暂停开放", "Temporarily closed"),
    Status.closed: ("已关闭", "Closed"),
}
PRECISION_LABELS: dict[LocationPrecision, tuple[str, str]] = {
    LocationPrecision.exact: ("位置准确", "Exact location"),
    LocationPrecision.building: ("位置精确到楼宇", "Location to the building"),
    LocationPrecision.approximate: ("位置为大致位置", "Approximate location"),
}


class Label(BaseModel):
    value: str
    zh: str
    en: str


class Vocabulary(BaseModel):
    kinds: list[Label]
    levels: list[Label]
    amenities: list[Label]
    statuses: list[Label]
    location_precisions: list[Label]


class ClientConfig(BaseModel):
    tile_url: str
    tile_attribution: str
    tile_crs: str
    isochrones: bool


def _labels(table: dict) -> list[Label]:
    return [Label(value=token.value, zh=zh, en=en) for token, (zh, en) in table.items()]


def _has_route(request: Request, path: str) -> bool:
    return any(getattr(route, "path", None) == path for route in request.app.routes)


@router.get("/api/vocabulary", response_model=Vocabulary)
def vocabulary(response: Response) -> Vocabulary:
    """Every fixed vocabulary with its Chinese and English display labels."""
    response.headers["Cache-Control"] = f"public, max-age={VOCABULARY_MAX_AGE}"
    return Vocabulary(
        kinds=_labels(KIND_LABELS), levels=_labels(LEVEL_LABELS),
        amenities=_labels({amenity: AMENITY_LABELS[amenity] for amenity in Amenity}),
        statuses=_labels(STATUS_LABELS), location_precisions=_labels(PRECISION_LABELS),
    )


@router.get("/api/config", response_model=ClientConfig)
def client_config(request: Request) -> ClientConfig:
    """Base map settings for the front end, and whether optional endpoints exist on this server."""
    settings = request.app.state.settings
    return ClientConfig(
        tile_url=settings.tile_url, tile_attribution=settings.tile_attribution, tile_crs=settings.tile_crs,
        isochrones=_has_route(request, ISOCHRONES_PATH),
    )


@router.get("/embed", include_in_schema=False)
def embed_page(request: Request) -> FileResponse:
    """The app shell for iframes; who may frame it comes from settings.frame_ancestors."""
    ancestors = " ".join(request.app.state.settings.frame_ancestors.split())
    return FileResponse(WEB_DIR / "index.html", media_type="text/html", headers={
        "Content-Security-Policy": f"frame-ancestors {ancestors}",
    })
