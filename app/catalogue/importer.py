"""`servicemap import`: GeoJSON or CSV into the catalogue, all or nothing.

Coordinates copied from Amap/Tencent (GCJ-02) or Baidu (BD-09) are converted to WGS84 here, at
the edge. Every row is validated first; if any row is rejected nothing is written, so one bad
row never half-imports a file. Rows upsert by id, so re-importing the same file changes nothing.
Rows a geocoder placed arrive already in WGS84 (marked WGS84_ROW); rows it could not place arrive
marked UNPLACED and are either rejected or, when allowed, kept in `unplaced_rows` for editors.
"""
import csv
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.catalogue import repository
from app.catalogue.schemas import CentreFields, CentreIn
from app.editing import users
from app.editing.service import snapshot
from geo.coords import CoordinateSystem, to_wgs84
from geo.hours import InvalidOpeningHours, validate_opening_hours

# The city's directory columns and common variants → our field names.
CSV_ALIASES = {"name": "name_zh", "名称": "name_zh", "hours": "opening_hours", "服务时间": "opening_hours",
               "地址": "address", "电话": "phone", "联系电话": "phone", "lng": "lon", "longitude": "lon",
               "latitude": "lat", "district": "district_adcode"}
CSV_ALIASES |= {"区县": "district_adcode", "所属区县": "district_adcode"}
LIST_SEPARATORS = (";", "|", "；", "、")
# Marks set on a row by the geocoding step (app/catalogue/geocoding/service.py).
WGS84_ROW = "_wgs84"  # lon/lat are already WGS84, whatever the file's --crs
UNPLACED = "_unplaced"  # an Unplaced: why the row has no point


class RowError(Exception):
    def __init__(self, field: str | None, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class RejectedRow:
    line: int
    field: str | None
    reason: str


@dataclass(frozen=True)
class Unplaced:
    reason: str
    provider: str | None = None
    reason_zh: str | None = None  # the same in Chinese, for the editors' page


@dataclass(frozen=True)
class UnplacedEntry:
    line: int
    id: str
    reason: str


@dataclass
class ImportReport:
    dry_run: bool
    created: list[str] = field(default_factory=list)
    updated: dict[str, list[str]] = field(default_factory=dict)  # id → changed fields
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # differ from the file, left as stored (only_new)
    rejected: list[RejectedRow] = field(default_factory=list)
    unplaced: list[UnplacedEntry] = field(default_factory=list)  # kept for editors (allow_unplaced)

    @property
    def ok(self) -> bool:
        return not self.rejected


@dataclass(frozen=True, kw_only=True)
class ImportDefaults:
    """Values for rows that lack the column (the city's directory has no kind, source or precision)."""

    kind: str = "service_centre"
    source: str | None = None
    location_precision: str = "approximate"


def read_geojson(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yields (feature number, flat record); 'line' for GeoJSON is the 1-based feature number."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RowError(None, f"not valid JSON: {exc}") from None
    if document.get("type") != "FeatureCollection" or not isinstance(document.get("features"), list):
        raise RowError(None, "a GeoJSON FeatureCollection is required")
    for number, feat in enumerate(document["features"], start=1):
        yield number, _flatten_feature(feat)


def _flatten_feature(feat: Any) -> dict[str, Any]:
    geometry = feat.get("geometry") if isinstance(feat, dict) else None
    if not geometry or geometry.get("type") != "Point":
        return {"_error": ("geometry", "geometry must be a GeoJSON Point")}
    coords = geometry.get("coordinates") or []
    if len(coords) < 2:
        return {"_error": ("geometry", "Point needs [lon, lat]")}
    return {**(feat.get("properties") or {}), "lon": coords[0], "lat": coords[1]}


def read_csv(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yields (line number in the file, record); blank cells become missing values."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            record = {CSV_ALIASES.get(k.strip(), k.strip()): v.strip() for k, v in row.items() if k and v and v.strip()}
            yield reader.line_num, record


def stable_id(record: dict[str, Any]) -> str:
    """An id for directory rows that have none: derived from name and address, so re-imports match."""
    key = f"{record.get('name_zh', '')}|{record.get('address', '')}".encode()
    return "centre-" + hashlib.sha1(key).hexdigest()[:12]


def _split_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return value
    text = str(value)
    for separator in LIST_SEPARATORS:
        text = text.replace(separator, ",")
    return sorted({part.strip() for part in text.split(",") if part.strip()})


def _fields(record: dict[str, Any], defaults: ImportDefaults) -> dict[str, Any]:
    """The row with defaults, id, amenity list and checked hours; coordinates untouched."""
    if "_error" in record:
        raise RowError(*record["_error"])
    record = {"kind": defaults.kind, "location_precision": defaults.location_precision,
              **({"source": defaults.source} if defaults.source else {}),
              **{k: v for k, v in record.items() if k not in (WGS84_ROW, UNPLACED)}}
    record.setdefault("id", stable_id(record))
    if "amenities" in record:
        record["amenities"] = _split_list(record["amenities"])
    if record.get("opening_hours"):
        try:
            record["opening_hours"] = validate_opening_hours(str(record["opening_hours"]))
        except InvalidOpeningHours as exc:
            raise RowError("opening_hours", str(exc)) from None
    return record


def _validated(model: type[CentreFields], record: dict[str, Any]) -> dict[str, Any]:
    try:
        return model.model_validate(record).model_dump()
    except ValidationError as exc:
        first = exc.errors()[0]
        raise RowError(".".join(str(p) for p in first["loc"]) or None, first["msg"]) from None


def normalise(record: dict[str, Any], *, crs: CoordinateSystem, defaults: ImportDefaults) -> dict[str, Any]:
    """Validated column values (WGS84 lon/lat) for one row, or RowError naming the field."""
    fields = _fields(record, defaults)
    fields["lon"], fields["lat"] = _coordinates(fields, CoordinateSystem.wgs84 if record.get(WGS84_ROW) else crs)
    return _validated(CentreIn, fields)


def normalise_unplaced(record: dict[str, Any], *, defaults: ImportDefaults) -> dict[str, Any]:
    """Validated column values of a row that has no point (the geocoder could not place it)."""
    fields = {k: v for k, v in _fields(record, defaults).items() if k not in ("lon", "lat")}
    return _validated(CentreFields, fields)


def _coordinates(record: dict[str, Any], crs: CoordinateSystem) -> tuple[float, float]:
    try:
        lon, lat = float(record["lon"]), float(record["lat"])
    except KeyError as exc:
        raise RowError(exc.args[0], f"{exc.args[0]} is required") from None
    except (TypeError, ValueError):
        raise RowError("lon/lat", "lon and lat must be numbers") from None
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise RowError("lon/lat", f"({lon}, {lat}) is not a longitude/latitude pair")
    wgs_lon, wgs_lat = to_wgs84(lon, lat, crs)
    return round(wgs_lon, 7), round(wgs_lat, 7)


def reader_for(path: Path) -> Callable[[Path], Iterator[tuple[int, dict[str, Any]]]]:
    suffix = path.suffix.lower()
    if suffix in (".geojson", ".json"):
        return read_geojson
    if suffix == ".csv":
        return read_csv
    raise RowError(None, f"unsupported file type {suffix!r}: use .geojson, .json or .csv")


def _check_district(session: Session, record: dict[str, Any], *, require_district: bool) -> None:
    found = repository.district_containing(session, lon=record["lon"], lat=record["lat"])
    claimed = record.get("district_adcode")
    if found is None and require_district:
        raise RowError("geometry", "point lies outside every Kunming district (wrong --crs or swapped lon/lat?)")
    if claimed and found and claimed != found:
        raise RowError("district_adcode", f"point lies in district {found}, not {claimed}")
    record["district_adcode"] = found or claimed


def _changed_fields(new: dict[str, Any], old: repository.CentreRow) -> list[str]:
    current = {**old.properties, "lon": round(old.lon, 7), "lat": round(old.lat, 7)}
    return sorted(key for key, value in new.items() if current.get(key) != value)


def _check_known_district(session: Session, record: dict[str, Any]) -> None:
    claimed = record.get("district_adcode")
    if claimed and not repository.district_exists(session, adcode=claimed):
        raise RowError("district_adcode", f"{claimed} is not a Kunming district")


def import_records(
    session: Session, rows: Iterable[tuple[int, dict[str, Any]]], *, crs: CoordinateSystem,
    defaults: ImportDefaults, dry_run: bool, require_district: bool = True, only_new: bool = False,
    actor: str = "import", allow_unplaced: bool = False, file_name: str | None = None,
) -> ImportReport:
    """Validate all rows, then upsert them in the caller's transaction unless any was rejected.

    only_new adds missing centres and leaves existing ones as stored (editors' changes survive a
    re-seed). Every write is audited under `actor`, like an editor's. Rows marked UNPLACED are
    rejected, or with allow_unplaced kept in `unplaced_rows` (never on the map) in the same transaction."""
    report, accepted, unplaced = ImportReport(dry_run=dry_run), {}, {}
    for line, raw in rows:
        try:
            record = _checked_row(session, raw, crs=crs, defaults=defaults, require_district=require_district)
        except RowError as exc:
            report.rejected.append(RejectedRow(line, exc.field, exc.reason))
            continue
        if record["id"] in accepted or record["id"] in unplaced:
            report.rejected.append(RejectedRow(line, "id", f"duplicate id {record['id']!r} in this file"))
        why: Unplaced | None = raw.get(UNPLACED)
        if why is None:
            accepted[record["id"]] = record
        elif allow_unplaced:
            unplaced[record["id"]] = {"record": CentreFields.model_validate(record).model_dump(mode="json"),
                                      "reason": why.reason, "reason_zh": why.reason_zh, "provider": why.provider,
                                      "line": line}
            report.unplaced.append(UnplacedEntry(line, record["id"], why.reason))
        else:
            report.rejected.append(RejectedRow(line, "address", why.reason))
    existing = repository.existing_centres(session, ids=accepted)
    _classify(report, accepted, existing, only_new=only_new)
    if report.ok and not dry_run:
        repository.upsert_centres(session, records=[accepted[i] for i in (*report.created, *report.updated)])
        _audit(session, report, accepted, existing, actor=actor)
        repository.keep_unplaced(session, rows=list(unplaced.values()), file_name=file_name)
    return report


def _checked_row(session: Session, raw: dict[str, Any], *, crs: CoordinateSystem, defaults: ImportDefaults,
                 require_district: bool) -> dict[str, Any]:
    if UNPLACED in raw:
        record = normalise_unplaced(raw, defaults=defaults)
        _check_known_district(session, record)
        return record
    record = normalise(raw, crs=crs, defaults=defaults)
    _check_district(session, record, require_district=require_district)
    return record


def _classify(report: ImportReport, accepted: dict[str, dict[str, Any]],
              existing: dict[str, repository.CentreRow], *, only_new: bool) -> None:
    for centre_id, record in accepted.items():
        if centre_id not in existing:
            report.created.append(centre_id)
        elif not (changed := _changed_fields(record, existing[centre_id])):
            report.unchanged.append(centre_id)
        elif only_new:
            report.kept.append(centre_id)
        else:
            report.updated[centre_id] = changed


def _audit(session: Session, report: ImportReport, accepted: dict[str, dict[str, Any]],
           existing: dict[str, repository.CentreRow], *, actor: str) -> None:
    for centre_id in (*report.created, *report.updated):
        before = snapshot(existing[centre_id]) if centre_id in existing else None
        after = CentreIn.model_validate(accepted[centre_id]).model_dump(mode="json")
        users.record_audit(session, user_id=None, actor=actor, centre_id=centre_id,
                                      action="import_update" if before else "import_create",
                                      before=before, after=after)
