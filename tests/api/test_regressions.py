"""Regressions found in review: lost edits on re-seed, create races, extreme inputs, report races."""
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from app.cli import cli
from app.ops.ratelimit import client_key
from tests.builders import (
    CUIHU_WUHUA,
    KUNMING_STATION_GUANDU,
    add_centres,
    add_user,
    bearer,
    centre_record,
    write_geojson,
)


@pytest.fixture
def admin(db: Session) -> dict[str, str]:
    return bearer(add_user(db, name="管理员", role="admin"))


def test_reseeding_with_only_new_keeps_editors_changes(client: TestClient, db: Session, admin: dict,
                                                      database_url: str, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    seed = write_geojson(tmp_path / "seed.geojson", [centre_record(id="test-seeded")])
    runner = CliRunner()
    assert runner.invoke(cli, ["import", str(seed), "--only-new"]).exit_code == 0
    etag = client.get("/api/centres/test-seeded").headers["etag"]
    edited = client.patch("/api/centres/test-seeded", json={"phone": "0871-7"}, headers={**admin, "If-Match": etag})
    assert edited.status_code == 200
    again = runner.invoke(cli, ["import", str(seed), "--only-new"])
    assert "1 kept as stored" in again.output
    assert client.get("/api/centres/test-seeded").json()["properties"]["phone"] == "0871-7"


def test_imports_are_audited(client: TestClient, db: Session, admin: dict, tmp_path: Path) -> None:
    from app.catalogue.importer import ImportDefaults, import_records
    from geo.coords import CoordinateSystem

    for phone in (None, "0871-8"):
        import_records(db, [(1, centre_record(id="test-imported", phone=phone))], crs=CoordinateSystem.wgs84,
                       defaults=ImportDefaults(), dry_run=False, actor="import directory.csv")
        db.commit()
    entries = client.get("/api/audit?centre_id=test-imported", headers=admin).json()
    assert [(e["action"], e["actor"]) for e in entries] == [
        ("import_update", "import directory.csv"), ("import_create", "import directory.csv")]
    assert entries[0]["before"]["phone"] is None and entries[0]["after"]["phone"] == "0871-8"


def test_concurrent_creates_of_one_id_let_exactly_one_win(client: TestClient, admin: dict) -> None:
    bodies = [centre_record(id="test-raced", name_zh=f"竞争 {i}") for i in range(6)]
    with ThreadPoolExecutor(6) as pool:
        statuses = list(pool.map(lambda body: client.post("/api/centres", json=body, headers=admin).status_code,
                                 bodies))
    assert sorted(statuses) == [201] + [409] * 5
    assert client.get("/api/centres/test-raced").headers["etag"] == '"v1"'


@pytest.mark.parametrize("if_match", ['"v99999999999999999999"', '"v1.5"', '"3"', "v-1"])
def test_malformed_if_match_is_422(client: TestClient, db: Session, admin: dict, if_match: str) -> None:
    add_centres(db, centre_record(id="test-etag"))
    response = client.patch("/api/centres/test-etag", json={"phone": "1"}, headers={**admin, "If-Match": if_match})
    assert response.status_code == 422 and response.json()["field"] == "If-Match"


@pytest.mark.parametrize("url", [
    "/api/centres?open_at=0001-01-01T00:00:00%2B14:00",
    "/api/centres?open_at=9999-12-31T23:59:59",
    "/api/centres/nearest?lon=102.7&lat=25.04&open_at=9999-12-31T23:59:59",
    "/api/coverage?at=0001-01-01T00:00:00",
])
def test_moments_out_of_range_are_422(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 422, response.text
    assert response.json()["field"] in ("open_at", "at")


def test_editor_of_another_district_cannot_delete_or_restore(client: TestClient, db: Session, admin: dict) -> None:
    add_centres(db, centre_record(id="test-guandu", at=KUNMING_STATION_GUANDU))
    wuhua = bearer(add_user(db, name="五华编辑", districts=("530102",)))
    etag = client.get("/api/centres/test-guandu").headers["etag"]
    assert client.delete("/api/centres/test-guandu", headers={**wuhua, "If-Match": etag}).status_code == 403
    assert client.delete("/api/centres/test-guandu", headers={**admin, "If-Match": etag}).status_code == 204
    assert client.post("/api/centres/test-guandu/restore", headers=wuhua).status_code == 403
    assert client.get("/api/centres/test-guandu").status_code == 404


def test_a_report_is_confirmed_once(client: TestClient, db: Session, admin: dict) -> None:
    add_centres(db, centre_record(id="test-reported", at=CUIHU_WUHUA))
    report_id = client.post("/api/centres/test-reported/reports", json={"kind": "no_water"}).json()["id"]
    assert client.post(f"/api/reports/{report_id}/confirm", headers=admin).status_code == 200
    second = client.post(f"/api/reports/{report_id}/confirm", headers=admin)
    assert second.status_code == 409 and second.json()["field"] == "report_id"


def test_a_real_2359_close_is_not_shown_as_midnight(client: TestClient, db: Session) -> None:
    add_centres(db, centre_record(id="test-late", opening_hours="Mo-Su 08:00-23:59"))
    assert client.get("/api/centres/test-late").json()["properties"]["hours_today"] == ["08:00-23:59"]


def test_rate_limit_groups_ipv6_by_64() -> None:
    assert client_key("2001:db8::1") == client_key("2001:db8::2") == "2001:db8::/64"
    assert client_key("2001:db8:0:1::1") != client_key("2001:db8::1")
    assert client_key("192.0.2.1") == "192.0.2.1" != client_key("192.0.2.2")
