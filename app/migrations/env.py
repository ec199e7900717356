"""Alembic environment: the URL comes from the caller's config or from Settings."""
from alembic import context
from sqlalchemy import create_engine

from app.models import Base
from app.settings import Settings


def run_migrations_online() -> None:
    url = context.config.get_main_option("sqlalchemy.url") or Settings().database_url
    engine = create_engine(url)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
