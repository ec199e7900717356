"""Every parameter of every operation, and every field of every JSON body, gets the inputs that
broke the service before: control characters, lone surrogates, huge and non-finite numbers, historic
and far-future dates. Each answer is a 2xx or a 4xx with the one error body naming a field; never a
5xx. The operations and their parameters come from the service's own OpenAPI document, so a new
endpoint is swept without anyone remembering to add it."""
import json
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.main import create_app
from app.settings import Settings
from geo.network import NetworkBuildResult
from tests.builders import CUIHU_WUHUA, add_centres, add_user, centre_record

NASTY_TEXT = ["\x00", "a\x00b", "\x01", "\x1f", "\x7f", "\ud800", "\udfff", "🚲" * 300, "", " ", "'; DROP TABLE x;--"]
NASTY_NUMBERS = ["9" * 40, "-9" * 20, "1e309", "-1e309", "NaN", "Infinity", "9223372036854775808", "-0", "0x10"]
NASTY_DATES = ["0001-01-01T00:00:00", "1900-01-01T00:00:00", "9999-12-31T23:59:59", "2026-02-30T00:00:00",
               "2026-01-01T00:00:00+25:00", "-infinity"]
QUERY_VALUES = NASTY_TEXT + NASTY_NUMBERS + NASTY_DATES
JSON_VALUES = ["\u0000", "x\ud800y", "\x1b[31m", 1e308, -(10**40), 10**40, "0001-01-01", "9999-12-31T23:59:59Z",
               [], {}, None]
EXISTING = "test-sweep-centre"


@pytest.fixture
def swept(db: Session, database_url: str, helsinki_network: NetworkBuildResult) -> Iterator[tuple[TestClient, dict]]:
    add_centres(db, centre_record(id=EXISTING, at=CUIHU_WUHUA, opening_hours="Mo-Fr 09:00-17:00"))
    token = add_user(db, name="sweep-admin", role="admin")
    settings = Settings(database_url=database_url, network_dir=helsinki_network.tile_dir,
                        rate_limit_per_minute=1_000_000, reports_per_client_per_hour=1_000_000)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client, {"Authorization": f"Bearer {token}", "If-Match": '"v1"'}


def operations(client: TestClient) -> Iterator[tuple[str, str, dict]]:
    for path, entries in client.get("/openapi.json").json()["paths"].items():
        for method, operation in entries.items():
            yield method.upper(), path, operation


def filled(path: str) -> str:
    return path.replace("{centre_id}", EXISTING).replace("{report_id}", "1")


def check(response, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code} {response.text[:300]}"
    if response.status_code >= 400:
        body = response.json()
        assert set(body) >= {"error", "field", "message"}, f"{what}: {body}"
        if response.status_code in (413, 422):
            assert body["field"], f"{what}: a 4xx for bad input must name the field: {body}"


def test_every_query_and_path_parameter(swept: tuple[TestClient, dict]) -> None:
    client, headers = swept
    swept_count = 0
    for method, path, operation in operations(client):
        for parameter in operation.get("parameters", []):
            if parameter["in"] not in ("query", "path"):
                continue
            for value in QUERY_VALUES:
                encoded = quote(value.encode("utf-8", "surrogatepass"), safe="")
                if parameter["in"] == "path":
                    url = filled(path.replace("{" + parameter["name"] + "}", encoded))
                else:
                    url = f"{filled(path)}?{parameter['name']}={encoded}"
                response = client.request(method, url, headers=headers, json={} if method in ("POST", "PATCH") else None)
                check(response, f"{method} {url}")
                swept_count += 1
    assert swept_count > 1000


def test_every_field_of_every_json_body(swept: tuple[TestClient, dict]) -> None:
    client, headers = swept
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    swept_count = 0
    for method, path, operation in operations(client):
        body_schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
        if body_schema is None:
            continue
        properties = schemas[body_schema["$ref"].rsplit("/", 1)[-1]]["properties"]
        for field in properties:
            for value in JSON_VALUES:
                content = json.dumps({field: value}, allow_nan=True)
                response = client.request(method, filled(path), headers={**headers, "Content-Type": "application/json"},
                                          content=content)
                check(response, f"{method} {path} {field}={value!r}")
                swept_count += 1
    assert swept_count > 200


def test_bodies_that_are_not_json_text(swept: tuple[TestClient, dict]) -> None:
    client, headers = swept
    for method, path, operation in operations(client):
        if "requestBody" not in operation:
            continue
        for content in (b"\xff\xfe\x00", b'{"kind": "fine"', b"[]", b'"\\ud800"', b"1e999"):
            response = client.request(method, filled(path), content=content,
                                      headers={**headers, "Content-Type": "application/json"})
            check(response, f"{method} {path} {content!r}")
