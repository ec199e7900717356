// The coverage on the map: the analysis area's outline, the bands (rings 0–5, 5–10, 10–15 minutes to the
// nearest counted centre), the gaps of each district, and H3 cells coloured by minutes to the nearest
// centre and shaded by demand. Each has its own pane below the markers and a single centre's isochrones.
// One control is both the legend and the layer switcher; on a phone it starts folded.
import { el } from "./dom.js";
import { t } from "./i18n.js";
import { formatArea, formatDemand } from "./plannerformat.js";

export const BAND_COLOURS = ["#08519c", "#4292c6", "#9ecae1"];
export const GAP_COLOUR = "#e6550d";
const GAP_EDGE = "#7f2704";
const AREA_EDGE = "#3b3b40";
const PANES = { area: 380, bands: 385, cells: 390, gaps: 395 };
const WIDE = "(min-width: 900px)";

// Pure: a band ring's style from its minutes among the budget's bands (e.g. [5, 10, 15]).
export function bandStyle(feature, bands) {
  const index = Math.max(0, bands.indexOf(feature.properties.minutes));
  return { stroke: false, fillColor: BAND_COLOURS[Math.min(index, BAND_COLOURS.length - 1)], fillOpacity: 0.42 };
}

export function gapStyle() {
  return { color: GAP_EDGE, weight: 1.5, fillColor: GAP_COLOUR, fillOpacity: 0.5 };
}

export function areaStyle() {
  return { color: AREA_EDGE, weight: 2, dashArray: "6 5", fill: false };
}

// Pure: a cell's colour from its band (minutes null: beyond the budget), its opacity from its demand.
export function cellStyle(feature, { bands, maxDemand }) {
  const { minutes, demand } = feature.properties;
  const index = Math.max(0, bands.indexOf(minutes));
  const fillColor = minutes === null ? GAP_COLOUR : BAND_COLOURS[Math.min(index, BAND_COLOURS.length - 1)];
  const share = maxDemand > 0 && typeof demand === "number" ? Math.sqrt(Math.max(demand, 0) / maxDemand) : null;
  return { color: "#ffffff", weight: 0.6, fillColor, fillOpacity: share === null ? 0.55 : 0.1 + 0.75 * share };
}

function maxDemandOf(collection) {
  return collection.features.reduce((most, f) => Math.max(most, f.properties.demand || 0), 0);
}

function swatch(style) {
  return el("span", { class: `swatch ${style}`, "aria-hidden": "true" });
}

function row(swatchNode, text) {
  return el("li", {}, swatchNode, el("span", { text }));
}

// One legend line: a swatch of the given style (planner.css .swatch.<style>) and its meaning.
export function legendRow(style, text) {
  return row(swatch(style), text);
}

function bandRows(bands, style = "band") {
  return bands.map((minutes, i) => row(swatch(`${style} band-${i}`),
    t("bandRange", { from: i === 0 ? 0 : bands[i - 1], to: minutes })));
}

function gapPopup(feature, demand) {
  const p = feature.properties;
  return el("div", { class: "gap-popup" },
    el("p", { class: "popup-title", text: t("gapTitle", { district: p.name_zh, rank: p.rank }) }),
    el("p", { text: t("gapArea", { area: formatArea(p.area_m2) }) }),
    p.demand === null || p.demand === undefined ? null
      : el("p", { text: t("gapDemand", { demand: formatDemand(p.demand, demand) }) }));
}

// Leaflet names its popup's close button in English.
function labelPopupClose(event) {
  const button = event.popup.getElement() && event.popup.getElement().querySelector(".leaflet-popup-close-button");
  if (button) button.setAttribute("aria-label", t("closePopup"));
}

// coverage: false without a road network (the control then lists only what is added with addEntry).
export function createCoverageMap(mapView, { coverage = true, onToggle }) {
  const { map } = mapView;
  for (const [name, zIndex] of Object.entries(PANES)) map.createPane(`coverage-${name}`).style.zIndex = String(zIndex);
  map.on("popupopen", labelPopupClose);
  const groups = { area: L.featureGroup(), bands: L.featureGroup(), cells: L.featureGroup(), gaps: L.featureGroup() };
  const entries = [];
  const drawn = { bands: [5, 10, 15], demand: null, cellsHaveDemand: false };
  const control = L.control({ position: "topright" });
  let list = null;
  let toggle = null;

  function geojson(name, collection, options) {
    groups[name].clearLayers();
    groups[name].addLayer(L.geoJSON(collection, {
      pane: `coverage-${name}`, interactive: false, coordsToLatLng: (c) => mapView.toLatLng(c), ...options,
    }));
  }

  function draw({ bands, gaps, cells }) {
    drawn.bands = bands.bands || drawn.bands;
    drawn.demand = gaps.demand || null;
    geojson("bands", bands, { style: (f) => bandStyle(f, drawn.bands) });
    geojson("gaps", gaps, {
      style: gapStyle, interactive: true,
      onEachFeature: (feature, layer) => layer.bindPopup(() => gapPopup(feature, drawn.demand)),
    });
    if (cells) drawCells(cells);
    else groups.cells.clearLayers(); // not shown: fetched again when switched on
    renderList();
  }

  function drawCells(cells) {
    const maxDemand = maxDemandOf(cells);
    drawn.cellsHaveDemand = maxDemand > 0;
    geojson("cells", cells, { style: (f) => cellStyle(f, { bands: drawn.bands, maxDemand }) });
  }

  function drawArea(area) {
    geojson("area", area, { style: areaStyle });
  }

  function clear() {
    for (const group of Object.values(groups)) group.clearLayers();
  }

  const legends = {
    bands: () => bandRows(drawn.bands),
    gaps: () => [row(swatch("gap"), t("gapLegend", { m: drawn.bands[drawn.bands.length - 1] }))],
    cells: () => [...bandRows(drawn.bands, "cell"),
      row(swatch("cell beyond"), t("beyondLegend", { m: drawn.bands[drawn.bands.length - 1] })),
      drawn.cellsHaveDemand ? el("li", { class: "legend-note", text: t("cellDemandLegend") }) : null],
    area: () => [row(swatch("area"), t("areaLegend"))],
  };

  // entry: {id, labelKey, layer, shown, legend: () => [li]}; the coverage's own four are added at once.
  function addEntry(entry) {
    entries.push(entry);
    if (entry.shown) entry.layer.addTo(map);
    renderList();
  }

  // The legend of a layer shows while the layer does (the control stays short, and the box keeps focus).
  function setShown(entry, shown, legend) {
    entry.shown = shown;
    legend.hidden = !shown;
    if (shown) entry.layer.addTo(map);
    else entry.layer.remove();
    if (onToggle) onToggle(entry.id, shown);
  }

  function entryNode(entry) {
    const box = el("input", { type: "checkbox", id: `layer-${entry.id}`, checked: entry.shown });
    const legend = el("ul", { class: "legend-rows", hidden: !entry.shown }, ...entry.legend());
    box.addEventListener("change", () => setShown(entry, box.checked, legend));
    return el("li", { class: "layer-entry" },
      el("label", { class: "check", for: `layer-${entry.id}` }, box, el("span", { text: t(entry.labelKey) })), legend);
  }

  function renderList() {
    if (!list) return;
    list.replaceChildren(...entries.filter((e) => !e.hidden).map(entryNode));
    toggle.replaceChildren(el("span", { text: t("layers") }));
  }

  function setExpanded(open) {
    toggle.setAttribute("aria-expanded", String(open));
    list.hidden = !open;
  }

  control.onAdd = () => {
    toggle = el("button", { type: "button", class: "layer-toggle", "aria-controls": "layer-list" });
    list = el("ul", { id: "layer-list", class: "layer-list" });
    toggle.addEventListener("click", () => setExpanded(toggle.getAttribute("aria-expanded") !== "true"));
    const box = el("div", { class: "layer-control" }, toggle, list);
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    renderList();
    setExpanded(window.matchMedia(WIDE).matches);
    return box;
  };
  control.addTo(map);
  for (const [id, labelKey, shown] of coverage ? [["bands", "layerBands", true], ["gaps", "layerGaps", true],
    ["cells", "layerCells", false], ["area", "layerArea", true]] : []) {
    addEntry({ id, labelKey, layer: groups[id], shown, legend: legends[id] });
  }

  return {
    draw, drawCells, drawArea, clear, addEntry,
    render: renderList,
    isShown: (id) => entries.some((e) => e.id === id && e.shown),
    setHidden(id, hidden) {
      const entry = entries.find((e) => e.id === id);
      if (entry) entry.hidden = hidden;
      renderList();
    },
    areaBounds: () => groups.area.getBounds(),
    // How much of the map's right edge the open control covers (px).
    rightOverlap: () => (list && !list.hidden ? list.parentElement.offsetWidth + 10 : 0),
  };
}
