// The one way this app talks to the API.

// When the service worker answers from its cache it says so in these headers (see sw.js).
const OFFLINE_HEADER = "X-Servicemap-Offline";
const FETCHED_AT_HEADER = "X-Servicemap-Fetched-At";
const cacheInfo = new WeakMap();

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

async function readBody(response) {
  const type = response.headers.get("Content-Type") || "";
  if (!type.includes("json")) return null;
  try {
    return await response.json();
  } catch {
    return null;
  }
}

function errorFrom(response, body) {
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
  }
  return body;
}

// When a body came from the offline cache: the ISO time it was fetched; otherwise null.
export function cachedAt(body) {
  const info = body && typeof body === "object" ? cacheInfo.get(body) : undefined;
  return info ? info.fetchedAt || "" : null;
}
