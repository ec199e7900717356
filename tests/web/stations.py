"""Fixture stations for the browser tests: test data, named as such, never catalogue records.

The rider stands at 翠湖 (conftest.RIDER_LON/LAT). North of the rider, in order of distance:
an open station without phone charging, a temporarily closed one with it, an open one with it.
Farther away: an open service centre in 呈贡区 and an open rider station in 官渡区.
"""
from typing import Any

from sqlalchemy.orm import Session

from tests.builders import CHENGGONG_UNIVERSITY_TOWN, CUIHU_WUHUA, KUNMING_STATION_GUANDU, add_centres, centre_record

METRES_PER_DEGREE_LAT = 111_000
CHENGGONG_ADCODE = "530114"


def north_of_rider(metres: float) -> tuple[float, float]:
    lon, lat = CUIHU_WUHUA
    return lon, round(lat + metres / METRES_PER_DEGREE_LAT, 6)


def station(station_id: str, name: str, *, at: tuple[float, float], **overrides: Any) -> dict[str, Any]:
    """An always-open fixture rider station (24/7, so tests pass at any hour)."""
    fields = {"kind": "rider_station", "level": "community", "opening_hours": "24/7",
              "amenities": ["drinking_water"], "source": "browser test fixture"}
    return centre_record(id=station_id, name_zh=name, name_en=f"Test {station_id}", at=at, **(fields | overrides))


NEAR_NO_CHARGING = station("webtest-near-water", "测试驿站·近（只有饮水）", at=north_of_rider(200))
CLOSED_WITH_CHARGING = station("webtest-closed-charging", "测试驿站·暂停（有充电）", at=north_of_rider(300),
                               amenities=["phone_charging", "drinking_water"], status="temporarily_closed")
OPEN_WITH_CHARGING = station("webtest-open-charging", "测试驿站·开放（有充电）", at=north_of_rider(600),
                             amenities=["phone_charging", "drinking_water", "toilet"], phone="0871-6000 0000",
                             location_precision="approximate", location_note="测试：街道级大致位置")
CHENGGONG_CENTRE = station("webtest-chenggong-centre", "测试党群服务中心·呈贡", at=CHENGGONG_UNIVERSITY_TOWN,
                           kind="service_centre", level="street", amenities=["phone_charging", "wifi"],
                           location_precision="building")
GUANDU_STATION = station("webtest-guandu-station", "测试驿站·官渡", at=KUNMING_STATION_GUANDU,
                         amenities=["ebike_charging", "phone_charging"], location_precision="exact")

ALL_STATIONS = (NEAR_NO_CHARGING, CLOSED_WITH_CHARGING, OPEN_WITH_CHARGING, CHENGGONG_CENTRE, GUANDU_STATION)


def load_stations(db: Session, *records: dict[str, Any]) -> None:
    add_centres(db, *(records or ALL_STATIONS))
