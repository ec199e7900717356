// The weekly hours editor: days × time ranges, public holidays, the raw OpenStreetMap text for experts
// (edited either way), checked as it is typed and previewed by the server (POST api/hours/preview,
// which evaluates with geo/hours.py: the same answer as the API's open_at filter).
import { byId, clear, el } from "../dom.js";
import { getLang } from "../i18n.js";
import { call } from "./api.js";
import { formatDay, formatMoment } from "./format.js";
import {
  DAY_CODES, emptySchedule, formatHours, isOvernight, normaliseTime, parseHours, rangeProblem,
} from "./hours-model.js";
import { t } from "./strings.js";

const PREVIEW_DELAY_MS = 300;
const NEW_RANGE = { start: "09:00", end: "17:00" };

function rangeHint(range) {
  const problem = rangeProblem(range);
  if (problem) return { text: t(problem), error: true };
  if (isOvernight(range)) return { text: t("nextDay"), error: false };
  return { text: range.end === "00:00" || range.end === "24:00" ? t("toMidnight") : "", error: false };
}

// Why the server refused the text, in the page's language, from its `problem` (the English `error` is
// for other API clients; a server without `problem` still gets its sentence shown).
function reasonOf(answer) {
  const problem = answer.problem;
  if (!problem) return answer.error;
  if (problem.kind === "empty") return t("hoursEmpty");
  if (problem.kind === "too_long") return t("hoursTooLong");
  if (problem.kind === "syntax" && problem.column) {
    return t("hoursSyntaxAt", { column: problem.column, snippet: problem.snippet });
  }
  return t("hoursSyntax");
}

function verdictOf(answer) {
  return { valid: answer.valid, error: answer.valid ? null : reasonOf(answer) };
}

function holidayName(day) {
  return day.holiday ? day.holiday[getLang() === "en" ? "en" : "zh"] : "";
}

// Plain text in 24-hour time, not <input type="time">: that shows AM/PM in some browsers and has no
// 24:00. Digits alone are enough ("0930"), since phone number pads have no colon.
function timeInput(value, name, onChange) {
  const read = (input) => normaliseTime(input.value) || input.value.trim();
  return el("input", {
    type: "text", class: "time", inputmode: "numeric", maxlength: "5", placeholder: "09:00", value,
    autocomplete: "off", "aria-label": name, required: true,
    oninput: (event) => onChange(read(event.target)),
    onchange: (event) => { event.target.value = read(event.target); },
  });
}

export function createHoursEditor(root, { onChange }) {
  const grid = root.querySelector(".hours-grid");
  const raw = byId("hours-raw");
  const unknown = byId("hours-unknown");
  const ph = byId("hours-ph");
  const previewDate = byId("preview-date");
  const previewTime = byId("preview-time");
  let schedule = emptySchedule();
  let supported = true;
  let timer = 0;
  let checked = { text: null, result: null, pending: null };

  function dayName(day) {
    return t("weekdays").split(",")[day];
  }

  function rangeRow(ranges, index, owner, where) {
    const range = ranges[index];
    const label = (part) => t("rangeLabel", { day: owner, n: index + 1, part: t(part) });
    const hint = el("span", { class: "range-hint" });
    const showHint = () => {
      const { text, error } = rangeHint(range);
      hint.textContent = text;
      hint.classList.toggle("is-error", error);
    };
    const set = (key) => (value) => { range[key] = value; showHint(); gridChanged(); };
    const remove = el("button", {
      type: "button", class: "button icon-button", "aria-label": t("removeRange", { day: owner, n: index + 1 }),
      text: "×", onclick: () => { ranges.splice(index, 1); renderGrid(); gridChanged(); focusIn(where); },
    });
    showHint();
    return el("div", { class: "range" },
      timeInput(range.start, label("rangeStart"), set("start")), el("span", { "aria-hidden": "true", text: "–" }),
      timeInput(range.end, label("rangeEnd"), set("end")), remove, hint);
  }

  // One day (or the public holidays): a heading line with its name and the add button, then its ranges.
  function dayBlock(ranges, owner, where, { headingId }) {
    const text = ranges.length ? t("addBreak") : t("addRange");
    const add = el("button", {
      type: "button", class: "button add-range", text, "aria-label": t("addRangeTo", { day: owner, text }),
      onclick: () => { ranges.push(nextRange(ranges)); renderGrid(); gridChanged(); focusIn(where, ranges.length - 1); },
    });
    const head = el("div", { class: "day-head" }, el("span", { class: "day-name", id: headingId, text: owner }),
      ranges.length ? null : el("span", { class: "closed-day", text: t("closedDay") }), add);
    const block = el("div", { class: "day-row", role: "group", "aria-labelledby": headingId, "data-where": where }, head);
    ranges.forEach((_, index) => block.append(rangeRow(ranges, index, owner, where)));
    return block;
  }

  // A second range after the first makes a lunch break: it starts two hours after the first ends.
  function nextRange(ranges) {
    if (!ranges.length) return { ...NEW_RANGE };
    return { start: "14:00", end: "17:30" };
  }

  function focusIn(where, index = 0) {
    const block = root.querySelector(`.day-row[data-where="${where}"]`);
    const inputs = block ? block.querySelectorAll("input") : [];
    (inputs[index * 2] || (block && block.querySelector("button.add-range")))?.focus();
  }

  function renderGrid() {
    clear(grid);
    schedule.days.forEach((ranges, day) => {
      grid.append(dayBlock(ranges, dayName(day), DAY_CODES[day], { headingId: `hours-day-${day}` }));
    });
    ph.value = schedule.ph.mode;
    const phRanges = byId("hours-ph-ranges");
    clear(phRanges);
    if (schedule.ph.mode === "hours") {
      phRanges.append(dayBlock(schedule.ph.ranges, t("publicHolidays"), "PH", { headingId: "hours-day-ph" }));
    }
  }

  function copyMonday() {
    for (let day = 1; day < 5; day += 1) schedule.days[day] = schedule.days[0].map((range) => ({ ...range }));
    renderGrid();
    gridChanged();
  }

  function gridChanged() {
    if (schedule.days.concat([schedule.ph.ranges]).flat().some((range) => rangeProblem(range))) {
      showCheck({ valid: false, error: t("fixRanges") });
      onChange();
      return;
    }
    raw.value = formatHours(schedule);
    textChanged();
  }

  function rawChanged() {
    const blank = !raw.value.trim();
    const parsed = blank ? emptySchedule() : parseHours(raw.value);
    setSupported(Boolean(parsed));
    if (parsed) {
      schedule = parsed;
      renderGrid();
    }
    textChanged();
  }

  function setSupported(value) {
    supported = value;
    root.querySelector(".weekly").disabled = !value || unknown.checked;
    byId("hours-unsupported").hidden = value;
  }

  function textChanged() {
    window.clearTimeout(timer);
    checked = { text: null, result: null, pending: null };
    byId("hours-check").textContent = t("checking");
    timer = window.setTimeout(() => check().catch(showUnreachable), PREVIEW_DELAY_MS);
    onChange();
  }

  // The moment to preview, in Kunming wall time; undefined: now.
  function previewMoment() {
    if (!previewDate.value) return undefined;
    return `${previewDate.value}T${normaliseTime(previewTime.value) || "12:00"}:00`;
  }

  // The server's verdict on the current text (cached per text and moment).
  function check() {
    window.clearTimeout(timer);
    const text = raw.value;
    const key = `${text}|${previewMoment() || ""}`;
    if (checked.text === key) return checked.pending;
    const pending = call("POST", "api/hours/preview", { body: { opening_hours: text, at: previewMoment() } })
      .then(({ body }) => {
        if (checked.text === key) showResult(body);
        return body;
      });
    checked = { text: key, result: null, pending };
    return pending;
  }

  function showUnreachable(error) {
    showCheck({ valid: false, error: t("checkFailed", { m: error.message }) });
  }

  function showCheck({ valid, error }) {
    const line = byId("hours-check");
    line.textContent = valid ? t("hoursValid") : t("hoursInvalid", { m: error });
    line.classList.toggle("is-error", !valid);
    raw.setAttribute("aria-invalid", valid ? "false" : "true");
  }

  // The answer is kept as the server gave it, so a language switch words its reason anew.
  function showResult(answer) {
    checked.result = answer;
    showCheck(verdictOf(answer));
    renderPreview(answer);
  }

  function stateText(result) {
    const now = result.open_now === true ? t("openNow") : result.open_now === false ? t("closedNow") : t("hoursUnknown");
    if (!result.next_change) return now;
    const change = formatMoment(result.next_change, new Date(result.at));
    return `${now} · ${t(result.open_now ? "closesAt" : "opensAt", { when: change })}`;
  }

  function dayRow(day) {
    const tag = { holiday: "holidayTag", makeup_workday: "makeupTag" }[day.day_kind];
    return el("li", { class: `preview-day is-${day.day_kind}` },
      el("span", { class: "preview-date", text: formatDay(day.date) }),
      tag ? el("span", { class: "badge badge-warn", text: t(tag, { name: holidayName(day) }) }) : null,
      el("span", { class: "preview-hours", text: day.hours.length ? day.hours.join(", ") : t("closedDay") }));
  }

  function renderPreview(result) {
    const state = byId("preview-state");
    const week = clear(byId("preview-week"));
    byId("hours-preview").hidden = !result.valid;
    if (!result.valid) return;
    const badge = result.open_now === true ? "open" : result.open_now === false ? "closed" : "unknown";
    const moment = previewMoment() ? t("atMoment", { when: formatMoment(result.at) }) : "";
    clear(state).append(moment, el("span", { class: `badge badge-${badge}`, text: stateText(result) }));
    state.dataset.open = String(result.open_now);
    state.dataset.at = result.at;
    result.week.forEach((day) => week.append(dayRow(day)));
  }

  function set(text) {
    unknown.checked = text === null || text === undefined || text === "";
    raw.value = unknown.checked ? "" : text;
    const parsed = unknown.checked ? emptySchedule() : parseHours(text);
    schedule = parsed || emptySchedule();
    renderGrid();
    setUnknown();
    setSupported(unknown.checked || Boolean(parsed));
  }

  function setUnknown() {
    raw.disabled = unknown.checked;
    root.querySelector(".weekly").disabled = unknown.checked || !supported;
    byId("hours-body").classList.toggle("is-unknown", unknown.checked);
    if (unknown.checked) {
      window.clearTimeout(timer);
      checked = { text: null, result: null, pending: null };
      byId("hours-check").textContent = t("hoursUnknownNote");
      byId("hours-check").classList.remove("is-error");
      byId("hours-preview").hidden = true;
    } else {
      check().catch(showUnreachable);
    }
  }

  function bind() {
    raw.addEventListener("input", rawChanged);
    unknown.addEventListener("change", () => {
      if (!unknown.checked && !raw.value.trim()) {
        schedule = parseHours("Mo-Fr 09:00-17:00; PH off");
        raw.value = formatHours(schedule);
        renderGrid();
        setSupported(true);
      }
      setUnknown();
      onChange();
    });
    ph.addEventListener("change", () => {
      schedule.ph = { mode: ph.value, ranges: ph.value === "hours" ? [{ start: "10:00", end: "16:00" }] : [] };
      renderGrid();
      gridChanged();
    });
    byId("copy-monday").addEventListener("click", copyMonday);
    const preview = () => check().catch(showUnreachable);
    previewDate.addEventListener("change", preview);
    previewTime.addEventListener("change", () => {
      previewTime.value = normaliseTime(previewTime.value) || previewTime.value;
      preview();
    });
    byId("preview-go").addEventListener("click", preview);
    byId("preview-now").addEventListener("click", () => {
      previewDate.value = "";
      previewTime.value = "";
      preview();
    });
  }

  bind();
  return {
    set,
    // The text to store: null when the hours are unknown.
    value: () => (unknown.checked ? null : raw.value.trim()),
    // Resolves to {valid, error} for the current text, asking the server if it has not answered yet;
    // the error is in the page's language.
    async verdict() {
      if (unknown.checked) return { valid: true };
      if (!raw.value.trim()) return { valid: false, error: t("hoursEmpty") };
      const gridProblem = supported && schedule.days.concat([schedule.ph.ranges]).flat().some((r) => rangeProblem(r));
      if (gridProblem) return { valid: false, error: t("fixRanges") };
      return verdictOf(await check());
    },
    render() {
      renderGrid();
      if (checked.result) showResult(checked.result);
    },
  };
}
