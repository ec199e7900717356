"""Coverage map layers (union, bands, gaps, cells, analysis area), CSV exports, demand sources, the
OSM proxy, the routing budget, and bad requests."""
import csv
import io

import pytest
import shapely
from fastapi.testclient import TestClient
from shapely.geometry import box, shape
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.coverage.cells import kept_cells
from app.coverage.schemas import CoverageFigures
from app.main import create_app
from app.settings import Settings
from tests.api.test_routing_api import EAST, SOUTH, WEST, helsinki_centre
from tests.builders import add_centres, add_user, bearer
from tests.coverage.conftest import HELSINKI_AREA, TEST_ADCODE
from tests.coverage.test_coverage_api import metric

HELSINKI = f"mode=walk&minutes=3&district={TEST_ADCODE}"


@pytest.fixture
def helsinki_three(db: Session) -> None:
    add_centres(db, helsinki_centre("test-cov-e", EAST), helsinki_centre("test-cov-s", SOUTH),
                helsinki_centre("test-cov-w", WEST, kind="rider_station", opening_hours="Mo-Fr 09:00-17:00"),
                in_kunming=False)


def geojson(response) -> dict:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/geo+json"
    return response.json()


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.usefixtures("helsinki_three")
def test_union_bands_gaps_cells_and_area_agree_with_the_figures(helsinki_client: TestClient) -> None:
    numbers = CoverageFigures.model_validate(helsinki_client.get(f"/api/coverage?{HELSINKI}&gaps=20").json())
    [row] = numbers.districts
    [union] = geojson(helsinki_client.get(f"/api/coverage/union?{HELSINKI}"))["features"]
    covered = shape(union["geometry"])
    assert metric(covered, 32635).area >= row.covered_m2  # the union may reach beyond the district
    bands = geojson(helsinki_client.get(f"/api/coverage/bands?{HELSINKI}"))["features"]
    assert [(b["properties"]["from_minutes"], b["properties"]["minutes"]) for b in bands] == [(0, 1), (1, 2), (2, 3)]
    rings = [shape(b["geometry"]) for b in bands]
    assert sum(b["properties"]["area_m2"] for b in bands) == pytest.approx(metric(covered, 32635).area, rel=1e-3)
    assert shapely.intersection(rings[0], rings[2]).area < 1e-9  # rings, not nested discs
    gaps = geojson(helsinki_client.get(f"/api/coverage/gaps?{HELSINKI}&limit=50"))["features"]
    assert sum(g["properties"]["area_m2"] for g in gaps) == pytest.approx(row.uncovered_m2, rel=1e-4)
    assert all(g["properties"]["adcode"] == TEST_ADCODE for g in gaps)
    assert not any(shape(g["geometry"]).buffer(-1e-6).intersects(covered) for g in gaps)
    cells = geojson(helsinki_client.get(f"/api/coverage/cells?{HELSINKI}&resolution=11"))
    reached = [f for f in cells["features"] if f["properties"]["minutes"] is not None]
    assert reached and {f["properties"]["minutes"] for f in reached} == {1, 2, 3}
    for feature in reached[:200]:
        assert covered.buffer(1e-9).contains(shape(feature["geometry"]).centroid)
    assert cells["number_matched"] >= len(cells["features"]) > len(reached)
    [area] = geojson(helsinki_client.get(f"/api/coverage/area?{HELSINKI}"))["features"]
    assert area["properties"]["area_m2"] == pytest.approx(row.area_m2, rel=1e-6)
    assert shape(area["geometry"]).symmetric_difference(HELSINKI_AREA).area < 1e-9  # the network reaches it all


@pytest.mark.usefixtures("helsinki_three")
def test_tables_export_as_csv(helsinki_client: TestClient) -> None:
    numbers = helsinki_client.get(f"/api/coverage?{HELSINKI}").json()
    [district] = csv_rows(helsinki_client.get(f"/api/coverage?{HELSINKI}&format=csv"))
    assert district["adcode"] == TEST_ADCODE and district["name_zh"] == "测试区 (test fixture)"
    assert float(district["covered_pct"]) == pytest.approx(numbers["districts"][0]["covered_pct"])
    cells = csv_rows(helsinki_client.get(f"/api/coverage/cells?{HELSINKI}&format=csv"))
    matched = helsinki_client.get(f"/api/coverage/cells?{HELSINKI}").json()["number_matched"]
    minutes = {c["minutes_to_nearest"] for c in cells}
    assert len(cells) == matched and "" in minutes and {"1", "2", "3"} & minutes and minutes <= {"1", "2", "3", ""}
    gaps = csv_rows(helsinki_client.get(f"/api/coverage/gaps?{HELSINKI}&format=csv"))
    assert gaps and gaps[0]["rank"] == "1" and float(gaps[0]["area_m2"]) > 0
    profile = csv_rows(helsinki_client.get(f"/api/coverage/profile?{HELSINKI}&format=csv"))
    assert [r["hour"] for r in profile if r["day"] == "week"] == [str(h) for h in range(168)]


def test_osm_building_proxy_is_used_and_named_when_no_demand_is_imported(
        helsinki_client: TestClient, helsinki_three: None) -> None:
    numbers = helsinki_client.get(f"/api/coverage?{HELSINKI}").json()
    assert numbers["demand"]["kind"] == "osm_buildings"
    assert "proxy" in numbers["demand"]["unit"] and "proxy" in numbers["demand"]["note"]
    [row] = numbers["districts"]
    assert 0 < row["demand_covered"] <= row["demand_total"]
    [source] = helsinki_client.get("/api/coverage/demand").json()
    assert source["kind"] == "osm_buildings" and source["total"] > 10_000


def test_without_a_road_network_coverage_is_503(client: TestClient, clean_coverage: None) -> None:
    for path in ("/api/coverage", "/api/coverage/profile", "/api/coverage/bands"):
        response = client.get(path)
        assert response.status_code == 503 and "servicemap network import" in response.json()["message"]


@pytest.mark.usefixtures("helsinki_three")
def test_cells_are_kept_once_per_area_whatever_the_bbox_and_a_too_fine_resolution_is_refused(
        database_url: str, helsinki_network, test_districts) -> None:
    """The analysis area (~1.1 km²) has ~70 cells at resolution 10 and ~500 at 11; 200 are allowed here."""
    test_districts(HELSINKI_AREA)
    settings = Settings(database_url=database_url, network_dir=helsinki_network.tile_dir, max_coverage_cells=200)
    west, south, east, north = HELSINKI_AREA.bounds
    with TestClient(create_app(settings)) as client:
        refused = client.get(f"/api/coverage/cells?{HELSINKI}&resolution=11&limit=1&bbox={west},{south},{east},{north}")
        assert refused.status_code == 422 and refused.json()["field"] == "resolution"
        assert "coarser resolution" in refused.json()["message"]
        kept_cells.clear()
        every = geojson(client.get(f"/api/coverage/cells?{HELSINKI}&resolution=10"))
        boxes = [(west, south, east - step * 0.003, north) for step in range(1, 5)]
        pages = [geojson(client.get(f"/api/coverage/cells?{HELSINKI}&resolution=10&bbox={','.join(map(str, b))}"))
                 for b in boxes]
        assert len(kept_cells) == 1  # one cell set for the area, not one per bbox
    for page, bbox in zip(pages, boxes):
        inside = [f for f in every["features"] if box(*bbox).contains(shape(f["geometry"]).centroid)]
        assert [f["id"] for f in page["features"]] == [f["id"] for f in inside]
        assert page["features"] == inside and page["number_matched"] == len(inside)
    assert every["number_matched"] > pages[0]["number_matched"] > pages[-1]["number_matched"] > 0


@pytest.mark.parametrize(("method", "url", "body", "field"), [
    ("get", "/api/coverage?district=999999", None, "district"),
    ("get", "/api/coverage?district=abc", None, "district"),
    ("get", "/api/coverage?at=tomorrow-ish", None, "at"),
    ("get", "/api/coverage?at=2025-13-01T25:00", None, "at"),
    ("get", "/api/coverage?minutes=0", None, "minutes"),
    ("get", "/api/coverage?minutes=61", None, "minutes"),
    ("get", "/api/coverage?mode=bus", None, "mode"),
    ("get", "/api/coverage?resolution=12", None, "resolution"),
    ("get", "/api/coverage?kind=shop", None, "kind"),
    ("get", "/api/coverage?amenity=spa", None, "amenity"),
    ("get", "/api/coverage?demand=999", None, "demand"),
    ("get", "/api/coverage?gaps=21", None, "gaps"),
    ("get", "/api/coverage?format=xlsx", None, "format"),
    ("get", "/api/coverage/cells?bbox=1,2,3", None, "bbox"),
    ("get", "/api/coverage/profile?district=999999", None, "district"),
    ("get", "/api/coverage/profile?format=pdf", None, "format"),
    ("get", "/api/coverage/bands?minutes=99", None, "minutes"),
    ("post", "/api/coverage/siting", {"k": 0}, "k"),
    ("post", "/api/coverage/siting", {"k": 51}, "k"),
    ("post", "/api/coverage/siting", {"k": 2, "district": ["999999"]}, "district"),
    ("post", "/api/coverage/siting", {"k": 2, "at": "not a time"}, "at"),
    ("post", "/api/coverage/siting", {"k": 2, "sites": [{"id": "x", "lon": 200, "lat": 0}]}, "sites.0.lon"),
    ("post", "/api/coverage/siting?format=kml", {"k": 1}, "format"),
])
def test_bad_parameters_are_4xx_naming_the_field(helsinki_client: TestClient, method: str, url: str,
                                                 body: dict | None, field: str) -> None:
    response = getattr(helsinki_client, method)(url, **({"json": body} if body is not None else {}))
    assert 400 <= response.status_code < 500, response.text
    assert response.json()["field"] == field


@pytest.mark.usefixtures("helsinki_three")
def test_public_requests_cannot_start_large_computations(
        db: Session, database_url: str, helsinki_network, test_districts) -> None:
    """A layer is one routing call, so a coverage map is always within the budget; a week profile
    (a layer per distinct set of open centres) or many siting candidates may not be."""
    test_districts(HELSINKI_AREA)
    settings = Settings(database_url=database_url, network_dir=helsinki_network.tile_dir,
                        public_coverage_route_budget=1)
    with TestClient(create_app(settings)) as client:
        refused = client.get(f"/api/coverage/profile?{HELSINKI}")  # weekdays 09–17 differ: two layers
        assert refused.status_code == 403 and refused.json()["field"] == "Authorization"
        admin = bearer(add_user(db, name="规划员", role="admin"))
        assert client.get(f"/api/coverage/profile?{HELSINKI}", headers=admin).status_code == 200
        # Computed once with a token, the same profile is then public.
        assert client.get(f"/api/coverage/profile?{HELSINKI}").status_code == 200
        assert client.get(f"/api/coverage?{HELSINKI}&at=2025-10-14T03:00").json()["layer"]["reused"] is True
        sites = [{"id": f"s{n}", "lon": EAST[0], "lat": EAST[1]} for n in range(3)]
        capped = client.post("/api/coverage/siting", json={"k": 1, "mode": "walk", "minutes": 3, "sites": sites})
        assert capped.status_code == 200 and capped.json()["candidates"]["considered"] <= 1


@pytest.mark.usefixtures("helsinki_three")
def test_one_client_cannot_make_the_service_compute_layer_after_layer(
        db: Session, database_url: str, helsinki_network, test_districts) -> None:
    """Each request is within its budget, but the client's new computations per minute are counted
    across requests (in the shared limiter): the third new layer in a minute is a 429; stored layers
    and token holders are not counted."""
    test_districts(HELSINKI_AREA)
    settings = Settings(database_url=database_url, network_dir=helsinki_network.tile_dir, public_routing_per_minute=2)
    with TestClient(create_app(settings)) as client:
        url = f"/api/coverage?mode=walk&district={TEST_ADCODE}&minutes="
        new_layers = [client.get(f"{url}{m}") for m in (4, 5, 6)]
        assert [r.status_code for r in new_layers] == [200, 200, 429]
        assert int(new_layers[2].headers["retry-after"]) >= 1
        assert client.get(f"{url}5").status_code == 200  # stored: free
        admin = bearer(add_user(db, name="规划员", role="admin"))
        assert client.get(f"{url}6", headers=admin).status_code == 200


def test_a_district_beyond_the_network_is_measured_only_where_the_network_reaches(
        db: Session, database_url: str, grid_city_network, grid_city, test_districts) -> None:
    west, south, east, north = grid_city.bbox
    test_districts(box(west, south, east + 0.1, north))  # runs ~11 km east of the 6 km city into nothing
    with TestClient(create_app(Settings(database_url=database_url, network_dir=grid_city_network.tile_dir))) as client:
        numbers = client.get(f"/api/coverage?mode=walk&minutes=5&district={TEST_ADCODE}").json()
    [row] = numbers["districts"]
    city = metric(box(*grid_city.bbox), 32631).area
    assert row["district_area_m2"] > 2.5 * city
    # The city itself plus the cells (~0.74 km²) whose centre lies within 500 m of its edge roads.
    assert city < row["area_m2"] < metric(box(west, south, east + 0.012, north), 32631).area
    assert numbers["analysis_area"]["area_m2"] == row["area_m2"] and numbers["analysis_area"]["reach_m"] == 500


def test_the_analysis_area_follows_a_reshaped_district(
        engine, database_url: str, grid_city_network, grid_city, test_districts) -> None:
    """The analysis area is kept per districts version, which a trigger renews on any change to them."""
    west, south, east, north = grid_city.bbox
    test_districts(box(west, south, east, north))
    url = f"/api/coverage/area?mode=walk&minutes=5&district={TEST_ADCODE}"
    with TestClient(create_app(Settings(database_url=database_url, network_dir=grid_city_network.tile_dir))) as client:
        whole = client.get(url).json()["features"][0]["properties"]["district_area_m2"]
        with engine.begin() as connection:
            connection.execute(text("UPDATE districts SET geom = ST_Multi(ST_GeomFromText(:w, 4326)) "
                                    "WHERE adcode = :a"), {"w": box(west, south, (west + east) / 2, north).wkt,
                                                           "a": TEST_ADCODE})
        half = client.get(url).json()["features"][0]["properties"]["district_area_m2"]
    assert half == pytest.approx(whole / 2, rel=0.01)
