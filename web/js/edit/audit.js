// Admins: the whole audit log, newest first, a page at a time.
import { announce, byId, clear, el } from "../dom.js";
import { getJSON } from "./api.js";
import { historyItem } from "./history.js";
import { t } from "./strings.js";

const PAGE = 50;

export function createAuditView(app) {
  const list = byId("audit-list");
  let entries = [];

  // Linked by the name the entry recorded (the id when the entry holds no snapshot).
  function centreLink(entry) {
    const name = (entry.after && entry.after.name_zh) || (entry.before && entry.before.name_zh) || entry.centre_id;
    return el("a", { href: `#/centre/${encodeURIComponent(entry.centre_id)}`, text: name });
  }

  function render() {
    clear(list);
    entries.forEach((entry) => list.append(historyItem(entry, { vocab: app.vocab, centreLink })));
    if (!entries.length) list.append(el("li", { class: "empty", text: t("noHistory") }));
  }

  async function load({ more = false } = {}) {
    try {
      const page = await getJSON("api/audit", { limit: PAGE, offset: more ? entries.length : 0 });
      entries = more ? entries.concat(page) : page;
      byId("more-audit").hidden = page.length < PAGE;
      render();
    } catch (error) {
      announce(t("errorLoading", { m: error.message }), { error: true });
    }
  }

  byId("more-audit").addEventListener("click", () => load({ more: true }));
  return { load, render };
}
