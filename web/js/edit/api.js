// The editor's calls to the API: the signed-in token on every request, JSON in and out, the ETag kept
// for If-Match. Errors are the API's {"error", "field", "message"} as an ApiError (../api.js).
import { ApiError, errorFrom, readBody, toSearchParams } from "../api.js";

const TOKEN_KEY = "servicemap.editorToken";

// The token lives in this tab's session storage only: never in the URL, gone when the tab closes.
export function savedToken() {
  try {
    return window.sessionStorage.getItem(TOKEN_KEY) || "";
  } catch {
    return "";
  }
}

export function saveToken(token) {
  try {
    if (token) window.sessionStorage.setItem(TOKEN_KEY, token);
    else window.sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // storage blocked: the token then lasts as long as the page
  }
}

function headersFor(token, { body, etag }) {
  const headers = { Accept: "application/json, application/geo+json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (etag) headers["If-Match"] = etag;
  return headers;
}

// call("PATCH", "api/centres/x", {body, etag, params, token}) → {body, etag, status}
export async function call(method, path, { body, etag, params = {}, token = savedToken() } = {}) {
  const query = toSearchParams(params).toString();
  let response;
  try {
    response = await fetch(query ? `${path}?${query}` : path, {
      method, headers: headersFor(token, { body, etag }), body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
    });
  } catch (error) {
    throw new ApiError(error.message || "network error");
  }
  const data = await readBody(response);
  if (!response.ok) throw errorFrom(response, data);
  return { body: data, etag: response.headers.get("ETag"), status: response.status };
}

export async function getJSON(path, params = {}) {
  return (await call("GET", path, { params })).body;
}
