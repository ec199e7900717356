"""Builders for test records. Test centres are fixtures, clearly named as such, never catalogue data."""
import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from click.testing import Result
from sqlalchemy.orm import Session

from app.catalogue.importer import UNPLACED, ImportDefaults, Unplaced, import_records
from app.editing import users
from app.editing.auth import new_token, token_hash
from geo.coords import CoordinateSystem
from tests.geocoder_server import KEY as GEOCODER_KEY

# Real WGS84 points inside the districts named (checked against the cnmaps boundaries by the tests).
CUIHU_WUHUA = (102.7037, 25.0480)       # 翠湖, 五华区
KUNMING_STATION_GUANDU = (102.7225, 25.0170)  # near 昆明站, 官渡区
CHENGGONG_UNIVERSITY_TOWN = (102.8560, 24.8390)  # 呈贡大学城, 呈贡区


FIXTURE_ACTOR = "test fixture import"
# A city directory (名录) as published: no coordinates.
DIRECTORY_HEADER = "名称,地址,区县,电话,服务时间\n"


def centre_record(**overrides: Any) -> dict[str, Any]:
    lon, lat = overrides.pop("at", CUIHU_WUHUA)
    record = {
        "id": "test-centre-a",
        "name_zh": "测试党群服务中心A",
        "name_en": "Test centre A",
        "kind": "service_centre",
        "level": "community",
        "address": "测试地址1号",
        "opening_hours": "Mo-Fr 09:00-17:00; PH off",
        "amenities": ["drinking_water", "phone_charging"],
        "location_precision": "approximate",
        "source": "test fixture",
        "status": "open",
        "lon": lon,
        "lat": lat,
    }
    record.update(overrides)
    return record


def as_feature(record: dict[str, Any]) -> dict[str, Any]:
    props = {k: v for k, v in record.items() if k not in ("lon", "lat")}
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [record["lon"], record["lat"]]},
            "properties": props}


def write_geojson(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [as_feature(r) for r in records]},
                               ensure_ascii=False), encoding="utf-8")
    return path


def add_centres(session: Session, *records: dict[str, Any], in_kunming: bool = True) -> None:
    """Store records through the real importer (validated, district assigned). Routing tests place
    fixture centres on the foreign test network (Helsinki) with in_kunming=False."""
    report = import_records(session, enumerate(records, start=1), crs=CoordinateSystem.wgs84,
                            defaults=ImportDefaults(), dry_run=False, require_district=in_kunming, actor=FIXTURE_ACTOR)
    assert report.ok, report.rejected
    session.commit()


def add_unplaced(session: Session, *records: dict[str, Any], reason: str = "test: no result") -> None:
    """Directory rows without a point, stored through the real importer as --allow-unplaced would."""
    rows = [(line, {**{k: v for k, v in r.items() if k not in ("lon", "lat")}, UNPLACED: Unplaced(reason, "amap")})
            for line, r in enumerate(records, start=2)]
    report = import_records(session, rows, crs=CoordinateSystem.wgs84, defaults=ImportDefaults(), dry_run=False,
                            actor=FIXTURE_ACTOR, allow_unplaced=True, file_name="test-directory.csv")
    assert report.ok and len(report.unplaced) == len(records), report.rejected
    session.commit()


def write_directory(path: Path, rows: list[tuple[str, ...]], header: str = DIRECTORY_HEADER) -> Path:
    """A directory CSV file (UTF-8), one tuple of column values per row (quoted where a value needs it)."""
    with path.open("w", encoding="utf-8", newline="") as file:
        file.write(header)
        csv.writer(file, lineterminator="\n").writerows(rows)
    return path


def geocode_import(run_cli: Callable[..., Result], path: Path, provider: str = "amap", *extra: str) -> Result:
    """`servicemap import PATH --geocode PROVIDER` against the local geocoder stand-in (fixture `geocoders`)."""
    return run_cli("import", path, "--geocode", provider, "--key", GEOCODER_KEY, "--qps", 2000,
                   "--source", "合成测试名录", *extra)


def add_user(session: Session, *, name: str, role: str = "editor", districts: tuple[str, ...] = ()) -> str:
    """A user with a fresh API token; returns the token."""
    token = new_token()
    users.add_user(session, name=name, role=role, districts=list(districts), token_hash=token_hash(token))
    session.commit()
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
