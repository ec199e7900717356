"""`servicemap coverage`, `servicemap report` and `servicemap demand import`."""
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from app.coverage import demand as coverage_demand
from app.coverage.exports import district_rows
from app.coverage.figures import figures
from app.coverage.report import build, write
from app.coverage.service import CoverageQuery, prepare
from app.db import make_engine, make_sessionmaker
from app.errors import ServiceMapError
from app.routing.network import NetworkState
from app.settings import Settings
from geo.amenities import Amenity, Kind
from geo.coords import CoordinateSystem
from geo.coverage import DEFAULT_RESOLUTION
from geo.demand import DemandError
from geo.modes import TravelMode
from geo.routing import RoutingError

coverage_cli = typer.Typer(no_args_is_help=True)
demand_cli = typer.Typer(help="Demand (residents) for coverage figures", no_args_is_help=True)
coverage_cli.add_typer(demand_cli, name="demand")

ModesOption = Annotated[list[TravelMode] | None, typer.Option("--mode", help="Repeatable (default ebike and walk)")]
MinutesOption = Annotated[int, typer.Option(min=1, max=60, help="Time budget in minutes")]
AtOption = Annotated[str | None, typer.Option(help="Only centres open then (ISO 8601, Asia/Shanghai)")]
KindOption = Annotated[list[Kind] | None, typer.Option("--kind", help="Only these kinds (repeatable)")]
AmenityOption = Annotated[list[Amenity] | None, typer.Option("--amenity", help="All of these amenities")]
DistrictOption = Annotated[list[str] | None, typer.Option("--district", help="Adcodes (default: on the network)")]


def _queries(modes, minutes, at, kinds, amenities, districts, resolution) -> list[CoverageQuery]:
    try:
        moment = datetime.fromisoformat(at) if at else None
    except ValueError:
        raise typer.BadParameter(f"not an ISO 8601 time: {at!r}", param_hint="--at") from None
    return [CoverageQuery(mode=m, minutes=minutes, at=moment, kinds=tuple(k.value for k in kinds or ()),
                          amenities=tuple(a.value for a in amenities or ()), districts=tuple(districts or ()),
                          resolution=resolution) for m in modes or [TravelMode.ebike, TravelMode.walk]]


def _run(work):
    settings = Settings()
    state = NetworkState(network_dir=settings.network_dir, valhalla_url=settings.valhalla_url,
                         valhalla_bbox=settings.valhalla_bbox)
    engine = make_engine(settings.database_url)
    try:
        # The use cases commit as they go (long runs keep what they computed), so no outer transaction.
        with make_sessionmaker(engine)() as session:
            result = work(session, state, settings)
            session.commit()
            return result
    except (ServiceMapError, RoutingError, DemandError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    finally:
        engine.dispose()


def _print_table(name: str, numbers: dict) -> None:
    layer = numbers["layer"]
    typer.echo(f"\n{name}: {numbers['centres']['counted']} centres ({numbers['centres']['off_network']} off the "
               f"network); demand: {numbers['demand']['kind']} ({numbers['demand']['unit']}); CRS {numbers['crs']}; "
               f"layer {layer['id']} {'read from the store' if layer['reused'] else 'expanded'} "
               f"({layer['routing_seconds']:.2f} s routing)")
    typer.echo(f"areas inside the analysis area: {numbers['analysis_area']['description']}")
    typer.echo(f"{'adcode':8} {'district':24} {'area km²':>10} {'covered %':>9} {'demand %':>9} {'centres':>7} "
               f"{'largest gap km²':>15}")
    for row in district_rows(numbers):
        demand = "-" if row["demand_covered_pct"] is None else f"{row['demand_covered_pct']:.1f}"
        covered = "-" if row["covered_pct"] is None else f"{row['covered_pct']:.2f}"
        typer.echo(f"{row['adcode']:8} {row['name_zh'][:24]:24} {row['area_m2'] / 1e6:10.2f} "
                   f"{covered:>9} {demand:>9} {row['centres']:7d} {row['largest_gap_m2'] / 1e6:15.3f}")


@coverage_cli.command("coverage")
def coverage_command(mode: ModesOption = None, minutes: MinutesOption = 15, at: AtOption = None,
                     kind: KindOption = None, amenity: AmenityOption = None, district: DistrictOption = None,
                     resolution: Annotated[int, typer.Option(min=6, max=11)] = DEFAULT_RESOLUTION) -> None:
    """Compute (or reuse) coverage and print the district table for each mode."""
    def work(session, state, settings):
        for query in _queries(mode, minutes, at, kind, amenity, district, resolution):
            layer = prepare(session, state, query, max_snap_metres=settings.max_snap_metres)
            _print_table(f"{query.mode.value} {query.minutes} min", figures(session, layer, gaps=1))
    _run(work)


@coverage_cli.command("report")
def report_command(out: Annotated[Path, typer.Option(help="Output directory")] = Path("coverage-report"),
                   mode: ModesOption = None, minutes: MinutesOption = 15, at: AtOption = None,
                   kind: KindOption = None, amenity: AmenityOption = None, district: DistrictOption = None,
                   k: Annotated[int, typer.Option(min=0, max=50, help="New sites to suggest (0: none)")] = 3,
                   resolution: Annotated[int, typer.Option(min=6, max=11)] = DEFAULT_RESOLUTION) -> None:
    """Write report.html (a map that needs no internet) and CSV/GeoJSON exports of coverage, gaps and
    suggestions."""
    def work(session, state, settings):
        reports = [build(session, state, query, k=k, max_snap_metres=settings.max_snap_metres,
                         max_cells=settings.max_coverage_cells)
                   for query in _queries(mode, minutes, at, kind, amenity, district, resolution)]
        return write(reports, out, tile_url=settings.tile_url, tile_attribution=settings.tile_attribution,
                     tile_crs=settings.tile_crs)
    for path in _run(work):
        typer.echo(f"wrote {path}")


class DemandKind(StrEnum):
    raster = "raster"
    csv = "csv"
    osm = "osm"


@demand_cli.command("import")
def demand_import(
    kind: Annotated[DemandKind, typer.Argument(help="raster (GeoTIFF), csv (communities) or osm (.osm.pbf)")],
    file: Annotated[Path | None, typer.Argument(exists=True, dir_okay=False,
                                                help="The file (osm: default the road network's extract)")] = None,
    crs: Annotated[CoordinateSystem, typer.Option(help="Datum of CSV coordinates")] = CoordinateSystem.wgs84,
    name: Annotated[str | None, typer.Option(help="Name shown with the figures")] = None,
) -> None:
    """Import demand; coverage figures then use it (raster before csv before the OSM proxy)."""
    def work(session, state, settings):
        if kind is DemandKind.raster:
            source = coverage_demand.import_raster(session, _need(file), name=name, bounds=_bounds(state))
        elif kind is DemandKind.csv:
            source = coverage_demand.import_csv(session, _need(file), crs=crs, name=name)
        else:
            pbf = file or Path((state.current().manifest or {}).get("source") or "")
            source = coverage_demand.import_osm(session, _need(pbf if pbf.is_file() else None), bounds=_bounds(state))
        return f"imported demand source {source.id}: {source.kind}, {source.cells} cells, total {source.total:g} " \
               f"{source.unit}"
    typer.echo(_run(work))


def _need(path: Path | None) -> Path:
    if path is None:
        raise typer.BadParameter("give the file to import", param_hint="FILE")
    return path


def _bounds(state: NetworkState):
    """Read only the road network's extent of a large raster, when a network is imported."""
    return tuple(state.current().manifest["bbox"]) if state.available() and state.current().manifest else None
