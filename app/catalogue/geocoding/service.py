"""Placing directory rows that have no coordinates, before the import.

For each row: a centre the catalogue already has keeps its stored point (an editor may have placed
it by hand; a geocode never improves on that, and it costs nothing); otherwise the geocoder's answer
for the address, with Kunming and the row's district as hints, is read from the cache or asked for,
converted to WGS84, and checked: a match too coarse to be a location (a whole road, a district), no
match, or a point outside the row's district (or outside Kunming) leaves the row UNPLACED with the
reason. Every answer that found something or said "no result" is committed to the cache at once, so
a run the provider stops (quota, key) loses none of them; the import itself is a separate transaction.
"""
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from app.catalogue import repository
from app.catalogue.geocoding import cache
from app.catalogue.geocoding.client import GeocoderClient, GeocoderStopped
from app.catalogue.geocoding.providers import GeocodeQuery
from app.catalogue.importer import UNPLACED, WGS84_ROW, Unplaced, stable_id
from geo.boundaries import KUNMING_DISTRICTS
from geo.geocoders import Failure, Match, Provider, ProviderError, read_answer

PROVIDER_NAMES = {Provider.amap: "Amap (高德)", Provider.baidu: "Baidu (百度)", Provider.tianditu: "Tianditu (天地图)"}
# The reasons are also written in Chinese for the editors' page, which community staff read.
PROVIDER_NAMES_ZH = {Provider.amap: "高德地图", Provider.baidu: "百度地图", Provider.tianditu: "天地图"}
Row = tuple[int, dict[str, Any]]


class GeocodingStopped(Exception):
    """The provider stopped the run at `line` (quota, key, unreachable); nothing is imported."""

    def __init__(self, line: int, failure: Failure, message: str) -> None:
        super().__init__(message)
        self.line, self.failure, self.message = line, failure, message


@dataclass
class Tally:
    asked: int = 0  # answers fetched from the provider
    cached: int = 0  # answers read from the cache
    kept: int = 0  # centres already in the catalogue, which keep their stored point
    placed: int = 0
    unplaced: int = 0


def district_adcode(value: Any) -> str | None:
    """A district given as adcode (530102) or name (五华区, 五华, 石林县 for 石林彝族自治县), else None."""
    text = str(value).strip()
    if text in KUNMING_DISTRICTS:
        return text
    stem = text[:-1] if text[-1:] in ("区", "县", "市") else text
    found = [code for code, (name, _) in KUNMING_DISTRICTS.items() if len(stem) >= 2 and name.startswith(stem)]
    return found[0] if len(found) == 1 else None


class DirectoryGeocoder:
    def __init__(self, session: Session, client: GeocoderClient, *, only_missing: bool) -> None:
        self.session, self.client, self.only_missing = session, client, only_missing
        self.provider = client.api.provider
        self.tally = Tally()
        self.stored: dict[str, repository.CentreRow] = {}

    def locate_all(self, rows: Sequence[Row], *, progress: Callable[[Sequence[Row]], Iterable[Row]] = iter) -> list[Row]:
        """Every row, placed, kept as stored, or marked UNPLACED; GeocodingStopped when the provider stops."""
        ids = [raw.get("id") or stable_id(raw) for _, raw in rows]
        self.stored = repository.existing_centres(self.session, ids=ids)
        located = []
        for line, raw in progress(rows):
            try:
                located.append((line, self.locate(raw)))
            except GeocoderStopped as exc:
                raise GeocodingStopped(line, exc.failure, exc.message) from None
        return located

    def locate(self, raw: dict[str, Any]) -> dict[str, Any]:
        if "_error" in raw:
            return raw
        record = dict(raw)
        if "district_adcode" in record:
            adcode = district_adcode(record["district_adcode"])
            if adcode is None:
                return {**record, "_error": ("district_adcode", f"{record['district_adcode']!r} is not a Kunming "
                                                                 "district (give its adcode or name)")}
            record["district_adcode"] = adcode
        if self.only_missing and ("lon" in record or "lat" in record):
            return record  # the file's own coordinates, converted with --crs by the import
        record.pop("lon", None), record.pop("lat", None)
        stored = self.stored.get(record.get("id") or stable_id(record))
        if stored is not None:
            return self._keep_stored(record, stored)
        if not record.get("address"):
            return self._unplaced(record, "no address to geocode", "名录中没有地址，无法自动定位", asked=False)
        district = KUNMING_DISTRICTS.get(record.get("district_adcode") or "", (None,))[0]
        query = GeocodeQuery(str(record["address"]), district)
        try:
            match = self._match(query)
        except ProviderError as exc:  # this one address was refused
            return self._unplaced(record, f"{PROVIDER_NAMES[self.provider]} refused “{query.text}”: {exc.message}",
                                  f"{PROVIDER_NAMES_ZH[self.provider]}拒绝查询“{query.text}”：{exc.message}")
        return self._checked(record, query, match)

    def _match(self, query: GeocodeQuery) -> Match | None:
        params = self.client.api.params(query)
        answer = cache.cached_answer(self.session, provider=self.provider, params=params)
        if answer is not None:
            self.tally.cached += 1
            return read_answer(self.provider, 200, answer)
        answer, match = self.client.ask(params)
        cache.keep_answer(self.session, provider=self.provider, params=params, answer=answer)
        self.session.commit()
        self.tally.asked += 1
        return match

    def _checked(self, record: dict[str, Any], query: GeocodeQuery, match: Match | None) -> dict[str, Any]:
        found = None
        if match is not None and match.precision is not None:
            found = repository.district_containing(self.session, lon=match.lon, lat=match.lat)
        why = _why_unplaced(self.provider, query, match, found=found, claimed=record.get("district_adcode"))
        if why is not None:
            return self._unplaced(record, *why)
        name = PROVIDER_NAMES[self.provider]
        self.tally.placed += 1
        detail = f"; {match.detail}" if match.detail else ""
        note = f"geocoded by {name} from “{query.text}”: match level {match.level}{detail}; not checked on a map"
        return {**record, "lon": match.lon, "lat": match.lat, WGS84_ROW: True, "district_adcode": found,
                "location_precision": match.precision.value, "location_note": note}

    def _keep_stored(self, record: dict[str, Any], stored: repository.CentreRow) -> dict[str, Any]:
        self.tally.kept += 1
        props = stored.properties
        return {**record, "lon": round(stored.lon, 7), "lat": round(stored.lat, 7), WGS84_ROW: True,
                "location_precision": props["location_precision"], "location_note": props["location_note"]}

    def _unplaced(self, record: dict[str, Any], reason: str, reason_zh: str, *, asked: bool = True) -> dict[str, Any]:
        self.tally.unplaced += 1
        return {**record, UNPLACED: Unplaced(reason, self.provider.value if asked else None, reason_zh=reason_zh)}


def _why_unplaced(provider: Provider, query: GeocodeQuery, match: Match | None, *, found: str | None,
                  claimed: str | None) -> tuple[str, str] | None:
    """Why the answer does not place the row, in English and in Chinese; None when it does."""
    name, zh, text = PROVIDER_NAMES[provider], PROVIDER_NAMES_ZH[provider], query.text
    if match is None:
        return f"{name} found no result for “{text}”", f"{zh}没有找到“{text}”"
    if match.precision is None:
        return (f"{name} matched “{text}” only at level {match.level or 'unknown'}, which is not a location",
                f"{zh}只把“{text}”匹配到“{match.level or '未知'}”一级，不能作为站点位置")
    where = f"{name} placed “{text}” at {match.lon:.5f},{match.lat:.5f} (WGS84)"
    if found is None:
        return f"{where}, outside every Kunming district", f"{zh}把“{text}”定位到了昆明市以外"
    if claimed and claimed != found:
        return (f"{where}, in {_district_name(found)} ({found}), not the row's {_district_name(claimed)} ({claimed})",
                f"{zh}把“{text}”定位到{_district_name(found)}，不是名录写的{_district_name(claimed)}")
    return None


def _district_name(adcode: str) -> str:
    return KUNMING_DISTRICTS.get(adcode, (adcode,))[0]
