"""Rider reports: one tap to say a station is closed, out of water, has a broken charger, or is
fine. Reports never change the catalogue by themselves; an editor confirms them."""
import hashlib
from datetime import datetime, timedelta, timezone

from sqlalchemy.orm import Session

from app.catalogue import repository
from app.editing import reports_repository, users
from app.editing.auth import Actor, check_district
from app.editing.schemas import ReportIn
from app.editing.service import snapshot
from app.errors import Conflict, NotFound, PreconditionFailed, TooManyRequests

RATE_WINDOW = timedelta(hours=1)
RECENT = timedelta(days=7)


def client_hash(client_address: str, *, salt: str) -> str:
    """Who reported, without storing an address: a salted hash of it."""
    return hashlib.sha256(f"{salt}|{client_address}".encode()).hexdigest()


def _with_age(report: dict, now: datetime) -> dict:
    return {**report, "age_seconds": int((now - report["created_at"]).total_seconds()),
            "confirmed": report.pop("confirmed_at") is not None}


def submit_report(
    session: Session, *, centre_id: str, report: ReportIn, client: str, per_hour: int
) -> dict:
    if repository.get_centre(session, centre_id=centre_id) is None:
        raise NotFound(f"no centre with id {centre_id!r}", field="centre_id")
    now = datetime.now(timezone.utc)
    reports_repository.lock_client(session, client_hash=client)  # concurrent posts count one by one
    recent = reports_repository.reports_by_client_since(session, client_hash=client, since=now - RATE_WINDOW)
    if len(recent) >= per_hour:
        retry_after = int((recent[0] + RATE_WINDOW - now).total_seconds()) + 1
        raise TooManyRequests(f"at most {per_hour} reports an hour from one client", retry_after=retry_after)
    stored = reports_repository.add_report(session, centre_id=centre_id, kind=report.kind, note=report.note,
                                          client_hash=client)
    session.commit()
    return _with_age(stored, now)


def recent_reports(session: Session, *, centre_id: str, limit: int) -> list[dict]:
    if repository.get_centre(session, centre_id=centre_id) is None:
        raise NotFound(f"no centre with id {centre_id!r}", field="centre_id")
    now = datetime.now(timezone.utc)
    reports = reports_repository.reports_for_centre(session, centre_id=centre_id, since=now - RECENT, limit=limit)
    return [_with_age(r, now) for r in reports]


def confirm_report(session: Session, actor: Actor, *, report_id: int, close_centre: bool) -> dict:
    """An editor confirms a report; a confirmed "closed" report may mark the centre temporarily closed."""
    report = reports_repository.get_report(session, report_id=report_id)
    if report is None:
        raise NotFound(f"no report with id {report_id}", field="report_id")
    centre = repository.get_centre(session, centre_id=report["centre_id"])
    if centre is None:
        raise NotFound(f"the centre of report {report_id} no longer exists", field="report_id")
    check_district(actor, centre.properties["district_adcode"])
    if report["confirmed_at"] is not None:
        raise Conflict(f"report {report_id} is already confirmed", field="report_id")
    reports_repository.mark_confirmed(session, report_id=report_id, user_id=actor.id)
    before = snapshot(centre)
    if close_centre and report["kind"] == "closed" and centre.properties["status"] == "open":
        record = {**before, "status": "temporarily_closed", "district_adcode": centre.properties["district_adcode"]}
        if repository.update_centre_if_version(session, record=record, expected_version=centre.version) is None:
            session.rollback()
            raise PreconditionFailed(f"centre {report['centre_id']} changed meanwhile; confirm again",
                                     field="report_id")
    after = snapshot(repository.get_centre(session, centre_id=report["centre_id"]))
    users.record_audit(session, user_id=actor.id, actor=actor.name, action="confirm_report",
                                  centre_id=report["centre_id"], before=before, after=after)
    session.commit()
    return _with_age({**report, "confirmed_at": datetime.now(timezone.utc)}, datetime.now(timezone.utc))
