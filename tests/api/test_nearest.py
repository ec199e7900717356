"""Nearest centres without a road network: straight-line ranking that says so."""
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.catalogue.schemas import NearestCollection
from tests.builders import CHENGGONG_UNIVERSITY_TOWN, CUIHU_WUHUA, KUNMING_STATION_GUANDU, add_centres, centre_record


@pytest.fixture
def centres(db: Session) -> None:
    add_centres(
        db,
        centre_record(id="test-near", at=CUIHU_WUHUA, opening_hours="Mo-Fr 09:00-17:00",
                      amenities=["drinking_water"]),
        centre_record(id="test-middle", at=KUNMING_STATION_GUANDU, opening_hours="24/7",
                      amenities=["drinking_water", "phone_charging"]),
        centre_record(id="test-far", at=CHENGGONG_UNIVERSITY_TOWN, opening_hours="24/7", amenities=["toilet"]),
    )


def nearest(client: TestClient, query: str) -> NearestCollection:
    response = client.get(f"/api/centres/nearest?lon=102.7040&lat=25.0490&{query}")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/geo+json"
    return NearestCollection.model_validate(response.json())


@pytest.mark.usefixtures("centres")
def test_ordered_by_distance_and_says_how(client: TestClient) -> None:
    result = nearest(client, "limit=3")
    assert [f.properties.id for f in result.features] == ["test-near", "test-middle", "test-far"]
    distances = [f.properties.distance_m for f in result.features]
    assert distances == sorted(distances) and distances[0] < 200 < distances[1]
    assert result.ranking == "straight_line" and "straight-line" in (result.note or "")


@pytest.mark.usefixtures("centres")
def test_limit_and_amenity(client: TestClient) -> None:
    assert [f.properties.id for f in nearest(client, "limit=1").features] == ["test-near"]
    assert [f.properties.id for f in nearest(client, "amenity=phone_charging&amenity=drinking_water").features] == [
        "test-middle"]


@pytest.mark.usefixtures("centres")
def test_open_at_night_skips_closed_centre(client: TestClient) -> None:
    result = nearest(client, "open_at=2025-10-09T23:00:00&limit=3")
    assert [f.properties.id for f in result.features] == ["test-middle", "test-far"]
