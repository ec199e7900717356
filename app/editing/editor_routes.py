"""The editor's page talks to these: who is signed in, the centres to look after, the hours preview,
and (admins) the users."""
from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from app.catalogue.params import Districts
from app.db import SessionDep
from app.editing.accounts import create_user, me, reissue_token, update_user
from app.editing.auth import ActorDep, AdminDep
from app.editing.hours_preview import preview_hours
from app.editing.schemas import (
    EditorCentreList,
    HoursPreviewIn,
    HoursPreviewOut,
    MeOut,
    UserIn,
    UserOut,
    UserUpdate,
    UserWithToken,
)
from app.editing.triage import editor_centres
from app.editing.users import list_users
from app.errors import responses
from app.http import Offset

router = APIRouter(prefix="/api", tags=["editor"])
users_router = APIRouter(prefix="/api/users", tags=["users"])
UserId = Annotated[int, Path(ge=1, le=2**31 - 1, description="User id")]


@router.get("/me", response_model=MeOut, responses=responses(401))
def who_am_i(session: SessionDep, actor: ActorDep) -> dict:
    """The signed-in user: name, role, and the districts they may change."""
    return me(session, actor)


@router.get("/editor/centres", response_model=EditorCentreList, responses=responses(401, 403, 422))
def centres_to_look_after(
    session: SessionDep, actor: ActorDep, district: Districts = [],
    q: Annotated[str | None, Query(min_length=1, max_length=100, description="Text in name, address or id")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200, offset: Offset = 0,
) -> dict:
    """Centres of the editor's districts (admins: all), those with open rider reports first."""
    return editor_centres(session, actor, districts=district, text=q, limit=limit, offset=offset)


@router.post("/hours/preview", response_model=HoursPreviewOut, responses=responses(422))
def hours_preview(body: HoursPreviewIn) -> dict:
    """Check opening_hours text as it is typed. Invalid text is a 200 with valid=false and the reason;
    open_now is what the open_at filter would answer at `at`."""
    return preview_hours(body)


@users_router.get("", response_model=list[UserOut], responses=responses(401, 403))
def users(session: SessionDep, _: AdminDep) -> list[dict]:
    return list_users(session)


@users_router.post("", status_code=status.HTTP_201_CREATED, response_model=UserWithToken,
                   responses=responses(401, 403, 409, 422))
def add_user(session: SessionDep, admin: AdminDep, body: UserIn) -> dict:
    """Create an editor or admin. The response carries the API token, shown this once."""
    return create_user(session, admin, body)


@users_router.patch("/{user_id}", response_model=UserOut, responses=responses(401, 403, 404, 409, 422))
def change_user(session: SessionDep, admin: AdminDep, user_id: UserId, body: UserUpdate) -> dict:
    """Disable or re-enable, change the role, assign districts."""
    return update_user(session, admin, user_id, body)


@users_router.post("/{user_id}/token", response_model=UserWithToken, responses=responses(401, 403, 404))
def new_token_for(session: SessionDep, admin: AdminDep, user_id: UserId) -> dict:
    """Issue a new token (shown once); the user's old token stops working."""
    return reissue_token(session, admin, user_id)
