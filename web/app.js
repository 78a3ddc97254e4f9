// The escort's web console. Everything from the operator's side is put on
// the page with textContent (never innerHTML), already in its visible form
// (escortd shows control characters, escape sequences and bidirectional or
// invisible characters as codes and counts them). The page decides nothing:
// escortd answers every request as it answers `escort approve`.

import { keepAwake } from "./awake.js";
import { watchScreen } from "/screen.js";

const $ = (id) => document.getElementById(id);
let csrf = "";
let events = null;
let roles = [];   // what escortd's configuration says this person is (shown, never enforced here)
let seen = null;  // approval ids already shown: a new one rings
const can = (role) => roles.includes(role);
const screens = new Map(); // session id -> EventSource of its live screen

const LEVEL_WORDS = {
  info: "Information only", low: "Low risk", medium: "Medium risk",
  high: "HIGH RISK", critical: "CRITICAL RISK",
};

function say(text, bad) {
  $("message").textContent = text;
  $("message").className = bad ? "bad" : "";
}

async function api(path, form) {
  const options = { credentials: "same-origin", headers: {} };
  if (form) {
    options.method = "POST";
    options.headers["X-CSRF-Token"] = csrf;
    options.body = new URLSearchParams(form);
  }
  const response = await fetch(path, options);
  let body = {};
  try { body = await response.json(); } catch (e) { body = {}; }
  return { status: response.status, body };
}

function show(section) {
  for (const id of ["signin", "code", "queue"]) $(id).hidden = id !== section;
  $("sessions-box").hidden = section !== "queue";
}

function el(tag, text, className) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = text;
  if (className) e.className = className;
  return e;
}

// A string from escortd: {shown, hidden}.
function shown(v) { return v ? v.shown : ""; }
function hiddenCount(item) {
  let n = 0;
  const count = (v) => { if (v && typeof v.hidden === "number") n += v.hidden; };
  for (const key of ["cwd", "account", "typed_line", "program", "identity", "summary", "script", "script_path"]) count(item[key]);
  for (const list of [item.argv, item.ancestry, item.env]) (list || []).forEach(count);
  return n;
}

function row(dl, label, value) {
  if (!value) return;
  dl.append(el("dt", label), el("dd", value));
}

function details(item) {
  const dl = el("dl");
  const words = el("ol", null, "argv");
  for (const word of item.argv) words.append(el("li", shown(word)));
  dl.append(el("dt", "Command, word by word"));
  const dd = el("dd");
  dd.append(words);
  dl.append(dd);
  row(dl, "In folder", shown(item.cwd));
  row(dl, "Runs as account", shown(item.account));
  row(dl, "Real program", shown(item.identity));
  row(dl, "Line the operator typed", shown(item.typed_line));
  row(dl, "Started by", item.ancestry.map(shown).join(" \u2190 "));
  row(dl, "Operator", `${shown(item.operator)} on ${shown(item.host)}`);
  if (item.change) row(dl, "Change", `${shown(item.change.kind)} ${shown(item.change.path)} ${shown(item.change.path2)}`.trim());
  if (shown(item.script_path)) row(dl, "File it runs", shown(item.script_path));
  return dl;
}

function findings(item) {
  const list = el("ul", null, "findings");
  for (const f of item.findings) {
    const li = el("li");
    li.append(el("span", shown(f.text)));
    if (shown(f.why)) li.append(el("div", "Why it matters: " + shown(f.why)));
    if (shown(f.undo)) li.append(el("div", "Undo: " + shown(f.undo)));
    if (shown(f.ask)) li.append(el("div", "Ask the operator: " + shown(f.ask), "ask"));
    list.append(li);
  }
  return list;
}

function labelled(text, input) {
  const label = el("label", text + " ");
  label.append(input);
  return label;
}

function actions(item) {
  const box = el("div", null, "actions");
  if (!can("escort")) {
    box.append(el("p", "Only an escort can approve or deny this.", "result"));
    return box;
  }
  const scope = el("select", null, "scope");
  for (const [value, text] of [["once", "Only this once"], ["tree", "This and what it starts"],
    ["session", "This exact command for the session"], ["path", "Changes under one folder"]]) {
    const o = el("option", text);
    o.value = value;
    scope.append(o);
  }
  const folder = el("input", null, "path");
  folder.placeholder = "folder (path scope)";
  const note = el("input", null, "note");
  note.placeholder = "note (why)";
  note.maxLength = 500;
  box.append(labelled("Scope", scope), labelled("Folder", folder), labelled("Note", note));
  let confirm = null;
  if (item.level === "critical") {
    confirm = el("input", null, "confirm");
    box.append(labelled(`Type the program's name (${shown(item.program)}) to approve`, confirm));
  }
  const approve = el("button", "Approve", "approve");
  const deny = el("button", "Deny", "deny");
  const result = el("p", "", "result");
  approve.type = deny.type = "button";
  const send = async (verb) => {
    const form = { id: String(item.id), verb, scope: scope.value, path: folder.value, note: note.value };
    if (confirm) form.confirm = confirm.value;
    const r = await api("/api/answer", form);
    result.textContent = r.status === 200 ? r.body.message : "Refused: " + (r.body.error || r.status);
    result.className = "result" + (r.status === 200 ? "" : " bad");
    if (r.status === 401) start();
  };
  approve.addEventListener("click", () => send("approve"));
  deny.addEventListener("click", () => send("deny"));
  box.append(approve, deny, result);
  return box;
}

function card(item) {
  const article = el("article", null, `item level-${item.level}`);
  article.id = `approval-${item.id}`;
  article.dataset.id = String(item.id);
  const head = el("p");
  head.append(el("span", LEVEL_WORDS[item.level] || item.level, "badge"), " ");
  const link = el("a", `approval ${item.id}`);
  link.href = `/approval/${item.id}`;
  head.append(link, ` \u2014 waiting since ${new Date(item.created * 1000).toLocaleTimeString()}`);
  article.append(head, el("p", shown(item.summary), "summary"));
  const hidden = hiddenCount(item);
  if (hidden) article.append(el("p", `!! ${hidden} hidden or control character${hidden === 1 ? "" : "s"} in this command, shown as codes. Ask the operator why.`, "hidden-warning"));
  article.append(findings(item), details(item));
  if (item.script && shown(item.script)) article.append(el("pre", shown(item.script).replaceAll("\\n", "\n"), "script"));
  article.append(actions(item));
  return article;
}

function sessionCard(s) {
  const article = el("article", null, "session");
  article.dataset.id = s.id;
  const op = shown(s.operator);
  const head = el("p");
  const link = el("a", "session");
  link.href = `/session/${encodeURIComponent(s.id)}`;
  head.append(link, " of ", el("strong", op), ` on ${shown(s.host)} — ${s.live ? "connected" : "away"} since ${new Date(s.started * 1000).toLocaleTimeString()}`);
  if (s.pending) head.append(`, ${s.pending} waiting`);
  article.append(head, el("p", s.argv.map(shown).join(" "), "session-argv"));
  const box = el("div", null, "actions");
  const note = el("input", null, "note");
  note.placeholder = "reason";
  note.maxLength = 500;
  const end = el("button", "End this session", "terminate");
  const lock = el("button", `Lock ${op} out everywhere`, "lock");
  const result = el("p", "", "result");
  end.type = lock.type = "button";
  const send = async (path, target) => {
    const r = await api(path, { target, note: note.value });
    result.textContent = r.status === 200 ? r.body.message : "Refused: " + (r.body.error || r.status);
    if (r.status === 401) start();
  };
  const watch = el("button", "Watch the screen", "watch");
  watch.type = "button";
  const screen = el("div", null, "screen");
  screen.hidden = true;
  watch.addEventListener("click", async () => {
    if (screens.has(s.id)) return;
    screens.set(s.id, null);
    screen.hidden = false;
    const source = await watchScreen(s.id, screen, (why) => {
      result.textContent = why;
      screens.delete(s.id);
    });
    if (screens.has(s.id)) screens.set(s.id, source);
    else source.close();
  });
  end.addEventListener("click", () => send("/api/terminate", s.id));
  lock.addEventListener("click", () => send("/api/lock", s.operator.shown));
  box.append(watch);
  if (can("escort") || can("owner")) box.append(labelled("Reason", note), end, lock);
  box.append(result);
  article.append(box, screen);
  return article;
}

async function refreshSessions() {
  const r = await api("/api/sessions");
  if (r.status !== 200) return;
  const box = $("sessions");
  const live = r.body.sessions.filter((s) => onlySession() === null || s.id === onlySession());
  const wanted = new Set(live.map((s) => s.id));
  for (const old of [...box.children]) {
    if (wanted.has(old.dataset.id)) continue;
    if (screens.get(old.dataset.id)) screens.get(old.dataset.id).close();
    screens.delete(old.dataset.id);
    old.remove();
  }
  const have = new Set([...box.children].map((c) => c.dataset.id));
  for (const s of live) if (!have.has(s.id)) box.append(sessionCard(s));
  $("session-count").textContent = `(${live.length})`;
  $("no-sessions").hidden = live.length !== 0;
}

// A browser plays sound only from an AudioContext a person's click or key
// started: it is made at the first one (signing in is one) and kept.
let audio = null;
function allowSound() {
  try {
    if (!audio) audio = new AudioContext();
    if (audio.state === "suspended") audio.resume();
  } catch (e) { /* no sound on this machine */ }
}
for (const name of ["pointerdown", "keydown"]) document.addEventListener(name, allowSound, { capture: true });

// Something new waits: a short tone, and a notification when allowed.
function ring(count) {
  try {
    if (!audio) audio = new AudioContext(); // without a click yet: silent until one
    const tone = audio.createOscillator();
    tone.frequency.value = 880;
    tone.connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + 0.25);
  } catch (e) { /* no sound on this machine */ }
  if (window.Notification && Notification.permission === "granted") {
    new Notification("escort", { body: `${count} waiting for an escort` });
  }
}

// A direct link: /approval/ID shows that item alone, /session/ID that
// session and what it has waiting. After signing in the page is still at
// the link, so it shows what was asked for.
function onlyOne() {
  const m = location.pathname.match(/^\/approval\/(\d+)$/);
  return m ? Number(m[1]) : null;
}
function onlySession() {
  const m = location.pathname.match(/^\/session\/([0-9a-f]+)$/);
  return m ? m[1] : null;
}
function linkedTo(item) {
  const one = onlyOne(), session = onlySession();
  if (one !== null) return item.id === one;
  return session === null || shown(item.session) === session;
}

// One look at a time, in order: an older answer arriving after a newer one
// must not take away what the newer one showed. A look asked for while one
// runs is made once it is done.
let looking = null;
let lookAgain = false;
function refresh() {
  if (looking) {
    lookAgain = true;
    return looking;
  }
  looking = look().finally(() => {
    looking = null;
    if (lookAgain) {
      lookAgain = false;
      refresh();
    }
  });
  return looking;
}

async function look() {
  const r = await api("/api/pending");
  if (r.status === 401) return start();
  if (r.status !== 200) return say(r.body.error || "escortd did not answer", true);
  const items = r.body.pending.filter(linkedTo);
  // Keep what the escort is typing: only cards that came or went change.
  const box = $("items");
  const wanted = new Set(items.map((i) => String(i.id)));
  for (const old of [...box.children]) if (!wanted.has(old.dataset.id)) old.remove();
  const have = new Set([...box.children].map((c) => c.dataset.id));
  for (const item of items) if (!have.has(String(item.id))) box.append(card(item));
  const ids = r.body.pending.map((i) => i.id);
  if (seen !== null && !$("queue").hidden && ids.some((id) => !seen.has(id))) ring(ids.length);
  seen = new Set(ids);
  $("count").textContent = `(${items.length})`;
  $("empty").hidden = items.length !== 0;
  $("only-one").hidden = onlyOne() === null && onlySession() === null;
  $("only-what").textContent = onlyOne() !== null ? "Showing one approval." : "Showing one session.";
  await refreshSessions();
}

function listen() {
  if (events) events.close();
  events = new EventSource("/api/events");
  events.addEventListener("queue", refresh);
  events.addEventListener("signed-out", () => { events.close(); events = null; start(); });
  // A stream escortd refused (or lost for good) is not retried by the browser: start over.
  events.addEventListener("error", () => {
    if (events && events.readyState === EventSource.CLOSED) setTimeout(start, 2000);
  });
}

function enter(me) {
  csrf = me.csrf;
  roles = me.roles || [];
  $("unlock-box").hidden = !(can("escort") || can("owner"));
  $("audit-link").hidden = !can("auditor");
  $("who").hidden = me.stage !== "in";
  const hosts = me.hosts ? `, owner of ${me.hosts.join(", ")}` : "";
  $("who-name").textContent = me.user ? `${me.user} (${(me.roles || []).join(", ")}${me.clearance ? ", cleared for " + me.clearance : ""}${hosts})` : "";
  if (me.stage === "in") {
    show("queue");
    // An owner answers nothing: the queue is not theirs to see (escortd
    // lists only their hosts' items anyway).
    $("queue").hidden = !(can("escort") || can("auditor"));
    seen = null;
    listen();
    refresh();
  } else if (me.stage === "enrol" || me.stage === "totp") {
    show("code");
    $("enrol").hidden = me.stage !== "enrol";
    if (me.stage === "enrol") {
      $("qr").src = "/api/enrol.svg?" + Date.now();
      $("otpauth").textContent = me.otpauth;
    }
    $("code-input").focus();
  } else {
    show("signin");
    $("user").focus();
  }
}

async function start() {
  if (events) { events.close(); events = null; }
  const r = await api("/api/me");
  if (r.status !== 200) return say(r.body.error || "escortd did not answer", true);
  enter(r.body);
}

$("signin-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  say("Checking\u2026");
  const r = await api("/api/signin", { user: $("user").value, password: $("password").value });
  $("password").value = "";
  if (r.status !== 200) return say(r.body.error || "refused", true);
  say("");
  enter(r.body);
});

$("code-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const r = await api("/api/code", { code: $("code-input").value });
  $("code-input").value = "";
  if (r.status !== 200) {
    say(r.body.error || "refused", true);
    if (r.status === 403 && /sign in again/.test(r.body.error || "")) start();
    return;
  }
  say("");
  enter(r.body);
});

$("notify").addEventListener("click", () => {
  if (window.Notification) Notification.requestPermission();
});

$("unlock-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const r = await api("/api/unlock", { target: $("unlock-user").value });
  $("unlock-result").textContent = r.status === 200 ? r.body.message : "Refused: " + (r.body.error || r.status);
});

$("signout").addEventListener("click", async () => {
  await api("/api/signout", {});
  say("Signed out.");
  start();
});

keepAwake(() => csrf);
start();
