"""Assembles the service: settings, database, routes, error handlers, static front end."""
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from app.db import make_engine, make_sessionmaker
from app.errors import install_error_handlers
from app.network import NetworkState
from app.middleware import configure_logging, install_middleware
from app.routes import centres, districts, editing, health, isochrones, pages, reports
from app.routes import coverage
from app.settings import Settings

WEB_DIR = Path(__file__).resolve().parent.parent / "web"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings.database_url)
        app.state.settings = settings
        app.state.sessionmaker = make_sessionmaker(engine)
        app.state.network = NetworkState(network_dir=settings.network_dir, valhalla_url=settings.valhalla_url)
        yield
        engine.dispose()

    app = FastAPI(
        title="servicemap",
        summary="Kunming Party–mass service centres and rider rest stations",
        version="0.1.0",
        lifespan=lifespan,
    )
    configure_logging(as_json=settings.log_json, level=settings.log_level)
    install_error_handlers(app)
    install_middleware(app, settings)
    app.include_router(health.router)
    app.include_router(centres.router)
    app.include_router(districts.router)
    app.include_router(isochrones.router)
    app.include_router(coverage.router)
    app.include_router(editing.router)
    app.include_router(reports.router)
    app.include_router(pages.router)
    app.mount("/", StaticFiles(directory=WEB_DIR, html=True), name="web")
    return app
