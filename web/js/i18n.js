// Interface strings in Chinese (default) and English. Data labels come from /api/vocabulary.

const STRINGS = {
  zh: {
    title: "昆明服务地图",
    subtitle: "党群服务中心与骑手驿站",
    skip: "跳到站点列表",
    langSwitch: "English",
    langSwitchName: "Switch to English",
    toPlanner: "规划视图",
    toRider: "骑手视图",
    openFull: "在新窗口打开完整地图",
    locate: "定位我",
    locating: "正在获取您的位置…",
    located: "已定位。",
    useMapCentre: "以地图中心定位",
    pickHint: "也可以点地图或拖动图钉来选择位置。",
    locateDenied: "没有获得定位权限。请点地图或拖动图钉来选择您的位置。",
    locateTimeout: "定位超时。请点地图或拖动图钉来选择您的位置。",
    locateUnavailable: "无法获取位置。请点地图或拖动图钉来选择您的位置。",
    filters: "筛选",
    moreFilters: "筛选",
    amenitiesLegend: "需要的服务",
    openOnly: "只看现在营业的",
    kindLabel: "类型",
    kindAll: "全部类型",
    districtLabel: "区",
    districtAll: "全部区",
    mapLabel: "地图",
    mapPin: "我的位置（可拖动）",
    zoomIn: "放大",
    zoomOut: "缩小",
    nearestHeading: "离您最近的站点",
    listHeading: "站点",
    loading: "正在加载…",
    loadingStations: "正在查找附近的站点…",
    foundStations: "找到 {n} 个站点。",
    noStations: "附近没有符合条件的站点。可以减少所选服务，或取消“只看现在营业的”。",
    noStationsCatalogue: "没有符合条件的站点。",
    showing: "共 {total} 个，显示前 {n} 个。",
    waitingForLocation: "定位后将列出离您最近的站点。",
    rankingStraight: "按直线距离排序（未导入路网，实际路程会更长）。",
    rankingTravel: "按电动车骑行时间排序。",
    straightLine: "直线 {d}",
    rideMinutes: "骑行约 {m} 分钟",
    routeLength: "路程 {d}",
    openNow: "营业中",
    closedNow: "现在不营业",
    hoursUnknown: "营业时间未知",
    today: "今日 {h}",
    closedToday: "今日不开放",
    mayCloseOnArrival: "到达时可能已关门",
    openOnArrival: "到达时营业",
    approximate: "位置为大致位置",
    building: "位置精确到楼宇",
    call: "拨打 {phone}",
    navigate: "导航到这里",
    shareStation: "分享",
    shareLabel: "分享{name}的链接",
    linkCopied: "链接已复制，可以粘贴到聊天中。",
    sharedHeading: "分享的站点",
    stationNotFound: "找不到这个站点，它可能已被删除。",
    navAmap: "高德地图",
    navBaidu: "百度地图",
    navTencent: "腾讯地图",
    navSystem: "手机地图",
    navLabel: "用{app}导航到{name}",
    stationMarker: "{n}. {name}",
    offlineData: "离线数据，{age}更新（{t}）",
    offlineNoData: "当前离线，且没有可用的缓存数据。",
    networkError: "网络连接失败，请检查网络后重试。",
    serverError: "服务暂时不可用，请稍后再试。",
    tooManyRequests: "请求太频繁，请稍候再试。",
    badLink: "链接中的筛选条件无效。",
    mapUnavailable: "地图暂时无法显示，站点列表仍可使用。",
    ageJustNow: "刚刚",
    ageMinutes: "{n} 分钟前",
    ageHours: "{n} 小时前",
    ageDays: "{n} 天前",
    errorLoading: "加载失败：{m}",
    shareSummary: "嵌入与分享",
    shareIntro: "把当前筛选条件下的地图放到您的网站：复制下面的代码。",
    snippetLabel: "嵌入代码",
    copy: "复制代码",
    copied: "已复制。",
    copyFailed: "无法自动复制，请手动选中代码复制。",
    embedTitle: "昆明党群服务中心与骑手驿站地图",
    footer: "数据：servicemap 开放目录。位置与营业时间以现场为准。",
    apiDocs: "API 文档",
    noscript: "这个地图需要 JavaScript。",
  },
  en: {
    title: "Kunming service map",
    subtitle: "Party–mass centres and rider stations",
    skip: "Skip to the station list",
    langSwitch: "中文",
    langSwitchName: "切换到中文",
    toPlanner: "Planner",
    toRider: "Rider view",
    openFull: "Open the full map in a new window",
    locate: "Locate me",
    locating: "Finding your location…",
    located: "Location found.",
    useMapCentre: "Use map centre",
    pickHint: "You can also tap the map or drag the pin to choose a place.",
    locateDenied: "Location permission was not given. Tap the map or drag the pin to choose where you are.",
    locateTimeout: "Finding your location timed out. Tap the map or drag the pin to choose where you are.",
    locateUnavailable: "Your location is unavailable. Tap the map or drag the pin to choose where you are.",
    filters: "Filters",
    moreFilters: "Filters",
    amenitiesLegend: "Services you need",
    openOnly: "Open now only",
    kindLabel: "Type",
    kindAll: "All types",
    districtLabel: "District",
    districtAll: "All districts",
    mapLabel: "Map",
    mapPin: "My location (draggable)",
    zoomIn: "Zoom in",
    zoomOut: "Zoom out",
    nearestHeading: "Stations nearest to you",
    listHeading: "Stations",
    loading: "Loading…",
    loadingStations: "Looking for stations near you…",
    foundStations: "Found {n} stations.",
    noStations: "No matching station nearby. Choose fewer services, or untick “Open now only”.",
    noStationsCatalogue: "No matching station.",
    showing: "{total} in all, showing the first {n}.",
    waitingForLocation: "Once you are located, the nearest stations are listed here.",
    rankingStraight: "Ranked by straight-line distance (no road network imported; the real route is longer).",
    rankingTravel: "Ranked by e-bike travel time.",
    straightLine: "{d} in a straight line",
    rideMinutes: "{m} min by e-bike",
    routeLength: "{d} by road",
    openNow: "Open now",
    closedNow: "Closed now",
    hoursUnknown: "Hours unknown",
    today: "Today {h}",
    closedToday: "Closed today",
    mayCloseOnArrival: "May be closed when you arrive",
    openOnArrival: "Open on arrival",
    approximate: "Approximate location",
    building: "Location to the building",
    call: "Call {phone}",
    navigate: "Navigate here",
    shareStation: "Share",
    shareLabel: "Share a link to {name}",
    linkCopied: "Link copied: paste it into a chat.",
    sharedHeading: "Shared station",
    stationNotFound: "This station was not found; it may have been removed.",
    navAmap: "Amap",
    navBaidu: "Baidu Maps",
    navTencent: "Tencent Maps",
    navSystem: "Phone map",
    navLabel: "Navigate to {name} with {app}",
    stationMarker: "{n}. {name}",
    offlineData: "Offline data, updated {age} ({t})",
    offlineNoData: "You are offline and no saved data is available.",
    networkError: "No connection. Check your network and try again.",
    serverError: "The service is unavailable right now. Try again shortly.",
    tooManyRequests: "Too many requests. Wait a moment and try again.",
    badLink: "A filter in this link is not valid: {m}",
    mapUnavailable: "The map cannot be shown right now; the station list still works.",
    ageJustNow: "just now",
    ageMinutes: "{n} min ago",
    ageHours: "{n} h ago",
    ageDays: "{n} days ago",
    errorLoading: "Could not load: {m}",
    shareSummary: "Embed and share",
    shareIntro: "Put this map, with the current filters, on your website: copy the code below.",
    snippetLabel: "iframe code",
    copy: "Copy code",
    copied: "Copied.",
    copyFailed: "Could not copy automatically; select the code and copy it.",
    embedTitle: "Map of Kunming Party–mass service centres and rider rest stations",
    footer: "Data: the servicemap open catalogue. Check locations and hours on site.",
    apiDocs: "API docs",
    noscript: "This map needs JavaScript.",
  },
};

let current = "zh";

export function setLang(lang) {
  current = lang === "en" ? "en" : "zh";
  document.documentElement.lang = current === "en" ? "en" : "zh-CN";
}

export function getLang() {
  return current;
}

// Strings of a view loaded later (the planner's, planner-strings.js): the rider page does not carry them.
export function addStrings(table) {
  for (const lang of Object.keys(STRINGS)) Object.assign(STRINGS[lang], table[lang]);
}

export function t(key, vars = {}) {
  const template = STRINGS[current][key] || STRINGS.zh[key] || key;
  return template.replace(/\{(\w+)\}/g, (match, name) => (name in vars ? String(vars[name]) : match));
}

// A vocabulary entry {value, zh, en} in the current language.
export function label(entry) {
  if (!entry) return "";
  return (current === "en" ? entry.en : entry.zh) || entry.value;
}

export function stationName(props) {
  return current === "en" && props.name_en ? props.name_en : props.name_zh;
}

export function formatDistance(metres) {
  if (metres < 1000) return current === "en" ? `${Math.round(metres)} m` : `${Math.round(metres)} 米`;
  const km = (metres / 1000).toFixed(metres < 10000 ? 1 : 0);
  return current === "en" ? `${km} km` : `${km} 公里`;
}

// How long ago: "5 分钟前" / "5 min ago".
export function formatAge(date, now = new Date()) {
  const minutes = Math.max(0, Math.floor((now - date) / 60000));
  if (minutes < 1) return t("ageJustNow");
  if (minutes < 60) return t("ageMinutes", { n: minutes });
  if (minutes < 48 * 60) return t("ageHours", { n: Math.floor(minutes / 60) });
  return t("ageDays", { n: Math.floor(minutes / 1440) });
}

// What went wrong, in the page's language: the API's own messages are English, so the Chinese page
// says it in its own words (the English page adds the API's detail for a bad link).
export function errorText(error) {
  if (error.code === "offline" || (typeof navigator !== "undefined" && navigator.onLine === false)) {
    return t("offlineNoData");
  }
  if (!error.status) return t("networkError");
  if (error.status === 429) return t("tooManyRequests");
  if (error.status === 404) return t("stationNotFound");
  if (error.status === 400 || error.status === 422) return t("badLink", { m: error.message });
  if (error.status >= 500) return t("serverError");
  return t("errorLoading", { m: `HTTP ${error.status}` });
}

export function formatClock(date) {
  const pad = (n) => String(n).padStart(2, "0");
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}`;
  const sameDay = date.toDateString() === new Date().toDateString();
  return sameDay ? time : `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${time}`;
}

// Fill [data-i18n] text and [data-i18n-label] aria-labels below root.
export function applyStaticText(root = document) {
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-label]")) el.setAttribute("aria-label", t(el.dataset.i18nLabel));
}
