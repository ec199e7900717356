"""Database access. Every function takes the session; values always go in as bound parameters."""
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from geoalchemy2 import Geography
from geoalchemy2.functions import ST_X, ST_Y
from sqlalchemy import ColumnElement, Select, String, cast, func, or_, select, update
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.orm import Session

from app.models import Centre, District, UnplacedRow

# Columns the catalogue describes; the rest are kept by the system (geometry, timestamps, versioning).
SYSTEM_COLUMNS = ("geom", "created_at", "updated_at", "version", "deleted_at")
CENTRE_COLUMNS = [c.key for c in Centre.__table__.columns if c.key not in SYSTEM_COLUMNS]
# Plain columns, not ORM entities: listing the whole city stays a few milliseconds.
_PROPERTY_COLUMNS = [Centre.__table__.c[key] for key in CENTRE_COLUMNS]
TEXT_COLUMNS = (Centre.name_zh, Centre.name_en, Centre.address)  # what `q` searches


@dataclass(frozen=True, kw_only=True)
class CentreFilter:
    kinds: Sequence[str] = ()
    levels: Sequence[str] = ()
    districts: Sequence[str] = ()
    amenities: Sequence[str] = ()  # all of them
    statuses: Sequence[str] = ()
    bbox: tuple[float, float, float, float] | None = None
    text: str | None = None


@dataclass(kw_only=True)
class CentreRow:
    properties: dict[str, Any]
    lon: float
    lat: float
    version: int
    distance_m: float | None = None


def _centre_select() -> Select[Any]:
    return (
        select(*_PROPERTY_COLUMNS, District.name_zh.label("district_name"),
               ST_X(Centre.geom).label("lon"), ST_Y(Centre.geom).label("lat"), Centre.version)
        .select_from(Centre)
        .outerjoin(District, District.adcode == Centre.district_adcode)
    )


def apply_filter(query: Select[Any], where: CentreFilter) -> Select[Any]:
    """``query`` narrowed to the live centres ``where`` asks for (an empty field: no filter)."""
    query = query.where(Centre.deleted_at.is_(None))  # soft-deleted centres are gone for readers
    if where.kinds:
        query = query.where(Centre.kind.in_(where.kinds))
    if where.levels:
        query = query.where(Centre.level.in_(where.levels))
    if where.districts:
        query = query.where(Centre.district_adcode.in_(where.districts))
    if where.statuses:
        query = query.where(Centre.status.in_(where.statuses))
    if where.amenities:
        query = query.where(Centre.amenities.contains(cast(list(where.amenities), ARRAY(String(32)))))
    if where.bbox:
        query = query.where(Centre.geom.intersects(func.ST_MakeEnvelope(*where.bbox, 4326)))
    if where.text:
        query = query.where(text_matches(where.text))
    return query


def text_matches(text: str, columns: Sequence[Any] = TEXT_COLUMNS) -> ColumnElement[bool]:
    """Any of ``columns`` contains ``text``, ignoring case (``%`` and ``_`` in it match themselves)."""
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return or_(*(column.ilike(pattern, escape="\\") for column in columns))


def _to_row(row: Any) -> CentreRow:
    props = dict(row._mapping)
    lon, lat, version = props.pop("lon"), props.pop("lat"), props.pop("version")
    distance = props.pop("distance_m", None)
    return CentreRow(properties=props, lon=lon, lat=lat, version=version, distance_m=distance)


def list_centres(
    session: Session, *, where: CentreFilter, limit: int | None = None, offset: int = 0
) -> list[CentreRow]:
    query = apply_filter(_centre_select(), where).order_by(Centre.id).limit(limit).offset(offset)
    # Core execution on the session's connection: no ORM identity map for read-only rows.
    return [_to_row(row) for row in session.connection().execute(query)]


def hours_of_matching(session: Session, *, where: CentreFilter) -> list[tuple[str, str | None, str]]:
    """(id, opening_hours, status) of every matching centre, by id: enough to filter by hours."""
    query = apply_filter(select(Centre.id, Centre.opening_hours, Centre.status), where).order_by(Centre.id)
    return [tuple(row) for row in session.connection().execute(query)]


def centres_by_ids(session: Session, *, ids: Sequence[str]) -> list[CentreRow]:
    query = _centre_select().where(Centre.id.in_(list(ids))).order_by(Centre.id)
    return [_to_row(row) for row in session.connection().execute(query)]


def count_centres_matching(session: Session, *, where: CentreFilter) -> int:
    query = apply_filter(select(func.count()).select_from(Centre), where)
    return session.scalar(query) or 0


def get_centre(session: Session, *, centre_id: str, include_deleted: bool = False) -> CentreRow | None:
    query = _centre_select().where(Centre.id == centre_id)
    if not include_deleted:
        query = query.where(Centre.deleted_at.is_(None))
    row = session.execute(query).first()
    return _to_row(row) if row else None


def is_deleted(session: Session, *, centre_id: str) -> bool:
    return session.scalar(select(Centre.deleted_at.is_not(None)).where(Centre.id == centre_id)) is True


def update_centre_if_version(
    session: Session, *, record: dict[str, Any], expected_version: int
) -> int | None:
    """Write `record` only if the stored version is still `expected_version`; the new version, or None."""
    values = {k: v for k, v in record.items() if k not in ("id", "lon", "lat")}
    statement = (
        update(Centre)
        .where(Centre.id == record["id"], Centre.version == expected_version, Centre.deleted_at.is_(None))
        .values(**values, geom=func.ST_SetSRID(func.ST_MakePoint(record["lon"], record["lat"]), 4326),
                version=Centre.version + 1, updated_at=func.now())
        .returning(Centre.version)
    )
    return session.scalar(statement)


def set_deleted_if_version(
    session: Session, *, centre_id: str, deleted: bool, expected_version: int | None
) -> int | None:
    """Soft-delete or restore; with expected_version, only if it still matches. The new version, or None."""
    statement = update(Centre).where(Centre.id == centre_id)
    statement = statement.where(Centre.deleted_at.is_(None) if deleted else Centre.deleted_at.is_not(None))
    if expected_version is not None:
        statement = statement.where(Centre.version == expected_version)
    statement = statement.values(deleted_at=func.now() if deleted else None, version=Centre.version + 1,
                                 updated_at=func.now()).returning(Centre.version)
    return session.scalar(statement)


def nearest_centres(
    session: Session, *, lon: float, lat: float, where: CentreFilter, limit: int
) -> list[CentreRow]:
    """Centres by straight-line distance (geography KNN, metres on the spheroid)."""
    origin = cast(func.ST_SetSRID(func.ST_MakePoint(lon, lat), 4326), Geography)
    centre_geog = cast(Centre.geom, Geography)
    query = (
        apply_filter(_centre_select(), where)
        .add_columns(func.ST_Distance(centre_geog, origin).label("distance_m"))
        .order_by(centre_geog.op("<->")(origin))
        .limit(limit)
    )
    return [_to_row(row) for row in session.connection().execute(query)]


def _district_counts(*extra: Any) -> Select[Any]:
    counted = lambda kind: func.count(Centre.id).filter(Centre.kind == kind)  # noqa: E731
    return (
        select(
            District.adcode,
            District.name_zh,
            District.main_urban,
            func.count(Centre.id).label("centres"),
            counted("service_centre").label("service_centres"),
            counted("rider_station").label("rider_stations"),
            *extra,
        )
        .outerjoin(Centre, (Centre.district_adcode == District.adcode) & Centre.deleted_at.is_(None))
        .group_by(District.adcode)
        .order_by(District.adcode)
    )


def district_summaries(session: Session) -> list[dict[str, Any]]:
    return [dict(row._mapping) for row in session.execute(_district_counts())]


def _districts_in(query: Select[Any], bbox: tuple[float, float, float, float] | None) -> Select[Any]:
    return query if bbox is None else query.where(District.geom.intersects(func.ST_MakeEnvelope(*bbox, 4326)))


def district_outlines(
    session: Session, *, bbox: tuple[float, float, float, float] | None, limit: int | None = None, offset: int = 0,
    adcode: str | None = None,
) -> list[dict[str, Any]]:
    """District summaries with their outlines as GeoJSON text (PostGIS writes it, 6 decimals ≈ 0.1 m)."""
    query = _districts_in(_district_counts(func.ST_AsGeoJSON(District.geom, 6).label("geometry")), bbox)
    if adcode is not None:
        query = query.where(District.adcode == adcode)
    return [dict(row._mapping) for row in session.execute(query.limit(limit).offset(offset))]


def count_districts(session: Session, *, bbox: tuple[float, float, float, float] | None) -> int:
    return session.scalar(_districts_in(select(func.count()).select_from(District), bbox)) or 0


def _extent(session: Session, geom: Any, *where: Any) -> tuple[float, float, float, float] | None:
    box = func.ST_Extent(geom)
    query = select(func.ST_XMin(box), func.ST_YMin(box), func.ST_XMax(box), func.ST_YMax(box)).where(*where)
    row = session.execute(query).one()
    return None if row[0] is None else (row[0], row[1], row[2], row[3])


def centre_extent(session: Session) -> tuple[float, float, float, float] | None:
    """West, south, east, north of the live centres; None when there are none."""
    return _extent(session, Centre.geom, Centre.deleted_at.is_(None))


def district_extent(session: Session) -> tuple[float, float, float, float] | None:
    return _extent(session, District.geom)


def district_exists(session: Session, *, adcode: str) -> bool:
    return session.get(District, adcode) is not None


def district_containing(session: Session, *, lon: float, lat: float) -> str | None:
    point = func.ST_SetSRID(func.ST_MakePoint(lon, lat), 4326)
    return session.scalar(select(District.adcode).where(func.ST_Contains(District.geom, point)).limit(1))


def existing_centres(session: Session, *, ids: Iterable[str]) -> dict[str, CentreRow]:
    query = _centre_select().where(Centre.id.in_(list(ids)))
    return {row.properties["id"]: row for row in map(_to_row, session.execute(query))}


def upsert_centres(session: Session, *, records: Sequence[dict[str, Any]]) -> None:
    """Insert or update by id. `records` carry the column values plus lon/lat."""
    if not records:
        return
    values = [
        {**{k: v for k, v in r.items() if k not in ("lon", "lat")},
         "geom": func.ST_SetSRID(func.ST_MakePoint(r["lon"], r["lat"]), 4326)}
        for r in records
    ]
    statement = insert(Centre)
    updated = {c: statement.excluded[c] for c in CENTRE_COLUMNS if c != "id"}
    updated |= {"geom": statement.excluded.geom, "updated_at": func.now(), "version": Centre.version + 1}
    for chunk_start in range(0, len(values), 500):
        session.execute(
            statement.values(values[chunk_start:chunk_start + 500]).on_conflict_do_update(
                index_elements=[Centre.id], set_=updated
            )
        )


def insert_centre(session: Session, *, record: dict[str, Any]) -> bool:
    """Insert a new centre; False if the id exists (live or deleted), atomically."""
    values = {k: v for k, v in record.items() if k not in ("lon", "lat")}
    statement = (
        insert(Centre)
        .values(**values, geom=func.ST_SetSRID(func.ST_MakePoint(record["lon"], record["lat"]), 4326))
        .on_conflict_do_nothing(index_elements=[Centre.id])
        .returning(Centre.id)
    )
    return session.scalar(statement) is not None


def replace_districts(session: Session, *, districts: Sequence[dict[str, Any]]) -> None:
    """Upsert district boundaries (adcode, name_zh, main_urban, wkt, source)."""
    statement = insert(District)
    rows = [
        {"adcode": d["adcode"], "name_zh": d["name_zh"], "main_urban": d["main_urban"], "source": d["source"],
         "geom": func.ST_Multi(func.ST_GeomFromText(d["wkt"], 4326))}
        for d in districts
    ]
    session.execute(
        statement.values(rows).on_conflict_do_update(
            index_elements=[District.adcode],
            set_={c: statement.excluded[c] for c in ("name_zh", "main_urban", "geom", "source")},
        )
    )


def count_centres(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Centre)) or 0


UNPLACED_COLUMNS = ("name_zh", "address", "phone", "opening_hours", "district_adcode", "source")


def keep_unplaced(session: Session, *, rows: Sequence[dict[str, Any]], file_name: str | None) -> None:
    """Upsert directory rows that have no point ({"record", "reason", "provider", "line"}), except those
    whose centre exists by now: a centre with the id makes the row placed."""
    placed = existing_centres(session, ids=[row["record"]["id"] for row in rows])
    values = [
        {"id": row["record"]["id"], **{c: row["record"].get(c) for c in UNPLACED_COLUMNS}, "reason": row["reason"],
         "reason_zh": row["reason_zh"], "provider": row["provider"], "line": row["line"], "file": file_name,
         "record": row["record"]}
        for row in rows if row["record"]["id"] not in placed
    ]
    if not values:
        return
    statement = insert(UnplacedRow)
    updated = {c: statement.excluded[c] for c in values[0] if c != "id"} | {"imported_at": func.now()}
    for chunk_start in range(0, len(values), 500):
        session.execute(statement.values(values[chunk_start:chunk_start + 500])
                        .on_conflict_do_update(index_elements=[UnplacedRow.id], set_=updated))


def list_unplaced(session: Session, *, districts: Sequence[str] | None, limit: int, offset: int) -> list[dict]:
    """Unplaced directory rows, in `districts` (None: all), oldest import first, then by line: the row's
    catalogue fields as imported, with the columns the list is searched and shown by."""
    query = select(UnplacedRow.record, UnplacedRow.id, *(UnplacedRow.__table__.c[c] for c in UNPLACED_COLUMNS),
                   UnplacedRow.reason, UnplacedRow.reason_zh, UnplacedRow.provider, UnplacedRow.line,
                   UnplacedRow.imported_at)
    if districts is not None:
        query = query.where(UnplacedRow.district_adcode.in_(list(districts)))
    query = query.order_by(UnplacedRow.imported_at, UnplacedRow.line, UnplacedRow.id).limit(limit).offset(offset)
    return [{**row.record, **{k: v for k, v in row._mapping.items() if k != "record"}}
            for row in session.execute(query)]
