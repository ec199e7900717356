"""The planners' coverage report: a folium HTML map and CSV/GeoJSON exports, one set per mode.

Files written into the output directory, for each mode and budget (e.g. ``ebike-15min``):
``coverage-*.geojson`` (the covered area), ``gaps-*.geojson`` (uncovered parts of each district,
largest first), ``districts-*.csv`` (the district table), ``cells-*.csv`` (H3 cells: demand and
time to the nearest centre), ``suggestions-*.geojson`` / ``.csv`` (new locations, when k > 0),
and one ``report.html`` map with every mode as its own layer group and the district tables. The map
loads Leaflet from ``assets/`` beside it (our vendored copy; folium's defaults come from public CDNs) and
tiles only from the configured tile server.
"""
import csv
import html
import json
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import folium
import h3.api.basic_int as h3
from sqlalchemy.orm import Session

from app.coverage.figures import cells_geojson, figures, gaps_geojson, union_geojson
from app.coverage.service import CoverageQuery, Progress, prepare
from app.coverage.siting import suggest
from app.routing.network import NetworkState

DISTRICT_COLUMNS = ["adcode", "name_zh", "area_m2", "covered_m2", "covered_pct", "uncovered_m2", "demand_total",
                    "demand_covered", "demand_covered_pct", "centres", "service_centres", "rider_stations",
                    "largest_gap_m2"]
LEAFLET_DIR = Path(__file__).resolve().parents[2] / "web" / "vendor" / "leaflet"
STYLE = {"coverage": {"color": "#1a9850", "fillOpacity": 0.35, "weight": 1},
         "gaps": {"color": "#d73027", "fillOpacity": 0.25, "weight": 1}}


@dataclass(frozen=True)
class BaseMap:
    """The tile server the map uses; no url: none (the configured tiles are GCJ-02 and would misplace
    our WGS84 layers by hundreds of metres)."""

    url: str | None = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    attribution: str = "© OpenStreetMap contributors"


@dataclass
class ModeReport:
    name: str
    figures: dict
    union: dict
    gaps: dict
    cells: dict
    suggestions: dict | None


def build(session: Session, state: NetworkState, query: CoverageQuery, *, k: int, max_snap_metres: float,
          progress: Progress | None = None) -> ModeReport:
    layer = prepare(session, state, query, max_snap_metres=max_snap_metres, progress=progress)
    numbers = figures(session, layer, gaps=10)
    picks = suggest(session, state, query, k=k, sites=None, host_kinds=(), max_candidates=100,
                    max_snap_metres=max_snap_metres) if k > 0 else None
    return ModeReport(f"{query.mode.value}-{query.minutes}min", numbers, union_geojson(session, layer),
                      gaps_geojson(session, layer, limit=20),
                      cells_geojson(session, layer, bbox=None, limit=10**7, offset=0), picks)


def write(reports: Sequence[ModeReport], out_dir: Path, *, base_map: BaseMap = BaseMap()) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for report in reports:
        written += [_geojson(out_dir / f"coverage-{report.name}.geojson", report.union),
                    _geojson(out_dir / f"gaps-{report.name}.geojson", report.gaps),
                    _districts_csv(out_dir / f"districts-{report.name}.csv", report.figures),
                    _cells_csv(out_dir / f"cells-{report.name}.csv", report.cells)]
        if report.suggestions is not None:
            written += [_geojson(out_dir / f"suggestions-{report.name}.geojson", report.suggestions),
                        _suggestions_csv(out_dir / f"suggestions-{report.name}.csv", report.suggestions)]
    shutil.copytree(LEAFLET_DIR, out_dir / "assets" / "leaflet", dirs_exist_ok=True)
    written.append(_html(out_dir / "report.html", reports, base_map))
    return written


def _geojson(path: Path, collection: dict) -> Path:
    path.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    return path


def district_rows(numbers: dict) -> list[dict]:
    return [{**{c: d.get(c) for c in DISTRICT_COLUMNS[:-1]},
             "largest_gap_m2": d["largest_gaps"][0]["area_m2"] if d["largest_gaps"] else 0.0}
            for d in numbers["districts"]]


def _districts_csv(path: Path, numbers: dict) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=DISTRICT_COLUMNS)
        writer.writeheader()
        writer.writerows(district_rows(numbers))
    return path


def _csv(path: Path, header: list[str], rows: Iterable[list]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _cell_row(properties: dict) -> list:
    lat, lon = h3.cell_to_latlng(h3.str_to_int(properties["h3"]))
    return [properties["h3"], round(lon, 6), round(lat, 6), properties["demand"], properties["minutes"],
            properties["covered_by"]]


def _cells_csv(path: Path, cells: dict) -> Path:
    return _csv(path, ["h3", "lon", "lat", "demand", "minutes_to_nearest", "covered_by"],
                (_cell_row(f["properties"]) for f in cells["features"]))


def _suggestions_csv(path: Path, suggestions: dict) -> Path:
    return _csv(path, ["rank", "candidate_id", "lon", "lat", "new_demand", "new_area_m2"],
                ([f["properties"]["rank"], f["properties"]["candidate_id"], *f["geometry"]["coordinates"],
                  f["properties"]["new_demand"], f["properties"]["new_area_m2"]] for f in suggestions["features"]))


def _html(path: Path, reports: Sequence[ModeReport], base_map: BaseMap) -> Path:
    bounds = [f["geometry"] for r in reports for f in r.union["features"]]
    fmap = folium.Map(tiles=None, control_scale=True)
    fmap.default_js = [("leaflet", "assets/leaflet/leaflet.js")]  # nothing else is needed here
    fmap.default_css = [("leaflet_css", "assets/leaflet/leaflet.css")]
    if base_map.url:
        folium.TileLayer(base_map.url, attr=html.escape(base_map.attribution), name="base map").add_to(fmap)
    for report in reports:
        _mode_layers(fmap, report)
    folium.LayerControl(collapsed=False).add_to(fmap)
    if bounds:
        from shapely.geometry import shape
        west, south, east, north = shape(bounds[0]).bounds
        fmap.fit_bounds([[south, west], [north, east]])
    fmap.get_root().html.add_child(folium.Element(_tables(reports)))
    fmap.save(str(path))
    return path


def _mode_layers(fmap: folium.Map, report: ModeReport) -> None:
    coverage = folium.FeatureGroup(name=f"{report.name}: covered", show=True)
    folium.GeoJson(report.union, style_function=lambda _: STYLE["coverage"]).add_to(coverage)
    coverage.add_to(fmap)
    gaps = folium.FeatureGroup(name=f"{report.name}: gaps", show=True)
    folium.GeoJson(report.gaps, style_function=lambda _: STYLE["gaps"],
                   tooltip=folium.GeoJsonTooltip(fields=["name_zh", "rank", "area_m2", "demand"])).add_to(gaps)
    gaps.add_to(fmap)
    if report.suggestions is not None:
        picks = folium.FeatureGroup(name=f"{report.name}: suggested sites", show=True)
        for f in report.suggestions["features"]:
            lon, lat = f["geometry"]["coordinates"]
            p = f["properties"]
            folium.Marker([lat, lon], tooltip=html.escape(
                f"#{p['rank']} {p['candidate_id']}: +{p['new_demand']:g} demand, +{p['new_area_m2'] / 1e6:.2f} km²"
            )).add_to(picks)
        picks.add_to(fmap)


def _tables(reports: Sequence[ModeReport]) -> str:
    parts = ['<div style="position:fixed;bottom:10px;left:10px;z-index:1000;background:white;padding:6px;'
             'max-height:40vh;overflow:auto;font:12px sans-serif">']
    for report in reports:
        demand = report.figures["demand"]
        parts.append(f"<h4>{html.escape(report.name)} — demand: {html.escape(demand['kind'])} "
                     f"({html.escape(demand['unit'])})</h4><table border=1 cellspacing=0><tr>")
        parts += [f"<th>{html.escape(c)}</th>" for c in DISTRICT_COLUMNS] + ["</tr>"]
        for row in district_rows(report.figures):
            parts.append("<tr>" + "".join(f"<td>{html.escape(str(row[c]))}</td>" for c in DISTRICT_COLUMNS) + "</tr>")
        parts.append("</table>")
    return "".join(parts + ["</div>"])
