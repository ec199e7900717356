// DOM building with createElement and textContent only: data never goes through innerHTML; and the
// small line icons (24×24, stroked) for amenities and actions, decorative: each sits next to a label.

// el("a", {class: "x", href: url, text: "label"}, child, ...)
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "text") node.textContent = value;
    else if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

export function byId(id) {
  return document.getElementById(id);
}

let statusTimer = 0;

// The polite live region: screen readers announce every change.
export function announce(message, { error = false } = {}) {
  const status = byId("status");
  if (!status) return;
  window.clearTimeout(statusTimer);
  // Re-setting identical text is not announced; clear first, then set on the next frame.
  status.textContent = "";
  status.classList.toggle("is-error", error);
  statusTimer = window.setTimeout(() => { status.textContent = message; }, 50);
}

const SVG_NS = "http://www.w3.org/2000/svg";

const AMENITY_PATHS = {
  drinking_water: "M12 3C9.5 7.5 6 10.5 6 14.5a6 6 0 0 0 12 0C18 10.5 14.5 7.5 12 3z",
  phone_charging: "M8 2h8a1 1 0 0 1 1 1v18a1 1 0 0 1-1 1H8a1 1 0 0 1-1-1V3a1 1 0 0 1 1-1zM13 6l-3 6h4l-3 6",
  microwave_or_hot_meal: "M4 12h16a8 8 0 0 1-16 0zM9 3c-1 1.5 1 2.5 0 5M15 3c-1 1.5 1 2.5 0 5",
  rest_area: "M5 11V8a2 2 0 0 1 2-2h10a2 2 0 0 1 2 2v3M3 11h18v5H3zM5 16v3M19 16v3",
  toilet: "M7 3.5a1.5 1.5 0 1 1 0 3 1.5 1.5 0 1 1 0-3zM17 3.5a1.5 1.5 0 1 1 0 3 1.5 1.5 0 1 1 0-3zM7 9v12M17 9l-3 7h6zM17 16v5M12 3v18",
  first_aid: "M4 7h16v13H4zM9 7V4h6v3M12 10v7M8.5 13.5h7",
  wifi: "M2 9a15 15 0 0 1 20 0M5 12.5a10 10 0 0 1 14 0M8.5 16a5 5 0 0 1 7 0M12 19.5h.01",
  canteen: "M7 3v18M5 3v5a2 2 0 0 0 4 0V3M17 21V3c-2 0-3 3-3 7h3",
  childcare: "M12 3a9 9 0 1 1 0 18 9 9 0 1 1 0-18zM9 10h.01M15 10h.01M9 14.5c1.5 1.5 4.5 1.5 6 0",
  study_room: "M4 20h16M6 20v-6h12v6M12 14V9M9 5h6l-1.5 4h-3z",
  library: "M12 6C10 4.5 7 4 4 4v14c3 0 6 .5 8 2 2-1.5 5-2 8-2V4c-3 0-6 .5-8 2zM12 6v14",
  parking_for_ebikes: "M4 4h16v16H4zM10 17V7h3a3 3 0 0 1 0 6h-3",
  ebike_charging: "M6 13a4 4 0 1 1 0 8 4 4 0 1 1 0-8zM18 13a4 4 0 1 1 0 8 4 4 0 1 1 0-8zM6 17l4-6h5l3 6M14 2l-2 4h3l-2 4",
  umbrella: "M3 12a9 9 0 0 1 18 0zM12 12v7a2 2 0 0 1-4 0M12 3v0",
  repair_tools: "M14.5 5.5a4 4 0 0 0 4 5.5l-8.5 8.5a2 2 0 0 1-3-3L15.5 8a4 4 0 0 0-1-2.5z",
  air_conditioning: "M12 2v20M3.3 7l17.4 10M3.3 17l17.4-10",
  meeting_room: "M3 5h12v8H8l-3 3v-3H3zM15 9h6v8h-2v3l-3-3h-5v-4",
  elderly_care: "M12 20s-7-4.5-7-10a4 4 0 0 1 7-2.6A4 4 0 0 1 19 10c0 5.5-7 10-7 10z",
  legal_aid: "M12 3v18M7 21h10M5 7h14M5 7l-3 6a3 3 0 0 0 6 0zM19 7l-3 6a3 3 0 0 0 6 0z",
  medical_service: "M12 3a9 9 0 1 1 0 18 9 9 0 1 1 0-18zM12 8v8M8 12h8",
};

const UI_PATHS = {
  locate: "M12 8a4 4 0 1 1 0 8 4 4 0 1 1 0-8zM12 2v4M12 18v4M2 12h4M18 12h4",
  phone: "M5 3h4l2 5-2.5 1.5a11 11 0 0 0 6 6L16 13l5 2v4a2 2 0 0 1-2 2A16 16 0 0 1 3 5a2 2 0 0 1 2-2z",
  navigate: "M3 11l18-8-8 18-2-8z",
  pin: "M12 22s7-6.5 7-12a7 7 0 0 0-14 0c0 5.5 7 12 7 12zM12 7.5a2.5 2.5 0 1 1 0 5 2.5 2.5 0 1 1 0-5z",
  share: "M18 3a3 3 0 1 1 0 6 3 3 0 1 1 0-6zM6 9a3 3 0 1 1 0 6 3 3 0 1 1 0-6zM18 15a3 3 0 1 1 0 6 3 3 0 1 1 0-6zM8.6 10.5l6.8-3.9M8.6 13.5l6.8 3.9",
};

export function icon(name) {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.setAttribute("class", "icon");
  const path = document.createElementNS(SVG_NS, "path");
  path.setAttribute("d", AMENITY_PATHS[name] || UI_PATHS[name] || UI_PATHS.pin);
  svg.appendChild(path);
  return svg;
}
