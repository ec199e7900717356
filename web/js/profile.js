// The week profile as a small inline SVG chart: covered % of the area (solid) and of demand (dashed) for
// each hour of a typical week, then the next public holiday and its make-up working day (调休), so that
// nights, weekends and holidays show where they drop. Clicking an hour sets the time control there; the
// slider is the keyboard's way to the same hours, and the sentence under the chart says the lows and highs.
import { el } from "./dom.js";
import { t } from "./i18n.js";
import { formatPct, sentences } from "./plannerformat.js";
import { holidayName, momentLabel, profileHours } from "./timecontrol.js";

const SVG_NS = "http://www.w3.org/2000/svg";
const WIDTH = 320;
const HEIGHT = 124;
const PLOT = { left: 34, right: WIDTH - 4, top: 8, bottom: 92 };
const SEGMENT_GAP = 6; // in hours
const AREA_COLOUR = "#08519c";
const DEMAND_COLOUR = "#a63603";
const AXIS_LABEL = { class: "axis", "text-anchor": "middle" };

function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  for (const child of children) if (child) node.append(child);
  return node;
}

function text(x, y, content, attributes = {}) {
  const node = svg("text", { x, y, ...attributes });
  node.textContent = content;
  return node;
}

// Pure: the chart's segments, each {day, hours, start} with start in hours from the left edge.
export function segments(profile) {
  const days = [["week", profile.hours], ["holiday", profileHours(profile, "holiday")],
    ["makeup", profileHours(profile, "makeup")]].filter(([, hours]) => hours && hours.length);
  let start = 0;
  return days.map(([day, hours]) => {
    const segment = { day, hours, start };
    start += hours.length + SEGMENT_GAP;
    return segment;
  });
}

function scale(parts) {
  const last = parts[parts.length - 1];
  const units = last.start + last.hours.length;
  const unit = (PLOT.right - PLOT.left) / units;
  return {
    unit,
    x: (hours) => PLOT.left + hours * unit,
    y: (pct) => PLOT.bottom - (pct / 100) * (PLOT.bottom - PLOT.top),
  };
}

// A step line: each hour holds its value across its width; gaps where a value is missing.
function stepPath(segment, key, s) {
  let d = "";
  let drawing = false;
  segment.hours.forEach((entry, i) => {
    const value = entry[key];
    if (value === null || value === undefined) {
      drawing = false;
      return;
    }
    const x0 = s.x(segment.start + i).toFixed(2);
    const y = s.y(value).toFixed(2);
    d += drawing ? `L${x0},${y}` : `M${x0},${y}`;
    d += `H${s.x(segment.start + i + 1).toFixed(2)}`;
    drawing = true;
  });
  return d;
}

function grid(s) {
  return [0, 50, 100].flatMap((pct) => [
    svg("line", { x1: PLOT.left, x2: PLOT.right, y1: s.y(pct), y2: s.y(pct), class: "grid" }),
    text(PLOT.left - 3, s.y(pct) + 3, `${pct}%`, { class: "axis", "text-anchor": "end" }),
  ]);
}

function band(s, fromHour, hours, className) {
  return svg("rect", { x: s.x(fromHour), y: PLOT.top, width: hours * s.unit, height: PLOT.bottom - PLOT.top,
    class: className });
}

// Holiday and make-up day tinted, the weekend shaded, a line between days.
function backdrop(segment, s) {
  if (segment.day !== "week") return [band(s, segment.start, 24, `day-${segment.day}`)];
  const lines = [1, 2, 3, 4, 5, 6].map((day) => svg("line", {
    x1: s.x(day * 24), x2: s.x(day * 24), y1: PLOT.top, y2: PLOT.bottom, class: "day-line",
  }));
  return [band(s, 5 * 24, 48, "weekend"), ...lines];
}

function labels(segment, s, profile) {
  const y = PLOT.bottom + 13;
  if (segment.day === "week") {
    return t("weekdaysShort").split(",").map((name, day) => text(s.x(day * 24 + 12), y, name, AXIS_LABEL));
  }
  const name = segment.day === "holiday" ? holidayName(profile.holiday) : t("makeupShort");
  return [text(s.x(segment.start + 12), y, name, AXIS_LABEL)];
}

function marker(parts, s, selection) {
  const part = parts.find((p) => p.day === selection.day);
  if (!part) return null;
  const x = s.x(part.start + selection.hour);
  return svg("rect", { x: x - 0.5, y: PLOT.top - 4, width: Math.max(s.unit, 1) + 1, height: PLOT.bottom - PLOT.top + 4,
    class: "now" });
}

// Pure: the lowest and highest value of `key` among hours, with the hour each falls on.
export function extremes(hours, key) {
  const known = hours.map((entry, hour) => ({ hour, value: entry[key] })).filter((e) => typeof e.value === "number");
  if (!known.length) return null;
  return known.reduce((acc, e) => ({
    low: e.value < acc.low.value ? e : acc.low, high: e.value > acc.high.value ? e : acc.high,
  }), { low: known[0], high: known[0] });
}

function summary(profile) {
  const parts = [];
  for (const [key, nameKey] of [["covered_pct", "profileArea"], ["demand_covered_pct", "profileDemand"]]) {
    const week = extremes(profile.hours, key);
    if (!week) continue;
    const at = (e) => momentLabel({ day: "week", hour: e.hour }, profile);
    parts.push(t("profileRange", { what: t(nameKey), low: formatPct(week.low.value), lowAt: at(week.low),
      high: formatPct(week.high.value), highAt: at(week.high) }));
    const holiday = profile.holiday && extremes(profile.holiday.hours, key);
    if (holiday) {
      parts.push(t("profileHoliday", { name: holidayName(profile.holiday), low: formatPct(holiday.low.value) }));
    }
  }
  if (!parts.length) parts.push(t("profileEmpty"));
  if (!profile.holiday) parts.push(t("profileNoHoliday"));
  return sentences(parts);
}

// onPick(day, hour) when an hour is clicked.
export function createProfileChart({ onPick }) {
  const figure = el("div", { class: "profile-chart" });
  const caption = el("p", { id: "profile-summary", class: "note" });
  const note = el("p", { class: "note", "aria-live": "polite" });
  const keyLine = (kind, labelKey) => el("li", {}, el("span", { class: `key-line ${kind}`, "aria-hidden": "true" }),
    el("span", { "data-i18n": labelKey }));
  const key = el("ul", { class: "profile-key" }, keyLine("area", "profileArea"), keyLine("demand", "profileDemand"));
  const element = el("div", { class: "profile" }, note, figure, key, caption,
    el("p", { class: "hint", "data-i18n": "profileHint" }));
  let profile = null;
  let parts = [];
  let s = null;

  function pick(event) {
    const chart = event.currentTarget;
    const point = new DOMPoint(event.clientX, event.clientY).matrixTransform(chart.getScreenCTM().inverse());
    const hours = (point.x - PLOT.left) / s.unit;
    const part = parts.find((p) => hours >= p.start && hours < p.start + p.hours.length);
    if (part) onPick(part.day, Math.floor(hours - part.start));
  }

  function line(part, key, className, colour) {
    return svg("path", { d: stepPath(part, key, s), class: className, stroke: colour });
  }

  function draw(selection) {
    if (!profile) return;
    parts = segments(profile);
    s = scale(parts);
    const chart = svg("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "img", "aria-labelledby": "profile-summary",
      class: "profile-svg" },
    ...parts.flatMap((p) => backdrop(p, s)), ...grid(s), ...parts.flatMap((p) => labels(p, s, profile)),
    ...parts.map((p) => line(p, "covered_pct", "line-area", AREA_COLOUR)),
    ...parts.map((p) => line(p, "demand_covered_pct", "line-demand", DEMAND_COLOUR)),
    marker(parts, s, selection));
    chart.addEventListener("click", pick);
    figure.replaceChildren(chart);
    caption.textContent = summary(profile);
    key.lastChild.hidden = !extremes(profile.hours, "demand_covered_pct");
  }

  return {
    element,
    draw,
    show(next, selection) {
      profile = next;
      note.textContent = "";
      element.removeAttribute("aria-busy");
      draw(selection);
    },
    loading() {
      note.textContent = t("profileLoading");
      element.setAttribute("aria-busy", "true");
    },
    failed(message) {
      note.textContent = message;
      element.removeAttribute("aria-busy");
    },
  };
}
