"""Database access for users and the audit log."""
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import AuditEntry, User


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


def user_exists(session: Session, *, name: str) -> bool:
    return session.scalar(select(User.id).where(User.name == name)) is not None


def set_user_active(session: Session, *, name: str, active: bool) -> bool:
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        return False
    user.active = active
    return True


def record_audit(
    session: Session, *, user_id: int | None, actor: str, action: str, centre_id: str,
    before: dict | None, after: dict | None,
) -> None:
    session.add(AuditEntry(user_id=user_id, actor=actor, action=action, centre_id=centre_id,
                           before=before, after=after))


def audit_entries(session: Session, *, centre_id: str | None, limit: int, offset: int) -> list[dict[str, Any]]:
    query = select(AuditEntry.id, AuditEntry.at, AuditEntry.actor, AuditEntry.action, AuditEntry.centre_id,
                   AuditEntry.before, AuditEntry.after).order_by(AuditEntry.id.desc()).limit(limit).offset(offset)
    if centre_id:
        query = query.where(AuditEntry.centre_id == centre_id)
    return [dict(row._mapping) for row in session.execute(query)]
