"""Authenticated editing: 401/403/412/428, audit rows for every write, soft delete and restore."""
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.catalogue.schemas import CentreFeature
from app.editing.schemas import AuditEntryOut
from tests.builders import (
    CHENGGONG_UNIVERSITY_TOWN,
    CUIHU_WUHUA,
    FIXTURE_ACTOR,
    KUNMING_STATION_GUANDU,
    add_centres,
    add_user,
    bearer,
    centre_record,
)


@pytest.fixture
def tokens(db: Session) -> dict[str, str]:
    add_centres(db, centre_record(id="test-wuhua", at=CUIHU_WUHUA),
                centre_record(id="test-guandu", at=KUNMING_STATION_GUANDU))
    return {
        "wuhua_editor": add_user(db, name="五华编辑", districts=("530102",)),
        "admin": add_user(db, name="管理员", role="admin"),
    }


def new_centre(**overrides) -> dict:
    record = centre_record(id="test-new-centre", name_zh="新建测试中心", at=CUIHU_WUHUA)
    record.update(overrides)
    return record


def audit(client: TestClient, admin_token: str, centre_id: str) -> list[AuditEntryOut]:
    response = client.get(f"/api/audit?centre_id={centre_id}", headers=bearer(admin_token))
    assert response.status_code == 200, response.text
    entries = [AuditEntryOut.model_validate(e) for e in response.json()]
    # Fixtures arrive through the importer, which audits too; these tests are about the API's writes.
    return [e for e in entries if e.actor != FIXTURE_ACTOR]


def etag_of(client: TestClient, centre_id: str) -> str:
    return client.get(f"/api/centres/{centre_id}").headers["etag"]


@pytest.mark.usefixtures("tokens")
@pytest.mark.parametrize(("method", "url", "body"), [
    ("post", "/api/centres", new_centre()),
    ("patch", "/api/centres/test-wuhua", {"phone": "0871-1"}),
    ("delete", "/api/centres/test-wuhua", None),
    ("post", "/api/centres/test-wuhua/restore", None),
    ("get", "/api/audit", None),
])
@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer smk_not-a-real-token"}, {"Authorization": "Basic x"}])
def test_writes_without_a_valid_token_are_401(client: TestClient, method: str, url: str, body, headers) -> None:
    response = client.request(method, url, json=body, headers={**headers, "If-Match": '"v1"'})
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["field"] == "Authorization"
    assert client.get("/api/centres/test-wuhua").status_code == 200  # nothing changed


def test_editor_creates_in_own_district_with_audit(client: TestClient, tokens: dict) -> None:
    response = client.post("/api/centres", json=new_centre(), headers=bearer(tokens["wuhua_editor"]))
    assert response.status_code == 201, response.text
    created = CentreFeature.model_validate(response.json())
    assert created.properties.district_adcode == "530102" and response.headers["etag"] == '"v1"'
    (entry,) = audit(client, tokens["admin"], "test-new-centre")
    assert (entry.action, entry.actor, entry.before) == ("create", "五华编辑", None)
    assert entry.after is not None and entry.after["name_zh"] == "新建测试中心"


def test_editor_outside_own_district_is_403(client: TestClient, tokens: dict) -> None:
    editor = bearer(tokens["wuhua_editor"])
    outside = client.post("/api/centres", json=new_centre(lon=CHENGGONG_UNIVERSITY_TOWN[0], lat=CHENGGONG_UNIVERSITY_TOWN[1]),
                          headers=editor)
    assert outside.status_code == 403 and outside.json()["field"] == "district_adcode"
    other = client.patch("/api/centres/test-guandu", json={"phone": "1"},
                         headers={**editor, "If-Match": etag_of(client, "test-guandu")})
    assert other.status_code == 403
    # Moving an own centre into another district is also refused, and nothing is stored.
    moved = client.patch("/api/centres/test-wuhua", json={"lon": KUNMING_STATION_GUANDU[0], "lat": KUNMING_STATION_GUANDU[1]},
                         headers={**editor, "If-Match": etag_of(client, "test-wuhua")})
    assert moved.status_code == 403
    assert client.get("/api/centres/test-wuhua").json()["properties"]["district_adcode"] == "530102"
    assert audit(client, tokens["admin"], "test-wuhua") == []


def test_editors_read_the_audit_of_their_districts_only(client: TestClient, tokens: dict) -> None:
    editor = bearer(tokens["wuhua_editor"])
    for centre_id in ("test-wuhua", "test-guandu"):
        client.patch(f"/api/centres/{centre_id}", json={"phone": "0871-1"},
                     headers={**bearer(tokens["admin"]), "If-Match": etag_of(client, centre_id)})
    own = client.get("/api/audit", headers=editor)
    assert own.status_code == 200
    assert {entry["centre_id"] for entry in own.json()} == {"test-wuhua"}
    assert [e["action"] for e in client.get("/api/audit?centre_id=test-wuhua", headers=editor).json()][0] == "update"
    other = client.get("/api/audit?centre_id=test-guandu", headers=editor)
    assert other.status_code == 403 and other.json()["field"] == "centre_id"
    assert client.get("/api/audit?centre_id=no-such-centre", headers=editor).status_code == 404
    everything = client.get("/api/audit", headers=bearer(tokens["admin"])).json()
    assert {"test-wuhua", "test-guandu"} <= {entry["centre_id"] for entry in everything}


def test_update_needs_current_etag(client: TestClient, tokens: dict) -> None:
    editor = bearer(tokens["wuhua_editor"])
    missing = client.patch("/api/centres/test-wuhua", json={"phone": "0871-1"}, headers=editor)
    assert missing.status_code == 428 and missing.json()["field"] == "If-Match"
    first_etag = etag_of(client, "test-wuhua")
    ok = client.patch("/api/centres/test-wuhua", json={"phone": "0871-1"}, headers={**editor, "If-Match": first_etag})
    assert ok.status_code == 200 and ok.headers["etag"] != first_etag
    stale = client.patch("/api/centres/test-wuhua", json={"phone": "0871-2"}, headers={**editor, "If-Match": first_etag})
    assert stale.status_code == 412
    assert client.get("/api/centres/test-wuhua").json()["properties"]["phone"] == "0871-1"
    (entry,) = audit(client, tokens["admin"], "test-wuhua")
    assert entry.action == "update" and entry.before["phone"] is None and entry.after["phone"] == "0871-1"


@pytest.mark.parametrize(("body", "field"), [
    ({"opening_hours": "whenever"}, "opening_hours"),
    ({"amenities": ["sauna"]}, "amenities.0"),
    ({"lon": 102.7}, "lat"),
    ({"status": "maybe"}, "status"),
    ({"id": "renamed"}, "id"),
    ({"lon": 2.35, "lat": 48.85}, "lon"),
])
def test_bad_updates_are_422_and_change_nothing(client: TestClient, tokens: dict, body: dict, field: str) -> None:
    before = client.get("/api/centres/test-wuhua").json()
    response = client.patch("/api/centres/test-wuhua", json=body,
                            headers={**bearer(tokens["admin"]), "If-Match": etag_of(client, "test-wuhua")})
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field
    assert client.get("/api/centres/test-wuhua").json() == before


def test_create_with_gcj02_coordinates(client: TestClient, tokens: dict) -> None:
    from geo.coords import wgs84_to_gcj02

    gcj = wgs84_to_gcj02(*CUIHU_WUHUA)
    response = client.post("/api/centres?crs=gcj02", json=new_centre(lon=gcj[0], lat=gcj[1]),
                           headers=bearer(tokens["admin"]))
    assert response.status_code == 201
    assert response.json()["geometry"]["coordinates"] == pytest.approx(list(CUIHU_WUHUA), abs=1e-6)


def test_duplicate_id_is_409(client: TestClient, tokens: dict) -> None:
    response = client.post("/api/centres", json=new_centre(id="test-wuhua"), headers=bearer(tokens["admin"]))
    assert response.status_code == 409 and response.json()["field"] == "id"


def test_soft_delete_is_reversible_and_audited(client: TestClient, tokens: dict) -> None:
    editor = bearer(tokens["wuhua_editor"])
    deleted = client.delete("/api/centres/test-wuhua", headers={**editor, "If-Match": etag_of(client, "test-wuhua")})
    assert deleted.status_code == 204
    assert client.get("/api/centres/test-wuhua").status_code == 404
    assert "test-wuhua" not in [f["id"] for f in client.get("/api/centres").json()["features"]]
    assert client.get("/api/districts").json()[0]["centres"] == 0  # 五华区 counts no deleted centre
    restored = client.post("/api/centres/test-wuhua/restore", headers=editor)
    assert restored.status_code == 200
    assert client.get("/api/centres/test-wuhua").json()["properties"]["name_zh"] == "测试党群服务中心A"
    assert [e.action for e in audit(client, tokens["admin"], "test-wuhua")] == ["restore", "delete"]


def test_restoring_a_live_centre_is_404(client: TestClient, tokens: dict) -> None:
    response = client.post("/api/centres/test-wuhua/restore", headers=bearer(tokens["admin"]))
    assert response.status_code == 404


def test_disabled_user_is_401(client: TestClient, tokens: dict, db: Session) -> None:
    from app.editing.users import set_user_active

    set_user_active(db, name="五华编辑", active=False)
    db.commit()
    response = client.post("/api/centres", json=new_centre(), headers=bearer(tokens["wuhua_editor"]))
    assert response.status_code == 401
