"""API documentation served from our own host: Swagger UI at /docs (the JSON API) and /docs/ogc
(OGC API – Features). FastAPI's own pages load their scripts from a public CDN, which is slow or
blocked in mainland China; here the assets come from the fastapi-offline package, and a
Content-Security-Policy keeps the pages from asking any other host. ReDoc is not offered: its bundle
always asks cdn.redoc.ly for a logo, so /redoc leads to /docs."""
from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse

from app.errors import NotFound

router = APIRouter(include_in_schema=False)

ASSET_DIR = Path(str(files("fastapi_offline") / "static"))
ASSETS = {"swagger-ui-bundle.js": "text/javascript", "swagger-ui.css": "text/css", "favicon.png": "image/png"}
ASSET_MAX_AGE = 86400
# The inline script and style are the page's own (FastAPI writes them); no other host for anything.
DOCS_POLICY = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
               "img-src 'self' data:; connect-src 'self'; frame-ancestors 'self'")


def _asset(request: Request, name: str) -> str:
    return f"{request.scope.get('root_path', '')}/docs/assets/{name}"


def _swagger(request: Request, openapi_path: str, title: str) -> HTMLResponse:
    page = get_swagger_ui_html(
        openapi_url=request.scope.get("root_path", "") + openapi_path, title=title,
        swagger_js_url=_asset(request, "swagger-ui-bundle.js"), swagger_css_url=_asset(request, "swagger-ui.css"),
        swagger_favicon_url=_asset(request, "favicon.png"),
        swagger_ui_parameters={"validatorUrl": None},  # the badge would ask validator.swagger.io
    )
    page.headers["Content-Security-Policy"] = DOCS_POLICY
    return page


@router.get("/docs")
def swagger_ui(request: Request) -> HTMLResponse:
    return _swagger(request, request.app.openapi_url or "/openapi.json", "servicemap API")


@router.get("/docs/ogc")
def swagger_ui_ogc(request: Request) -> HTMLResponse:
    return _swagger(request, "/ogc/api", "servicemap OGC API – Features")


@router.get("/redoc")
def redoc(request: Request) -> RedirectResponse:
    return RedirectResponse(f"{request.scope.get('root_path', '')}/docs", status_code=308)


@router.get("/docs/assets/{name}")
def asset(name: str) -> FileResponse:
    if name not in ASSETS:
        raise NotFound(f"no documentation asset {name!r}", field="name")
    return FileResponse(ASSET_DIR / name, media_type=ASSETS[name],
                        headers={"Cache-Control": f"public, max-age={ASSET_MAX_AGE}"})
