// Boots the page: state from the URL, configuration and vocabulary from the API, then one view.
import { fetchJSON } from "./api.js";
import { announce, byId } from "./dom.js";
import { applyStaticText, setLang, t } from "./i18n.js";
import { locate } from "./locate.js";
import { createMap } from "./map.js";
import { registerServiceWorker } from "./offline.js";
import { createPlanner } from "./planner.js";
import { createRider } from "./rider.js";
import { createShare } from "./share.js";
import { pageParams, readState, rememberLang, writeState } from "./state.js";

// {kinds: [{value, zh, en}], ...} -> the same lists plus lookups by value: vocab.amenity[token].
function indexVocabulary(vocabulary) {
  const byValue = (entries) => Object.fromEntries(entries.map((entry) => [entry.value, entry]));
  return {
    ...vocabulary,
    amenity: byValue(vocabulary.amenities),
    kind: byValue(vocabulary.kinds),
    level: byValue(vocabulary.levels),
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
  document.title = `${t("title")} · ${t("subtitle")}`;
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
  byId("planner-table").hidden = state.view !== "planner";
  byId("results").hidden = state.view === "planner";
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

async function boot() {
  const state = readState();
  setLang(state.lang);
  showView(state);
  renderChrome(state);
  registerServiceWorker();
  // Ask for the position while the rest loads: the rider waits once, not twice.
  const earlyPosition = state.view === "rider" && !state.origin ? locate() : null;
  if (earlyPosition) earlyPosition.catch(() => undefined); // handled when the view awaits it
  let basics;
  try {
    basics = await loadBasics();
  } catch (error) {
    announce(t("errorLoading", { m: error.message }), { error: true });
    return;
  }
  const app = { state, ...basics, earlyPosition, mapView: createMap(byId("map"), basics.config) };
  const share = state.isEmbed ? null : createShare(app);
  app.stateChanged = () => {
    writeState(state);
    renderChrome(state);
    if (share) share.render();
  };
  const view = state.view === "planner" ? createPlanner(app) : createRider(app);
  byId("lang-switch").addEventListener("click", () => {
    state.lang = state.lang === "en" ? "zh" : "en";
    setLang(state.lang);
    rememberLang(state.lang);
    app.stateChanged();
    view.render();
  });
  if (share) share.render();
  view.start();
}

boot();
