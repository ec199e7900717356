// The centre's plain fields: names, address, phone, kind, level, status and amenities (checkboxes with
// the labels riders see, from /api/vocabulary).
import { byId, clear, el } from "../dom.js";
import { label } from "../i18n.js";
import { t } from "./strings.js";

const TEXT_FIELDS = ["name_zh", "name_en", "address", "phone"];
const SELECTS = { kind: "kinds", level: "levels", status: "statuses" };

function fillSelect(select, entries, { blank }) {
  const chosen = select.value;
  clear(select);
  if (blank) select.append(el("option", { value: "", text: t("levelNone") }));
  for (const entry of entries) select.append(el("option", { value: entry.value, text: label(entry) }));
  select.value = chosen;
}

function amenityBox(entry) {
  const id = `amenity-${entry.value}`;
  return el("label", { class: "check amenity", for: id },
    el("input", { type: "checkbox", id, value: entry.value, name: "amenities" }),
    el("span", { text: label(entry) }));
}

export function createBasicsForm({ vocab, onChange }) {
  const amenities = byId("amenity-boxes");

  function render() {
    for (const [field, list] of Object.entries(SELECTS)) {
      fillSelect(byId(`field-${field}`), vocab[list], { blank: field === "level" });
    }
    const checked = new Set(value().amenities);
    clear(amenities);
    for (const entry of vocab.amenities) amenities.append(amenityBox(entry));
    for (const box of amenities.querySelectorAll("input")) box.checked = checked.has(box.value);
  }

  function set(record) {
    for (const field of TEXT_FIELDS) byId(`field-${field}`).value = record[field] || "";
    for (const field of Object.keys(SELECTS)) byId(`field-${field}`).value = record[field] || "";
    const chosen = new Set(record.amenities);
    for (const box of amenities.querySelectorAll("input")) box.checked = chosen.has(box.value);
  }

  function value() {
    const record = {};
    for (const field of TEXT_FIELDS) record[field] = byId(`field-${field}`).value.trim();
    for (const field of Object.keys(SELECTS)) record[field] = byId(`field-${field}`).value || null;
    record.amenities = [...amenities.querySelectorAll("input:checked")].map((box) => box.value).sort();
    return record;
  }

  byId("basics").addEventListener("input", onChange);
  byId("basics").addEventListener("change", onChange);
  render();
  return { set, value, render };
}
