"""Editing a centre recomputes only what it touches: one isochrone and the tiles around it, and the
patched layer equals one computed from nothing."""
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.builders import add_centres, centre_record
from tests.coverage.conftest import MINUTES, MODE, TEST_ADCODE
from tests.osm_fixtures import SyntheticCity

URL = f"/api/coverage?mode={MODE}&minutes={MINUTES}&district={TEST_ADCODE}&gaps=3"


def tiles(db: Session, layer_id: int) -> dict:
    rows = db.execute(text("SELECT tx, ty, ST_AsText(geom) FROM coverage_tiles WHERE layer_id = :l"), {"l": layer_id})
    return {(x, y): wkt for x, y, wkt in rows}


def test_moving_a_centre_patches_only_nearby_tiles_and_matches_a_fresh_computation(
        grid_client: TestClient, grid_city: SyntheticCity, hole_city: dict, db: Session) -> None:
    first = grid_client.get(URL).json()
    before = tiles(db, first["layer"]["id"])
    add_centres(db, centre_record(id="test-grid-0-0", at=grid_city.lonlat(1.0, 1.0), opening_hours="24/7",
                                  source="test fixture on a synthetic city"), in_kunming=False)
    moved = grid_client.get(URL).json()
    assert moved["layer"]["id"] == first["layer"]["id"] and moved["layer"]["isochrones_computed"] == 1
    after = tiles(db, moved["layer"]["id"])
    untouched = [t for t in before if before[t] == after.get(t)]
    assert 0 < moved["layer"]["recomputed_tiles"] < len(before) and len(untouched) >= len(before) // 2
    db.execute(text("TRUNCATE coverage_layers CASCADE"))  # forget the layer; members and isochrones stay
    db.commit()
    fresh = grid_client.get(URL).json()
    assert fresh["layer"]["reused"] is False and fresh["layer"]["isochrones_computed"] == 0
    for key in ("covered_m2", "demand_covered", "centres"):
        assert fresh["districts"][0][key] == pytest.approx(moved["districts"][0][key], abs=0.2)
    assert [g["area_m2"] for g in fresh["districts"][0]["largest_gaps"]] == pytest.approx(
        [g["area_m2"] for g in moved["districts"][0]["largest_gaps"]], abs=0.2)
