// The Leaflet map: base tiles from /api/config, our WGS84 data shifted to GCJ-02 when the tiles are
// Chinese (tile_crs "gcj02"), numbered station markers and the rider's draggable pin.
import { gcj02ToWgs84, wgs84ToGcj02 } from "./coords.js";
import { t, stationName } from "./i18n.js";

const KUNMING_CENTRE = [102.7123, 25.0406]; // 东风广场, WGS84 [lon, lat]
const DEFAULT_ZOOM = 13;

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
  const map = L.map(container).setView(toLatLng(KUNMING_CENTRE), DEFAULT_ZOOM);
  L.tileLayer(config.tile_url, { attribution: config.tile_attribution, maxZoom: 19 }).addTo(map);
  map.attributionControl.setPrefix(false);
  return { map, toLatLng, fromLatLng };
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

export function fitTo(view, layers, { maxZoom = 16 } = {}) {
  const bounds = L.latLngBounds([]);
  for (const layer of layers) {
    if (!layer) continue;
    if (layer.getBounds) bounds.extend(layer.getBounds());
    else if (layer.getLatLng) bounds.extend(layer.getLatLng());
  }
  if (bounds.isValid()) view.map.fitBounds(bounds, { padding: [24, 24], maxZoom });
}
