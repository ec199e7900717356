"""Coverage as OGC API – Features collections, read with OWSLib from the running service, on the
synthetic grid city (tests/coverage/conftest.py: not Kunming) and compared with /api/coverage."""
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from owslib.ogcapi.features import Features
from shapely.geometry import shape
from sqlalchemy.orm import Session

from geo.network import NetworkBuildResult
from tests.coverage.conftest import TEST_ADCODE, in_hole
from tests.osm_fixtures import SyntheticCity
from tests.web.server import LiveServer, unthrottled_server

WALK_10 = f"mode=walk&minutes=10&district={TEST_ADCODE}"


@pytest.fixture
def coverage_server(db: Session, database_url: str, grid_city_network: NetworkBuildResult, grid_client,
                    hole_city: dict) -> Iterator[LiveServer]:
    """The grid city's network, its test district (grid_client adds it) and the hole city's centres."""
    with unthrottled_server(database_url, grid_city_network.tile_dir) as server:
        yield server


@pytest.fixture
def ogc(coverage_server: LiveServer) -> Features:
    return Features(coverage_server.url("/ogc"))


def pages(ogc: Features, collection: str, **params: object) -> list[dict]:
    found = [ogc.collection_items(collection, **params)]
    while href := next((link["href"] for link in found[-1]["links"] if link["rel"] == "next"), None):
        found.append(ogc.collection_items(collection, **dict(parse_qsl(urlsplit(href).query))))
    return found


def api(server: LiveServer, path: str) -> dict:
    response = httpx.get(server.url(path), timeout=120)
    assert response.status_code == 200, response.text
    return response.json()


def valid_area(feature: dict) -> object:
    geometry = shape(feature["geometry"])
    assert feature["geometry"]["type"] == "MultiPolygon" and geometry.is_valid and geometry.area > 0
    return geometry


def test_coverage_collections_are_listed_with_the_network_extent(ogc: Features,
                                                                 grid_city_network: NetworkBuildResult) -> None:
    ids = ogc.feature_collections()
    assert ids[:2] == ["centres", "districts"] and len(ids) == 2 + 3 + 3 * 3 * 2
    assert {"coverage-walk-bands", "coverage-ebike-15-gaps", "coverage-car-5-cells"} <= set(ids)
    [bbox] = ogc.collection("coverage-walk-10-gaps")["extent"]["spatial"]["bbox"]
    assert bbox == pytest.approx(list(grid_city_network.bbox), abs=1e-6)


def test_gaps_are_the_json_api_gaps(ogc: Features, coverage_server: LiveServer, grid_city: SyntheticCity) -> None:
    [page] = pages(ogc, "coverage-walk-10-gaps", district=TEST_ADCODE)
    expected = api(coverage_server, f"/api/coverage/gaps?{WALK_10}&limit=50")["features"]
    assert [f["properties"] for f in page["features"]] == [f["properties"] for f in expected]
    assert page["numberMatched"] == len(expected) > 0
    for feature, original in zip(page["features"], expected):
        assert valid_area(feature).equals(shape(original["geometry"]))
    assert any(in_hole(grid_city, *f["properties"]["point"]) for f in page["features"])
    assert page["coverage"]["mode"] == "walk" and page["coverage"]["minutes"] == 10
    one = ogc.collection_item("coverage-walk-10-gaps", page["features"][0]["id"])
    assert one["properties"] == page["features"][0]["properties"]


def test_cells_paged_to_the_end_match_the_json_api(ogc: Features, coverage_server: LiveServer) -> None:
    found = pages(ogc, "coverage-walk-10-cells", limit=150)
    cells = [f for page in found for f in page["features"]]
    expected = api(coverage_server, f"/api/coverage/cells?{WALK_10}&limit=50000")
    assert len(found) > 2 and len(cells) == found[0]["numberMatched"] == expected["number_matched"]
    assert [c["id"] for c in cells] == [c["id"] for c in expected["features"]]
    assert {c["properties"]["minutes"] for c in cells} == {3, 7, 10, None}
    assert all(c["geometry"]["type"] == "Polygon" and shape(c["geometry"]).is_valid for c in cells)
    assert ogc.collection_item("coverage-walk-10-cells", cells[5]["id"])["properties"] == cells[5]["properties"]


def test_bands_are_nested_5_10_15_minute_areas(ogc: Features, grid_city: SyntheticCity) -> None:
    [page] = pages(ogc, "coverage-walk-bands")
    assert [f["id"] for f in page["features"]] == ["5", "10", "15"]
    areas = [valid_area(f) for f in page["features"]]
    assert [f["properties"]["minutes"] for f in page["features"]] == [5, 10, 15]
    assert areas[0].area < areas[1].area < areas[2].area
    assert areas[1].buffer(1e-7).contains(areas[0]) and areas[2].buffer(1e-7).contains(areas[1])
    at_a_centre = [*grid_city.lonlat(0.7, 0.7), *grid_city.lonlat(0.8, 0.8)]
    assert ogc.collection_items("coverage-walk-bands", bbox=at_a_centre)["numberMatched"] == 3
    deep_in_the_hole = [*grid_city.lonlat(5.7, 5.7), *grid_city.lonlat(5.9, 5.9)]
    assert ogc.collection_items("coverage-walk-bands", bbox=deep_in_the_hole)["numberMatched"] == 0


def test_datetime_is_the_moment_whose_open_centres_count(ogc: Features) -> None:
    page = ogc.collection_items("coverage-walk-10-gaps", datetime_="2026-11-21T23:00:00+08:00")
    assert page["coverage"]["at"] == "2026-11-21T23:00:00+08:00"
    assert page["coverage"]["centres"]["closed_at_moment"] == 0  # the fixture centres are open 24/7


def test_kind_and_amenity_choose_the_centres_that_count(ogc: Features) -> None:
    # The hole city's centres are all service centres: with rider stations only, nothing is covered.
    only_stations = ogc.collection_items("coverage-walk-10-gaps", kind="rider_station")
    assert only_stations["coverage"]["kind"] == ["rider_station"]
    assert only_stations["coverage"]["centres"]["counted"] == 0
    everything = ogc.collection_items("coverage-walk-10-gaps")
    assert everything["coverage"]["centres"]["counted"] == 12
    [whole] = only_stations["features"]  # the whole district is one gap
    assert shape(whole["geometry"]).area > sum(shape(f["geometry"]).area for f in everything["features"])


@pytest.mark.parametrize(("query", "field"), [
    ("coverage-walk-bands/items?district=990001", "district"),
    ("coverage-walk-10-cells/items?minutes=15", "minutes"),
    ("coverage-walk-10-cells/items?kind=shop", "kind"),
])
def test_invalid_coverage_parameters_are_400(coverage_server: LiveServer, query: str, field: str) -> None:
    response = httpx.get(coverage_server.url(f"/ogc/collections/{query}"), timeout=60)
    assert response.status_code == 400 and response.json()["field"] == field
