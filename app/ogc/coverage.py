"""The OGC face's one door to the coverage engine: which coverage collections exist, and their features.

Only this module calls app/coverage, and only through its public use cases (prepare, then the layer's
bands, gaps_geojson or cells_geojson) and the routing budget /api/coverage's routes count, exactly as
/api/coverage does. The set is bounded: every travel mode × the 5-, 10- and 15-minute life circles of TD/T
1062-2021. Each collection has one geometry type and one property schema, because QGIS and ArcGIS add
a collection as a layer and cannot pass per-layer parameters (see README, "Planners' GIS").
"""
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import h3

from app.coverage.figures import describe
from app.coverage.layers import cells_geojson, gaps_geojson, rounded
from app.coverage.routes import BudgetDep  # noqa: F401  (one budget rule for both faces)
from app.coverage.service import CoverageQuery, Layer, RouteBudget, prepare
from geo.coords import Bbox
from geo.modes import TravelMode

BUDGETS = (5, 10, 15)
GAPS_PER_DISTRICT = 50  # every stored gap (the /api/coverage/gaps maximum)
LayerKind = Literal["bands", "gaps", "cells"]
MODE_TITLES = {TravelMode.walk: ("步行", "on foot"), TravelMode.ebike: ("电动自行车", "by e-bike"),
               TravelMode.car: ("驾车", "by car")}


@dataclass(frozen=True)
class CoverageCollection:
    id: str
    mode: TravelMode
    kind: LayerKind
    minutes: int  # the budget; for bands the largest band

    @property
    def title(self) -> str:
        zh, en = MODE_TITLES[self.mode]
        if self.kind == "bands":
            return f"{zh} 5/10/15 分钟覆盖圈 · area within 5, 10 and 15 minutes {en}"
        what = {"gaps": ("未覆盖区域", "gaps (not reached)"), "cells": ("H3 网格", "H3 cells")}[self.kind]
        return f"{zh} {self.minutes} 分钟{what[0]} · {self.minutes}-minute {what[1]} {en}"


def _collections() -> dict[str, CoverageCollection]:
    found = [CoverageCollection(f"coverage-{mode.value}-bands", mode, "bands", max(BUDGETS)) for mode in TravelMode]
    found += [CoverageCollection(f"coverage-{mode.value}-{minutes}-{kind}", mode, kind, minutes)
              for mode in TravelMode for minutes in BUDGETS for kind in ("gaps", "cells")]
    return {c.id: c for c in found}


COLLECTIONS = _collections()


@dataclass(frozen=True, kw_only=True)
class Selection:
    """What a request asks of the coverage besides the collection: the moment and which centres count."""

    at: datetime | None = None
    kinds: tuple[str, ...] = ()
    amenities: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()


def in_service(state: Any) -> bool:
    """Coverage collections are offered while a road network is in service."""
    return state.network.available()


def network_bbox(state: Any) -> Bbox | None:
    """The road network's extent, when it is in service and recorded (an external Valhalla has none)."""
    if not in_service(state):
        return None
    bbox = (state.network.current().manifest or {}).get("bbox")
    return (bbox[0], bbox[1], bbox[2], bbox[3]) if bbox else None


def _layer(session: Any, state: Any, collection: CoverageCollection, selection: Selection, minutes: int,
           budget: RouteBudget) -> Layer:
    query = CoverageQuery(mode=collection.mode, minutes=minutes, at=selection.at, kinds=selection.kinds,
                          amenities=selection.amenities, districts=selection.districts)
    return prepare(session, state.network, query, max_snap_metres=state.settings.max_snap_metres,
                   budget=budget)


def _described(result: dict) -> tuple[list[dict], dict]:
    return result["features"], {k: v for k, v in result.items() if k not in ("type", "features")}


def _as_multipolygon(feature: dict, feature_id: str) -> dict:
    """One geometry type per collection (ArcGIS takes a layer's type from it): areas are MultiPolygons."""
    geometry = feature["geometry"]
    if geometry["type"] == "Polygon":
        geometry = {"type": "MultiPolygon", "coordinates": [geometry["coordinates"]]}
    return {**feature, "id": feature_id, "geometry": geometry}


def bands(session: Any, state: Any, collection: CoverageCollection, selection: Selection,
          budget: RouteBudget) -> tuple[list[dict], dict]:
    """One feature per band: the area reached within 5, 10 and 15 minutes (nested), smallest first;
    the three bands of one expansion."""
    layer = _layer(session, state, collection, selection, collection.minutes, budget)
    features = [_as_multipolygon({"type": "Feature", "geometry": rounded(area), "properties": {
        "mode": collection.mode.value, "minutes": minutes}}, str(minutes))
        for minutes, area in sorted(layer.bands.items()) if not area.is_empty]
    return features, describe(layer)


def gaps(session: Any, state: Any, collection: CoverageCollection, selection: Selection,
         budget: RouteBudget) -> tuple[list[dict], dict]:
    layer = _layer(session, state, collection, selection, collection.minutes, budget)
    features, description = _described(gaps_geojson(session, layer, limit=GAPS_PER_DISTRICT))
    return [_as_multipolygon(f, f"{f['properties']['adcode']}-{f['properties']['rank']}") for f in features], \
        description


def cells(session: Any, state: Any, collection: CoverageCollection, selection: Selection, budget: RouteBudget,
          *, bbox: Bbox | None, limit: int, offset: int) -> tuple[list[dict], int, dict]:
    """A page of H3 cells (the engine pages them), how many match, and what was counted."""
    layer = _layer(session, state, collection, selection, collection.minutes, budget)
    result = cells_geojson(session, layer, bbox=bbox, limit=limit, offset=offset,
                           max_cells=state.settings.max_coverage_cells)
    features, description = _described(result)
    description.pop("number_matched", None)
    description.pop("number_returned", None)
    return features, result["number_matched"], description


def cell_bounds(cell_id: str) -> Bbox | None:
    """The bounds of an H3 cell given by its id, or None if it is not one."""
    if not h3.is_valid_cell(cell_id):
        return None
    lats, lons = zip(*h3.cell_to_boundary(cell_id))
    return min(lons), min(lats), max(lons), max(lats)
