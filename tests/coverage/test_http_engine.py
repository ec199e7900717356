"""Coverage over an external Valhalla HTTP service: the pyvalhalla wheel's own valhalla_service on
the synthetic grid city's tiles (tests/osm_fixtures.py, not Kunming), configured as README asks an
operator to (service_limits.isochrone.max_locations and max_distance raised), and once with
Valhalla's defaults to show the fallback."""
import logging
from collections.abc import Iterator

import pytest
import shapely
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.main import create_app
from app.settings import Settings
from geo.network import NetworkBuildResult
from geo.routing import HttpRouter, Router
from tests.coverage.conftest import LATTICE_KM, TEST_ADCODE
from tests.osm_fixtures import SyntheticCity
from tests.valhalla_service import service_binary, valhalla_service

pytestmark = pytest.mark.skipif(not service_binary().exists(), reason="this pyvalhalla wheel ships no valhalla_service")
MINUTES = [5, 10, 15]


@pytest.fixture(scope="module")
def service(grid_city_network: NetworkBuildResult, tmp_path_factory) -> Iterator[str]:
    with valhalla_service(grid_city_network.tile_dir, tmp_path_factory.mktemp("valhalla-http")) as base_url:
        yield base_url


def points(city: SyntheticCity) -> list[tuple[float, float]]:
    return [city.lonlat(x, y) for x in LATTICE_KM for y in LATTICE_KM if not (x > 3 and y > 3)]


def test_multi_origin_coverage_over_http_equals_the_in_process_one(
        service: str, grid_city_network: NetworkBuildResult, grid_city: SyntheticCity) -> None:
    origins = points(grid_city) + [(0.3, 0.3)]  # the last one lies in the sea, off the network
    remote = HttpRouter(service, timeout=30)
    try:
        over_http = remote.coverage_isochrone(origins, mode="ebike", minutes=MINUTES)
    finally:
        remote.close()
    in_process = Router(grid_city_network.tile_dir).coverage_isochrone(origins, mode="ebike", minutes=MINUTES)
    assert over_http.dropped == in_process.dropped == [len(origins) - 1]
    for a, b in zip(over_http.contours, in_process.contours):
        assert a.minutes == b.minutes and a.geometry.area > 0
        assert shapely.symmetric_difference(a.geometry, b.geometry).area < 1e-12 * max(b.geometry.area, 1e-9) + 1e-14


def test_a_service_with_default_limits_is_expanded_in_halves(
        grid_city_network: NetworkBuildResult, grid_city: SyntheticCity, tmp_path, caplog) -> None:
    """Valhalla's defaults allow one isochrone location: the engine splits the origins until each
    request is accepted, so the result is the union of single isochrones, with a warning naming the
    config keys to raise."""
    def defaults(config: dict) -> None:
        config["service_limits"]["isochrone"].update(max_locations=1, max_distance=25_000.0)

    origins = points(grid_city)[:4]
    with valhalla_service(grid_city_network.tile_dir, tmp_path, change=defaults) as base_url:
        remote = HttpRouter(base_url, timeout=30)
        with caplog.at_level(logging.WARNING, logger="geo.routing"):
            found = remote.coverage_isochrone(origins, mode="walk", minutes=[10])
        remote.close()
    router = Router(grid_city_network.tile_dir)
    singles = shapely.union_all([router.isochrone(*p, mode="walk", minutes=[10])[0].geometry for p in origins])
    assert shapely.symmetric_difference(found.contours[0].geometry, singles).area < 1e-12
    assert "service_limits.isochrone.max_locations" in caplog.text


def test_coverage_api_on_an_external_service(
        service: str, db: Session, database_url: str, grid_city_network: NetworkBuildResult,
        grid_city: SyntheticCity, test_districts, lattice: dict) -> None:
    west, south, east, north = grid_city.bbox
    test_districts(shapely.box(*grid_city.bbox), name="合成城")
    url = f"/api/coverage?mode=ebike&minutes=5&district={TEST_ADCODE}"
    remote = Settings(database_url=database_url, valhalla_url=service, valhalla_bbox=f"{west},{south},{east},{north}")
    with TestClient(create_app(remote)) as client:
        over_http = client.get(url).json()
    with TestClient(create_app(Settings(database_url=database_url, network_dir=grid_city_network.tile_dir))) as client:
        in_process = client.get(url).json()
    assert over_http["network_key"] != in_process["network_key"] and over_http["layer"]["reused"] is False
    [a], [b] = over_http["districts"], in_process["districts"]
    assert a["area_m2"] == pytest.approx(b["area_m2"], rel=1e-9) and a["covered_m2"] == pytest.approx(b["covered_m2"])
    assert 50 < a["covered_pct"] < 100
