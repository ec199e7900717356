"""Coverage geometry: the union of isochrones, what it covers of each analysis area, and the gaps.

Metric CRS. Areas are measured in a projected CRS chosen from the data by :func:`metric_crs`: the
UTM zone (WGS84 datum) of the data's centre. For Kunming (lon 102–104° E) that is UTM 48N,
EPSG:32648, the project's standard; for the test data it is the zone of the test city (Helsinki:
35N, EPSG:32635; the synthetic cities at 0.5° E, 0.5° N: 31N, EPSG:32631). Inside one zone UTM's
scale error is below 0.1 %, so areas agree with an equal-area projection to that order; a study
area must not span more than about one zone (6° of longitude), which every city does not.

Analysis area. Percentages are measured inside what the road network reaches, not over whole
districts (which may run far beyond an imported extract, into lakes and mountains): the *reach
mask* is the union of H3 cells (resolution 8, ~0.74 km²) whose centre lies within ``reach_m`` of a
road usable on foot (:func:`reach_cells`); a district's analysis area is the district ∩ the mask.

H3 cells. Demand and time-to-nearest-centre are aggregated on H3 cells; a cell belongs to a
contour when the cell's centre point lies inside it (planar lon/lat test, the same test shapely's
``contains_xy`` makes), so cell figures are exact for point demand and resolution-limited at
contour edges.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import h3.api.basic_int as h3
import numpy as np
import pyproj
import shapely
from shapely.geometry import MultiPolygon, Polygon, box, shape
from shapely.geometry.base import BaseGeometry

Area = Polygon | MultiPolygon
LonLat = tuple[float, float]
MASK_RESOLUTION = 8
MIN_RESOLUTION, MAX_RESOLUTION, DEFAULT_RESOLUTION = 6, 11, 9


# --- projection ---------------------------------------------------------------------------------

def utm_epsg(lon: float, lat: float) -> int:
    """EPSG code of the WGS84 UTM zone containing (lon, lat): 326zz north, 327zz south."""
    if not (-180 <= lon <= 180 and -80 <= lat <= 84):
        raise ValueError(f"({lon}, {lat}) is outside the UTM range")
    zone = min(int((lon + 180) // 6) + 1, 60)
    return (32600 if lat >= 0 else 32700) + zone


def metric_crs(geometry: BaseGeometry) -> int:
    """The metric CRS (an EPSG code) for measuring ``geometry`` (WGS84): its centre's UTM zone."""
    if geometry.is_empty:
        raise ValueError("cannot choose a metric CRS for an empty geometry")
    west, south, east, north = geometry.bounds
    return utm_epsg((west + east) / 2, (south + north) / 2)


@lru_cache(maxsize=16)
def _transformers(epsg: int) -> tuple[pyproj.Transformer, pyproj.Transformer]:
    forward = pyproj.Transformer.from_crs(4326, epsg, always_xy=True)
    return forward, pyproj.Transformer.from_crs(epsg, 4326, always_xy=True)


def to_metric(geometry: BaseGeometry, epsg: int) -> BaseGeometry:
    forward, _ = _transformers(epsg)
    return shapely.transform(geometry, lambda xy: np.column_stack(forward.transform(xy[:, 0], xy[:, 1])))


def to_wgs84(geometry: BaseGeometry, epsg: int) -> BaseGeometry:
    _, inverse = _transformers(epsg)
    return shapely.transform(geometry, lambda xy: np.column_stack(inverse.transform(xy[:, 0], xy[:, 1])))


# --- areas --------------------------------------------------------------------------------------

def as_area(geometry: BaseGeometry) -> Area:
    """Only the polygonal part, as a Polygon or MultiPolygon (overlays can leave lines behind)."""
    if geometry.is_empty:
        return Polygon()
    if isinstance(geometry, (Polygon, MultiPolygon)):
        return geometry
    polygons = [p for g in getattr(geometry, "geoms", []) for p in _polygons(g)]
    return MultiPolygon(polygons) if len(polygons) != 1 else polygons[0]


def _polygons(geometry: BaseGeometry) -> list[Polygon]:
    if isinstance(geometry, Polygon):
        return [geometry]
    return [p for g in getattr(geometry, "geoms", []) for p in _polygons(g)]


def unique_contribution(contour: Area, others: Sequence[Area]) -> Area:
    """The part of ``contour`` no other contour covers: what coverage loses without it."""
    return as_area(contour.difference(shapely.union_all(list(others)))) if others else contour


def gaps(area: Area, covered: Area, *, min_m2: float = 0.0) -> list[Polygon]:
    """The uncovered parts of ``area`` (both metric), largest first, each at least ``min_m2``."""
    parts = _polygons(as_area(area.difference(covered))) if not covered.is_empty else _polygons(area)
    return sorted((p for p in parts if p.area >= min_m2 and p.area > 0), key=lambda p: p.area, reverse=True)


# --- pure coverage figures (no tiles, no database) ---------------------------------------------

@dataclass(frozen=True)
class AnalysisArea:
    code: str
    name: str
    geometry: Area  # WGS84


@dataclass(frozen=True)
class AreaCoverage:
    code: str
    name: str
    area_m2: float
    covered_m2: float
    gaps: list[Polygon]  # WGS84, largest first

    @property
    def covered_pct(self) -> float:
        return 100.0 * self.covered_m2 / self.area_m2 if self.area_m2 else 0.0


def coverage_of(contours: Sequence[Area], areas: Sequence[AnalysisArea], *, epsg: int | None = None,
                min_gap_m2: float = 0.0) -> list[AreaCoverage]:
    """Covered area and gaps of each analysis area under the union of ``contours`` (all WGS84).

    The plain geometric definition: covered = area(∪ contours ∩ area) in the metric
    CRS (``epsg``, default :func:`metric_crs` of the areas).
    """
    if not areas:
        return []
    epsg = epsg or metric_crs(shapely.union_all([a.geometry for a in areas]))
    union = to_metric(shapely.union_all(list(contours)), epsg) if contours else Polygon()
    out = []
    for area in areas:
        shape = to_metric(area.geometry, epsg)
        covered = shapely.intersection(union, shape).area if not union.is_empty else 0.0
        holes = [to_wgs84(g, epsg) for g in gaps(shape, union, min_m2=min_gap_m2)]
        out.append(AreaCoverage(area.code, area.name, shape.area, covered, holes))
    return out


# --- H3 cells -----------------------------------------------------------------------------------

def band_minutes(budget: int) -> list[int]:
    """Contours computed for a time budget: thirds of it (5, 10, 15 for 15), for time-to-nearest."""
    return sorted({max(1, round(budget / 3)), max(1, round(2 * budget / 3)), budget})


def cell_centres(cells: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """Longitudes and latitudes of the cells' centres."""
    if not len(cells):
        return np.empty(0), np.empty(0)
    lat, lon = np.array([h3.cell_to_latlng(c) for c in cells]).T
    return lon, lat


def candidate_cells(geometry: BaseGeometry, resolution: int) -> list[int]:
    """Every cell whose centre could lie in ``geometry`` (WGS84): H3's fill of each part's padded bbox
    (per part, so that two distant districts do not fill the whole box between them)."""
    if geometry.is_empty:
        return []
    pad = 2 * h3.average_hexagon_edge_length(resolution, "km") / 111.0 / max(
        math.cos(math.radians(geometry.centroid.y)), 0.2)
    parts = _polygons(geometry) or [geometry]
    return list(set().union(*(h3.geo_to_cells(box(*p.bounds).buffer(pad, join_style="mitre"), resolution)
                              for p in parts)))


def cells_with_centres_inside(geometry: BaseGeometry, resolution: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cells whose centre lies inside ``geometry`` (WGS84), sorted (int64), and their centres' lon, lat."""
    cells = np.array(sorted(candidate_cells(geometry, resolution)), dtype=np.int64)
    lon, lat = cell_centres(cells.tolist())
    if not len(cells):
        return cells, lon, lat
    shapely.prepare(geometry)
    inside = shapely.contains_xy(geometry, lon, lat)
    return cells[inside], lon[inside], lat[inside]


def cells_inside(geometry: BaseGeometry, resolution: int) -> list[int]:
    """Cells whose centre lies inside ``geometry`` (WGS84), sorted."""
    return cells_with_centres_inside(geometry, resolution)[0].tolist()


def cell_bands(contours: Mapping[int, Area], resolution: int) -> dict[int, int]:
    """Cell → the smallest contour (minutes) containing its centre, for nested WGS84 contours."""
    if not contours:
        return {}
    largest = max(contours)
    cells = candidate_cells(contours[largest], resolution)
    if not cells:
        return {}
    lon, lat = cell_centres(cells)
    best = np.full(len(cells), -1)
    for minutes in sorted(contours, reverse=True):
        shapely.prepare(contours[minutes])
        inside = shapely.contains_xy(contours[minutes], lon, lat)
        best[inside] = minutes
    return {c: int(m) for c, m in zip(cells, best) if m > 0}


def point_bands(contours: Mapping[int, Area], lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Per point, the smallest contour (minutes) of nested WGS84 ``contours`` holding it; 0: none."""
    best = np.zeros(len(lon), dtype=np.int16)
    for minutes in sorted(contours, reverse=True):
        if len(lon) and not contours[minutes].is_empty:
            shapely.prepare(contours[minutes])
            best[shapely.contains_xy(contours[minutes], lon, lat)] = minutes
    return best


def cells_area(cells: Sequence[int]) -> Area:
    """The union of H3 cells as one (Multi)Polygon (WGS84)."""
    if not len(cells):
        return Polygon()
    return as_area(shape(h3.cells_to_h3shape(list(cells)).__geo_interface__))


def reach_cells(bbox: Sequence[float], snap_distances: Callable[[list[LonLat]], list[float | None]], *,
                reach_m: float, resolution: int = MASK_RESOLUTION) -> list[int]:
    """H3 cells of ``bbox`` (padded by ``reach_m``) whose centre is within ``reach_m`` of the network.

    ``snap_distances`` gives, per point, the metres to the nearest road (None: none found), e.g.
    a routing engine's batched ``locate``.
    """
    west, south, east, north = bbox
    pad_lat = reach_m / 111_320.0
    pad_lon = pad_lat / max(math.cos(math.radians((south + north) / 2)), 0.2)
    region = box(west - pad_lon, south - pad_lat, east + pad_lon, north + pad_lat)
    cells = sorted(h3.geo_to_cells(region, resolution))
    lon, lat = cell_centres(cells)
    distances = snap_distances(list(zip(lon.tolist(), lat.tolist())))
    return [c for c, d in zip(cells, distances) if d is not None and d <= reach_m]


def cell_area_m2(cells: Sequence[int]) -> np.ndarray:
    return np.array([h3.cell_area(c, "m^2") for c in cells])


def cell_polygon(cell: int) -> Polygon:
    return Polygon([(lng, lat) for lat, lng in h3.cell_to_boundary(cell)])
