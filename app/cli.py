"""The `servicemap` command line: each area's commands, plus migrations and backups."""
import typer

from app.catalogue.cli import districts_cli, import_file
from app.coverage.cli import coverage_cli
from app.editing.cli import users_cli
from app.ops.cli import backup, migrate, restore, serve
from app.routing.cli import network_cli

cli = typer.Typer(
    help="servicemap: Kunming service centres and rider stations", no_args_is_help=True,
    pretty_exceptions_enable=False,
)
for command in (serve, migrate, backup, restore):
    cli.command()(command)
cli.command("import")(import_file)
cli.add_typer(districts_cli, name="districts")
cli.add_typer(network_cli, name="network")
cli.add_typer(coverage_cli)  # `coverage`, `report` and the `demand` group at the top level
cli.add_typer(users_cli, name="users")


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
