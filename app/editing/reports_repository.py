"""Database access for rider reports, and the editors' view of them (open reports per centre)."""
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, String, cast, func, insert, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from app.catalogue.repository import TEXT_COLUMNS, text_matches
from app.models import Centre, District, RiderReport, User

_COLUMNS = (RiderReport.id, RiderReport.centre_id, RiderReport.kind, RiderReport.note, RiderReport.created_at,
            RiderReport.confirmed_at, RiderReport.dismissed_at)
_IS_OPEN = (RiderReport.confirmed_at.is_(None), RiderReport.dismissed_at.is_(None))


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


def get_report(session: Session, *, report_id: int, for_update: bool = False) -> dict[str, Any] | None:
    query = select(*_COLUMNS).where(RiderReport.id == report_id)
    row = session.execute(query.with_for_update() if for_update else query).first()
    return dict(row._mapping) if row else None


def mark_confirmed(session: Session, *, report_id: int, user_id: int) -> None:
    session.execute(update(RiderReport).where(RiderReport.id == report_id)
                    .values(confirmed_by=user_id, confirmed_at=func.now()))


def mark_dismissed(session: Session, *, report_id: int, user_id: int) -> None:
    session.execute(update(RiderReport).where(RiderReport.id == report_id)
                    .values(dismissed_by=user_id, dismissed_at=func.now()))


def editor_reports(
    session: Session, *, districts: Sequence[str] | None, centre_id: str | None, only_open: bool, limit: int,
    offset: int,
) -> list[dict[str, Any]]:
    """Reports of live centres in `districts` (None: all), newest first, with the centre and the handler."""
    handler = User.id == func.coalesce(RiderReport.confirmed_by, RiderReport.dismissed_by)
    query = (select(*_COLUMNS, Centre.name_zh.label("centre_name"), Centre.district_adcode,
                    User.name.label("handled_by"))
             .join(Centre, Centre.id == RiderReport.centre_id).outerjoin(User, handler)
             .where(Centre.deleted_at.is_(None)))
    if districts is not None:
        query = query.where(Centre.district_adcode.in_(list(districts)))
    if centre_id is not None:
        query = query.where(RiderReport.centre_id == centre_id)
    if only_open:
        query = query.where(*_IS_OPEN)
    query = query.order_by(RiderReport.created_at.desc(), RiderReport.id.desc()).limit(limit).offset(offset)
    return [dict(row._mapping) for row in session.execute(query)]


def _editor_filter(query: Select[Any], districts: Sequence[str] | None, text: str | None) -> Select[Any]:
    query = query.where(Centre.deleted_at.is_(None))
    if districts is not None:
        query = query.where(Centre.district_adcode.in_(list(districts)))
    if text:
        query = query.where(text_matches(text, (*TEXT_COLUMNS, Centre.id)))  # editors also look centres up by id
    return query


def editor_centres(
    session: Session, *, districts: Sequence[str] | None, text: str | None, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """Live centres with their open reports counted: those with open reports first, the newest report
    first among them, then by name. Also how many centres match."""
    open_reports = (select(RiderReport.centre_id, func.count().label("open_reports"),
                           func.array_agg(func.distinct(RiderReport.kind)).label("open_report_kinds"),
                           func.max(RiderReport.created_at).label("latest_report_at"))
                    .where(*_IS_OPEN).group_by(RiderReport.centre_id).subquery())
    count = func.coalesce(open_reports.c.open_reports, 0)
    query = (select(Centre.id, Centre.name_zh, Centre.name_en, Centre.kind, Centre.status, Centre.district_adcode,
                    District.name_zh.label("district_name"), Centre.address, Centre.location_precision,
                    count.label("open_reports"),
                    func.coalesce(open_reports.c.open_report_kinds, cast([], ARRAY(String))).label("open_report_kinds"),
                    open_reports.c.latest_report_at, Centre.updated_at)
             .outerjoin(District, District.adcode == Centre.district_adcode)
             .outerjoin(open_reports, open_reports.c.centre_id == Centre.id))
    query = (_editor_filter(query, districts, text)
             .order_by((count > 0).desc(), open_reports.c.latest_report_at.desc().nulls_last(), Centre.name_zh,
                       Centre.id).limit(limit).offset(offset))
    total = session.scalar(_editor_filter(select(func.count()).select_from(Centre), districts, text)) or 0
    return [dict(row._mapping) for row in session.execute(query)], total
