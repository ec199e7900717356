// The rider view: locate (or pin), pick amenities, get the nearest stations open when the rider arrives.
// The "map" view (the embed's default) is the same list without a position: the filtered catalogue.
// A shared link (?station=id) opens that one station's card first.
// The list never waits for the map: it renders as soon as the API answers (see ridermap.js).
import { cachedAt, fetchJSON } from "./api.js";
import { announce, byId, clear, el } from "./dom.js";
import { bindFilters, renderFilters } from "./filters.js";
import { errorText, formatAge, formatClock, stationName, t } from "./i18n.js";
import { createRiderMap } from "./ridermap.js";
import { CITY_CENTRE, filterParams, lastOrigin, rememberOrigin } from "./state.js";
import { stationCard } from "./stations.js";

const NEAREST_LIMIT = 10;
const CATALOGUE_LIMIT = 100;
const TRAVEL_MODE = "ebike";
const COPIED_MS = 3000;
const HEADINGS = { nearest: "nearestHeading", catalogue: "listHeading", station: "sharedHeading" };

// The rider's position from navigator.geolocation, with a hard time limit: some in-app browsers
// never call back at all, and a rider must then be offered the manual pin instead of waiting.
const LOCATE_TIMEOUT_MS = 10000;
const GRACE_MS = 2000;

class LocateError extends Error {
  constructor(reason) {
    super(reason);
    this.name = "LocateError";
    this.reason = reason; // "denied" | "timeout" | "unavailable"
  }
}

function reasonOf(error) {
  if (error && error.code === 1) return "denied";
  if (error && error.code === 3) return "timeout";
  return "unavailable";
}

// The position the page's head started asking for (index.html), taken once: a later tap asks anew.
function earlyPosition() {
  const early = window.servicemapPosition || null;
  window.servicemapPosition = null;
  return early;
}

function askPosition(timeout) {
  return new Promise((resolve, reject) => {
    navigator.geolocation.getCurrentPosition(resolve, reject, { enableHighAccuracy: true, timeout, maximumAge: 60000 });
  });
}

function locate({ timeout = LOCATE_TIMEOUT_MS, early = null } = {}) {
  return new Promise((resolve, reject) => {
    if (!early && !("geolocation" in navigator)) {
      reject(new LocateError("unavailable"));
      return;
    }
    const timer = window.setTimeout(() => reject(new LocateError("timeout")), timeout + GRACE_MS);
    const done = (callback) => (value) => {
      window.clearTimeout(timer);
      callback(value);
    };
    (early || askPosition(timeout)).then(
      done((position) => resolve({
        lon: position.coords.longitude, lat: position.coords.latitude, accuracy: position.coords.accuracy,
      })),
      done((error) => reject(new LocateError(reasonOf(error)))),
    );
  });
}

function locateMessage(error) {
  const reason = error instanceof LocateError ? error.reason : "unavailable";
  return t({ denied: "locateDenied", timeout: "locateTimeout" }[reason] || "locateUnavailable");
}

function markFirstList() {
  if (window.performance && performance.mark && !performance.getEntriesByName("servicemap:first-station-list").length) {
    performance.mark("servicemap:first-station-list");
  }
}

// AbortController where there is one; older in-app browsers lack it, and a stale answer is then ignored.
function newController() {
  return typeof AbortController === "function" ? new AbortController() : { abort() {}, signal: undefined };
}

export function createRider(app) {
  const { state } = app;
  const list = byId("station-list");
  let result = null; // {body: {features, …}, source: "nearest" | "catalogue" | "station", cachedAt}
  // In the rider view a tap on the map moves the pin; in the catalogue ("map") view only once asked to.
  let pickMode = state.view === "rider";
  let request = null;
  const map = createRiderMap(app.mapReady, { onPick: picked, onSelect: showCard });

  function picked([lon, lat], { byTap }) {
    if (byTap && !pickMode) return;
    setOrigin({ lon, lat, source: "pin" }, { fit: false }); // the list's update is announced
  }

  function filtersChanged() {
    state.station = null;
    app.stateChanged();
    load({ fit: true });
  }

  function bindControls() {
    bindFilters(app, filtersChanged);
    byId("locate").addEventListener("click", () => locateRider());
    byId("use-centre").addEventListener("click", () => useMapCentre());
    list.addEventListener("click", shareClicked);
  }

  function useMapCentre() {
    pickMode = true;
    const [lon, lat] = map.centre() || CITY_CENTRE;
    setOrigin({ lon, lat, source: "pin" }, { fit: false });
  }

  function setOrigin(origin, { fit }) {
    state.origin = origin;
    state.station = null;
    if (origin.source !== "url") rememberOrigin(origin);
    map.setOrigin(origin);
    app.stateChanged();
    return load({ fit });
  }

  function showLocateNote(message) {
    const note = byId("locate-note");
    note.textContent = message;
    note.hidden = !message;
  }

  async function locateRider({ early = null } = {}) {
    if (result) announce(t("locating"));
    else showLoading(t("locating")); // nothing listed yet: say what the wait is for
    byId("locate").setAttribute("aria-busy", "true");
    try {
      const position = await locate({ early });
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
    const [lon, lat] = map.centre() || CITY_CENTRE;
    const start = lastOrigin() || { lon, lat };
    map.showAt(start);
    await setOrigin({ ...start, source: "pin" }, { fit: false });
    announce(message); // after the list's own announcement, so it is not cut off; the note shows it
  }

  // [path, params, source]: the card representation (fields=card) keeps the answer small.
  function query() {
    if (state.station) return [`api/centres/${encodeURIComponent(state.station)}`, {}, "station"];
    const filters = { ...filterParams(state), open_now: state.openOnly ? "true" : "", fields: "card" };
    if (!state.origin) return ["api/centres", { ...filters, limit: CATALOGUE_LIMIT }, "catalogue"];
    const near = {
      lon: state.origin.lon.toFixed(6), lat: state.origin.lat.toFixed(6), limit: NEAREST_LIMIT, mode: TRAVEL_MODE,
    };
    return ["api/centres/nearest", { ...near, ...filters }, "nearest"];
  }

  function showLoading(text = state.origin ? t("loadingStations") : t("loading")) {
    list.setAttribute("aria-busy", "true");
    clear(list).append(el("li", { class: "loading", text }));
    announce(text);
  }

  async function load({ fit }) {
    if (request) request.abort();
    const controller = newController();
    request = controller;
    showLoading();
    try {
      const [path, params, source] = query();
      // The vocabulary (labels) is needed to draw cards: wait for both, ask for both at once.
      const [body] = await Promise.all([fetchJSON(path, params, { signal: controller.signal }), app.ready]);
      if (request !== controller) return;
      const collection = source === "station" ? { type: "FeatureCollection", features: [body] } : body;
      result = { body: collection, source, cachedAt: cachedAt(body) };
      renderResult();
      const view = source === "nearest" ? "nearby" : "stations";
      map.setStations(collection.features, { nearest: source === "nearest", fit: fit ? view : null });
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

  function showError(error) {
    result = null;
    const message = errorText(error);
    clear(list).append(el("li", { class: "empty", text: message }));
    byId("ranking-note").textContent = "";
    announce(message, { error: true });
  }

  function announceResult() {
    const count = result.body.features.length;
    const none = result.source === "nearest" ? "noStations" : "noStationsCatalogue";
    announce(count ? t("foundStations", { n: count }) : t(none));
  }

  function rankingText() {
    const { body, source } = result;
    if (source === "nearest") {
      if (body.ranking === "travel_time") return t("rankingTravel");
      return state.lang === "en" && body.note ? body.note : t("rankingStraight");
    }
    if (source === "catalogue" && body.number_matched > body.number_returned) {
      return t("showing", { total: body.number_matched, n: body.number_returned });
    }
    return "";
  }

  function renderNotes() {
    byId("ranking-note").textContent = rankingText();
    const offline = byId("offline-note");
    offline.hidden = result.cachedAt === null;
    if (result.cachedAt === null) return;
    const fetched = new Date(result.cachedAt);
    offline.textContent = t("offlineData", { age: formatAge(fetched), t: formatClock(fetched) });
  }

  function renderList() {
    const { body, source } = result;
    const ctx = {
      vocab: app.vocab, amenities: state.amenities, origin: state.origin,
      ranking: source === "nearest" ? body.ranking : null, newWindow: state.isEmbed,
    };
    clear(list);
    const numbered = source !== "station";
    body.features.forEach((feature, index) => list.append(stationCard(feature, numbered ? index : null, ctx)));
    if (!body.features.length) {
      list.append(el("li", { class: "empty", text: t(source === "nearest" ? "noStations" : "noStationsCatalogue") }));
    }
    renderHeading();
    if (body.features.length) markFirstList();
  }

  function renderHeading() {
    const source = result ? result.source : (state.station && "station") || (state.view === "rider" || state.origin
      ? "nearest" : "catalogue");
    byId("results-heading").textContent = t(HEADINGS[source]);
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

  // A card's share link: the phone's share sheet, else the link copied, else simply followed.
  async function shareClicked(event) {
    const link = event.target.closest("a[data-share]");
    if (!link) return;
    event.preventDefault();
    const feature = result && result.body.features.find((f) => f.properties.id === link.dataset.share);
    const name = feature ? stationName(feature.properties) : "";
    if (navigator.share) {
      navigator.share({ title: name, url: link.href }).catch(() => undefined); // cancelled: nothing to do
      return;
    }
    try {
      await navigator.clipboard.writeText(link.href);
    } catch {
      window.location.assign(link.href); // its page: the browser's own share menu works there
      return;
    }
    announce(t("linkCopied"));
    const label = link.querySelector("span");
    label.textContent = t("copied");
    window.setTimeout(() => { label.textContent = t("shareStation"); }, COPIED_MS);
  }

  function renderResult() {
    if (!result) return;
    renderNotes();
    renderList();
    const [shared] = result.source === "station" ? result.body.features : [];
    if (shared) document.title = `${stationName(shared.properties)} · ${t("title")}`;
  }

  // Everything, e.g. after a change of language.
  function render() {
    if (!app.vocab) return; // the labels are not there yet: load() renders once they are
    renderFilters(app);
    renderHeading();
    map.relabel();
    renderResult();
    if (result) announceResult();
  }

  function start() {
    renderHeading();
    bindControls();
    app.ready.then(render, () => undefined); // a failure is shown by load()
    if (state.station) load({ fit: true });
    else if (state.origin) setOrigin(state.origin, { fit: true });
    else if (state.view === "rider") {
      byId("ranking-note").textContent = t("waitingForLocation");
      locateRider({ early: earlyPosition() });
    } else load({ fit: true });
  }

  return { start, render };
}
