"""The planners' coverage report: one self-contained HTML map with tables, and CSV/GeoJSON exports.

Works with no internet: Leaflet is copied from the project's vendored copy (web/vendor/leaflet,
BSD-2) next to the HTML, the layers are inlined as JSON, and nothing else is loaded except the base
map tiles of the configured tile server (without them the overlays still draw on a blank map).
Opens from file:// or any static web server.

Files written into the output directory, for each mode and budget (e.g. ``ebike-15min``):
``coverage-*.geojson`` (bands), ``gaps-*.geojson`` (uncovered parts of each district's analysis
area, largest first), ``districts-*.csv`` (the district table), ``cells-*.csv`` (H3 cells: demand
and minutes to the nearest centre), ``suggestions-*.geojson`` / ``.csv`` (new locations, when
k > 0), plus ``report.html`` and ``vendor/leaflet/``.
"""
import html
import json
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import mapping, shape
from sqlalchemy.orm import Session

from app.coverage import exports
from app.coverage.figures import figures
from app.coverage.layers import bands_geojson, cells_geojson, gaps_geojson
from app.coverage.service import CoverageQuery, prepare
from app.coverage.siting import suggest
from app.frontend.routes import WEB_DIR
from app.routing.network import NetworkState
from geo.coords import wgs84_to_gcj02
from geo.hours import SHANGHAI

MODE_NAMES = {"walk": ("步行", "walking"), "ebike": ("电动自行车", "e-bike"), "car": ("驾车", "driving")}
WEEKDAYS = ["周一 Mon", "周二 Tue", "周三 Wed", "周四 Thu", "周五 Fri", "周六 Sat", "周日 Sun"]
BAND_COLOURS = ["#1a9850", "#91cf60", "#d9ef8b"]
GAP_COLOUR, SITE_COLOUR = "#d73027", "#7b3294"
TEMPLATE = Path(__file__).with_name("report_template.html")


@dataclass
class ModeReport:
    name: str
    figures: dict
    bands: dict
    gaps: dict
    cells: dict
    suggestions: dict | None


def build(session: Session, state: NetworkState, query: CoverageQuery, *, k: int, max_snap_metres: float,
          max_cells: int) -> ModeReport:
    layer = prepare(session, state, query, max_snap_metres=max_snap_metres)
    picks = suggest(session, state, query, k=k, sites=None, host_kinds=(), max_candidates=100,
                    max_snap_metres=max_snap_metres, max_cells=max_cells) if k > 0 else None
    return ModeReport(f"{query.mode.value}-{query.minutes}min", figures(session, layer, gaps=10), bands_geojson(layer),
                      gaps_geojson(session, layer, limit=20),
                      cells_geojson(session, layer, bbox=None, limit=max_cells, offset=0, max_cells=max_cells), picks)


def write(reports: Sequence[ModeReport], out_dir: Path, *, tile_url: str, tile_attribution: str,
          tile_crs: str = "wgs84") -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for report in reports:
        written += [_text(out_dir / f"coverage-{report.name}.geojson", _json(report.bands)),
                    _text(out_dir / f"gaps-{report.name}.geojson", _json(report.gaps)),
                    _text(out_dir / f"districts-{report.name}.csv", exports.districts_csv(report.figures)),
                    _text(out_dir / f"cells-{report.name}.csv", exports.cells_csv(report.cells))]
        if report.suggestions is not None:
            written += [_text(out_dir / f"suggestions-{report.name}.geojson", _json(report.suggestions)),
                        _text(out_dir / f"suggestions-{report.name}.csv", exports.suggestions_csv(report.suggestions))]
    shutil.copytree(WEB_DIR / "vendor" / "leaflet", out_dir / "vendor" / "leaflet", dirs_exist_ok=True)
    page = _page(reports, tile_url=tile_url, tile_attribution=tile_attribution, tile_crs=tile_crs)
    written.append(_text(out_dir / "report.html", page))
    return written


def _json(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, default=str)


def _text(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- the page -----------------------------------------------------------------------------------

def title(numbers: dict) -> tuple[str, str]:
    """(Chinese, English) title of one mode: mode, budget and the moment (or "all in service")."""
    zh, en = MODE_NAMES.get(numbers["mode"], (numbers["mode"], numbers["mode"]))
    minutes = numbers["minutes"]
    if numbers["at"]:
        moment = datetime.fromisoformat(numbers["at"])
        when_zh = when_en = f"{moment:%Y-%m-%d %H:%M}"
        when_zh, when_en = f"{when_zh} {WEEKDAYS[moment.weekday()][:2]}", f"{when_en} {WEEKDAYS[moment.weekday()][3:]}"
    else:
        when_zh, when_en = "全部在营中心（不限时刻）", "all centres in service (any time)"
    return f"{zh} {minutes} 分钟 · {when_zh}", f"{en} {minutes} min · {when_en}"


def _km2(m2: float | None) -> str:
    return "—" if m2 is None else f"{m2 / 1e6:,.2f}"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} %"


def _count(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


# (bilingual header, a district row's value as text)
COLUMNS: list[tuple[str, Callable[[dict], str]]] = [
    ("区县<br>District", lambda r: r["name_zh"]),
    ("分析面积 km²<br>Analysis area", lambda r: _km2(r["area_m2"])),
    ("已覆盖<br>Covered", lambda r: _pct(r["covered_pct"])),
    ("未覆盖 km²<br>Uncovered", lambda r: _km2(r["uncovered_m2"])),
    ("需求<br>Demand", lambda r: _count(r["demand_total"])),
    ("需求覆盖<br>Demand covered", lambda r: _pct(r["demand_covered_pct"])),
    ("中心<br>Centres", lambda r: _count(r["centres"])),
    ("驿站<br>Rider stations", lambda r: _count(r["rider_stations"])),
    ("最大缺口 km²<br>Largest gap", lambda r: _km2(r["largest_gaps"][0]["area_m2"]) if r["largest_gaps"] else "—"),
]


def district_table(numbers: dict) -> str:
    head = "".join(f'<th scope="col">{h}</th>' for h, _ in COLUMNS)
    rows = ["<tr>" + "".join(f'<td>{html.escape(value(r))}</td>' for _, value in COLUMNS) + "</tr>"
            for r in numbers["districts"]]
    total = numbers["totals"]
    rows.append(f'<tr class="total"><td>合计 Total</td><td>{_km2(total["area_m2"])}</td>'
                f'<td>{_pct(total["covered_pct"])}</td><td>{_km2(total["area_m2"] - total["covered_m2"])}</td>'
                f'<td>{_count(total["demand_total"])}</td><td>{_pct(total["demand_covered_pct"])}</td>'
                f'<td>{_count(total["centres"])}</td><td></td><td></td></tr>')
    return (f'<div class="table-wrap"><table><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody>'
            '</table></div>')


def _section(report: ModeReport) -> str:
    numbers, (zh, en) = report.figures, title(report.figures)
    demand = numbers["demand"]
    demand_note = "无 none" if demand["kind"] == "none" else f'{demand["name"] or demand["kind"]} ({demand["unit"]})'
    demand_note += f' — {demand["note"]}' if demand["note"] else ""
    area = numbers["analysis_area"]
    return (f'<section><h2>{html.escape(zh)}<br><small>{html.escape(en)}</small></h2>'
            f'<p>需求 Demand: {html.escape(demand_note)}。计入中心 Centres counted: {numbers["centres"]["counted"]}'
            f'（离网 off the network: {numbers["centres"]["off_network"]}）。</p>'
            f'<p>分析范围 Analysis area: {html.escape(area["description"])} — {_km2(area["area_m2"])} km² '
            f'of {_km2(area["district_area_m2"])} km².</p>{district_table(numbers)}</section>')


def _layers(report: ModeReport, shift: Callable) -> dict:
    numbers = report.figures
    zh, en = MODE_NAMES.get(numbers["mode"], (numbers["mode"], numbers["mode"]))
    unit = (report.suggestions or {}).get("demand", {}).get("unit", "")
    return {"name": f"{zh} {numbers['minutes']} 分钟 {en} {numbers['minutes']} min", "bands": shift(report.bands),
            "gaps": shift(report.gaps), "sites": shift(report.suggestions) if report.suggestions else None,
            "demand_unit": unit}


def _page(reports: Sequence[ModeReport], *, tile_url: str, tile_attribution: str, tile_crs: str) -> str:
    shift = _gcj02 if tile_crs == "gcj02" else (lambda collection: collection)
    data = {"layers": [_layers(r, shift) for r in reports], "tiles": {"url": tile_url, "attribution": tile_attribution},
            "colours": {"bands": BAND_COLOURS, "gap": GAP_COLOUR, "site": SITE_COLOUR}}
    heading_zh, heading_en = title(reports[0].figures) if reports else ("", "")
    page = TEMPLATE.read_text(encoding="utf-8")
    for placeholder, value in (("{{TITLE}}", html.escape(f"服务圈覆盖报告 Coverage report — {heading_zh} / {heading_en}")),
                               ("{{SECTIONS}}", "".join(_section(r) for r in reports)),
                               ("{{GENERATED}}", f"{datetime.now(SHANGHAI):%Y-%m-%d %H:%M} (Asia/Shanghai)"),
                               ("{{DATA}}", _json(data).replace("</", "<\\/"))):
        page = page.replace(placeholder, value)
    return page


def _gcj02(collection: dict) -> dict:
    """The same features shifted to GCJ-02, for Chinese tile servers (our data is WGS84)."""
    def move(coords: np.ndarray) -> np.ndarray:
        return np.array([wgs84_to_gcj02(x, y) for x, y in coords]) if len(coords) else coords
    features = [{**f, "geometry": mapping(shapely.transform(shape(f["geometry"]), move))}
                for f in collection["features"]]
    return {**collection, "features": features}
