"""`servicemap users`: editors and admins and their API tokens."""
from typing import Annotated

import typer

from app.catalogue.service import check_districts
from app.db import database_session
from app.editing import users
from app.editing.auth import ROLES, new_token, token_hash
from app.errors import InvalidParameter
from app.settings import Settings

users_cli = typer.Typer(help="Editors and admins (API tokens)", no_args_is_help=True)


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
        try:
            check_districts(session, district, field="--district")
        except InvalidParameter as error:
            raise typer.BadParameter(error.message, param_hint="--district") from None
        if users.user_exists(session, name=name):
            raise typer.BadParameter(f"user {name!r} exists", param_hint="NAME")
        users.add_user(session, name=name, role=role, districts=district, token_hash=token_hash(token))
    typer.echo(token)


@users_cli.command("disable")
def disable_user(name: Annotated[str, typer.Argument()]) -> None:
    """Revoke a user's token."""
    with database_session(Settings().database_url) as session:
        if not users.set_user_active(session, name=name, active=False):
            raise typer.BadParameter(f"no user {name!r}", param_hint="NAME")
    typer.echo(f"disabled {name}")
