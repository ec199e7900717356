// A centre as the editor handles it: the editable fields of a GeoJSON feature, what differs between
// two versions, and how a field's value reads.
import { label } from "../i18n.js";
import { t } from "./strings.js";

// The fields this page edits, in the order they are shown. lon/lat are compared as one "location".
export const FIELDS = [
  "name_zh", "name_en", "kind", "level", "status", "address", "phone", "amenities", "opening_hours",
  "location", "location_precision", "location_note",
];
const OPTIONAL = new Set(["name_en", "level", "address", "phone", "opening_hours", "location_note"]);
// Well under a metre: a point that went through the form unchanged compares equal.
const SAME_POINT_DEG = 1e-7;

// The edited fields of a centre's properties, or of a directory row that has no point yet.
export function fieldsOf(props) {
  const record = {};
  for (const field of FIELDS) if (field !== "location") record[field] = props[field] ?? null;
  record.amenities = [...(props.amenities || [])].sort();
  return record;
}

export function recordOf(feature) {
  const [lon, lat] = feature.geometry.coordinates;
  return { lon, lat, ...fieldsOf(feature.properties) };
}

export function blankToNull(field, value) {
  if (!OPTIONAL.has(field)) return value;
  return typeof value === "string" && !value.trim() ? null : value;
}

function sameValue(field, a, b) {
  if (field === "location") {
    return Math.abs(a.lon - b.lon) < SAME_POINT_DEG && Math.abs(a.lat - b.lat) < SAME_POINT_DEG;
  }
  if (field === "amenities") return [...a[field]].sort().join() === [...b[field]].sort().join();
  return (a[field] ?? null) === (b[field] ?? null);
}

// The fields where `a` and `b` differ, in FIELDS order.
export function changedFields(a, b) {
  return FIELDS.filter((field) => !sameValue(field, a, b));
}

// The PATCH body that turns `base` into `draft` (only what changed).
export function patchBody(base, draft) {
  const body = {};
  for (const field of changedFields(base, draft)) {
    if (field === "location") Object.assign(body, { lon: draft.lon, lat: draft.lat });
    else body[field] = draft[field];
  }
  return body;
}

// `mine` replayed on `current`: every field I changed from `base` takes my value.
export function replay(base, mine, current) {
  const result = { ...current, amenities: [...current.amenities] };
  for (const field of changedFields(base, mine)) {
    if (field === "location") Object.assign(result, { lon: mine.lon, lat: mine.lat });
    else result[field] = mine[field];
  }
  return result;
}

const VOCABULARY_OF = { kind: "kind", level: "level", status: "status", location_precision: "precision" };

export function fieldLabel(field) {
  return t(`field_${field}`);
}

// A field's value as text, for histories and conflicts. `record` holds the field (and lon/lat).
export function displayValue(field, record, vocab) {
  if (field === "location") {
    return typeof record.lon === "number" ? `${record.lon.toFixed(6)}, ${record.lat.toFixed(6)}` : t("emptyValue");
  }
  const value = record[field];
  if (value === null || value === undefined || value === "") return t("emptyValue");
  if (field === "amenities") {
    return value.length ? value.map((token) => label(vocab.amenity[token]) || token).join("、") : t("emptyValue");
  }
  const table = VOCABULARY_OF[field];
  return table ? label(vocab[table][value]) || String(value) : String(value);
}
