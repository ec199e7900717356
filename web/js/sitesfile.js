// Candidate sites a planner uploads for siting: a CSV with lon/lat columns (经度/纬度 work too; optionally
// id or name) or GeoJSON points, in WGS84 or GCJ-02 (coordinates copied from Amap or Tencent maps).
// Read in the browser; only the points are sent to the API (POST /api/coverage/siting, `sites`).
import { gcj02ToWgs84 } from "./coords.js";

export const MAX_SITES = 1000;
const MAX_ID = 64;
const LON = ["lon", "lng", "longitude", "经度", "x"];
const LAT = ["lat", "latitude", "纬度", "y"];
const ID = ["id", "name", "名称", "name_zh", "编号"];

// One CSV line into fields: commas, and double quotes around fields that hold commas or quotes.
export function csvFields(line) {
  const fields = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i];
    if (quoted && c === '"' && line[i + 1] === '"') {
      field += '"';
      i += 1;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (c === "," && !quoted) {
      fields.push(field.trim());
      field = "";
    } else {
      field += c;
    }
  }
  fields.push(field.trim());
  return fields;
}

function column(header, names) {
  return header.findIndex((name) => names.includes(name.toLowerCase()));
}

function point(lon, lat, crs) {
  if (!Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon) > 180 || Math.abs(lat) > 90) return null;
  return crs === "gcj02" ? gcj02ToWgs84(lon, lat) : [lon, lat];
}

// Unique ids of at most 64 characters: "name", "name-2", …
function uniqueId(wanted, fallback, used) {
  const base = (String(wanted || "").replace(/[\u0000-\u001f\u007f]/g, " ").trim() || fallback).slice(0, MAX_ID - 5);
  let id = base;
  for (let n = 2; used.has(id); n += 1) id = `${base}-${n}`;
  used.add(id);
  return id;
}

function fromCsv(text, crs) {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const header = csvFields(lines[0] || "");
  const [lonAt, latAt, idAt] = [column(header, LON), column(header, LAT), column(header, ID)];
  if (lonAt < 0 || latAt < 0) return { sites: [], rejected: [{ line: 1, reason: "columns" }] };
  const sites = [];
  const rejected = [];
  const used = new Set();
  lines.slice(1).forEach((line, i) => {
    if (!line.trim()) return;
    const fields = csvFields(line);
    const at = point(Number(fields[lonAt]), Number(fields[latAt]), crs);
    if (!at) rejected.push({ line: i + 2, reason: "coordinates" });
    else sites.push({ id: uniqueId(idAt >= 0 ? fields[idAt] : "", `site-${i + 1}`, used), lon: at[0], lat: at[1] });
  });
  return { sites, rejected };
}

function fromGeoJSON(data, crs) {
  const features = data.type === "FeatureCollection" ? data.features || [] : [data];
  const sites = [];
  const rejected = [];
  const used = new Set();
  features.forEach((feature, i) => {
    const geometry = feature && feature.geometry;
    const props = (feature && feature.properties) || {};
    const [lon, lat] = geometry && geometry.type === "Point" ? geometry.coordinates.map(Number) : [NaN, NaN];
    const at = point(lon, lat, crs);
    if (!at) rejected.push({ line: i + 1, reason: "point" });
    else sites.push({ id: uniqueId(props.id || props.name || feature.id, `site-${i + 1}`, used), lon: at[0], lat: at[1] });
  });
  return { sites, rejected };
}

// Pure: the file's text -> {sites: [{id, lon, lat}] (WGS84), rejected: [{line, reason}]}; reason is
// "columns" (no lon/lat header), "coordinates" (a CSV row), "point" (a GeoJSON feature that is not a
// point), "json" (unreadable GeoJSON) or "too_many".
export function parseSites(text, fileName, { crs = "wgs84" } = {}) {
  const looksJson = /\.(geo)?json$/i.test(fileName) || /^\s*\{/.test(text);
  let parsed;
  if (looksJson) {
    try {
      parsed = fromGeoJSON(JSON.parse(text), crs);
    } catch {
      return { sites: [], rejected: [{ line: 1, reason: "json" }] };
    }
  } else {
    parsed = fromCsv(text, crs);
  }
  if (parsed.sites.length > MAX_SITES) return { sites: [], rejected: [{ line: MAX_SITES + 1, reason: "too_many" }] };
  return parsed;
}
