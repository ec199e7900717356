"""`servicemap import`: GeoJSON and CSV, datum conversion, rejected rows, dry run, idempotent upsert."""
import json
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from app.catalogue import repository
from app.catalogue.importer import ImportDefaults, import_records, read_csv, read_geojson
from geo.coords import CoordinateSystem, gcj02_to_wgs84, wgs84_to_bd09, wgs84_to_gcj02
from tests.builders import CUIHU_WUHUA, KUNMING_STATION_GUANDU, centre_record, write_geojson

SEED = Path(__file__).resolve().parent.parent / "data" / "centres.geojson"


def stored(db: Session) -> dict[str, repository.CentreRow]:
    db.expire_all()
    return {row.properties["id"]: row for row in repository.list_centres(db, where=repository.CentreFilter())}


def test_geojson_import_then_reimport_changes_nothing(db: Session, run_cli, tmp_path: Path) -> None:
    path = write_geojson(tmp_path / "c.geojson", [centre_record(), centre_record(id="test-centre-b", at=KUNMING_STATION_GUANDU)])
    first = run_cli("import", path)
    assert first.exit_code == 0, first.output
    assert "imported: 2 new, 0 changed, 0 unchanged, 0 rejected" in first.output
    before = stored(db)
    second = run_cli("import", path)
    assert "imported: 0 new, 0 changed, 2 unchanged, 0 rejected" in second.output
    after = stored(db)
    assert {k: (v.properties, v.lon, v.lat) for k, v in before.items()} == {
        k: (v.properties, v.lon, v.lat) for k, v in after.items()}
    assert after["test-centre-b"].properties["district_adcode"] == "530111"


def test_changed_record_is_updated_and_fields_named(db: Session, run_cli, tmp_path: Path) -> None:
    run_cli("import", write_geojson(tmp_path / "a.geojson", [centre_record()]))
    changed = write_geojson(tmp_path / "b.geojson", [centre_record(phone="0871-12345678")])
    result = run_cli("import", changed)
    assert "updated test-centre-a: phone" in result.output
    assert stored(db)["test-centre-a"].properties["phone"] == "0871-12345678"


def test_dry_run_reports_and_writes_nothing(db: Session, run_cli, tmp_path: Path) -> None:
    run_cli("import", write_geojson(tmp_path / "a.geojson", [centre_record()]))
    path = write_geojson(tmp_path / "b.geojson", [centre_record(name_zh="改名"), centre_record(id="test-new")])
    result = run_cli("import", path, "--dry-run")
    assert result.exit_code == 0
    assert "would update test-centre-a: name_zh" in result.output
    assert "would import: 1 new, 1 changed" in result.output
    assert set(stored(db)) == {"test-centre-a"} and stored(db)["test-centre-a"].properties["name_zh"] != "改名"


def test_csv_directory_columns_with_gcj02(db: Session, run_cli, tmp_path: Path) -> None:
    gcj_lon, gcj_lat = wgs84_to_gcj02(*CUIHU_WUHUA)  # as copied from an Amap coordinate picker
    path = tmp_path / "directory.csv"
    path.write_text(
        "name,address,phone,hours,lon,lat\n"
        f"测试社区党群服务中心,五华区测试路1号,0871-0000000,Mo-Fr 09:00-17:30,{gcj_lon},{gcj_lat}\n",
        encoding="utf-8")
    result = run_cli("import", path, "--crs", "gcj02", "--source", "test directory", "--precision", "building")
    assert result.exit_code == 0, result.output
    (row,) = stored(db).values()
    assert (row.lon, row.lat) == pytest.approx(CUIHU_WUHUA, abs=1e-6)
    assert row.properties["opening_hours"] == "Mo-Fr 09:00-17:30"
    assert row.properties["district_adcode"] == "530102" and row.properties["location_precision"] == "building"
    assert row.properties["id"].startswith("centre-")


def test_bd09_coordinates_are_converted(db: Session, tmp_path: Path) -> None:
    bd = wgs84_to_bd09(*KUNMING_STATION_GUANDU)
    report = import_records(db, [(1, centre_record(lon=bd[0], lat=bd[1]))], crs=CoordinateSystem.bd09,
                            defaults=ImportDefaults(), dry_run=False)
    assert report.ok
    row = stored(db)["test-centre-a"]
    assert (row.lon, row.lat) == pytest.approx(KUNMING_STATION_GUANDU, abs=1e-6)


@pytest.mark.parametrize(("bad", "field"), [
    ({"opening_hours": "sometimes"}, "opening_hours"),
    ({"kind": "hospital"}, "kind"),
    ({"amenities": ["jacuzzi"]}, "amenities.0"),
    ({"id": "Bad Id"}, "id"),
    ({"lon": "east"}, "lon/lat"),
    ({"lon": 2.35, "lat": 48.85}, "geometry"),  # Paris: outside every Kunming district
    ({"district_adcode": "530114"}, "district_adcode"),  # the point is in 五华区
    ({"source": ""}, "source"),
    ({"unexpected": 1}, "unexpected"),
])
def test_bad_row_is_rejected_with_line_and_nothing_is_written(
    db: Session, run_cli, tmp_path: Path, bad: dict, field: str
) -> None:
    run_cli("import", write_geojson(tmp_path / "before.geojson", [centre_record(id="test-kept", name_zh="保留")]))
    rows = [centre_record(id="test-good-1"), {**centre_record(id="test-bad"), **bad}, centre_record(id="test-kept", name_zh="新")]
    result = run_cli("import", write_geojson(tmp_path / "mixed.geojson", rows))
    assert result.exit_code == 1
    assert f"rejected line 2: {field}:" in result.output
    assert "nothing imported" in result.output
    assert set(stored(db)) == {"test-kept"} and stored(db)["test-kept"].properties["name_zh"] == "保留"


def test_csv_rejections_report_file_lines(db: Session, tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("name,address,hours,lon,lat\nA,addr,24/7,102.70,25.05\nB,addr,xx:yy,102.70,25.05\n",
                    encoding="utf-8")
    report = import_records(db, read_csv(path), crs=CoordinateSystem.wgs84,
                            defaults=ImportDefaults(source="test"), dry_run=False)
    assert [(r.line, r.field) for r in report.rejected] == [(3, "opening_hours")]


def test_duplicate_ids_in_one_file_are_rejected(db: Session) -> None:
    report = import_records(db, [(1, centre_record()), (2, centre_record())], crs=CoordinateSystem.wgs84,
                            defaults=ImportDefaults(), dry_run=False)
    assert [(r.line, r.field) for r in report.rejected] == [(2, "id")]


def test_unreadable_file_is_refused(run_cli, tmp_path: Path) -> None:
    path = tmp_path / "x.geojson"
    path.write_text("{not json", encoding="utf-8")
    result = run_cli("import", path)
    assert result.exit_code == 1 and "not valid JSON" in result.output


def test_seed_catalogue_imports_cleanly(db: Session) -> None:
    report = import_records(db, read_geojson(SEED), crs=CoordinateSystem.wgs84, defaults=ImportDefaults(),
                            dry_run=True)
    assert report.ok, report.rejected
    features = json.loads(SEED.read_text(encoding="utf-8"))["features"]
    kinds = [feat["properties"]["kind"] for feat in features]
    # 5 records from the seed articles, 1 rider station from shared/research/public-stations.md (data/SOURCES.md).
    assert len(report.created) == len(features) == 6
    assert (kinds.count("service_centre"), kinds.count("rider_station")) == (4, 2)
    for feat in features:
        props = feat["properties"]
        assert props["source"] and props["source_quote"] and props["location_note"]
        # An approximate point must say so; nothing in the seed claims an exact entrance it does not know.
        assert props["location_precision"] in ("building", "approximate")


def test_serve_loads_the_seed_with_only_new(db: Session, run_cli) -> None:
    """What scripts/serve and the container run at every start."""
    first = run_cli("import", SEED, "--only-new")
    assert first.exit_code == 0 and "imported: 6 new" in first.output, first.output
    again = run_cli("import", SEED, "--only-new")
    assert again.exit_code == 0 and "0 new, 0 changed, 6 unchanged" in again.output, again.output


def test_geojson_reimport_after_gcj_conversion_is_stable(db: Session, tmp_path: Path) -> None:
    gcj = wgs84_to_gcj02(*CUIHU_WUHUA)
    rows = [(1, centre_record(lon=gcj[0], lat=gcj[1]))]
    for _ in range(2):
        report = import_records(db, rows, crs=CoordinateSystem.gcj02, defaults=ImportDefaults(), dry_run=False)
    assert report.unchanged == ["test-centre-a"]
    assert gcj02_to_wgs84(*gcj) == pytest.approx(CUIHU_WUHUA, abs=1e-7)
