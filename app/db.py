"""Database engine and the per-request session dependency."""
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

from alembic.config import Config
from fastapi import Depends, Request
from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session, sessionmaker

ALEMBIC_INI = Path(__file__).resolve().parent / "alembic.ini"


def alembic_config(database_url: str) -> Config:
    config = Config(str(ALEMBIC_INI))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def make_engine(database_url: str, *, pool_size: int = 5, pool_timeout: float = 30.0,
                statement_timeout_s: float | None = None) -> Engine:
    """pre_ping: a database restart surfaces as one retried connection, not a failed request.
    The web service sizes the pool to its admission limit (app/main.py), with a short pool_timeout
    and a statement timeout; commands keep the defaults."""
    options = {"options": f"-c statement_timeout={int(statement_timeout_s * 1000)}"} if statement_timeout_s else {}
    return create_engine(database_url, pool_pre_ping=True, pool_size=pool_size, max_overflow=2,
                         pool_timeout=pool_timeout, connect_args={"connect_timeout": 5, **options})


def libpq_url(database_url: str) -> str:
    """The URL for libpq tools and psycopg itself, without SQLAlchemy's driver suffix."""
    return database_url.replace("postgresql+psycopg://", "postgresql://", 1)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.sessionmaker() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


@contextmanager
def database_session(database_url: str) -> Iterator[Session]:
    """One transaction on a short-lived engine, for commands: commits on success, rolls back on error."""
    engine = make_engine(database_url)
    try:
        with Session(engine) as session, session.begin():
            yield session
    finally:
        engine.dispose()
