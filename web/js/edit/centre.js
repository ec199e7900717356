// One centre: its fields, hours and location in one form saved with If-Match; a 412 shows what the
// other editor changed and lets this editor redo theirs on top; its rider reports and its history.
// A centre outside the editor's districts is shown read-only, without any edit control.
import { announce, byId, clear, el } from "../dom.js";
import { label } from "../i18n.js";
import { call, getJSON } from "./api.js";
import { hideConflict, showConflict } from "./conflict.js";
import { createBasicsForm } from "./form.js";
import { historyItem } from "./history.js";
import { createHoursEditor } from "./hours-editor.js";
import { createLocationEditor } from "./location.js";
import { FIELDS, blankToNull, changedFields, fieldsOf, patchBody, recordOf, replay } from "./records.js";
import { createReportsPanel } from "./reports.js";
import { t } from "./strings.js";
import { unplacedReason } from "./unplaced.js";

const HISTORY_SHOWN = 30;
// Where the API's field names point to on the page.
const FIELD_INPUTS = {
  name_zh: "field-name_zh", name_en: "field-name_en", address: "field-address", phone: "field-phone",
  kind: "field-kind", level: "field-level", status: "field-status", amenities: "amenity-boxes",
  opening_hours: "hours-raw", location_precision: "precision-exact", location_note: "location-note",
  lon: "pin-to-centre", lat: "pin-to-centre", district_adcode: "pin-to-centre", id: "field-name_zh",
};

// A directory row's fields this page does not edit, which the centre created from it keeps.
const CARRIED_OVER = ["street", "community", "operator", "source", "source_quote", "last_verified"];

function carriedOver(row) {
  return Object.fromEntries(CARRIED_OVER.map((field) => [field, row[field] ?? null]));
}

export function createCentreView(app) {
  const { vocab } = app;
  const basics = createBasicsForm({ vocab, onChange: updateDirty });
  const hours = createHoursEditor(byId("hours"), { onChange: updateDirty });
  const location = createLocationEditor({ config: app.config, onChange: updateDirty });
  const reports = createReportsPanel({ onHandled: reportHandled });
  let current = null; // {id, base (record), etag, feature, editable, placing (an unplaced row)}
  let opening = 0; // counts open() calls, so only the latest one draws

  function draft() {
    const loc = location.value();
    const record = {
      ...current.base, ...basics.value(), opening_hours: hours.value(),
      location_precision: loc.precision, location_note: loc.note,
    };
    if (loc.point) Object.assign(record, loc.point);
    for (const field of FIELDS) if (field in record) record[field] = blankToNull(field, record[field]);
    return record;
  }

  function isDirty() {
    return Boolean(current && current.editable) && (current.placing || changedFields(current.base, draft()).length > 0);
  }

  function updateDirty() {
    const dirty = isDirty();
    byId("dirty-note").textContent = dirty ? t("unsaved") : t("allSaved");
    byId("save-bar").classList.toggle("is-dirty", dirty);
    showFormError(null);
  }

  function fill(record, { original = record } = {}) {
    basics.set(record);
    hours.set(record.opening_hours);
    location.set({
      original: typeof original.lon === "number" ? { lon: original.lon, lat: original.lat } : null,
      point: typeof record.lon === "number" ? { lon: record.lon, lat: record.lat } : null,
      precision: record.location_precision, note: record.location_note, start: record.start,
    });
    updateDirty();
  }

  function renderHeader() {
    const props = current.feature ? current.feature.properties : current.placing;
    byId("centre-title").textContent = props.name_zh;
    const district = props.district_name || (app.districtName(props.district_adcode) || "");
    const kind = current.feature ? label(vocab.kind[props.kind]) : t("needsLocation");
    const version = current.etag ? t("version", { v: current.etag.replace(/\W/g, "").replace(/^v/, "") }) : "";
    const why = current.placing ? unplacedReason(current.placing) : "";
    byId("centre-meta").textContent = [district, kind, version, why].filter(Boolean).join(" · ");
  }

  function showReadOnly() {
    const props = current.feature.properties;
    const district = props.district_name || props.district_adcode || "";
    byId("readonly-note").textContent = t("readOnly", { district });
    const summary = clear(byId("readonly-summary"));
    for (const [key, value] of [["field_address", props.address], ["field_phone", props.phone],
      ["field_opening_hours", props.opening_hours], ["field_status", label(vocab.status[props.status])]]) {
      if (value) summary.append(el("dt", { text: t(key) }), el("dd", { text: value }));
    }
  }

  function showMode() {
    const editable = current.editable;
    byId("centre-form").hidden = !editable;
    byId("readonly-panel").hidden = editable;
    byId("history-panel").hidden = !editable || Boolean(current.placing);
    if (editable) location.refresh();
    else showReadOnly();
  }

  // The centre's latest changes (none where the editor sees no history: read-only or not created yet).
  async function fetchHistory(centre = current) {
    if (!centre.editable || centre.placing) return [];
    return getJSON("api/audit", { centre_id: centre.id, limit: HISTORY_SHOWN });
  }

  function showHistory(entries) {
    const list = clear(byId("history-list"));
    entries.forEach((entry) => list.append(historyItem(entry, { vocab })));
    if (!entries.length && current.editable && !current.placing) list.append(el("li", { class: "empty", text: t("noHistory") }));
  }

  async function loadHistory() {
    showHistory(await fetchHistory());
  }

  async function fetchCentre(id) {
    const { body, etag } = await call("GET", `api/centres/${encodeURIComponent(id)}`);
    return { body, etag, record: recordOf(body) };
  }

  // Everything the view shows is fetched first and drawn at once: nothing moves under a finger that is
  // about to drag the pin or tap a field.
  async function open(id) {
    const request = ++opening;
    const { body, etag, record } = await fetchCentre(id);
    const next = { id, base: record, etag, feature: body, editable: app.canEdit(body.properties.district_adcode) };
    const target = next.editable ? { id, status: record.status } : null;
    const [reportList, history] = await Promise.all([reports.fetchFor(target), fetchHistory(next)]);
    if (request !== opening) return; // another centre was opened meanwhile: it is the one to show
    current = next;
    hideConflict();
    renderHeader();
    showMode();
    if (current.editable) fill(record);
    byId("submit-label").textContent = t("save");
    reports.show(target, reportList);
    showHistory(history);
  }

  // A directory row no geocoder could place: the editor puts it on the map and creates the centre, which
  // starts from the row's fields; where it is, and how sure, is the editor's to say.
  function place(row) {
    opening += 1; // an open() still under way must not draw over this row
    const base = {
      ...fieldsOf(row), lon: null, lat: null, location_precision: null, location_note: null,
      start: app.districtCentre(row.district_adcode),
    };
    current = { id: row.id, base, etag: null, feature: null, editable: true, placing: row };
    hideConflict();
    renderHeader();
    showMode();
    fill(base);
    byId("submit-label").textContent = t("createCentre");
    reports.load(null);
  }

  // A confirmed or dismissed report is in the history; a station it closed is a new version.
  async function reportHandled({ centreChanged }) {
    if (!centreChanged) await loadHistory();
    else if (!isDirty()) await open(current.id);
    else announce(t("changedWhileDirty"));
  }

  function showFormError(error) {
    const line = byId("form-error");
    line.hidden = !error;
    line.textContent = error ? error.message : "";
    for (const input of document.querySelectorAll("#centre-form [aria-invalid='true']:not(#hours-raw)")) {
      input.removeAttribute("aria-invalid");
    }
    if (!error) return;
    const target = byId(FIELD_INPUTS[error.field] || "") || byId("submit");
    if (target.matches("input, select, textarea")) target.setAttribute("aria-invalid", "true");
    target.focus();
  }

  async function problemOf(record) {
    if (!record.name_zh) return { field: "name_zh", message: t("needName") };
    const loc = location.value();
    if (!loc.point) return { field: "lon", message: t("needPoint") };
    if ((loc.moved || current.placing) && !["exact", "building"].includes(loc.precision)) {
      return { field: "location_precision", message: t("needPrecision") };
    }
    if ((loc.moved || current.placing) && loc.note.length < 2) return { field: "location_note", message: t("needNote") };
    if (!record.location_precision) return { field: "location_precision", message: t("needPrecision") };
    const verdict = await hours.verdict();
    return verdict.valid ? null : { field: "opening_hours", message: verdict.error };
  }

  function accepted({ body, etag }) {
    current = { ...current, base: recordOf(body), etag, feature: body, placing: null };
    fill(current.base);
    renderHeader();
    showMode(); // a placed row is a centre now: its history shows, and the next save is a change
    byId("submit-label").textContent = t("save");
    announce(t("saved"));
    loadHistory().catch(() => undefined);
  }

  async function write(record) {
    if (current.placing) {
      const { start, ...fields } = record;
      const body = { ...carriedOver(current.placing), ...fields, id: current.id };
      const result = await call("POST", "api/centres", { body });
      app.placed(current.id);
      return result;
    }
    return call("PATCH", `api/centres/${encodeURIComponent(current.id)}`, { body: patchBody(current.base, record), etag: current.etag });
  }

  async function save(event) {
    event.preventDefault();
    const record = draft();
    if (!current.placing && !changedFields(current.base, record).length) {
      announce(t("nothingChanged"));
      return;
    }
    const submit = byId("submit");
    submit.setAttribute("aria-busy", "true");
    try {
      const problem = await problemOf(record);
      if (problem) {
        showFormError(problem);
        announce(problem.message, { error: true });
        return;
      }
      accepted(await write(record));
    } catch (error) {
      if (error.status === 412) await conflict(record);
      else {
        showFormError(error);
        announce(t("saveFailed", { m: error.message }), { error: true });
      }
    } finally {
      submit.removeAttribute("aria-busy");
    }
  }

  async function latestChange() {
    try {
      return (await getJSON("api/audit", { centre_id: current.id, limit: 1 }))[0] || null;
    } catch {
      return null;
    }
  }

  async function conflict(mine) {
    const fresh = await fetchCentre(current.id);
    const versions = { base: current.base, mine, current: fresh.record };
    announce(t("conflictHeading"), { error: true });
    showConflict(versions, await latestChange(), vocab, {
      onRedo: () => {
        current = { ...current, base: fresh.record, etag: fresh.etag, feature: fresh.body };
        fill(replay(versions.base, mine, fresh.record), { original: fresh.record });
        renderHeader();
        hideConflict();
        announce(t("redone"));
        byId("submit").focus();
      },
      onDiscard: () => {
        current = { ...current, base: fresh.record, etag: fresh.etag, feature: fresh.body };
        fill(fresh.record);
        renderHeader();
        hideConflict();
        announce(t("discarded"));
      },
    });
  }

  byId("centre-form").addEventListener("submit", save);
  return {
    open,
    place,
    isDirty,
    render() {
      basics.render();
      hours.render();
      location.render();
      reports.render();
      byId("submit-label").textContent = t(current && current.placing ? "createCentre" : "save");
      if (current) {
        renderHeader();
        updateDirty();
        if (!current.editable) showReadOnly();
        loadHistory().catch(() => undefined);
      }
    },
  };
}
