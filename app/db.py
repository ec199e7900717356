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


def make_engine(database_url: str) -> Engine:
    # pre_ping: a database restart surfaces as one retried connection, not a failed request.
    return create_engine(database_url, pool_pre_ping=True, pool_size=10, max_overflow=10)


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
