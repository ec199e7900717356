// The filter controls shared by every view: amenity chips, kind, district, "open now only".
// On a phone the chips stay in one scrolling row and the rest folds behind the 筛选 toggle, which
// counts the choices hidden there.
import { byId, clear, el, icon } from "./dom.js";
import { label, t } from "./i18n.js";

// Riders' everyday needs first; the rest of the vocabulary follows in its own order.
const RIDER_AMENITIES = [
  "phone_charging", "drinking_water", "microwave_or_hot_meal", "rest_area", "toilet", "ebike_charging",
  "first_aid", "wifi", "parking_for_ebikes", "umbrella", "repair_tools", "air_conditioning",
];

function orderedAmenities(vocab) {
  const rest = vocab.amenities.map((a) => a.value).filter((v) => !RIDER_AMENITIES.includes(v));
  return [...RIDER_AMENITIES.filter((v) => vocab.amenity[v]), ...rest];
}

function chip(token, entry, pressed) {
  return el("button", {
    type: "button", class: "chip", "aria-pressed": pressed ? "true" : "false", "data-amenity": token,
  }, icon(token), el("span", { text: label(entry) }));
}

function options(select, allText, entries, chosen) {
  clear(select).append(el("option", { value: "", text: allText }));
  for (const entry of entries) {
    select.append(el("option", { value: entry.value, text: entry.text, selected: entry.value === chosen }));
  }
}

export function renderFilters({ state, vocab, districts }) {
  const row = clear(byId("amenity-chips"));
  for (const token of orderedAmenities(vocab)) {
    row.append(chip(token, vocab.amenity[token], state.amenities.has(token)));
  }
  options(byId("kind-select"), t("kindAll"), vocab.kinds.map((k) => ({ value: k.value, text: label(k) })), state.kind);
  options(byId("district-select"), t("districtAll"),
    districts.map((d) => ({ value: d.adcode, text: d.name_zh })), state.district);
  byId("open-only").checked = state.openOnly;
  renderFoldedCount(state);
}

function renderFoldedCount(state) {
  const folded = [!state.openOnly, state.kind, state.district].filter(Boolean).length;
  byId("filter-count").textContent = folded ? String(folded) : "";
}

function toggleFolded() {
  const toggle = byId("filter-toggle");
  const open = toggle.getAttribute("aria-expanded") !== "true";
  toggle.setAttribute("aria-expanded", String(open));
  byId("filters").classList.toggle("is-open", open);
}

function syncChips(state) {
  for (const button of byId("amenity-chips").querySelectorAll(".chip")) {
    button.setAttribute("aria-pressed", state.amenities.has(button.dataset.amenity) ? "true" : "false");
  }
}

// onChange() runs after the state has taken the new value.
export function bindFilters({ state }, onChange) {
  byId("amenity-chips").addEventListener("click", (event) => {
    const button = event.target.closest(".chip");
    if (!button) return;
    const token = button.dataset.amenity;
    if (state.amenities.has(token)) state.amenities.delete(token);
    else state.amenities.add(token);
    syncChips(state);
    onChange();
  });
  byId("filter-toggle").addEventListener("click", toggleFolded);
  const bind = (id, event, apply) => byId(id).addEventListener(event, (e) => {
    apply(e.target);
    renderFoldedCount(state);
    onChange();
  });
  bind("kind-select", "change", (select) => { state.kind = select.value; });
  bind("district-select", "change", (select) => { state.district = select.value; });
  bind("open-only", "change", (box) => { state.openOnly = box.checked; });
}
