"""Coverage figures through the API, checked against independent computations.

Two kinds of check:

* against the union of single-centre isochrones (routed one by one on a fresh Router, unioned with
  shapely, measured in UTM with geopandas): the multi-origin expansion must give the same area. It
  cannot give it exactly: Valhalla rasterises each request on its own ~111 m grid (anchored at the
  origins) and contours the nearest-centre time field, so where two centres' areas meet the outline
  differs by up to a grid step. "Within 2 %" below means |API − independent| ≤ 2 % of the independent
  value. That holds where contours are large against the grid: e-bike 5 minutes (~1.7 km) on the
  synthetic 6 km grid city (tests/osm_fixtures.py, not Kunming) differs by 0.6 %; walking 3 minutes
  (~225 m, a couple of grid steps) on the Helsinki extract differs by 2–10 % and is not used for it.
* against the same engine's expansion over the centres that should count (a fresh Router): which
  centres a filter, a moment or the snap limit lets count must match exactly.
"""
import geopandas as gpd
import pytest
import shapely
from fastapi.testclient import TestClient
from shapely.geometry import Point, box
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.coverage.schemas import CoverageFigures
from geo.network import NetworkBuildResult
from geo.routing import Router
from tests.api.test_routing_api import CENTRAL, EAST, SOUTH, WEST, helsinki_centre
from tests.builders import add_centres, centre_record
from tests.coverage.conftest import HELSINKI_AREA, TEST_ADCODE
from tests.osm_fixtures import SyntheticCity

GRID_URL = f"/api/coverage?mode=ebike&minutes=5&district={TEST_ADCODE}"
HELSINKI_URL = f"/api/coverage?mode=walk&minutes=3&district={TEST_ADCODE}"


def metric(geometry, epsg: int):
    return gpd.GeoSeries([geometry], crs=4326).to_crs(epsg).iloc[0]


def district(client: TestClient, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, response.text
    body = CoverageFigures.model_validate(response.json())
    [row] = [d for d in body.districts if d.adcode == TEST_ADCODE]
    return {"body": body, **row.model_dump()}


def singles_covered_m2(network: NetworkBuildResult, points, area, epsg: int) -> float:
    router = Router(network.tile_dir)
    union = shapely.union_all([router.isochrone(*p, mode="ebike", minutes=[5])[-1].geometry for p in points])
    return shapely.intersection(metric(union, epsg), metric(area, epsg)).area


def expansion_covered_m2(network: NetworkBuildResult, points, area, *, mode: str, minutes: int, epsg: int) -> float:
    found = Router(network.tile_dir).coverage_isochrone(points, mode=mode, minutes=[minutes])
    return shapely.intersection(metric(found.contours[-1].geometry, epsg), metric(area, epsg)).area


def test_covered_percent_matches_the_union_of_single_isochrones(
        grid_client: TestClient, grid_city: SyntheticCity, grid_city_network: NetworkBuildResult,
        lattice: dict) -> None:
    row = district(grid_client, GRID_URL)
    area = box(*grid_city.bbox)
    epsg = 32631  # the UTM zone of the synthetic city at 0.5° E, 0.5° N
    assert row["body"].crs == f"EPSG:{epsg}" and row["body"].analysis_area.method == "districts_within_network_reach"
    assert row["area_m2"] == pytest.approx(metric(area, epsg).area, rel=1e-6)  # the network reaches all of it
    expected_pct = 100 * singles_covered_m2(grid_city_network, lattice.values(), area, epsg) / row["area_m2"]
    assert 50 < expected_pct < 95  # the empty quadrant leaves a real gap
    assert row["covered_pct"] == pytest.approx(expected_pct, rel=0.02)
    assert row["centres"] == 12 and row["body"].centres.counted == 12 and row["body"].layer.reused is False
    gaps = row["largest_gaps"]
    assert gaps and [g["rank"] for g in gaps] == list(range(1, len(gaps) + 1))
    assert [g["area_m2"] for g in gaps] == sorted((g["area_m2"] for g in gaps), reverse=True)
    assert box(*grid_city.lonlat(3, 3), *grid_city.lonlat(6, 6)).contains(Point(gaps[0]["lon"], gaps[0]["lat"]))


@pytest.mark.parametrize("where_km", [(4.8, 4.8), (4.5, 4.5)])
def test_removing_a_centre_drops_coverage_by_its_unique_contribution(
        grid_client: TestClient, grid_city: SyntheticCity, grid_city_network: NetworkBuildResult, lattice: dict,
        db: Session, where_km: tuple[float, float]) -> None:
    """A centre in the empty quadrant: what only it reaches (its single isochrone minus the others'),
    within 2 % of that contribution."""
    place = grid_city.lonlat(*where_km)
    add_centres(db, centre_record(id="test-lat-hole", at=place, opening_hours="24/7",
                                  source="test fixture on a synthetic city"), in_kunming=False)
    before = district(grid_client, GRID_URL)
    router, area, epsg = Router(grid_city_network.tile_dir), box(*grid_city.bbox), 32631
    own = router.isochrone(*place, mode="ebike", minutes=[5])[-1].geometry
    others = shapely.union_all([router.isochrone(*p, mode="ebike", minutes=[5])[-1].geometry
                                for p in lattice.values()])
    unique = shapely.intersection(metric(shapely.difference(own, others), epsg), metric(area, epsg)).area
    assert unique > 2_000_000
    db.execute(text("UPDATE centres SET deleted_at = now() WHERE id = 'test-lat-hole'"))
    db.commit()
    after = district(grid_client, GRID_URL)
    assert before["covered_m2"] - after["covered_m2"] == pytest.approx(unique, rel=0.02)
    assert after["body"].centres.counted == 12 and after["body"].layer.id != before["body"].layer.id


def test_centre_closed_at_night_is_absent_from_night_coverage(
        helsinki_client: TestClient, helsinki_network: NetworkBuildResult, db: Session) -> None:
    add_centres(db, helsinki_centre("test-cov-day", EAST, opening_hours="Mo-Su 08:00-20:00"),
                helsinki_centre("test-cov-night", WEST, opening_hours="24/7"),
                helsinki_centre("test-cov-unknown", SOUTH, opening_hours=None), in_kunming=False)
    day = district(helsinki_client, HELSINKI_URL + "&at=2025-10-14T10:00")  # a Tuesday, no holiday
    night = district(helsinki_client, HELSINKI_URL + "&at=2025-10-14T23:30")
    assert night["body"].centres.counted == 1 and night["body"].centres.closed_at_moment == 1
    assert day["body"].centres.counted == 2 and day["body"].centres.hours_unknown == 1
    for row, points in ((night, [WEST]), (day, [EAST, WEST])):
        expected = expansion_covered_m2(helsinki_network, points, HELSINKI_AREA, mode="walk", minutes=3, epsg=32635)
        assert row["covered_m2"] == pytest.approx(expected, rel=1e-6)
    [union] = helsinki_client.get(HELSINKI_URL.replace("/api/coverage?", "/api/coverage/union?")
                                  + "&at=2025-10-14T23:30").json()["features"]
    assert not shapely.geometry.shape(union["geometry"]).contains(Point(EAST))  # the day centre is gone
    assert night["covered_m2"] < day["covered_m2"]


def test_filters_by_kind_and_amenity(helsinki_client: TestClient, helsinki_network: NetworkBuildResult,
                                     db: Session) -> None:
    add_centres(db, helsinki_centre("test-cov-centre", WEST),
                helsinki_centre("test-cov-rider", EAST, kind="rider_station", amenities=["drinking_water"]),
                helsinki_centre("test-cov-charger", SOUTH, kind="rider_station", amenities=["ebike_charging"]),
                in_kunming=False)
    riders = district(helsinki_client, HELSINKI_URL + "&kind=rider_station")
    assert riders["centres"] == 2 and riders["rider_stations"] == 2 and riders["service_centres"] == 0
    expected = expansion_covered_m2(helsinki_network, [EAST, SOUTH], HELSINKI_AREA, mode="walk", minutes=3, epsg=32635)
    assert riders["covered_m2"] == pytest.approx(expected, rel=1e-6)
    charging = district(helsinki_client, HELSINKI_URL + "&amenity=ebike_charging")
    expected = expansion_covered_m2(helsinki_network, [SOUTH], HELSINKI_AREA, mode="walk", minutes=3, epsg=32635)
    assert charging["centres"] == 1 and charging["covered_m2"] == pytest.approx(expected, rel=1e-6)


def test_the_same_centres_read_the_stored_layer_and_a_move_makes_a_new_one(
        helsinki_client: TestClient, helsinki_network: NetworkBuildResult, db: Session) -> None:
    add_centres(db, helsinki_centre("test-cov-a", EAST), helsinki_centre("test-cov-b", WEST), in_kunming=False)
    first = district(helsinki_client, HELSINKI_URL)
    again = district(helsinki_client, HELSINKI_URL)
    assert first["body"].layer.reused is False and again["body"].layer.reused is True
    assert again["body"].layer.id == first["body"].layer.id and again["covered_m2"] == first["covered_m2"]
    # Another moment with the same open centres is the same layer.
    night = district(helsinki_client, HELSINKI_URL + "&at=2025-10-14T23:30")
    assert night["body"].layer.id == first["body"].layer.id and night["body"].layer.reused
    add_centres(db, helsinki_centre("test-cov-a", CENTRAL), in_kunming=False)  # the centre moves
    moved = district(helsinki_client, HELSINKI_URL)
    assert moved["body"].layer.id != first["body"].layer.id and moved["body"].layer.reused is False
    expected = expansion_covered_m2(helsinki_network, [CENTRAL, WEST], HELSINKI_AREA, mode="walk", minutes=3,
                                    epsg=32635)
    assert moved["covered_m2"] == pytest.approx(expected, rel=1e-6)


def test_a_centre_off_the_network_is_dropped_and_counted_as_such(
        helsinki_client: TestClient, helsinki_network: NetworkBuildResult, db: Session) -> None:
    at_sea = (24.96, 60.12)  # 5 km out in the Gulf of Finland: Valhalla would paint a blob there
    add_centres(db, helsinki_centre("test-cov-a", EAST), helsinki_centre("test-cov-sea", at_sea), in_kunming=False)
    row = district(helsinki_client, HELSINKI_URL)
    assert row["body"].centres.counted == 1 and row["body"].centres.off_network == 1
    expected = expansion_covered_m2(helsinki_network, [EAST], HELSINKI_AREA, mode="walk", minutes=3, epsg=32635)
    assert row["covered_m2"] == pytest.approx(expected, rel=1e-6)
    stored = db.scalar(text("SELECT dropped_ids FROM coverage_layers WHERE id = :id"), {"id": row["body"].layer.id})
    db.rollback()  # end the read: the fixtures truncate the table afterwards
    assert stored == ["test-cov-sea"]
