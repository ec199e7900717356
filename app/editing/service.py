"""Changing the catalogue: create, partial update, soft delete and restore, each audited.

Concurrent edits are caught with versions: every read returns ETag "v<version>", every change
needs If-Match with it, and the UPDATE itself checks the version, so two editors cannot both win.
"""
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.catalogue import repository
from app.catalogue.repository import CentreRow
from app.catalogue.schemas import CentreIn, CentreUpdate
from app.catalogue.service import feature, local_moment
from app.editing import users
from app.editing.auth import Actor, check_district
from app.errors import Conflict, InvalidParameter, NotFound, PreconditionFailed, PreconditionRequired
from geo.coords import CoordinateSystem, to_wgs84
from geo.hours import validate_opening_hours

MAX_VERSION = 2**31 - 1  # the column is an integer


def etag(version: int) -> str:
    return f'"v{version}"'


def parse_if_match(if_match: str | None) -> int:
    if not if_match:
        raise PreconditionRequired("changes need If-Match with the centre's ETag (from GET)", field="If-Match")
    value = if_match.strip().removeprefix("W/").strip('"')
    digits = value[1:]
    if not value.startswith("v") or not (digits.isascii() and digits.isdigit()) or int(digits) > MAX_VERSION:
        raise InvalidParameter(f"If-Match must be an ETag like \"v3\", got {if_match!r}", field="If-Match")
    return int(digits)


def snapshot(row: CentreRow) -> dict[str, Any]:
    """The record as stored, JSON-ready, for the audit log."""
    fields = {k: v for k, v in row.properties.items() if k != "district_name"}
    return CentreIn.model_validate({**fields, "lon": row.lon, "lat": row.lat}).model_dump(mode="json")


def _validated(record: dict[str, Any]) -> dict[str, Any]:
    if record.get("opening_hours"):
        record["opening_hours"] = validate_opening_hours(record["opening_hours"])
    try:
        return CentreIn.model_validate(record).model_dump()
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InvalidParameter(first["msg"], field=".".join(map(str, first["loc"]))) from None


def _place(session: Session, actor: Actor, record: dict[str, Any]) -> None:
    """Assign the district from the point and check the editor may act there."""
    district = repository.district_containing(session, lon=record["lon"], lat=record["lat"])
    if district is None:
        raise InvalidParameter("the point lies outside every Kunming district", field="lon")
    check_district(actor, district)
    record["district_adcode"] = district


def _current(session: Session, centre_id: str) -> CentreRow:
    row = repository.get_centre(session, centre_id=centre_id)
    if row is None:
        raise NotFound(f"no centre with id {centre_id!r}", field="centre_id")
    return row


def _saved(session: Session, centre_id: str) -> tuple[dict, int]:
    row = _current(session, centre_id)
    return feature(row, local_moment(None)), row.version


def create_centre(session: Session, actor: Actor, data: CentreIn, *, crs: CoordinateSystem) -> tuple[dict, int]:
    lon, lat = to_wgs84(data.lon, data.lat, crs)
    record = _validated({**data.model_dump(), "lon": lon, "lat": lat})
    _place(session, actor, record)
    if not repository.insert_centre(session, record=record):
        session.rollback()
        raise Conflict(f"a centre with id {record['id']!r} exists (perhaps deleted: restore it)", field="id")
    after = snapshot(_current(session, record["id"]))
    users.record_audit(session, user_id=actor.id, actor=actor.name, action="create",
                                  centre_id=record["id"], before=None, after=after)
    session.commit()
    return _saved(session, record["id"])


def update_centre(
    session: Session, actor: Actor, centre_id: str, changes: CentreUpdate, *, if_match: str | None,
    crs: CoordinateSystem,
) -> tuple[dict, int]:
    expected = parse_if_match(if_match)
    current = _current(session, centre_id)
    check_district(actor, current.properties["district_adcode"])
    given = changes.model_dump(exclude_unset=True)
    if ("lon" in given) != ("lat" in given):
        raise InvalidParameter("lon and lat change together", field="lon" if "lat" in given else "lat")
    if "lon" in given:
        given["lon"], given["lat"] = to_wgs84(given["lon"], given["lat"], crs)
    before = snapshot(current)
    record = _validated({**before, **given})
    _place(session, actor, record)
    if repository.update_centre_if_version(session, record=record, expected_version=expected) is None:
        session.rollback()
        raise PreconditionFailed(f"centre {centre_id} changed since version {expected}; reload and retry",
                                 field="If-Match")
    after = snapshot(_current(session, centre_id))
    users.record_audit(session, user_id=actor.id, actor=actor.name, action="update",
                                  centre_id=centre_id, before=before, after=after)
    session.commit()
    return _saved(session, centre_id)


def delete_centre(session: Session, actor: Actor, centre_id: str, *, if_match: str | None) -> None:
    expected = parse_if_match(if_match)
    current = _current(session, centre_id)
    check_district(actor, current.properties["district_adcode"])
    if repository.set_deleted_if_version(session, centre_id=centre_id, deleted=True,
                                         expected_version=expected) is None:
        session.rollback()
        raise PreconditionFailed(f"centre {centre_id} changed since version {expected}", field="If-Match")
    users.record_audit(session, user_id=actor.id, actor=actor.name, action="delete",
                                  centre_id=centre_id, before=snapshot(current), after=None)
    session.commit()


def restore_centre(session: Session, actor: Actor, centre_id: str) -> tuple[dict, int]:
    deleted = repository.get_centre(session, centre_id=centre_id, include_deleted=True)
    if deleted is None or not repository.is_deleted(session, centre_id=centre_id):
        raise NotFound(f"no deleted centre with id {centre_id!r}", field="centre_id")
    check_district(actor, deleted.properties["district_adcode"])
    repository.set_deleted_if_version(session, centre_id=centre_id, deleted=False, expected_version=None)
    users.record_audit(session, user_id=actor.id, actor=actor.name, action="restore",
                                  centre_id=centre_id, before=None, after=snapshot(deleted))
    session.commit()
    return _saved(session, centre_id)
