"""OGC API – Features under /ogc with OWSLib, a real client: the same centres, filters and errors as /api."""
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from owslib.ogcapi.features import Features
from shapely.geometry import shape
from sqlalchemy.orm import Session

from app.main import create_app
from app.ogc.schemas import CRS84
from app.settings import Settings
from tests.web.server import LiveServer

CONFORMANCE = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/"


def next_href(page: dict) -> str | None:
    return next((link["href"] for link in page["links"] if link["rel"] == "next"), None)


def next_params(href: str) -> dict:
    """A next link's query as OWSLib's keyword arguments (it wants bbox as a list, datetime as datetime_)."""
    params: dict = dict(parse_qsl(urlsplit(href).query))
    if "bbox" in params:
        params["bbox"] = params["bbox"].split(",")
    if "datetime" in params:
        params["datetime_"] = params.pop("datetime")
    return params


def all_pages(ogc: Features, collection: str, **params: object) -> tuple[list[dict], list[dict]]:
    """Every page of a collection, following `next` links the way a client does; (features, pages)."""
    pages = [ogc.collection_items(collection, **params)]
    while (href := next_href(pages[-1])) is not None:
        assert urlsplit(href).path.endswith(f"/ogc/collections/{collection}/items")
        pages.append(ogc.collection_items(collection, **next_params(href)))
    return [f for page in pages for f in page["features"]], pages


def api_ids(server: LiveServer, query: str) -> list[str]:
    response = httpx.get(server.url(f"/api/centres?limit=1000&{query}"))
    assert response.status_code == 200, response.text
    return [f["id"] for f in response.json()["features"]]


def test_landing_page_links_what_gis_clients_need(ogc: Features, ogc_server: LiveServer) -> None:
    links = {link["rel"]: link for link in ogc.links}
    assert {"self", "service-desc", "service-doc", "conformance", "data"} <= set(links)
    assert links["data"]["href"] == ogc_server.url("/ogc/collections")
    assert links["service-desc"]["href"] == ogc_server.url("/ogc/api")
    assert links["service-desc"]["type"] == "application/vnd.oai.openapi+json;version=3.0"
    assert links["service-doc"]["href"] == ogc_server.url("/docs/ogc")


def test_conformance_classes(ogc: Features) -> None:
    assert set(ogc.conformance()["conformsTo"]) == {CONFORMANCE + c for c in ("core", "geojson", "oas30")}


def test_collections_without_a_road_network_are_the_catalogue_and_districts(ogc: Features) -> None:
    assert ogc.feature_collections() == ["centres", "districts"]
    centres = ogc.collection("centres")
    assert centres["crs"] == [CRS84] and centres["itemType"] == "feature"
    assert {link["rel"]: link["type"] for link in centres["links"]}["items"] == "application/geo+json"
    west, south, east, north = centres["extent"]["spatial"]["bbox"][0]
    assert 102.6 < west < east < 103.0 and 24.8 < south < north < 25.1  # around the fixture centres
    assert ogc.collection("districts")["extent"]["spatial"]["bbox"][0][0] < west


def test_items_paged_to_the_end_match_the_catalogue(ogc: Features, ogc_server: LiveServer) -> None:
    features, pages = all_pages(ogc, "centres", limit=7)
    expected = api_ids(ogc_server, "")
    assert [f["id"] for f in features] == expected and len(expected) == 23
    assert [p["numberReturned"] for p in pages] == [7, 7, 7, 2]
    assert {p["numberMatched"] for p in pages} == {23}
    assert all(p["timeStamp"].endswith("Z") for p in pages)
    assert "prev" in {link["rel"] for link in pages[-1]["links"]}


def test_every_catalogue_field_is_a_property(ogc: Features, ogc_server: LiveServer) -> None:
    item = ogc.collection_item("centres", "test-ogc-04")
    api = httpx.get(ogc_server.url("/api/centres/test-ogc-04")).json()
    assert item["properties"] == api["properties"] and item["geometry"] == api["geometry"]
    assert item["id"] == "test-ogc-04"
    assert {link["rel"] for link in item["links"]} == {"self", "collection"}


@pytest.mark.parametrize(("ogc_params", "api_query"), [
    ({"kind": "rider_station"}, "kind=rider_station"),
    ({"level": "street"}, "level=street"),
    ({"status": "temporarily_closed"}, "status=temporarily_closed"),
    ({"district_adcode": "530111"}, "district=530111"),
    ({"amenity": "drinking_water"}, "amenity=drinking_water"),
    ({"q": "驿站"}, "q=驿站"),
    ({"bbox": [102.69, 25.03, 102.72, 25.06]}, "bbox=102.69,25.03,102.72,25.06"),
    ({"bbox": [102.69, 25.03, 0, 102.72, 25.06, 100]}, "bbox=102.69,25.03,102.72,25.06"),
    ({"bbox": [102.7, 24.9, 102.9, 25.03], "kind": "service_centre"},
     "bbox=102.7,24.9,102.9,25.03&kind=service_centre"),
    ({"datetime_": "2026-11-21T23:00:00+08:00"}, "open_at=2026-11-21T23:00:00%2B08:00"),  # a Saturday night
    ({"datetime_": "2026-11-19T10:00:00Z/.."}, "open_at=2026-11-19T10:00:00Z"),  # interval: its start
])
def test_filters_agree_with_the_json_api(ogc: Features, ogc_server: LiveServer, ogc_params: dict,
                                         api_query: str) -> None:
    features, pages = all_pages(ogc, "centres", limit=5, **ogc_params)
    expected = api_ids(ogc_server, api_query)
    assert [f["id"] for f in features] == expected
    assert 0 < len(expected) < 23  # the filter splits the fixture catalogue
    assert pages[0]["numberMatched"] == len(expected)


def test_a_datetime_interval_open_at_the_start_filters_nothing(ogc: Features) -> None:
    # QGIS writes open bounds as far years.
    page = ogc.collection_items("centres", datetime_="0000-01-01T00:00:00Z/9999-12-31T00:00:00Z", limit=100)
    assert page["numberMatched"] == 23


def test_limit_beyond_the_maximum_is_read_as_the_maximum(ogc: Features) -> None:
    page = ogc.collection_items("centres", limit=5000)
    assert page["numberReturned"] == 23 and next_href(page) is None
    api = ogc.api()
    assert api["components"]["parameters"]["limit"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 1000,
                                                                  "default": 100}


@pytest.mark.parametrize(("query", "field"), [
    ("kind=shop", "kind"),
    ("kinds=rider_station", "kinds"),  # a misspelt filter must not return everything
    ("district=530102", "district"),   # the JSON API's name; the property here is district_adcode
    ("district_adcode=999999", "district_adcode"),
    ("district_adcode=53", "district_adcode"),
    ("limit=0", "limit"),
    ("limit=abc", "limit"),
    ("offset=-1", "offset"),
    ("bbox=1,2,3", "bbox"),
    ("bbox=103,25,102,26", "bbox"),
    ("bbox-crs=http://www.opengis.net/def/crs/EPSG/0/4326", "bbox-crs"),
    ("datetime=yesterday", "datetime"),
    ("datetime=2150-01-01T00:00:00Z", "datetime"),
    ("f=html", "f"),
])
def test_invalid_parameters_are_400_with_the_one_error_body(ogc_server: LiveServer, query: str, field: str) -> None:
    response = httpx.get(ogc_server.url(f"/ogc/collections/centres/items?{query}"))
    assert response.status_code == 400, response.text
    assert response.json()["field"] == field
    assert set(response.json()) >= {"error", "field", "message"}


def test_the_same_error_in_the_json_api_is_its_422(ogc_server: LiveServer) -> None:
    ogc_error = httpx.get(ogc_server.url("/ogc/collections/centres/items?district_adcode=999999")).json()
    api_error = httpx.get(ogc_server.url("/api/centres?district=999999"))
    assert api_error.status_code == 422 and api_error.json()["message"] == ogc_error["message"]
    assert (api_error.json()["field"], ogc_error["field"]) == ("district", "district_adcode")  # what each was sent


def test_unknown_things_are_404(ogc: Features, ogc_server: LiveServer) -> None:
    for path in ("/ogc/collections/nothing", "/ogc/collections/nothing/items", "/ogc/collections/centres/items/none",
                 "/ogc/collections/districts/items/999999", "/ogc/collections/coverage-walk-15-cells/items/x"):
        response = httpx.get(ogc_server.url(path))
        assert response.status_code == 404, (path, response.text)
        assert response.json()["error"] == "not_found"
    with pytest.raises(RuntimeError):
        ogc.collection_item("centres", "test-ogc-99")


def test_metadata_pages_ignore_parameters_they_do_not_take(ogc_server: LiveServer) -> None:
    for path in ("/ogc?token=1", "/ogc/?f=json", "/ogc/collections?kind=x", "/ogc/conformance?a=b"):
        assert httpx.get(ogc_server.url(path)).status_code == 200, path


def test_districts_are_valid_multipolygons_with_the_catalogue_counts(ogc: Features, ogc_server: LiveServer) -> None:
    features, _ = all_pages(ogc, "districts", limit=5)
    counts = {d["adcode"]: d for d in httpx.get(ogc_server.url("/api/districts")).json()}
    assert [f["id"] for f in features] == sorted(counts) and len(features) == 14
    for feature in features:
        outline = shape(feature["geometry"])
        assert feature["geometry"]["type"] == "MultiPolygon" and outline.is_valid and outline.area > 0
        assert feature["properties"] == counts[feature["id"]]
    wuhua = ogc.collection_items("districts", bbox=[102.703, 25.047, 102.704, 25.048])
    assert "530102" in [f["id"] for f in wuhua["features"]] and wuhua["numberMatched"] < 14
    assert ogc.collection_item("districts", "530114")["properties"]["name_zh"] == "呈贡区"


def test_the_api_document_is_openapi_30_with_queryables_qgis_can_read(ogc: Features) -> None:
    document = ogc.api()
    assert document["openapi"].startswith("3.0") and document["servers"] == [{"url": "/ogc"}]
    items = document["paths"]["/collections/centres/items"]["get"]
    queryables = {p["name"]: p for p in items["parameters"] if "name" in p}
    for name in ("kind", "level", "status", "district_adcode", "amenity", "q"):
        assert queryables[name]["style"] == "form" and queryables[name]["explode"] is False
        assert queryables[name]["schema"]["type"] == "string"
    assert {"$ref": "#/components/parameters/limit"} in items["parameters"]
    assert "application/geo+json" in items["responses"]["200"]["content"]
    text = str(document)
    assert "'const'" not in text and "prefixItems" not in text and "{'type': 'null'}" not in text


def test_the_ogc_face_shares_the_api_rate_limit(db: Session, database_url: str, tmp_path: Path) -> None:
    settings = Settings(database_url=database_url, network_dir=tmp_path, rate_limit_per_minute=5)
    with TestClient(create_app(settings)) as client:
        statuses = [client.get("/ogc/collections/centres/items").status_code for _ in range(4)]
        statuses += [client.get("/api/districts").status_code for _ in range(2)]
        assert statuses == [200] * 5 + [429]
        limited = client.get("/ogc/collections")
        assert limited.status_code == 429 and limited.json()["error"] == "too_many_requests"
        assert client.get("/ogc").status_code == 200  # the landing page is not counted
