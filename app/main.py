"""Assembles the service: settings, database, routes, error handlers, static front end."""
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from app.catalogue import routes as catalogue
from app.coverage import routes as coverage
from app.db import libpq_url, make_engine, make_sessionmaker
from app.editing import editor_routes as editor
from app.editing import routes as editing
from app.errors import install_error_handlers
from app.frontend import docs
from app.frontend import routes as pages
from app.http import screen_json_body
from app.ogc import routes as ogc
from app.ogc.errors import InvalidParameterIs400
from app.ops import routes as ops
from app.ops.middleware import configure_logging, install_middleware
from app.ops.openapi import install_openapi
from app.ops.ratelimit import RateLimiter
from app.ops.secrets import with_development_secrets
from app.routing import routes as routing
from app.routing.network import NetworkState
from app.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # One connection per admitted request (app/ops/admission.py): none waits for another's.
        engine = make_engine(settings.database_url, pool_size=settings.max_active_requests,
                             pool_timeout=settings.pool_timeout_seconds,
                             statement_timeout_s=settings.statement_timeout_seconds)
        app.state.settings = with_development_secrets(settings)
        app.state.sessionmaker = make_sessionmaker(engine)
        app.state.network = NetworkState(network_dir=settings.network_dir, valhalla_url=settings.valhalla_url,
                                         valhalla_bbox=settings.valhalla_bbox)
        app.state.rate_limiter = RateLimiter(libpq_url(settings.database_url))
        yield
        app.state.network.close()
        await app.state.rate_limiter.close()
        engine.dispose()

    app = FastAPI(
        title="servicemap",
        summary="Kunming Party–mass service centres and rider rest stations",
        version="0.1.0",
        lifespan=lifespan,
        dependencies=[Depends(screen_json_body)],
        docs_url=None, redoc_url=None,  # app/frontend/docs.py serves them without a CDN
    )
    configure_logging(as_json=settings.log_json, level=settings.log_level)
    install_error_handlers(app)
    install_openapi(app)
    install_middleware(app, settings)
    app.add_middleware(InvalidParameterIs400)  # outermost: OGC API – Features says 400 where /api says 422
    for router in (ops.router, catalogue.router, catalogue.districts_router, catalogue.unplaced_router,
                   routing.router, coverage.router, editing.router, editing.reports_router, editor.router,
                   editor.users_router, pages.router, docs.router, ops.fallback_router):
        app.include_router(router)
    app.include_router(ogc.router, include_in_schema=False)  # described by its own document, /ogc/api
    app.mount("/", StaticFiles(directory=pages.WEB_DIR, html=True), name="web")
    return app
