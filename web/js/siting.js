// Siting: "suggest k sites" (POST /api/coverage/siting) with the coverage shown fixed, candidates from the
// gaps (points the network reaches), from existing centres of a kind that could host a station, or from
// an uploaded CSV/GeoJSON file. The suggestions become numbered markers and a list with the demand and
// area each would newly cover.
import { ApiError, errorFrom, fetchJSON, readBody } from "./api.js";
import { el } from "./dom.js";
import { label, stationName, t } from "./i18n.js";
import { formatArea, formatDemand, formatPct, isAbort, plannerError, sentences } from "./plannerformat.js";
import { parseSites } from "./sitesfile.js";

const DEFAULT_K = 3;
const MAX_K = 10;
const SITE_ZOOM = 15;

async function postJSON(path, body, { signal } = {}) {
  let response;
  try {
    response = await fetch(path, {
      method: "POST", signal, body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", Accept: "application/json, application/geo+json" },
    });
  } catch (error) {
    if (isAbort(error)) throw error;
    throw new ApiError(error.message || "network error");
  }
  const answer = await readBody(response);
  if (!response.ok) throw errorFrom(response, answer);
  return answer;
}

function radio(value, key, checked) {
  const input = el("input", { type: "radio", name: "site-source", value, id: `site-source-${value}`, checked });
  return el("label", { class: "check", for: `site-source-${value}` }, input, el("span", { "data-i18n": key }));
}

function siteIcon(rank) {
  return L.divIcon({ className: "site-marker", iconSize: [34, 34], iconAnchor: [17, 17], html: String(rank) });
}

// Host candidates are existing centres: their names, for the list and the markers.
async function centreNames(ids, signal) {
  const found = await Promise.all(ids.map((id) => fetchJSON(`api/centres/${encodeURIComponent(id)}`, {}, { signal })
    .then((feature) => [id, stationName(feature.properties)], () => [id, null])));
  return new Map(found);
}

// query(): the coverage query shown, with label() naming it ("电动车 15 分钟 · 周三 09:00") in the page's
// language; onSites() after a result.
export function createSiting({ mapView, vocab, query, onSites }) {
  const kInput = el("input", { id: "site-k", type: "number", min: "1", max: String(MAX_K), value: String(DEFAULT_K),
    inputmode: "numeric" });
  const hostKind = el("select", { id: "site-host-kind" });
  const file = el("input", { id: "site-file", type: "file", accept: ".csv,.geojson,.json,text/csv,application/json" });
  const crs = el("select", { id: "site-crs" });
  const button = el("button", {
    id: "site-suggest", class: "button primary", type: "button", "data-i18n": "siteSuggest",
  });
  const note = el("p", { id: "site-note", class: "note", "aria-live": "polite" });
  const list = el("ol", { id: "site-list", class: "site-list" });
  const upload = el("div", { class: "site-upload", hidden: true },
    el("label", { for: "site-file", "data-i18n": "siteFile" }), file,
    el("span", { class: "select" }, el("label", { for: "site-crs", "data-i18n": "siteCrs" }), crs),
    el("p", { class: "hint", "data-i18n": "siteFileHint" }));
  const sources = el("fieldset", { class: "site-source" },
    el("legend", { "data-i18n": "siteSource" }),
    radio("gaps", "siteFromGaps", true),
    radio("hosts", "siteFromHosts", false),
    el("span", { class: "select site-host" },
      el("label", { for: "site-host-kind", "data-i18n": "siteHostKind" }), hostKind),
    radio("upload", "siteFromFile", false),
    upload);
  const element = el("div", { class: "siting" },
    el("span", { class: "select" }, el("label", { for: "site-k", "data-i18n": "siteCount" }), kInput),
    sources, button, note, list);
  const markers = L.featureGroup();
  let result = null;
  let names = new Map();
  let context = () => "";
  let uploaded = null;
  let controller = null;

  function source() {
    return element.querySelector('input[name="site-source"]:checked').value;
  }

  function body() {
    const q = query();
    const k = Math.max(1, Math.min(MAX_K, Math.round(Number(kInput.value)) || DEFAULT_K));
    kInput.value = String(k);
    const request = { k, mode: q.mode, minutes: q.minutes, amenity: [...q.amenity] };
    if (q.at) request.at = q.at;
    if (q.kind) request.kind = [q.kind];
    if (q.district) request.district = [q.district];
    if (source() === "hosts") request.host_kind = [hostKind.value];
    if (source() === "upload") request.sites = uploaded ? uploaded.sites : [];
    return request;
  }

  function siteName(props) {
    const from = result && result.candidates.source;
    if (from === "host_centres") return names.get(props.candidate_id) || props.candidate_id;
    return from === "sites" ? props.candidate_id : t("siteInGap");
  }

  function describe(props) {
    const share = props.new_demand_pct_of_uncovered;
    return t("siteGain", {
      demand: formatDemand(props.new_demand, result.demand), area: formatArea(props.new_area_m2),
      share: share === null || share === undefined ? "" : t("siteShare", { pct: formatPct(share) }),
    });
  }

  function drawMarkers() {
    markers.clearLayers();
    for (const feature of result.features) {
      const props = feature.properties;
      const name = t("siteMarker", { n: props.rank, name: siteName(props), gain: describe(props) });
      const marker = L.marker(mapView.toLatLng(feature.geometry.coordinates), {
        icon: siteIcon(props.rank), title: name, keyboard: true, zIndexOffset: 500,
      });
      marker.on("add", () => marker.getElement() && marker.getElement().setAttribute("aria-label", name));
      markers.addLayer(marker);
    }
  }

  function showSite(feature) {
    mapView.map.setView(mapView.toLatLng(feature.geometry.coordinates), Math.max(mapView.map.getZoom(), SITE_ZOOM));
  }

  function renderList() {
    list.replaceChildren(...(result ? result.features : []).map((feature) => {
      const props = feature.properties;
      return el("li", {}, el("button", { type: "button", class: "site-item", onclick: () => showSite(feature) },
        el("span", { class: "site-rank", text: String(props.rank), "aria-hidden": "true" }),
        el("span", {}, el("strong", { text: siteName(props) }),
          el("span", { class: "site-gain", text: describe(props) }))));
    }));
  }

  function resultNote() {
    if (!result) return "";
    const { considered, off_network: off } = result.candidates;
    const found = result.features.length;
    return sentences([t("sitesFor", { context: context() }),
      found ? t("sitesFound", { n: found, considered }) : t("sitesNone", { considered }),
      off.length ? t("sitesOffNetwork", { n: off.length }) : ""]);
  }

  async function suggest() {
    if (source() === "upload" && !(uploaded && uploaded.sites.length)) {
      note.textContent = t("siteNeedFile");
      return;
    }
    if (controller) controller.abort();
    controller = new AbortController();
    button.setAttribute("aria-busy", "true");
    note.textContent = t("sitesLoading");
    const asked = query();
    try {
      const { signal } = controller;
      result = await postJSON("api/coverage/siting", body(), { signal });
      const hosts = result.candidates.source === "host_centres";
      names = hosts ? await centreNames(result.features.map((f) => f.properties.candidate_id), signal) : new Map();
      context = asked.label;
      onSites();
    } catch (error) {
      if (isAbort(error)) return;
      result = null;
      markers.clearLayers();
      note.textContent = plannerError(error);
      return;
    } finally {
      button.removeAttribute("aria-busy");
    }
    render();
  }

  async function readFile() {
    const chosen = file.files && file.files[0];
    uploaded = chosen ? parseSites(await chosen.text(), chosen.name, { crs: crs.value }) : null;
    note.textContent = !uploaded ? "" : uploaded.sites.length
      ? t("siteFileRead", { n: uploaded.sites.length, rejected: uploaded.rejected.length })
      : t("siteFileEmpty", { reason: t(`siteReject_${(uploaded.rejected[0] || { reason: "columns" }).reason}`) });
  }

  function render() {
    const kind = hostKind.value || "service_centre";
    hostKind.replaceChildren(...vocab.kinds.map((k) => el("option", {
      value: k.value, text: label(k), selected: k.value === kind,
    })));
    const chosenCrs = crs.value || "wgs84";
    crs.replaceChildren(...[["wgs84", "crsWgs84"], ["gcj02", "crsGcj02"]].map(([value, key]) =>
      el("option", { value, text: t(key), selected: value === chosenCrs })));
    upload.hidden = source() !== "upload";
    hostKind.disabled = source() !== "hosts";
    if (result) {
      drawMarkers();
      note.textContent = resultNote();
    }
    renderList();
  }

  sources.addEventListener("change", render);
  file.addEventListener("change", readFile);
  crs.addEventListener("change", readFile);
  button.addEventListener("click", suggest);

  return {
    element, markers, render,
  };
}
