"""Service hardening: health and readiness, security headers, rate limit, CORS, placeholder secrets."""
import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.main import create_app
from app.settings import Settings


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.text
    body = ready.json()
    assert body["ready"] is True and body["schema_revision"] == body["schema_head"] and body["database"] == "ok"


def test_not_ready_when_database_is_unreachable(db: Session, tmp_path) -> None:
    settings = Settings(database_url="postgresql://postgres@127.0.0.1:1/nowhere", network_dir=tmp_path)
    with TestClient(create_app(settings)) as client:
        response = client.get("/readyz")
        assert response.status_code == 503 and response.json()["database"].startswith("unreachable")
        assert client.get("/healthz").status_code == 200


def test_security_headers(client: TestClient) -> None:
    response = client.get("/api/districts")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-security-policy"] == "frame-ancestors 'self'"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert len(response.headers["x-request-id"]) >= 16


def test_public_rate_limit(db: Session, database_url: str, tmp_path) -> None:
    settings = Settings(database_url=database_url, network_dir=tmp_path, rate_limit_per_minute=5)
    with TestClient(create_app(settings)) as client:
        statuses = [client.get("/api/districts").status_code for _ in range(7)]
        assert statuses == [200] * 5 + [429] * 2
        limited = client.get("/api/centres")
        assert limited.json()["error"] == "too_many_requests" and int(limited.headers["retry-after"]) >= 1
        assert client.get("/healthz").status_code == 200  # probes are never limited


def test_cors_is_configurable(db: Session, database_url: str, tmp_path) -> None:
    settings = Settings(database_url=database_url, network_dir=tmp_path, cors_origins=["https://example.org"])
    with TestClient(create_app(settings)) as client:
        allowed = client.get("/api/districts", headers={"Origin": "https://example.org"})
        assert allowed.headers["access-control-allow-origin"] == "https://example.org"
        other = client.get("/api/districts", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers


@pytest.mark.parametrize("overrides", [
    {"report_salt": "change-me"},
    {"report_salt": "short"},
    {"report_salt": "a-long-enough-secret-salt", "database_url": "postgresql://u:change-me@db/x"},
])
def test_placeholder_secrets_refused_outside_development(overrides: dict) -> None:
    with pytest.raises(ValidationError, match="SERVICEMAP_REPORT_SALT|placeholder"):
        Settings(environment="production", **overrides)


def test_real_secrets_accepted_in_production() -> None:
    settings = Settings(environment="production", report_salt="a-long-enough-secret-salt",
                        database_url="postgresql://u:s3cret@db/x")
    assert settings.report_salt == "a-long-enough-secret-salt"


def test_development_allows_the_placeholder() -> None:
    assert Settings(environment="development").report_salt == "change-me"
