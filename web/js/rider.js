// The rider view: locate (or pin), pick amenities, get the nearest stations open now.
// The "map" view (the embed's default) is the same list without a position: the filtered catalogue.
import { cachedAt, fetchJSON } from "./api.js";
import { announce, byId, clear, el } from "./dom.js";
import { bindFilters, renderFilters } from "./filters.js";
import { formatClock, t } from "./i18n.js";
import { LocateError, locate } from "./locate.js";
import { fitTo, originPin, stationLayer } from "./map.js";
import { filterParams, lastOrigin, rememberOrigin } from "./state.js";
import { stationCard } from "./stations.js";

const NEAREST_LIMIT = 10;
const CATALOGUE_LIMIT = 100;
const TRAVEL_MODE = "ebike";
// The map shows the rider and the nearest stations, not the whole city: the first few, and of those
// only the ones within a short ride or not much farther than the nearest.
const FIT_NEAREST = 5;
const FIT_RADIUS_M = 3000;

function locateMessage(error) {
  const reason = error instanceof LocateError ? error.reason : "unavailable";
  return t({ denied: "locateDenied", timeout: "locateTimeout" }[reason] || "locateUnavailable");
}

function markFirstList() {
  if (window.performance && performance.mark && !performance.getEntriesByName("servicemap:first-station-list").length) {
    performance.mark("servicemap:first-station-list");
  }
}

export function createRider(app) {
  const { state, vocab, mapView } = app;
  const list = byId("station-list");
  let result = null;
  let markers = null;
  let pin = null;
  // In the rider view a tap on the map moves the pin; in the catalogue ("map") view only once asked to.
  let pickMode = state.view === "rider";
  let request = null;

  function filtersChanged() {
    app.stateChanged();
    load({ fit: true });
  }

  function bindControls() {
    bindFilters(app, filtersChanged);
    byId("locate").addEventListener("click", () => locateRider());
    byId("use-centre").addEventListener("click", () => useMapCentre());
    mapView.map.on("click", (event) => { if (pickMode) pinAt(event.latlng); });
  }

  function placePin(origin) {
    const at = mapView.toLatLng([origin.lon, origin.lat]);
    if (!pin) {
      pin = originPin(mapView, origin, { onMove: (moved) => setOrigin(moved, { fit: false }) }).addTo(mapView.map);
    }
    pin.setLatLng(at);
  }

  function pinAt(latlng) {
    const [lon, lat] = mapView.fromLatLng(latlng);
    setOrigin({ lon, lat, source: "pin" }, { fit: false }); // the list's update is announced
  }

  function useMapCentre() {
    pickMode = true;
    pinAt(mapView.map.getCenter());
  }

  function setOrigin(origin, { fit }) {
    state.origin = origin;
    if (origin.source !== "url") rememberOrigin(origin);
    placePin(origin);
    app.stateChanged();
    return load({ fit });
  }

  function showLocateNote(message) {
    const note = byId("locate-note");
    note.textContent = message;
    note.hidden = !message;
  }

  async function locateRider(pending = null) {
    announce(t("locating"));
    byId("locate").setAttribute("aria-busy", "true");
    try {
      const position = await (pending || locate());
      document.body.classList.remove("is-picking");
      showLocateNote("");
      await setOrigin({ ...position, source: "gps" }, { fit: true });
    } catch (error) {
      await startPicking(locateMessage(error));
    } finally {
      byId("locate").removeAttribute("aria-busy");
    }
  }

  // No position from the phone: put a pin where the rider last was (or the city centre) to move.
  async function startPicking(message) {
    pickMode = true;
    document.body.classList.add("is-picking");
    showLocateNote(message);
    const centre = mapView.fromLatLng(mapView.map.getCenter());
    const start = lastOrigin() || { lon: centre[0], lat: centre[1] };
    mapView.map.setView(mapView.toLatLng([start.lon, start.lat]));
    await setOrigin({ ...start, source: "pin" }, { fit: false });
    announce(message, { error: true }); // after the list's own announcement, so it is not cut off
  }

  function query() {
    const filters = { ...filterParams(state), open_now: state.openOnly ? "true" : "" };
    if (!state.origin) return ["api/centres", { ...filters, limit: CATALOGUE_LIMIT }];
    const near = {
      lon: state.origin.lon.toFixed(6), lat: state.origin.lat.toFixed(6), limit: NEAREST_LIMIT, mode: TRAVEL_MODE,
    };
    return ["api/centres/nearest", { ...near, ...filters }];
  }

  function showLoading() {
    list.setAttribute("aria-busy", "true");
    clear(list).append(el("li", { class: "loading", text: state.origin ? t("loadingStations") : t("loading") }));
    announce(state.origin ? t("loadingStations") : t("loading"));
  }

  async function load({ fit }) {
    if (request) request.abort();
    // Older in-app browsers lack AbortController: then a stale answer is simply ignored.
    const controller = typeof AbortController === "function" ? new AbortController() : { abort() {} };
    request = controller;
    showLoading();
    try {
      const [path, params] = query();
      const body = await fetchJSON(path, params, { signal: controller.signal });
      if (request !== controller) return;
      result = { body, nearest: path.endsWith("nearest"), cachedAt: cachedAt(body) };
      renderResult();
      if (fit) fitTo(mapView, [pin, ...nearbyMarkers()]);
      announceResult();
    } catch (error) {
      if (error.name !== "AbortError" && request === controller) showError(error);
    } finally {
      if (request === controller) {
        request = null;
        list.removeAttribute("aria-busy");
      }
    }
  }

  function nearbyMarkers() {
    const features = result.body.features;
    if (!result.nearest || !features.length) return markers.getLayers();
    const reach = Math.max(FIT_RADIUS_M, 2 * features[0].properties.distance_m);
    return markers.getLayers().slice(0, FIT_NEAREST).filter((marker, i) => features[i].properties.distance_m <= reach);
  }

  function showError(error) {
    result = null;
    const offline = error.code === "offline" || !navigator.onLine;
    const message = offline ? t("offlineNoData") : t("errorLoading", { m: error.message });
    clear(list).append(el("li", { class: "empty", text: message }));
    announce(message, { error: true });
  }

  function announceResult() {
    const count = result.body.features.length;
    announce(count ? t("foundStations", { n: count }) : t(result.nearest ? "noStations" : "noStationsCatalogue"));
  }

  function renderNotes() {
    const { body, nearest } = result;
    let ranking = "";
    if (nearest) ranking = body.ranking === "travel_time" ? t("rankingTravel") : t("rankingStraight");
    if (nearest && body.ranking !== "travel_time" && body.note && state.lang === "en") ranking = body.note;
    if (!nearest && body.number_matched > body.number_returned) {
      ranking = t("showing", { total: body.number_matched, n: body.number_returned });
    }
    byId("ranking-note").textContent = ranking;
    const offline = byId("offline-note");
    offline.hidden = result.cachedAt === null;
    const fetchedAt = result.cachedAt === null ? null : formatClock(new Date(result.cachedAt));
    offline.textContent = fetchedAt === null ? "" : t("offlineData", { t: fetchedAt });
  }

  function renderList() {
    const { body, nearest } = result;
    const ctx = {
      vocab, amenities: state.amenities, origin: state.origin, ranking: nearest ? body.ranking : null,
      newWindow: state.isEmbed,
    };
    clear(list);
    body.features.forEach((feature, index) => list.append(stationCard(feature, index, ctx)));
    if (!body.features.length) {
      list.append(el("li", { class: "empty", text: t(nearest ? "noStations" : "noStationsCatalogue") }));
    }
    renderHeading();
    if (body.features.length) markFirstList();
  }

  function renderHeading() {
    const nearest = result ? result.nearest : state.view === "rider" || Boolean(state.origin);
    byId("results-heading").textContent = nearest ? t("nearestHeading") : t("listHeading");
  }

  function renderMarkers() {
    if (markers) markers.remove();
    markers = stationLayer(mapView, result.body.features, { onSelect: showCard }).addTo(mapView.map);
  }

  // A marker chosen: highlight its card; a keyboard user is taken there (the map holds no details).
  function showCard(feature, index, { byKeyboard = false } = {}) {
    const article = list.querySelector(`[data-id="${CSS.escape(feature.properties.id)}"]`);
    const card = article && article.closest("li");
    if (!card) return;
    for (const other of list.querySelectorAll(".is-selected")) other.classList.remove("is-selected");
    card.classList.add("is-selected");
    card.scrollIntoView({ block: "nearest", behavior: "smooth" });
    if (byKeyboard) article.focus();
  }

  function renderResult() {
    if (!result) return;
    renderNotes();
    renderList();
    renderMarkers();
  }

  // Everything, e.g. after a change of language.
  function render() {
    renderFilters(app);
    renderHeading();
    if (pin) pin.getElement().setAttribute("aria-label", t("mapPin"));
    renderResult();
    if (result) announceResult();
  }

  function start() {
    render();
    bindControls();
    if (state.origin) setOrigin(state.origin, { fit: true });
    else if (state.view === "rider") {
      byId("ranking-note").textContent = t("waitingForLocation");
      locateRider(app.earlyPosition);
    } else load({ fit: true });
  }

  return { start, render };
}
