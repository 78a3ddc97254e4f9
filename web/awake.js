// Idle sign-out is escortd's: only a change (a POST) counts as the person
// being there, never what a page asks by itself (the queue's refreshes, the
// live screens, the auditor's lists). So a key, a click or a wheel on the
// page tells escortd, at most once a minute, with the session's CSRF token.
const EVERY_MS = 60000;
let last = 0;

export function keepAwake(csrf) {
  const tell = () => {
    const token = csrf();
    if (!token || Date.now() - last < EVERY_MS) return;
    last = Date.now();
    fetch("/api/awake", { method: "POST", credentials: "same-origin",
                          headers: { "X-CSRF-Token": token } }).catch(() => {});
  };
  for (const kind of ["keydown", "pointerdown", "wheel"])
    document.addEventListener(kind, tell, { passive: true, capture: true });
}
