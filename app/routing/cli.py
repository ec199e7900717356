"""`servicemap network …`: import an OSM extract as the routing network, or download one first."""
from pathlib import Path
from typing import Annotated

import httpx
import typer
from tqdm import tqdm

from app.coverage.area import reach
from app.coverage.demand import import_osm
from app.db import database_session
from app.routing import repository as routing_repository
from app.routing.network import ActiveNetwork, network_key
from app.settings import Settings
from geo.coords import Bbox, InvalidCoordinate, parse_bbox
from geo.network import NetworkBuildError, build_tiles
from geo.routing import Router

GEOFABRIK = "https://download.geofabrik.de"
network_cli = typer.Typer(help="Road network for travel times and isochrones", no_args_is_help=True)


def parse_bbox_option(raw: str | None) -> Bbox | None:
    if raw is None:
        return None
    try:
        return parse_bbox(raw)
    except InvalidCoordinate as exc:
        raise typer.BadParameter(str(exc), param_hint="--bbox") from None


def import_network(pbf: Path, *, bbox: tuple[float, float, float, float] | None) -> None:
    settings = Settings()
    stages = tqdm(desc="building network", unit="stage", total=5, bar_format="{desc}: {n_fmt}/{total_fmt} {postfix}")
    try:
        result = build_tiles(pbf, settings.network_dir, bbox=bbox,
                             progress=lambda stage: (stages.set_postfix_str(stage), stages.update()))
    except NetworkBuildError as exc:
        stages.close()
        typer.echo(f"network import failed, the previous network stays in service: {exc}", err=True)
        raise typer.Exit(1) from None
    stages.close()
    details = result.to_json()
    key = network_key(details)
    with database_session(settings.database_url) as session:
        routing_repository.record_network_build(session, network_key=key, details=details)
        dropped = routing_repository.drop_isochrones_except(session, network_key=key)
        # The demand proxy (residential footprints) comes from the same extract: derive it now, not
        # inside the first coverage request.
        proxy = import_osm(session, pbf, bounds=tuple(result.bbox))
        proxy_label = f"{proxy.id} ({proxy.name})"
        # Where the network reaches (the coverage analysis area), also once per network.
        cells = len(reach(session, ActiveNetwork(Router(result.tile_dir), key, details),
                          reach_m=settings.max_snap_metres))
    typer.echo(f"network in service: {result.tiles} tiles, {result.directed_edges} edges, {result.road_ways} "
               f"road ways from {pbf.name} in {result.build_seconds:.1f} s; {dropped} cached isochrones dropped; "
               f"demand proxy source {proxy_label}; reach {cells} H3 cells")


@network_cli.command("import")
def import_command(
    pbf: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="OpenStreetMap extract (.osm.pbf)")],
    bbox: Annotated[str | None, typer.Option(help="Clip to west,south,east,north (WGS84)")] = None,
) -> None:
    """Build routing tiles from an OSM extract; a failed build keeps the previous network."""
    import_network(pbf, bbox=parse_bbox_option(bbox))


def download(url: str, target: Path) -> None:
    partial = target.with_suffix(target.suffix + ".part")
    with httpx.stream("GET", url, follow_redirects=True, timeout=60) as response:
        if response.status_code != 200:
            raise typer.BadParameter(f"{url} answered {response.status_code}", param_hint="REGION")
        total = int(response.headers.get("content-length", 0)) or None
        with partial.open("wb") as out, tqdm(total=total, unit="B", unit_scale=True, desc=target.name) as bar:
            for chunk in response.iter_bytes(1 << 20):
                out.write(chunk)
                bar.update(len(chunk))
    partial.replace(target)


@network_cli.command("download")
def download_command(
    region: Annotated[str, typer.Argument(help="Geofabrik region path, e.g. asia/china/yunnan")],
    bbox: Annotated[str | None, typer.Option(help="Clip to west,south,east,north (WGS84)")] = None,
    base_url: Annotated[str, typer.Option(help="Mirror serving <region>-latest.osm.pbf")] = GEOFABRIK,
) -> None:
    """Download an extract (needs internet), then import it."""
    settings = Settings()
    settings.network_dir.parent.mkdir(parents=True, exist_ok=True)
    target = settings.network_dir.parent / f"{region.strip('/').replace('/', '-')}-latest.osm.pbf"
    download(f"{base_url.rstrip('/')}/{region.strip('/')}-latest.osm.pbf", target)
    import_network(target, bbox=parse_bbox_option(bbox))
