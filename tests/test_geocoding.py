"""`servicemap import --geocode`: a directory without coordinates placed by Amap, Baidu or Tianditu, answered
by a local HTTP server in each provider's format (tests/geocoder_server.py). Addresses and names are
synthetic test data (合成测试…), not places in Kunming; only the district outlines are real."""
import json
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.catalogue import repository
from app.catalogue.geocoding.client import GeocoderClient, GeocoderStopped, TokenBucket
from app.catalogue.geocoding.providers import APIS, GeocodeQuery
from geo.coords import wgs84_to_gcj02
from geo.geocoders import Failure
from tests.builders import CUIHU_WUHUA, KUNMING_STATION_GUANDU, geocode_import, write_directory
from tests.geocoder_server import KEY, GeocoderServer, Place

SUB_METRE_DEG = 1e-6
DALI = (100.2250, 25.5960)  # 大理古城: in Yunnan, outside every Kunming district


def stored(db: Session) -> dict[str, repository.CentreRow]:
    db.expire_all()
    return {row.properties["name_zh"]: row for row in repository.list_centres(db, where=repository.CentreFilter())}


def count(db: Session, table: str) -> int:
    db.expire_all()
    return db.scalar(text(f"SELECT count(*) FROM {table}"))  # noqa: S608 (a constant table name)


LEVELS = {"amap": ("门牌号", "热点商圈"), "baidu": ("门址", "商圈"), "tianditu": ("门址", "地名地址")}


@pytest.mark.parametrize("provider", ["amap", "baidu", "tianditu"])
def test_directory_is_placed_converted_and_graded(db: Session, run_cli, geocoders, tmp_path, provider) -> None:
    door, area = LEVELS[provider]
    geocoders.places |= {"合成测试路1号": Place(*CUIHU_WUHUA, door), "合成测试商圈": Place(*KUNMING_STATION_GUANDU, area)}
    path = write_directory(tmp_path / "d.csv", [
        ("合成测试驿站甲", "合成测试路1号", "五华区", "0871-0000000", "Mo-Fr 09:00-17:00"),
        ("合成测试驿站乙", "合成测试商圈", "530111", "", "")])
    result = geocode_import(run_cli, path, provider)
    assert result.exit_code == 0, result.output
    assert "imported: 2 new" in result.output and f"2 asked {provider}, 0 from the cache" in result.output
    rows = stored(db)
    first, second = rows["合成测试驿站甲"], rows["合成测试驿站乙"]
    assert (first.lon, first.lat) == pytest.approx(CUIHU_WUHUA, abs=SUB_METRE_DEG)
    assert (second.lon, second.lat) == pytest.approx(KUNMING_STATION_GUANDU, abs=SUB_METRE_DEG)
    assert first.properties["location_precision"] == "building" and second.properties["location_precision"] == "approximate"
    assert first.properties["district_adcode"] == "530102" and second.properties["district_adcode"] == "530111"
    assert f"match level {door}" in first.properties["location_note"]
    assert {"amap": "Amap", "baidu": "Baidu", "tianditu": "Tianditu"}[provider] in first.properties["location_note"]
    assert_kunming_hints(provider, geocoders.requests(provider)[0].params)


def assert_kunming_hints(provider: str, params: dict[str, str]) -> None:
    if provider == "amap":
        assert params["city"] == "530100" and params["address"] == "五华区合成测试路1号"
    elif provider == "baidu":
        assert params["city"] == "昆明市" and params["address"] == "五华区合成测试路1号" and params["output"] == "json"
    else:
        assert json.loads(params["ds"]) == {"keyWord": "昆明市五华区合成测试路1号"}


def unplaceable_directory(tmp_path: Path, geocoders: GeocoderServer) -> Path:
    geocoders.places |= {
        "合成测试路1号": Place(*CUIHU_WUHUA, "门牌号"),
        "合成测试大道": Place(*CUIHU_WUHUA, "道路"),  # a whole road: not a location
        "合成测试路3号": Place(*KUNMING_STATION_GUANDU, "门牌号"),  # in 官渡区, the row says 五华区
        "合成测试路4号": Place(*DALI, "门牌号"),
    }
    return write_directory(tmp_path / "d.csv", [
        ("合成测试驿站1", "合成测试路1号", "五华区", "", ""),
        ("合成测试驿站2", "合成测试无此地址", "五华区", "", ""),
        ("合成测试驿站3", "合成测试大道", "五华区", "", ""),
        ("合成测试驿站4", "合成测试路3号", "五华区", "0871-1111111", "Mo-Fr 09:00-17:00"),
        ("合成测试驿站5", "合成测试路4号", "", "", ""),
    ])


def test_rows_the_geocoder_cannot_place_are_reported_by_line_and_nothing_is_imported(
    db: Session, run_cli, geocoders, tmp_path
) -> None:
    result = geocode_import(run_cli, unplaceable_directory(tmp_path, geocoders))
    assert result.exit_code == 1
    assert "rejected line 3: address: Amap (高德) found no result for “五华区合成测试无此地址”" in result.output
    assert "rejected line 4: address: Amap (高德) matched “五华区合成测试大道” only at level 道路" in result.output
    assert "rejected line 5: address:" in result.output and "in 官渡区 (530111), not the row's 五华区 (530102)" in result.output
    assert "rejected line 6: address:" in result.output and "outside every Kunming district" in result.output
    assert "nothing imported" in result.output and "--allow-unplaced" in result.output
    assert count(db, "centres") == 0 and count(db, "unplaced_rows") == 0


def test_allow_unplaced_keeps_them_off_the_map_with_their_reason(db: Session, run_cli, geocoders, tmp_path) -> None:
    result = geocode_import(run_cli, unplaceable_directory(tmp_path, geocoders), "amap", "--allow-unplaced")
    assert result.exit_code == 0, result.output
    assert "imported: 1 new, 0 changed, 0 unchanged, 0 rejected, 4 unplaced" in result.output
    assert set(stored(db)) == {"合成测试驿站1"}
    rows = {r["name_zh"]: r for r in repository.list_unplaced(db, districts=None, limit=10, offset=0)}
    assert set(rows) == {"合成测试驿站2", "合成测试驿站3", "合成测试驿站4", "合成测试驿站5"}
    fourth = rows["合成测试驿站4"]
    assert (fourth["line"], fourth["provider"], fourth["district_adcode"]) == (5, "amap", "530102")
    assert (fourth["phone"], fourth["opening_hours"], fourth["source"]) == ("0871-1111111", "Mo-Fr 09:00-17:00", "合成测试名录")
    assert "not the row's 五华区" in fourth["reason"] and rows["合成测试驿站5"]["district_adcode"] is None
    assert fourth["reason_zh"] == "高德地图把“五华区合成测试路3号”定位到官渡区，不是名录写的五华区"
    assert rows["合成测试驿站2"]["reason_zh"] == "高德地图没有找到“五华区合成测试无此地址”"
    assert rows["合成测试驿站3"]["reason_zh"] == "高德地图只把“五华区合成测试大道”匹配到“道路”一级，不能作为站点位置"
    assert rows["合成测试驿站5"]["reason_zh"] == "高德地图把“合成测试路4号”定位到了昆明市以外"


def test_quota_stops_the_run_imports_nothing_and_the_next_run_resumes(db: Session, run_cli, geocoders, tmp_path) -> None:
    geocoders.places |= {f"合成测试路{n}号": Place(*CUIHU_WUHUA, "门址") for n in range(1, 6)}
    path = write_directory(tmp_path / "d.csv", [(f"合成测试驿站{n}", f"合成测试路{n}号", "五华区", "", "") for n in range(1, 6)])
    geocoders.quota = 2
    first = geocode_import(run_cli, path, "baidu")
    assert first.exit_code == 1
    assert "geocoding stopped at line 4: Baidu 302 天配额超限" in first.output and "quota" in first.output
    assert "the 2 answers received from baidu in this run are cached" in first.output
    assert count(db, "centres") == 0 and count(db, "geocode_cache") == 2
    geocoders.quota = None  # the next day
    second = geocode_import(run_cli, path, "baidu")
    assert second.exit_code == 0, second.output
    assert "3 asked baidu, 2 from the cache" in second.output and count(db, "centres") == 5
    assert len(geocoders.requests("baidu")) == 3 + 3  # the refused one is asked again, nothing else


@pytest.mark.parametrize("provider", ["amap", "baidu", "tianditu"])
def test_bad_key_stops_at_once(db: Session, run_cli, geocoders, tmp_path, provider: str) -> None:
    path = write_directory(tmp_path / "d.csv", [("合成测试驿站1", "合成测试路1号", "五华区", "", ""),
                                                ("合成测试驿站2", "合成测试路2号", "五华区", "", "")])
    result = run_cli("import", path, "--geocode", provider, "--key", "not-the-key", "--source", "合成测试名录")
    assert result.exit_code == 1
    assert "geocoding stopped at line 2" in result.output and "check the key" in result.output
    assert len(geocoders.requests(provider)) == 1
    assert count(db, "centres") == 0 and count(db, "geocode_cache") == 0


def test_only_missing_keeps_the_files_coordinates(db: Session, run_cli, geocoders, tmp_path) -> None:
    geocoders.places["合成测试路2号"] = Place(*KUNMING_STATION_GUANDU, "门牌号")
    gcj = wgs84_to_gcj02(*CUIHU_WUHUA)
    path = write_directory(tmp_path / "d.csv", [("合成测试驿站1", "合成测试路1号", "", f"{gcj[0]}", f"{gcj[1]}"),
                                                ("合成测试驿站2", "合成测试路2号", "", "", "")],
                           header="名称,地址,区县,lon,lat\n")
    result = geocode_import(run_cli, path, "amap", "--geocode-only-missing", "--crs", "gcj02",
                            "--precision", "building")
    assert result.exit_code == 0, result.output
    rows = stored(db)
    assert (rows["合成测试驿站1"].lon, rows["合成测试驿站1"].lat) == pytest.approx(CUIHU_WUHUA, abs=1e-7)
    assert rows["合成测试驿站1"].properties["location_note"] is None
    assert (rows["合成测试驿站2"].lon, rows["合成测试驿站2"].lat) == pytest.approx(KUNMING_STATION_GUANDU, abs=SUB_METRE_DEG)
    assert [r.params["address"] for r in geocoders.requests()] == ["合成测试路2号"]


def test_a_centre_already_in_the_catalogue_keeps_its_point(db: Session, run_cli, geocoders, tmp_path) -> None:
    geocoders.places["合成测试路1号"] = Place(*CUIHU_WUHUA, "门牌号")
    path = write_directory(tmp_path / "d.csv", [("合成测试驿站1", "合成测试路1号", "五华区", "", "")])
    assert geocode_import(run_cli, path).exit_code == 0
    db.execute(text("UPDATE centres SET geom = ST_SetSRID(ST_MakePoint(102.7100, 25.0500), 4326), "
                    "location_precision = 'exact', location_note = 'placed by an editor'"))
    db.commit()
    geocoders.places.clear()  # the geocoder would find nothing now
    again = geocode_import(run_cli, path, "amap", "--geocode-only-missing")
    assert again.exit_code == 0, again.output
    assert "1 already in the catalogue" in again.output and "0 changed, 1 unchanged" in again.output
    row = stored(db)["合成测试驿站1"]
    assert (row.lon, row.lat, row.properties["location_precision"]) == (102.71, 25.05, "exact")
    assert len(geocoders.requests()) == 1


@pytest.mark.parametrize(("args", "hint"), [(("--allow-unplaced",), "only with --geocode"),
                                            (("--geocode-only-missing",), "only with --geocode"),
                                            (("--geocode", "amap"), "needs the provider's key")])
def test_geocoding_options_are_checked(run_cli, tmp_path, args: tuple[str, ...], hint: str) -> None:
    result = run_cli("import", write_directory(tmp_path / "d.csv", []), *args)
    assert result.exit_code == 2 and hint in result.output


def test_unknown_district_name_is_rejected_without_asking(db: Session, run_cli, geocoders, tmp_path) -> None:
    path = write_directory(tmp_path / "d.csv", [("合成测试驿站1", "合成测试路1号", "某某区", "", "")])
    result = geocode_import(run_cli, path)
    assert result.exit_code == 1 and "rejected line 2: district_adcode: '某某区' is not a Kunming district" in result.output
    assert geocoders.requests() == []


# --- the client: retries and rate ----------------------------------------------------------------------------

def test_client_retries_when_too_fast_then_succeeds(geocoders: GeocoderServer) -> None:
    geocoders.places["合成测试路1号"] = Place(*CUIHU_WUHUA, "门牌号")
    geocoders.too_fast = 2
    client = GeocoderClient(APIS["amap"], key=KEY, url=geocoders.endpoint("amap"), qps=100, retry_pause=0.01)
    _, match = client.ask(APIS["amap"].params(GeocodeQuery("合成测试路1号", "五华区")))
    client.close()
    assert match is not None and client.requests_sent == 3


def test_client_gives_up_when_always_too_fast(geocoders: GeocoderServer) -> None:
    geocoders.too_fast = 100
    client = GeocoderClient(APIS["tianditu"], key=KEY, url=geocoders.endpoint("tianditu"), qps=100, retry_pause=0.001)
    with pytest.raises(GeocoderStopped) as caught:
        client.ask(APIS["tianditu"].params(GeocodeQuery("合成测试路1号")))
    client.close()
    assert caught.value.failure is Failure.too_fast and client.requests_sent == 7  # 1 + 6 retries


class FakeClock:
    """Time that passes only when slept: rates are checked exactly, whatever the machine's load."""

    def __init__(self) -> None:
        self.now, self.slept = 0.0, []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_client_takes_a_token_of_its_rate_per_request(geocoders: GeocoderServer) -> None:
    client = GeocoderClient(APIS["amap"], key=KEY, url=geocoders.endpoint("amap"), qps=20)
    assert client.bucket.rate == 20
    clock = FakeClock()
    client.bucket = TokenBucket(client.bucket.rate, clock=lambda: clock.now, sleep=clock.sleep)
    for n in range(6):
        client.ask(APIS["amap"].params(GeocodeQuery(f"合成测试路{n}号")))
    client.close()
    assert len(geocoders.requests("amap")) == 6 and sum(clock.slept) == pytest.approx(5 / 20)


def test_token_bucket_spaces_takes_evenly() -> None:
    clock = FakeClock()
    bucket = TokenBucket(4.0, clock=lambda: clock.now, sleep=clock.sleep)
    for _ in range(9):
        bucket.take()
    assert sum(clock.slept) == pytest.approx(8 / 4.0)  # the first is free, then 1/4 s each
    clock.now += 10.0  # idle time does not build a burst beyond the capacity of 1
    bucket.take()
    bucket.take()
    assert clock.slept[-1] == pytest.approx(0.25)


# --- a directory of 1,000 rows ------------------------------------------------------------------------------

NO_RESULT = {n for n in range(1000) if n % 100 == 7}  # 10 rows the geocoder does not know
WRONG_DISTRICT = {n for n in range(1000) if n % 250 == 11}  # 4 rows placed in another district
BAD_HOURS = 500


def synthetic_points(db: Session, per_district: int) -> list[tuple[str, str, float, float]]:
    """(adcode, name, lon, lat): seeded random points at least ~100 m inside each real district outline."""
    query = text("""
        SELECT adcode, name_zh, ST_X(p.geom), ST_Y(p.geom)
        FROM districts, ST_Dump(ST_GeneratePoints(ST_Buffer(geom, -0.001), :n, 42)) AS p
        ORDER BY adcode, p.path""")
    return [tuple(row) for row in db.execute(query, {"n": per_district})]


def thousand_rows(db: Session, geocoders: GeocoderServer, path: Path, *, bad_hours: bool) -> dict[int, tuple]:
    points = synthetic_points(db, per_district=72)[:1000]  # 14 districts × 72 ≥ 1,000
    rows = []
    for n, (adcode, name, lon, lat) in enumerate(points):
        address = f"合成测试地址{n}号"
        if n in WRONG_DISTRICT:
            other = next(p for p in points if p[0] != adcode)
            geocoders.places[address] = Place(other[2], other[3], "门牌号")
        elif n not in NO_RESULT:
            geocoders.places[address] = Place(lon, lat, "门牌号" if n % 2 else "兴趣点")
        hours = "sometimes" if bad_hours and n == BAD_HOURS else "Mo-Fr 09:00-17:00"
        rows.append((f"合成测试驿站{n:04d}", address, name, "", hours))
    write_directory(path, rows)
    return {n: point for n, point in enumerate(points)}


def line_of(n: int) -> int:
    return n + 2  # the header is line 1


def test_a_thousand_rows_progress_cache_and_all_or_nothing(db: Session, run_cli, geocoders, tmp_path) -> None:
    path = tmp_path / "directory.csv"
    points = thousand_rows(db, geocoders, path, bad_hours=True)
    first = geocode_import(run_cli, path, "amap")
    assert first.exit_code == 1
    assert "geocoding (amap): 100%" in first.output and "1000/1000" in first.output  # the progress bar
    expected = {line_of(n) for n in NO_RESULT | WRONG_DISTRICT | {BAD_HOURS}}
    reported = {int(line.split()[2].rstrip(":")) for line in first.output.splitlines() if line.startswith("rejected line")}
    assert reported == expected
    assert f"rejected line {line_of(BAD_HOURS)}: opening_hours:" in first.output
    assert count(db, "centres") == 0 and count(db, "unplaced_rows") == 0  # nothing half-imported
    assert len(geocoders.requests()) == 1000

    second = geocode_import(run_cli, path, "amap")  # the same file again: every answer comes from the cache
    assert second.exit_code == 1 and "0 asked amap, 1000 from the cache" in second.output
    assert len(geocoders.requests()) == 1000

    thousand_rows(db, geocoders, path, bad_hours=False)  # the operator fixes the hours
    third = geocode_import(run_cli, path, "amap", "--allow-unplaced")
    assert third.exit_code == 0, third.output[-2000:]
    assert "imported: 986 new, 0 changed, 0 unchanged, 0 rejected, 14 unplaced" in third.output
    assert len(geocoders.requests()) == 1000
    assert count(db, "centres") == 986 and count(db, "unplaced_rows") == 14
    sample = stored(db)["合成测试驿站0003"]
    assert (sample.lon, sample.lat) == pytest.approx(points[3][2:], abs=SUB_METRE_DEG)
    assert sample.properties["district_adcode"] == points[3][0]
