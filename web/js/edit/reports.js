// A centre's rider reports with their age: confirm (a "closed" report may also mark the station
// temporarily closed) or dismiss, one tap each. Both are audited by the API.
import { announce, byId, clear, el } from "../dom.js";
import { call, getJSON } from "./api.js";
import { formatAge } from "./format.js";
import { t } from "./strings.js";

const SHOWN = 20;

function reportText(report) {
  return t(`report_${report.kind}`);
}

function stateBadge(report) {
  if (report.state === "open") return el("span", { class: "badge badge-warn", text: t("reportOpen") });
  const key = report.state === "confirmed" ? "reportConfirmedBy" : "reportDismissedBy";
  return el("span", { class: "badge badge-done", text: t(key, { who: report.handled_by || "" }) });
}

export function createReportsPanel({ onHandled }) {
  const panel = byId("reports-panel");
  const list = byId("report-list");
  let centre = null;
  let reports = [];

  async function act(report, action, params = {}) {
    const buttons = [...list.querySelectorAll(`[data-report="${report.id}"] button`)];
    buttons.forEach((button) => { button.disabled = true; });
    try {
      await call("POST", `api/reports/${report.id}/${action}`, { params });
      announce(t(action === "dismiss" ? "reportDismissed" : "reportConfirmed", { what: reportText(report) }));
      await load(centre);
      await onHandled({ centreChanged: Boolean(params.close_centre) });
    } catch (error) {
      announce(t("actionFailed", { m: error.message }), { error: true });
      buttons.forEach((button) => { button.disabled = false; });
    }
  }

  function actions(report) {
    if (report.state !== "open") return null;
    const button = (text, className, onclick) => el("button", { type: "button", class: `button ${className}`, text, onclick });
    const row = el("div", { class: "report-actions" },
      button(t("confirmReport"), "primary", () => act(report, "confirm")));
    if (report.kind === "closed" && centre.status === "open") {
      row.append(button(t("confirmAndClose"), "secondary", () => act(report, "confirm", { close_centre: "true" })));
    }
    row.append(button(t("dismissReport"), "secondary", () => act(report, "dismiss")));
    return row;
  }

  function item(report) {
    return el("li", { class: `report is-${report.state}`, "data-report": String(report.id), "data-kind": report.kind },
      el("p", { class: "report-line" },
        el("strong", { text: reportText(report) }), " ",
        el("span", { class: "report-age", text: formatAge(report.age_seconds) }), " ", stateBadge(report)),
      report.note ? el("p", { class: "report-note", text: report.note }) : null,
      actions(report));
  }

  function render() {
    clear(list);
    const open = reports.filter((report) => report.state === "open").length;
    byId("reports-count").textContent = open ? t("openReports", { n: open }) : t("noOpenReports");
    reports.forEach((report) => list.append(item(report)));
  }

  // The reports of {id, status} (none for null: no access), fetched without touching the page, so a
  // centre's view can appear whole instead of growing above the form the editor is already using.
  async function fetchFor(target) {
    return target ? getJSON("api/reports", { centre_id: target.id, state: "all", limit: SHOWN }) : [];
  }

  function show(target, fetched) {
    centre = target;
    reports = fetched;
    panel.hidden = !target;
    if (target) render();
  }

  async function load(target) {
    show(target, await fetchFor(target));
  }

  return { fetchFor, show, load, render: () => centre && render(), setStatus: (status) => { if (centre) centre.status = status; } };
}
