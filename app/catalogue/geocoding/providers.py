"""One small request builder per geocoder, behind one interface.

Each says where its geocoder lives, which parameter carries the key, how fast it may be asked by
default, and how to ask for one address within Kunming. Reading the answer is plain data and lives in
geo/geocoders.py. The parameters (without the key) are also the cache key, so an address asked with
the same hints is never asked twice.
"""
import json
import unicodedata
from dataclasses import dataclass
from typing import Protocol

from geo.geocoders import Failure, Provider, ProviderError

KUNMING_ADCODE = "530100"
KUNMING_NAME = "昆明市"
BAIDU_MAX_ADDRESS_BYTES = 128  # Baidu refuses longer addresses


@dataclass(frozen=True)
class GeocodeQuery:
    """An address to place, with the row's district (Chinese name) when the directory gives one."""

    address: str
    district: str | None = None

    @property
    def text(self) -> str:
        """The normalised address, prefixed with its district unless it names it already."""
        address = normalise_address(self.address)
        if self.district and self.district not in address:
            return self.district + address
        return address


def normalise_address(address: str) -> str:
    """Full-width digits and brackets to ASCII, whitespace removed: spellings of one address share a cache entry."""
    return "".join(unicodedata.normalize("NFKC", address).split())


class GeocoderApi(Protocol):
    provider: Provider
    url: str  # the documented endpoint; settings may point it elsewhere (a proxy, or the tests' server)
    key_parameter: str
    default_qps: float

    def params(self, query: GeocodeQuery) -> dict[str, str]: ...


class AmapApi:
    """`city` takes Kunming's adcode (Amap's city hint does not take county-level units); the district
    goes into the address, as Amap recommends (province, city, district, street, number)."""

    provider = Provider.amap
    url = "https://restapi.amap.com/v3/geocode/geo"
    key_parameter = "key"
    default_qps = 3.0  # the often-quoted personal limit; the console shows the key's own

    def params(self, query: GeocodeQuery) -> dict[str, str]:
        return {"address": query.text, "city": KUNMING_ADCODE, "output": "JSON"}


class BaiduApi:
    """`city` is a hint (Baidu does not restrict to it); coordinates come back in BD-09 (`bd09ll`)."""

    provider = Provider.baidu
    url = "https://api.map.baidu.com/geocoding/v3/"
    key_parameter = "ak"
    default_qps = 3.0  # personal developer quota: 5,000 a day at 3 per second

    def params(self, query: GeocodeQuery) -> dict[str, str]:
        text = query.text
        if len(text.encode()) > BAIDU_MAX_ADDRESS_BYTES:
            raise ProviderError(Failure.refused, f"address longer than Baidu's {BAIDU_MAX_ADDRESS_BYTES} bytes")
        return {"address": text, "city": KUNMING_NAME, "output": "json"}


class TiandituApi:
    """Tianditu takes no city parameter, so the city and district go in front of the address."""

    provider = Provider.tianditu
    url = "https://api.tianditu.gov.cn/geocoder"
    key_parameter = "tk"
    default_qps = 3.0  # Tianditu publishes no per-second limit; bursts get HTTP 429, which we retry

    def params(self, query: GeocodeQuery) -> dict[str, str]:
        text = query.text
        keyword = text if text.startswith(("云南", "昆明")) else KUNMING_NAME + text
        return {"ds": json.dumps({"keyWord": keyword}, ensure_ascii=False)}


APIS: dict[Provider, GeocoderApi] = {api.provider: api for api in (AmapApi(), BaiduApi(), TiandituApi())}
