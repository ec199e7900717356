"""Concurrent first requests for one new coverage layer, against a real uvicorn server: all succeed,
the layer is expanded once and stored once (the others wait on its advisory lock and read it)."""
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.network import NetworkBuildResult
from tests.api.test_routing_api import EAST, SOUTH, WEST, helsinki_centre
from tests.builders import add_centres
from tests.coverage.conftest import HELSINKI_AREA, TEST_ADCODE
from tests.web.server import LiveServer, unthrottled_server

PARALLEL = 20
PATHS = ["", "/union", "/bands", "/gaps", "/cells"]


@pytest.fixture
def coverage_server(db: Session, database_url: str, helsinki_network: NetworkBuildResult,
                    test_districts) -> Iterator[LiveServer]:
    test_districts(HELSINKI_AREA)
    add_centres(db, helsinki_centre("test-par-e", EAST), helsinki_centre("test-par-s", SOUTH),
                helsinki_centre("test-par-w", WEST), in_kunming=False)
    with unthrottled_server(database_url, helsinki_network.tile_dir) as server:
        yield server


def test_twenty_parallel_first_requests_for_a_new_layer_all_succeed(coverage_server: LiveServer, db: Session) -> None:
    start = Barrier(PARALLEL)

    def ask(n: int) -> httpx.Response:
        url = coverage_server.url(f"/api/coverage{PATHS[n % len(PATHS)]}?mode=walk&minutes=4&district={TEST_ADCODE}")
        with httpx.Client(timeout=60) as client:
            start.wait()
            return client.get(url)

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        answers = list(pool.map(ask, range(PARALLEL)))
    assert [a.status_code for a in answers] == [200] * PARALLEL, [a.text[:200] for a in answers if a.status_code != 200]
    layers = {a.json()["layer"]["id"] for a in answers}
    assert len(layers) == 1
    assert sorted(a.json()["layer"]["reused"] for a in answers) == [False] + [True] * (PARALLEL - 1)
    stored = db.scalar(text("SELECT count(*) FROM coverage_layers WHERE mode = 'walk' AND minutes = 4"))
    bands = db.scalar(text("SELECT count(*) FROM coverage_bands WHERE layer_id = :id"), {"id": layers.pop()})
    db.rollback()
    assert (stored, bands) == (1, 3)
