"""What an editor works through: the centres of their districts with open rider reports first, the
reports themselves, and the history (audit) of those centres. Admins see every district."""
from datetime import datetime, timezone

from sqlalchemy.orm import Session

from app.catalogue import repository
from app.catalogue.service import check_districts
from app.editing import reports_repository, users
from app.editing.auth import Actor, districts_in_view
from app.editing.reports import shaped
from app.errors import Forbidden, NotFound


def editor_centres(
    session: Session, actor: Actor, *, districts: list[str], text: str | None, limit: int, offset: int
) -> dict:
    check_districts(session, districts)
    items, total = reports_repository.editor_centres(session, districts=districts_in_view(actor, districts),
                                                     text=text, limit=limit, offset=offset)
    return {"items": items, "number_matched": total, "limit": limit, "offset": offset}


def _centre_in_view(session: Session, actor: Actor, centre_id: str) -> None:
    """An editor may look at a centre (even a deleted one) only in their districts."""
    centre = repository.get_centre(session, centre_id=centre_id, include_deleted=True)
    if centre is None:
        raise NotFound(f"no centre with id {centre_id!r}", field="centre_id")
    if not actor.is_admin and centre.properties["district_adcode"] not in actor.districts:
        raise Forbidden(f"centre {centre_id} is outside the districts of {actor.name!r}", field="centre_id")


def editor_reports(
    session: Session, actor: Actor, *, centre_id: str | None, districts: list[str], only_open: bool, limit: int,
    offset: int,
) -> list[dict]:
    check_districts(session, districts)
    if centre_id is not None:
        _centre_in_view(session, actor, centre_id)
    rows = reports_repository.editor_reports(session, districts=districts_in_view(actor, districts),
                                             centre_id=centre_id, only_open=only_open, limit=limit, offset=offset)
    now = datetime.now(timezone.utc)
    return [shaped(row, now) for row in rows]


def audit_log(session: Session, actor: Actor, *, centre_id: str | None, limit: int, offset: int) -> list[dict]:
    """Admins read everything (changes to users too); editors the history of their districts' centres."""
    if actor.is_admin:
        return users.audit_entries(session, centre_id=centre_id, districts=None, limit=limit, offset=offset)
    if centre_id is not None:
        _centre_in_view(session, actor, centre_id)
    return users.audit_entries(session, centre_id=centre_id, districts=actor.districts, limit=limit, offset=offset)
