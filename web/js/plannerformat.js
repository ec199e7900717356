// How the planner writes its figures (percentages, areas, demand in its own unit) and its errors, in the
// page's language. The API's messages are English: the Chinese page says what went wrong in its own
// words, and the English page may add the API's detail.
import { getLang, t } from "./i18n.js";

// API parameter names -> the control a planner knows them by.
const FIELD_KEYS = {
  district: "districtLabel", kind: "kindLabel", amenity: "fieldAmenity", at: "timeLabel", mode: "planMode",
  minutes: "planMinutes", k: "siteCount", sites: "siteUploaded", host_kind: "siteHostKind", Authorization: null,
};

function locale() {
  return getLang() === "en" ? "en" : "zh-CN";
}

function number(value, digits) {
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: digits, minimumFractionDigits: digits })
    .format(value);
}

export function formatPct(value) {
  return value === null || value === undefined ? t("notAvailable") : `${number(value, 1)}%`;
}

export function formatArea(m2) {
  if (m2 === null || m2 === undefined) return t("notAvailable");
  const km2 = m2 / 1e6;
  return t("areaKm2", { n: number(km2, km2 < 10 ? 2 : 1) });
}

// Demand in the unit of its source: residents, or the building-footprint proxy, or (siting without any
// demand data) km² of uncovered area.
export function formatDemand(value, demand) {
  if (value === null || value === undefined || !demand) return t("notAvailable");
  if (demand.kind === "osm_buildings") return t("demandFootprint", { n: number(value, 0) });
  if (demand.kind === "area") return formatArea(value * 1e6);
  return t("demandResidents", { n: number(value, 0) });
}

// Which demand the figures use, for the summary and the legend.
export function demandName(demand) {
  if (!demand || demand.kind === "none") return t("demandNone");
  return t({ raster: "demandRaster", csv: "demandCsv", osm_buildings: "demandOsm", area: "demandNone" }[demand.kind]
    || "demandOther");
}

// Sentences one after another: Chinese sets none between them, English a space.
export function sentences(parts) {
  return parts.filter(Boolean).join(getLang() === "en" ? " " : "");
}

function knownError(error) {
  if (error.code === "offline" || (typeof navigator !== "undefined" && navigator.onLine === false)) {
    return t("offlineNoData");
  }
  if (!error.status) return t("networkError");
  if (error.code === "no_road_network") return t("noRoadNetwork");
  if (error.status === 403 && error.field === "Authorization") return t("routeBudget");
  if (error.status === 429) return t("tooManyRequests");
  if (error.code === "routing_failed") return t("routingFailed");
  if (error.status >= 500) return t("serverError");
  const fieldKey = FIELD_KEYS[String(error.field || "").split(".")[0]];
  if (error.status === 422 && fieldKey) return t("invalidField", { field: t(fieldKey) });
  return t("requestRefused");
}

// The error in the page's language; the English page adds the API's own message for 4xx answers.
export function plannerError(error) {
  const text = knownError(error);
  const detail = getLang() === "en" && error.status >= 400 && error.status < 500 && error.message;
  return detail && detail !== text ? `${text} (${detail})` : text;
}

export function isAbort(error) {
  return Boolean(error) && error.name === "AbortError";
}
