"""A stand-in for the Amap, Baidu and Tianditu geocoders: a real HTTP server on loopback, in a thread,
answering in each provider's documented format, so the import is tested over HTTP without a key or
the internet. It knows only the places a test gives it, keyed by the directory's address.

The formats follow research/geocoders.md: Amap's and Baidu's from their official documentation
(verbatim examples and error tables), Tianditu's from real answers quoted in client code (its success
body verbatim; HTTP 403 {"code":301001,"msg":"非法key"} for a bad key). Two bodies could not be
verified and are the documented best guess: Baidu v3's no-result (v2-era status 1 "无相关结果") and
Tianditu's no-result (status "101", 结果为空, body otherwise assumed).

Points are converted from WGS84 to the provider's datum with prcoords, an implementation independent
of geo/coords.py, so a test that gets the WGS84 point back checks our conversion against it.
"""
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import prcoords

KEY = "test-geocoder-key"
PATHS = {"amap": "/v3/geocode/geo", "baidu": "/geocoding/v3/", "tianditu": "/geocoder"}


@dataclass(frozen=True)
class Place:
    lon: float  # WGS84
    lat: float
    level: str
    precise: int = 1  # Baidu only
    matches: int = 1  # Amap only: how many geocodes the answer lists


@dataclass
class Asked:
    provider: str
    params: dict[str, str]
    at: float


@dataclass
class GeocoderServer:
    url: str = ""
    places: dict[str, Place] = field(default_factory=dict)
    asked: list[Asked] = field(default_factory=list)
    quota: int | None = None  # answers before the daily quota runs out
    too_fast: int = 0  # the next N requests are over the per-second limit
    lock: threading.Lock = field(default_factory=threading.Lock)

    def endpoint(self, provider: str) -> str:
        return self.url + "/" + provider + PATHS[provider]

    def requests(self, provider: str | None = None) -> list[Asked]:
        return [a for a in self.asked if provider in (None, a.provider)]

    def answer(self, provider: str, params: dict[str, str]) -> tuple[int, Any]:
        with self.lock:
            self.asked.append(Asked(provider, params, time.monotonic()))
            if params.get(KEY_PARAMS[provider]) != KEY:
                return BAD_KEY[provider]
            if self.too_fast > 0:
                self.too_fast -= 1
                return TOO_FAST[provider]
            if self.quota is not None:
                if self.quota <= 0:
                    return QUOTA[provider]
                self.quota -= 1
        place = self._lookup(_query_text(provider, params))
        return FOUND[provider](place) if place else NOTHING[provider]

    def _lookup(self, text: str) -> Place | None:
        return next((place for address, place in self.places.items() if text.endswith(address)), None)


def _query_text(provider: str, params: dict[str, str]) -> str:
    if provider == "tianditu":
        return json.loads(params["ds"])["keyWord"]
    return params["address"]


# --- answers in each provider's format ----------------------------------------------------------------------

def _gcj(place: Place) -> tuple[float, float]:
    out = prcoords.wgs_gcj(prcoords.Coords(place.lat, place.lon))
    return out.lon, out.lat


def _bd(place: Place) -> tuple[float, float]:
    out = prcoords.wgs_bd(prcoords.Coords(place.lat, place.lon))
    return out.lon, out.lat


def amap_found(place: Place) -> tuple[int, Any]:
    lon, lat = _gcj(place)
    geocode = {"formatted_address": "云南省昆明市", "country": "中国", "province": "云南省", "citycode": "0871",
               "city": "昆明市", "district": [], "township": [], "neighborhood": {"name": [], "type": []},
               "building": {"name": [], "type": []}, "adcode": "530100", "street": [], "number": [],
               "location": f"{lon:.6f},{lat:.6f}", "level": place.level}
    return 200, {"status": "1", "info": "OK", "infocode": "10000", "count": str(place.matches),
                 "geocodes": [geocode] * place.matches}


def baidu_found(place: Place) -> tuple[int, Any]:
    lon, lat = _bd(place)
    return 200, {"status": 0, "result": {"location": {"lng": lon, "lat": lat}, "precise": place.precise,
                                         "confidence": 80 if place.precise else 40, "comprehension": 100,
                                         "level": place.level}}


def tianditu_found(place: Place) -> tuple[int, Any]:
    return 200, {"msg": "ok", "location": {"score": 95, "level": place.level, "lon": round(place.lon, 6),
                                           "lat": round(place.lat, 6), "keyWord": "昆明市"},
                 "searchVersion": "6.0.0", "status": "0"}


def _amap_error(code: str, info: str) -> tuple[int, Any]:
    return 200, {"status": "0", "info": info, "infocode": code}


FOUND = {"amap": amap_found, "baidu": baidu_found, "tianditu": tianditu_found}
NOTHING = {
    "amap": (200, {"status": "1", "info": "OK", "infocode": "10000", "count": "0", "geocodes": []}),
    "baidu": (200, {"status": 1, "msg": "Internal Service Error:无相关结果", "results": []}),
    "tianditu": (200, {"msg": "结果为空", "status": "101", "searchVersion": "6.0.0"}),
}
BAD_KEY = {
    "amap": _amap_error("10001", "INVALID_USER_KEY"),
    "baidu": (200, {"status": 200, "message": "APP不存在，AK有误请检查再重试"}),
    "tianditu": (403, {"code": 301001, "msg": "非法key", "resolve": "请到API控制台重新申请Key"}),
}
QUOTA = {
    "amap": _amap_error("10003", "DAILY_QUERY_OVER_LIMIT"),
    "baidu": (200, {"status": 302, "message": "天配额超限，限制访问"}),
}  # Tianditu's quota answer is not documented anywhere we could read, so it is not imitated
TOO_FAST = {
    "amap": _amap_error("10021", "CUQPS_HAS_EXCEEDED_THE_LIMIT"),
    "baidu": (200, {"status": 401, "message": "当前并发量已经超过约定并发配额，限制访问"}),
    "tianditu": (429, {"msg": "Too Many Requests"}),
}
KEY_PARAMS = {"amap": "key", "baidu": "ak", "tianditu": "tk"}


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        parts = urlsplit(self.path)
        provider = next((p for p, path in PATHS.items() if parts.path == "/" + p + path), None)
        if provider is None:
            self.send_error(404)
            return
        params = {k: v[0] for k, v in parse_qs(parts.query).items()}
        status, body = self.server.geocoders.answer(provider, params)
        payload = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:  # quiet
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    geocoders: GeocoderServer


@contextmanager
def running_geocoders() -> Iterator[GeocoderServer]:
    server = _Server(("127.0.0.1", 0), _Handler)
    server.geocoders = GeocoderServer(url=f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, name="geocoder-stand-in", daemon=True)
    thread.start()
    try:
        yield server.geocoders
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
