"""Reading the answers of Chinese web geocoders: Amap (高德), Baidu (百度) and Tianditu (天地图).

Plain data in (the HTTP status and the decoded JSON body), plain data out: a `Match` in WGS84 with
the provider's own match level and the `location_precision` it justifies, `None` for "no result",
or `ProviderError` saying whose fault a failure is. The formats and codes follow the providers'
documentation as summarised in research/geocoders.md (lbs.amap.com, lbsyun.baidu.com, and real
Tianditu responses quoted in client code); what that research could not verify is marked below.

Datums: Amap answers in GCJ-02, Baidu in BD-09 (we do not ask for `ret_coordtype`), Tianditu in
CGCS2000, which agrees with WGS84 to well under a metre, so it is taken as WGS84.

Match levels (DOMAIN.md, issue 11): a door number, a POI or a building places a centre at
`building` precision; a small area or a point on the road network (an intersection, an alley, a
township or village, a business district) only `approximate`; a whole road, a district or anything
coarser is not a centre's location at all (precision None): such rows are reported, not imported.
"""
import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from geo.amenities import LocationPrecision
from geo.coords import CoordinateSystem, InvalidCoordinate, to_wgs84

BUILDING = LocationPrecision.building
APPROXIMATE = LocationPrecision.approximate


class Provider(StrEnum):
    amap = "amap"
    baidu = "baidu"
    tianditu = "tianditu"


DATUMS: dict[Provider, CoordinateSystem] = {
    Provider.amap: CoordinateSystem.gcj02,
    Provider.baidu: CoordinateSystem.bd09,
    Provider.tianditu: CoordinateSystem.wgs84,  # CGCS2000
}


class Failure(StrEnum):
    bad_key = "bad_key"  # the key is wrong, revoked, or not allowed this service or address: stop
    quota = "quota"  # the daily (or permanent) quota is used up: stop, resume another day
    too_fast = "too_fast"  # over the per-second or per-minute limit: pause and retry
    refused = "refused"  # the provider refused this one address (a bad parameter): report the row
    unavailable = "unavailable"  # the provider failed or answered nonsense: retry a little, then stop


class ProviderError(Exception):
    def __init__(self, failure: Failure, message: str) -> None:
        super().__init__(message)
        self.failure = failure
        self.message = message


@dataclass(frozen=True)
class Match:
    lon: float  # WGS84
    lat: float
    level: str  # the provider's own match level, verbatim
    precision: LocationPrecision | None  # None: matched too coarsely to be a location
    detail: str = ""  # what else the provider said about the match (confidence, score, ambiguity)


# --- Amap: https://restapi.amap.com/v3/geocode/geo ----------------------------------------------------------
# Level names from Amap's official list (2023-12-07). 公交地铁站点 means the address resolved to a stop,
# not to the building, so it is approximate; 未知 is "a POI whose level is not confirmed".
AMAP_LEVELS: dict[str, LocationPrecision | None] = {
    **dict.fromkeys(("门牌号", "单元号", "门址", "兴趣点", "住宅区", "楼层", "房间"), BUILDING),
    **dict.fromkeys(("公交地铁站点", "道路交叉路口", "小巷", "乡镇", "村庄", "开发区", "热点商圈", "未知"), APPROXIMATE),
    **dict.fromkeys(("国家", "省", "市", "区县", "道路"), None),
}
# infocode → failure; every error comes with HTTP 200 and status "0".
AMAP_FAILURES: dict[str, Failure] = {
    **dict.fromkeys(("10001", "10002", "10005", "10006", "10007", "10008", "10009", "10012", "10013"),
                    Failure.bad_key),
    **dict.fromkeys(("10003", "10010", "10044"), Failure.quota),
    **dict.fromkeys(("10004", "10014", "10019", "10020", "10021"), Failure.too_fast),
    **dict.fromkeys(("20000", "20001", "20002", "20011", "20012"), Failure.refused),
}
AMAP_NO_RESULT_CODES = ("30001",)  # ENGINE_RESPONSE_DATA_ERROR: the engine could not resolve the input


def read_amap(http_status: int, body: Any) -> Match | None:
    _require_http_ok(http_status, body)
    if not isinstance(body, dict) or "status" not in body:
        raise ProviderError(Failure.unavailable, f"unexpected Amap answer: {_clip(body)}")
    if str(body["status"]) != "1":
        code, info = str(body.get("infocode", "")), str(body.get("info", ""))
        if code in AMAP_NO_RESULT_CODES:
            return None
        raise ProviderError(AMAP_FAILURES.get(code, Failure.unavailable), f"Amap {code} {info}".strip())
    geocodes = body.get("geocodes") or []
    if not geocodes:
        return None
    first = geocodes[0]
    lon, lat = _numbers(str(first.get("location", "")).split(","), "Amap location")
    level = _text(first.get("level"))
    precision = _level_precision(AMAP_LEVELS, level)
    detail = ""
    if len(geocodes) > 1:  # an ambiguous address: the first match may be the wrong place
        precision = APPROXIMATE if precision else None
        detail = f"first of {len(geocodes)} matches"
    return _match(Provider.amap, lon, lat, level, precision, detail)


# --- Baidu: https://api.map.baidu.com/geocoding/v3/ ---------------------------------------------------------
# Door numbers, estates, office buildings and the everyday POI categories place a building, but only when
# Baidu says the point is precise (precise=1); large POIs (stations, airports, parks, scenic areas) and
# areas are approximate; whole roads and administrative areas are not locations.
BAIDU_BUILDING_LEVELS = ("门址", "地产小区", "商务大厦", "政府机构", "生活服务", "休闲娱乐", "餐饮", "宾馆", "购物", "金融",
                         "教育", "医疗", "汽车服务", "加油站", "停车场")
BAIDU_APPROXIMATE_LEVELS = ("乡镇", "村庄", "商圈", "交叉路口", "桥", "工业园区", "旅游景点", "绿地", "火车站", "长途汽车站",
                            "飞机场", "机场", "港口/码头", "收费站")
BAIDU_LEVELS: dict[str, LocationPrecision | None] = {
    **dict.fromkeys(BAIDU_BUILDING_LEVELS, BUILDING),
    **dict.fromkeys(BAIDU_APPROXIMATE_LEVELS, APPROXIMATE),
    **dict.fromkeys(("UNKNOWN", "国家", "省", "城市", "区县", "道路"), None),
}
# Baidu's service status codes (lbsyun.baidu.com status table). The v3 no-result body is not documented
# verbatim: v2-era clients show status 1 with "无相关结果"; a status 0 without a location is read the same.
BAIDU_FAILURES: dict[int, Failure] = {
    2: Failure.refused, 3: Failure.bad_key, 4: Failure.quota, 5: Failure.bad_key,
    **dict.fromkeys((101, 102, 200, 201, 202, 203, 210, 211, 220, 230, 240, 250, 251, 252, 260, 261), Failure.bad_key),
    301: Failure.quota, 302: Failure.quota, 401: Failure.too_fast, 402: Failure.too_fast,
}
BAIDU_NO_RESULT_TEXT = "无相关结果"


def read_baidu(http_status: int, body: Any) -> Match | None:
    _require_http_ok(http_status, body)
    if not isinstance(body, dict) or "status" not in body:
        raise ProviderError(Failure.unavailable, f"unexpected Baidu answer: {_clip(body)}")
    status, message = _int(body["status"]), _text(body.get("message") or body.get("msg"))
    if status != 0:
        if BAIDU_NO_RESULT_TEXT in message:
            return None
        raise ProviderError(BAIDU_FAILURES.get(status, Failure.unavailable), f"Baidu {status} {message}".strip())
    result = body.get("result")
    location = result.get("location") if isinstance(result, dict) else None
    if not location:
        return None
    lon, lat = _numbers((location.get("lng"), location.get("lat")), "Baidu location")
    level, precise = _text(result.get("level")), _int(result.get("precise", 0))
    precision = _level_precision(BAIDU_LEVELS, level)
    if precision is BUILDING and precise != 1:  # Baidu itself says the point is interpolated
        precision = APPROXIMATE
    detail = f"precise={precise}, confidence={result.get('confidence')}, comprehension={result.get('comprehension')}"
    return _match(Provider.baidu, lon, lat, level, precision, detail)


# --- Tianditu: https://api.tianditu.gov.cn/geocoder?ds={"keyWord": …} -------------------------------------
# Levels seen in real answers: 门址, 兴趣点, 地名地址 (v6), 地产小区, 购物服务 (4.8). Tianditu publishes no
# list; 地名地址 does not say how fine the match is, so it is approximate, and unknown levels are refused.
TIANDITU_LEVELS: dict[str, LocationPrecision | None] = {
    **dict.fromkeys(("门址", "兴趣点", "地产小区", "购物服务"), BUILDING),
    "地名地址": APPROXIMATE,
    **dict.fromkeys(("行政区划", "省", "市", "区县", "道路"), None),
}
# Real non-200 answers: 403 {"code":301001,"msg":"非法key"}; 400 {"code":308011,…} for a malformed key;
# 429 on bursts. Tianditu's quota answer was not found: other 4xx are read as the key's fault.
TIANDITU_NO_RESULT = "101"


def read_tianditu(http_status: int, body: Any) -> Match | None:
    if http_status == 429:
        raise ProviderError(Failure.too_fast, "Tianditu HTTP 429")
    if http_status in (400, 401, 403):
        raise ProviderError(Failure.bad_key, f"Tianditu HTTP {http_status} {_clip(body)}")
    _require_http_ok(http_status, body)
    if not isinstance(body, dict) or "status" not in body:
        raise ProviderError(Failure.unavailable, f"unexpected Tianditu answer: {_clip(body)}")
    status = str(body["status"])
    if status == TIANDITU_NO_RESULT:
        return None
    if status != "0":
        raise ProviderError(Failure.unavailable, f"Tianditu status {status} {_text(body.get('msg'))}".strip())
    location = body.get("location")
    if not isinstance(location, dict):
        return None
    lon, lat = _numbers((location.get("lon"), location.get("lat")), "Tianditu location")
    level = _text(location.get("level"))
    score = location.get("score")
    detail = f"score={score}" if score is not None else ""
    return _match(Provider.tianditu, lon, lat, level, _level_precision(TIANDITU_LEVELS, level), detail)


READERS = {Provider.amap: read_amap, Provider.baidu: read_baidu, Provider.tianditu: read_tianditu}


def read_answer(provider: Provider, http_status: int, body: Any) -> Match | None:
    """The match in a provider's answer, None for "no result", or ProviderError."""
    return READERS[provider](http_status, body)


# --- helpers -----------------------------------------------------------------------------------------------

def _level_precision(levels: dict[str, LocationPrecision | None], level: str) -> LocationPrecision | None:
    return levels.get(level)  # an unknown level is not trusted as a location


def _match(provider: Provider, lon: float, lat: float, level: str, precision: LocationPrecision | None,
           detail: str) -> Match:
    try:
        wgs_lon, wgs_lat = to_wgs84(lon, lat, DATUMS[provider])
    except InvalidCoordinate as exc:
        raise ProviderError(Failure.unavailable, f"{provider} answered an impossible point: {exc}") from None
    return Match(round(wgs_lon, 7), round(wgs_lat, 7), level, precision, detail)


def _require_http_ok(http_status: int, body: Any) -> None:
    if http_status == 429:
        raise ProviderError(Failure.too_fast, f"HTTP 429 {_clip(body)}")
    if http_status != 200:
        raise ProviderError(Failure.unavailable, f"HTTP {http_status} {_clip(body)}")


def _numbers(values: Any, what: str) -> tuple[float, float]:
    try:
        lon, lat = (float(v) for v in values)
    except (TypeError, ValueError):
        raise ProviderError(Failure.unavailable, f"{what} is not a pair of numbers: {values!r}") from None
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise ProviderError(Failure.unavailable, f"{what} is not finite: {values!r}")
    return lon, lat


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""  # Amap sends [] for an empty field


def _clip(body: Any, limit: int = 200) -> str:
    text = str(body)
    return text if len(text) <= limit else text[:limit] + "…"
