"""Routes for the web front end: the app page (with a shared station's title and description for link
previews), its configuration, the display vocabulary, the /embed and /edit pages."""
import re
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse, HTMLResponse
from pydantic import BaseModel
from sqlalchemy.orm import Session

from app.catalogue.schemas import CENTRE_ID_PATTERN
from app.catalogue.service import centre_by_id
from app.db import SessionDep
from app.errors import NotFound
from app.frontend.meta import Lang, PageMeta, render_page, site_meta, station_meta
from geo.amenities import AMENITY_LABELS, KIND_LABELS, LEVEL_LABELS, PRECISION_LABELS, STATUS_LABELS, Amenity

router = APIRouter(tags=["front end"])

WEB_DIR = Path(__file__).resolve().parents[2] / "web"
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
def edit_page(request: Request) -> FileResponse:
    """The editors' page. It acts with the editor's token, so it is never framed nor cached by proxies,
    and runs nothing but its own files: scripts, styles and requests from this host, tiles from the
    configured tile server."""
    tiles = tile_source(request.app.state.settings.tile_url)
    policy = (f"default-src 'self'; img-src 'self' data: {tiles}; connect-src 'self'; object-src 'none'; "
              "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
    return FileResponse(WEB_DIR / "edit.html", media_type="text/html", headers={
        "Content-Security-Policy": policy, "Cache-Control": "no-store",
    })


def tile_source(tile_url: str) -> str:
    """The CSP source of a tile URL template: its origin, with a {s} subdomain as a wildcard label."""
    parts = urlsplit(tile_url)
    host = parts.hostname or ""
    if "{" in host:  # e.g. webrd0{s}.is.autonavi.com: CSP allows a wildcard only as the first label
        host = "*." + host.split(".", 1)[1]
    return f"{parts.scheme}://{host}" + (f":{parts.port}" if parts.port else "")


def _shared_station(session: Session, station: str, lang: Lang) -> PageMeta | None:
    if not re.fullmatch(CENTRE_ID_PATTERN, station):
        return None
    try:
        centre, _ = centre_by_id(session, centre_id=station)
    except NotFound:
        return None
    return station_meta(centre["properties"], lang)


@router.get("/", include_in_schema=False, response_class=HTMLResponse)
def app_page(
    request: Request, session: SessionDep, station: str | None = None, lang: str | None = None,
) -> HTMLResponse:
    """The app; `?station=<id>` opens that station's card, and its title and description are in the page's
    head so chat apps show them in the link preview. An unknown station gets the plain page with a 404."""
    language: Lang = "en" if lang == "en" else "zh"
    meta = _shared_station(session, station, language) if station else None
    status = 404 if station and meta is None else 200
    image = str(request.url_for("web", path="/icons/icon-512.png"))
    return HTMLResponse(render_page(WEB_DIR / "index.html", meta or site_meta(language), image_url=image),
                        status_code=status)


@router.get("/embed", include_in_schema=False)
def embed_page(request: Request) -> FileResponse:
    """The app shell for iframes; who may frame it comes from settings.frame_ancestors."""
    ancestors = " ".join(request.app.state.settings.frame_ancestors.split())
    return FileResponse(WEB_DIR / "index.html", media_type="text/html", headers={
        "Content-Security-Policy": f"frame-ancestors {ancestors}",
    })
