"""The catalogue API against a real PostGIS: listing, every filter, one centre, districts."""
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.catalogue.schemas import CentreCollection, CentreFeature, DistrictSummary
from tests.builders import CHENGGONG_UNIVERSITY_TOWN, CUIHU_WUHUA, KUNMING_STATION_GUANDU, add_centres, centre_record

GEOJSON = "application/geo+json"


@pytest.fixture
def three_centres(db: Session) -> None:
    add_centres(
        db,
        centre_record(id="test-wuhua-centre", name_zh="测试五华中心", at=CUIHU_WUHUA, level="street",
                      amenities=["drinking_water", "toilet"], address="翠湖测试路"),
        centre_record(id="test-guandu-station", name_zh="测试官渡驿站", kind="rider_station", level=None,
                      at=KUNMING_STATION_GUANDU, amenities=["drinking_water", "phone_charging", "microwave_or_hot_meal"],
                      opening_hours="24/7"),
        centre_record(id="test-chenggong-closed", name_zh="测试呈贡中心", at=CHENGGONG_UNIVERSITY_TOWN,
                      status="temporarily_closed", amenities=["phone_charging"]),
    )


def ids(response) -> list[str]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == GEOJSON
    return [f["properties"]["id"] for f in CentreCollection.model_validate(response.json()).model_dump()["features"]]


@pytest.mark.usefixtures("three_centres")
class TestListFilters:
    def test_all(self, client: TestClient) -> None:
        assert ids(client.get("/api/centres")) == ["test-chenggong-closed", "test-guandu-station", "test-wuhua-centre"]

    @pytest.mark.parametrize(("query", "expected"), [
        ("kind=rider_station", ["test-guandu-station"]),
        ("kind=service_centre&kind=rider_station", ["test-chenggong-closed", "test-guandu-station", "test-wuhua-centre"]),
        ("level=street", ["test-wuhua-centre"]),
        ("district=530102", ["test-wuhua-centre"]),
        ("district=530111&district=530114", ["test-chenggong-closed", "test-guandu-station"]),
        ("amenity=drinking_water", ["test-guandu-station", "test-wuhua-centre"]),
        ("amenity=drinking_water&amenity=phone_charging", ["test-guandu-station"]),
        ("status=temporarily_closed", ["test-chenggong-closed"]),
        ("bbox=102.70,25.04,102.71,25.05", ["test-wuhua-centre"]),
        ("q=驿站", ["test-guandu-station"]),
        ("q=翠湖测试", ["test-wuhua-centre"]),
        ("q=100%25", []),
    ])
    def test_filter(self, client: TestClient, query: str, expected: list[str]) -> None:
        assert ids(client.get(f"/api/centres?{query}")) == expected

    def test_pagination(self, client: TestClient) -> None:
        body = client.get("/api/centres?limit=2&offset=1").json()
        assert [f["id"] for f in body["features"]] == ["test-guandu-station", "test-wuhua-centre"]
        assert (body["number_matched"], body["number_returned"]) == (3, 2)

    def test_open_at_weekday_afternoon(self, client: TestClient) -> None:
        # 2025-10-09 is a Thursday, an ordinary working day.
        assert ids(client.get("/api/centres?open_at=2025-10-09T10:00:00")) == ["test-guandu-station", "test-wuhua-centre"]

    def test_open_at_night_only_24h(self, client: TestClient) -> None:
        assert ids(client.get("/api/centres?open_at=2025-10-09T22:00:00%2B08:00")) == ["test-guandu-station"]

    def test_open_at_makeup_working_sunday(self, client: TestClient) -> None:
        # 2025-09-28 is a Sunday that was an official working day (调休 for National Day).
        assert ids(client.get("/api/centres?open_at=2025-09-28T10:00:00")) == ["test-guandu-station", "test-wuhua-centre"]

    def test_open_at_ordinary_sunday(self, client: TestClient) -> None:
        assert ids(client.get("/api/centres?open_at=2025-09-21T10:00:00")) == ["test-guandu-station"]

    def test_open_at_public_holiday(self, client: TestClient) -> None:
        # 2025-10-02 is a Thursday inside the National Day holiday: "PH off" closes the centre.
        assert ids(client.get("/api/centres?open_at=2025-10-02T10:00:00")) == ["test-guandu-station"]

    def test_open_at_in_utc_is_converted(self, client: TestClient) -> None:
        # 02:00 UTC is 10:00 in Kunming.
        assert "test-wuhua-centre" in ids(client.get("/api/centres?open_at=2025-10-09T02:00:00Z"))

    def test_open_now_excludes_unknown_and_closed(self, client: TestClient) -> None:
        found = ids(client.get("/api/centres?open_now=true"))
        assert "test-guandu-station" in found and "test-chenggong-closed" not in found


@pytest.mark.usefixtures("three_centres")
def test_one_centre(client: TestClient) -> None:
    response = client.get("/api/centres/test-guandu-station")
    assert response.status_code == 200 and response.headers["content-type"] == GEOJSON
    centre = CentreFeature.model_validate(response.json())
    assert centre.properties.district_adcode == "530111" and centre.properties.district_name == "官渡区"
    assert centre.properties.open_now is True and centre.properties.hours_today == ["00:00-24:00"]
    assert list(centre.geometry.coordinates) == pytest.approx(list(KUNMING_STATION_GUANDU))


@pytest.mark.usefixtures("three_centres")
def test_districts_count_centres(client: TestClient) -> None:
    response = client.get("/api/districts")
    assert response.status_code == 200
    table = {d.adcode: d for d in map(DistrictSummary.model_validate, response.json())}
    assert len(table) == 14
    assert (table["530102"].centres, table["530102"].service_centres) == (1, 1)
    assert (table["530111"].rider_stations, table["530114"].centres, table["530103"].centres) == (1, 1, 0)


@pytest.mark.parametrize(("url", "field"), [
    ("/api/centres?bbox=1,2,3", "bbox"),
    ("/api/centres?bbox=a,b,c,d", "bbox"),
    ("/api/centres?bbox=10,2,5,3", "bbox"),
    ("/api/centres?bbox=nan,2,5,3", "bbox"),
    ("/api/centres?kind=hospital", "kind"),
    ("/api/centres?level=planet", "level"),
    ("/api/centres?amenity=pool", "amenity"),
    ("/api/centres?status=gone", "status"),
    ("/api/centres?district=12", "district"),
    ("/api/centres?district=999999", "district"),
    ("/api/centres?open_at=yesterday", "open_at"),
    ("/api/centres?open_now=perhaps", "open_now"),
    ("/api/centres?limit=0", "limit"),
    ("/api/centres?limit=100000", "limit"),
    ("/api/centres?offset=-1", "offset"),
    ("/api/centres/BAD_ID!", "centre_id"),
    ("/api/centres/nearest?lat=25", "lon"),
    ("/api/centres/nearest?lon=102.7&lat=95", "lat"),
    ("/api/centres/nearest?lon=inf&lat=25", "lon"),
    ("/api/centres/nearest?lon=nan&lat=25", "lon"),
    ("/api/centres/nearest?lon=102.7&lat=25&limit=0", "limit"),
    ("/api/centres/nearest?lon=102.7&lat=25&amenity=spa", "amenity"),
    ("/api/centres?fields=some", "fields"),
    ("/api/centres/nearest?lon=102.7&lat=25&fields=name_zh", "fields"),
])
def test_bad_input_is_4xx_naming_the_field(client: TestClient, url: str, field: str) -> None:
    response = client.get(url)
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field


def test_unknown_centre_is_404(client: TestClient) -> None:
    response = client.get("/api/centres/no-such-centre")
    assert response.status_code == 404 and response.json()["field"] == "centre_id"
