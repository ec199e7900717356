// Boots the page: state from the URL, configuration and vocabulary from the API, then one view.
// The rider view starts at once (position, then the list) while the rest loads; the planner waits for it all.
// Only what the first list needs is imported here (and preloaded by index.html): the map, the planner
// and the embed snippet are imported when wanted, so a slow network delivers the list first.
import { fetchJSON, registerServiceWorker } from "./api.js";
import { announce, byId } from "./dom.js";
import { applyStaticText, errorText, setLang, t } from "./i18n.js";
import { createRider } from "./rider.js";
import { pageParams, readState, rememberLang, writeState } from "./state.js";

// {kinds: [{value, zh, en}], ...} -> the same lists plus lookups by value: vocab.amenity[token].
function indexVocabulary(vocabulary) {
  const byValue = (entries) => Object.fromEntries(entries.map((entry) => [entry.value, entry]));
  return {
    ...vocabulary,
    amenity: byValue(vocabulary.amenities),
    kind: byValue(vocabulary.kinds),
    level: byValue(vocabulary.levels),
    status: byValue(vocabulary.statuses),
  };
}

function viewLink(state) {
  const other = state.view === "planner" ? "rider" : "planner";
  const query = pageParams({ ...state, view: other, origin: null }, { isEmbed: false }).toString();
  return { href: `./${query ? `?${query}` : ""}`, key: other === "planner" ? "toPlanner" : "toRider" };
}

function fullMapLink(state) {
  const query = pageParams({ ...state, view: state.view === "map" ? "rider" : state.view }, { isEmbed: false });
  return `./${query.toString() ? `?${query}` : ""}`;
}

function renderChrome(state) {
  if (!state.station) document.title = `${t("title")} · ${t("subtitle")}`; // a shared station's: rider.js
  applyStaticText();
  byId("lang-switch").textContent = t("langSwitch");
  byId("lang-switch").setAttribute("lang", state.lang === "en" ? "zh-CN" : "en");
  byId("lang-switch").setAttribute("aria-label", t("langSwitchName"));
  const link = viewLink(state);
  byId("view-link").href = link.href;
  byId("view-link").textContent = t(link.key);
  byId("full-map-link").href = fullMapLink(state);
}

function showView(state) {
  document.body.classList.add(`view-${state.view}`);
  document.body.classList.toggle("embed", state.isEmbed);
  byId("rider-controls").hidden = state.view === "planner";
  byId("planner-panel").hidden = state.view !== "planner";
  byId("results").hidden = state.view === "planner";
  byId("filter-toggle").hidden = state.view === "planner";
  byId("share").hidden = state.isEmbed;
  byId("view-link").hidden = state.isEmbed;
  byId("full-map-link").hidden = !state.isEmbed;
}

async function loadBasics() {
  const [config, vocabulary, districts] = await Promise.all([
    fetchJSON("api/config"), fetchJSON("api/vocabulary"), fetchJSON("api/districts").catch(() => []),
  ]);
  return { config, vocab: indexVocabulary(vocabulary), districts };
}

// The map once map.js, Leaflet and the base-map settings are there; says so if it cannot be drawn.
function loadMap(basics) {
  const drawing = import("./map.js");
  const leaflet = drawing.then((map) => map.loadLeaflet());
  const mapReady = Promise.all([drawing, basics, leaflet])
    .then(([map, { config }]) => map.createMap(byId("map"), config));
  mapReady.catch((error) => {
    console.warn("map not shown:", error && error.message);
    if (!navigator.onLine) return; // offline without a saved base map: the list says it is offline
    byId("map").textContent = t("mapUnavailable");
  });
  return mapReady;
}

async function startPlanner(app) {
  try {
    const [{ createPlanner }, , mapView] = await Promise.all([import("./planner.js"), app.ready, app.mapReady]);
    app.mapView = mapView;
    return createPlanner(app);
  } catch (error) {
    announce(errorText(error), { error: true });
    return null;
  }
}

// The embed snippet sits closed at the bottom of the page: fetched once the page has loaded.
function loadShare(app) {
  if (app.state.isEmbed) return;
  const load = () => import("./share.js").then(({ createShare }) => {
    app.share = createShare(app);
    app.share.render();
  });
  if (document.readyState === "complete") load();
  else window.addEventListener("load", load);
}

async function boot() {
  const state = readState();
  setLang(state.lang);
  showView(state);
  renderChrome(state);
  registerServiceWorker();
  const basics = loadBasics();
  const app = { state, mapReady: loadMap(basics), share: null };
  app.ready = basics.then((loaded) => Object.assign(app, loaded)); // config, vocab, districts on app
  app.stateChanged = () => {
    writeState(state);
    renderChrome(state);
    if (app.share) app.share.render();
  };
  const view = state.view === "planner" ? await startPlanner(app) : createRider(app);
  if (!view) return;
  byId("lang-switch").addEventListener("click", () => {
    state.lang = state.lang === "en" ? "zh" : "en";
    setLang(state.lang);
    rememberLang(state.lang);
    app.stateChanged();
    view.render();
  });
  view.start();
  loadShare(app);
}

boot();
