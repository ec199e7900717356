// The one way this app talks to the API, and the hand-over of its answers to the offline cache.

// When the service worker answers from its cache it says so in these headers (see sw.js).
const OFFLINE_HEADER = "X-Servicemap-Offline";
const FETCHED_AT_HEADER = "X-Servicemap-Fetched-At";
const cacheInfo = new WeakMap();

// Answers fetched before the service worker (sw.js) controlled the page did not pass through its
// cache, and the first visit loads before the worker exists: hand them over once it is active, so the
// very first visit already works offline afterwards.
const offlineSupported = () => "serviceWorker" in navigator && window.isSecureContext;

function keepForOffline(url, body, contentType) {
  if (!offlineSupported() || navigator.serviceWorker.controller) return;
  const answer = { url, body: JSON.stringify(body), contentType, fetchedAt: new Date().toISOString() };
  navigator.serviceWorker.ready.then((registration) => {
    if (registration.active) registration.active.postMessage({ type: "keep", answers: [answer] });
  });
}

// Installable and usable offline: the worker keeps the app shell and the last lists.
export function registerServiceWorker() {
  if (!offlineSupported()) return;
  const register = () => navigator.serviceWorker.register("sw.js").catch((error) => {
    console.warn("service worker not registered:", error && error.message);
  });
  if (document.readyState === "complete") register();
  else window.addEventListener("load", register);
}

export class ApiError extends Error {
  constructor(message, { status = 0, code = "network", field = null } = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

export function toSearchParams(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    const values = Array.isArray(value) ? value : [value];
    for (const item of values) {
      if (item === null || item === undefined || item === "") continue;
      search.append(name, String(item));
    }
  }
  return search;
}

export async function readBody(response) {
  const type = response.headers.get("Content-Type") || "";
  if (!type.includes("json")) return null;
  try {
    return await response.json();
  } catch {
    return null;
  }
}

export function errorFrom(response, body) {
  const message = (body && body.message) || `${response.status} ${response.statusText}`;
  return new ApiError(message, {
    status: response.status, code: (body && body.error) || "http_error", field: (body && body.field) || null,
  });
}

// GET path?params as JSON. Throws ApiError carrying the API's {"error", "field", "message"}.
export async function fetchJSON(path, params = {}, { signal } = {}) {
  const query = toSearchParams(params).toString();
  const url = query ? `${path}?${query}` : path;
  let response;
  try {
    response = await fetch(url, { signal, headers: { Accept: "application/json, application/geo+json" } });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError(error.message || "network error");
  }
  const body = await readBody(response);
  if (!response.ok) throw errorFrom(response, body);
  if (body && typeof body === "object" && response.headers.get(OFFLINE_HEADER)) {
    cacheInfo.set(body, { fetchedAt: response.headers.get(FETCHED_AT_HEADER) });
  } else if (body !== null) {
    keepForOffline(response.url, body, response.headers.get("Content-Type"));
  }
  return body;
}

// When a body came from the offline cache: the ISO time it was fetched; otherwise null.
export function cachedAt(body) {
  const info = body && typeof body === "object" ? cacheInfo.get(body) : undefined;
  return info ? info.fetchedAt || "" : null;
}
