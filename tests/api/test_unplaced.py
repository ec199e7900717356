"""GET /api/unplaced: directory rows the geocoder could not place, for editors of their districts; creating
or importing the centre removes the row in the same transaction."""
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.catalogue import repository
from app.catalogue.importer import ImportDefaults, import_records
from app.catalogue.schemas import UnplacedRowOut
from geo.coords import CoordinateSystem
from tests.builders import (
    CHENGGONG_UNIVERSITY_TOWN,
    CUIHU_WUHUA,
    add_unplaced,
    add_user,
    bearer,
    centre_record,
)

CONTRACT_FIELDS = {"id", "name_zh", "address", "phone", "opening_hours", "district_adcode", "source", "reason",
                   "reason_zh", "provider", "line", "imported_at"}
# The row's other catalogue fields, which the editor's page creates the centre with (all but the location).
ROW_FIELDS = {"name_en", "kind", "level", "street", "community", "amenities", "operator", "source_quote",
              "last_verified", "status"}


def directory_row(n: int, district: str | None) -> dict:
    """A synthetic directory row (合成测试…): name, address, phone, hours, district, no point."""
    record = centre_record(id=f"test-unplaced-{n}", name_zh=f"合成测试驿站{n}", address=f"合成测试路{n}号",
                           phone="0871-0000000", opening_hours="Mo-Fr 09:00-17:00", kind="rider_station")
    return {**record, "district_adcode": district} if district else record


@pytest.fixture
def tokens(db: Session) -> dict[str, str]:
    add_unplaced(db, directory_row(1, "530102"), directory_row(2, "530102"), directory_row(3, "530114"),
                 directory_row(4, None), reason="Amap (高德) found no result for “合成测试路”")
    return {"wuhua": add_user(db, name="五华编辑", districts=("530102",)),
            "both": add_user(db, name="两区编辑", districts=("530102", "530114")),
            "admin": add_user(db, name="管理员", role="admin")}


def listed(client: TestClient, token: str, query: str = "") -> list[UnplacedRowOut]:
    response = client.get(f"/api/unplaced{query}", headers=bearer(token))
    assert response.status_code == 200, response.text
    assert all(set(item) == CONTRACT_FIELDS | ROW_FIELDS for item in response.json())
    return [UnplacedRowOut.model_validate(item) for item in response.json()]


def test_editor_sees_their_districts_and_admin_all(client: TestClient, tokens: dict) -> None:
    wuhua = listed(client, tokens["wuhua"])
    assert [row.id for row in wuhua] == ["test-unplaced-1", "test-unplaced-2"]
    first = wuhua[0]
    assert (first.name_zh, first.address, first.phone, first.opening_hours) == (
        "合成测试驿站1", "合成测试路1号", "0871-0000000", "Mo-Fr 09:00-17:00")
    assert (first.district_adcode, first.source, first.provider, first.line) == ("530102", "test fixture", "amap", 2)
    assert "found no result" in first.reason
    assert (first.kind, first.level, first.amenities, first.name_en) == (
        "rider_station", "community", ["drinking_water", "phone_charging"], "Test centre A")
    assert [row.id for row in listed(client, tokens["both"])] == ["test-unplaced-1", "test-unplaced-2", "test-unplaced-3"]
    assert len(listed(client, tokens["admin"])) == 4  # the row without a district too
    assert [row.id for row in listed(client, tokens["admin"], "?district=530114")] == ["test-unplaced-3"]
    assert [row.id for row in listed(client, tokens["admin"], "?limit=2&offset=1")] == ["test-unplaced-2", "test-unplaced-3"]


def test_without_token_401_and_other_district_403(client: TestClient, tokens: dict) -> None:
    assert client.get("/api/unplaced").status_code == 401
    assert client.get("/api/unplaced", headers=bearer("smk_not-a-token")).status_code == 401
    other = client.get("/api/unplaced?district=530114", headers=bearer(tokens["wuhua"]))
    assert other.status_code == 403 and other.json()["field"] == "district"


@pytest.mark.usefixtures("tokens")
@pytest.mark.parametrize(("query", "field"), [("?district=5301", "district"), ("?district=999999", "district"),
                                              ("?limit=0", "limit"), ("?offset=-1", "offset"),
                                              ("?offset=99999999999999999999", "offset")])
def test_bad_parameters_are_422(client: TestClient, tokens: dict, query: str, field: str) -> None:
    response = client.get(f"/api/unplaced{query}", headers=bearer(tokens["admin"]))
    assert response.status_code == 422 and response.json()["field"] == field


def test_creating_the_centre_removes_the_row(client: TestClient, tokens: dict) -> None:
    placed = {**directory_row(1, None), "lon": CUIHU_WUHUA[0], "lat": CUIHU_WUHUA[1], "location_precision": "exact",
              "location_note": "placed by an editor with a pin"}
    placed.pop("district_adcode", None)
    response = client.post("/api/centres", json=placed, headers=bearer(tokens["wuhua"]))
    assert response.status_code == 201, response.text
    assert [row.id for row in listed(client, tokens["wuhua"])] == ["test-unplaced-2"]


def test_a_refused_create_keeps_the_row(client: TestClient, tokens: dict) -> None:
    outside = {**directory_row(2, None), "lon": CHENGGONG_UNIVERSITY_TOWN[0], "lat": CHENGGONG_UNIVERSITY_TOWN[1]}
    outside.pop("district_adcode", None)
    response = client.post("/api/centres", json=outside, headers=bearer(tokens["wuhua"]))
    assert response.status_code == 403
    assert [row.id for row in listed(client, tokens["wuhua"])] == ["test-unplaced-1", "test-unplaced-2"]


def test_importing_the_centre_with_coordinates_removes_the_row(db: Session, client: TestClient, tokens: dict) -> None:
    row = {**directory_row(3, None), "lon": CHENGGONG_UNIVERSITY_TOWN[0], "lat": CHENGGONG_UNIVERSITY_TOWN[1]}
    row.pop("district_adcode", None)
    report = import_records(db, [(1, row)], crs=CoordinateSystem.wgs84, defaults=ImportDefaults(), dry_run=False)
    assert report.created == ["test-unplaced-3"]
    db.commit()
    assert [r.id for r in listed(client, tokens["admin"])] == ["test-unplaced-1", "test-unplaced-2", "test-unplaced-4"]
    assert repository.get_centre(db, centre_id="test-unplaced-3") is not None


def test_rows_of_centres_that_exist_are_not_kept(db: Session) -> None:
    add_unplaced(db, directory_row(5, "530102"))
    import_records(db, [(1, {**directory_row(5, None), "lon": CUIHU_WUHUA[0], "lat": CUIHU_WUHUA[1]})],
                   crs=CoordinateSystem.wgs84, defaults=ImportDefaults(), dry_run=False)
    add_unplaced(db, directory_row(5, "530102"))  # a later directory fails to place it again
    assert repository.list_unplaced(db, districts=None, limit=10, offset=0) == []
