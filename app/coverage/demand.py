"""Demand use cases: import a population raster or CSV, derive the OSM proxy, pick what figures use.

Which demand a figure uses, in order: the source asked for by id; else the latest imported
population raster; else the latest community CSV; else the latest OSM building proxy; else a proxy
derived now from the road network's own OSM extract (stored, so it is read once). If even that
has no residential buildings, demand is "none" and figures say so instead of inventing residents.
"""
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy.orm import Session

from app.coverage import repository as repo
from app.errors import InvalidParameter
from app.models import DemandSource
from app.routing.network import ActiveNetwork
from geo import coverage as cov
from geo import demand as dem
from geo.coords import CoordinateSystem

log = logging.getLogger(__name__)
BASE_RESOLUTION = 10
PRIORITY = (dem.RASTER, dem.CSV, dem.OSM_BUILDINGS)
_values_cache: dict[tuple[int, int], tuple[list[int], np.ndarray, np.ndarray, np.ndarray]] = {}


@dataclass(frozen=True)
class Demand:
    kind: str
    source_id: int | None
    name: str | None
    unit: str
    cells: list[int]  # at the figures' resolution
    values: np.ndarray
    lon: np.ndarray  # cell centres
    lat: np.ndarray
    note: str | None = None

    def describe(self) -> dict:
        return {"kind": self.kind, "source_id": self.source_id, "name": self.name, "unit": self.unit,
                "note": self.note}


def _store(session: Session, kind: str, name: str, values: dict[int, float], details: dict) -> DemandSource:
    return repo.create_demand_source(session, kind=kind, name=name, resolution=BASE_RESOLUTION,
                                     unit=dem.UNITS[kind], values=values, details=details)


def import_raster(session: Session, path: Path, *, name: str | None = None,
                  bounds: dem.Bounds | None = None) -> DemandSource:
    values = dem.from_raster(path, resolution=BASE_RESOLUTION, bounds=bounds)
    return _store(session, dem.RASTER, name or path.name, values, {"file": str(path), "bounds": bounds})


def import_csv(session: Session, path: Path, *, crs: CoordinateSystem = CoordinateSystem.wgs84,
               name: str | None = None) -> DemandSource:
    rows = dem.read_population_csv(path, crs=crs)
    values = dem.from_points(rows, resolution=BASE_RESOLUTION)
    return _store(session, dem.CSV, name or path.name, values, {"file": str(path), "rows": len(rows), "crs": crs})


def import_osm(session: Session, pbf: Path, *, bounds: dem.Bounds | None = None) -> DemandSource:
    values = dem.from_osm_buildings(pbf, resolution=BASE_RESOLUTION, bounds=bounds)
    details = {"file": str(pbf), "bounds": bounds, "tags": sorted(dem.RESIDENTIAL_BUILDINGS)}
    return _store(session, dem.OSM_BUILDINGS, f"OSM residential buildings in {pbf.name}", values, details)


def _auto_proxy(session: Session, network: ActiveNetwork) -> DemandSource | None:
    source = (network.manifest or {}).get("source")
    if not source or not Path(source).is_file():
        return None
    log.info("no demand imported: deriving the building-footprint proxy from %s", source)
    proxy = import_osm(session, Path(source), bounds=tuple((network.manifest or {}).get("bbox") or ()) or None)
    session.commit()
    return proxy


def choose_source(session: Session, network: ActiveNetwork, *, source_id: int | None) -> DemandSource | None:
    if source_id is not None:
        source = repo.demand_source(session, source_id=source_id)
        if source is None:
            raise InvalidParameter(f"no demand source with id {source_id}", field="demand")
        return source
    sources = repo.demand_sources(session)
    for kind in PRIORITY:
        of_kind = [s for s in sources if s.kind == kind]
        if of_kind:
            return of_kind[-1]
    return _auto_proxy(session, network)


def _cells_at(session: Session, source: DemandSource, resolution: int):
    key = (source.id, resolution)
    if key not in _values_cache:
        values = dem.aggregate(repo.demand_values(session, source_id=source.id), resolution)
        cells = sorted(values)
        lon, lat = cov.cell_centres(cells)
        _values_cache[key] = (cells, np.array([values[c] for c in cells], dtype=float), lon, lat)
    return _values_cache[key]


def demand_for(session: Session, network: ActiveNetwork, *, resolution: int, source_id: int | None = None) -> Demand:
    source = choose_source(session, network, source_id=source_id)
    if source is None or source.total <= 0:
        note = ("no population raster or community CSV imported, and the road network's OSM extract has no "
                "residential buildings" if source is None or source.kind == dem.OSM_BUILDINGS
                else f"demand source {source.id} is empty")
        empty = np.empty(0)
        return Demand(dem.NONE, source.id if source else None, source.name if source else None,
                      dem.UNITS[dem.NONE], [], empty, empty, empty, note)
    cells, values, lon, lat = _cells_at(session, source, resolution)
    note = "proxy: residential building footprint, not residents" if source.kind == dem.OSM_BUILDINGS else None
    return Demand(source.kind, source.id, source.name, source.unit, cells, values, lon, lat, note)


def describe_sources(session: Session) -> list[dict]:
    return [{"id": s.id, "kind": s.kind, "name": s.name, "unit": s.unit, "resolution": s.resolution,
             "total": s.total, "cells": s.cells, "imported_at": s.imported_at.isoformat()}
            for s in repo.demand_sources(session)]
