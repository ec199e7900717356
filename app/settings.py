"""Service settings, read from the environment (prefix SERVICEMAP_, plus plain DATABASE_URL)."""
import ipaddress
from enum import StrEnum
from pathlib import Path

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from geo.coords import parse_bbox

PLACEHOLDER_SECRET = "change-me"


class Environment(StrEnum):
    development = "development"
    production = "production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SERVICEMAP_", env_file=".env", extra="ignore")

    environment: Environment = Environment.development
    database_url: str = Field(
        default="postgresql://postgres@127.0.0.1:55432/servicemap",
        validation_alias=AliasChoices("DATABASE_URL", "SERVICEMAP_DATABASE_URL"),
    )
    # Where imported road networks (Valhalla tiles) live; one sub-directory per build.
    network_dir: Path = Path("var/network")
    # An external Valhalla HTTP service; when set it replaces the in-process engine. Its road
    # network's extent (west,south,east,north) bounds the coverage analysis area; without it every
    # district is sampled once (app/coverage/area.py).
    valhalla_url: str | None = None
    valhalla_bbox: str | None = None
    max_snap_metres: float = 500.0
    # Straight-line candidates fetched from PostGIS before the travel-time matrix ranks them.
    nearest_candidates: int = 25
    cors_origins: list[str] = []
    # CSP frame-ancestors for /embed: who may put the map in an iframe.
    frame_ancestors: str = "*"
    tile_url: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    tile_attribution: str = "© OpenStreetMap contributors"
    # "gcj02" for Chinese tile servers (e.g. Amap): the map then shifts our WGS84 data to match.
    tile_crs: str = "wgs84"
    # Salt for hashing client addresses of rider reports (so no address is stored). A secret; in
    # development a random one is made once and kept in secrets_dir (app/ops/secrets.py).
    report_salt: str = PLACEHOLDER_SECRET
    secrets_dir: Path = Path("var/secrets")
    reports_per_client_per_hour: int = 10
    # API requests per client per minute, counted in PostgreSQL across all workers and instances.
    rate_limit_per_minute: int = 600
    # Proxies (addresses or CIDR networks) whose X-Forwarded-For is believed; nobody else's is.
    trusted_proxies: list[str] = []
    # Admission control per worker (app/ops/admission.py): requests running at once (each holds a
    # thread and a database connection), how many may wait, and the longest wait before a 503.
    max_active_requests: int = 12
    max_waiting_requests: int = 400
    max_wait_seconds: float = 5.0
    # No request waits longer than this for a database connection (then 503), and no statement of
    # the web service runs longer than statement_timeout_seconds (commands have no limit).
    pool_timeout_seconds: float = 2.0
    statement_timeout_seconds: float = 30.0
    max_body_bytes: int = 5_000_000
    # Isochrones an anonymous coverage request may route; beyond it an editor or admin token (or
    # `servicemap coverage`) computes the layer once, and the public then reads the stored result.
    public_coverage_route_budget: int = 50
    # New routing calls (coverage expansions, siting candidates) one client without a token may start
    # per minute, across requests, workers and instances.
    public_routing_per_minute: int = 60
    # H3 cells of one analysis area at one resolution the cell layer and siting may build and keep
    # (~24 bytes each): Kunming's whole area at the default resolution 9 is ~200,000.
    max_coverage_cells: int = 250_000
    # Geocoder endpoints for `servicemap import --geocode`; unset means the provider's documented URL
    # (app/catalogue/geocoding/providers.py). Point them at a proxy, or the tests' local server.
    amap_geocoder_url: str | None = None
    baidu_geocoder_url: str | None = None
    tianditu_geocoder_url: str | None = None
    log_json: bool = True
    log_level: str = "INFO"

    @field_validator("database_url")
    @classmethod
    def use_psycopg_driver(cls, url: str) -> str:
        for prefix in ("postgresql://", "postgres://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url[len(prefix):]
        return url

    @field_validator("valhalla_bbox")
    @classmethod
    def bbox_is_wgs84(cls, bbox: str | None) -> str | None:
        if bbox is not None:
            parse_bbox(bbox, field="SERVICEMAP_VALHALLA_BBOX")  # InvalidCoordinate (a ValueError) names it
        return bbox

    @field_validator("trusted_proxies")
    @classmethod
    def proxies_are_networks(cls, proxies: list[str]) -> list[str]:
        for proxy in proxies:
            ipaddress.ip_network(proxy, strict=False)  # ValueError names the bad entry
        return proxies

    @field_validator("tile_crs")
    @classmethod
    def known_tile_crs(cls, value: str) -> str:
        if value not in ("wgs84", "gcj02"):
            raise ValueError("tile_crs must be wgs84 or gcj02")
        return value

    @model_validator(mode="after")
    def refuse_placeholders_in_production(self) -> "Settings":
        if self.environment is Environment.development:
            return self
        if PLACEHOLDER_SECRET in self.database_url:
            raise ValueError("DATABASE_URL still holds the placeholder secret 'change-me'")
        if self.report_salt == PLACEHOLDER_SECRET or len(self.report_salt) < 16:
            raise ValueError("SERVICEMAP_REPORT_SALT must be set to a secret of 16+ characters outside development")
        return self
