"""Reading Amap, Baidu and Tianditu answers: match levels to precision, no result, whose fault a failure is,
and datums back to WGS84 (the answers' points are made with prcoords, independently of geo/coords.py)."""
import pytest

from geo.geocoders import Failure, ProviderError, read_amap, read_answer, read_baidu, read_tianditu
from tests.builders import CUIHU_WUHUA
from tests.geocoder_server import BAD_KEY, FOUND, NOTHING, QUOTA, TOO_FAST, Place, amap_found, baidu_found

SUB_METRE_DEG = 1e-6  # ~0.1 m; the answers carry 6 decimals (Amap) or full floats (Baidu)


@pytest.mark.parametrize("provider", ["amap", "baidu", "tianditu"])
def test_found_point_comes_back_in_wgs84(provider: str) -> None:
    level = {"amap": "门牌号", "baidu": "门址", "tianditu": "门址"}[provider]
    match = read_answer(provider, *FOUND[provider](Place(*CUIHU_WUHUA, level)))
    assert match is not None and match.level == level and match.precision == "building"
    assert (match.lon, match.lat) == pytest.approx(CUIHU_WUHUA, abs=SUB_METRE_DEG)


@pytest.mark.parametrize("provider", ["amap", "baidu", "tianditu"])
def test_no_result_is_none(provider: str) -> None:
    assert read_answer(provider, *NOTHING[provider]) is None


@pytest.mark.parametrize(("provider", "answers", "failure"), [
    *[(p, BAD_KEY, Failure.bad_key) for p in ("amap", "baidu", "tianditu")],
    *[(p, QUOTA, Failure.quota) for p in ("amap", "baidu")],
    *[(p, TOO_FAST, Failure.too_fast) for p in ("amap", "baidu", "tianditu")],
])
def test_failures_say_whose_fault(provider: str, answers: dict, failure: Failure) -> None:
    with pytest.raises(ProviderError) as caught:
        read_answer(provider, *answers[provider])
    assert caught.value.failure is failure


@pytest.mark.parametrize(("level", "precision"), [
    ("门牌号", "building"), ("兴趣点", "building"), ("住宅区", "building"), ("公交地铁站点", "approximate"),
    ("道路交叉路口", "approximate"), ("热点商圈", "approximate"), ("村庄", "approximate"),
    ("道路", None), ("区县", None), ("市", None), ("某个新级别", None),
])
def test_amap_levels(level: str, precision: str | None) -> None:
    match = read_amap(*amap_found(Place(*CUIHU_WUHUA, level)))
    assert match is not None and match.precision == precision


def test_amap_ambiguous_address_is_at_best_approximate() -> None:
    match = read_amap(*amap_found(Place(*CUIHU_WUHUA, "门牌号", matches=3)))
    assert match is not None and match.precision == "approximate" and "first of 3" in match.detail


@pytest.mark.parametrize(("code", "info", "expected"), [
    ("30001", "ENGINE_RESPONSE_DATA_ERROR", None), ("10044", "USER_DAILY_QUERY_OVER_LIMIT", Failure.quota),
    ("10009", "USERKEY_PLAT_NOMATCH", Failure.bad_key), ("10004", "ACCESS_TOO_FREQUENT", Failure.too_fast),
    ("20000", "INVALID_PARAMS", Failure.refused), ("20003", "UNKNOWN_ERROR", Failure.unavailable),
])
def test_amap_info_codes(code: str, info: str, expected: Failure | None) -> None:
    body = {"status": "0", "info": info, "infocode": code}
    if expected is None:
        assert read_amap(200, body) is None
        return
    with pytest.raises(ProviderError) as caught:
        read_amap(200, body)
    assert caught.value.failure is expected and code in caught.value.message


@pytest.mark.parametrize(("level", "precise", "precision"), [
    ("门址", 1, "building"), ("门址", 0, "approximate"), ("商务大厦", 1, "building"), ("火车站", 1, "approximate"),
    ("交叉路口", 1, "approximate"), ("道路", 1, None), ("区县", 1, None), ("UNKNOWN", 0, None),
])
def test_baidu_levels_and_precise(level: str, precise: int, precision: str | None) -> None:
    match = read_baidu(*baidu_found(Place(*CUIHU_WUHUA, level, precise=precise)))
    assert match is not None and match.precision == precision and f"precise={precise}" in match.detail


@pytest.mark.parametrize(("status", "failure"), [(2, Failure.refused), (1, Failure.unavailable),
                                                 (301, Failure.quota), (240, Failure.bad_key)])
def test_baidu_status_codes(status: int, failure: Failure) -> None:
    with pytest.raises(ProviderError) as caught:
        read_baidu(200, {"status": status, "message": "x"})
    assert caught.value.failure is failure


def test_tianditu_older_answers_with_string_coordinates() -> None:
    body = {"msg": "ok", "location": {"level": "地名地址", "lon": "102.7037", "lat": "25.048"}, "status": "0"}
    match = read_tianditu(200, body)
    assert match is not None and (match.lon, match.lat) == (102.7037, 25.048) and match.precision == "approximate"


@pytest.mark.parametrize("provider", ["amap", "baidu", "tianditu"])
@pytest.mark.parametrize(("status", "body"), [(500, "Internal Server Error"), (200, "<html>busy</html>"),
                                              (200, {"unexpected": True})])
def test_garbled_or_failed_answers_are_the_providers_fault(provider: str, status: int, body: object) -> None:
    with pytest.raises(ProviderError) as caught:
        read_answer(provider, status, body)
    assert caught.value.failure is Failure.unavailable


def test_impossible_point_is_refused() -> None:
    body = {"status": "1", "info": "OK", "infocode": "10000", "count": "1",
            "geocodes": [{"location": "302.7,95.0", "level": "门牌号"}]}
    with pytest.raises(ProviderError):
        read_amap(200, body)
