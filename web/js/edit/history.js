// Audit entries as a readable history: who did what when, and for changes, each field before → after.
// Used for one centre's history and for the admins' whole audit log.
import { el } from "../dom.js";
import { changedFields, displayValue, fieldLabel } from "./records.js";
import { formatStamp } from "./format.js";
import { t } from "./strings.js";

function asRecord(snapshot) {
  return snapshot ? { ...snapshot, amenities: snapshot.amenities || [] } : null;
}

function fieldChanges(entry, vocab) {
  const before = asRecord(entry.before);
  const after = asRecord(entry.after);
  if (!before || !after) return null;
  const fields = changedFields(before, after);
  if (!fields.length) return null;
  const list = el("ul", { class: "field-changes" });
  for (const field of fields) {
    list.append(el("li", {},
      el("span", { class: "field-name", text: `${fieldLabel(field)}：` }),
      el("del", { text: displayValue(field, before, vocab) }), " → ",
      el("ins", { text: displayValue(field, after, vocab) })));
  }
  return list;
}

function detailsText(entry) {
  const details = entry.details || {};
  if (details.report_id) return t(`report_${details.kind}`) + (details.note ? ` — ${details.note}` : "");
  if (details.user) {
    const roles = details.role ? ` · ${t(`role_${details.role}`)}` : "";
    const districts = details.districts ? ` · ${details.districts.join(", ")}` : "";
    const changed = details.after ? ` · ${Object.entries(details.after).map(([k, v]) => `${k}=${v}`).join(", ")}` : "";
    return `${details.user}${roles}${districts}${changed}`;
  }
  return "";
}

// ctx: {vocab, centreLink: (entry) => element|null}
export function historyItem(entry, ctx) {
  const action = t(`action_${entry.action}`) === `action_${entry.action}` ? entry.action : t(`action_${entry.action}`);
  const head = el("p", { class: "history-head" },
    el("time", { datetime: entry.at, text: formatStamp(entry.at) }), " · ",
    el("span", { class: "history-actor", text: entry.actor }), " · ",
    el("strong", { text: action }));
  if (ctx.centreLink && entry.centre_id) head.append(" · ", ctx.centreLink(entry));
  const extra = detailsText(entry);
  return el("li", { class: "history-entry", "data-action": entry.action },
    head, extra ? el("p", { class: "history-detail", text: extra }) : null, fieldChanges(entry, ctx.vocab));
}
