// One centre's isochrones (/api/isochrones): pick a centre in the list or on the map, see how far one can
// get from it in 5, 10 and 15 minutes by the chosen mode, with their own legend.
import { fetchJSON } from "./api.js";
import { el } from "./dom.js";
import { stationName, t } from "./i18n.js";
import { fitTo } from "./map.js";
import { plannerError } from "./plannerformat.js";

const ISOCHRONE_MINUTES = [5, 10, 15];
const ISOCHRONE_COLOURS = { 5: "#01665e", 10: "#35978f", 15: "#80cdc1" };

// Pure: an isochrone polygon's style from its minutes.
export function isochroneStyle(feature) {
  const colour = ISOCHRONE_COLOURS[feature.properties.minutes] || "#c7eae5";
  return { color: colour, weight: 2, fillColor: colour, fillOpacity: 0.2 };
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

// mode(): {mode, key} chosen in the panel; available: whether the server has a road network.
export function createIsochrones({ mapView, mode, available }) {
  const centreSelect = el("select", { id: "iso-centre" });
  const show = el("button", { id: "iso-show", class: "button primary", type: "button", "data-i18n": "isoShow" });
  const clearButton = el("button", {
    id: "iso-clear", class: "button secondary", type: "button", "data-i18n": "isoClear",
  });
  const note = el("p", { id: "iso-note", class: "note", "aria-live": "polite" });
  const element = el("div", { class: "iso" },
    el("label", { for: "iso-centre", "data-i18n": "isoCentre" }), centreSelect,
    el("div", { class: "button-row" }, show, clearButton), note);
  let centres = [];
  let layer = null;
  let legend = null;

  function clear() {
    if (layer) layer.remove();
    if (legend) legend.remove();
    layer = null;
    legend = null;
  }

  function draw(collection, modeKey) {
    clear();
    const features = [...collection.features].sort((a, b) => b.properties.minutes - a.properties.minutes);
    layer = L.geoJSON({ type: "FeatureCollection", features }, {
      style: isochroneStyle, coordsToLatLng: (coords) => mapView.toLatLng(coords), interactive: false,
    }).addTo(mapView.map);
    legend = legendControl(modeKey).addTo(mapView.map);
    fitTo(mapView, [layer]);
  }

  async function showIsochrones() {
    const feature = centres.find((f) => f.properties.id === centreSelect.value);
    if (!feature) return;
    const chosen = mode();
    note.textContent = t("isoLoading");
    try {
      const params = { centre_id: feature.properties.id, mode: chosen.mode, minutes: ISOCHRONE_MINUTES.join(",") };
      draw(await fetchJSON("api/isochrones", params), chosen.key);
      note.textContent = t("isoShown", { name: stationName(feature.properties), mode: t(chosen.key) });
    } catch (error) {
      clear();
      note.textContent = t("isoUnavailable", { m: plannerError(error) });
    }
  }

  function render() {
    const chosen = centreSelect.value;
    centreSelect.replaceChildren(el("option", { value: "", text: t("isoChooseCentre") }), ...centres.map((f) =>
      el("option", { value: f.properties.id, text: stationName(f.properties), selected: f.properties.id === chosen })));
    show.disabled = !available;
    if (!available) note.textContent = t("isoUnsupported");
  }

  show.addEventListener("click", showIsochrones);
  clearButton.addEventListener("click", () => {
    clear();
    note.textContent = "";
  });

  return {
    element,
    render,
    setCentres(next) {
      centres = next;
      render();
    },
    // A marker chosen on the map.
    select(feature) {
      centreSelect.value = feature.properties.id;
      if (available) showIsochrones();
    },
  };
}
