// The weekly schedule behind the hours editor, and its OpenStreetMap `opening_hours` text, both ways.
// A schedule is {days: [ranges × 7, Monday first], ph: {mode: "same" | "off" | "hours", ranges}} where a
// range is {start: "09:00", end: "17:30"}; an end at or before the start runs past midnight (18:00-02:00),
// an end of "24:00" is midnight. parseHours answers null for text the weekly grid cannot show (months,
// comments, "unknown"…): the raw text then stays the only editor. The server (geo/hours.py) validates.

export const DAY_CODES = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];
const TIME = /^([01]\d|2[0-4]):([0-5]\d)$/;
const RANGE = /^(\d\d:\d\d)-(\d\d:\d\d)$/;

export function emptySchedule() {
  return { days: DAY_CODES.map(() => []), ph: { mode: "same", ranges: [] } };
}

function validTime(text) {
  const match = TIME.exec(text);
  return Boolean(match) && (match[1] !== "24" || match[2] === "00");
}

// "18:00-02:00" → {start, end}; null when it is not a plain range.
function parseRange(text) {
  const match = RANGE.exec(text);
  if (!match || !validTime(match[1]) || !validTime(match[2]) || match[1] === "24:00") return null;
  return { start: match[1], end: match[2] };
}

function parseRanges(text) {
  const ranges = text.split(",").map((part) => parseRange(part.trim()));
  return ranges.every(Boolean) ? ranges : null;
}

// "Mo-We,Fr" → [0, 1, 2, 4]; Sa-Mo wraps over the week's end. null when anything else is there.
function parseDays(text) {
  const days = new Set();
  for (const part of text.split(",")) {
    const [from, to = from, extra] = part.trim().split("-");
    const start = DAY_CODES.indexOf(from);
    const end = DAY_CODES.indexOf(to);
    if (extra !== undefined || start < 0 || end < 0) return null;
    for (let day = start; ; day = (day + 1) % 7) {
      days.add(day);
      if (day === end) break;
    }
  }
  return [...days];
}

function parseTimes(text) {
  if (text === "off" || text === "closed") return [];
  return parseRanges(text);
}

// One rule ("Mo-Fr 09:00-17:00", "PH off", "10:00-18:00") applied to the schedule; false if unsupported.
function applyRule(schedule, rule) {
  const match = /^(?:([A-Za-z,-]+)\s+)?(\S+)$/.exec(rule);
  if (!match) return false;
  const times = parseTimes(match[2]);
  if (!times) return false;
  if (match[1] === "PH") {
    schedule.ph = times.length ? { mode: "hours", ranges: times } : { mode: "off", ranges: [] };
    return true;
  }
  const days = match[1] === undefined ? [0, 1, 2, 3, 4, 5, 6] : parseDays(match[1]);
  if (!days) return false;
  for (const day of days) schedule.days[day] = times.map((range) => ({ ...range }));
  return true;
}

export function parseHours(text) {
  const trimmed = (text || "").trim();
  const schedule = emptySchedule();
  if (trimmed === "24/7") {
    schedule.days = DAY_CODES.map(() => [{ start: "00:00", end: "24:00" }]);
    return schedule;
  }
  const rules = trimmed.split(";").map((rule) => rule.trim().replace(/\s+/g, " ")).filter(Boolean);
  if (!rules.length) return null;
  return rules.every((rule) => applyRule(schedule, rule)) ? schedule : null;
}

// An end of 00:00 means midnight: written 24:00, so "18:00-00:00" is not read as an empty range.
function rangeText({ start, end }) {
  return `${start}-${end === "00:00" ? "24:00" : end}`;
}

function rangesText(ranges) {
  return [...ranges].sort((a, b) => a.start.localeCompare(b.start)).map(rangeText).join(",");
}

// [0, 1, 2, 4] → "Mo-We,Fr"; two neighbours are listed ("Sa,Su"), three or more make a span.
export function daysText(days) {
  const runs = [];
  for (const day of [...days].sort((a, b) => a - b)) {
    const last = runs[runs.length - 1];
    if (last && day === last[1] + 1) last[1] = day;
    else runs.push([day, day]);
  }
  return runs.map(([from, to]) => {
    if (from === to) return DAY_CODES[from];
    if (to === from + 1) return `${DAY_CODES[from]},${DAY_CODES[to]}`;
    return `${DAY_CODES[from]}-${DAY_CODES[to]}`;
  }).join(",");
}

function isAllDay(ranges) {
  return ranges.length === 1 && ranges[0].start === "00:00" && ["24:00", "00:00"].includes(ranges[0].end);
}

// Days with the same ranges become one rule, in the order their first day comes in the week.
function dayRules(days) {
  const groups = new Map();
  days.forEach((ranges, day) => {
    if (!ranges.length) return;
    const key = rangesText(ranges);
    groups.set(key, [...(groups.get(key) || []), day]);
  });
  return [...groups].map(([key, members]) => `${daysText(members)} ${key}`);
}

function phRule(ph) {
  if (ph.mode === "off") return "PH off";
  if (ph.mode === "hours" && ph.ranges.length) return `PH ${rangesText(ph.ranges)}`;
  return null;
}

export function formatHours(schedule) {
  if (schedule.ph.mode === "same" && schedule.days.every(isAllDay)) return "24/7";
  const rules = dayRules(schedule.days);
  if (!rules.length) rules.push("Mo-Su off");
  const ph = phRule(schedule.ph);
  return [...rules, ...(ph ? [ph] : [])].join("; ");
}

// A time as typed ("9", "900", "0930", "9:30", "9：30" with a Chinese colon, "2400") → "HH:MM", or null.
export function normaliseTime(text) {
  const match = /^(\d{1,2})(?:[:：.]?(\d{2}))?$/.exec(String(text).trim());
  if (!match) return null;
  const time = `${match[1].padStart(2, "0")}:${match[2] || "00"}`;
  return validTime(time) ? time : null;
}

// What is wrong with one range as typed, or "": both times needed, and not the same time twice
// (00:00 to 00:00 is the whole day). Times are "HH:MM" from normaliseTime, or the text as typed.
export function rangeProblem({ start, end }) {
  if (!validTime(start) || !validTime(end) || start === "24:00") return "missingTime";
  if (start === end && end !== "00:00") return "sameTime";
  return "";
}

// Past midnight: 18:00-02:00 ends the next day (00:00 and 24:00 are midnight, not "the next day").
export function isOvernight({ start, end }) {
  return end !== "00:00" && end !== "24:00" && end < start;
}
