"""Chinese coordinate systems: WGS84, GCJ-02 and BD-09.

- WGS84 (EPSG:4326) is what OSM, GPS and Leaflet's OSM tiles use, and what the database stores.
- GCJ-02 is the state-mandated obfuscation used by Amap, Tencent and most Chinese web maps and
  coordinate pickers. In Kunming it sits about 145 m east and 330 m south of WGS84.
- BD-09 is Baidu's further offset applied on top of GCJ-02.

All functions take and return (lon, lat) in degrees, in that order (GeoJSON order).

Outside China GCJ-02 equals WGS84: the providers only shift points inside a rough bounding box
(lon 72.004–137.8347, lat 0.8293–55.8271), the same test used by eviltransform and prcoords. The
box is coarse on purpose (it includes parts of neighbouring countries); matching it is what makes
our output agree with the providers'. BD-09 has no such box: Baidu applies its offset everywhere.

The inverse transforms (GCJ-02 → WGS84, BD-09 → GCJ-02) have no closed form, so they are solved by
fixed-point iteration until the forward transform reproduces the input to within 1e-9 degrees
(about 0.1 mm), not by the common one-step approximation, which is off by up to a few metres.
"""
import math
from collections.abc import Callable
from enum import StrEnum
from numbers import Real

# Krasovsky 1940 ellipsoid, which the GCJ-02 algorithm uses for its metre-to-degree step.
_KRASOVSKY_A = 6378245.0
_KRASOVSKY_EE = 0.00669342162296594323
# Baidu's fixed offsets and the frequency of its wobble terms.
_BD_DLON = 0.0065
_BD_DLAT = 0.006
_BD_X_PI = math.pi * 3000.0 / 180.0

_INVERSE_TOLERANCE_DEG = 1e-9
_INVERSE_MAX_ITERATIONS = 30

LonLat = tuple[float, float]


class InvalidCoordinate(ValueError):
    """A longitude or latitude that is not a finite number in range; `field` names which."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class CoordinateSystem(StrEnum):
    wgs84 = "wgs84"
    gcj02 = "gcj02"
    bd09 = "bd09"


def _check_number(field: str, value: object, *, limit: float) -> float:
    # bool is an int subclass; True as a longitude is always a caller bug.
    if isinstance(value, bool) or not isinstance(value, Real):
        raise InvalidCoordinate(field, f"must be a number, got {type(value).__name__}")
    number = float(value)
    if not math.isfinite(number):
        raise InvalidCoordinate(field, f"must be finite, got {number}")
    if not -limit <= number <= limit:
        raise InvalidCoordinate(field, f"must be between {-limit:g} and {limit:g}, got {number}")
    return number


def check_lon_lat(lon: object, lat: object) -> LonLat:
    """Return (lon, lat) as floats, or raise InvalidCoordinate naming "lon" or "lat"."""
    return _check_number("lon", lon, limit=180.0), _check_number("lat", lat, limit=90.0)


Bbox = tuple[float, float, float, float]


def parse_bbox(text: str, *, field: str = "bbox") -> Bbox:
    """"west,south,east,north" in degrees → a checked tuple, or InvalidCoordinate naming `field`."""
    try:
        west, south, east, north = (float(part) for part in text.split(","))
    except ValueError:
        raise InvalidCoordinate(field, "must be four numbers: west,south,east,north") from None
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        raise InvalidCoordinate(field, "values must be finite numbers")
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise InvalidCoordinate(field, "must satisfy -180 <= west < east <= 180 and -90 <= south < north <= 90")
    return west, south, east, north


def outside_china(lon: float, lat: float) -> bool:
    """True where GCJ-02 applies no shift (the providers' coarse bounding box)."""
    return not (72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _shift_metres(x: float, y: float) -> LonLat:
    # The published GCJ-02 distortion polynomials, in metres, of (lon - 105, lat - 35).
    wobble_common = (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    d_lat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    d_lat += wobble_common
    d_lat += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    d_lat += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y / 30.0 * math.pi)) * 2.0 / 3.0
    d_lon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    d_lon += wobble_common
    d_lon += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    d_lon += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return d_lon, d_lat


def _gcj_shift(lon: float, lat: float) -> LonLat:
    """WGS84 → GCJ-02 without the China box, so the inverse iteration stays smooth."""
    d_lon_m, d_lat_m = _shift_metres(lon - 105.0, lat - 35.0)
    rad_lat = math.radians(lat)
    magic = 1.0 - _KRASOVSKY_EE * math.sin(rad_lat) ** 2
    # Length of one degree of latitude / longitude on the Krasovsky ellipsoid, in metres.
    lat_degree_m = math.radians(_KRASOVSKY_A * (1.0 - _KRASOVSKY_EE) / (magic * math.sqrt(magic)))
    lon_degree_m = math.radians(_KRASOVSKY_A / math.sqrt(magic) * math.cos(rad_lat))
    return lon + d_lon_m / lon_degree_m, lat + d_lat_m / lat_degree_m


def _gcj_to_bd(lon: float, lat: float) -> LonLat:
    radius = math.hypot(lon, lat) + 0.00002 * math.sin(lat * _BD_X_PI)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * _BD_X_PI)
    return radius * math.cos(theta) + _BD_DLON, radius * math.sin(theta) + _BD_DLAT


def _invert(forward: Callable[[float, float], LonLat], lon: float, lat: float) -> LonLat:
    """Solve forward(x) == (lon, lat) by fixed-point iteration.

    Both shifts change by well under 1 % of a step per step taken, so each round cuts the error
    by ~100x and 3–4 rounds reach the tolerance; the cap only guards against a pathological input.
    """
    guess_lon, guess_lat = lon, lat
    for _ in range(_INVERSE_MAX_ITERATIONS):
        out_lon, out_lat = forward(guess_lon, guess_lat)
        err_lon, err_lat = out_lon - lon, out_lat - lat
        if abs(err_lon) < _INVERSE_TOLERANCE_DEG and abs(err_lat) < _INVERSE_TOLERANCE_DEG:
            break
        guess_lon, guess_lat = guess_lon - err_lon, guess_lat - err_lat
    return guess_lon, guess_lat


def wgs84_to_gcj02(lon: float, lat: float) -> LonLat:
    lon, lat = check_lon_lat(lon, lat)
    if outside_china(lon, lat):
        return lon, lat
    return _gcj_shift(lon, lat)


def gcj02_to_wgs84(lon: float, lat: float) -> LonLat:
    """Exact inverse of wgs84_to_gcj02 (to 1e-9°) inside China; identity outside."""
    lon, lat = check_lon_lat(lon, lat)
    if outside_china(lon, lat):
        return lon, lat
    return _invert(_gcj_shift, lon, lat)


def gcj02_to_bd09(lon: float, lat: float) -> LonLat:
    lon, lat = check_lon_lat(lon, lat)
    return _gcj_to_bd(lon, lat)


def bd09_to_gcj02(lon: float, lat: float) -> LonLat:
    """Exact inverse of gcj02_to_bd09 (to 1e-9°), refining Baidu's usual closed-form estimate."""
    lon, lat = check_lon_lat(lon, lat)
    return _invert(_gcj_to_bd, lon, lat)


def wgs84_to_bd09(lon: float, lat: float) -> LonLat:
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon: float, lat: float) -> LonLat:
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


def _identity(lon: float, lat: float) -> LonLat:
    return check_lon_lat(lon, lat)


_TO_WGS84: dict[CoordinateSystem, Callable[[float, float], LonLat]] = {
    CoordinateSystem.wgs84: _identity,
    CoordinateSystem.gcj02: gcj02_to_wgs84,
    CoordinateSystem.bd09: bd09_to_wgs84,
}
_FROM_WGS84: dict[CoordinateSystem, Callable[[float, float], LonLat]] = {
    CoordinateSystem.wgs84: _identity,
    CoordinateSystem.gcj02: wgs84_to_gcj02,
    CoordinateSystem.bd09: wgs84_to_bd09,
}


def _coordinate_system(crs: CoordinateSystem | str) -> CoordinateSystem:
    try:
        return CoordinateSystem(crs)
    except ValueError:
        known = ", ".join(member.value for member in CoordinateSystem)
        raise InvalidCoordinate("crs", f"unknown coordinate system {crs!r}; use one of {known}") from None


def to_wgs84(lon: float, lat: float, crs: CoordinateSystem | str) -> LonLat:
    """Convert a point given in `crs` to WGS84."""
    return _TO_WGS84[_coordinate_system(crs)](lon, lat)


def from_wgs84(lon: float, lat: float, crs: CoordinateSystem | str) -> LonLat:
    """Convert a WGS84 point to `crs`."""
    return _FROM_WGS84[_coordinate_system(crs)](lon, lat)
