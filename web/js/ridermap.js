// The rider's map: the pin where the rider is, the numbered stations, and what the view fits.
// The map arrives after the first list (map.js, Leaflet and the base-map settings load in parallel with
// it): until then the latest pin and stations are only remembered, and drawn once the map exists.
import { t } from "./i18n.js";

// The map shows the rider and the nearest stations, not the whole city: the first few, and of those
// only the ones within a short ride or not much farther than the nearest.
const FIT_NEAREST = 5;
const FIT_RADIUS_M = 3000;
const STATION_ZOOM = 16;
const SHEET_OVERLAP_PX = 24; // the sheet's rounded top lies over the map's bottom edge (app.css .sheet)

// handlers: onPick([lon, lat], {byTap}) for a tap on the map (byTap) or the pin dragged;
// onSelect(feature, index, {byKeyboard}) for a marker.
export function createRiderMap(mapReady, { onPick, onSelect }) {
  let mapView = null;
  let fitTo;
  let originPin;
  let stationLayer;
  let labelZoom;
  let pin = null;
  let markers = null;
  // view: what to show once drawn: "nearby" (the rider and the nearest stations), "stations" (all of
  // them), a place {lon, lat} to centre on, or null (leave the view as the rider left it).
  const wanted = { origin: null, features: [], nearest: false, view: null };

  function drawPin() {
    if (!mapView || !wanted.origin) return;
    const at = mapView.toLatLng([wanted.origin.lon, wanted.origin.lat]);
    if (!pin) {
      pin = originPin(mapView, wanted.origin, { onMove: (moved) => onPick([moved.lon, moved.lat], { byTap: false }) })
        .addTo(mapView.map);
    }
    pin.setLatLng(at);
  }

  function drawStations() {
    if (!mapView) return;
    if (markers) markers.remove();
    markers = stationLayer(mapView, wanted.features, { onSelect }).addTo(mapView.map);
  }

  function nearbyMarkers() {
    const features = wanted.features;
    if (!wanted.nearest || !features.length) return markers.getLayers();
    const reach = Math.max(FIT_RADIUS_M, 2 * features[0].properties.distance_m);
    return markers.getLayers().slice(0, FIT_NEAREST).filter((marker, i) => features[i].properties.distance_m <= reach);
  }

  function applyView() {
    if (!mapView || !wanted.view) return;
    const bottom = SHEET_OVERLAP_PX;
    if (wanted.view === "stations") fitTo(mapView, markers.getLayers(), { maxZoom: STATION_ZOOM, bottom });
    else if (wanted.view === "nearby") fitTo(mapView, [pin, ...nearbyMarkers()], { bottom });
    else mapView.map.setView(mapView.toLatLng([wanted.view.lon, wanted.view.lat]));
    wanted.view = null;
  }

  Promise.all([mapReady, import("./map.js")]).then(([ready, drawing]) => {
    ({ fitTo, originPin, stationLayer, labelZoom } = drawing);
    mapView = ready;
    mapView.map.on("click", (event) => onPick(mapView.fromLatLng(event.latlng), { byTap: true }));
    drawPin();
    drawStations();
    applyView();
  }).catch(() => undefined); // no map: the list still works (app.js says so)

  return {
    setOrigin(origin) {
      wanted.origin = origin;
      drawPin();
    },
    setStations(features, { nearest, fit }) {
      Object.assign(wanted, { features, nearest, view: fit || wanted.view });
      drawStations();
      applyView();
    },
    // [lon, lat] of the map's centre, or null before the map exists.
    centre() {
      return mapView ? mapView.fromLatLng(mapView.map.getCenter()) : null;
    },
    showAt(origin) {
      wanted.view = { lon: origin.lon, lat: origin.lat };
      applyView();
    },
    relabel() {
      if (!mapView) return;
      if (pin && pin.getElement()) pin.getElement().setAttribute("aria-label", t("mapPin"));
      labelZoom(mapView);
      drawStations();
    },
  };
}
