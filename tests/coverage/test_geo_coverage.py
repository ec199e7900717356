"""The pure coverage core (geo/coverage.py, geo/demand.py, geo/siting.py) against independent
computations: plain shapely overlays, brute force over every choice of sites, and numpy
sums over a small test raster written here (a labelled fixture, not population data)."""
import itertools
import random

import h3.api.basic_int as h3
import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin
from shapely.geometry import Point, box

from geo import coverage as cov
from geo import demand as dem
from geo.coords import CoordinateSystem, wgs84_to_gcj02
from geo.siting import Candidate, suggest_sites

KUNMING = (102.71, 25.04)


@pytest.mark.parametrize(("lon", "lat", "epsg"), [(102.71, 25.04, 32648), (24.94, 60.17, 32635),
                                                  (0.5, 0.5, 32631), (-70.6, -33.4, 32719)])
def test_metric_crs_is_the_utm_zone_of_the_data(lon: float, lat: float, epsg: int) -> None:
    assert cov.utm_epsg(lon, lat) == epsg
    assert cov.metric_crs(Point(lon, lat).buffer(0.1)) == epsg


def test_reach_cells_keep_cells_near_the_network_and_their_union_is_one_area() -> None:
    """A straight east–west "road" through the box: cells within 500 m of it, found by a distance
    function standing in for the engine's locate (plain geometry, no routing)."""
    lon, lat = KUNMING
    road_lat = lat + 0.01

    def distances(points):
        return [abs(y - road_lat) * 111_320 if x < lon + 0.04 else None for x, y in points]

    bbox = (lon, lat, lon + 0.06, lat + 0.02)
    cells = cov.reach_cells(bbox, distances, reach_m=500.0)
    centres = list(zip(*cov.cell_centres(cells)))
    assert cells and all(abs(y - road_lat) * 111_320 <= 500 and x < lon + 0.04 for x, y in centres)
    every = cov.cells_inside(box(lon - 0.01, lat - 0.01, lon + 0.07, lat + 0.03), cov.MASK_RESOLUTION)
    missed = [c for c in every if c not in set(cells) and abs(h3.cell_to_latlng(c)[0] - road_lat) * 111_320 < 400
              and lon + 0.003 < h3.cell_to_latlng(c)[1] < lon + 0.037]
    assert not missed
    area = cov.cells_area(cells)
    assert area.area == pytest.approx(sum(cov.cell_polygon(c).area for c in cells), rel=1e-9)


def test_point_bands_are_the_smallest_nested_contour_holding_the_point() -> None:
    lon, lat = KUNMING
    contours = {5: Point(lon, lat).buffer(0.005), 10: Point(lon, lat).buffer(0.01), 15: Point(lon, lat).buffer(0.02)}
    xs = np.array([lon, lon + 0.007, lon + 0.015, lon + 0.03])
    assert cov.point_bands(contours, xs, np.full(4, lat)).tolist() == [5, 10, 15, 0]


def test_coverage_of_and_unique_contribution_in_wgs84() -> None:
    lon, lat = KUNMING
    contours = [Point(lon + dx, lat).buffer(0.01) for dx in (0, 0.012, 0.05)]
    area = cov.AnalysisArea("990001", "测试区 (test fixture)", box(lon - 0.02, lat - 0.02, lon + 0.07, lat + 0.02))
    [full] = cov.coverage_of(contours, [area])
    [without] = cov.coverage_of(contours[:2] + contours[3:], [area])
    unique = cov.to_metric(cov.unique_contribution(contours[2], contours[:2]), 32648)
    assert full.covered_m2 - without.covered_m2 == pytest.approx(unique.area, rel=1e-6)
    assert full.area_m2 == pytest.approx(cov.to_metric(area.geometry, 32648).area)
    assert full.area_m2 - full.covered_m2 == pytest.approx(sum(cov.to_metric(g, 32648).area for g in full.gaps),
                                                           rel=1e-6)


def test_cell_bands_are_the_smallest_contour_holding_the_cell_centre() -> None:
    lon, lat = KUNMING
    contours = {5: Point(lon, lat).buffer(0.005), 10: Point(lon, lat).buffer(0.01), 15: Point(lon, lat).buffer(0.02)}
    bands = cov.cell_bands(contours, 9)
    for cell, minutes in bands.items():
        centre = Point(h3.cell_to_latlng(cell)[::-1])
        assert contours[minutes].contains(centre)
        assert all(not contours[m].contains(centre) for m in contours if m < minutes)
    assert set(bands) == set(cov.cells_inside(contours[15], 9))
    assert cov.band_minutes(15) == [5, 10, 15] and cov.band_minutes(1) == [1]


def test_demand_aggregation_keeps_totals() -> None:
    rng = random.Random(3)
    points = [(KUNMING[0] + rng.uniform(-0.05, 0.05), KUNMING[1] + rng.uniform(-0.05, 0.05), rng.uniform(1, 50))
              for _ in range(500)]
    fine = dem.from_points(points, resolution=10)
    assert sum(fine.values()) == pytest.approx(sum(p[2] for p in points))
    for resolution in (7, 9, 11):
        assert sum(dem.aggregate(fine, resolution).values()) == pytest.approx(sum(fine.values()))


def test_population_csv_converts_gcj02_and_names_the_bad_line(tmp_path) -> None:
    gcj = wgs84_to_gcj02(*KUNMING)
    good = tmp_path / "communities.csv"
    good.write_text(f"名称,人口,经度,纬度\n测试社区 (test fixture),1200,{gcj[0]},{gcj[1]}\n", encoding="utf-8")
    [(lon, lat, people)] = dem.read_population_csv(good, crs=CoordinateSystem.gcj02)
    assert (lon, lat) == pytest.approx(KUNMING, abs=1e-8) and people == 1200
    bad = tmp_path / "bad.csv"
    bad.write_text("name,population,lon,lat\nA,10,102.7,25.0\nB,many,102.7,25.0\n", encoding="utf-8")
    with pytest.raises(dem.DemandError, match="line 3"):
        dem.read_population_csv(bad)
    with pytest.raises(dem.DemandError, match="population"):
        (tmp_path / "cols.csv").write_text("name,lon,lat\n", encoding="utf-8")
        dem.read_population_csv(tmp_path / "cols.csv")


def test_raster_pixels_go_to_the_cell_of_their_centre(tmp_path) -> None:
    """A 40 × 40 test raster of 0.001° pixels (a fixture, not population data), with nodata."""
    values = np.arange(1600, dtype="float32").reshape(40, 40) % 7
    values[0, 0] = -1  # nodata
    path = tmp_path / "test-population.tif"
    west, north = KUNMING[0], KUNMING[1] + 0.04
    with rasterio.open(path, "w", driver="GTiff", width=40, height=40, count=1, dtype="float32", crs="EPSG:4326",
                       transform=from_origin(west, north, 0.001, 0.001), nodata=-1) as out:
        out.write(values, 1)
    cells = dem.from_raster(path, resolution=8)
    assert sum(cells.values()) == pytest.approx(float(values[values > 0].sum()), rel=1e-6)
    row, col = 5, 7
    centre = (west + (col + 0.5) * 0.001, north - (row + 0.5) * 0.001)
    assert h3.latlng_to_cell(centre[1], centre[0], 8) in cells
    window = dem.from_raster(path, resolution=8, bounds=(west, north - 0.01, west + 0.01, north))
    assert sum(window.values()) == pytest.approx(float(values[:10, :10][values[:10, :10] > 0].sum()), rel=1e-6)


def test_siting_is_optimal_where_greedy_is_not_and_ranks_by_marginal_gain() -> None:
    # Greedy takes "middle" (5) first and then can add only 3; the optimum is left + right (8).
    candidates = [Candidate("left", 0, 0, frozenset({1, 2})), Candidate("right", 0, 0, frozenset({3, 4})),
                  Candidate("middle", 0, 0, frozenset({2, 3, 9}))]
    demand = {1: 2.0, 2: 2.0, 3: 2.0, 4: 2.0, 9: 1.0, 7: 5.0}
    result = suggest_sites(candidates, demand, covered={7}, k=2)
    assert result.optimal and result.uncovered_demand == 9.0
    assert [s.candidate.id for s in result.suggestions] in (["left", "right"], ["right", "left"])
    assert [s.new_demand for s in result.suggestions] == [4.0, 4.0]


def test_siting_matches_brute_force_on_random_instances() -> None:
    rng = random.Random(8)
    cells = list(range(60))
    demand = {c: rng.uniform(0, 10) for c in cells}
    candidates = [Candidate(f"c{j}", 0, 0, frozenset(rng.sample(cells, 9))) for j in range(12)]
    covered = set(rng.sample(cells, 15))
    for k in (1, 2, 3):
        result = suggest_sites(candidates, demand, covered=covered, k=k)
        best = max(sum(demand[c] for c in set().union(*(x.cells for x in combo)) - covered)
                   for combo in itertools.combinations(candidates, k))
        assert sum(s.new_demand for s in result.suggestions) == pytest.approx(best)
    with pytest.raises(ValueError, match="k must be"):
        suggest_sites(candidates, demand, covered=covered, k=0)
