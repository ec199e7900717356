// "Needs a location": directory rows the geocoder could not place (GET api/unplaced), with the reason in
// the page's language. Placing one opens it like a centre, with the pin to drag; saving creates the centre
// (POST api/centres with the row's id and fields) and the row leaves the list. It sits above the stations,
// folded to its count when long.
import { announce, byId, clear, el } from "../dom.js";
import { getLang } from "../i18n.js";
import { call } from "./api.js";
import { t } from "./strings.js";

const SHOWN = 100;
// Up to this many rows the list starts unfolded; more start folded to their count, so the stations below
// stay in reach.
const UNFOLDED_UP_TO = 5;

// Why the geocoder could not place the row, in the page's language, and where it is in the directory.
export function unplacedReason(row) {
  const reason = getLang() === "en" ? row.reason : row.reason_zh || row.reason;
  return [reason, row.line ? t("directoryLine", { n: row.line }) : ""].filter(Boolean).join(" · ");
}

function rowItem(row, app) {
  const meta = [app.districtName(row.district_adcode), row.address].filter(Boolean).join(" · ");
  const why = unplacedReason(row);
  return el("li", {},
    el("a", { class: "centre-item", href: `#/place/${encodeURIComponent(row.id)}`, "data-id": row.id },
      el("span", { class: "centre-name", text: row.name_zh }),
      el("span", { class: "centre-meta", text: meta }),
      el("span", { class: "centre-meta unplaced-reason", text: why })));
}

export function createUnplacedList(app) {
  const section = byId("unplaced-section");
  const list = byId("unplaced-list");
  let rows = [];

  async function load() {
    try {
      rows = (await call("GET", "api/unplaced", { params: { limit: SHOWN } })).body || [];
    } catch (error) {
      rows = [];
      section.hidden = true;
      announce(t("errorLoading", { m: error.message }), { error: true });
      return;
    }
    // Only on load: a language switch or a placed row leaves the list as the editor folded it.
    byId("unplaced-details").open = rows.length <= UNFOLDED_UP_TO;
    render();
  }

  function render() {
    section.hidden = rows.length === 0;
    clear(list);
    rows.forEach((row) => list.append(rowItem(row, app)));
    byId("unplaced-count").textContent = t("unplacedCount", { n: rows.length });
  }

  return {
    load,
    render,
    find: (id) => rows.find((row) => row.id === id) || null,
    placed: (id) => { rows = rows.filter((row) => row.id !== id); render(); },
  };
}
