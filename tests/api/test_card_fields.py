"""`fields=card`: the rider's lists carry only what the station card shows, and say so."""
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.catalogue.schemas import CentreCardCollection, NearestCardCollection, NearestCardProperties
from tests.builders import CUIHU_WUHUA, KUNMING_STATION_GUANDU, add_centres, centre_record

NEAR = "/api/centres/nearest?lon=102.7040&lat=25.0490&limit=10"
SOURCE_QUOTE = "测试引文：党群服务中心为骑手提供饮水、充电、休息等服务。"
# Everything the card needs, and none of what it does not show (provenance, raw hours, admin codes).
NOT_ON_THE_CARD = {"source", "source_quote", "opening_hours", "operator", "level", "district_adcode", "street",
                   "community", "last_verified"}


@pytest.fixture(autouse=True)
def centres(db: Session) -> None:
    add_centres(db, *(
        centre_record(id=f"test-card-{n}", name_zh=f"测试驿站{n}", at=at, street="测试街道", community="测试社区",
                      operator="测试运营方", phone="0871-6000 0000", source="https://example.org/test-article",
                      source_quote=SOURCE_QUOTE, location_note="测试：街道级大致位置", opening_hours="24/7")
        for n, at in enumerate((CUIHU_WUHUA, KUNMING_STATION_GUANDU))))


def body(client: TestClient, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/geo+json"
    return response.json()


def test_nearest_cards_keep_the_cards_fields_and_drop_the_rest(client: TestClient) -> None:
    full, card = body(client, NEAR), body(client, f"{NEAR}&fields=card")
    assert full["fields"] == "all" and card["fields"] == "card"
    NearestCardCollection.model_validate(card)
    assert [f["id"] for f in card["features"]] == [f["id"] for f in full["features"]]
    for whole, small in zip(full["features"], card["features"]):
        assert set(small["properties"]) == set(NearestCardProperties.model_fields)
        assert not NOT_ON_THE_CARD & set(small["properties"])
        assert small["properties"] == {key: whole["properties"][key] for key in small["properties"]}
        assert small["geometry"]["coordinates"] == [round(c, 6) for c in whole["geometry"]["coordinates"]]
    assert card["ranking"] == full["ranking"] and card["note"] == full["note"]


def test_catalogue_list_cards_keep_paging(client: TestClient) -> None:
    card = body(client, "/api/centres?fields=card&limit=1")
    CentreCardCollection.model_validate(card)
    assert (card["number_matched"], card["number_returned"], card["limit"], card["offset"]) == (2, 1, 1, 0)
    assert "distance_m" not in card["features"][0]["properties"]
    assert not NOT_ON_THE_CARD & set(card["features"][0]["properties"])
