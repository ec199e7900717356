// The planner view: centres per district, every centre on the map, isochrones per centre when the
// server has a road network, and a time-of-week filter (the API's open_at, so real opening hours).
import { fetchJSON } from "./api.js";
import { announce, byId, clear, el } from "./dom.js";
import { bindFilters, renderFilters } from "./filters.js";
import { getLang, stationName, t } from "./i18n.js";
import { fitTo, stationLayer } from "./map.js";
import { filterParams } from "./state.js";

const CATALOGUE_LIMIT = 1000;
const ISOCHRONE_MINUTES = [5, 10, 15];
const MODES = [["ebike", "modeEbike"], ["walk", "modeWalk"], ["car", "modeCar"]];
const ISOCHRONE_COLOURS = { 5: "#08519c", 10: "#3182bd", 15: "#6baed6" };
const HOURS_PER_WEEK = 168;

// Pure: an isochrone polygon's style from its minutes.
export function isochroneStyle(feature) {
  const colour = ISOCHRONE_COLOURS[feature.properties.minutes] || "#9ecae1";
  return { color: colour, weight: 1.5, fillColor: colour, fillOpacity: 0.25 };
}

function pad(n) {
  return String(n).padStart(2, "0");
}

// Pure: slider value (hour of the week, Monday 00:00 = 0) -> that hour in the current week,
// as a naive ISO time, which the API reads as Asia/Shanghai.
export function weekMoment(value, now = new Date()) {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit", weekday: "short",
  }).formatToParts(now).reduce((acc, part) => ({ ...acc, [part.type]: part.value }), {});
  const weekdayIndex = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].indexOf(parts.weekday);
  const monday = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day) - weekdayIndex);
  const day = new Date(monday + Math.floor(value / 24) * 86400000).toISOString().slice(0, 10);
  return `${day}T${pad(value % 24)}:00:00`;
}

// The API's message, led by a translation when the error is one we know.
function isochroneError(error) {
  const known = { no_road_network: "noRoadNetwork" }[error.code];
  return known && getLang() !== "en" ? `${t(known)}（${error.message}）` : error.message;
}

function weekLabel(value) {
  return `${t("weekdays").split(",")[Math.floor(value / 24)]} ${pad(value % 24)}:00`;
}

function districtRow(district) {
  return el("tr", {},
    el("th", { scope: "row", text: district.name_zh }),
    el("td", { text: district.main_urban ? t("yes") : t("no") }),
    el("td", { class: "num", text: String(district.centres) }),
    el("td", { class: "num", text: String(district.service_centres) }),
    el("td", { class: "num", text: String(district.rider_stations) }));
}

function districtTable(districts) {
  const head = el("tr", {}, ...["districtName", "mainUrban", "colCentres", "colServiceCentres", "colRiderStations"]
    .map((key) => el("th", { scope: "col", text: t(key) })));
  return el("table", { class: "district-table" },
    el("caption", { text: t("districtTable") }),
    el("thead", {}, head),
    el("tbody", {}, ...districts.map(districtRow)));
}

function legendControl(modeKey) {
  const control = L.control({ position: "bottomright" });
  control.onAdd = () => {
    const title = el("p", { class: "legend-title", text: t("legendTitle", { mode: t(modeKey) }) });
    const box = el("div", { class: "legend" }, title);
    for (const minutes of ISOCHRONE_MINUTES) {
      const swatch = el("span", { class: "swatch", style: `background:${ISOCHRONE_COLOURS[minutes]}` });
      box.append(el("p", {}, swatch, el("span", { text: t("minutes", { m: minutes }) })));
    }
    return box;
  };
  return control;
}

export function createPlanner(app) {
  const { state, config, mapView } = app;
  let centres = [];
  let markers = null;
  let isochrones = null;
  let legend = null;

  function renderTable() {
    clear(byId("district-table")).append(districtTable(app.districts));
  }

  function renderCentreOptions() {
    const select = byId("iso-centre");
    const chosen = select.value;
    clear(select).append(el("option", { value: "", text: t("isoChooseCentre") }));
    for (const feature of centres) {
      const id = feature.properties.id;
      select.append(el("option", { value: id, text: stationName(feature.properties), selected: id === chosen }));
    }
  }

  function renderModeOptions() {
    const select = byId("iso-mode");
    const chosen = select.value || "ebike";
    clear(select);
    for (const [mode, key] of MODES) {
      select.append(el("option", { value: mode, text: t(key), selected: mode === chosen }));
    }
  }

  function timeParams() {
    if (!byId("time-filter").checked) return {};
    return { open_at: weekMoment(Number(byId("time-slider").value)) };
  }

  async function loadCentres() {
    byId("planner-count").textContent = t("loading");
    try {
      const body = await fetchJSON("api/centres", { ...filterParams(state), ...timeParams(), limit: CATALOGUE_LIMIT });
      centres = body.features;
      renderCentres();
      announce(t("plannerCentres", { n: centres.length }));
    } catch (error) {
      announce(t("errorLoading", { m: error.message }), { error: true });
    }
  }

  function renderCentres() {
    if (markers) markers.remove();
    markers = stationLayer(mapView, centres, { onSelect: selectCentre }).addTo(mapView.map);
    byId("planner-count").textContent = t("plannerCentres", { n: centres.length });
    renderCentreOptions();
  }

  function selectCentre(feature) {
    byId("iso-centre").value = feature.properties.id;
    if (config.isochrones) showIsochrones();
  }

  function clearIsochrones() {
    if (isochrones) isochrones.remove();
    if (legend) legend.remove();
    isochrones = null;
    legend = null;
  }

  function drawIsochrones(collection, modeKey) {
    clearIsochrones();
    const features = [...collection.features].sort((a, b) => b.properties.minutes - a.properties.minutes);
    isochrones = L.geoJSON({ type: "FeatureCollection", features }, {
      style: isochroneStyle, coordsToLatLng: (coords) => mapView.toLatLng(coords), interactive: false,
    }).addTo(mapView.map);
    legend = legendControl(modeKey).addTo(mapView.map);
    fitTo(mapView, [isochrones]);
  }

  async function showIsochrones() {
    const centreId = byId("iso-centre").value;
    const feature = centres.find((f) => f.properties.id === centreId);
    if (!feature) return;
    const mode = byId("iso-mode").value;
    const modeKey = MODES.find(([m]) => m === mode)[1];
    const note = byId("iso-note");
    note.textContent = t("isoLoading");
    try {
      const params = { centre_id: centreId, mode, minutes: ISOCHRONE_MINUTES.join(",") };
      const body = await fetchJSON("api/isochrones", params);
      drawIsochrones(body, modeKey);
      note.textContent = t("isoShown", { name: stationName(feature.properties), mode: t(modeKey) });
    } catch (error) {
      clearIsochrones();
      note.textContent = t("isoUnavailable", { m: isochroneError(error) });
    }
    announce(note.textContent);
  }

  function renderTimeLabel() {
    byId("time-output").textContent = weekLabel(Number(byId("time-slider").value));
  }

  function bindControls() {
    bindFilters(app, () => { app.stateChanged(); loadCentres(); });
    byId("iso-show").addEventListener("click", showIsochrones);
    byId("iso-clear").addEventListener("click", () => { clearIsochrones(); byId("iso-note").textContent = ""; });
    const slider = byId("time-slider");
    slider.max = String(HOURS_PER_WEEK - 1);
    slider.addEventListener("input", renderTimeLabel);
    slider.addEventListener("change", () => { if (byId("time-filter").checked) loadCentres(); });
    byId("time-filter").addEventListener("change", loadCentres);
  }

  function renderIsochroneAvailability() {
    byId("iso-show").disabled = !config.isochrones;
    if (!config.isochrones) byId("iso-note").textContent = t("isoUnsupported");
  }

  function render() {
    renderFilters(app);
    renderTable();
    renderModeOptions();
    renderTimeLabel();
    renderIsochroneAvailability();
    if (markers) renderCentres();
  }

  async function start() {
    render();
    bindControls();
    await loadCentres();
    fitTo(mapView, [markers], { maxZoom: 14 });
  }

  return { start, render };
}
