// Service worker: the app shell from the cache (refreshed in the background), API answers from the
// network with the last copy kept, so the list still opens offline with a note of how old it is.
// Answers the page fetched before this worker controlled it arrive as "keep" messages (offline.js).
// Bump VERSION with every release of the front end: the new worker then re-caches the whole shell.
const VERSION = "v4";
const SHELL_CACHE = `servicemap-shell-${VERSION}`;
const DATA_CACHE = "servicemap-data-v1";
const OFFLINE_HEADER = "X-Servicemap-Offline";
const FETCHED_AT_HEADER = "X-Servicemap-Fetched-At";

// The rider page, installed on the first visit so it opens offline. The planner view's modules are
// not installed on every rider's phone: they are cached like any static file when the view is used.
const SHELL = [
  "./", "embed", "index.html", "manifest.webmanifest", "css/app.css",
  "js/api.js", "js/app.js", "js/coords.js", "js/deeplinks.js", "js/dom.js", "js/filters.js", "js/i18n.js",
  "js/map.js", "js/rider.js", "js/ridermap.js", "js/share.js", "js/state.js", "js/stations.js",
  "vendor/leaflet/leaflet.js", "vendor/leaflet/leaflet.css",
  "icons/icon.svg", "icons/icon-192.png", "icons/icon-512.png", "icons/icon-maskable-512.png",
];
// The latest list of each kind, whatever its query: offline, a rider's new position still gets a list.
const LAST_OF = [
  [/\/api\/centres\/nearest$/, "last/nearest"],
  [/\/api\/centres$/, "last/centres"],
];
// Lists, one station (a shared link; per id), districts, configuration and vocabulary.
const API = /\/api\/(centres(\/[a-z0-9][a-z0-9-]{2,63})?|districts|config|vocabulary)$/;
const STATIC = /\/(js|css|vendor|icons)\/|\/manifest\.webmanifest$/;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  const keep = [SHELL_CACHE, DATA_CACHE];
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((key) => !keep.includes(key)).map((key) => caches.delete(key))))
    .then(() => self.clients.claim()));
});

function lastKey(url) {
  const found = LAST_OF.find(([pattern]) => pattern.test(url.pathname));
  return found ? new URL(found[1], self.registration.scope).href : null;
}

async function stamped(response) {
  const headers = new Headers(response.headers);
  headers.set(FETCHED_AT_HEADER, new Date().toISOString());
  return new Response(await response.blob(), { status: response.status, statusText: response.statusText, headers });
}

// The page's answers from before this worker: kept like our own, unless a newer copy is already there.
async function keepAnswers(answers) {
  const cache = await caches.open(DATA_CACHE);
  for (const answer of answers) {
    const url = new URL(answer.url);
    if (url.origin !== self.location.origin || !API.test(url.pathname)) continue;
    const key = lastKey(url) || url.href;
    const saved = await cache.match(key);
    if (saved && (saved.headers.get(FETCHED_AT_HEADER) || "") >= answer.fetchedAt) continue;
    const headers = { "Content-Type": answer.contentType || "application/json", [FETCHED_AT_HEADER]: answer.fetchedAt };
    await cache.put(key, new Response(answer.body, { headers }));
  }
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "keep" && Array.isArray(data.answers)) event.waitUntil(keepAnswers(data.answers));
});

function markedOffline(response) {
  const headers = new Headers(response.headers);
  headers.set(OFFLINE_HEADER, "1");
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

function offlineError() {
  const body = JSON.stringify({ error: "offline", field: null, message: "offline and nothing saved" });
  return new Response(body, { status: 503, headers: { "Content-Type": "application/json" } });
}

// Lists are kept once per kind (the latest), not per query, so the cache does not grow with every
// position; config, vocabulary and districts are kept per URL.
async function networkFirst(request) {
  const cache = await caches.open(DATA_CACHE);
  const key = lastKey(new URL(request.url)) || request;
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(key, await stamped(response.clone()));
    return response;
  } catch (error) {
    const saved = await cache.match(key);
    return saved ? markedOffline(saved) : offlineError();
  }
}

// The app's two pages, whatever their query string, are cached once each.
function pageKey(request) {
  if (request.mode !== "navigate") return null;
  const scope = new URL(self.registration.scope);
  const path = new URL(request.url).pathname;
  if (path === scope.pathname || path === `${scope.pathname}index.html`) return scope.href;
  if (path === `${scope.pathname}embed`) return new URL("embed", scope).href;
  return null;
}

// Stale while revalidate: answer from the cache at once, fetch a fresh copy for next time. A page is
// refreshed from its plain address: a shared station's page (its own title) is not the shell to keep.
async function shellFirst(request, event) {
  const cache = await caches.open(SHELL_CACHE);
  const page = pageKey(request);
  const key = page || request;
  const cached = await cache.match(key, { ignoreSearch: Boolean(page) });
  const refresh = fetch(page || request).then((response) => {
    if (response.ok && response.type === "basic") return cache.put(key, response.clone()).then(() => response);
    return response;
  });
  if (cached) {
    event.waitUntil(refresh.catch(() => undefined));
    return cached;
  }
  return refresh;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return; // tiles etc.: the network's
  if (API.test(url.pathname)) {
    event.respondWith(networkFirst(request));
    return;
  }
  if (pageKey(request) || STATIC.test(url.pathname)) event.respondWith(shellFirst(request, event));
  // anything else (API docs, other endpoints): straight to the network
});
