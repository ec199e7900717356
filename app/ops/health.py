"""Readiness checks."""
from datetime import datetime
from functools import lru_cache

from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.db import alembic_config
from app.routing.network import NetworkState
from geo.hours import SHANGHAI, holiday_calendar_years


@lru_cache(maxsize=1)
def head_revision() -> str | None:
    """The newest migration shipped with this code (read once: it cannot change while running)."""
    return ScriptDirectory.from_config(alembic_config("")).get_current_head()


def readiness(session: Session, *, network: NetworkState) -> dict:
    try:
        revision = session.scalar(text("SELECT version_num FROM alembic_version"))
        database = "ok"
    except SQLAlchemyError as exc:
        revision, database = None, f"unreachable: {type(exc).__name__}"
    head = head_revision()
    migrated = revision is not None and revision == head
    first, last = holiday_calendar_years()
    return {"ready": database == "ok" and migrated, "database": database, "schema_revision": revision,
            "schema_head": head, "road_network": network.available(),
            # Not a readiness condition, but the signal to upgrade chinese-calendar in time.
            "holiday_calendar": {"first_year": first, "last_year": last,
                                 "covers_next_year": last > datetime.now(SHANGHAI).year}}
