// The centres an editor looks after: those with open rider reports first, with search and a district
// choice. The directory rows that still need a location are listed above them (unplaced.js).
import { announce, byId, clear, el } from "../dom.js";
import { label } from "../i18n.js";
import { getJSON } from "./api.js";
import { formatAge } from "./format.js";
import { t } from "./strings.js";

const PAGE = 200;
const SEARCH_DELAY_MS = 300;

function reportBadge(item) {
  if (!item.open_reports) return null;
  const kinds = item.open_report_kinds.map((kind) => t(`report_${kind}`)).join("、");
  return el("span", { class: "badge badge-warn report-badge", text: t("reportBadge", { n: item.open_reports, kinds }) });
}

function centreItem(item, vocab) {
  const age = item.latest_report_at ? formatAge((Date.now() - Date.parse(item.latest_report_at)) / 1000) : "";
  const meta = [item.district_name, label(vocab.kind[item.kind]), item.address].filter(Boolean).join(" · ");
  return el("li", { class: item.open_reports ? "has-reports" : null },
    el("a", { class: "centre-item", href: `#/centre/${encodeURIComponent(item.id)}`, "data-id": item.id },
      el("span", { class: "centre-name", text: item.name_zh }),
      el("span", { class: "centre-meta", text: meta }),
      el("span", { class: "centre-badges" },
        reportBadge(item), age ? el("span", { class: "report-when", text: t("latestReport", { age }) }) : null,
        item.status !== "open" ? el("span", { class: "badge badge-closed", text: label(vocab.status[item.status]) }) : null,
        item.location_precision === "approximate" ? el("span", { class: "badge badge-unknown", text: t("approximateBadge") }) : null)));
}

export function createCentreList(app) {
  const list = byId("centre-list");
  let items = [];
  let matched = 0;
  let timer = 0;

  function params(offset = 0) {
    return { q: byId("centre-search").value.trim(), district: byId("district-filter").value, limit: PAGE, offset };
  }

  function render() {
    clear(list);
    items.forEach((item) => list.append(centreItem(item, app.vocab)));
    if (!items.length) list.append(el("li", { class: "empty", text: t("noCentres") }));
    const withReports = items.filter((item) => item.open_reports).length;
    byId("list-summary").textContent = t(withReports ? "listSummary" : "listSummaryQuiet", { n: matched, r: withReports });
    byId("more-centres").hidden = items.length >= matched;
  }

  async function load({ more = false } = {}) {
    list.setAttribute("aria-busy", "true");
    try {
      const body = await getJSON("api/editor/centres", params(more ? items.length : 0));
      items = more ? items.concat(body.items) : body.items;
      matched = body.number_matched;
      render();
    } catch (error) {
      announce(t("errorLoading", { m: error.message }), { error: true });
    } finally {
      list.removeAttribute("aria-busy");
    }
  }

  function renderDistricts() {
    const select = byId("district-filter");
    const chosen = select.value;
    clear(select).append(el("option", { value: "", text: app.me.role === "admin" ? t("allDistricts") : t("myDistricts") }));
    for (const district of app.me.districts) select.append(el("option", { value: district.adcode, text: district.name_zh }));
    select.value = chosen;
    byId("district-filter-row").hidden = app.me.districts.length < 2;
  }

  byId("centre-search").addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => load(), SEARCH_DELAY_MS);
  });
  byId("district-filter").addEventListener("change", () => load());
  byId("more-centres").addEventListener("click", () => load({ more: true }));
  renderDistricts();
  return { load, render: () => { renderDistricts(); render(); } };
}
