// The Leaflet map: base tiles from /api/config, our WGS84 data shifted to GCJ-02 when the tiles are
// Chinese (tile_crs "gcj02"), numbered station markers and the rider's draggable pin.
import { gcj02ToWgs84, wgs84ToGcj02 } from "./coords.js";
import { t, stationName } from "./i18n.js";
import { CITY_CENTRE } from "./state.js";

const DEFAULT_ZOOM = 13;
const LEAFLET = "vendor/leaflet/leaflet";
let leaflet = null;

// Leaflet's stylesheet goes before ours, as if it were in the page's head, so our rules still win.
function addToHead(tag, attributes) {
  return new Promise((resolve, reject) => {
    const node = Object.assign(document.createElement(tag), attributes);
    node.addEventListener("load", resolve);
    node.addEventListener("error", () => reject(new Error(`${attributes.src || attributes.href} did not load`)));
    document.head.insertBefore(node, document.head.querySelector('link[rel="stylesheet"]'));
  });
}

// Leaflet (about 45 KB gzipped) is fetched when the app starts, not by the page's head, and this module
// is imported lazily too (app.js): on a slow network the station list, which needs neither, comes first.
// Resolves to the global L.
export function loadLeaflet() {
  if (!leaflet) {
    leaflet = Promise.all([
      addToHead("link", { rel: "stylesheet", href: `${LEAFLET}.css` }),
      addToHead("script", { src: `${LEAFLET}.js` }),
    ]).then(() => window.L);
  }
  return leaflet;
}

// Pure: a station marker's look from its properties.
export function stationStyle(feature) {
  const props = feature.properties;
  const state = props.open_now === true ? "open" : props.open_now === false ? "closed" : "unknown";
  return { className: `station-marker is-${state} kind-${props.kind}` };
}

export function createMap(container, config) {
  const shifted = config.tile_crs === "gcj02";
  const toLatLng = ([lon, lat]) => {
    const [x, y] = shifted ? wgs84ToGcj02(lon, lat) : [lon, lat];
    return L.latLng(y, x);
  };
  const fromLatLng = (latlng) => (shifted ? gcj02ToWgs84(latlng.lng, latlng.lat) : [latlng.lng, latlng.lat]);
  const map = L.map(container).setView(toLatLng(CITY_CENTRE), DEFAULT_ZOOM);
  L.tileLayer(config.tile_url, { attribution: config.tile_attribution, maxZoom: 19 }).addTo(map);
  map.attributionControl.setPrefix(false);
  const view = { map, toLatLng, fromLatLng };
  labelZoom(view);
  return view;
}

// Leaflet names its zoom buttons in English: in the page's language instead (again after a switch).
export function labelZoom(view) {
  const container = view.map.zoomControl && view.map.zoomControl.getContainer();
  if (!container) return;
  for (const [selector, key] of [[".leaflet-control-zoom-in", "zoomIn"], [".leaflet-control-zoom-out", "zoomOut"]]) {
    const button = container.querySelector(selector);
    if (!button) continue;
    button.title = t(key);
    button.setAttribute("aria-label", t(key));
  }
}

function numberedIcon(feature, number) {
  return L.divIcon({
    className: stationStyle(feature).className, iconSize: [32, 32], iconAnchor: [16, 16], html: String(number),
  });
}

// Leaflet gives keyboard-focusable markers role="button" but no name: name them after the station.
function nameMarker(marker, text) {
  marker.on("add", () => {
    const element = marker.getElement();
    if (element) element.setAttribute("aria-label", text);
  });
}

// Leaflet markers with role="button" take focus but do nothing on Enter or Space: act like a button.
function activateByKey(event, action) {
  const key = event.originalEvent.key;
  if (key !== "Enter" && key !== " ") return;
  event.originalEvent.preventDefault();
  action();
}

export function stationLayer(view, features, { onSelect } = {}) {
  const layer = L.featureGroup();
  features.forEach((feature, index) => {
    const name = t("stationMarker", { n: index + 1, name: stationName(feature.properties) });
    const marker = L.marker(view.toLatLng(feature.geometry.coordinates), {
      icon: numberedIcon(feature, index + 1), title: name, keyboard: true, riseOnHover: true,
    });
    nameMarker(marker, name);
    if (onSelect) {
      marker.on("click", () => onSelect(feature, index));
      marker.on("keydown", (event) => activateByKey(event, () => onSelect(feature, index, { byKeyboard: true })));
    }
    layer.addLayer(marker);
  });
  return layer;
}

export function originPin(view, origin, { onMove }) {
  const pin = L.marker(view.toLatLng([origin.lon, origin.lat]), {
    draggable: true, keyboard: true, zIndexOffset: 1000, title: t("mapPin"),
    icon: L.divIcon({ className: "origin-pin", iconSize: [28, 28], iconAnchor: [14, 14], html: "" }),
  });
  nameMarker(pin, t("mapPin"));
  pin.on("dragend", () => {
    const [lon, lat] = view.fromLatLng(pin.getLatLng());
    onMove({ lon, lat, source: "pin" });
  });
  return pin;
}

// bottom: extra room at the bottom edge (the rider's list sheet overlaps the map a little).
export function fitTo(view, layers, { maxZoom = 16, bottom = 0 } = {}) {
  const bounds = L.latLngBounds([]);
  for (const layer of layers) {
    if (!layer) continue;
    if (layer.getBounds) bounds.extend(layer.getBounds());
    else if (layer.getLatLng) bounds.extend(layer.getLatLng());
  }
  if (bounds.isValid()) {
    view.map.fitBounds(bounds, { paddingTopLeft: [24, 24], paddingBottomRight: [24, 24 + bottom], maxZoom });
  }
}
