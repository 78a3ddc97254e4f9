// The auditor's page: past sessions filtered and searched, the verify
// result of each log, and the replay (asciinema-player) beside the exec
// and decision timeline. escortd decides who may see any of it (auditors
// only); everything from a session is put on the page with textContent,
// already in its visible form (escape sequences, bidirectional and
// invisible characters shown as codes by escortd).

import { keepAwake } from "./awake.js";

const $ = (id) => document.getElementById(id);
let player = null;
let clock = null;

const LEVEL_WORDS = {
  "": "no exec rated", info: "Information only", low: "Low risk", medium: "Medium risk",
  high: "HIGH RISK", critical: "CRITICAL RISK",
};

function say(text, bad) {
  $("message").textContent = text;
  $("message").className = bad ? "bad" : "";
}

function el(tag, text, className) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = text;
  if (className) e.className = className;
  return e;
}

// {shown, hidden} from escortd: the text, and a mark when it had to show codes.
function shownSpan(v, tag) {
  const span = el(tag || "span", v ? v.shown : "");
  if (v && v.hidden > 0) {
    const mark = el("span", ` [${v.hidden} hidden or control character${v.hidden > 1 ? "s" : ""} shown as codes]`, "hidden-mark");
    span.append(mark);
  }
  return span;
}

let csrf = "";

async function get(path) {
  const response = await fetch(path, { credentials: "same-origin" });
  let body = {};
  try { body = await response.json(); } catch (e) { body = {}; }
  return { status: response.status, body };
}

function seconds(input) {
  if (!input.value) return "";
  const t = new Date(input.value).getTime();
  return Number.isFinite(t) ? String(Math.floor(t / 1000)) : "";
}

function query() {
  const q = new URLSearchParams();
  const add = (name, value) => { if (value) q.set(name, value); };
  add("operator", $("f-operator").value);
  add("host", $("f-host").value);
  add("program", $("f-program").value);
  add("risk", $("f-risk").value);
  add("decision", $("f-decision").value);
  add("from", seconds($("f-from")));
  add("to", seconds($("f-to")));
  add("q", $("f-q").value);
  return q.toString();
}

function verifyLine(v) {
  if (v.intact) {
    const text = `log verified (${v.ending}, ${v.records} records, signed by escortd)`;
    return el("span", text, "verify-ok");
  }
  const span = el("span", `LOG FAILED VERIFICATION (${v.ending}): `, "verify-bad");
  span.append(shownSpan(v.problem));
  return span;
}

function when(seconds) {
  return new Date(seconds * 1000).toLocaleString();
}

function hitsList(hits) {
  const ol = el("ol", null, "hits");
  for (const h of hits) {
    const li = el("li");
    li.append(el("span", `${h.kind} at ${h.at.toFixed(1)} s`, "kind"), shownSpan(h.text));
    ol.append(li);
  }
  return ol;
}

function sessionCard(s) {
  const card = el("article", null, `past level-${s.risk || "none"}`);
  card.id = `past-${s.id}`;
  card.dataset.id = s.id;
  const title = el("h3");
  title.append(shownSpan(s.operator), el("span", " on "), shownSpan(s.host),
    el("span", `, ${when(s.started)} to ${when(s.ended)}`));
  card.append(title);
  const facts = el("p");
  facts.append(el("span", LEVEL_WORDS[s.risk] || s.risk, "badge"), el("span", " "), verifyLine(s.verify));
  card.append(facts);
  if (s.end_reason && s.end_reason.shown) {
    const p = el("p", "Ended: ");
    p.append(shownSpan(s.end_reason));
    card.append(p);
  }
  if (s.hits && s.hits.length) card.append(hitsList(s.hits));
  const replay = el("button", "Replay", "replay");
  replay.type = "button";
  replay.addEventListener("click", () => openReplay(s));
  card.append(replay);
  return card;
}

// Searches can overlap (the first one at start, the auditor's own): only
// the latest one draws, so an older answer arriving late never replaces it.
let searches = 0;

async function search(event) {
  if (event) event.preventDefault();
  const mine = ++searches;
  $("results-box").dataset.asked = String(mine);
  const { status, body } = await get(`/api/audit/sessions?${query()}`);
  if (mine !== searches) return;
  if (status !== 200) {
    say(body.error || `escortd answered ${status}`, true);
    return;
  }
  say("");
  const list = body.sessions;
  $("results").replaceChildren(...list.map(sessionCard));
  $("result-count").textContent = `(${list.length}${list.length >= body.limit ? "+" : ""})`;
  $("no-results").hidden = list.length > 0;
  $("results-box").hidden = false;
  $("results-box").dataset.search = String(mine);
}

function timelineEntry(e) {
  const li = el("li", null, e.kind);
  li.dataset.at = String(e.at);
  li.append(el("span", `${e.at.toFixed(1)} s`, "when"));
  if (e.kind === "exec") {
    li.append(el("span", `${LEVEL_WORDS[e.level] || e.level}: `), shownSpan(e.text));
  } else {
    li.append(el("span", `${e.kind} `), shownSpan(e.action), el("span", " "), shownSpan(e.text));
  }
  li.addEventListener("click", () => seek(e.at));
  return li;
}

// The player keeps playing, or stays paused, at the entry's moment.
async function seek(at) {
  if (!player) return;
  await loaded(player);
  await player.seek(at);
  $("player-time").textContent = at.toFixed(1);
}

function startClock() {
  clearInterval(clock);
  clock = setInterval(async () => {
    if (!player) return;
    const t = await player.getCurrentTime();
    $("player-time").textContent = (t || 0).toFixed(1);
  }, 250);
}

async function openReplay(s) {
  const { status, body } = await get(`/api/audit/session?id=${encodeURIComponent(s.id)}`);
  if (status !== 200) {
    say(body.error || `escortd answered ${status}`, true);
    return;
  }
  $("replay-title").replaceChildren(shownSpan(s.operator), el("span", " on "), shownSpan(s.host));
  $("replay-verify").replaceChildren(verifyLine(body.verify));
  $("timeline").replaceChildren(...body.timeline.map(timelineEntry));
  if (player) player.dispose();
  $("player").replaceChildren();
  // No idle-time limit: the player's clock is the recording's, as the timeline's.
  player = window.AsciinemaPlayer.create(`/api/audit/cast?id=${encodeURIComponent(s.id)}`,
    $("player"), { fit: "width", preload: true, controls: true });
  $("replay-box").hidden = false;
  $("replay-box").dataset.id = s.id;
  delete $("replay-box").dataset.duration;
  startClock();
  const duration = await loaded(player);
  if (duration !== undefined) $("replay-box").dataset.duration = duration.toFixed(3);
}

// The recording's length, once the player has loaded it (undefined before).
async function loaded(p) {
  for (let i = 0; i < 300 && p === player; i++) {
    const d = await p.getDuration();
    if (typeof d === "number") return d;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return undefined;
}

async function start() {
  const { status, body } = await get("/api/me");
  if (status !== 200 || body.stage !== "in") {
    $("not-in").hidden = false;
    return;
  }
  csrf = body.csrf;
  $("who-name").textContent = body.user;
  $("who").hidden = false;
  if (!(body.roles || []).includes("auditor")) {
    say("Past sessions are for auditors: your account is not one in escortd's configuration.", true);
    return;
  }
  $("search-box").hidden = false;
  $("filters").addEventListener("submit", search);
  await search();
}

keepAwake(() => csrf);
start();
