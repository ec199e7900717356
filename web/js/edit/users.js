// Admins: the users. Issue a token (shown once, here only), disable or enable, change role and districts,
// issue a new token for someone who lost theirs. Every change is audited by the API.
import { announce, byId, clear, el } from "../dom.js";
import { call, getJSON } from "./api.js";
import { t } from "./strings.js";

function districtBoxes(name, districts, chosen) {
  const set = new Set(chosen);
  return el("fieldset", { class: "district-boxes" },
    el("legend", { text: t("districtsLegend") }),
    ...districts.map((district) => el("label", { class: "check" },
      el("input", { type: "checkbox", name, value: district.adcode, checked: set.has(district.adcode) }),
      el("span", { text: district.name_zh }))));
}

function chosenDistricts(root) {
  return [...root.querySelectorAll('.district-boxes input:checked')].map((box) => box.value);
}

function showToken(user) {
  const box = byId("new-token");
  clear(box).append(
    el("p", { text: t("tokenOnce", { name: user.name }) }),
    el("label", { for: "new-token-value", text: t("tokenLabel") }),
    el("input", { id: "new-token-value", type: "text", class: "token-value", readonly: true, value: user.token, spellcheck: "false" }),
    el("button", {
      type: "button", class: "button secondary", text: t("copy"),
      onclick: () => navigator.clipboard.writeText(user.token).then(() => announce(t("copied")), () => byId("new-token-value").select()),
    }));
  box.hidden = false;
  byId("new-token-value").focus();
  byId("new-token-value").select();
}

export function createUsersView(app) {
  const list = byId("user-list");

  async function change(user, changes) {
    try {
      await call("PATCH", `api/users/${user.id}`, { body: changes });
      announce(t("userSaved", { name: user.name }));
      await load();
    } catch (error) {
      announce(t("actionFailed", { m: error.message }), { error: true });
    }
  }

  async function reissue(user) {
    try {
      showToken((await call("POST", `api/users/${user.id}/token`)).body);
    } catch (error) {
      announce(t("actionFailed", { m: error.message }), { error: true });
    }
  }

  function userItem(user) {
    const names = user.districts.map((adcode) => app.districtName(adcode) || adcode).join("、");
    const editor = el("details", { class: "user-edit" }, el("summary", { text: t("changeDistricts") }),
      districtBoxes(`districts-${user.id}`, app.allDistricts, user.districts),
      el("button", { type: "button", class: "button secondary", text: t("saveDistricts"),
        onclick: (event) => change(user, { districts: chosenDistricts(event.target.closest("details")) }) }));
    const self = user.id === app.me.id;
    return el("li", { class: `user-card${user.active ? "" : " is-disabled"}`, "data-user": user.name },
      el("p", { class: "user-name" }, el("strong", { text: user.name }), " ",
        el("span", { class: "badge badge-unknown", text: t(`role_${user.role}`) }),
        user.active ? null : el("span", { class: "badge badge-closed", text: t("disabled") })),
      el("p", { class: "centre-meta", text: user.role === "admin" ? t("allDistricts") : names }),
      el("div", { class: "button-row" },
        self ? null : el("button", { type: "button", class: "button secondary", text: user.active ? t("disable") : t("enable"),
          onclick: () => change(user, { active: !user.active }) }),
        el("button", { type: "button", class: "button secondary", text: t("reissueToken"), onclick: () => reissue(user) })),
      user.role === "editor" ? editor : null);
  }

  async function load() {
    const users = await getJSON("api/users");
    clear(list);
    users.forEach((user) => list.append(userItem(user)));
  }

  async function create(event) {
    event.preventDefault();
    const form = byId("new-user-form");
    const body = { name: byId("new-user-name").value, role: byId("new-user-role").value, districts: chosenDistricts(form) };
    try {
      showToken((await call("POST", "api/users", { body })).body);
      form.reset();
      await load();
    } catch (error) {
      byId("new-user-error").textContent = error.message;
      announce(t("actionFailed", { m: error.message }), { error: true });
    }
  }

  function renderForm() {
    const slot = clear(byId("new-user-districts"));
    slot.append(districtBoxes("new-user-districts", app.allDistricts, []));
  }

  byId("new-user-form").addEventListener("submit", create);
  byId("new-user-form").addEventListener("input", () => { byId("new-user-error").textContent = ""; });
  renderForm();
  return { load, render: () => { renderForm(); return load(); } };
}
