// DOM building with createElement and textContent only: data never goes through innerHTML.

// el("a", {class: "x", href: url, text: "label"}, child, ...)
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "text") node.textContent = value;
    else if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

export function byId(id) {
  return document.getElementById(id);
}

let statusTimer = 0;

// The polite live region: screen readers announce every change.
export function announce(message, { error = false } = {}) {
  const status = byId("status");
  if (!status) return;
  window.clearTimeout(statusTimer);
  // Re-setting identical text is not announced; clear first, then set on the next frame.
  status.textContent = "";
  status.classList.toggle("is-error", error);
  statusTimer = window.setTimeout(() => { status.textContent = message; }, 50);
}
