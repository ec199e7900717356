// The rider's position from navigator.geolocation, with a hard time limit: some in-app browsers
// never call back at all, and a rider must then be offered the manual pin instead of waiting.

export const LOCATE_TIMEOUT_MS = 10000;
const GRACE_MS = 2000;

export class LocateError extends Error {
  constructor(reason) {
    super(reason);
    this.name = "LocateError";
    this.reason = reason; // "denied" | "timeout" | "unavailable"
  }
}

function reasonOf(error) {
  if (error && error.code === 1) return "denied";
  if (error && error.code === 3) return "timeout";
  return "unavailable";
}

export function locate({ timeout = LOCATE_TIMEOUT_MS } = {}) {
  return new Promise((resolve, reject) => {
    if (!("geolocation" in navigator)) {
      reject(new LocateError("unavailable"));
      return;
    }
    const timer = window.setTimeout(() => reject(new LocateError("timeout")), timeout + GRACE_MS);
    const done = (callback) => (value) => {
      window.clearTimeout(timer);
      callback(value);
    };
    navigator.geolocation.getCurrentPosition(
      done((position) => resolve({
        lon: position.coords.longitude, lat: position.coords.latitude, accuracy: position.coords.accuracy,
      })),
      done((error) => reject(new LocateError(reasonOf(error)))),
      { enableHighAccuracy: true, timeout, maximumAge: 60000 },
    );
  });
}
