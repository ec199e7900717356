"""Open on arrival, with real travel times (Valhalla on the Helsinki test network, not Kunming) and the
official Chinese calendar (chinese-calendar: 2026 holidays and 调休 working days).

Each case departs shortly before a boundary (opening time, midnight before a holiday) and walks a few
minutes, so whether the station counts as open depends on the time of arrival, not of departure."""
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from geo.hours import day_kind
from tests.api.test_routing_api import CENTRAL, EAST, WEST, helsinki_centre
from tests.builders import add_centres

NEAREST = f"/api/centres/nearest?lon={CENTRAL[0]}&lat={CENTRAL[1]}&mode=walk"
WEEKDAYS_ONLY = "Mo-Fr 09:00-17:00; PH off"


def offered(client: TestClient, departure: str) -> dict[str, dict]:
    """The stations offered to a rider leaving at `departure` (open_at: only those open on arrival)."""
    response = client.get(f"{NEAREST}&open_at={departure}")
    assert response.status_code == 200, response.text
    return {f["id"]: f["properties"] for f in response.json()["features"]}


def arrival(client: TestClient, centre_id: str, departure: str) -> datetime:
    """When the rider gets to the centre, from the routed travel time."""
    features = client.get(NEAREST).json()["features"]
    seconds = next(f["properties"]["travel_seconds"] for f in features if f["id"] == centre_id)
    return datetime.fromisoformat(departure) + timedelta(seconds=seconds)


def test_station_opening_before_arrival_is_offered(routed_client: TestClient, db: Session) -> None:
    add_centres(db, helsinki_centre("test-hel-opens-at-ten", EAST, opening_hours="Mo-Su 10:00-18:00"),
                in_kunming=False)
    departure = "2026-03-12T09:59:40"  # a Thursday; closed when the rider sets off
    assert arrival(routed_client, "test-hel-opens-at-ten", departure) > datetime(2026, 3, 12, 10, 0)
    station = offered(routed_client, departure)["test-hel-opens-at-ten"]
    assert station["open_now"] is False and station["open_on_arrival"] is True


def test_arriving_on_a_public_holiday_with_ph_off_is_not_offered(routed_client: TestClient, db: Session) -> None:
    add_centres(db, helsinki_centre("test-hel-ph-off", EAST, opening_hours="Mo-Su 00:00-24:00; PH off"),
                helsinki_centre("test-hel-every-day", WEST, opening_hours="Mo-Su 00:00-24:00"), in_kunming=False)
    departure = "2026-09-30T23:59:40"  # a working Wednesday; 国庆节 starts at midnight
    reached = arrival(routed_client, "test-hel-ph-off", departure)
    assert day_kind(reached.date()) == "holiday" and day_kind(datetime.fromisoformat(departure).date()) == "workday"
    assert set(offered(routed_client, departure)) == {"test-hel-every-day"}
    # An hour earlier the rider arrives before the holiday: both are offered.
    assert set(offered(routed_client, "2026-09-30T22:59:40")) == {"test-hel-ph-off", "test-hel-every-day"}


def test_arriving_on_a_makeup_working_saturday_is_offered(routed_client: TestClient, db: Session) -> None:
    add_centres(db, helsinki_centre("test-hel-weekdays", EAST, opening_hours=WEEKDAYS_ONLY), in_kunming=False)
    makeup_saturday = "2026-02-14T08:59:40"  # 调休: a working Saturday before 春节
    assert day_kind(datetime.fromisoformat(makeup_saturday).date()) == "makeup_workday"
    assert arrival(routed_client, "test-hel-weekdays", makeup_saturday) > datetime(2026, 2, 14, 9, 0)
    station = offered(routed_client, makeup_saturday)["test-hel-weekdays"]
    assert station["open_now"] is False and station["open_on_arrival"] is True
    assert offered(routed_client, "2026-03-07T08:59:40") == {}  # an ordinary Saturday


def test_unknown_hours_are_never_confirmed_open(routed_client: TestClient, db: Session) -> None:
    add_centres(db, helsinki_centre("test-hel-hours-unknown", EAST, opening_hours=None),
                helsinki_centre("test-hel-always", WEST, opening_hours="24/7"), in_kunming=False)
    listed = {f["id"]: f["properties"] for f in routed_client.get(NEAREST).json()["features"]}
    unknown = listed["test-hel-hours-unknown"]
    assert unknown["travel_seconds"] > 0 and unknown["open_now"] is None and unknown["open_on_arrival"] is None
    assert listed["test-hel-always"]["open_on_arrival"] is True
    for departure in ("2026-03-12T10:00:00", "2026-03-14T23:30:00", "2026-10-01T12:00:00"):
        assert set(offered(routed_client, departure)) == {"test-hel-always"}
    open_now = routed_client.get(f"{NEAREST}&open_now=true").json()["features"]
    assert [f["id"] for f in open_now] == ["test-hel-always"]


@pytest.mark.parametrize("fields", ["all", "card"])
def test_open_on_arrival_is_in_both_representations(routed_client: TestClient, db: Session, fields: str) -> None:
    add_centres(db, helsinki_centre("test-hel-weekdays", EAST, opening_hours=WEEKDAYS_ONLY), in_kunming=False)
    response = routed_client.get(f"{NEAREST}&open_at=2026-02-14T08:59:40&fields={fields}")
    (station,) = response.json()["features"]
    assert response.json()["fields"] == fields and station["properties"]["open_on_arrival"] is True
