"""Isochrones, one-to-many travel times and snap checks on a Valhalla road network.

Two engines behind one small interface (:class:`RoutingEngine`):

* :class:`Router` — in-process pyvalhalla ``Actor`` over a network directory made by
  :func:`geo.network.build_tiles` (``tiles.tar``) or a loose Valhalla tile tree.
* :class:`HttpRouter` — an external Valhalla HTTP service (same JSON requests) at ``base_url``.

Isochrone options and why:

* ``polygons=true`` — areas, not lines.
* ``denoise=0`` — Valhalla's default (1.0) keeps only the largest ring of each contour and so drops
  every hole; since Valhalla 3.5 ``denoise`` drops inner rings whose area is below that fraction of
  the outer ring's, so 0 keeps all of them. Tiny holes that are only grid artefacts inside ordinary
  blocks are removed here instead by absolute area (``min_hole_m2``, default 5 ha): lakes, parks,
  rail yards and hills are larger than that, a relative threshold is not.
* ``generalize=20`` (metres, Douglas-Peucker) — keeps the outline close to the grid while cutting
  the payload ~10× against 0.

Coverage (:meth:`_ValhallaEngine.coverage_isochrone`): Valhalla's isochrone action accepts many
locations and expands from all of them at once, so "within N minutes of the nearest centre" is one
request, not a union of a thousand isochrones. It needs ``service_limits.isochrone.max_locations``
(default 1) and ``max_distance`` (default 25 km, the largest distance between ANY two locations)
raised: :func:`valhalla_config` sets them, and an external service must set them too (README). If a
service still refuses (errors 150/154), the origins are split in two along their longer extent and
each half expanded on its own (the union of the halves is the same coverage), with a warning. The
contours are rasterised by Valhalla on a ~111 m grid anchored at the origins, so one expansion
differs from the union of single isochrones by up to one grid step along the outline.

Snapping: every input point is first checked with Valhalla's ``locate`` for the mode's costing; if
its nearest usable edge is farther than ``max_snap_metres`` (default 500 m) it raises
:class:`OffNetworkError` with the distance. We cannot rely on Valhalla's own errors: an isochrone
from a point far from every road still "succeeds" with a tiny diamond, and a matrix answers 170
(unconnected regions) rather than 171 (no suitable edges). Each location in the real request also
carries ``search_cutoff=max_snap_metres`` so Valhalla never snaps farther than we checked.
"""

from __future__ import annotations

import itertools
import json
import logging
import math
import queue
import tarfile
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon

from geo.modes import TravelMode

log = logging.getLogger(__name__)
LonLat = tuple[float, float]
Area = Polygon | MultiPolygon

DEFAULT_MAX_SNAP_METRES = 500.0
MIN_MINUTES, MAX_MINUTES, MAX_CONTOURS = 1, 60, 4
ISOCHRONE_OPTIONS = {"polygons": True, "denoise": 0.0, "generalize": 20.0}
DEFAULT_MIN_HOLE_M2 = 50_000.0
# service_limits.isochrone for multi-origin coverage; an external service needs at least these.
ISOCHRONE_MAX_LOCATIONS = 5_000
ISOCHRONE_MAX_DISTANCE_M = 400_000.0  # a whole municipality: Kunming spans ~240 km north to south
_ISOCHRONE_LIMIT_CODES = {150, 154}  # "Exceeded max locations", "Path distance exceeds the max distance"
_ORIGIN_SNAPS_KEPT = 200_000
_UNKNOWN = object()  # not in the origin snap cache (None there means off the network)
TILE_EXTRACT_NAME = "tiles.tar"
_EARTH_RADIUS_M = 6_371_008.8
_M_PER_DEG = math.pi * _EARTH_RADIUS_M / 180


# --- errors -----------------------------------------------------------------------------------

class RoutingError(Exception):
    """Base of routing failures."""

    def __init__(self, message: str, *, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code  # Valhalla's error code, when Valhalla produced the error


class RoutingInputError(RoutingError, ValueError):
    """A request parameter is invalid; ``field`` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


class OffNetworkError(RoutingInputError):
    """A point is farther than ``max_snap_metres`` from any road usable by the mode."""

    def __init__(self, field: str, distance: float | None, max_snap_metres: float) -> None:
        where = "no road within search range" if distance is None else f"nearest road {distance:.0f} m away"
        super().__init__(field, f"not on the road network ({where}; limit {max_snap_metres:.0f} m)")
        self.distance, self.max_snap_metres = distance, max_snap_metres


class NoNetworkError(RoutingError):
    """No usable road network: the tile directory is missing or empty, or the service is down."""


# --- results ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class IsochroneContour:
    minutes: int
    geometry: Area  # lon/lat (WGS84), valid, exterior rings counter-clockwise, may have holes


@dataclass(frozen=True)
class Coverage:
    """Areas within each contour of the NEAREST origin, and which origins were left out."""

    contours: list[IsochroneContour]  # smallest first, nested
    dropped: list[int]  # indices of origins farther than max_snap_metres from the network


@dataclass(frozen=True)
class Leg:
    seconds: float
    metres: float


class RoutingEngine(Protocol):
    def isochrone(self, lon: float, lat: float, *, mode: TravelMode | str, minutes: Sequence[int],
                  max_snap_metres: float = DEFAULT_MAX_SNAP_METRES) -> list[IsochroneContour]: ...

    def matrix(self, origin: LonLat, destinations: Sequence[LonLat], *, mode: TravelMode | str,
               max_snap_metres: float = DEFAULT_MAX_SNAP_METRES) -> list[Leg | None]: ...

    def coverage_isochrone(self, origins: Sequence[LonLat], *, mode: TravelMode | str, minutes: Sequence[int],
                           max_snap_metres: float = DEFAULT_MAX_SNAP_METRES) -> Coverage: ...

    def snap_distances(self, points: Sequence[LonLat], *, mode: TravelMode | str,
                       max_snap_metres: float = DEFAULT_MAX_SNAP_METRES) -> list[float | None]: ...

    def route_time(self, origin: LonLat, destination: LonLat, *, mode: TravelMode | str,
                   max_snap_metres: float = DEFAULT_MAX_SNAP_METRES) -> Leg | None: ...


# --- shared request logic ---------------------------------------------------------------------

class _ValhallaEngine:
    """Builds Valhalla requests and reads the answers; subclasses only transport them."""

    locate_batch = 20  # Valhalla's default max_locations for auto
    matrix_batch = 500  # under the default max_matrix_location_pairs (2,500)
    parallel_locates = 4  # locate batches sent at once (an HTTP service answers them concurrently)

    def __init__(self, *, min_hole_m2: float = DEFAULT_MIN_HOLE_M2) -> None:
        self.min_hole_m2 = min_hole_m2
        # Snap distances of coverage origins: centres rarely move, and every hour of the week asks
        # again for mostly the same ones (an engine serves one network, so this is per network).
        self._origin_snaps: dict[tuple, float | None] = {}

    def _call(self, action: str, request: dict[str, Any]) -> Any:
        raise NotImplementedError

    def isochrone(self, lon: float, lat: float, *, mode: TravelMode | str, minutes: Sequence[int],
                  max_snap_metres: float = DEFAULT_MAX_SNAP_METRES) -> list[IsochroneContour]:
        """Areas reachable from (lon, lat) within each of ``minutes``, smallest first, nested."""
        mode, minutes = _check_mode(mode), _check_minutes(minutes)
        origin = _check_point((lon, lat), "origin")
        self._snap_check([origin], ["origin"], mode, max_snap_metres)
        request = {"locations": [_location(origin, max_snap_metres)], **mode.valhalla_costing(),
                   "contours": [{"time": m} for m in minutes], **ISOCHRONE_OPTIONS}
        features = self._call("isochrone", request)["features"]
        shapes = {round(f["properties"]["contour"]): _clean_area(f["geometry"], self.min_hole_m2)
                  for f in features if f["geometry"]["type"] in ("Polygon", "MultiPolygon")}
        return _nest([(m, shapes.get(m, Polygon())) for m in minutes])

    def coverage_isochrone(self, origins: Sequence[LonLat], *, mode: TravelMode | str, minutes: Sequence[int],
                           max_snap_metres: float = DEFAULT_MAX_SNAP_METRES) -> Coverage:
        """Areas within each of ``minutes`` of the nearest of ``origins``: one expansion from all.

        Origins farther than ``max_snap_metres`` from the network are dropped first (one batched
        locate) and listed: Valhalla would not fail on them but paint a blob at the raw point, or
        snap them to a road kilometres away.
        """
        mode, minutes = _check_mode(mode), _check_minutes(minutes)
        points = [_check_point(p, f"origins[{i}]") for i, p in enumerate(origins)]
        distances = self._origin_distances(points, mode, max_snap_metres)
        on_network = [d is not None and d <= max_snap_metres for d in distances]
        kept = [p for p, ok in zip(points, on_network) if ok]
        parts: dict[int, list[Area]] = {m: [] for m in minutes}
        for start in range(0, len(kept), ISOCHRONE_MAX_LOCATIONS):
            self._expand(kept[start:start + ISOCHRONE_MAX_LOCATIONS], mode, minutes, max_snap_metres, parts)
        areas = [(m, _union(parts[m])) for m in minutes]
        return Coverage(_nest(areas), [i for i, ok in enumerate(on_network) if not ok])

    def matrix(self, origin: LonLat, destinations: Sequence[LonLat], *, mode: TravelMode | str,
               max_snap_metres: float = DEFAULT_MAX_SNAP_METRES) -> list[Leg | None]:
        """Travel time and distance from ``origin`` to each destination, in order.

        None for a destination that cannot be reached or is farther than ``max_snap_metres`` from
        the network (a centre off the imported extract must not fail everyone's query); an
        off-network origin raises :class:`OffNetworkError`.
        """
        mode = _check_mode(mode)
        origin = _check_point(origin, "origin")
        points = [_check_point(p, f"destinations[{i}]") for i, p in enumerate(destinations)]
        self._snap_check([origin], ["origin"], mode, max_snap_metres)
        distances = self._snap_distances(points, mode, max_snap_metres)
        on_net = [i for i, d in enumerate(distances) if d is not None and d <= max_snap_metres]
        legs: list[Leg | None] = [None] * len(points)
        for start in range(0, len(on_net), self.matrix_batch):
            batch = on_net[start:start + self.matrix_batch]
            row = self._matrix_row(origin, [points[i] for i in batch], mode, max_snap_metres)
            for i, leg in zip(batch, row):
                legs[i] = leg
        return legs

    def route_time(self, origin: LonLat, destination: LonLat, *, mode: TravelMode | str,
                   max_snap_metres: float = DEFAULT_MAX_SNAP_METRES) -> Leg | None:
        """Time and distance of the best /route between two points; None if there is no path."""
        mode = _check_mode(mode)
        a, b = _check_point(origin, "origin"), _check_point(destination, "destination")
        self._snap_check([a, b], ["origin", "destination"], mode, max_snap_metres)
        request = {"locations": [_location(a, max_snap_metres), _location(b, max_snap_metres)],
                   **mode.valhalla_costing(), "units": "kilometers", "directions_type": "none"}
        try:
            summary = self._call("route", request)["trip"]["summary"]
        except RoutingError as exc:
            if exc.code in _NO_PATH_CODES:
                return None
            raise
        return Leg(seconds=float(summary["time"]), metres=float(summary["length"]) * 1000)

    def snap_distance(self, point: LonLat, *, mode: TravelMode | str,
                      max_snap_metres: float = DEFAULT_MAX_SNAP_METRES) -> float | None:
        """Metres from ``point`` to the nearest edge usable by ``mode`` (None: none in range)."""
        return self.snap_distances([point], mode=mode, max_snap_metres=max_snap_metres)[0]

    def snap_distances(self, points: Sequence[LonLat], *, mode: TravelMode | str,
                       max_snap_metres: float = DEFAULT_MAX_SNAP_METRES) -> list[float | None]:
        """The same for many points, in batched ``locate`` calls."""
        checked = [_check_point(p, f"points[{i}]") for i, p in enumerate(points)]
        return self._snap_distances(checked, _check_mode(mode), max_snap_metres) if checked else []

    # internals

    def _matrix_row(self, origin: LonLat, targets: list[LonLat], mode: TravelMode,
                    max_snap_metres: float) -> list[Leg | None]:
        request = {"sources": [_location(origin, max_snap_metres)],
                   "targets": [_location(t, max_snap_metres) for t in targets],
                   **mode.valhalla_costing(), "units": "kilometers", "verbose": True}
        row = self._call("sources_to_targets", request)["sources_to_targets"][0]
        return [None if cell.get("time") is None or cell.get("distance") is None
                else Leg(seconds=float(cell["time"]), metres=float(cell["distance"]) * 1000)
                for cell in row]

    def _origin_distances(self, points: list[LonLat], mode: TravelMode, max_snap_metres: float) -> list[float | None]:
        """Snap distances of the origins, from the shared cache where known. The answer is built from
        values read once here: another thread may clear the cache at any moment."""
        keys = [(mode, max_snap_metres, p) for p in points]
        found = {k: d for k in keys if (d := self._origin_snaps.get(k, _UNKNOWN)) is not _UNKNOWN}
        unknown = [p for k, p in zip(keys, points) if k not in found]
        if unknown:
            if len(self._origin_snaps) > _ORIGIN_SNAPS_KEPT:
                self._origin_snaps.clear()
            # Only "within the limit or not" matters for an origin: searching no farther is quicker.
            found_within = self._snap_distances(unknown, mode, max_snap_metres, search_metres=max_snap_metres)
            fresh = {(mode, max_snap_metres, p): d for p, d in zip(unknown, found_within)}
            self._origin_snaps.update(fresh)
            found |= fresh
        return [found[k] for k in keys]

    def _expand(self, points: list[LonLat], mode: TravelMode, minutes: list[int], max_snap_metres: float,
                parts: dict[int, list[Area]]) -> None:
        """One isochrone request from all ``points``, its contours added to ``parts``; halves on refusal."""
        request = {"locations": [_location(p, max_snap_metres) for p in points], **mode.valhalla_costing(),
                   "contours": [{"time": m} for m in minutes], **ISOCHRONE_OPTIONS}
        try:
            features = self._call("isochrone", request)["features"]
        except RoutingError as exc:
            if exc.code not in _ISOCHRONE_LIMIT_CODES or len(points) < 2:
                raise
            log.warning("the routing engine refused %d isochrone locations (%s): expanding in halves; raise "
                        "service_limits.isochrone.max_locations and max_distance", len(points), exc)
            for half in _halves(points):
                self._expand(half, mode, minutes, max_snap_metres, parts)
            return
        for feature in features:
            if feature["geometry"]["type"] in ("Polygon", "MultiPolygon"):
                minutes = round(feature["properties"]["contour"])
                parts[minutes].append(_clean_area(feature["geometry"], self.min_hole_m2))

    def _snap_check(self, points: list[LonLat], fields: list[str], mode: TravelMode,
                    max_snap_metres: float) -> None:
        for field, distance in zip(fields, self._snap_distances(points, mode, max_snap_metres)):
            if distance is None or distance > max_snap_metres:
                raise OffNetworkError(field, distance, max_snap_metres)

    def _snap_distances(self, points: list[LonLat], mode: TravelMode, max_snap_metres: float, *,
                        search_metres: float | None = None) -> list[float | None]:
        """Metres to the nearest usable edge, None where none is within ``search_metres`` (by default
        farther than the limit, to report the distance), in batched ``locate`` calls sent in parallel."""
        if not max_snap_metres > 0:
            raise RoutingInputError("max_snap_metres", "must be a positive number of metres")
        cutoff = search_metres or max(10 * max_snap_metres, 5_000)
        # Split for parallel calls, but never into crumbs: a thread per handful of points costs more.
        size = min(self.locate_batch, max(50, math.ceil(len(points) / self.parallel_locates)))
        batches = [points[start:start + size] for start in range(0, len(points), size)]

        def locate(batch: list[LonLat]) -> list[float | None]:
            request = {"locations": [_location(p, cutoff) for p in batch], "costing": mode.costing,
                       "verbose": False}
            return [_nearest_edge_distance(p, a) for p, a in zip(batch, self._call("locate", request))]

        if len(batches) < 2:
            return [d for batch in batches for d in locate(batch)]
        with ThreadPoolExecutor(max_workers=min(self.parallel_locates, len(batches))) as pool:
            return [d for found in pool.map(locate, batches) for d in found]


_NO_PATH_CODES = {442, 443}  # "No path could be found for input", "Exact route match..."


def _location(point: LonLat, search_cutoff: float) -> dict[str, float]:
    return {"lon": point[0], "lat": point[1], "search_cutoff": search_cutoff}


def _nearest_edge_distance(point: LonLat, answer: dict | None) -> float | None:
    edges = (answer or {}).get("edges") or []
    if not edges:
        return None
    return min(_haversine(point, (e["correlated_lon"], e["correlated_lat"])) for e in edges)


def _haversine(a: LonLat, b: LonLat) -> float:
    (lon1, lat1), (lon2, lat2) = (map(math.radians, p) for p in (a, b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * _EARTH_RADIUS_M * math.asin(math.sqrt(h))


# --- validation -------------------------------------------------------------------------------

def _check_mode(mode: TravelMode | str) -> TravelMode:
    try:
        return TravelMode(mode)
    except ValueError:
        allowed = ", ".join(m.value for m in TravelMode)
        raise RoutingInputError("mode", f"must be one of {allowed}, not {mode!r}") from None


def _check_minutes(minutes: Sequence[int]) -> list[int]:
    if isinstance(minutes, (str, bytes)) or not isinstance(minutes, Sequence):
        raise RoutingInputError("minutes", "must be a list of whole minutes")
    if not 1 <= len(minutes) <= MAX_CONTOURS:
        raise RoutingInputError("minutes", f"give 1 to {MAX_CONTOURS} contours, not {len(minutes)}")
    for m in minutes:
        if isinstance(m, bool) or not isinstance(m, int) or not MIN_MINUTES <= m <= MAX_MINUTES:
            raise RoutingInputError("minutes", f"each must be a whole number {MIN_MINUTES}–{MAX_MINUTES}, not {m!r}")
    if len(set(minutes)) != len(minutes):
        raise RoutingInputError("minutes", "contours must be distinct")
    return sorted(minutes)


def _check_point(point: LonLat, field: str) -> LonLat:
    try:
        lon, lat = (float(v) for v in point)
    except (TypeError, ValueError):
        raise RoutingInputError(field, "must be a (lon, lat) pair of numbers") from None
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        raise RoutingInputError(field, f"({lon}, {lat}) is not a WGS84 lon/lat position")
    return lon, lat


# --- isochrone geometry -----------------------------------------------------------------------

def _clean_area(geometry: dict, min_hole_m2: float) -> Area:
    """A valid area from a GeoJSON (Multi)Polygon, holes smaller than ``min_hole_m2`` filled in.

    Holes are filtered on the raw rings first: a car contour over a dense grid carries thousands of
    block-sized holes, and repairing those with make_valid would cost far more than routing.
    """
    parts = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    parts = [rings for rings in parts if rings and len(rings[0]) >= 4]
    if not parts:
        return Polygon()
    m2_per_deg2 = _M_PER_DEG ** 2 * math.cos(math.radians(parts[0][0][0][1]))
    polygons = [Polygon(rings[0], _large_rings(rings[1:], min_hole_m2 / m2_per_deg2)) for rings in parts]
    area = shapely.union_all(polygons) if len(polygons) > 1 else polygons[0]
    if not area.is_valid:
        area = shapely.make_valid(area)
    return _as_area(area)


def _large_rings(rings: list, min_area_deg2: float) -> list:
    """The rings whose planar area (shoelace, in degrees²) is at least ``min_area_deg2``."""
    rings = [r for r in rings if len(r) >= 4]
    if not rings:
        return []
    # Valhalla writes [lon, lat] pairs: flatten without touching each point in Python.
    xy = np.array(list(itertools.chain.from_iterable(rings)), dtype=float)[:, :2]
    starts = np.cumsum([0] + [len(r) for r in rings[:-1]])
    cross = xy[:-1, 0] * xy[1:, 1] - xy[1:, 0] * xy[:-1, 1]
    cross = np.append(cross, 0.0)
    cross[starts[1:] - 1] = 0.0  # the pair joining one ring's last point to the next ring's first
    areas = np.abs(np.add.reduceat(cross, starts)) / 2
    return [ring for ring, area in zip(rings, areas) if area >= min_area_deg2]


def _polygons(geom) -> list[Polygon]:
    if isinstance(geom, Polygon):
        return [geom]
    return [p for g in getattr(geom, "geoms", []) for p in _polygons(g)]


def _as_area(geom) -> Area:
    polygons = _polygons(geom)
    area = polygons[0] if len(polygons) == 1 else MultiPolygon(polygons)
    return shapely.orient_polygons(area) if not area.is_empty else area


def _union(areas: list[Area]) -> Area:
    if not areas:
        return Polygon()
    return areas[0] if len(areas) == 1 else _as_area(shapely.union_all(areas))


def _halves(points: list[LonLat]) -> tuple[list[LonLat], list[LonLat]]:
    """Split along the longer side of the points' extent, so each half also spans less distance."""
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    axis = 0 if max(xs) - min(xs) >= max(ys) - min(ys) else 1
    ordered = sorted(points, key=lambda p: p[axis])
    return ordered[:len(ordered) // 2], ordered[len(ordered) // 2:]


def _nest(contours: list[tuple[int, Area]]) -> list[IsochroneContour]:
    """Make each contour contain the smaller ones (anything reached in 5 min is reached in 10)."""
    out: list[IsochroneContour] = []
    for minutes, area in contours:
        if out and not out[-1].geometry.is_empty:
            area = _as_area(shapely.union(area, out[-1].geometry))
        out.append(IsochroneContour(minutes=minutes, geometry=area))
    return out


# --- engines ----------------------------------------------------------------------------------

class Router(_ValhallaEngine):
    """In-process Valhalla over a network directory made by :func:`geo.network.build_tiles`.

    Holds a pool of ``actors`` pyvalhalla Actors, all created up front (an Actor keeps per-request
    state, so one thread uses one Actor at a time; pyvalhalla releases the GIL while it routes, so
    threads do run in parallel). Each Actor memory-maps ``tiles.tar`` when created, so a Router
    keeps answering from the network it opened even after a rebuild swaps a new one in; open a new
    Router to serve the new network (and drop the old one to release the old file).
    """

    locate_batch = 1_000
    matrix_batch = 2_000

    def __init__(self, tile_dir: str | Path, *, actors: int = 2,
                 min_hole_m2: float = DEFAULT_MIN_HOLE_M2) -> None:
        import valhalla

        super().__init__(min_hole_m2=min_hole_m2)
        self.parallel_locates = max(1, actors)
        self.tile_dir = Path(tile_dir)
        manifest = self.tile_dir / "manifest.json"
        self.manifest: dict | None = json.loads(manifest.read_text()) if manifest.is_file() else None
        config = valhalla_config(self.tile_dir)
        self._pool: queue.SimpleQueue = queue.SimpleQueue()
        # pyvalhalla leaks a temp file per Actor built from a dict and cannot take inline JSON
        # (it stats the string as a path), so hand it a config file that we remove ourselves;
        # the Actor reads it only while being constructed.
        with tempfile.TemporaryDirectory(prefix="servicemap-valhalla-") as tmp:
            config_path = Path(tmp, "valhalla.json")
            config_path.write_text(json.dumps(config))
            try:
                for _ in range(max(1, actors)):
                    self._pool.put(valhalla.Actor(config_path))
            except Exception as exc:  # RuntimeError/FileNotFoundError/ValhallaError from pyvalhalla
                raise NoNetworkError(f"cannot open the road network in {self.tile_dir}: {exc}") from exc

    def _call(self, action: str, request: dict[str, Any]) -> Any:
        import valhalla

        actor = self._pool.get()
        try:
            method = getattr(actor, "matrix" if action == "sources_to_targets" else action)
            return method(request)
        except valhalla.ValhallaError as exc:
            raise RoutingError(f"valhalla {action}: {exc.message}", code=exc.code) from exc
        finally:
            self._pool.put(actor)


def valhalla_config(tile_dir: str | Path) -> dict:
    """The Valhalla config this module routes with (also for running ``valhalla_service``)."""
    import valhalla

    tile_dir = Path(tile_dir)
    extract = tile_dir / TILE_EXTRACT_NAME
    if extract.is_file():
        _check_extract(extract)
        config = valhalla.get_config(tile_extract=extract, tile_dir="")
    elif tile_dir.is_dir() and any(tile_dir.glob("[0-3]/**/*.gph")):
        config = valhalla.get_config(tile_extract="", tile_dir=tile_dir)
    else:
        raise NoNetworkError(f"no road network in {tile_dir}: no {TILE_EXTRACT_NAME} and no tiles")
    config["loki"]["use_connectivity"] = False  # unreachable targets give null, not error 170
    # One origin to many targets: a one-to-many Dijkstra, ~6× faster than CostMatrix for car on a
    # dense 30 km grid (85 vs 520 ms for 50 targets) with the same times.
    config["thor"]["source_to_target_algorithm"] = "timedistancematrix"
    config["service_limits"]["isochrone"].update(max_locations=ISOCHRONE_MAX_LOCATIONS,
                                                 max_distance=ISOCHRONE_MAX_DISTANCE_M)
    for costing in ("auto", "bicycle", "pedestrian"):
        config["service_limits"][costing]["max_locations"] = Router.locate_batch
        config["service_limits"][costing]["max_matrix_location_pairs"] = Router.matrix_batch + 1
    return config


def _check_extract(extract: Path) -> None:
    """Valhalla opens any file as an extract and then finds no roads; catch junk here instead."""
    try:
        with tarfile.open(extract) as tar:
            first = tar.next()
    except (tarfile.TarError, OSError) as exc:
        raise NoNetworkError(f"{extract} is not a Valhalla tile extract: {exc}") from exc
    if first is None or first.name != "index.bin":
        raise NoNetworkError(f"{extract} is not a Valhalla tile extract (no index.bin first)")


class HttpRouter(_ValhallaEngine):
    """The same interface over an external Valhalla HTTP service (e.g. ``http://valhalla:8002``)."""

    def __init__(self, base_url: str, *, timeout: float = 30.0, client=None,
                 min_hole_m2: float = DEFAULT_MIN_HOLE_M2) -> None:
        import httpx

        super().__init__(min_hole_m2=min_hole_m2)
        self.base_url = base_url.rstrip("/")
        self._client = client or httpx.Client(base_url=self.base_url, timeout=timeout)

    def close(self) -> None:
        self._client.close()

    def _call(self, action: str, request: dict[str, Any]) -> Any:
        import httpx

        try:
            response = self._client.post(f"/{action}", json=request)
        except httpx.HTTPError as exc:
            raise NoNetworkError(f"routing service at {self.base_url} unreachable: {exc}") from exc
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code == 200 and body is not None:
            return body
        error = body if isinstance(body, dict) else {}
        message = error.get("error") or response.text[:200]
        raise RoutingError(f"valhalla {action}: {message}", code=error.get("error_code"))
