"""The front end's own endpoints: vocabulary labels from geo.amenities and base-map settings."""
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.frontend.routes import Vocabulary
from app.main import create_app
from app.settings import Settings
from geo.amenities import AMENITY_LABELS, Amenity, Kind, Level


@pytest.fixture
def amap_client(database_url: str, tmp_path) -> Iterator[TestClient]:
    settings = Settings(database_url=database_url, network_dir=tmp_path / "network",
                        tile_url="https://webrd0{s}.is.autonavi.com/appmaptile?x={x}&y={y}&z={z}",
                        tile_attribution="© 高德地图", tile_crs="gcj02", frame_ancestors="'none'")
    with TestClient(create_app(settings)) as client:
        yield client


def test_vocabulary_carries_every_token_with_both_labels(amap_client: TestClient) -> None:
    response = amap_client.get("/api/vocabulary")
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    vocabulary = Vocabulary.model_validate(response.json())
    assert [(a.value, a.zh, a.en) for a in vocabulary.amenities] == [
        (amenity.value, *AMENITY_LABELS[amenity]) for amenity in Amenity]
    assert [k.value for k in vocabulary.kinds] == [k.value for k in Kind]
    assert [lv.value for lv in vocabulary.levels] == [lv.value for lv in Level]
    assert all(entry.zh and entry.en for entry in vocabulary.kinds + vocabulary.levels + vocabulary.statuses)


def test_config_comes_from_settings(amap_client: TestClient) -> None:
    config = amap_client.get("/api/config").json()
    assert config["tile_url"].startswith("https://webrd0") and config["tile_attribution"] == "© 高德地图"
    assert config["tile_crs"] == "gcj02"
    assert config["isochrones"] is False  # no road network is imported for this app


def test_embed_sends_frame_ancestors(amap_client: TestClient) -> None:
    response = amap_client.get("/embed?kind=rider_station")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert response.headers["content-security-policy"] == "frame-ancestors 'none'"
    assert '<script type="module" src="js/app.js">' in response.text


def test_the_editor_page_runs_only_its_own_files(amap_client: TestClient) -> None:
    response = amap_client.get("/edit")
    policy = dict(part.strip().split(" ", 1) for part in response.headers["content-security-policy"].split(";"))
    assert policy["default-src"] == "'self'" and policy["connect-src"] == "'self'"
    assert policy["img-src"] == "'self' data: https://*.is.autonavi.com"  # the configured tile server only
    assert policy["frame-ancestors"] == "'none'" and response.headers["cache-control"] == "no-store"
