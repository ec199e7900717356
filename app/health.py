"""Readiness checks."""
from datetime import datetime

from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.db import alembic_config
from app.network import NetworkState
from geo.hours import SHANGHAI, holiday_calendar_years

def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("")).get_current_head()


def readiness(session: Session, *, network: NetworkState) -> dict:
    try:
        revision = session.scalar(text("SELECT version_num FROM alembic_version"))
        database = "ok"
    except SQLAlchemyError as exc:
        revision, database = None, f"unreachable: {type(exc).__name__}"
    migrated = revision is not None and revision == head_revision()
    first, last = holiday_calendar_years()
    return {"ready": database == "ok" and migrated, "database": database, "schema_revision": revision,
            "schema_head": head_revision(), "road_network": network.available(),
            # Not a readiness condition, but the signal to upgrade chinese-calendar in time.
            "holiday_calendar": {"first_year": first, "last_year": last,
                                 "covers_next_year": last > datetime.now(SHANGHAI).year}}
