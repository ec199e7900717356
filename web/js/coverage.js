// Coverage for one moment from /api/coverage*: the district figures, the bands, the gaps and (when shown)
// the H3 cells. One set of requests at a time: a newer moment aborts the older one, so dragging the time
// control never waits for hours it has left. Answers are kept per stored layer: hours of the week whose
// open centres are the same share a layer (the week profile names it), and are drawn again without asking.
import { fetchJSON } from "./api.js";

const KEPT_LAYERS = 16;
const GAPS_PER_DISTRICT = 20;
const LARGEST_GAPS_LISTED = 1;
const CELL_LIMIT = 50000;
// H3 cell areas (km²) at resolutions 8 and 9; a city-wide view keeps to a few thousand cells.
const CELL_KM2 = { 8: 0.737, 9: 0.105 };
const MAX_CELLS_DRAWN = 5000;

// Pure: the API's query for a coverage request: {mode, minutes, at, kind, amenity, district}.
export function coverageParams(query) {
  return {
    mode: query.mode, minutes: query.minutes, at: query.at || "", kind: query.kind || "",
    amenity: [...(query.amenity || [])], district: query.district || "",
  };
}

// Pure: the finest H3 resolution whose cells over the analysis area stay drawable.
export function cellResolution(areaM2) {
  return areaM2 / 1e6 / CELL_KM2[9] <= MAX_CELLS_DRAWN ? 9 : 8;
}

function filtersKey(query) {
  const { at, ...rest } = coverageParams(query);
  return JSON.stringify(rest);
}

export function createCoverageSource() {
  let controller = null;
  const kept = new Map(); // filters + layer id -> {figures, bands, gaps, cells}

  function keep(key, entry) {
    kept.delete(key);
    kept.set(key, entry);
    if (kept.size > KEPT_LAYERS) kept.delete(kept.keys().next().value);
  }

  function abort() {
    if (controller) controller.abort();
    controller = null;
  }

  function cellsRequest(params, resolution, signal) {
    return fetchJSON("api/coverage/cells", { ...params, resolution, limit: CELL_LIMIT }, { signal });
  }

  // query: {mode, minutes, at, kind, amenity, district}; layerId: the stored layer of that moment if known;
  // cells: the H3 resolution to fetch cells at, or null when the cell layer is not shown.
  async function load(query, { layerId = null, cells = null } = {}) {
    abort();
    const params = coverageParams(query);
    const known = layerId !== null ? kept.get(`${filtersKey(query)}|${layerId}`) : null;
    if (known && (!cells || known.cells)) return { ...known, reused: true };
    controller = new AbortController();
    const { signal } = controller;
    if (known) {
      known.cells = await cellsRequest(params, cells, signal);
      return { ...known, reused: true };
    }
    const [figures, bands, gaps, cellLayer] = await Promise.all([
      fetchJSON("api/coverage", { ...params, gaps: LARGEST_GAPS_LISTED }, { signal }),
      fetchJSON("api/coverage/bands", params, { signal }),
      fetchJSON("api/coverage/gaps", { ...params, limit: GAPS_PER_DISTRICT }, { signal }),
      cells ? cellsRequest(params, cells, signal) : null,
    ]);
    const entry = { figures, bands, gaps, cells: cellLayer };
    keep(`${filtersKey(query)}|${figures.layer.id}`, entry);
    return { ...entry, reused: false };
  }

  // The analysis area (districts clipped to the network's reach): the same at every moment, but asked
  // with the moment shown, so that the server prepares the layer the figures need anyway.
  function area(query, { signal } = {}) {
    return fetchJSON("api/coverage/area", coverageParams(query), { signal });
  }

  return { load, area, abort };
}
