"""WGS84 / GCJ-02 / BD-09 conversions, checked against the independent prcoords package."""
import math
from collections.abc import Callable
from typing import Any

import prcoords
import pytest

from geo.coords import (
    CoordinateSystem,
    InvalidCoordinate,
    bd09_to_gcj02,
    bd09_to_wgs84,
    check_lon_lat,
    from_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    to_wgs84,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)

LonLat = tuple[float, float]
Convert = Callable[[float, float], LonLat]

# Kunming city (all districts and counties), every 0.1°: 17 x 24 points.
KUNMING_GRID: list[LonLat] = [
    (round(102.1 + 0.1 * i, 1), round(24.3 + 0.1 * j, 1)) for i in range(17) for j in range(24)
]
ONE_METRE = 1.0


def haversine_m(a: LonLat, b: LonLat) -> float:
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(h))


def worst_error_m(ours: Convert, reference: Convert) -> float:
    return max(haversine_m(ours(*point), reference(*point)) for point in KUNMING_GRID)


def prc(function: Callable[..., Any]) -> Convert:
    """Adapt a prcoords function: it takes and returns (lat, lon)."""

    def convert(lon: float, lat: float) -> LonLat:
        result = function((lat, lon))
        return result.lon, result.lat

    return convert


def test_grid_covers_kunming() -> None:
    lons = {lon for lon, _ in KUNMING_GRID}
    lats = {lat for _, lat in KUNMING_GRID}
    assert (min(lons), max(lons), min(lats), max(lats)) == (102.1, 103.7, 24.3, 26.6)


@pytest.mark.parametrize(
    ("forward", "inverse"),
    [(wgs84_to_gcj02, gcj02_to_wgs84), (gcj02_to_bd09, bd09_to_gcj02), (wgs84_to_bd09, bd09_to_wgs84)],
    ids=["gcj02", "bd09-from-gcj02", "bd09-from-wgs84"],
)
def test_round_trip_over_kunming_within_1m(forward: Convert, inverse: Convert) -> None:
    def round_trip(lon: float, lat: float) -> LonLat:
        return inverse(*forward(lon, lat))

    assert worst_error_m(round_trip, lambda lon, lat: (lon, lat)) < ONE_METRE


def test_inverse_is_exact_not_one_step() -> None:
    # The iterative inverse reproduces the WGS84 input to < 1e-7 degrees everywhere on the grid.
    worst = max(
        max(abs(a - b) for a, b in zip(gcj02_to_wgs84(*wgs84_to_gcj02(*point)), point, strict=True))
        for point in KUNMING_GRID
    )
    assert worst < 1e-7


@pytest.mark.parametrize(
    ("ours", "reference"),
    [
        (wgs84_to_gcj02, prc(prcoords.wgs_gcj)),
        (gcj02_to_wgs84, prc(prcoords.gcj_wgs_bored)),
        (gcj02_to_bd09, prc(prcoords.gcj_bd)),
        (bd09_to_gcj02, prc(prcoords.bd_gcj_bored)),
        (wgs84_to_bd09, prc(prcoords.wgs_bd)),
        (bd09_to_wgs84, prc(prcoords.bd_wgs_bored)),
    ],
    ids=["wgs84->gcj02", "gcj02->wgs84", "gcj02->bd09", "bd09->gcj02", "wgs84->bd09", "bd09->wgs84"],
)
def test_agrees_with_prcoords_within_1m(ours: Convert, reference: Convert) -> None:
    assert worst_error_m(ours, reference) < ONE_METRE


def test_cuihu_check_point_offset() -> None:
    wgs = (102.7037, 25.0480)  # 翠湖 (Green Lake), Kunming
    gcj = wgs84_to_gcj02(*wgs)
    assert gcj[0] - wgs[0] == pytest.approx(0.00142, abs=0.00002)
    assert gcj[1] - wgs[1] == pytest.approx(-0.00298, abs=0.00002)
    east_m = haversine_m(wgs, (gcj[0], wgs[1]))
    south_m = haversine_m(wgs, (wgs[0], gcj[1]))
    assert east_m == pytest.approx(145, abs=10)
    assert south_m == pytest.approx(330, abs=10)


@pytest.mark.parametrize(
    "point",
    [(-0.1276, 51.5072), (139.6917, 35.6895), (151.2093, -33.8688), (-74.006, 40.7128), (102.7, -25.0)],
    ids=["london", "tokyo", "sydney", "new-york", "southern-hemisphere"],
)
@pytest.mark.parametrize("convert", [wgs84_to_gcj02, gcj02_to_wgs84], ids=["forward", "inverse"])
def test_gcj02_is_identity_outside_china(convert: Convert, point: LonLat) -> None:
    assert convert(*point) == point


@pytest.mark.parametrize(
    ("lon", "lat", "field"),
    [
        (math.nan, 25.0, "lon"),
        (math.inf, 25.0, "lon"),
        (-math.inf, 25.0, "lon"),
        (180.0001, 25.0, "lon"),
        (-181, 25.0, "lon"),
        ("102.7", 25.0, "lon"),
        (True, 25.0, "lon"),
        (None, 25.0, "lon"),
        (102.7, math.nan, "lat"),
        (102.7, math.inf, "lat"),
        (102.7, 90.5, "lat"),
        (102.7, -91, "lat"),
        (102.7, "25", "lat"),
    ],
)
@pytest.mark.parametrize(
    "convert",
    [
        check_lon_lat, wgs84_to_gcj02, gcj02_to_wgs84, gcj02_to_bd09, bd09_to_gcj02, wgs84_to_bd09,
        bd09_to_wgs84,
    ],
)
def test_invalid_input_names_the_field(convert: Convert, lon: object, lat: object, field: str) -> None:
    with pytest.raises(InvalidCoordinate) as caught:
        convert(lon, lat)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert isinstance(caught.value, ValueError)
    assert str(caught.value).startswith(f"{field}: ")


@pytest.mark.parametrize("point", [(180, 90), (-180, -90), (0, 0), (102, 25)])
def test_check_lon_lat_accepts_range_edges_and_returns_floats(point: tuple[int, int]) -> None:
    lon, lat = check_lon_lat(*point)
    assert (lon, lat) == point
    assert type(lon) is float and type(lat) is float


@pytest.mark.parametrize(
    ("crs", "to", "back"),
    [
        (CoordinateSystem.gcj02, gcj02_to_wgs84, wgs84_to_gcj02),
        ("bd09", bd09_to_wgs84, wgs84_to_bd09),
        ("wgs84", lambda lon, lat: (lon, lat), lambda lon, lat: (lon, lat)),
    ],
)
def test_dispatchers_route_to_the_right_conversion(crs: str, to: Convert, back: Convert) -> None:
    point = (102.7037, 25.0480)
    assert to_wgs84(*point, crs) == to(*point)
    assert from_wgs84(*point, crs) == back(*point)


@pytest.mark.parametrize("dispatch", [to_wgs84, from_wgs84])
def test_dispatchers_reject_unknown_system(dispatch: Callable[..., LonLat]) -> None:
    with pytest.raises(InvalidCoordinate) as caught:
        dispatch(102.7, 25.0, "epsg:3857")
    assert caught.value.field == "crs"


def test_dispatchers_validate_coordinates() -> None:
    with pytest.raises(InvalidCoordinate) as caught:
        to_wgs84(102.7, math.nan, "wgs84")
    assert caught.value.field == "lat"
