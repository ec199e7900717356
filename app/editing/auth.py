"""Who may change the catalogue: API tokens, roles and districts.

Tokens are 256-bit random strings shown once when a user is created; only their SHA-256 is
stored (a slow password hash buys nothing for secrets of that entropy, and lookups stay O(1)).
Editors change centres in their own districts; admins change everything; anyone may read.
"""
import hashlib
import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from app.db import SessionDep
from app.editing import users
from app.errors import Forbidden, Unauthorized

ROLES = ("editor", "admin")
# OpenAPI for operations that anyone may call and a token only lifts limits of: no credentials, or a
# bearer token (FastAPI adds the bearer alternative from the dependency; this adds "none").
OPTIONAL_AUTH: dict = {"security": [{}]}
bearer = HTTPBearer(auto_error=False, description="API token from `servicemap users add`")


@dataclass(frozen=True)
class Actor:
    id: int
    name: str
    role: str
    districts: tuple[str, ...]

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def new_token() -> str:
    return "smk_" + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def authenticate(session: Session, token: str | None) -> Actor:
    if not token:
        raise Unauthorized("this change needs an API token: Authorization: Bearer <token>", field="Authorization")
    user = users.active_user_by_token_hash(session, token_hash=token_hash(token))
    if user is None:
        raise Unauthorized("unknown or revoked API token", field="Authorization")
    return Actor(user["id"], user["name"], user["role"], tuple(user["districts"]))


def current_actor(
    session: SessionDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> Actor:
    return authenticate(session, credentials.credentials if credentials else None)


def optional_actor(
    session: SessionDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> Actor | None:
    """The user when a token is sent (a bad token is still 401), else None for the public."""
    return authenticate(session, credentials.credentials) if credentials else None


def require_admin(actor: Annotated[Actor, Depends(current_actor)]) -> Actor:
    if not actor.is_admin:
        raise Forbidden("only admins may do this", field="Authorization")
    return actor


def check_district(actor: Actor, district: str | None) -> None:
    """Editors act only on centres inside their districts (before and after a move)."""
    if actor.is_admin:
        return
    if district is None or district not in actor.districts:
        raise Forbidden(f"editor {actor.name!r} may not change centres in district {district or 'unknown'}",
                        field="district_adcode")


def districts_in_view(actor: Actor, requested: list[str]) -> list[str] | None:
    """The districts a listing covers: the requested ones, which an editor must hold, else all of the
    editor's own; None means every district (an admin asking for no particular one)."""
    if actor.is_admin:
        return requested or None
    for adcode in requested:
        if adcode not in actor.districts:
            raise Forbidden(f"editor {actor.name!r} has no access to district {adcode}", field="district")
    return requested or list(actor.districts)


ActorDep = Annotated[Actor, Depends(current_actor)]
AdminDep = Annotated[Actor, Depends(require_admin)]
OptionalActorDep = Annotated[Actor | None, Depends(optional_actor)]
