"""Benchmark harness: a throwaway database of clearly-labelled benchmark centres and a real
uvicorn server on loopback. Benchmark centres are random points inside the real district
boundaries, named 基准测试点 N; they never enter the catalogue database."""
import contextlib
import random
from collections.abc import Iterator

import sqlalchemy as sa
from alembic import command
from shapely.geometry import Point
from sqlalchemy.orm import Session

from app.catalogue.districts import store_kunming_districts
from app.catalogue.importer import ImportDefaults, import_records
from app.db import alembic_config
from app.settings import Settings
from geo.amenities import Amenity
from geo.boundaries import load_kunming_districts
from geo.coords import CoordinateSystem
from tests.web.server import free_port, service_process  # noqa: F401  (the one way to start it)

HOURS = ["24/7", "Mo-Fr 09:00-17:00; PH off", "Mo-Su 08:00-22:00", "Mo-Sa 08:30-20:30"]


def bench_database_url() -> str:
    base = Settings().database_url
    return base.rsplit("/", 1)[0] + "/servicemap_bench"


def create_bench_database(url: str) -> None:
    """(Re)create the database named at the end of `url` and migrate it."""
    name = url.rsplit("/", 1)[1]
    admin = sa.create_engine(url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    command.upgrade(alembic_config(url), "head")


def benchmark_centres(count: int, *, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    urban = [d for d in load_kunming_districts() if d.main_urban]
    records = []
    while len(records) < count:
        district = rng.choice(urban)
        west, south, east, north = district.geometry.bounds
        point = Point(rng.uniform(west, east), rng.uniform(south, north))
        if not district.geometry.contains(point):
            continue
        n = len(records)
        records.append({
            "id": f"bench-{n:05d}", "name_zh": f"基准测试点 {n}", "kind": rng.choice(["service_centre", "rider_station"]),
            "opening_hours": rng.choice(HOURS), "amenities": rng.sample([a.value for a in Amenity], 4),
            "location_precision": "approximate", "source": "benchmark fixture, not a real place",
            "lon": point.x, "lat": point.y,
        })
    return records


def drop_bench_database(url: str) -> None:
    admin = sa.create_engine(url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
    admin.dispose()


def store_centres(session: Session, records: list[dict], *, in_kunming: bool = True) -> None:
    """Benchmark centres through the real importer; in_kunming=False for synthetic networks."""
    report = import_records(session, enumerate(records, 1), crs=CoordinateSystem.wgs84, defaults=ImportDefaults(),
                            dry_run=False, require_district=in_kunming)
    assert report.ok, report.rejected[:3]


def populate(url: str, count: int) -> None:
    create_bench_database(url)
    engine = sa.create_engine(url)
    with Session(engine) as session, session.begin():
        store_kunming_districts(session)
        store_centres(session, benchmark_centres(count))
    engine.dispose()


@contextlib.contextmanager
def running_service(database_url: str, **env: str) -> Iterator[str]:
    """A real server process on loopback; yields its base URL and stops it afterwards."""
    with service_process(database_url, **env) as (base, _pid):
        yield base
