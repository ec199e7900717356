"""Coverage map layers (union, gaps, cells), demand sources, the OSM proxy, and bad requests."""
import pytest
from fastapi.testclient import TestClient
from shapely.geometry import shape
from sqlalchemy.orm import Session

from app.coverage.schemas import CoverageFigures
from app.main import create_app
from app.settings import Settings
from tests.api.test_routing_api import EAST, SOUTH, WEST, helsinki_centre
from tests.builders import add_centres, add_user, bearer
from tests.coverage.conftest import HELSINKI_AREA, TEST_ADCODE
from tests.coverage.test_coverage_api import utm

HELSINKI = f"mode=walk&minutes=3&district={TEST_ADCODE}"


@pytest.fixture
def helsinki_three(db: Session) -> None:
    add_centres(db, helsinki_centre("test-cov-e", EAST), helsinki_centre("test-cov-s", SOUTH),
                helsinki_centre("test-cov-w", WEST, kind="rider_station"), in_kunming=False)


def geojson(response) -> dict:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/geo+json"
    return response.json()


@pytest.mark.usefixtures("helsinki_three")
def test_union_gaps_and_cells_agree_with_the_figures(helsinki_client: TestClient) -> None:
    numbers = CoverageFigures.model_validate(helsinki_client.get(f"/api/coverage?{HELSINKI}&gaps=20").json())
    [row] = numbers.districts
    [union] = geojson(helsinki_client.get(f"/api/coverage/union?{HELSINKI}"))["features"]
    area = shape(union["geometry"])
    assert utm(area)[0].area >= row.covered_m2  # the union may reach beyond the district
    gaps = geojson(helsinki_client.get(f"/api/coverage/gaps?{HELSINKI}&limit=50"))["features"]
    assert sum(g["properties"]["area_m2"] for g in gaps) == pytest.approx(row.uncovered_m2, rel=1e-4)
    assert all(g["properties"]["adcode"] == TEST_ADCODE for g in gaps)
    assert not any(shape(g["geometry"]).buffer(-1e-6).intersects(area) for g in gaps)
    cells = geojson(helsinki_client.get(f"/api/coverage/cells?{HELSINKI}&resolution=11"))
    reached = [f for f in cells["features"] if f["properties"]["minutes"] is not None]
    assert reached and {f["properties"]["minutes"] for f in reached} <= {1, 2, 3}
    for feature in reached[:200]:
        assert area.buffer(1e-9).contains(shape(feature["geometry"]).centroid)
    assert cells["number_matched"] >= len(cells["features"]) > 0


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
    response = client.get("/api/coverage")
    assert response.status_code == 503 and "servicemap network import" in response.json()["message"]


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
    ("get", "/api/coverage/cells?bbox=1,2,3", None, "bbox"),
    ("post", "/api/coverage/siting", {"k": 0}, "k"),
    ("post", "/api/coverage/siting", {"k": 51}, "k"),
    ("post", "/api/coverage/siting", {"k": 2, "district": ["999999"]}, "district"),
    ("post", "/api/coverage/siting", {"k": 2, "at": "not a time"}, "at"),
    ("post", "/api/coverage/siting", {"k": 2, "sites": [{"id": "x", "lon": 200, "lat": 0}]}, "sites.0.lon"),
])
def test_bad_parameters_are_4xx_naming_the_field(helsinki_client: TestClient, method: str, url: str,
                                                 body: dict | None, field: str) -> None:
    response = getattr(helsinki_client, method)(url, **({"json": body} if body is not None else {}))
    assert 400 <= response.status_code < 500, response.text
    assert response.json()["field"] == field


@pytest.mark.usefixtures("helsinki_three")
def test_public_requests_cannot_start_large_computations(
        db: Session, database_url: str, helsinki_network, test_districts) -> None:
    test_districts(HELSINKI_AREA)
    settings = Settings(database_url=database_url, network_dir=helsinki_network.tile_dir,
                        public_coverage_route_budget=2)
    with TestClient(create_app(settings)) as client:
        refused = client.get(f"/api/coverage?{HELSINKI}")  # three centres need routing, the budget is two
        assert refused.status_code == 403 and refused.json()["field"] == "Authorization"
        editor = bearer(add_user(db, name="规划员", role="admin"))
        assert client.get(f"/api/coverage?{HELSINKI}", headers=editor).status_code == 200
        # Computed once with a token, the same coverage is then public.
        assert client.get(f"/api/coverage?{HELSINKI}").status_code == 200
