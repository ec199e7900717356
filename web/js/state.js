// The app's filter state, read from and written to the URL so every view can be shared or embedded.
import { toSearchParams } from "./api.js";

export const VIEWS = ["rider", "map", "planner"];
// Where the map opens, and the pin starts when there is no position yet: 东风广场, WGS84 [lon, lat].
export const CITY_CENTRE = [102.7123, 25.0406];
const LANG_KEY = "servicemap.lang";
const ORIGIN_KEY = "servicemap.lastOrigin";

function storage() {
  try {
    return window.localStorage;
  } catch {
    return null; // storage blocked (private mode, some in-app browsers)
  }
}

function parseNumber(value) {
  const number = value === null ? NaN : Number(value);
  return Number.isFinite(number) ? number : null;
}

function defaultView(isEmbed) {
  return isEmbed ? "map" : "rider";
}

export function readState(location = window.location) {
  const params = new URLSearchParams(location.search);
  const isEmbed = /\/embed\/?$/.test(location.pathname);
  const view = VIEWS.includes(params.get("view")) ? params.get("view") : defaultView(isEmbed);
  const lon = parseNumber(params.get("lon"));
  const lat = parseNumber(params.get("lat"));
  const store = storage();
  return {
    isEmbed,
    view,
    lang: params.get("lang") || (store && store.getItem(LANG_KEY)) || "zh",
    amenities: new Set(params.getAll("amenity")),
    kind: params.get("kind") || "",
    district: params.get("district") || "",
    openOnly: params.get("open") !== "0",
    origin: lon !== null && lat !== null ? { lon, lat, source: "url" } : null,
    station: params.get("station") || null, // a shared station's id: its card opens first
  };
}

// The filters as API query parameters.
export function filterParams(state) {
  return { amenity: [...state.amenities], kind: state.kind, district: state.district };
}

// The filters (and view, language) as a page query string; `view` is left out when it is the default.
export function pageParams(state, { isEmbed = state.isEmbed } = {}) {
  return toSearchParams({
    view: state.view === defaultView(isEmbed) ? "" : state.view,
    ...filterParams(state),
    open: state.openOnly ? "" : "0",
    // A place given in the link stays in it; the rider's own position is never written to the URL.
    lon: state.origin && state.origin.source === "url" ? state.origin.lon : "",
    lat: state.origin && state.origin.source === "url" ? state.origin.lat : "",
    station: state.station || "",
    lang: state.lang === "en" ? "en" : "",
  });
}

// The link that opens one station's card, for sharing (the server gives it that station's title).
export function stationLink(id, lang) {
  const query = toSearchParams({ station: id, lang: lang === "en" ? "en" : "" });
  return new URL(`./?${query}`, document.baseURI).href;
}

export function writeState(state) {
  const query = pageParams(state).toString();
  const url = `${window.location.pathname}${query ? `?${query}` : ""}${window.location.hash}`;
  window.history.replaceState(null, "", url);
}

export function rememberLang(lang) {
  const store = storage();
  if (store) store.setItem(LANG_KEY, lang);
}

export function rememberOrigin(origin) {
  const store = storage();
  if (store) store.setItem(ORIGIN_KEY, JSON.stringify({ lon: origin.lon, lat: origin.lat }));
}

export function lastOrigin() {
  const store = storage();
  try {
    const saved = store && JSON.parse(store.getItem(ORIGIN_KEY) || "null");
    return saved && Number.isFinite(saved.lon) && Number.isFinite(saved.lat) ? saved : null;
  } catch {
    return null;
  }
}
