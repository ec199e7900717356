// Someone saved the centre while this editor was editing it (412). Show field by field what they
// changed (the version this editor opened vs. the one stored now) beside this editor's own changes,
// and offer to redo this editor's changes on top of the stored version, or to drop them.
import { byId, clear, el } from "../dom.js";
import { changedFields, displayValue, fieldLabel } from "./records.js";
import { formatStamp } from "./format.js";
import { t } from "./strings.js";

function cell(text, className) {
  return el("td", { class: className, text });
}

function row(field, { base, mine, current }, vocab, mineChanged) {
  const theirs = changedFields(base, current).includes(field);
  const both = theirs && mineChanged.includes(field);
  return el("tr", { class: both ? "is-both" : null, "data-field": field },
    el("th", { scope: "row", text: fieldLabel(field) }),
    cell(displayValue(field, base, vocab), "was"),
    cell(displayValue(field, current, vocab), theirs ? "theirs is-changed" : "theirs"),
    cell(mineChanged.includes(field) ? displayValue(field, mine, vocab) : t("unchangedByMe"),
      mineChanged.includes(field) ? "mine is-changed" : "mine"));
}

function table(versions, vocab) {
  const mineChanged = changedFields(versions.base, versions.mine);
  const fields = [...new Set([...changedFields(versions.base, versions.current), ...mineChanged])];
  const body = el("tbody");
  for (const field of fields) body.append(row(field, versions, vocab, mineChanged));
  return el("div", { class: "table-wrap" }, el("table", { class: "conflict-table" },
    el("caption", { text: t("conflictCaption") }),
    el("thead", {}, el("tr", {},
      el("th", { scope: "col", text: t("colField") }), el("th", { scope: "col", text: t("colWhenOpened") }),
      el("th", { scope: "col", text: t("colNow") }), el("th", { scope: "col", text: t("colMine") }))),
    body));
}

// versions: {base, mine, current} records; latest: the newest audit entry (who saved), or null.
export function showConflict(versions, latest, vocab, { onRedo, onDiscard }) {
  const panel = byId("conflict-panel");
  const who = latest ? t("conflictWho", { who: latest.actor, when: formatStamp(latest.at) }) : t("conflictSomeone");
  const both = changedFields(versions.base, versions.current)
    .filter((field) => changedFields(versions.base, versions.mine).includes(field));
  clear(panel).append(
    el("h3", { id: "conflict-heading", text: t("conflictHeading") }),
    el("p", { text: who }),
    table(versions, vocab),
    both.length ? el("p", { class: "note warn", text: t("conflictBoth", { fields: both.map(fieldLabel).join("、") }) }) : null,
    el("div", { class: "button-row" },
      el("button", { type: "button", class: "button primary", id: "redo-mine", text: t("redoMine"), onclick: onRedo }),
      el("button", { type: "button", class: "button secondary", id: "discard-mine", text: t("discardMine"), onclick: onDiscard })));
  panel.hidden = false;
  panel.scrollIntoView({ block: "start" });
  panel.focus();
}

export function hideConflict() {
  byId("conflict-panel").hidden = true;
}
