"""Operating the service: serve it, migrate its schema, back it up and restore it."""
import subprocess
import tempfile
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from alembic import command

from app.db import alembic_config, libpq_url
from app.settings import Settings


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes")] = 2,
) -> None:
    """Run the web service (uvicorn) the way it is meant to run in production."""
    Settings()  # refuse bad settings (e.g. placeholder secrets in production) before forking workers
    uvicorn.run("app.main:create_app", factory=True, host=host, port=port, workers=workers,
                # The app reads X-Forwarded-For/-Proto from SERVICEMAP_TRUSTED_PROXIES only
                # (app/ops/middleware.py); uvicorn's own handling would trust 127.0.0.1.
                proxy_headers=False, server_header=False,
                access_log=False,  # the app logs each request as JSON
                timeout_keep_alive=5, backlog=2048,
                # uvicorn kills a worker that does not answer its supervisor's ping within this; the
                # default 5 s killed workers still importing on a busy machine, or busy in GEOS.
                timeout_worker_healthcheck=30)


def migrate() -> None:
    """Bring the database schema up to date (alembic upgrade head)."""
    command.upgrade(alembic_config(Settings().database_url), "head")


def run_pg_tool(args: list[str]) -> str:
    result = subprocess.run(args, capture_output=True, text=True)
    if result.returncode != 0:
        typer.echo(f"{args[0]} failed: {result.stderr.strip()}", err=True)
        raise typer.Exit(1)
    return result.stdout


def backup(file: Annotated[Path, typer.Argument(dir_okay=False, help="Where to write the dump")]) -> None:
    """Dump the whole database (pg_dump custom format)."""
    run_pg_tool(["pg_dump", "--format=custom", "--no-owner", f"--file={file}", libpq_url(Settings().database_url)])
    typer.echo(f"backed up to {file} ({file.stat().st_size} bytes)")


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


