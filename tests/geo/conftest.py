"""Road networks built once per test session (Valhalla tiles from the data in tests/osm_fixtures.py)."""

from pathlib import Path

import pytest

from geo.network import NetworkBuildResult, build_tiles
from tests.osm_fixtures import SyntheticCity, synthetic_city, write_synthetic_city

LAKE_CITY = {"size_km": 4.0, "spacing_m": 200.0, "lake": (2.0, 2.6, 1.0)}  # 1 km² lake, centre (2, 2.6) km


@pytest.fixture(scope="session")
def lake_city() -> SyntheticCity:
    return synthetic_city(**LAKE_CITY)


@pytest.fixture(scope="session")
def lake_city_network(tmp_path_factory: pytest.TempPathFactory) -> NetworkBuildResult:
    """Tiles of a synthetic 4 × 4 km grid city with a square lake that no road crosses."""
    root: Path = tmp_path_factory.mktemp("lake-city")
    pbf = write_synthetic_city(root / "lake-city.osm.pbf", **LAKE_CITY)
    return build_tiles(pbf, root / "network", concurrency=2)
