"""The endpoints behind the editor's page: who am I, the centres to look after with open reports first,
report triage (list, confirm, dismiss: audited), the hours preview, and the admins' users."""
from datetime import datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.editing.schemas import EditorCentreList, EditorReportOut, HoursPreviewOut, MeOut, UserOut, UserWithToken
from geo.hours import SHANGHAI, is_open
from tests.builders import CUIHU_WUHUA, KUNMING_STATION_GUANDU, add_centres, add_user, bearer, centre_record

WUHUA, GUANDU = "530102", "530111"


@pytest.fixture
def people(db: Session) -> dict[str, str]:
    add_centres(db, centre_record(id="test-wuhua-a", name_zh="测试中心甲", at=CUIHU_WUHUA),
                centre_record(id="test-wuhua-b", name_zh="测试中心乙", at=(CUIHU_WUHUA[0] + 0.002, CUIHU_WUHUA[1])),
                centre_record(id="test-guandu", name_zh="测试中心丙", at=KUNMING_STATION_GUANDU))
    return {"editor": add_user(db, name="五华编辑", districts=(WUHUA,)),
            "guandu_editor": add_user(db, name="官渡编辑", districts=(GUANDU,)),
            "admin": add_user(db, name="管理员", role="admin")}


def report(client: TestClient, centre_id: str, kind: str = "no_water") -> int:
    response = client.post(f"/api/centres/{centre_id}/reports", json={"kind": kind})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def audit_rows(client: TestClient, token: str, **params: str) -> list[dict]:
    response = client.get("/api/audit", params=params, headers=bearer(token))
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.usefixtures("people")
@pytest.mark.parametrize(("method", "url"), [
    ("get", "/api/me"), ("get", "/api/editor/centres"), ("get", "/api/reports"), ("get", "/api/users"),
    ("post", "/api/reports/1/dismiss"), ("patch", "/api/users/1"), ("post", "/api/users/1/token"),
])
def test_editor_endpoints_need_a_token(client: TestClient, method: str, url: str) -> None:
    response = client.request(method, url, json={} if method != "get" else None)
    assert response.status_code == 401 and response.json()["field"] == "Authorization"


def test_me_names_the_user_and_their_districts(client: TestClient, people: dict) -> None:
    editor = MeOut.model_validate(client.get("/api/me", headers=bearer(people["editor"])).json())
    assert (editor.name, editor.role) == ("五华编辑", "editor")
    assert [(d.adcode, d.name_zh) for d in editor.districts] == [(WUHUA, "五华区")]
    admin = MeOut.model_validate(client.get("/api/me", headers=bearer(people["admin"])).json())
    assert admin.role == "admin" and len(admin.districts) == 14


def test_editor_sees_own_centres_with_open_reports_first(client: TestClient, people: dict) -> None:
    report(client, "test-wuhua-b", "no_water")
    report(client, "test-wuhua-b", "closed")
    report(client, "test-guandu")
    listing = client.get("/api/editor/centres", headers=bearer(people["editor"]))
    assert listing.status_code == 200
    body = EditorCentreList.model_validate(listing.json())
    assert [c.id for c in body.items] == ["test-wuhua-b", "test-wuhua-a"] and body.number_matched == 2
    first = body.items[0]
    assert first.open_reports == 2 and sorted(first.open_report_kinds) == ["closed", "no_water"]
    assert first.district_name == "五华区" and first.latest_report_at is not None
    assert body.items[1].open_reports == 0 and body.items[1].open_report_kinds == []
    everything = client.get("/api/editor/centres", headers=bearer(people["admin"])).json()
    assert everything["number_matched"] == 3
    found = client.get("/api/editor/centres?q=乙", headers=bearer(people["editor"])).json()
    assert [c["id"] for c in found["items"]] == ["test-wuhua-b"]


@pytest.mark.parametrize(("query", "status", "field"), [
    (f"district={GUANDU}", 403, "district"),
    ("district=5301", 422, "district"),
    ("district=999999", 422, "district"),
    ("limit=0", 422, "limit"),
    ("q=", 422, "q"),
])
def test_editor_centres_bad_requests(client: TestClient, people: dict, query: str, status: int, field: str) -> None:
    response = client.get(f"/api/editor/centres?{query}", headers=bearer(people["editor"]))
    assert response.status_code == status, response.text
    assert response.json()["field"] == field


def test_reports_list_confirm_and_dismiss_are_scoped_and_audited(client: TestClient, people: dict) -> None:
    editor = bearer(people["editor"])
    water, closed = report(client, "test-wuhua-a", "no_water"), report(client, "test-wuhua-a", "closed")
    guandu = report(client, "test-guandu")
    open_reports = [EditorReportOut.model_validate(r) for r in client.get("/api/reports", headers=editor).json()]
    assert [r.id for r in open_reports] == [closed, water]
    assert all(r.state == "open" and r.centre_name == "测试中心甲" for r in open_reports)

    assert client.post(f"/api/reports/{guandu}/dismiss", headers=editor).status_code == 403
    assert client.get("/api/reports?centre_id=test-guandu", headers=editor).status_code == 403
    confirmed = client.post(f"/api/reports/{water}/confirm", headers=editor)
    assert confirmed.status_code == 200 and confirmed.json()["state"] == "confirmed"
    dismissed = client.post(f"/api/reports/{closed}/dismiss", headers=editor)
    assert dismissed.status_code == 200 and dismissed.json()["state"] == "dismissed"
    assert client.get("/api/centres/test-wuhua-a").json()["properties"]["status"] == "open"

    assert client.get("/api/reports", headers=editor).json() == []
    handled = client.get("/api/reports?state=all&centre_id=test-wuhua-a", headers=editor).json()
    assert {(r["id"], r["state"], r["handled_by"]) for r in handled} == {
        (water, "confirmed", "五华编辑"), (closed, "dismissed", "五华编辑")}
    entries = audit_rows(client, people["editor"], centre_id="test-wuhua-a")
    by_action = {e["action"]: e for e in entries}
    assert by_action["confirm_report"]["details"]["report_id"] == water
    dismissal = by_action["dismiss_report"]["details"]
    assert (dismissal["report_id"], dismissal["kind"]) == (closed, "closed")
    assert by_action["dismiss_report"]["actor"] == "五华编辑"


def test_a_handled_report_cannot_be_handled_again(client: TestClient, people: dict) -> None:
    editor = bearer(people["editor"])
    first, second = report(client, "test-wuhua-a"), report(client, "test-wuhua-a")
    client.post(f"/api/reports/{first}/dismiss", headers=editor)
    client.post(f"/api/reports/{second}/confirm", headers=editor)
    for url in (f"/api/reports/{first}/dismiss", f"/api/reports/{first}/confirm",
                f"/api/reports/{second}/dismiss", f"/api/reports/{second}/confirm"):
        response = client.post(url, headers=editor)
        assert response.status_code == 409 and response.json()["field"] == "report_id", url
    unknown = client.post("/api/reports/999999/dismiss", headers=editor)
    assert unknown.status_code == 404 and unknown.json()["field"] == "report_id"


@pytest.mark.parametrize(("text", "at"), [
    ("Mo-Fr 09:00-12:00,14:00-17:30; PH off", "2025-09-30T12:30:00"),   # lunch break, a Tuesday
    ("Mo-Fr 09:00-12:00,14:00-17:30; PH off", "2025-10-03T10:00:00"),   # 国庆, a Friday: closed
    ("Mo-Fr 09:00-17:00; PH off", "2025-09-28T10:00:00"),               # 调休 Sunday: open
    ("Mo-Su 18:00-02:00", "2025-10-01T01:30:00"),                       # overnight
    ("Mo-Sa 08:00-20:00; PH 10:00-16:00", "2025-10-02T17:00:00"),
])
def test_hours_preview_agrees_with_the_open_at_filter(client: TestClient, people: dict, text: str, at: str) -> None:
    centre_id = "test-wuhua-a"
    client.patch(f"/api/centres/{centre_id}", json={"opening_hours": text},
                 headers={**bearer(people["admin"]), "If-Match": client.get(f"/api/centres/{centre_id}").headers["etag"]})
    preview = HoursPreviewOut.model_validate(client.post("/api/hours/preview", json={"opening_hours": text, "at": at}).json())
    listed = client.get("/api/centres", params={"open_at": at, "district": WUHUA}).json()["features"]
    assert preview.valid and preview.normalized == text
    assert preview.open_now is (centre_id in [f["id"] for f in listed])
    assert preview.open_now is is_open(text, datetime.fromisoformat(at).replace(tzinfo=SHANGHAI))
    assert preview.next_change is not None and preview.next_change > preview.at
    flipped = client.get("/api/centres", params={"open_at": preview.next_change.isoformat(), "district": WUHUA})
    assert (centre_id in [f["id"] for f in flipped.json()["features"]]) is not preview.open_now


def test_hours_preview_week_shows_holidays_and_makeup_days(client: TestClient) -> None:
    body = client.post("/api/hours/preview", json={"opening_hours": "Mo-Fr 09:00-17:00; PH off",
                                                   "at": "2025-09-28T08:00:00"}).json()
    week = {day["date"]: day for day in HoursPreviewOut.model_validate(body).model_dump(mode="json")["week"]}
    assert week["2025-09-28"]["day_kind"] == "makeup_workday" and week["2025-09-28"]["hours"] == ["09:00-17:00"]
    assert week["2025-09-28"]["holiday"] == {"en": "National Day", "zh": "国庆节"}
    assert week["2025-10-01"]["day_kind"] == "holiday" and week["2025-10-01"]["hours"] == []
    assert week["2025-09-29"]["day_kind"] == "workday" and week["2025-09-29"]["holiday"] is None
    assert body["next_change"].startswith("2025-09-28T09:00:00")


@pytest.mark.parametrize("text", ["Mo-Fr 9-17 maybe", "whenever", "", "Mo-Fr 25:00-26:00"])
def test_invalid_hours_are_answered_not_refused(client: TestClient, text: str) -> None:
    response = client.post("/api/hours/preview", json={"opening_hours": text})
    assert response.status_code == 200
    body = response.json()
    assert body["valid"] is False and body["error"] and body["open_now"] is None and body["week"] == []
    assert HoursPreviewOut.model_validate(body).problem is not None


@pytest.mark.parametrize(("text", "problem"), [
    ("Mo-Fx 09:00", {"kind": "syntax", "column": 4, "snippet": "Fx 09:00"}),
    ("  Mo-Fx 09:00 ", {"kind": "syntax", "column": 4, "snippet": "Fx 09:00"}),  # counted in the stored text
    ("   ", {"kind": "empty", "column": None, "snippet": None}),
    ("24/7; " * 50, {"kind": "too_long", "column": None, "snippet": None}),
])
def test_invalid_hours_say_what_is_wrong_as_data(client: TestClient, text: str, problem: dict) -> None:
    body = client.post("/api/hours/preview", json={"opening_hours": text}).json()
    assert body["problem"] == problem
    assert body["valid"] is False and body["error"]  # the English sentence stays for existing clients


def test_valid_hours_have_no_problem(client: TestClient) -> None:
    body = client.post("/api/hours/preview", json={"opening_hours": "Mo-Fr 09:00-17:00"}).json()
    assert body["valid"] is True and body["problem"] is None and body["error"] is None


@pytest.mark.parametrize(("body", "field"), [
    ({}, "opening_hours"), ({"opening_hours": "x" * 1001}, "opening_hours"),
    ({"opening_hours": "24/7", "at": "tomorrow"}, "at"), ({"opening_hours": "24/7", "at": "3025-01-01T00:00"}, "at"),
    ({"opening_hours": "24/7", "extra": 1}, "extra"),
])
def test_bad_preview_requests_name_the_field(client: TestClient, body: dict, field: str) -> None:
    response = client.post("/api/hours/preview", json=body)
    assert response.status_code == 422 and response.json()["field"] == field


def test_admin_issues_a_token_once_disables_and_reissues(client: TestClient, people: dict) -> None:
    admin = bearer(people["admin"])
    created = client.post("/api/users", json={"name": " 华山街道-李四 ", "districts": [WUHUA]}, headers=admin)
    assert created.status_code == 201, created.text
    user = UserWithToken.model_validate(created.json())
    assert (user.name, user.role, user.districts) == ("华山街道-李四", "editor", [WUHUA])
    assert client.get("/api/me", headers=bearer(user.token)).json()["name"] == "华山街道-李四"
    listed = [UserOut.model_validate(u) for u in client.get("/api/users", headers=admin).json()]
    assert "token" not in client.get("/api/users", headers=admin).json()[0]
    assert user.id in [u.id for u in listed]

    moved = client.patch(f"/api/users/{user.id}", json={"districts": [WUHUA, GUANDU]}, headers=admin)
    assert moved.status_code == 200 and moved.json()["districts"] == [WUHUA, GUANDU]
    client.patch(f"/api/users/{user.id}", json={"active": False}, headers=admin)
    assert client.get("/api/me", headers=bearer(user.token)).status_code == 401
    client.patch(f"/api/users/{user.id}", json={"active": True}, headers=admin)
    reissued = client.post(f"/api/users/{user.id}/token", headers=admin).json()
    assert client.get("/api/me", headers=bearer(user.token)).status_code == 401
    assert client.get("/api/me", headers=bearer(reissued["token"])).status_code == 200

    actions = [e["action"] for e in audit_rows(client, people["admin"]) if e["centre_id"] is None]
    assert actions == ["user_token", "user_update", "user_update", "user_update", "user_create"]
    assert all(e["centre_id"] is not None for e in audit_rows(client, people["editor"]))


@pytest.mark.parametrize(("method", "url", "body", "status", "field"), [
    ("post", "/api/users", {"name": "五华编辑", "districts": [WUHUA]}, 409, "name"),
    ("post", "/api/users", {"name": "新编辑"}, 422, "districts"),
    ("post", "/api/users", {"name": "新编辑", "districts": ["999999"]}, 422, "districts"),
    ("post", "/api/users", {"name": "新编辑", "districts": ["abc"]}, 422, "districts.0"),
    ("post", "/api/users", {"name": "   ", "districts": [WUHUA]}, 422, "name"),
    ("post", "/api/users", {"name": "新编辑", "role": "owner"}, 422, "role"),
    ("patch", "/api/users/999999", {"active": False}, 404, "user_id"),
    ("patch", "/api/users/0", {"active": False}, 422, "user_id"),
    ("patch", "/api/users/{editor}", {"districts": []}, 422, "districts"),
    ("patch", "/api/users/{admin}", {"active": False}, 409, "active"),
    ("patch", "/api/users/{admin}", {"role": "editor", "districts": [WUHUA]}, 409, "role"),
    ("patch", "/api/users/{editor}", {"token_hash": "x"}, 422, "token_hash"),
])
def test_bad_user_changes_are_refused_with_the_field(
    client: TestClient, people: dict, method: str, url: str, body: dict, status: int, field: str
) -> None:
    ids = {u["name"]: u["id"] for u in client.get("/api/users", headers=bearer(people["admin"])).json()}
    url = url.format(editor=ids["五华编辑"], admin=ids["管理员"])
    response = client.request(method, url, json=body, headers=bearer(people["admin"]))
    assert response.status_code == status, response.text
    assert response.json()["field"] == field


def test_only_admins_manage_users(client: TestClient, people: dict) -> None:
    editor = bearer(people["editor"])
    assert client.get("/api/users", headers=editor).status_code == 403
    assert client.post("/api/users", json={"name": "x", "districts": [WUHUA]}, headers=editor).status_code == 403


@pytest.mark.parametrize(("query", "status", "field"), [
    (f"district={GUANDU}", 403, "district"),
    ("district=123", 422, "district"),
    ("district=999999", 422, "district"),
    ("state=dismissed", 422, "state"),
    ("centre_id=no-such-centre", 404, "centre_id"),
    ("centre_id=Bad_Id", 422, "centre_id"),
])
def test_report_listing_bad_requests(client: TestClient, people: dict, query: str, status: int, field: str) -> None:
    response = client.get(f"/api/reports?{query}", headers=bearer(people["editor"]))
    assert response.status_code == status, response.text
    assert response.json()["field"] == field


def test_users_cli_adds_an_editor_of_known_districts_only(run_cli, db: Session) -> None:
    refused = run_cli("users", "add", "测试编辑 (test fixture)", "--district", "999999")
    assert refused.exit_code == 2 and "unknown district adcode '999999'" in refused.output
    added = run_cli("users", "add", "测试编辑 (test fixture)", "--district", WUHUA)
    assert added.exit_code == 0, added.output
    assert added.output.strip().startswith("smk_")
