"""Siting and demand on a synthetic grid city (tests/osm_fixtures.py, not Kunming) with one obvious
hole: centres on a 1.5 km lattice except the north-east quadrant, residents spread evenly."""
import h3.api.basic_int as h3
import pytest
from fastapi.testclient import TestClient
from shapely.geometry import Point, box
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.coverage.demand import import_csv
from app.coverage.schemas import CoverageFigures, SitingResult
from geo.network import NetworkBuildResult
from geo.routing import Router
from tests.coverage.conftest import MINUTES, MODE, TEST_ADCODE, client_on, in_hole
from tests.osm_fixtures import SyntheticCity

RES = 9


def demand_cell(lon: float, lat: float) -> int:
    """Demand is stored at resolution 10 and summed into parents (geo/demand.py)."""
    return h3.cell_to_parent(h3.latlng_to_cell(lat, lon, 10), RES)


def covered_area(network: NetworkBuildResult, points) -> tuple[object, Router]:
    """The area within the budget of the nearest centre, by the engine's own multi-origin expansion
    (this file checks which demand counts, not the expansion: tests/coverage/test_coverage_api.py
    compares that with single isochrones)."""
    router = Router(network.tile_dir)
    return router.coverage_isochrone(list(points), mode=MODE, minutes=[MINUTES]).contours[-1].geometry, router


def test_demand_covered_matches_cells_whose_centre_is_in_the_union(
        grid_client: TestClient, grid_city: SyntheticCity, grid_city_network: NetworkBuildResult,
        hole_city: dict) -> None:
    response = grid_client.get(f"/api/coverage?mode={MODE}&minutes={MINUTES}&district={TEST_ADCODE}")
    assert response.status_code == 200, response.text
    body = CoverageFigures.model_validate(response.json())
    [row] = body.districts
    union, _ = covered_area(grid_city_network, hole_city["centres"].values())
    district = box(*grid_city.bbox)
    centres = [Point(h3.cell_to_latlng(demand_cell(lon, lat))[::-1]) for lon, lat in hole_city["residents"]]
    centres = [c for c in centres if district.contains(c)]  # a cell counts in the district holding its centre
    covered = sum(100 for c in centres if union.contains(c))
    assert body.demand.kind == "csv" and body.demand.unit == "residents"
    assert row.demand_total == pytest.approx(100 * len(centres)) and len(centres) > 500
    assert row.demand_covered == pytest.approx(covered)
    assert 20 < row.demand_covered_pct < 80 and row.centres == 12


def test_cells_carry_the_demand_of_the_figures_page_by_page(grid_client: TestClient, hole_city: dict) -> None:
    query = f"mode={MODE}&minutes={MINUTES}&district={TEST_ADCODE}&resolution={RES}"
    [row] = CoverageFigures.model_validate(grid_client.get(f"/api/coverage?{query}").json()).districts
    whole = grid_client.get(f"/api/coverage/cells?{query}&limit=50000").json()
    pages = [grid_client.get(f"/api/coverage/cells?{query}&limit=100&offset={offset}").json()
             for offset in range(0, whole["number_matched"], 100)]
    paged = [f for page in pages for f in page["features"]]
    assert len(pages) > 2 and paged == whole["features"]
    assert sum(f["properties"]["demand"] for f in paged) == pytest.approx(row.demand_total)
    reached = sum(f["properties"]["demand"] for f in paged if f["properties"]["minutes"] is not None)
    assert reached == pytest.approx(row.demand_covered)


def test_first_suggestion_from_gap_cells_is_in_the_hole(
        grid_client: TestClient, grid_city: SyntheticCity, hole_city: dict) -> None:
    response = grid_client.post("/api/coverage/siting", json={"k": 2, "mode": MODE, "minutes": MINUTES,
                                                              "district": [TEST_ADCODE]})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/geo+json"
    result = SitingResult.model_validate(response.json())
    assert result.candidates.source == "gap_cells" and result.optimal
    first, second = result.features
    assert in_hole(grid_city, *first.geometry.coordinates)
    assert first.properties.rank == 1 and first.properties.new_demand >= second.properties.new_demand > 0
    assert first.properties.new_area_m2 > 100_000


def test_given_sites_pick_the_one_in_the_hole_with_its_new_demand(
        grid_client: TestClient, grid_city: SyntheticCity, grid_city_network: NetworkBuildResult,
        hole_city: dict) -> None:
    hole, covered_site = grid_city.lonlat(4.5, 4.5), grid_city.lonlat(1.5, 1.5)
    sites = [{"id": "site-covered", "lon": covered_site[0], "lat": covered_site[1]},
             {"id": "site-hole", "lon": hole[0], "lat": hole[1]}]
    response = grid_client.post("/api/coverage/siting", json={"k": 1, "mode": MODE, "minutes": MINUTES,
                                                              "sites": sites})
    assert response.status_code == 200, response.text
    [best] = SitingResult.model_validate(response.json()).features
    assert best.properties.candidate_id == "site-hole"
    union, router = covered_area(grid_city_network, hole_city["centres"].values())
    reach = router.isochrone(*hole, mode=MODE, minutes=[MINUTES])[-1].geometry
    expected = 0
    for lon, lat in hole_city["residents"]:
        centre = Point(h3.cell_to_latlng(demand_cell(lon, lat))[::-1])
        expected += 100 if reach.contains(centre) and not union.contains(centre) else 0
    assert best.properties.new_demand == pytest.approx(expected)


@pytest.mark.parametrize("demand", ["residents", "none"])
def test_siting_from_gaps_stays_on_the_network_when_districts_reach_beyond_it(
        db: Session, database_url: str, grid_city_network: NetworkBuildResult, grid_city: SyntheticCity,
        test_districts, hole_city: dict, tmp_path, engine, demand: str) -> None:
    """The district runs 55 km east of the imported network, and (with residents) far more people
    live out there than in the city: gap candidates must still come from where the network reaches
    (before, the heaviest hundred gap groups all lay out there and every suggestion was dropped)."""
    west, south, east, north = grid_city.bbox
    test_districts(box(west, south, east + 0.5, north + 0.05), name="大于路网的区")
    if demand == "residents":
        beyond = [(east + 0.05 + 0.01 * i, south + 0.01 * j) for i in range(40) for j in range(10)]
        path = tmp_path / "with-beyond.csv"
        rows = [(lon, lat, 100) for lon, lat in hole_city["residents"]] + [(lon, lat, 1_000) for lon, lat in beyond]
        path.write_text("name,population,lon,lat\n" + "".join(
            f"测试社区 {n} (test fixture),{p},{lon},{lat}\n" for n, (lon, lat, p) in enumerate(rows)), encoding="utf-8")
        import_csv(db, path)
        db.commit()
    else:
        with engine.begin() as connection:  # no demand at all: every uncovered cell weighs its area
            connection.execute(text("TRUNCATE demand_sources CASCADE"))
    with client_on(database_url, grid_city_network) as client:
        response = client.post("/api/coverage/siting", json={"k": 1, "mode": MODE, "minutes": MINUTES,
                                                             "district": [TEST_ADCODE]})
    assert response.status_code == 200, response.text
    result = SitingResult.model_validate(response.json())
    assert result.candidates.source == "gap_cells" and result.candidates.off_network == []
    assert result.candidates.considered > 0 and result.demand.kind == ("csv" if demand == "residents" else "area")
    [first] = result.features
    assert in_hole(grid_city, *first.geometry.coordinates)
