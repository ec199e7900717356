"""Fixtures for the API tests."""
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.main import create_app
from app.settings import Settings
from geo.network import NetworkBuildResult


@pytest.fixture
def routed_client(db: Session, database_url: str, helsinki_network: NetworkBuildResult) -> Iterator[TestClient]:
    """The app with the Helsinki test network in service: travel times come from Valhalla."""
    settings = Settings(database_url=database_url, network_dir=helsinki_network.tile_dir)
    with TestClient(create_app(settings)) as client:
        yield client
