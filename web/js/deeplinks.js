// One-tap navigation hand-off to the map apps riders use. Destinations and origins are WGS84
// [lon, lat]; Amap, Baidu (coord_type=gcj02) and Tencent get GCJ-02, the geo: URI gets WGS84.
import { wgs84ToGcj02 } from "./coords.js";

const APP_NAME = "servicemap";
const BAIDU_SRC = "webapp.servicemap.kunming";
const HERE_ZH = "我的位置";

function fixed(value) {
  return value.toFixed(6);
}

function gcj(point) {
  return wgs84ToGcj02(point[0], point[1]);
}

// Amap and Baidu split their point parameters on "," and "|": keep names free of them.
function cleanName(name) {
  return String(name || "").replace(/[,|]/g, " ").trim();
}

// Amap: coordinate=gaode means GCJ-02; without `from` the app starts at the phone's location.
export function amapLink(dest, name, origin = null) {
  const [lon, lat] = gcj(dest);
  let url = `https://uri.amap.com/navigation?to=${fixed(lon)},${fixed(lat)},${encodeURIComponent(cleanName(name))}`;
  if (origin) {
    const [oLon, oLat] = gcj(origin);
    url += `&from=${fixed(oLon)},${fixed(oLat)},${encodeURIComponent(HERE_ZH)}`;
  }
  return `${url}&mode=ride&policy=1&src=${APP_NAME}&coordinate=gaode&callnative=1`;
}

// Baidu's direction page needs an origin; without one, show the place with its marker page instead.
export function baiduLink(dest, name, origin = null) {
  const [lon, lat] = gcj(dest);
  const title = encodeURIComponent(cleanName(name));
  const common = `coord_type=gcj02&output=html&src=${BAIDU_SRC}`;
  if (!origin) {
    return `https://api.map.baidu.com/marker?location=${fixed(lat)},${fixed(lon)}&title=${title}&content=${title}&${common}`;
  }
  const [oLon, oLat] = gcj(origin);
  return "https://api.map.baidu.com/direction"
    + `?origin=latlng:${fixed(oLat)},${fixed(oLon)}|name:${encodeURIComponent(HERE_ZH)}`
    + `&destination=latlng:${fixed(lat)},${fixed(lon)}|name:${title}`
    + `&mode=riding&region=${encodeURIComponent("昆明")}&${common}`;
}

// Tencent: coordinates are lat,lng; without fromcoord it starts at the phone's location.
export function tencentLink(dest, name, origin = null) {
  const [lon, lat] = gcj(dest);
  let url = `https://apis.map.qq.com/uri/v1/routeplan?type=bike&to=${encodeURIComponent(cleanName(name))}`
    + `&tocoord=${fixed(lat)},${fixed(lon)}`;
  if (origin) {
    const [oLon, oLat] = gcj(origin);
    url += `&from=${encodeURIComponent(HERE_ZH)}&fromcoord=${fixed(oLat)},${fixed(oLon)}`;
  }
  return `${url}&policy=1&referer=${APP_NAME}`;
}

// The phone's own map app (Android intent filter for geo:), in WGS84.
export function geoLink(dest, name) {
  const [lon, lat] = dest;
  return `geo:${fixed(lat)},${fixed(lon)}?q=${fixed(lat)},${fixed(lon)}(${encodeURIComponent(cleanName(name))})`;
}

export const NAVIGATION_APPS = [
  { id: "amap", labelKey: "navAmap", link: amapLink },
  { id: "baidu", labelKey: "navBaidu", link: baiduLink },
  { id: "tencent", labelKey: "navTencent", link: tencentLink },
  { id: "system", labelKey: "navSystem", link: geoLink },
];
