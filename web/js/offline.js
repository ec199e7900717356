// Installable and usable offline: the service worker (sw.js) keeps the app shell and the last lists.

export function registerServiceWorker() {
  if (!("serviceWorker" in navigator) || !window.isSecureContext) return;
  const register = () => navigator.serviceWorker.register("sw.js").catch((error) => {
    console.warn("service worker not registered:", error && error.message);
  });
  if (document.readyState === "complete") register();
  else window.addEventListener("load", register);
}
