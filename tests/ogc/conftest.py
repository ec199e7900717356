"""OGC API – Features tests: the real app under uvicorn (OWSLib speaks HTTP through requests), on a
catalogue of fixture centres spread over three real Kunming districts."""
from collections.abc import Iterator
from itertools import cycle
from pathlib import Path

import pytest
from owslib.ogcapi.features import Features
from sqlalchemy.orm import Session

from tests.builders import CHENGGONG_UNIVERSITY_TOWN, CUIHU_WUHUA, KUNMING_STATION_GUANDU, add_centres, centre_record
from tests.web.server import LiveServer, unthrottled_server

FIXTURE_CENTRES = 23  # not a multiple of the page sizes the tests use, so the last page is partial
AMENITY_SETS = (["drinking_water", "toilet"], ["phone_charging"], ["drinking_water", "phone_charging", "wifi"], [])
HOURS = ("24/7", "Mo-Fr 09:00-17:00; PH off", None)


def fixture_centres() -> list[dict]:
    """Test centres a few hundred metres around three real points (翠湖, 昆明站, 呈贡大学城), with
    kinds, levels, amenities, hours and statuses varied so that every filter splits them."""
    anchors, amenities, hours = cycle([CUIHU_WUHUA, KUNMING_STATION_GUANDU, CHENGGONG_UNIVERSITY_TOWN]), \
        cycle(AMENITY_SETS), cycle(HOURS)
    records = []
    for n in range(FIXTURE_CENTRES):
        lon, lat = next(anchors)
        station = n % 4 == 1
        level = None if station else ("community", "street")[n % 2]
        records.append(centre_record(
            id=f"test-ogc-{n:02d}", name_zh=f"测试{'驿站' if station else '中心'}{n}", address=f"测试路{n}号",
            kind="rider_station" if station else "service_centre", level=level,
            at=(lon + (n % 5 - 2) * 0.001, lat + (n % 4 - 1.5) * 0.001), amenities=next(amenities),
            opening_hours=next(hours), status="temporarily_closed" if n % 7 == 6 else "open"))
    return records


@pytest.fixture
def ogc_catalogue(db: Session) -> list[dict]:
    records = fixture_centres()
    add_centres(db, *records)
    return records


@pytest.fixture
def ogc_server(ogc_catalogue: list[dict], database_url: str, tmp_path: Path) -> Iterator[LiveServer]:
    with unthrottled_server(database_url, tmp_path / "network") as server:
        yield server


@pytest.fixture
def ogc(ogc_server: LiveServer) -> Features:
    """OWSLib's OGC API – Features client on the service's landing page."""
    return Features(ogc_server.url("/ogc"))
