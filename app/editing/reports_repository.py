"""Database access for rider reports."""
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from app.models import RiderReport

_COLUMNS = (RiderReport.id, RiderReport.centre_id, RiderReport.kind, RiderReport.note, RiderReport.created_at,
            RiderReport.confirmed_at)


def add_report(session: Session, *, centre_id: str, kind: str, note: str | None, client_hash: str) -> dict[str, Any]:
    row = session.execute(
        insert(RiderReport).values(centre_id=centre_id, kind=kind, note=note, client_hash=client_hash)
        .returning(*_COLUMNS)
    ).one()
    return dict(row._mapping)


def lock_client(session: Session, *, client_hash: str) -> None:
    """Serialise one client's reports until the transaction ends (the rate limit counts, then inserts)."""
    session.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(client_hash, 0))))


def reports_by_client_since(session: Session, *, client_hash: str, since: datetime) -> list[datetime]:
    """Times of this client's reports in the window, oldest first."""
    query = (select(RiderReport.created_at).where(RiderReport.client_hash == client_hash,
                                                  RiderReport.created_at >= since)
             .order_by(RiderReport.created_at))
    return list(session.scalars(query))


def reports_for_centre(session: Session, *, centre_id: str, since: datetime, limit: int) -> list[dict[str, Any]]:
    query = (select(*_COLUMNS).where(RiderReport.centre_id == centre_id, RiderReport.created_at >= since)
             .order_by(RiderReport.created_at.desc(), RiderReport.id.desc()).limit(limit))
    return [dict(row._mapping) for row in session.execute(query)]


def get_report(session: Session, *, report_id: int) -> dict[str, Any] | None:
    row = session.execute(select(*_COLUMNS).where(RiderReport.id == report_id)).first()
    return dict(row._mapping) if row else None


def mark_confirmed(session: Session, *, report_id: int, user_id: int) -> None:
    session.execute(update(RiderReport).where(RiderReport.id == report_id)
                    .values(confirmed_by=user_id, confirmed_at=func.now()))
