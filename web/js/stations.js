// One station card: name, open/closed with today's hours, how far, amenities, how sure the location
// is, a call link and the navigation hand-off to the map apps.
import { NAVIGATION_APPS } from "./deeplinks.js";
import { el } from "./dom.js";
import { formatDistance, label, stationName, t } from "./i18n.js";
import { icon } from "./icons.js";

function openBadge(props) {
  const state = props.open_now === true ? "open" : props.open_now === false ? "closed" : "unknown";
  const text = { open: t("openNow"), closed: t("closedNow"), unknown: t("hoursUnknown") }[state];
  return el("span", { class: `badge badge-${state}`, text });
}

function hoursText(props) {
  if (!Array.isArray(props.hours_today)) return "";
  if (props.hours_today.length === 0) return t("closedToday");
  return t("today", { h: props.hours_today.join(", ") });
}

function reachText(props, ranking) {
  if (ranking === "travel_time" && typeof props.travel_seconds === "number") {
    const minutes = Math.max(1, Math.round(props.travel_seconds / 60));
    const minutesText = t("rideMinutes", { m: minutes });
    if (typeof props.travel_metres !== "number") return minutesText;
    return `${minutesText} · ${t("routeLength", { d: formatDistance(props.travel_metres) })}`;
  }
  if (typeof props.distance_m === "number") return t("straightLine", { d: formatDistance(props.distance_m) });
  return "";
}

function statusLine(props, ranking) {
  const line = el("p", { class: "card-status" }, openBadge(props));
  const hours = hoursText(props);
  if (hours) line.append(el("span", { class: "hours", text: hours }));
  const reach = reachText(props, ranking);
  if (reach) line.append(el("span", { class: "reach", text: reach }));
  if (props.open_on_arrival === false) {
    line.append(el("span", { class: "badge badge-warn", text: t("mayCloseOnArrival") }));
  }
  return line;
}

function amenityList(props, ctx) {
  const list = el("ul", { class: "card-amenities" });
  for (const token of props.amenities || []) {
    const chosen = ctx.amenities.has(token);
    const text = el("span", { text: label(ctx.vocab.amenity[token]) || token });
    list.append(el("li", { class: chosen ? "is-chosen" : null }, icon(token), text));
  }
  return list;
}

// How sure the point is; a long note about it opens on demand.
function precisionNote(props) {
  const precision = props.location_precision;
  if (precision !== "approximate" && precision !== "building") return null;
  const text = el("span", { text: t(precision) });
  if (!props.location_note) return el("p", { class: `precision precision-${precision}` }, icon("pin"), text);
  return el("details", { class: `precision precision-${precision}` },
    el("summary", {}, icon("pin"), text),
    el("p", { class: "precision-note", text: props.location_note }));
}

function callLink(props) {
  if (!props.phone) return null;
  const number = String(props.phone).replace(/[^\d+]/g, "");
  const text = el("span", { text: t("call", { phone: props.phone }) });
  return el("a", { class: "button call", href: `tel:${number}` }, icon("phone"), text);
}

function navLinks(feature, ctx) {
  const name = stationName(feature.properties);
  const dest = feature.geometry.coordinates;
  const origin = ctx.origin ? [ctx.origin.lon, ctx.origin.lat] : null;
  const list = el("ul", { class: "nav-links", "aria-label": t("navigate") });
  for (const app of NAVIGATION_APPS) {
    const link = el("a", {
      class: `button nav nav-${app.id}`, href: app.link(dest, feature.properties.name_zh, origin),
      "aria-label": t("navLabel", { app: t(app.labelKey), name }),
      target: ctx.newWindow ? "_blank" : null, rel: ctx.newWindow ? "noopener" : null,
    }, icon("navigate"), el("span", { text: t(app.labelKey) }));
    list.append(el("li", {}, link));
  }
  return list;
}

// ctx: {vocab, amenities (chosen, a Set), origin, ranking, newWindow}
export function stationCard(feature, index, ctx) {
  const props = feature.properties;
  const kind = label(ctx.vocab.kind[props.kind]);
  const heading = el("h3", { class: "card-title", id: `station-${props.id}` },
    el("span", { class: "card-number", "aria-hidden": "true", text: String(index + 1) }),
    el("span", { text: stationName(props) }));
  const card = el("article", {
    class: "station-card", "aria-labelledby": `station-${props.id}`, "data-id": props.id, tabindex: "-1",
  },
    heading,
    el("p", { class: "card-kind", text: [kind, props.district_name].filter(Boolean).join(" · ") }),
    statusLine(props, ctx.ranking),
    props.address ? el("p", { class: "card-address", text: props.address }) : null,
    precisionNote(props),
    amenityList(props, ctx),
    el("div", { class: "card-actions" }, callLink(props)),
    navLinks(feature, ctx));
  return el("li", { class: "station" }, card);
}
