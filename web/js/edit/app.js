// Boots the editor's page (/edit): sign in with the token an admin issued (kept in session storage,
// never in the URL), then the centres of the editor's districts, one centre, and for admins the users
// and the audit log. Views follow the URL's #fragment, so the back button works.
import { fetchJSON } from "../api.js";
import { announce, byId } from "../dom.js";
import { setLang } from "../i18n.js";
import { readState, rememberLang } from "../state.js";
import { call, saveToken, savedToken } from "./api.js";
import { createAuditView } from "./audit.js";
import { createCentreView } from "./centre.js";
import { createCentreList } from "./list.js";
import { applyText, t } from "./strings.js";
import { createUnplacedList } from "./unplaced.js";
import { createUsersView } from "./users.js";

const VIEWS = ["list-view", "centre-view", "users-view", "audit-view"];

function indexVocabulary(vocabulary) {
  const byValue = (entries) => Object.fromEntries(entries.map((entry) => [entry.value, entry]));
  return {
    ...vocabulary, amenity: byValue(vocabulary.amenities), kind: byValue(vocabulary.kinds),
    level: byValue(vocabulary.levels), status: byValue(vocabulary.statuses),
    precision: byValue(vocabulary.location_precisions),
  };
}

function parseRoute(hash) {
  const [, view = "", id = ""] = hash.replace(/^#/, "").split("/");
  return { view: view || "list", id: decodeURIComponent(id) };
}

function renderChrome(lang) {
  document.title = `${t("editTitle")} · ${t("editSubtitle")}`;
  applyText();
  const button = byId("lang-switch");
  button.textContent = t("langSwitch");
  button.setAttribute("lang", lang === "en" ? "zh-CN" : "en");
  button.setAttribute("aria-label", t("langSwitchName"));
}

async function loadBasics() {
  const [config, vocabulary, districts] = await Promise.all([
    fetchJSON("api/config"), fetchJSON("api/vocabulary"), fetchJSON("api/districts"),
  ]);
  return { config, vocab: indexVocabulary(vocabulary), allDistricts: districts };
}

function createApp(basics, me) {
  const names = Object.fromEntries(basics.allDistricts.map((d) => [d.adcode, d.name_zh]));
  const centres = Object.fromEntries(me.districts.map((d) => [d.adcode, [d.lon, d.lat]]));
  return {
    ...basics, me, views: {},
    canEdit: (adcode) => me.role === "admin" || me.districts.some((d) => d.adcode === adcode),
    districtName: (adcode) => names[adcode] || "",
    districtCentre: (adcode) => centres[adcode] || null,
    placed(id) {
      this.views.unplaced.placed(id);
      window.history.replaceState(null, "", `#/centre/${encodeURIComponent(id)}`);
    },
  };
}

function whoami(me) {
  byId("whoami").textContent = t(me.role === "admin" ? "signedInAdmin" : "signedInEditor", {
    name: me.name, districts: me.districts.map((d) => d.name_zh).join("、"),
  });
}

function showOnly(id) {
  for (const view of VIEWS) byId(view).hidden = view !== id;
  for (const link of document.querySelectorAll("#tabs a")) {
    const current = link.dataset.view.split(" ").includes(id);
    if (current) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

async function route(app) {
  const { view, id } = parseRoute(window.location.hash);
  const admin = app.me.role === "admin";
  try {
    if (view === "centre" && id) {
      showOnly("centre-view");
      await app.views.centre.open(id);
    } else if (view === "place" && id) {
      if (!app.views.unplaced.find(id)) await app.views.unplaced.load();
      const row = app.views.unplaced.find(id);
      if (!row) throw new Error(t("unplacedGone"));
      showOnly("centre-view");
      app.views.centre.place(row);
    } else if (view === "users" && admin) {
      showOnly("users-view");
      await app.views.users.load();
    } else if (view === "audit" && admin) {
      showOnly("audit-view");
      await app.views.audit.load();
    } else {
      showOnly("list-view");
      await Promise.all([app.views.list.load(), app.views.unplaced.load()]);
    }
    byId("main").focus({ preventScroll: true });
  } catch (error) {
    announce(t("errorLoading", { m: error.message }), { error: true });
  }
}

function guardUnsaved(app) {
  let shown = window.location.hash;
  window.addEventListener("hashchange", () => {
    const leaving = shown !== window.location.hash && app.views.centre.isDirty();
    if (leaving && !window.confirm(t("leaveUnsaved"))) {
      window.history.replaceState(null, "", shown);
      return;
    }
    shown = window.location.hash;
    route(app);
  });
  window.addEventListener("beforeunload", (event) => {
    if (app.views.centre.isDirty()) event.preventDefault();
  });
}

function startWorkspace(basics, me, state) {
  const app = createApp(basics, me);
  byId("sign-in").hidden = true;
  byId("workspace").hidden = false;
  byId("sign-out").hidden = false;
  whoami(me);
  for (const link of document.querySelectorAll("#tabs .admin-only")) link.hidden = me.role !== "admin";
  app.views = { list: createCentreList(app), unplaced: createUnplacedList(app), centre: createCentreView(app) };
  if (me.role === "admin") Object.assign(app.views, { users: createUsersView(app), audit: createAuditView(app) });
  state.app = app;
  guardUnsaved(app);
  return route(app);
}

async function signIn(basics, state, token) {
  const { body: me } = await call("GET", "api/me", { token });
  saveToken(token);
  await startWorkspace(basics, me, state);
}

function showSignIn(basics, state, message = "") {
  byId("sign-in").hidden = false;
  byId("workspace").hidden = true;
  byId("sign-in-error").textContent = message;
  byId("sign-in-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = byId("token-input");
    try {
      await signIn(basics, state, input.value.trim());
      input.value = "";
    } catch (error) {
      const text = error.status === 401 ? t("badToken") : t("errorLoading", { m: error.message });
      byId("sign-in-error").textContent = text;
      announce(text, { error: true });
      input.focus();
    }
  });
}

function bindChrome(state) {
  byId("lang-switch").addEventListener("click", () => {
    state.lang = state.lang === "en" ? "zh" : "en";
    setLang(state.lang);
    rememberLang(state.lang);
    renderChrome(state.lang);
    if (state.app) {
      whoami(state.app.me);
      for (const view of Object.values(state.app.views)) view.render();
    }
  });
  byId("sign-out").addEventListener("click", () => {
    saveToken("");
    window.location.replace(window.location.pathname);
  });
}

async function boot() {
  const state = { lang: readState().lang, app: null };
  setLang(state.lang);
  renderChrome(state.lang);
  bindChrome(state);
  let basics;
  try {
    basics = await loadBasics();
  } catch (error) {
    announce(t("errorLoading", { m: error.message }), { error: true });
    return;
  }
  const token = savedToken();
  if (!token) return showSignIn(basics, state);
  try {
    await signIn(basics, state, token);
  } catch (error) {
    saveToken("");
    showSignIn(basics, state, error.status === 401 ? t("tokenExpired") : t("errorLoading", { m: error.message }));
  }
}

boot();
