// The planner view: where the 15-minute circle has gaps, at any hour of the week. The coverage of the
// chosen mode and budget (bands, gaps of each district, H3 cells by minutes to the nearest centre and
// demand) for the moment on the time control, the week profile, siting, the district table and exports;
// the centres on the map and one centre's isochrones. Without a road network: centres per district.
// Loaded only in this view, with its own strings and stylesheet (the rider page carries none of it).
import { fetchJSON } from "./api.js";
import { announce, byId, el } from "./dom.js";
import { bindFilters, renderFilters } from "./filters.js";
import { addStrings, applyStaticText, t } from "./i18n.js";
import { fitTo, labelZoom, stationLayer } from "./map.js";
import { cellResolution, coverageParams, createCoverageSource } from "./coverage.js";
import { createCoverageMap, legendRow } from "./coveragemap.js";
import { coverageTable, districtCountTable, exportLinks } from "./coveragetable.js";
import { createIsochrones } from "./isochrones.js";
import { PLANNER_STRINGS } from "./planner-strings.js";
import { demandName, formatArea, formatPct, isAbort, plannerError, sentences } from "./plannerformat.js";
import { createProfileChart } from "./profile.js";
import { createSiting } from "./siting.js";
import { filterParams } from "./state.js";
import { createTimeControl, nowMoment } from "./timecontrol.js";

addStrings(PLANNER_STRINGS);
const stylesheet = loadStylesheet("css/planner.css");

const CATALOGUE_LIMIT = 1000;
const DRAG_DELAY_MS = 180;
const GAP_ZOOM = 15;
const FIT_PADDING = 56; // px: clear of the zoom buttons and the folded layer button
const MODES = [["ebike", "modeEbike"], ["walk", "modeWalk"], ["car", "modeCar"]];
const BUDGETS = [10, 15, 20, 30];

// The planner's own stylesheet, after app.css so that its rules win; the panel is built once it is there.
function loadStylesheet(href) {
  return new Promise((resolve) => {
    const link = el("link", { rel: "stylesheet", href });
    link.addEventListener("load", resolve);
    link.addEventListener("error", resolve); // unstyled beats absent
    document.head.append(link);
  });
}

function options(select, entries, chosen) {
  select.replaceChildren(...entries.map(([value, text]) => el("option", { value, text, selected: value === chosen })));
}

function labelled(control, key) {
  return el("span", { class: "select" }, el("label", { for: control.id, "data-i18n": key }), control);
}

function section(id, key, body, { open = false } = {}) {
  return el("details", { id, class: "panel-section", open }, el("summary", { "data-i18n": key }), body);
}

// The figures for the moment shown, with the time control that moves it: one card, so that on a phone
// the map, the figures and the slider share the first screen.
function summaryBox(timeControl) {
  const figure = (id, key) => el("p", { class: "figure" }, el("span", { id, class: "figure-value", text: "…" }),
    el("span", { class: "figure-label", "data-i18n": key }));
  return el("div", { id: "coverage-summary", class: "coverage-summary" },
    el("p", { id: "summary-context", class: "summary-context" }),
    el("div", { class: "figures" }, figure("covered-area", "coveredArea"), figure("covered-demand", "coveredDemand")),
    timeControl);
}

export function createPlanner(app) {
  const { state, config, mapView, vocab } = app;
  const available = Boolean(config.isochrones);
  const plan = { mode: "ebike", minutes: 15 };
  const source = createCoverageSource();
  // What the map shows: the figures (or the error instead), their query key, the cells' resolution, and
  // the district whose analysis area is drawn.
  const shown = { figures: null, error: null, key: null, resolution: 9, areaKey: null };
  const profileState = { profile: null, key: null, controller: null };
  let centres = [];
  let centreController = null;
  let timer = 0;
  let ticket = 0;

  const modeSelect = el("select", { id: "plan-mode" });
  const minutesSelect = el("select", { id: "plan-minutes" });
  const time = createTimeControl({ onChange: ({ immediate }) => schedule(immediate) });
  const chart = createProfileChart({ onPick: (day, hour) => time.set(day, hour) });
  const iso = createIsochrones({ mapView, available, mode: () => ({ mode: plan.mode, key: modeKey() }) });
  const siting = createSiting({ mapView, vocab, query, onSites: () => coverageMap.setHidden("sites", false) });
  const coverageMap = createCoverageMap(mapView, {
    coverage: available, onToggle: (id, on) => { if (id === "cells" && on) loadCoverage(); },
  });
  const centreGroup = L.featureGroup();
  const loading = el("p", { id: "coverage-loading", class: "map-pill", hidden: true, "aria-hidden": "true" });
  const tableBox = el("div", { id: "district-table", class: "table-wrap", tabindex: "0", role: "region",
    "data-i18n-label": "districtTableRegion" });
  const exportsBox = el("div", { id: "export-links" });

  function modeKey() {
    return MODES.find(([mode]) => mode === plan.mode)[1];
  }

  // The coverage query shown: filters, mode, budget and moment; label() names it in the page's language.
  function query() {
    const at = time.moment(false).at;
    const snapshot = { mode: modeKey(), minutes: plan.minutes, moment: time.label() };
    return {
      mode: plan.mode, minutes: plan.minutes, at,
      kind: state.kind, amenity: [...state.amenities], district: state.district,
      label: () => t("summaryContext", { mode: t(snapshot.mode), minutes: snapshot.minutes, moment: snapshot.moment }),
    };
  }

  function filtersKey() {
    const { at, ...rest } = coverageParams(query());
    return JSON.stringify(rest);
  }

  function buildPanel() {
    const panel = byId("planner-panel");
    panel.replaceChildren(
      el("h2", { id: "planner-heading", "data-i18n": "plannerHeading" }),
      available ? summaryBox(time.element) : time.element,
      el("p", { id: "network-note", class: "note", "data-i18n": "coverageUnsupported", hidden: available }),
      el("div", { class: "notes" }, el("p", { id: "summary-centres", class: "note" }),
        el("p", { id: "analysis-area-note", class: "note" }), el("p", { id: "planner-count", class: "note" })),
      el("fieldset", { class: "budget" }, el("legend", { "data-i18n": "planHeading" }),
        labelled(modeSelect, "planMode"), labelled(minutesSelect, "planMinutes")),
      byId("filters"),
      section("profile-section", "profileHeading", chart.element, { open: true }),
      section("siting-section", "sitingHeading", siting.element),
      section("iso-section", "isoHeading", iso.element),
      section("export-section", "exportHeading", exportsBox),
      tableBox);
    for (const id of ["profile-section", "siting-section", "export-section"]) byId(id).hidden = !available;
    mapView.map.getContainer().parentElement.append(loading);
    const skip = document.querySelector(".skip-link");
    skip.href = "#planner-panel";
    skip.dataset.i18n = "skipPlanner"; // app.js relabels it on a language switch
  }

  // --- centres on the map ------------------------------------------------------------------------------

  async function loadCentres() {
    if (centreController) centreController.abort();
    centreController = new AbortController();
    const at = time.moment(false).at;
    try {
      const params = { ...filterParams(state), limit: CATALOGUE_LIMIT, ...(at ? { open_at: at } : {}) };
      centres = (await fetchJSON("api/centres", params, { signal: centreController.signal })).features;
      renderCentres();
    } catch (error) {
      if (!isAbort(error)) announce(plannerError(error), { error: true });
    }
  }

  function renderCentres() {
    centreGroup.clearLayers();
    centreGroup.addLayer(stationLayer(mapView, centres, { onSelect: (feature) => iso.select(feature) }));
    byId("planner-count").textContent = t("plannerCentres", { n: centres.length });
    iso.setCentres(centres);
  }

  // --- coverage ------------------------------------------------------------------------------------------

  function schedule(immediate) {
    window.clearTimeout(timer);
    renderContext();
    timer = window.setTimeout(refresh, immediate ? 0 : DRAG_DELAY_MS);
  }

  function refresh() {
    loadCentres();
    if (available) loadCoverage();
  }

  function setLoading(on) {
    byId("coverage-summary").setAttribute("aria-busy", String(on));
    loading.hidden = !on;
    loading.textContent = on ? t("coverageLoading", { moment: time.label() }) : "";
    mapView.map.getContainer().classList.toggle("is-computing", on);
  }

  async function loadCoverage() {
    const mine = ++ticket;
    const q = query();
    const key = `${filtersKey()}|${q.at}`;
    // The stored layer of this moment, if known: from the week profile, or the one on the map already.
    const fromProfile = time.moment(profileState.key === filtersKey()).layerId;
    const onMap = key === shown.key && shown.figures ? shown.figures.layer.id : null;
    const layerId = fromProfile !== null ? fromProfile : onMap;
    setLoading(true);
    try {
      if (shown.areaKey !== state.district) await loadArea(q);
      const result = await source.load(q, { layerId, cells: coverageMap.isShown("cells") ? shown.resolution : null });
      if (mine !== ticket) return;
      Object.assign(shown, { figures: result.figures, error: null, key, at: q.at });
      coverageMap.draw(result);
      renderCoverage();
      announceCoverage();
    } catch (error) {
      if (isAbort(error) || mine !== ticket) return;
      showCoverageError(error);
    } finally {
      if (mine === ticket) setLoading(false);
    }
  }

  async function loadArea(q) {
    const first = shown.areaKey === null;
    const area = await source.area(q);
    shown.areaKey = state.district;
    shown.resolution = cellResolution(area.analysis_area.area_m2);
    coverageMap.drawArea(area);
    const bounds = coverageMap.areaBounds();
    if (!bounds.isValid() || !(first || state.district)) return;
    // Clear of the layer control when it is open beside the map (a desk), not under it.
    const side = FIT_PADDING + coverageMap.rightOverlap();
    mapView.map.fitBounds(bounds, { paddingTopLeft: [FIT_PADDING, 16], paddingBottomRight: [side, 16] });
  }

  function showCoverageError(error) {
    Object.assign(shown, { figures: null, error });
    coverageMap.clear();
    renderCoverageError();
  }

  function renderCoverageError() {
    const message = plannerError(shown.error);
    byId("covered-area").textContent = t("notAvailable");
    byId("covered-demand").textContent = t("notAvailable");
    byId("summary-centres").textContent = message;
    byId("analysis-area-note").textContent = "";
    tableBox.replaceChildren(districtCountTable(app.districts));
    announce(message, { error: true });
  }

  function announceCoverage() {
    announce(t("coverageAnnounce", { moment: time.label(), area: formatPct(shown.figures.totals.covered_pct) }));
  }

  function filtersChanged() {
    source.abort();
    shown.figures = null;
    loadProfile();
    schedule(true);
  }

  // --- the week profile ------------------------------------------------------------------------------

  async function loadProfile() {
    if (!available) return;
    if (profileState.controller) profileState.controller.abort();
    const controller = new AbortController();
    profileState.controller = controller;
    const key = filtersKey();
    // The typical week from the planner's today on (the browser's clock, as the time control's week).
    const params = { ...coverageParams(query()), at: nowMoment() };
    chart.loading();
    try {
      const profile = await fetchJSON("api/coverage/profile", params, { signal: controller.signal });
      const before = time.moment(false).at;
      Object.assign(profileState, { profile, key });
      time.setProfile(profile);
      chart.show(profile, time.selection);
      if (time.moment(false).at !== before) schedule(true); // the typical week is not this week
    } catch (error) {
      if (!isAbort(error)) chart.failed(plannerError(error));
    }
  }

  // --- rendering -----------------------------------------------------------------------------------------

  function renderContext() {
    if (!available) return;
    byId("summary-context").textContent = query().label();
    chart.draw(time.selection);
  }

  function renderCoverage() {
    const figures = shown.figures;
    renderContext();
    if (!figures) return;
    const area = figures.analysis_area;
    const counts = figures.centres;
    byId("covered-area").textContent = formatPct(figures.totals.covered_pct);
    byId("covered-demand").textContent = formatPct(figures.totals.demand_covered_pct);
    byId("coverage-summary").dataset.layer = String(figures.layer.id);
    byId("coverage-summary").dataset.at = shown.at || "";
    byId("summary-centres").textContent = t("summaryCentres", {
      counted: counts.counted, closed: counts.closed_at_moment, off: counts.off_network,
    });
    const areaNote = area.area_m2 > 0 ? t("analysisArea", {
      area: formatArea(area.area_m2), whole: formatArea(area.district_area_m2), reach: area.reach_m,
    }) : t("noAnalysisArea");
    const demandNote = t("demandUsed", { name: demandName(figures.demand) });
    byId("analysis-area-note").textContent = sentences([areaNote, demandNote]);
    const caption = t("coverageTable", { context: query().label() });
    tableBox.replaceChildren(coverageTable(figures, { caption, onGap: showGap }));
    exportsBox.replaceChildren(exportLinks(coverageParams(query()), shown.resolution));
  }

  function showGap(gap) {
    mapView.map.setView(mapView.toLatLng([gap.lon, gap.lat]), Math.max(mapView.map.getZoom(), GAP_ZOOM));
    mapView.map.getContainer().scrollIntoView({ block: "nearest" });
  }

  function renderTable() {
    if (!available) tableBox.replaceChildren(districtCountTable(app.districts));
    else if (!shown.figures) tableBox.replaceChildren(el("p", { class: "note", text: t("coverageWaiting") }));
  }

  function render() {
    applyStaticText(byId("planner-panel"));
    document.querySelector(".skip-link").textContent = t("skipPlanner");
    options(modeSelect, MODES.map(([value, key]) => [value, t(key)]), plan.mode);
    options(minutesSelect, BUDGETS.map((m) => [String(m), t("minutes", { m })]), String(plan.minutes));
    renderFilters(app);
    time.render();
    iso.render();
    siting.render();
    coverageMap.render();
    labelZoom(mapView);
    renderTable();
    renderCoverage();
    if (shown.error) renderCoverageError();
    else if (shown.figures) announceCoverage(); // the last announcement, in the new language
    if (centres.length) renderCentres();
  }

  function bindControls() {
    bindFilters(app, () => { app.stateChanged(); filtersChanged(); });
    modeSelect.addEventListener("change", () => { plan.mode = modeSelect.value; filtersChanged(); });
    minutesSelect.addEventListener("change", () => { plan.minutes = Number(minutesSelect.value); filtersChanged(); });
  }

  async function start() {
    await stylesheet;
    buildPanel();
    // planner.css changed the map's box after Leaflet measured it; quarter zoom steps fit an area closely.
    mapView.map.invalidateSize();
    mapView.map.options.zoomSnap = 0.25;
    coverageMap.addEntry({ id: "centres", labelKey: "layerCentres", layer: centreGroup, shown: true,
      legend: () => [legendRow("centre", t("centreLegend"))] });
    coverageMap.addEntry({ id: "sites", labelKey: "layerSites", layer: siting.markers, shown: true, hidden: true,
      legend: () => [legendRow("site", t("siteLegend"))] });
    render();
    bindControls();
    if (!available) {
      await loadCentres();
      fitTo(mapView, [centreGroup], { maxZoom: 14 });
      return;
    }
    loadProfile();
    await Promise.all([loadCentres(), loadCoverage()]);
    if (!coverageMap.areaBounds().isValid()) fitTo(mapView, [centreGroup], { maxZoom: 14 }); // no area to fit
  }

  return { start, render };
}
