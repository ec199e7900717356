// Where a centre is: a pin dragged on the map (or set to the map's centre), the precision the editor
// vouches for, and a note. Points are WGS84; with Chinese tiles (tile_crs "gcj02") the map shows
// them shifted and ../map.js turns a dropped pin back into WGS84, so the stored point is where it was dropped.
import { byId } from "../dom.js";
import { createMap } from "../map.js";
import { t } from "./strings.js";

const EDIT_ZOOM = 18;
const PLACE_ZOOM = 14;
const KUNMING = [102.7123, 25.0406]; // 东风广场, where a centre without a point starts

export function createLocationEditor({ config, onChange }) {
  let view = null;
  let pin = null;
  let original = null;
  let point = null;
  let moved = false;

  function ensureMap() {
    if (view) return;
    view = createMap(byId("location-map"), config);
    pin = L.marker(view.toLatLng(KUNMING), {
      draggable: true, keyboard: true, autoPan: true, zIndexOffset: 1000, title: t("pinTitle"),
      icon: L.divIcon({ className: "edit-pin", iconSize: [36, 36], iconAnchor: [18, 18], html: "" }),
    }).addTo(view.map);
    pin.on("dragend", () => pinMoved());
    pin.on("add", () => pin.getElement().setAttribute("aria-label", t("pinTitle")));
    pin.getElement()?.setAttribute("aria-label", t("pinTitle"));
  }

  function pinMoved() {
    const [lon, lat] = view.fromLatLng(pin.getLatLng());
    point = { lon, lat };
    moved = true;
    render();
    onChange();
  }

  function precisionInputs() {
    return [...document.querySelectorAll('input[name="location-precision"]')];
  }

  function chosenPrecision() {
    const chosen = precisionInputs().find((input) => input.checked);
    return chosen ? chosen.value : null;
  }

  function render() {
    const coords = byId("location-coords");
    coords.textContent = point ? t("coordsWgs84", { lon: point.lon.toFixed(6), lat: point.lat.toFixed(6) }) : t("noPoint");
    byId("location-shift-note").hidden = config.tile_crs !== "gcj02";
    byId("location-moved").hidden = !moved;
    byId("reset-pin").disabled = !moved || !original;
    // A point the editor placed is vouched for: exact or building, never approximate.
    for (const input of precisionInputs()) {
      if (input.value !== "approximate") continue;
      input.disabled = moved;
      if (moved && input.checked) input.checked = false;
    }
  }

  function showAt(target, zoom) {
    byId("location-map").hidden = false;
    view.map.invalidateSize();
    pin.setLatLng(view.toLatLng(target));
    view.map.setView(view.toLatLng(target), zoom);
  }

  function samePoint(a, b) {
    return Boolean(a && b) && a.lon === b.lon && a.lat === b.lat;
  }

  // original: the stored point ({lon, lat}, or null for a record nobody has placed yet); point: where
  // the pin is (differs from original when redoing a move on top of another editor's version).
  function set({ original: stored, point: shown = stored, precision, note, start }) {
    ensureMap();
    original = stored ? { ...stored } : null;
    point = shown ? { ...shown } : null;
    moved = Boolean(point) && !samePoint(point, original);
    for (const input of precisionInputs()) input.checked = input.value === precision;
    byId("location-note").value = note || "";
    showAt(point ? [point.lon, point.lat] : start || KUNMING, point ? EDIT_ZOOM : PLACE_ZOOM);
    render();
  }

  function bind() {
    byId("pin-to-centre").addEventListener("click", () => {
      pin.setLatLng(view.map.getCenter());
      pinMoved();
    });
    byId("reset-pin").addEventListener("click", () => {
      point = original ? { ...original } : null;
      moved = false;
      if (original) pin.setLatLng(view.toLatLng([original.lon, original.lat]));
      render();
      onChange();
    });
    for (const input of precisionInputs()) input.addEventListener("change", onChange);
    byId("location-note").addEventListener("input", onChange);
  }

  bind();
  return {
    set,
    value: () => ({ point, moved, precision: chosenPrecision(), note: byId("location-note").value.trim() }),
    refresh: () => view && view.map.invalidateSize(),
    render: () => { if (pin && pin.getElement()) pin.getElement().setAttribute("aria-label", t("pinTitle")); render(); },
  };
}
