// The copyable iframe snippet: /embed with the current filters.
import { announce, byId } from "./dom.js";
import { t } from "./i18n.js";
import { pageParams } from "./state.js";

const EMBED_HEIGHT = 560;
const COPIED_MS = 3000;

function escapeAttribute(text) {
  return String(text).replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
}

// The rider view asks for the position as soon as it opens; in someone else's page the list waits.
export function embedUrl(state) {
  const view = state.view === "rider" ? "map" : state.view;
  const query = pageParams({ ...state, view }, { isEmbed: true }).toString();
  return new URL(`embed${query ? `?${query}` : ""}`, document.baseURI).href;
}

export function iframeSnippet(url, title) {
  return `<iframe src="${escapeAttribute(url)}" title="${escapeAttribute(title)}" width="100%" `
    + `height="${EMBED_HEIGHT}" style="border:0" loading="lazy" allow="geolocation"></iframe>`;
}

async function copyText(textarea) {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(textarea.value);
    return;
  }
  textarea.select(); // older in-app browsers: select, then the legacy copy command
  if (!document.execCommand("copy")) throw new Error("copy refused");
}

// The status line is for screen readers; a sighted user sees the button say it for a moment.
function showCopied(button) {
  button.textContent = t("copied");
  window.setTimeout(() => { button.textContent = t("copy"); }, COPIED_MS);
}

export function createShare({ state }) {
  const textarea = byId("embed-snippet");

  function render() {
    textarea.value = iframeSnippet(embedUrl(state), t("embedTitle"));
  }

  byId("copy-snippet").addEventListener("click", async () => {
    try {
      await copyText(textarea);
      announce(t("copied"));
      showCopied(byId("copy-snippet"));
    } catch {
      textarea.select();
      announce(t("copyFailed"), { error: true });
    }
  });
  return { render };
}
