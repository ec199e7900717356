// The planner's time control: an hour of a typical week (Monday 00:00 = 0 … Sunday 23:00 = 167), or of the
// next public holiday or its make-up working day (调休) once the week profile has named them; or no
// moment at all (every centre in service counts). Moments are naive ISO times: the API reads them as
// Asia/Shanghai, and the week profile's hours are exactly these moments.
import { el } from "./dom.js";
import { getLang, t } from "./i18n.js";

export const HOURS_PER_WEEK = 168;
const START_HOUR = 2 * 24 + 9; // Wednesday 09:00, a working hour

function pad(n) {
  return String(n).padStart(2, "0");
}

// Pure: slider value (hour of the week) -> that hour in the week of `now`, Kunming time.
export function weekMoment(value, now = new Date()) {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit", weekday: "short",
  }).formatToParts(now).reduce((acc, part) => ({ ...acc, [part.type]: part.value }), {});
  const weekdayIndex = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].indexOf(parts.weekday);
  const monday = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day) - weekdayIndex);
  const day = new Date(monday + Math.floor(value / 24) * 86400000).toISOString().slice(0, 10);
  return `${day}T${pad(value % 24)}:00:00`;
}

// Pure: the hour `now` falls in, Kunming time, as the API reads moments.
export function nowMoment(now = new Date()) {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", hourCycle: "h23",
  }).formatToParts(now).reduce((acc, part) => ({ ...acc, [part.type]: part.value }), {});
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:00:00`;
}

// Pure: the profile's hours of one day kind ("week", "holiday", "makeup"), or null.
export function profileHours(profile, day) {
  if (!profile) return null;
  if (day === "week") return profile.hours;
  const holiday = profile.holiday;
  if (!holiday) return null;
  return day === "holiday" ? holiday.hours : holiday.makeup_hours;
}

// Pure: {day, hour} -> {at, layerId}: the profile's moment when it has one (its typical week and holiday),
// else this week's; the stored layer of that hour only when the profile was made for the same filters.
export function momentOf(selection, profile, { fresh = false, now = new Date() } = {}) {
  const entry = (profileHours(profile, selection.day) || [])[selection.hour];
  if (!entry) return { at: weekMoment(selection.hour % HOURS_PER_WEEK, now), layerId: null };
  return { at: entry.at.slice(0, 19), layerId: fresh ? entry.layer_id : null };
}

export function shortDate(isoDay) {
  const date = new Date(`${isoDay.slice(0, 10)}T00:00:00Z`);
  return new Intl.DateTimeFormat(getLang() === "en" ? "en" : "zh-CN", {
    month: "short", day: "numeric", weekday: "short", timeZone: "UTC",
  }).format(date);
}

export function holidayName(holiday) {
  return (getLang() === "en" ? holiday.name_en : holiday.name_zh) || holiday.name_en || t("holiday");
}

// "周三 09:00", "劳动节 5月1日周四 09:00", "调休上班 4月27日周日 09:00".
export function momentLabel(selection, profile) {
  const clock = `${pad(selection.hour % 24)}:00`;
  const holiday = profile && profile.holiday;
  if (selection.day === "holiday" && holiday) {
    return t("holidayHour", { name: holidayName(holiday), date: shortDate(holiday.start), clock });
  }
  if (selection.day === "makeup" && holiday && holiday.makeup_day) {
    return t("makeupHour", { date: shortDate(holiday.makeup_day), clock });
  }
  return `${t("weekdays").split(",")[Math.floor(selection.hour / 24) % 7]} ${clock}`;
}

function dayOptions(profile) {
  const holiday = profile && profile.holiday;
  const week = profile ? t("dayWeek", { from: shortDate(profile.week.start), to: shortDate(profile.week.end) })
    : t("dayThisWeek");
  const options = [["week", week]];
  if (holiday) {
    options.push(["holiday", t("dayHoliday", { name: holidayName(holiday), date: shortDate(holiday.start) })]);
  }
  if (holiday && holiday.makeup_day) options.push(["makeup", t("dayMakeup", { date: shortDate(holiday.makeup_day) })]);
  return options;
}

// onChange({immediate}) after every change: immediate for a choice, not for each step of a drag.
export function createTimeControl({ onChange }) {
  const selection = { day: "week", hour: START_HOUR, ignoreHours: false };
  let profile = null;
  const daySelect = el("select", { id: "time-day" });
  const slider = el("input", {
    id: "time-slider", type: "range", min: "0", max: String(HOURS_PER_WEEK - 1), step: "1",
    value: String(START_HOUR), "aria-describedby": "time-output",
  });
  const output = el("output", { id: "time-output", for: "time-slider" });
  const ignore = el("input", { id: "hours-ignore", type: "checkbox" });
  const dayRow = el("span", { class: "select time-day", hidden: true },
    el("label", { for: "time-day", "data-i18n": "timeDay" }), daySelect);
  const element = el("fieldset", { class: "time" },
    el("legend", { "data-i18n": "timeHeading" }),
    dayRow,
    el("div", { class: "time-head" }, el("label", { for: "time-slider", "data-i18n": "timeLabel" }), output),
    slider,
    el("label", { class: "check" }, ignore, el("span", { "data-i18n": "hoursIgnore" })),
    el("p", { class: "note", "data-i18n": "timeNote" }));

  function hoursOfDay() {
    return selection.day === "week" ? HOURS_PER_WEEK : 24;
  }

  function render() {
    const options = dayOptions(profile);
    daySelect.replaceChildren(...options.map(([value, text]) => el("option", {
      value, text, selected: value === selection.day,
    })));
    dayRow.hidden = options.length < 2;
    slider.max = String(hoursOfDay() - 1);
    slider.value = String(selection.hour);
    slider.disabled = selection.ignoreHours;
    daySelect.disabled = selection.ignoreHours;
    ignore.checked = selection.ignoreHours;
    output.textContent = selection.ignoreHours ? t("allInService") : momentLabel(selection, profile);
  }

  // An hour chosen (on the slider, the day list or the week profile) is a moment: hours count again.
  function set(day, hour, { immediate = true } = {}) {
    selection.ignoreHours = false;
    selection.day = day;
    selection.hour = Math.max(0, Math.min(hour, (day === "week" ? HOURS_PER_WEEK : 24) - 1));
    render();
    onChange({ immediate });
  }

  slider.addEventListener("input", () => set(selection.day, Number(slider.value), { immediate: false }));
  daySelect.addEventListener("change", () => set(daySelect.value, selection.hour % 24));
  ignore.addEventListener("change", () => {
    selection.ignoreHours = ignore.checked;
    render();
    onChange({ immediate: true });
  });

  return {
    element,
    selection,
    render,
    set,
    setProfile(next) {
      profile = next;
      if (!profileHours(profile, selection.day)) selection.day = "week";
      render();
    },
    label: () => (selection.ignoreHours ? t("allInService") : momentLabel(selection, profile)),
    moment: (fresh) => (selection.ignoreHours ? { at: null, layerId: null }
      : momentOf(selection, profile, { fresh })),
  };
}
