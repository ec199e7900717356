// The planner's tables: coverage per district (covered % of the analysis area and of demand, centres,
// the largest gap with a button that shows it), or, without a road network, centres per district; and
// the export links, which are the API's own GeoJSON and CSV answers for what is shown.
import { toSearchParams } from "./api.js";
import { el } from "./dom.js";
import { t } from "./i18n.js";
import { formatArea, formatPct } from "./plannerformat.js";

function headRow(keys) {
  return el("tr", {}, ...keys.map((key) => el("th", { scope: "col", text: t(key) })));
}

function countRow(district) {
  return el("tr", {},
    el("th", { scope: "row", text: district.name_zh }),
    el("td", { text: district.main_urban ? t("yes") : t("no") }),
    el("td", { class: "num", text: String(district.centres) }),
    el("td", { class: "num", text: String(district.service_centres) }),
    el("td", { class: "num", text: String(district.rider_stations) }));
}

// Without a road network: what the catalogue holds per district.
export function districtCountTable(districts) {
  return el("table", { class: "district-table" },
    el("caption", { text: t("districtTable") }),
    el("thead", {}, headRow(["districtName", "mainUrban", "colCentres", "colServiceCentres", "colRiderStations"])),
    el("tbody", {}, ...districts.map(countRow)));
}

function gapCell(row, onGap) {
  const gap = row.largest_gaps[0];
  if (!gap) return el("td", { class: "num", text: t("noGap") });
  // The visible area first, then (for screen readers) what the button does.
  return el("td", { class: "num" }, el("button", {
    type: "button", class: "link-button", title: t("showGap", { district: row.name_zh }), onclick: () => onGap(gap),
  }, el("span", { text: formatArea(gap.area_m2) }),
  el("span", { class: "visually-hidden", text: t("showGapSpoken", { district: row.name_zh }) })));
}

function coverageRow(row, onGap) {
  return el("tr", {},
    el("th", { scope: "row", text: row.name_zh }),
    el("td", { class: "num", text: formatPct(row.covered_pct) }),
    el("td", { class: "num", text: formatPct(row.demand_covered_pct) }),
    el("td", { class: "num", text: String(row.centres) }),
    gapCell(row, onGap));
}

function totalsRow(totals) {
  return el("tr", {},
    el("th", { scope: "row", text: t("total") }),
    el("td", { class: "num", text: formatPct(totals.covered_pct) }),
    el("td", { class: "num", text: formatPct(totals.demand_covered_pct) }),
    el("td", { class: "num", text: String(totals.centres) }),
    el("td", {}));
}

const COVERAGE_COLUMNS = ["districtName", "colCoveredArea", "colCoveredDemand", "colCountedCentres", "colLargestGap"];

// figures: the /api/coverage answer; caption names the mode, budget and moment; onGap(gap) shows a gap.
export function coverageTable(figures, { caption, onGap }) {
  return el("table", { class: "district-table coverage-table" },
    el("caption", { text: caption }),
    el("thead", {}, headRow(COVERAGE_COLUMNS)),
    el("tbody", {}, ...figures.districts.map((row) => coverageRow(row, onGap))),
    figures.districts.length > 1 ? el("tfoot", {}, totalsRow(figures.totals)) : null);
}

const EXPORTS = [
  ["exportDistrictsCsv", "api/coverage", { format: "csv" }, null],
  ["exportGapsGeojson", "api/coverage/gaps", {}, "coverage-gaps.geojson"],
  ["exportGapsCsv", "api/coverage/gaps", { format: "csv" }, null],
  ["exportBandsGeojson", "api/coverage/bands", {}, "coverage-bands.geojson"],
  ["exportCellsCsv", "api/coverage/cells", { format: "csv", limit: 50000 }, null],
  ["exportProfileCsv", "api/coverage/profile", { format: "csv" }, null],
];

// params: the coverage query's API parameters; resolution: the cells' H3 resolution.
export function exportLinks(params, resolution) {
  return el("ul", { class: "export-links" }, ...EXPORTS.map(([key, path, extra, fileName]) => {
    const query = toSearchParams({ ...params, ...extra, ...(path.endsWith("cells") ? { resolution } : {}) });
    return el("li", {}, el("a", { class: "button secondary", href: `${path}?${query}`, download: fileName || true,
      text: t(key) }));
  }));
}
