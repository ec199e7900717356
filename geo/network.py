"""Build Valhalla routing tiles from an operator-supplied OSM extract (.osm.pbf).

``build_tiles`` optionally clips the extract to a bbox (pyosmium, keeping whole ways that touch it),
runs the ``valhalla_build_tiles`` executable shipped inside the pyvalhalla wheel, packs the tiles
into one ``tiles.tar`` extract and swaps the finished directory into place atomically. A failed
build raises :class:`NetworkBuildError` and leaves the previous network directory untouched.

Layout of a network directory (what :class:`geo.routing.Router` opens)::

    out_dir/
        tiles.tar       Valhalla tile extract (index.bin + level 0/1/2 .gph tiles), memory-mapped
        manifest.json   the NetworkBuildResult of the build, as JSON

Serving from the tar rather than a loose tile tree matters for reloads: an Actor maps the tar once,
so a Router that is still open keeps a consistent graph after a new build is swapped in.
"""

from __future__ import annotations

import ctypes
import errno
import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import osmium
import valhalla
from valhalla.baldr import GraphTileHeader

log = logging.getLogger(__name__)

TILE_EXTRACT_NAME = "tiles.tar"
MANIFEST_NAME = "manifest.json"
Bbox = tuple[float, float, float, float]  # west, south, east, north (lon/lat, WGS84)
Progress = Callable[[str], None]


class NetworkBuildError(RuntimeError):
    """The road network could not be built; the previous tiles (if any) are still in service."""


@dataclass(frozen=True)
class NetworkBuildResult:
    tile_dir: Path  # the network directory (what Router opens)
    tile_extract: Path  # tile_dir / "tiles.tar"
    source: Path  # the .osm.pbf it was built from
    source_sha256: str
    bbox: Bbox  # extent of the road nodes actually built (may exceed a requested bbox: whole ways)
    road_ways: int  # OSM ways with highway=* or route=ferry that went into the build
    tiles: int  # Valhalla graph tiles over all hierarchy levels
    nodes: int  # graph nodes, summed over tiles and levels
    directed_edges: int
    build_seconds: float
    valhalla_version: str

    def to_json(self) -> dict:
        data = asdict(self)
        for key in ("tile_dir", "tile_extract", "source"):
            data[key] = str(data[key])
        return data


def build_tiles(
    pbf_path: str | Path,
    out_dir: str | Path,
    *,
    bbox: Bbox | None = None,
    progress: Progress | None = None,
    concurrency: int | None = None,
) -> NetworkBuildResult:
    """Build routing tiles for ``pbf_path`` into ``out_dir`` (replaced atomically on success).

    ``bbox`` (west, south, east, north in WGS84 degrees) clips the extract first; ways crossing its
    edge are kept whole. ``progress`` is called with a stage name: "scan", "clip", "tiles",
    "extract", "swap". ``concurrency`` is the number of build threads (default: all cores).
    """
    source, out_dir = Path(pbf_path), Path(out_dir).absolute()
    if not source.is_file():
        raise NetworkBuildError(f"pbf_path: no such file: {source}")
    if bbox is not None:
        bbox = _check_bbox(bbox)
    notify = progress or (lambda stage: None)
    started = time.perf_counter()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.build-", dir=out_dir.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; it becomes the served directory
    try:
        result = _build_into(staging, source, out_dir, bbox, notify, concurrency, started)
        notify("swap")
        _swap_in(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    log.info("built %d tiles (%d edges) from %s in %.1f s", result.tiles, result.directed_edges,
             source.name, result.build_seconds)
    return result


def _build_into(staging: Path, source: Path, out_dir: Path, bbox: Bbox | None,
                notify: Progress, concurrency: int | None, started: float) -> NetworkBuildResult:
    """Build ``tiles.tar`` and ``manifest.json`` inside ``staging``."""
    notify("scan")
    scan = _scan_roads(source, bbox)
    if scan.road_ways == 0:
        where = f"inside bbox {bbox}" if bbox else "in the file"
        raise NetworkBuildError(f"pbf_path: no routable roads {where}: {source}")
    pbf = source
    if bbox is not None:
        notify("clip")
        pbf = _write_clip(source, staging / "clip.osm.pbf", scan)
    tiles, nodes, edges = _run_valhalla(pbf, staging, notify, concurrency)
    (staging / "clip.osm.pbf").unlink(missing_ok=True)
    result = NetworkBuildResult(
        tile_dir=out_dir, tile_extract=out_dir / TILE_EXTRACT_NAME, source=source.absolute(),
        source_sha256=_sha256(source), bbox=scan.bounds, road_ways=scan.road_ways, tiles=tiles,
        nodes=nodes, directed_edges=edges, build_seconds=round(time.perf_counter() - started, 3),
        valhalla_version=valhalla.__version__)
    (staging / MANIFEST_NAME).write_text(json.dumps(result.to_json(), indent=2))
    return result


def _run_valhalla(pbf: Path, staging: Path, notify: Progress, concurrency: int | None) -> tuple[int, int, int]:
    """valhalla_build_tiles into staging/graph, then pack staging/tiles.tar; returns tile counts."""
    graph_dir = staging / "graph"
    graph_dir.mkdir()
    config_path = staging / "valhalla.json"
    config_path.write_text(json.dumps(_build_config(graph_dir, staging / TILE_EXTRACT_NAME)))
    notify("tiles")
    threads = str(concurrency or os.cpu_count() or 1)
    _run_tool([_valhalla_bin("valhalla_build_tiles"), "-c", str(config_path), "-j", threads, str(pbf)],
              "valhalla_build_tiles")
    counts = _count_tiles(graph_dir)
    if counts[0] == 0 or counts[2] == 0:
        raise NetworkBuildError(f"pbf_path: valhalla built no routable tiles from {pbf}")
    notify("extract")
    _run_tool([sys.executable, "-m", "valhalla.valhalla_build_extract", "-c", str(config_path), "-O"],
              "valhalla_build_extract")
    shutil.rmtree(graph_dir)
    config_path.unlink()
    return counts


def read_manifest(tile_dir: str | Path) -> dict | None:
    """The manifest of a built network directory, or None if it has none."""
    path = Path(tile_dir) / MANIFEST_NAME
    return json.loads(path.read_text()) if path.is_file() else None


# --- scanning and clipping --------------------------------------------------------------------

@dataclass
class _Scan:
    road_ways: int
    bounds: Bbox
    way_ids: set[int]
    node_ids: set[int]
    relation_ids: set[int]


def _check_bbox(bbox: Bbox) -> Bbox:
    try:
        west, south, east, north = (float(v) for v in bbox)
    except (TypeError, ValueError) as exc:
        raise ValueError("bbox: expected four numbers west, south, east, north") from exc
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise ValueError(f"bbox: not a valid west, south, east, north box: {bbox}")
    return west, south, east, north


def _is_road(tags) -> bool:
    return "highway" in tags or tags.get("route") == "ferry"


def _scan_roads(source: Path, bbox: Bbox | None) -> _Scan:
    """One pass with node locations: find routable ways (touching bbox, if any) and their extent.

    Ids are kept in plain sets: osmium.IdTracker's dense bitmaps allocate 512 KiB per 4M-id block,
    which is slow and large for the scattered ids of a city extract.
    """
    scan = _Scan(0, (180.0, 90.0, -180.0, -90.0), set(), set(), set())
    bounds = list(scan.bounds)
    processor = osmium.FileProcessor(str(source)).with_locations()
    try:
        for obj in processor.with_filter(osmium.filter.KeyFilter("highway", "route", "type")):
            if obj.is_way() and _is_road(obj.tags):
                coords = [(n.lon, n.lat) for n in obj.nodes if n.location.valid()]
                if not coords or (bbox and not any(_inside(c, bbox) for c in coords)):
                    continue
                scan.way_ids.add(obj.id)
                scan.node_ids.update(n.ref for n in obj.nodes)
                _grow(bounds, coords)
            elif obj.is_relation() and obj.tags.get("type") == "restriction" and all(
                    m.type != "w" or m.ref in scan.way_ids for m in obj.members):
                scan.relation_ids.add(obj.id)
    except RuntimeError as exc:  # libosmium reports corrupt/unknown input as RuntimeError
        raise NetworkBuildError(f"pbf_path: cannot read OSM data from {source}: {exc}") from exc
    scan.road_ways, scan.bounds = len(scan.way_ids), tuple(round(v, 6) for v in bounds)
    return scan


def _inside(coord: tuple[float, float], bbox: Bbox) -> bool:
    return bbox[0] <= coord[0] <= bbox[2] and bbox[1] <= coord[1] <= bbox[3]


def _grow(bounds: list[float], coords: list[tuple[float, float]]) -> None:
    lons, lats = [c[0] for c in coords], [c[1] for c in coords]
    bounds[0], bounds[1] = min(bounds[0], *lons), min(bounds[1], *lats)
    bounds[2], bounds[3] = max(bounds[2], *lons), max(bounds[3], *lats)


def _write_clip(source: Path, target: Path, scan: _Scan) -> Path:
    """Second pass: write the kept roads, all their nodes and the restrictions among them."""
    with osmium.SimpleWriter(str(target)) as writer:
        for obj in osmium.FileProcessor(str(source)):
            if obj.is_node() and obj.id in scan.node_ids:
                writer.add_node(obj)
            elif obj.is_way() and obj.id in scan.way_ids:
                writer.add_way(obj)
            elif obj.is_relation() and obj.id in scan.relation_ids:
                writer.add_relation(obj)
    return target


# --- valhalla tools ---------------------------------------------------------------------------

def _build_config(graph_dir: Path, extract: Path) -> dict:
    config = valhalla.get_config(tile_extract="", tile_dir=graph_dir, verbose=True)
    mjolnir = config["mjolnir"]
    for key in ("traffic_extract", "admin", "landmarks", "timezone", "transit_dir", "transit_feeds_dir"):
        mjolnir[key] = ""  # none of these side databases exist; empty means "not used"
    mjolnir["tile_extract"] = str(extract)
    mjolnir["data_processing"]["use_admin_db"] = False
    return config


def _valhalla_bin(name: str) -> str:
    path = Path(valhalla.__file__).parent / "bin" / name
    if not path.is_file():
        raise NetworkBuildError(f"pyvalhalla ships no {name} executable at {path}")
    return str(path)


def _run_tool(cmd: list[str], name: str) -> None:
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
        raise NetworkBuildError(f"{name} failed (exit {proc.returncode}):\n{tail}")
    log.debug("%s output:\n%s", name, proc.stdout[-4000:])


def _count_tiles(graph_dir: Path) -> tuple[int, int, int]:
    tiles = nodes = edges = 0
    for path in graph_dir.rglob("*.gph"):
        header = GraphTileHeader.from_file(path)
        tiles, nodes, edges = tiles + 1, nodes + header.nodecount, edges + header.directededgecount
    return tiles, nodes, edges


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --- atomic swap ------------------------------------------------------------------------------

_RENAME_EXCHANGE = 2  # linux/fs.h


def _swap_in(staging: Path, out_dir: Path) -> None:
    """Make ``staging`` become ``out_dir``; the old ``out_dir`` ends up at ``staging`` (removed later).

    Uses renameat2(RENAME_EXCHANGE) where available, so readers never see ``out_dir`` missing;
    otherwise two renames with a microsecond gap.
    """
    if not out_dir.exists():
        os.rename(staging, out_dir)
        staging.mkdir()  # the caller removes staging; keep that a no-op
        return
    if _exchange(staging, out_dir):
        return
    backup = staging.with_name(staging.name + ".old")
    os.rename(out_dir, backup)
    os.rename(staging, out_dir)
    os.rename(backup, staging)


def _exchange(a: Path, b: Path) -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    rc = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EPERM, errno.EXDEV):
        return False
    raise NetworkBuildError(f"could not swap {a} into {b}: {os.strerror(err)}")
