"""Routes for the web front end: its configuration, the display vocabulary, the /embed and /edit pages."""
from pathlib import Path

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse
from pydantic import BaseModel

from geo.amenities import AMENITY_LABELS, KIND_LABELS, LEVEL_LABELS, PRECISION_LABELS, STATUS_LABELS, Amenity

router = APIRouter(tags=["front end"])

WEB_DIR = Path(__file__).resolve().parents[1] / "web"
VOCABULARY_MAX_AGE = 3600

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
    """Base map settings for the front end, and whether isochrones can be drawn (a road network is in service)."""
    settings = request.app.state.settings
    return ClientConfig(
        tile_url=settings.tile_url, tile_attribution=settings.tile_attribution, tile_crs=settings.tile_crs,
        isochrones=request.app.state.network.available(),
    )


@router.get("/edit", include_in_schema=False)
def edit_page() -> FileResponse:
    """The editors' page. It is never framed (it acts with the editor's token) nor cached by proxies."""
    return FileResponse(WEB_DIR / "edit.html", media_type="text/html", headers={
        "Content-Security-Policy": "frame-ancestors 'none'", "Cache-Control": "no-store",
    })


@router.get("/embed", include_in_schema=False)
def embed_page(request: Request) -> FileResponse:
    """The app shell for iframes; who may frame it comes from settings.frame_ancestors."""
    ancestors = " ".join(request.app.state.settings.frame_ancestors.split())
    return FileResponse(WEB_DIR / "index.html", media_type="text/html", headers={
        "Content-Security-Policy": f"frame-ancestors {ancestors}",
    })
