"""The week profile on the Helsinki extract (not Kunming), with centres whose hours follow three
patterns: office hours closed on public holidays, round the clock, and evenings past midnight."""
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.coverage.profile import next_holiday, typical_week
from app.coverage.schemas import WeekProfile
from tests.api.test_routing_api import EAST, SOUTH, WEST, helsinki_centre
from tests.builders import add_centres
from tests.coverage.conftest import TEST_ADCODE

QUERY = f"mode=walk&minutes=3&district={TEST_ADCODE}"


def test_a_typical_week_has_no_holiday_and_no_make_up_day() -> None:
    assert typical_week(date(2025, 10, 14)) == date(2025, 10, 13)  # a plain week: its own Monday
    # 2026-09-28: National Day runs 10-01..10-07 and 10-10 (Saturday) is worked, so two weeks later.
    assert typical_week(date(2026, 9, 28)) == date(2026, 10, 12)


def test_the_next_holiday_comes_with_its_make_up_days() -> None:
    national_day = next_holiday(date(2026, 9, 28))
    assert national_day["name_zh"] == "国庆节" and national_day["name_en"] == "National Day"
    assert (national_day["start"], national_day["end"]) == (date(2026, 10, 1), date(2026, 10, 7))
    assert national_day["makeup_workdays"] == [date(2026, 9, 20), date(2026, 10, 10)]
    mid_autumn = next_holiday(date(2026, 9, 10))
    assert mid_autumn["start"] == date(2026, 9, 25) and mid_autumn["makeup_workdays"] == []


@pytest.fixture
def three_patterns(db: Session) -> None:
    add_centres(db, helsinki_centre("test-pro-office", EAST, opening_hours="Mo-Fr 09:00-17:30; PH off"),
                helsinki_centre("test-pro-always", WEST, opening_hours="24/7"),
                helsinki_centre("test-pro-evening", SOUTH, opening_hours="Mo-Su 17:00-02:00"), in_kunming=False)


@pytest.mark.usefixtures("three_patterns")
def test_week_profile_follows_opening_hours_holidays_and_make_up_days(helsinki_client: TestClient) -> None:
    response = helsinki_client.get(f"/api/coverage/profile?{QUERY}&at=2026-09-28T12:00")
    assert response.status_code == 200, response.text
    profile = WeekProfile.model_validate(response.json())
    hours = profile.hours
    assert profile.week.start == date(2026, 10, 12) and "no public holiday" in profile.week.definition
    assert [h.hour for h in hours] == list(range(168))
    assert hours[0].at.isoformat() == "2026-10-12T00:00:00+08:00" and hours[167].at.hour == 23
    monday = {h: hours[h] for h in (3, 10, 18)}
    assert [monday[h].centres for h in (3, 10, 18)] == [1, 2, 2]  # night: only the 24/7 one
    assert hours[5 * 24 + 10].centres == 1  # Saturday morning: no office, no evening
    assert hours[17].centres == 3  # 17:00: office (till 17:30) and evening (from 17:00) both open
    assert monday[3].covered_pct < monday[10].covered_pct and monday[3].covered_pct < monday[18].covered_pct
    # Hours with the same open centres share one stored layer.
    assert hours[5 * 24 + 10].layer_id == monday[3].layer_id and hours[24 + 10].layer_id == monday[10].layer_id
    assert profile.layers.distinct == 4 and len({h.layer_id for h in hours}) == 4
    # National Day: the office is closed (PH off); on the make-up Saturday it works like a weekday.
    holiday = profile.holiday
    assert holiday.name_zh == "国庆节" and holiday.start == date(2026, 10, 1) and holiday.makeup_day == date(2026, 10, 10)
    assert holiday.hours[10].centres == 1 and holiday.hours[10].layer_id == monday[3].layer_id
    assert holiday.makeup_hours[10].layer_id == monday[10].layer_id
    # Each hour is what the coverage endpoint says for that moment.
    for hour in (3, 10, 18):
        at = hours[hour].at.replace(tzinfo=None).isoformat()
        totals = helsinki_client.get(f"/api/coverage?{QUERY}&at={at}").json()["totals"]
        assert hours[hour].covered_pct == pytest.approx(totals["covered_pct"], abs=1e-3)
        assert hours[hour].demand_covered_pct == pytest.approx(totals["demand_covered_pct"], abs=1e-3)


@pytest.mark.usefixtures("three_patterns")
def test_without_a_known_holiday_the_profile_says_why(helsinki_client: TestClient) -> None:
    profile = helsinki_client.get(f"/api/coverage/profile?{QUERY}&at=2026-12-14T12:00").json()
    assert profile["holiday"] is None and "chinese-calendar" in profile["holiday_note"]
    assert len(profile["hours"]) == 168 and profile["layers"]["distinct"] == 4
