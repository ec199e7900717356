"""Who is signed in, and the admins' user management: issue a token (shown once), disable, assign
districts. Every change to a user is audited (audit rows without a centre)."""
from sqlalchemy.orm import Session

from app.catalogue.service import check_districts
from app.editing import users
from app.editing.auth import Actor, new_token, token_hash
from app.editing.schemas import UserIn, UserUpdate
from app.errors import Conflict, InvalidParameter, NotFound


def me(session: Session, actor: Actor) -> dict:
    districts = users.district_names(session, adcodes=None if actor.is_admin else actor.districts)
    return {"id": actor.id, "name": actor.name, "role": actor.role, "districts": districts}


def _check_districts(session: Session, role: str, districts: list[str]) -> None:
    check_districts(session, districts, field="districts")
    if role == "editor" and not districts:
        raise InvalidParameter("an editor needs at least one district", field="districts")


def _audit(session: Session, actor: Actor, action: str, user: dict, **details: object) -> None:
    summary = {"user_id": user["id"], "user": user["name"], **details}
    users.record_audit(session, user_id=actor.id, actor=actor.name, action=action, centre_id=None,
                       before=None, after=None, details=summary)


def _user(session: Session, user_id: int, *, for_update: bool = False) -> dict:
    user = users.get_user(session, user_id=user_id, for_update=for_update)
    if user is None:
        raise NotFound(f"no user with id {user_id}", field="user_id")
    return user


def create_user(session: Session, actor: Actor, data: UserIn) -> dict:
    _check_districts(session, data.role, data.districts)
    token = new_token()
    user_id = users.insert_user_unless_named(session, name=data.name, role=data.role, districts=data.districts,
                                             token_hash=token_hash(token))
    if user_id is None:
        session.rollback()
        raise Conflict(f"a user named {data.name!r} exists", field="name")
    created = _user(session, user_id)
    _audit(session, actor, "user_create", created, role=data.role, districts=data.districts)
    session.commit()
    return {**created, "token": token}


def _refuse_self_lockout(actor: Actor, user_id: int, changes: dict) -> None:
    if user_id != actor.id:
        return
    if changes.get("active") is False:
        raise Conflict("admins cannot disable themselves; ask another admin", field="active")
    if changes.get("role") == "editor":
        raise Conflict("admins cannot take away their own admin role; ask another admin", field="role")


def update_user(session: Session, actor: Actor, user_id: int, changes: UserUpdate) -> dict:
    given = changes.model_dump(exclude_unset=True, exclude_none=True)
    current = _user(session, user_id, for_update=True)
    _refuse_self_lockout(actor, user_id, given)
    merged = {**current, **given}
    _check_districts(session, merged["role"], merged["districts"])
    if given:
        users.update_user(session, user_id=user_id, values=given)
        before = {key: current[key] for key in given}
        _audit(session, actor, "user_update", current, before=before, after=given)
    session.commit()
    return _user(session, user_id)


def reissue_token(session: Session, actor: Actor, user_id: int) -> dict:
    """A new token for a user who lost theirs; the old one stops working at once."""
    user = _user(session, user_id, for_update=True)
    token = new_token()
    users.update_user(session, user_id=user_id, values={"token_hash": token_hash(token)})
    _audit(session, actor, "user_token", user)
    session.commit()
    return {**user, "token": token}
