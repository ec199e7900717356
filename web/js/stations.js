// One station card. What a rider at the roadside needs comes first, so that the nearest card's top fits
// the first screen: the name, whether it is open when they get there, how many minutes away, and the
// navigation hand-off to the map apps. Then the details: kind and district, address, how sure the
// location is, amenities, a call link and a link to share the station.
import { NAVIGATION_APPS } from "./deeplinks.js";
import { el, icon } from "./dom.js";
import { formatDistance, getLang, label, stationName, t } from "./i18n.js";
import { stationLink } from "./state.js";

// {state: "open" | "closed" | "warn" | "unknown", text}: open when the rider arrives if the list was
// ranked by travel time (the API evaluated the arrival), else open now.
export function availability(props, ctx) {
  if (props.status && props.status !== "open") {
    const entry = ctx.vocab.status && ctx.vocab.status[props.status];
    return { state: "closed", text: label(entry) || t("closedNow") };
  }
  const now = props.open_now;
  if (ctx.ranking === "travel_time") {
    if (props.open_on_arrival === true) return { state: "open", text: t("openOnArrival") };
    if (props.open_on_arrival === false) {
      return now === true ? { state: "warn", text: t("mayCloseOnArrival") } : { state: "closed", text: t("closedNow") };
    }
    return { state: "unknown", text: t("hoursUnknown") };
  }
  if (now === true) return { state: "open", text: t("openNow") };
  if (now === false) return { state: "closed", text: t("closedNow") };
  return { state: "unknown", text: t("hoursUnknown") };
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

function statusLine(props, ctx) {
  const open = availability(props, ctx);
  const line = el("p", { class: "card-status" }, el("span", { class: `badge badge-${open.state}`, text: open.text }));
  const reach = reachText(props, ctx.ranking);
  if (reach) line.append(el("span", { class: "reach", text: reach }));
  const hours = hoursText(props);
  if (hours) line.append(el("span", { class: "hours", text: hours }));
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

// A plain link to the station's page (long-press copies it anywhere); the rider view turns a tap into
// the phone's share sheet or a copied link.
function shareLink(props) {
  return el("a", {
    class: "button share-station", href: stationLink(props.id, getLang()), "data-share": props.id,
    "aria-label": t("shareLabel", { name: stationName(props) }),
  }, icon("share"), el("span", { text: t("shareStation") }));
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
    }, el("span", { text: t(app.labelKey) }));
    list.append(el("li", {}, link));
  }
  return list;
}

function title(props, index) {
  return el("h3", { class: "card-title", id: `station-${props.id}` },
    index === null ? null : el("span", { class: "card-number", "aria-hidden": "true", text: String(index + 1) }),
    el("span", { class: "card-name", text: stationName(props) }));
}

// ctx: {vocab, amenities (chosen, a Set), origin, ranking, newWindow}; index null: not numbered.
export function stationCard(feature, index, ctx) {
  const props = feature.properties;
  const kind = label(ctx.vocab.kind[props.kind]);
  const card = el("article", {
    class: "station-card", "aria-labelledby": `station-${props.id}`, "data-id": props.id, tabindex: "-1",
  },
    title(props, index),
    statusLine(props, ctx),
    navLinks(feature, ctx),
    el("p", { class: "card-kind", text: [kind, props.district_name].filter(Boolean).join(" · ") }),
    props.address ? el("p", { class: "card-address", text: props.address }) : null,
    precisionNote(props),
    amenityList(props, ctx),
    el("div", { class: "card-actions" }, callLink(props), shareLink(props)));
  return el("li", { class: "station" }, card);
}
