"""API documentation pages served from our own host: Swagger UI at /docs (the JSON API) and /docs/ogc
(OGC API – Features), ReDoc at /redoc. FastAPI's own pages load their scripts from a public CDN, which
is slow or blocked in mainland China; here the assets come from the fastapi-offline package
(Swagger UI, ReDoc), and a Content-Security-Policy keeps the pages from asking any other host."""
from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse

from app.errors import NotFound

router = APIRouter(include_in_schema=False)

ASSET_DIR = Path(str(files("fastapi_offline") / "static"))
ASSETS = {"swagger-ui-bundle.js": "text/javascript", "swagger-ui.css": "text/css",
          "redoc.standalone.js": "text/javascript", "favicon.png": "image/png"}
ASSET_MAX_AGE = 86400
# Inline scripts and styles are the pages' own (FastAPI writes them); ReDoc builds its search
# worker from a blob. No other host for anything, including ReDoc's logo and the validator badge.
DOCS_POLICY = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
               "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
               "frame-ancestors 'self'")


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
def redoc(request: Request) -> HTMLResponse:
    page = get_redoc_html(openapi_url=request.scope.get("root_path", "") + (request.app.openapi_url or ""),
                          title="servicemap API", redoc_js_url=_asset(request, "redoc.standalone.js"),
                          redoc_favicon_url=_asset(request, "favicon.png"), with_google_fonts=False)
    page.headers["Content-Security-Policy"] = DOCS_POLICY
    return page


@router.get("/docs/assets/{name}")
def asset(name: str) -> FileResponse:
    if name not in ASSETS:
        raise NotFound(f"no documentation asset {name!r}", field="name")
    return FileResponse(ASSET_DIR / name, media_type=ASSETS[name],
                        headers={"Cache-Control": f"public, max-age={ASSET_MAX_AGE}"})
