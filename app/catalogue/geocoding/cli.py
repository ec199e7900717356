"""The geocoding step of `servicemap import --geocode`: progress, the tally, and why a run stopped."""
from typing import Any

import typer
from sqlalchemy.orm import Session
from tqdm import tqdm

from app.catalogue.geocoding.client import GeocoderClient
from app.catalogue.geocoding.providers import APIS
from app.catalogue.geocoding.service import DirectoryGeocoder, GeocodingStopped, Tally
from app.db import make_engine
from app.settings import Settings
from geo.geocoders import Failure, Provider

Rows = list[tuple[int, dict[str, Any]]]

STOP_ADVICE = {
    Failure.quota: "the key's quota is used up; run the same command again when it resets (Amap and Baidu: "
                   "midnight, Beijing time)",
    Failure.bad_key: "check the key, the service it is enabled for (Amap: Web服务; Baidu: 服务端) and its IP "
                     "whitelist in the provider's console",
    Failure.too_fast: "lower --qps to what the console allows the key",
    Failure.unavailable: "the provider could not be reached or answered nonsense; try again later",
}


def geocode_rows(rows: Rows, *, provider: Provider, key: str, qps: float | None, only_missing: bool) -> Rows:
    """Place the rows that need it (answers committed to the cache as they come); exits on a stop."""
    settings = Settings()
    api = APIS[provider]
    client = GeocoderClient(api, key=key, url=getattr(settings, f"{provider}_geocoder_url"), qps=qps)
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session:
            geocoder = DirectoryGeocoder(session, client, only_missing=only_missing)
            try:
                located = geocoder.locate_all(
                    rows, progress=lambda rows: tqdm(rows, desc=f"geocoding ({provider})", unit="row"))
            except GeocodingStopped as exc:
                _stopped(exc, geocoder.tally, provider)
            _print_tally(geocoder.tally, provider)
            return located
    finally:
        client.close()
        engine.dispose()


def _stopped(exc: GeocodingStopped, tally: Tally, provider: Provider) -> None:
    typer.echo(f"geocoding stopped at line {exc.line}: {exc.message}", err=True)
    typer.echo(f"  {STOP_ADVICE[exc.failure]}", err=True)
    typer.echo(f"nothing imported; the {tally.asked} answers received from {provider} in this run are cached, "
               "so the next run asks only for the rest", err=True)
    raise typer.Exit(1)


def _print_tally(tally: Tally, provider: Provider) -> None:
    typer.echo(f"geocoding: {tally.asked} asked {provider}, {tally.cached} from the cache, {tally.kept} already "
               f"in the catalogue (stored point kept); {tally.placed} placed, {tally.unplaced} unplaced")
