"""Database tables. Geometry is stored in WGS84 (SRID 4326) only; other datums are converted at the edges."""
from datetime import date, datetime

from geoalchemy2 import Geometry
from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class District(Base):
    __tablename__ = "districts"

    adcode: Mapped[str] = mapped_column(String(6), primary_key=True)
    name_zh: Mapped[str] = mapped_column(Text)
    main_urban: Mapped[bool] = mapped_column(Boolean, default=False)
    geom = mapped_column(Geometry("MULTIPOLYGON", srid=4326, spatial_index=False), nullable=False)
    source: Mapped[str] = mapped_column(Text)


class Centre(Base):
    __tablename__ = "centres"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name_zh: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    level: Mapped[str | None] = mapped_column(String(32), index=True)
    district_adcode: Mapped[str | None] = mapped_column(
        ForeignKey("districts.adcode", ondelete="SET NULL"), index=True
    )
    street: Mapped[str | None] = mapped_column(Text)
    community: Mapped[str | None] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(String(64))
    opening_hours: Mapped[str | None] = mapped_column(Text)
    amenities: Mapped[list[str]] = mapped_column(ARRAY(String(32)), default=list)
    operator: Mapped[str | None] = mapped_column(Text)
    location_precision: Mapped[str] = mapped_column(String(16))
    location_note: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)
    source_quote: Mapped[str | None] = mapped_column(Text)
    last_verified: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(32), default="open")
    version: Mapped[int] = mapped_column(Integer, default=1)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    geom = mapped_column(Geometry("POINT", srid=4326, spatial_index=False), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

    __table_args__ = (Index("ix_centres_amenities", "amenities", postgresql_using="gin"),)


class NetworkBuild(Base):
    """One successful road-network import (history; the tiles on disk are the one in service)."""

    __tablename__ = "network_builds"

    id: Mapped[int] = mapped_column(primary_key=True)
    network_key: Mapped[str] = mapped_column(String(64), index=True)
    source_file: Mapped[str] = mapped_column(Text)
    source_sha256: Mapped[str] = mapped_column(String(64))
    bbox = mapped_column(Geometry("POLYGON", srid=4326, spatial_index=False), nullable=False)
    details: Mapped[dict] = mapped_column(JSONB)
    built_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Isochrone(Base):
    __tablename__ = "isochrones"

    centre_id: Mapped[str] = mapped_column(ForeignKey("centres.id", ondelete="CASCADE"), primary_key=True)
    network_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    mode: Mapped[str] = mapped_column(String(16), primary_key=True)
    minutes: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    origin = mapped_column(Geometry("POINT", srid=4326, spatial_index=False), nullable=False)
    geom = mapped_column(Geometry("MULTIPOLYGON", srid=4326, spatial_index=False), nullable=False)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    districts: Mapped[list[str]] = mapped_column(ARRAY(String(6)), default=list)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(32))
    centre_id: Mapped[str | None] = mapped_column(String(64), index=True)  # None: a change to a user
    before: Mapped[dict | None] = mapped_column(JSONB)
    after: Mapped[dict | None] = mapped_column(JSONB)
    details: Mapped[dict | None] = mapped_column(JSONB)  # e.g. the report confirmed, the user changed


class RiderReport(Base):
    __tablename__ = "rider_reports"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    centre_id: Mapped[str] = mapped_column(ForeignKey("centres.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(String(280))
    client_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    confirmed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    dismissed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    dismissed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


# --- coverage (app/coverage/service.py) -------------------------------------------------------------------

class CoverageLayer(Base):
    """One multi-origin expansion: the areas within each band of the nearest counted centre.

    Keyed by what determines it (network, mode, budget, snap limit and the counted centres with
    their positions), so every hour of the week with the same open centres reads the same row."""

    __tablename__ = "coverage_layers"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    network_key: Mapped[str] = mapped_column(String(64))
    mode: Mapped[str] = mapped_column(String(16))
    minutes: Mapped[int] = mapped_column(SmallInteger)
    centre_ids: Mapped[list[str]] = mapped_column(ARRAY(String(64)))
    dropped_ids: Mapped[list[str]] = mapped_column(ARRAY(String(64)))  # farther than the snap limit from a road
    routing_seconds: Mapped[float] = mapped_column()
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    used_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class CoverageBand(Base):
    """The area within ``minutes`` of the nearest centre of a layer (nested: 5 ⊂ 10 ⊂ 15)."""

    __tablename__ = "coverage_bands"

    layer_id: Mapped[int] = mapped_column(ForeignKey("coverage_layers.id", ondelete="CASCADE"), primary_key=True)
    minutes: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    geom = mapped_column(Geometry("MULTIPOLYGON", srid=4326, spatial_index=False), nullable=False)


class NetworkReach(Base):
    """Where a road network reaches: H3 cells within reach_m of a road (the analysis area mask)."""

    __tablename__ = "network_reach"

    network_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    reach_m: Mapped[float] = mapped_column(primary_key=True)
    resolution: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    cells: Mapped[bytes] = mapped_column(LargeBinary)  # int64 little-endian H3 cells
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class DemandSource(Base):
    __tablename__ = "demand_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(Text)
    resolution: Mapped[int] = mapped_column(SmallInteger)
    unit: Mapped[str] = mapped_column(Text)
    total: Mapped[float] = mapped_column()
    cells: Mapped[int] = mapped_column(Integer)
    details: Mapped[dict] = mapped_column(JSONB)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class DemandCell(Base):
    __tablename__ = "demand_cells"

    source_id: Mapped[int] = mapped_column(ForeignKey("demand_sources.id", ondelete="CASCADE"), primary_key=True)
    h3: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    value: Mapped[float] = mapped_column()


# --- directory import (app/catalogue/geocoding/) ------------------------------------------------------------

class GeocodeAnswer(Base):
    """A geocoder's answer (its JSON body) to one query, so a re-run asks nothing twice. Only answers
    that found something or said "no result" are kept; failures of the provider or the key are not."""

    __tablename__ = "geocode_cache"

    provider: Mapped[str] = mapped_column(String(16), primary_key=True)
    query_hash: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the query as sent
    query: Mapped[dict] = mapped_column(JSONB)  # the parameters sent, without the key
    answer: Mapped[dict] = mapped_column(JSONB)
    fetched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class UnplacedRow(Base):
    """A directory row the geocoder could not place: kept for editors, never drawn on the riders' map.
    `id` is the centre id the row would get; creating or importing that centre deletes the row (trigger
    forget_unplaced_row, migration 0008)."""

    __tablename__ = "unplaced_rows"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name_zh: Mapped[str] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(String(64))
    opening_hours: Mapped[str | None] = mapped_column(Text)
    district_adcode: Mapped[str | None] = mapped_column(
        ForeignKey("districts.adcode", ondelete="SET NULL"), index=True
    )
    source: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    reason_zh: Mapped[str | None] = mapped_column(Text)  # the reason in Chinese, for the editors' page
    provider: Mapped[str | None] = mapped_column(String(16))
    line: Mapped[int | None] = mapped_column(Integer)
    file: Mapped[str | None] = mapped_column(Text)
    record: Mapped[dict] = mapped_column(JSONB)  # every validated field of the row, for the editor to start from
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
