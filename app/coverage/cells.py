"""The analysis area's H3 cells at one resolution, for the cell layer and siting.

Built once per analysis area, districts and resolution, and kept in the process as three arrays (the
cells and their centres, ~24 bytes a cell); a request's bbox, offset and limit pick from them, so a
client panning the map adds nothing to what is kept. How many cells one area may have is capped
(``max_coverage_cells``): a resolution that would give more is refused, naming it, before anything
is built (resolution 11 over a 20 × 20 km area is ~190,000 cells, over Kunming ~9 million).
"""
from collections.abc import Sequence
from dataclasses import dataclass

import h3.api.basic_int as h3
import numpy as np

from app.coverage.cache import Lru
from app.coverage.service import Layer
from app.errors import InvalidParameter
from geo import coverage as cov

kept_cells: "Lru[AreaCells]" = Lru(8)


@dataclass(frozen=True)
class AreaCells:
    cells: np.ndarray  # int64, sorted
    lon: np.ndarray  # the cells' centres
    lat: np.ndarray

    def within(self, bbox: Sequence[float] | None) -> np.ndarray:
        """Indices of the cells whose centre lies in ``bbox`` (west, south, east, north); all without one."""
        if bbox is None:
            return np.arange(len(self.cells))
        west, south, east, north = bbox
        return np.flatnonzero((self.lon >= west) & (self.lon <= east) & (self.lat >= south) & (self.lat <= north))


def expected_cells(layer: Layer) -> int:
    """About how many cells the analysis area holds at the layer's resolution (H3's average cell area)."""
    area_m2 = sum(layer.area.districts[a].area_m2 for a in layer.adcodes)
    return round(area_m2 / h3.average_hexagon_area(layer.query.resolution, "m^2"))


def area_cells(layer: Layer, *, max_cells: int) -> AreaCells:
    """The cells (centre inside) of the layer's analysis area; a 422 naming ``resolution`` beyond ``max_cells``."""
    expected = expected_cells(layer)
    if expected > max_cells:
        raise InvalidParameter(f"resolution {layer.query.resolution} gives about {expected:,} H3 cells over the "
                               f"analysis area asked for, more than the {max_cells:,} allowed: choose a coarser "
                               "resolution or fewer districts", field="resolution")
    key = (layer.area.digest, tuple(sorted(layer.adcodes)), layer.query.resolution)
    return kept_cells.get(key, lambda: AreaCells(*cov.cells_with_centres_inside(layer.region, layer.query.resolution)))

