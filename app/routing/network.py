"""The road network the service routes on.

Tiles are built by `servicemap network import` into settings.network_dir and swapped in atomically.
A running service notices the new manifest on its next routing request and opens a new Router,
so an import never needs a restart, and a failed import leaves the old network serving.
"""
import hashlib
import json
import threading
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from app.routing.repository import latest_network_build
from geo.modes import TravelMode
from geo.network import MANIFEST_NAME
from geo.routing import DEFAULT_MIN_HOLE_M2, ISOCHRONE_OPTIONS, HttpRouter, NoNetworkError, Router, RoutingEngine

NO_NETWORK_MESSAGE = (
    "No road network is imported. An operator imports one with "
    "`servicemap network import FILE.osm.pbf` (or `servicemap network download asia/china/yunnan`)."
)


@dataclass(frozen=True)
class ActiveNetwork:
    engine: RoutingEngine
    # Identifies the network *and* our routing options: cached isochrones are valid only for it.
    key: str
    manifest: dict | None


PRIVATE_DETAILS = ("tile_dir", "tile_extract")  # server paths: nobody's business


def public_details(details: dict | None) -> dict | None:
    """A build's manifest as the public may see it: no server paths, the source by file name only."""
    if details is None:
        return None
    shown = {k: v for k, v in details.items() if k not in PRIVATE_DETAILS}
    if shown.get("source"):
        shown["source"] = Path(str(shown["source"])).name
    return shown


def routing_options_digest() -> str:
    options = {mode.value: mode.valhalla_costing() for mode in TravelMode} | {
        "isochrone": ISOCHRONE_OPTIONS, "min_hole_m2": DEFAULT_MIN_HOLE_M2}
    return hashlib.sha256(json.dumps(options, sort_keys=True).encode()).hexdigest()


def network_key(manifest: dict) -> str:
    identity = {k: manifest.get(k) for k in ("source_sha256", "bbox", "valhalla_version")}
    digest = hashlib.sha256((json.dumps(identity, sort_keys=True) + routing_options_digest()).encode())
    return digest.hexdigest()[:32]


class NetworkState:
    """Hands out the current routing engine; thread-safe, reloads when the tiles change."""

    def __init__(self, *, network_dir: Path, valhalla_url: str | None, valhalla_bbox: str | None = None) -> None:
        self._network_dir = Path(network_dir)
        self._valhalla_url = valhalla_url
        self._valhalla_bbox = [float(v) for v in valhalla_bbox.split(",")] if valhalla_bbox else None
        self._lock = threading.Lock()
        self._active: ActiveNetwork | None = None
        self._stamp: int | None = None

    def current(self) -> ActiveNetwork:
        """The network to route on, or NoNetworkError with instructions."""
        if self._valhalla_url:
            return self._external()
        manifest_path = self._network_dir / MANIFEST_NAME
        try:
            stamp = manifest_path.stat().st_mtime_ns
        except FileNotFoundError:
            raise NoNetworkError(NO_NETWORK_MESSAGE) from None
        if stamp != self._stamp:
            with self._lock:
                if stamp != self._stamp:
                    manifest = json.loads(manifest_path.read_text())
                    self._active = ActiveNetwork(Router(self._network_dir), network_key(manifest), manifest)
                    self._stamp = stamp
        assert self._active is not None
        return self._active

    def close(self) -> None:
        """Release an external service's connections (the in-process engine needs nothing)."""
        with self._lock:
            if isinstance(self._active and self._active.engine, HttpRouter):
                self._active.engine.close()
            self._active, self._stamp = None, None

    def available(self) -> bool:
        try:
            self.current()
        except NoNetworkError:
            return False
        return True

    def _external(self) -> ActiveNetwork:
        with self._lock:
            if self._active is None:
                url = self._valhalla_url or ""
                identity = url + json.dumps(self._valhalla_bbox) + routing_options_digest()
                key = hashlib.sha256(identity.encode()).hexdigest()[:32]
                manifest = {"bbox": self._valhalla_bbox} if self._valhalla_bbox else None
                self._active = ActiveNetwork(HttpRouter(url), key, manifest)
        return self._active


def network_status(session: Session, network: NetworkState) -> dict:
    """The network in service and the last import recorded, without server paths."""
    available = network.available()
    last_import = latest_network_build(session)
    if last_import is not None:
        last_import = {**last_import, "details": public_details(last_import["details"])}
    return {"available": available, "manifest": public_details(network.current().manifest) if available else None,
            "last_import": last_import}
