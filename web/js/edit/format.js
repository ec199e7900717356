// Dates, times and ages as editors read them: Kunming time (Asia/Shanghai) whatever the device's zone.
import { getLang } from "../i18n.js";
import { t } from "./strings.js";

const ZONE = "Asia/Shanghai";

function locale() {
  return getLang() === "en" ? "en-GB" : "zh-CN";
}

function parts(date, options) {
  const format = new Intl.DateTimeFormat(locale(), { timeZone: ZONE, ...options });
  return Object.fromEntries(format.formatToParts(date).map((part) => [part.type, part.value]));
}

function dayKey(date) {
  const { year, month, day } = parts(date, { year: "numeric", month: "2-digit", day: "2-digit" });
  return `${year}-${month}-${day}`;
}

// "10月1日 周三" / "Wed 1 Oct" for a date "2025-10-01" (a calendar day, read in Kunming).
export function formatDay(isoDate) {
  const noon = new Date(`${isoDate}T12:00:00+08:00`);
  return new Intl.DateTimeFormat(locale(), { timeZone: ZONE, month: "short", day: "numeric", weekday: "short" })
    .format(noon);
}

export function formatClockTime(date) {
  const { hour, minute } = parts(date, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  return `${hour}:${minute}`;
}

// "今天 17:30", "明天 09:00", else "10月9日 周四 09:00".
export function formatMoment(iso, now = new Date()) {
  const date = new Date(iso);
  const clock = formatClockTime(date);
  const tomorrow = new Date(now.getTime() + 86400000);
  if (dayKey(date) === dayKey(now)) return t("todayAt", { time: clock });
  if (dayKey(date) === dayKey(tomorrow)) return t("tomorrowAt", { time: clock });
  return `${formatDay(dayKey(date))} ${clock}`;
}

// "2026-11-30 17:50" for logs, where the exact moment matters.
export function formatStamp(iso) {
  const p = parts(new Date(iso), {
    year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  });
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

export function formatAge(seconds) {
  if (seconds < 60) return t("ageJustNow");
  if (seconds < 3600) return t("ageMinutes", { n: Math.floor(seconds / 60) });
  if (seconds < 86400) return t("ageHours", { n: Math.floor(seconds / 3600) });
  return t("ageDays", { n: Math.floor(seconds / 86400) });
}

// The value of a datetime-local input (Kunming wall time) for now.
export function localInputValue(date = new Date()) {
  const p = parts(date, {
    year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  });
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}
