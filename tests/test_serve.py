"""The service as `servicemap serve` runs it (separate worker processes, uvicorn's proxy handling off):
limits that hold across workers, and client identities that a header cannot fake."""
import json
import random
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.orm import Session

from tests.builders import CUIHU_WUHUA, add_centres, centre_record
from tests.web.server import service_process

LIMIT = 100


def fresh_get(url: str, **headers: str) -> httpx.Response:
    """One request on its own connection, so that consecutive requests land on any worker."""
    with httpx.Client(timeout=10, headers={"Connection": "close", **headers}) as client:
        return client.get(url)


def random_address() -> str:
    return ".".join(str(random.randint(1, 254)) for _ in range(4))


@pytest.fixture
def two_workers(db: Session, database_url: str, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    log = tmp_path / "server.log"
    with service_process(database_url, workers=2, log_path=log, SERVICEMAP_RATE_LIMIT_PER_MINUTE=str(LIMIT),
                         SERVICEMAP_LOG_JSON="true") as (base, _pid):
        yield base, log


def test_the_rate_limit_holds_across_workers(two_workers: tuple[str, Path]) -> None:
    base, log = two_workers
    statuses = [fresh_get(f"{base}/api/districts").status_code for _ in range(2 * LIMIT)]
    workers = {json.loads(line)["worker"] for line in log.read_text().splitlines()
               if line.startswith("{") and '"path": "/api/districts"' in line}
    assert len(workers) == 2, "both workers must have answered for this test to mean anything"
    allowed = statuses.count(200)
    assert abs(allowed - LIMIT) <= LIMIT * 0.1, f"{allowed} allowed with a limit of {LIMIT} per minute"
    assert statuses.count(429) == len(statuses) - allowed


def test_a_spoofed_forwarded_for_is_ignored(db: Session, database_url: str) -> None:
    with service_process(database_url, SERVICEMAP_RATE_LIMIT_PER_MINUTE="10") as (base, _pid):
        statuses = [fresh_get(f"{base}/api/districts", **{"X-Forwarded-For": random_address()}).status_code
                    for _ in range(20)]
        assert statuses.count(200) == 10 and statuses.count(429) == 10


def test_a_spoofed_forwarded_for_does_not_multiply_rider_reports(db: Session, database_url: str) -> None:
    add_centres(db, centre_record(id="test-spoofed", at=CUIHU_WUHUA))
    with service_process(database_url, SERVICEMAP_REPORTS_PER_CLIENT_PER_HOUR="10") as (base, _pid):
        reports = [httpx.post(f"{base}/api/centres/test-spoofed/reports", json={"kind": "fine"},
                              headers={"X-Forwarded-For": random_address()}).status_code for _ in range(12)]
        assert reports == [201] * 10 + [429] * 2, "one client, whatever it claims to forward for"


def test_forwarded_for_is_believed_from_a_configured_proxy(db: Session, database_url: str) -> None:
    env = {"SERVICEMAP_RATE_LIMIT_PER_MINUTE": "5", "SERVICEMAP_TRUSTED_PROXIES": '["127.0.0.1/32"]'}
    with service_process(database_url, **env) as (base, _pid):
        distinct = [fresh_get(f"{base}/api/districts", **{"X-Forwarded-For": f"198.51.100.{i}"}).status_code
                    for i in range(1, 11)]
        assert distinct == [200] * 10
        # The proxy appends the address it saw: a client's own "X-Forwarded-For: 1.2.3.4" stays in front.
        same = [fresh_get(f"{base}/api/districts", **{"X-Forwarded-For": f"{random_address()}, 203.0.113.9"})
                .status_code for _ in range(8)]
        assert same.count(200) == 5 and same.count(429) == 3
        # Behind a TLS proxy the links the service writes (here the OGC landing page's) say https.
        landing = fresh_get(f"{base}/ogc", **{"X-Forwarded-For": "198.51.100.99", "X-Forwarded-Proto": "https",
                                              "Host": "map.example.cn"}).json()
        assert {link["href"].split("://")[0] for link in landing["links"]} == {"https"}


def test_no_server_banner_and_errors_keep_their_body(db: Session, database_url: str) -> None:
    with service_process(database_url) as (base, _pid):
        response = fresh_get(f"{base}/api/nothing-here")
        assert "server" not in response.headers
        assert response.status_code == 404 and response.json()["error"] == "not_found"
        wrong_method = httpx.put(f"{base}/api/districts")
        assert wrong_method.status_code == 405 and wrong_method.headers["allow"] == "GET"
