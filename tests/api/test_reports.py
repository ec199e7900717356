"""Rider reports: one tap, rate-limited per client, shown with their age, confirmed by editors."""
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.editing.schemas import ReportOut
from app.main import create_app
from app.settings import Settings
from tests.builders import CUIHU_WUHUA, add_centres, add_user, bearer, centre_record


@pytest.fixture
def station(db: Session) -> str:
    add_centres(db, centre_record(id="test-station", kind="rider_station", at=CUIHU_WUHUA, opening_hours="24/7"))
    return "test-station"


@pytest.fixture
def strict_client(db: Session, database_url: str, tmp_path):
    settings = Settings(database_url=database_url, network_dir=tmp_path, reports_per_client_per_hour=3)
    with TestClient(create_app(settings)) as client:
        yield client


def test_anyone_reports_and_sees_fresh_reports_with_age(client: TestClient, station: str) -> None:
    first = client.post(f"/api/centres/{station}/reports", json={"kind": "no_water"})
    assert first.status_code == 201, first.text
    client.post(f"/api/centres/{station}/reports", json={"kind": "fine", "note": "水已恢复"})
    reports = [ReportOut.model_validate(r) for r in client.get(f"/api/centres/{station}/reports").json()]
    assert [r.kind for r in reports] == ["fine", "no_water"]
    assert all(0 <= r.age_seconds < 60 and not r.confirmed for r in reports)


def test_reports_never_change_the_catalogue_by_themselves(client: TestClient, station: str) -> None:
    before = client.get(f"/api/centres/{station}").json()
    for _ in range(3):
        client.post(f"/api/centres/{station}/reports", json={"kind": "closed"})
    assert client.get(f"/api/centres/{station}").json() == before


def test_rate_limit_per_client(strict_client: TestClient, station: str) -> None:
    statuses = [strict_client.post(f"/api/centres/{station}/reports", json={"kind": "fine"}).status_code
                for _ in range(4)]
    assert statuses == [201, 201, 201, 429]
    limited = strict_client.post(f"/api/centres/{station}/reports", json={"kind": "fine"})
    assert limited.status_code == 429 and 0 < int(limited.headers["retry-after"]) <= 3600
    assert len(strict_client.get(f"/api/centres/{station}/reports").json()) == 3


def test_editor_confirms_closed_report_and_may_close_the_station(client: TestClient, station: str, db: Session) -> None:
    editor = add_user(db, name="五华编辑", districts=("530102",))
    report_id = client.post(f"/api/centres/{station}/reports", json={"kind": "closed"}).json()["id"]
    assert client.post(f"/api/reports/{report_id}/confirm?close_centre=true").status_code == 401
    confirmed = client.post(f"/api/reports/{report_id}/confirm?close_centre=true", headers=bearer(editor))
    assert confirmed.status_code == 200 and confirmed.json()["confirmed"] is True
    assert client.get(f"/api/centres/{station}").json()["properties"]["status"] == "temporarily_closed"
    admin = add_user(db, name="管理员", role="admin")
    entries = client.get(f"/api/audit?centre_id={station}", headers=bearer(admin)).json()
    (entry,) = [e for e in entries if e["action"] != "import_create"]  # not the fixture's own import
    assert entry["action"] == "confirm_report" and entry["after"]["status"] == "temporarily_closed"


def test_editor_of_another_district_cannot_confirm(client: TestClient, station: str, db: Session) -> None:
    other = add_user(db, name="呈贡编辑", districts=("530114",))
    report_id = client.post(f"/api/centres/{station}/reports", json={"kind": "closed"}).json()["id"]
    assert client.post(f"/api/reports/{report_id}/confirm", headers=bearer(other)).status_code == 403


@pytest.mark.parametrize(("url", "body", "status", "field"), [
    ("/api/centres/test-station/reports", {"kind": "on_fire"}, 422, "kind"),
    ("/api/centres/test-station/reports", {"kind": "fine", "note": "x" * 281}, 422, "note"),
    ("/api/centres/test-station/reports", {"kind": "fine", "extra": 1}, 422, "extra"),
    ("/api/centres/test-station/reports", None, 422, "request"),
    ("/api/centres/no-such-station/reports", {"kind": "fine"}, 404, "centre_id"),
])
def test_bad_reports_are_4xx(client: TestClient, station: str, url: str, body, status: int, field: str) -> None:
    response = client.post(url, json=body)
    assert response.status_code == status, response.text
    assert response.json()["field"] == field


def test_confirming_bad_or_unknown_report_ids(client: TestClient, db: Session) -> None:
    editor = bearer(add_user(db, name="五华编辑", districts=("530102",)))
    assert client.post("/api/reports/0/confirm", headers=editor).json()["field"] == "report_id"
    unknown = client.post("/api/reports/999999/confirm", headers=editor)
    assert unknown.status_code == 404 and unknown.json()["field"] == "report_id"
