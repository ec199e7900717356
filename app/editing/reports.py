"""Rider reports: one tap to say a station is closed, out of water, has a broken charger, or is
fine. Reports never change the catalogue by themselves; an editor confirms or dismisses them."""
import hashlib
from datetime import datetime, timedelta, timezone

from sqlalchemy.orm import Session

from app.catalogue import repository
from app.catalogue.repository import CentreRow
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


def report_state(report: dict) -> str:
    if report.get("confirmed_at") is not None:
        return "confirmed"
    return "dismissed" if report.get("dismissed_at") is not None else "open"


def shaped(report: dict, now: datetime) -> dict:
    """A stored report as the API shows it: with its age and what became of it."""
    state = report_state(report)
    return {**report, "age_seconds": int((now - report["created_at"]).total_seconds()), "state": state,
            "confirmed": state == "confirmed", "dismissed": state == "dismissed",
            "handled_at": report.get("confirmed_at") or report.get("dismissed_at")}


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
    return shaped(stored, now)


def recent_reports(session: Session, *, centre_id: str, limit: int) -> list[dict]:
    if repository.get_centre(session, centre_id=centre_id) is None:
        raise NotFound(f"no centre with id {centre_id!r}", field="centre_id")
    now = datetime.now(timezone.utc)
    reports = reports_repository.reports_for_centre(session, centre_id=centre_id, since=now - RECENT, limit=limit)
    return [shaped(r, now) for r in reports]


def _open_report_of_mine(session: Session, actor: Actor, report_id: int) -> tuple[dict, CentreRow]:
    """The report (locked until commit) and its centre, if the actor may handle it and it is still open."""
    report = reports_repository.get_report(session, report_id=report_id, for_update=True)
    if report is None:
        raise NotFound(f"no report with id {report_id}", field="report_id")
    centre = repository.get_centre(session, centre_id=report["centre_id"])
    if centre is None:
        raise NotFound(f"the centre of report {report_id} no longer exists", field="report_id")
    check_district(actor, centre.properties["district_adcode"])
    if (state := report_state(report)) != "open":
        raise Conflict(f"report {report_id} is already {state}", field="report_id")
    return report, centre


def _report_details(report: dict) -> dict:
    return {"report_id": report["id"], "kind": report["kind"], "note": report["note"],
            "reported_at": report["created_at"].isoformat()}


def confirm_report(session: Session, actor: Actor, *, report_id: int, close_centre: bool) -> dict:
    """An editor confirms a report; a confirmed "closed" report may mark the centre temporarily closed."""
    report, centre = _open_report_of_mine(session, actor, report_id)
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
                       centre_id=report["centre_id"], before=before, after=after, details=_report_details(report))
    session.commit()
    now = datetime.now(timezone.utc)
    return shaped({**report, "confirmed_at": now}, now)


def dismiss_report(session: Session, actor: Actor, *, report_id: int) -> dict:
    """An editor judges a report wrong or out of date; the catalogue stays as it is."""
    report, _ = _open_report_of_mine(session, actor, report_id)
    reports_repository.mark_dismissed(session, report_id=report_id, user_id=actor.id)
    users.record_audit(session, user_id=actor.id, actor=actor.name, action="dismiss_report",
                       centre_id=report["centre_id"], before=None, after=None, details=_report_details(report))
    session.commit()
    now = datetime.now(timezone.utc)
    return shaped({**report, "dismissed_at": now}, now)
