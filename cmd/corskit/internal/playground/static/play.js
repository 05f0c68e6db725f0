// The playground: predict with corskit's model (POST /api/check) in every
// engine, draw the exchanges of this browser's engine, then run the same
// fetch() for real and compare with that engine's prediction. engine.js,
// loaded first, says which engine this browser is (visitor).
"use strict";

const $ = (id) => document.getElementById(id);
let api = "";
// token proves to the server that a call comes from this page (see
// /config.json); other sites cannot read it.
let token = "";
// lastReport is the prediction the real run is compared with: this
// browser's engine's, or the Fetch Standard's when that model was chosen.
let lastReport = null;
const engines = ["chromium", "firefox", "webkit"];

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  Object.assign(e, attrs || {});
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

const presets = () => ({
  "simple-get": { url: api + "/api/good/hello", method: "GET", headers: "", credentials: "same-origin", body: "" },
  "preflight-put": { url: api + "/api/good/items/1", method: "PUT", credentials: "same-origin",
    headers: "Content-Type: application/json\nX-Demo-Token: s3cret", body: '{"name":"corskit"}' },
  "credentials": { url: api + "/api/good/me", method: "GET", headers: "", credentials: "include", body: "" },
  "bad-origin": { url: api + "/api/bad/hello", method: "GET", headers: "", credentials: "same-origin", body: "" },
  "bad-header": { url: api + "/api/bad/items/1", method: "PUT", credentials: "same-origin",
    headers: "Content-Type: application/json\nX-Demo-Token: s3cret", body: '{"name":"corskit"}' },
  "bad-credentials": { url: api + "/api/bad/me", method: "GET", headers: "", credentials: "include", body: "" },
  "client-hint": { url: api + "/api/bad/items/1", method: "GET", headers: "Device-Memory: 1", credentials: "same-origin", body: "" },
});

function form() {
  return { url: $("url").value, origin: $("origin").value, method: $("method").value, headers: $("headers").value,
    body: $("body").value, credentials: $("credentials").value, mode: $("mode").value, profile: $("profile").value,
    stack: $("stack").value };
}

function updateRunHint() {
  const same = $("origin").value.trim() === location.origin;
  $("run").disabled = !same;
  $("run-hint").textContent = same ? "" :
    `A real fetch() runs from this page, whose origin is ${location.origin}: set Origin to it to compare.`;
}

async function predict(ev) {
  if (ev) ev.preventDefault();
  $("error").hidden = true;
  const res = await fetch("/api/check", { method: "POST", headers: { "Content-Type": "application/json", "X-Corskit-Token": token }, body: JSON.stringify(form()) });
  const rep = res.headers.get("Content-Type") === "application/json" ? await res.json() : { error: await res.text() };
  if (!res.ok) {
    $("error").textContent = rep.error;
    $("error").hidden = false;
    $("result").hidden = true;
    return;
  }
  const by = rep.browsers || {};
  const mine = by[visitor.name] || by.spec || rep;
  lastReport = mine;
  renderEngines(by);
  render(withEveryFix(mine, by));
  document.body.dataset.predicted = "true";
}

// withEveryFix returns mine with the fixes other engines need added (once
// each, marked with the engines that need them): a server must satisfy all
// three. Only mine's own fixes mark headers in the diagram.
function withEveryFix(mine, by) {
  const key = (f) => [f.response, f.header, f.value, f.text].join("\0");
  const own = new Set(mine.fixes.map(key));
  const extra = new Map();
  for (const e of engines) {
    if (!by[e] || by[e] === mine) continue;
    for (const f of by[e].fixes) {
      if (own.has(key(f))) continue;
      const x = extra.get(key(f)) || Object.assign({}, f, { engines: [] });
      x.engines.push(engineTitles[e]);
      extra.set(key(f), x);
    }
  }
  return Object.assign({}, mine, { fixes: mine.fixes.map((f) => Object.assign({ own: true }, f)).concat([...extra.values()]) });
}

// renderEngines shows every engine's prediction: one verdict when they
// agree (each engine's console text a click away), else a table with a
// column per engine. This browser's engine is marked.
function renderEngines(by) {
  const box = $("engines");
  box.innerHTML = "";
  const names = engines.filter((e) => by[e]);
  if (names.length === 0) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  const preflight = (r) => r.preflight_sent ? "sent" : r.trace.some((t) => t.kind === "preflight-cache-hit") ? "cache hit" : "none";
  const agree = names.every((e) => by[e].verdict === by[names[0]].verdict && preflight(by[e]) === preflight(by[names[0]]));
  box.dataset.agree = String(agree);
  const consoleCell = (e) => {
    const c = el("div", { className: by[e].console.length ? "console" : "console quiet" });
    const lines = by[e].console.length ? by[e].console : [by[e].verdict === "allowed" ? "(no console line)" : "(no console line; TypeError: " + by[e].type_error + ")"];
    lines.forEach((l, i) => { if (i) c.append(el("br")); c.append(l); });
    return c;
  };
  const title = (e) => engineTitles[e] + (e === visitor.name ? " (yours)" : "");
  if (agree) {
    const v = by[names[0]].verdict;
    const head = el("p", { className: "every" }, el("span", { className: "verdict" }, v), " in every engine (" + names.map((e) => engineTitles[e]).join(", ") + ")");
    head.querySelector(".verdict").dataset.verdict = v;
    const d = el("details", {}, el("summary", {}, "Each engine's console"));
    for (const e of names) {
      const row = el("div", { className: "engine-console" }, el("b", {}, title(e) + ": "), consoleCell(e));
      row.dataset.engine = e;
      d.append(row);
    }
    box.append(head, d);
  } else {
    const table = el("table", { className: "engines" });
    const row = (label, cell) => {
      const tr = el("tr", {}, el("th", {}, label));
      for (const e of names) {
        const td = el("td", {}, cell(e));
        td.dataset.engine = e;
        if (e === visitor.name) td.className = "yours";
        tr.append(td);
      }
      return tr;
    };
    table.append(row("", (e) => title(e)),
      row("verdict", (e) => { const s = el("span", { className: "verdict" }, by[e].verdict); s.dataset.verdict = by[e].verdict; return s; }),
      row("preflight", (e) => preflight(by[e])),
      row("console", consoleCell));
    box.append(el("p", { className: "every" }, "The engines disagree:"), table);
  }
}

// failingIndex is the exchange where the browser stopped, or -1.
function failingIndex(rep) {
  const d = rep.diagnosis;
  if (rep.verdict !== "blocked") return -1;
  const kind = d.stopped_at === "preflight" ? "preflight" : (d.stopped_at === "actual" || d.stopped_at === "redirect") ? "request" : "";
  for (let i = rep.trace.length - 1; i >= 0; i--) if (rep.trace[i].kind === kind) return i;
  return -1;
}

const corsRequest = new Set(["origin", "access-control-request-method", "access-control-request-headers"]);
const isCORSResponse = (n) => n.startsWith("access-control-") || n === "vary";

function headerList(h, classify, extra) {
  const ul = el("ul", { className: "hdrs" });
  for (const name of Object.keys(h || {}).sort()) {
    for (const v of h[name]) ul.append(el("li", { className: classify(name.toLowerCase()) }, `${name}: ${v}`));
  }
  for (const x of extra || []) ul.append(x);
  return ul;
}

function render(rep) {
  $("result").hidden = false;
  const model = rep.request.profile;
  $("for-engine").textContent = model === "spec" ? "Prediction of the Fetch Standard" :
    `Prediction for ${engineTitles[model]}` + (model === visitor.name && visitor.known ? ", your browser:" : ":");
  $("for-engine").dataset.engine = model;
  $("verdict").textContent = rep.verdict;
  $("verdict").dataset.verdict = rep.verdict;
  $("message").textContent = rep.message;
  const d = rep.diagnosis;
  $("concept-sop").hidden = !d.cross_origin;
  const pf = $("concept-preflight");
  if (d.cross_origin && rep.request.mode === "cors") {
    pf.hidden = false;
    pf.innerHTML = "";
    pf.append(el("b", {}, d.preflight_needed ? "Preflighted request. " : "Simple request. "),
      d.preflight_needed
        ? "Before sending it, the browser asks permission with an OPTIONS request, because " + d.preflight_why.join("; ") + "."
        : "GET, HEAD or POST with only safelisted headers is sent at once, as an HTML form could; the answer is then checked.");
  } else pf.hidden = true;

  const fail = failingIndex(rep);
  const fixesFor = (kind) => rep.fixes.filter((f) => f.own && f.response === kind && f.header);
  const diagram = $("diagram");
  diagram.innerHTML = "";
  const host = (() => { try { return new URL(rep.request.url).host; } catch { return "server"; } })();
  diagram.append(el("div", { className: "lanes" }, el("div", {}, `Browser (page ${rep.request.origin})`), el("div", {}, `Server (${host})`)));
  rep.trace.forEach((e, i) => {
    if (e.kind === "preflight-cache-hit") {
      diagram.append(el("div", { className: "msg cache" }, "preflight cache hit: no OPTIONS sent"));
      return;
    }
    const path = (() => { try { const u = new URL(e.url); return u.host === host ? u.pathname + u.search : e.url; } catch { return e.url; } })();
    diagram.append(el("div", { className: "msg req" },
      el("div", { className: "arrow" }, `${e.method} ${path}  (${e.kind}${e.credentials ? ", with credentials" : ""})`),
      headerList(e.request_headers, (n) => corsRequest.has(n) ? "cors" : "plain")));
    if (e.error) { diagram.append(el("div", { className: "msg resp" }, el("div", { className: "arrow" }, "network error: " + e.error))); return; }
    const bad = new Set(i === fail ? fixesFor(e.kind === "preflight" ? "preflight" : "actual").map((f) => f.header.toLowerCase()) : []);
    const missing = [];
    if (i === fail) for (const f of fixesFor(e.kind === "preflight" ? "preflight" : "actual")) {
      if (!Object.keys(e.response_headers || {}).some((n) => n.toLowerCase() === f.header.toLowerCase()))
        missing.push(el("li", { className: "bad" }, `missing ${f.header}: ${f.value}`));
    }
    const resp = el("div", { className: "msg resp" },
      el("div", { className: "arrow" }, `${e.status}`),
      headerList(e.response_headers, (n) => bad.has(n) ? "bad" : isCORSResponse(n) ? (i === fail ? "cors" : "good") : "plain", missing));
    resp.dataset.exchange = i;
    diagram.append(resp);
  });

  const fixes = $("fixes");
  fixes.innerHTML = "";
  $("fixes-box").hidden = rep.fixes.length === 0;
  for (const f of rep.fixes) {
    const li = el("li", {});
    if (f.engines) li.append(el("b", {}, `For ${f.engines.join(" and ")}: `));
    if (f.header && f.value) li.append(`On the ${f.response} response: `, el("span", { className: "fixline" }, `${f.header}: ${f.value}`), el("br"));
    li.append(f.text);
    if (f.config) li.append(el("br"), el("span", { className: "muted" }, "corskit cors.Config: " + f.config));
    if (f.security) li.append(el("br"), el("span", { className: "security" }, "Security: " + f.security));
    fixes.append(li);
  }
  const warnings = $("warnings");
  warnings.innerHTML = "";
  $("warnings-box").hidden = rep.warnings.length === 0;
  for (const w of rep.warnings) warnings.append(el("li", {}, el("b", {}, w.id + ": "), w.text));
  renderStack(rep);
  const steps = $("steps");
  steps.innerHTML = "";
  for (const s of d.steps) steps.append(el("li", {}, s));
  $("real-box").hidden = true;
}

// renderStack shows the fixes in the server stack's own configuration,
// as check --stack prints them.
function renderStack(rep) {
  const changes = rep.fixes.filter((f) => f.stack).map((f) => f.stack);
  const box = $("stack-box");
  box.hidden = !rep.stack || rep.fixes.length === 0;
  if (box.hidden) return;
  $("stack-title").textContent = "In " + rep.stack.title;
  const ul = $("stack-changes");
  ul.innerHTML = "";
  for (const c of changes) ul.append(el("li", {}, c.text));
  const last = changes[changes.length - 1];
  $("stack-snippet").textContent = last ? last.snippet : "No CORS setting to change: the fix above is where the CORS code runs.";
  const pf = $("stack-pitfalls");
  pf.innerHTML = "";
  for (const p of (last && last.pitfalls) || []) pf.append(el("li", { className: "security" }, p.text));
  const st = rep.stack;
  $("stack-note").textContent = st.confidence === "chosen" ? (last ? last.provenance : "")
    : st.assumed ? `Assumed ${st.name} (${st.confidence} confidence${st.evidence ? ", from " + st.evidence.join("; ") : ""}): pick yours above.`
    : `Detected ${st.name} from ${st.evidence.join("; ")}.`;
}

// pasteFill turns a DevTools copy into the form's fields (POST /api/devtools).
async function pasteFill() {
  $("error").hidden = true;
  const res = await fetch("/api/devtools", { method: "POST", headers: { "Content-Type": "application/json", "X-Corskit-Token": token },
    body: JSON.stringify({ text: $("paste").value }) });
  const r = res.headers.get("Content-Type") === "application/json" ? await res.json() : { error: await res.text() };
  if (!res.ok) {
    $("error").textContent = r.error;
    $("error").hidden = false;
    return;
  }
  for (const k of ["url", "method", "headers", "body"]) $(k).value = r[k] || "";
  if (r.credentials) $("credentials").value = r.credentials;
  if (r.mode) $("mode").value = r.mode;
  if (r.origin) $("origin").value = r.origin;
  $("paste-notes").textContent = (r.origin ? "" : "The copy shows no Origin or Referer: set the page's origin below. ") + r.notes.join(" ");
  updateRunHint();
  lastReport = null;
}

async function runReal() {
  const f = form();
  const init = { method: f.method, mode: f.mode, credentials: f.credentials, headers: [] };
  for (const line of f.headers.split("\n")) {
    const i = line.indexOf(":");
    if (i > 0) init.headers.push([line.slice(0, i).trim(), line.slice(i + 1).trim()]);
  }
  if (f.body && f.method !== "GET" && f.method !== "HEAD") init.body = f.body;
  if (!lastReport) await predict();
  const real = $("real");
  try {
    const res = await fetch(f.url, init);
    await res.text();
    real.textContent = `allowed: status ${res.status}, type ${res.type}, readable headers: ${[...res.headers.keys()].join(", ") || "none"}`;
    real.dataset.outcome = "allowed";
  } catch (err) {
    real.textContent = `blocked: ${err} (${engineTitles[visitor.name]}'s reason is in the DevTools console)`;
    real.dataset.outcome = "blocked";
  }
  const match = lastReport && real.dataset.outcome === lastReport.verdict;
  const model = lastReport ? lastReport.request.profile : visitor.name;
  const what = model === "spec" ? "the Fetch Standard" : engineTitles[model];
  $("agreement").textContent = `Compared with the prediction for ${what}: ` +
    (match ? "this browser did what the model predicted." : "this browser and the model disagree" + (model === "spec" ? "." : ": please report it."));
  $("agreement").dataset.match = String(!!match);
  $("agreement").dataset.engine = model;
  $("real-box").hidden = false;
  document.body.dataset.ran = "true";
}

function applyPreset(name) {
  const p = presets()[name];
  for (const k of Object.keys(p)) $(k).value = p[k];
  $("origin").value = location.origin;
  updateRunHint();
  lastReport = null;
  delete document.body.dataset.predicted;
  delete document.body.dataset.ran;
}

async function main() {
  const v = $("visitor-engine");
  v.textContent = visitor.label;
  v.dataset.engine = visitor.known ? visitor.name : "";
  const cfg = await (await fetch("/config.json")).json();
  api = cfg.api;
  token = cfg.token;
  for (const s of cfg.stacks || []) $("stack").append(el("option", { value: s.name }, s.title));
  $("paste-fill").addEventListener("click", pasteFill);
  document.querySelectorAll("[data-preset]").forEach((b) => b.addEventListener("click", () => applyPreset(b.dataset.preset)));
  $("form").addEventListener("submit", predict);
  $("run").addEventListener("click", runReal);
  $("origin").addEventListener("input", updateRunHint);
  applyPreset("preflight-put");
  document.body.dataset.ready = "true";
}

main();
