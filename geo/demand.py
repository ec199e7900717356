"""Demand on an H3 grid: residents from a population raster or a CSV of communities, or a proxy.

Three sources, each kept with its kind and unit so every figure can say which demand it used:

* ``raster`` — a population GeoTIFF the operator imports (e.g. WorldPop people-per-pixel). Each
  pixel's value goes to the cell containing the pixel's centre. Pixels should be smaller than
  cells (WorldPop's 100 m pixels against H3 resolution 9's 0.1 km² cells); only the window
  covering ``bounds`` is read, so a country-wide file is fine.
* ``csv`` — community populations: one row per community with a point and a head count
  (columns ``name,population,lon,lat``; Chinese headers 名称/人口/经度/纬度 also work). GCJ-02 or
  BD-09 coordinates are converted to WGS84 first, as in the catalogue import.
* ``osm_buildings`` — when no population data exists: the footprint area (m²) of residential
  buildings in the imported OpenStreetMap extract. Counted tags: ``building`` =
  residential, apartments, house, detached, semidetached_house, terrace, dormitory, bungalow,
  and the untyped ``yes`` (most buildings in Chinese OSM data carry only ``yes``; clearly
  non-residential types — retail, office, industrial, school… — are left out). A proxy in m² of
  footprint, not residents.

All values are stored per cell at a base resolution; :func:`aggregate` moves them to another
resolution (sums into parents; a finer resolution splits a cell's value evenly among its children).
"""
from __future__ import annotations

import csv
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import h3.api.basic_int as h3
import numpy as np

from geo.coords import CoordinateSystem, to_wgs84
from geo.coverage import utm_epsg

RASTER, CSV, OSM_BUILDINGS, NONE = "raster", "csv", "osm_buildings", "none"
UNITS = {RASTER: "residents", CSV: "residents", OSM_BUILDINGS: "m² residential building footprint (proxy)",
         NONE: "none"}
RESIDENTIAL_BUILDINGS = frozenset({"residential", "apartments", "house", "detached", "semidetached_house",
                                   "terrace", "dormitory", "bungalow", "yes"})
CSV_ALIASES = {"名称": "name", "人口": "population", "经度": "lon", "纬度": "lat", "lng": "lon",
               "longitude": "lon", "latitude": "lat", "residents": "population"}
Bounds = tuple[float, float, float, float]


class DemandError(ValueError):
    """Demand input that cannot be used; ``field`` names the parameter or column."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


@dataclass(frozen=True)
class DemandGrid:
    kind: str
    resolution: int
    values: dict[int, float]  # H3 cell → demand

    @property
    def unit(self) -> str:
        return UNITS[self.kind]

    @property
    def total(self) -> float:
        return float(sum(self.values.values()))


def from_points(points: Iterable[tuple[float, float, float]], *, resolution: int) -> dict[int, float]:
    """Sum (lon, lat, value) points into the cells containing them."""
    values: dict[int, float] = defaultdict(float)
    for lon, lat, value in points:
        values[h3.latlng_to_cell(lat, lon, resolution)] += value
    return dict(values)


def aggregate(values: Mapping[int, float], resolution: int) -> dict[int, float]:
    """Move per-cell values to ``resolution``: sums into parents, even split into children."""
    out: dict[int, float] = defaultdict(float)
    for cell, value in values.items():
        own = h3.get_resolution(cell)
        if own == resolution:
            out[cell] += value
        elif own > resolution:
            out[h3.cell_to_parent(cell, resolution)] += value
        else:
            children = h3.cell_to_children(cell, resolution)
            for child in children:
                out[child] += value / len(children)
    return dict(out)


# --- CSV of community populations --------------------------------------------------------------

def read_population_csv(path: Path, *, crs: CoordinateSystem = CoordinateSystem.wgs84
                        ) -> list[tuple[float, float, float]]:
    """(lon, lat, population) rows, WGS84; a bad row raises DemandError naming line and column."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DemandError("file", f"cannot read {path}: {exc}") from None
    reader = csv.DictReader(text.splitlines())
    header = {CSV_ALIASES.get(h.strip(), h.strip().lower()) for h in reader.fieldnames or []}
    missing = {"population", "lon", "lat"} - header
    if missing:
        raise DemandError("file", f"{path} lacks the column(s) {', '.join(sorted(missing))}")
    return [_population_row(line, row, crs) for line, row in enumerate(reader, start=2)]


def _population_row(line: int, row: dict, crs: CoordinateSystem) -> tuple[float, float, float]:
    record = {CSV_ALIASES.get(k.strip(), k.strip().lower()): (v or "").strip() for k, v in row.items() if k}
    try:
        lon, lat, people = float(record["lon"]), float(record["lat"]), float(record["population"])
    except ValueError:
        raise DemandError(f"line {line}", "lon, lat and population must be numbers") from None
    if not all(math.isfinite(v) for v in (lon, lat, people)) or people < 0:
        raise DemandError(f"line {line}", "population must be a finite number ≥ 0 and lon/lat finite")
    try:
        lon, lat = to_wgs84(lon, lat, crs)
    except ValueError as exc:
        raise DemandError(f"line {line}", str(exc)) from None
    return lon, lat, people


# --- population raster -------------------------------------------------------------------------

def from_raster(path: Path, *, resolution: int, bounds: Bounds | None = None) -> dict[int, float]:
    """Sum a population GeoTIFF's pixels into H3 cells by pixel centre (only the window over
    ``bounds``, WGS84 west/south/east/north, when given). Nodata and negative pixels are skipped."""
    import rasterio
    from rasterio.errors import RasterioError
    from rasterio.warp import transform, transform_bounds
    from rasterio.windows import from_bounds

    try:
        dataset = rasterio.open(path)
    except (RasterioError, OSError) as exc:
        raise DemandError("file", f"cannot read {path} as a raster: {exc}") from None
    with dataset:
        if dataset.crs is None:
            raise DemandError("file", f"{path} has no coordinate reference system")
        window = None
        if bounds is not None:
            native = transform_bounds("EPSG:4326", dataset.crs, *bounds) if dataset.crs.to_epsg() != 4326 else bounds
            window = from_bounds(*native, transform=dataset.transform).round_offsets().round_lengths()
        band = dataset.read(1, window=window, masked=True, boundless=window is not None)
        affine = dataset.window_transform(window) if window is not None else dataset.transform
        rows, cols = np.nonzero(~np.ma.getmaskarray(band) & (band.filled(0) > 0))
        xs, ys = affine @ (cols + 0.5, rows + 0.5)
        if dataset.crs.to_epsg() != 4326 and len(xs):
            xs, ys = transform(dataset.crs, "EPSG:4326", list(xs), list(ys))
        return from_points(zip(xs, ys, band.data[rows, cols].astype(float)), resolution=resolution)


# --- OSM residential building footprints --------------------------------------------------------

def building_footprints(pbf: Path, *, bounds: Bounds | None = None) -> Iterator[tuple[float, float, float]]:
    """(lon, lat, footprint m²) of each residential building (see module docstring) in ``pbf``."""
    import osmium
    from shapely import wkb

    from geo.coverage import to_metric

    factory = osmium.geom.WKBFactory()
    processor = osmium.FileProcessor(str(pbf)).with_areas().with_filter(osmium.filter.KeyFilter("building"))
    try:
        for obj in processor:
            if not obj.is_area() or obj.tags.get("building") not in RESIDENTIAL_BUILDINGS:
                continue
            try:
                shape = wkb.loads(factory.create_multipolygon(obj), hex=True)
            except RuntimeError:  # broken outline in the source data
                continue
            point = shape.representative_point()
            if bounds and not (bounds[0] <= point.x <= bounds[2] and bounds[1] <= point.y <= bounds[3]):
                continue
            yield point.x, point.y, to_metric(shape, utm_epsg(point.x, point.y)).area
    except RuntimeError as exc:
        raise DemandError("file", f"cannot read OSM data from {pbf}: {exc}") from None


def from_osm_buildings(pbf: Path, *, resolution: int, bounds: Bounds | None = None) -> dict[int, float]:
    return from_points(building_footprints(pbf, bounds=bounds), resolution=resolution)
