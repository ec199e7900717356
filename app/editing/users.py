"""Database access for users and the audit log."""
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import AuditEntry, Centre, District, User

_USER_COLUMNS = (User.id, User.name, User.role, User.districts, User.active, User.created_at)


def active_user_by_token_hash(session: Session, *, token_hash: str) -> dict[str, Any] | None:
    row = session.execute(
        select(User.id, User.name, User.role, User.districts).where(User.token_hash == token_hash, User.active)
    ).first()
    return dict(row._mapping) if row else None


def add_user(session: Session, *, name: str, role: str, districts: list[str], token_hash: str) -> int:
    user = User(name=name, role=role, districts=districts, token_hash=token_hash)
    session.add(user)
    session.flush()
    return user.id


def insert_user_unless_named(
    session: Session, *, name: str, role: str, districts: list[str], token_hash: str
) -> int | None:
    """A new user's id, or None when the name is taken (atomically, in a savepoint)."""
    try:
        with session.begin_nested():
            return add_user(session, name=name, role=role, districts=districts, token_hash=token_hash)
    except IntegrityError:
        return None


def user_exists(session: Session, *, name: str) -> bool:
    return session.scalar(select(User.id).where(User.name == name)) is not None


def set_user_active(session: Session, *, name: str, active: bool) -> bool:
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        return False
    user.active = active
    return True


def list_users(session: Session) -> list[dict[str, Any]]:
    query = select(*_USER_COLUMNS).order_by(User.active.desc(), User.name)
    return [dict(row._mapping) for row in session.execute(query)]


def get_user(session: Session, *, user_id: int, for_update: bool = False) -> dict[str, Any] | None:
    query = select(*_USER_COLUMNS).where(User.id == user_id)
    row = session.execute(query.with_for_update() if for_update else query).first()
    return dict(row._mapping) if row else None


def update_user(session: Session, *, user_id: int, values: dict[str, Any]) -> None:
    """Set role, districts, active or token_hash."""
    session.execute(update(User).where(User.id == user_id).values(**values))


def district_names(session: Session, *, adcodes: Sequence[str] | None) -> list[dict[str, Any]]:
    """{adcode, name_zh, lon, lat} of the given districts (None: all), by adcode; the point lies inside
    the district (a map of it starts there)."""
    inside = func.ST_PointOnSurface(District.geom)
    query = select(District.adcode, District.name_zh, func.ST_X(inside).label("lon"),
                   func.ST_Y(inside).label("lat")).order_by(District.adcode)
    if adcodes is not None:
        query = query.where(District.adcode.in_(list(adcodes)))
    return [dict(row._mapping) for row in session.execute(query)]


def record_audit(
    session: Session, *, user_id: int | None, actor: str, action: str, centre_id: str | None,
    before: dict | None, after: dict | None, details: dict | None = None,
) -> None:
    session.add(AuditEntry(user_id=user_id, actor=actor, action=action, centre_id=centre_id,
                           before=before, after=after, details=details))


def audit_entries(
    session: Session, *, centre_id: str | None, districts: Sequence[str] | None, limit: int, offset: int
) -> list[dict[str, Any]]:
    """Newest first. With `districts`, only entries about centres now in those districts."""
    query = select(AuditEntry.id, AuditEntry.at, AuditEntry.actor, AuditEntry.action, AuditEntry.centre_id,
                   AuditEntry.before, AuditEntry.after, AuditEntry.details)
    if centre_id:
        query = query.where(AuditEntry.centre_id == centre_id)
    if districts is not None:
        query = query.join(Centre, Centre.id == AuditEntry.centre_id).where(Centre.district_adcode.in_(list(districts)))
    query = query.order_by(AuditEntry.id.desc()).limit(limit).offset(offset)
    return [dict(row._mapping) for row in session.execute(query)]
