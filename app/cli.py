"""The `servicemap` command line: each area's commands, plus migrations and backups."""
import subprocess
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from alembic import command

from app.catalogue.cli import districts_cli, import_file
from app.coverage.cli import coverage_cli
from app.db import alembic_config
from app.editing.cli import users_cli
from app.routing.cli import network_cli
from app.settings import Settings

cli = typer.Typer(
    help="servicemap: Kunming service centres and rider stations", no_args_is_help=True,
    pretty_exceptions_enable=False,
)
cli.command("import")(import_file)
cli.add_typer(districts_cli, name="districts")
cli.add_typer(network_cli, name="network")
cli.add_typer(coverage_cli)  # `coverage`, `report` and the `demand` group at the top level
cli.add_typer(users_cli, name="users")


@cli.command()
def migrate() -> None:
    """Bring the database schema up to date (alembic upgrade head)."""
    command.upgrade(alembic_config(Settings().database_url), "head")


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
