// The walkthrough: each scenario is one fetch() exactly as an application
// would write it, against a correct or a misconfigured endpoint. The
// scenarios come from the server (/config.json), which also predicts each
// one with corskit's browser model (/predict/ID): the page shows the
// prediction, then what this browser actually did.
"use strict";

// token proves to the server that a call comes from this page (see
// /config.json); other sites cannot read it.
let token = "";

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  Object.assign(e, attrs || {});
  for (const c of children) e.append(c);
  return e;
}

function init(s) {
  const i = {};
  if (s.method) i.method = s.method;
  if (s.headers) i.headers = Object.fromEntries(s.headers.map((h) => [h.Name, h.Value]));
  if (s.body) i.body = s.body;
  if (s.credentials) i.credentials = s.credentials;
  return i;
}

function render(list) {
  const main = document.getElementById("scenarios");
  list.forEach((s, i) => {
    const outcome = el("div", { className: "outcome" }, "not run yet");
    const prediction = el("div", { className: "prediction" }, "corskit's model: predicting…");
    const agreement = el("div", { className: "agreement" });
    const run = el("button", { className: "run" }, "Run");
    run.addEventListener("click", () => runScenario(s));
    const code = `fetch(${JSON.stringify(s.url)}, ${JSON.stringify(init(s), null, 1).replace(/\n\s*/g, " ")})`;
    const section = el("section", {},
      el("h2", {}, `${i + 1}. ${s.title}`, el("span", { className: "tag" }, s.tag)),
      el("p", {}, s.explain), el("pre", {}, code), prediction, run, outcome, agreement);
    section.dataset.scenario = s.id;
    main.append(section);
    Object.assign(s, { outcomeEl: outcome, predictionEl: prediction, agreementEl: agreement });
    predict(s);
  });
}

const engines = ["chromium", "firefox", "webkit"];

// predict shows what corskit's model says each engine does, and why, and
// which prediction this browser will be compared with.
async function predict(s) {
  const p = s.predictionEl;
  try {
    const rep = await (await fetch("/predict/" + s.id, { headers: { "X-Corskit-Token": token } })).json();
    const by = rep.browsers;
    const mine = by[visitor.name];
    s.predicted = mine.verdict;
    p.dataset.verdict = mine.verdict;
    const agree = engines.every((e) => by[e].verdict === by.chromium.verdict && by[e].preflight_sent === by.chromium.preflight_sent);
    p.dataset.agree = String(agree);
    p.textContent = "";
    p.append(agree ? `corskit's model predicts: ${by.chromium.verdict} in every engine`
      : "corskit's model predicts: the engines disagree");
    const list = el("ul", { className: "engines" });
    for (const e of engines) {
      const li = el("li", {}, `${engineTitles[e]}: ${by[e].verdict}${by[e].preflight_sent ? " (after a preflight)" : ""}`);
      li.dataset.engine = e;
      li.dataset.verdict = by[e].verdict;
      if (e === visitor.name) {
        li.dataset.visitor = "true";
        li.append(el("span", { className: "yours" }, " ← your browser"));
      }
      list.append(li);
    }
    p.append(list);
    const d = el("details", {}, el("summary", {}, mine.verdict === "blocked" ? "why, and the fix" : "what the browser does"));
    for (const e of engines) {
      // Each predicted line is a .line of its own, and the TypeError's
      // message a .type-error: the tests read them back and hold them to
      // what the engine really prints.
      const c = el("div", { className: "console" }, el("b", {}, `${engineTitles[e]} console: `));
      c.dataset.engine = e;
      by[e].console.forEach((l, i) => { if (i) c.append(el("br")); c.append(el("span", { className: "line" }, l)); });
      if (!by[e].console.length) c.append("(no console line)");
      if (by[e].type_error) c.append(el("br"), "fetch() rejects with TypeError: ", el("span", { className: "type-error" }, by[e].type_error));
      d.append(c);
    }
    const steps = el("ol", {});
    for (const st of mine.diagnosis.steps) steps.append(el("li", {}, st));
    d.append(el("p", {}, `What ${engineTitles[visitor.name]} does, step by step:`), steps);
    // Fixes from every engine that blocks, once each: a server must
    // satisfy all three.
    const seen = new Set();
    for (const e of engines) for (const f of by[e].fixes) {
      const line = f.header && f.value ? `On the ${f.response} response: ${f.header}: ${f.value}. ` : "";
      const text = "Fix: " + line + f.text + (f.config ? ` (cors.Config: ${f.config})` : "");
      if (seen.has(text)) continue;
      seen.add(text);
      d.append(el("p", { className: "fix" }, text));
    }
    p.append(d);
  } catch (err) {
    p.textContent = "prediction failed: " + err;
    p.closest("section").dataset.predictionFailed = "true";
  }
  compare(s);
}

// compare marks whether this browser did what the model predicted for its
// engine.
function compare(s) {
  const seen = s.outcomeEl.dataset.outcome;
  if (!seen || !s.predicted) {
    reportWhenSettled();
    return;
  }
  const match = seen === s.predicted;
  const name = engineTitles[visitor.name];
  s.agreementEl.dataset.match = String(match);
  s.agreementEl.dataset.engine = visitor.name;
  s.agreementEl.textContent = match ? `✓ this browser did what the model predicted for ${name}`
    : `✗ this browser and the model's prediction for ${name} disagree`;
  reportWhenSettled();
}

// summary is what the page shows, read back from the page itself: the
// visitor's engine and, for each scenario, what this browser did, each
// engine's predicted verdict and console lines, and the comparison.
function summary() {
  const v = document.getElementById("visitor-engine");
  return {
    engine: v.dataset.engine, label: v.textContent,
    scenarios: [...document.querySelectorAll("section[data-scenario]")].map((sec) => {
      const out = sec.querySelector(".outcome").dataset;
      const agreement = sec.querySelector(".agreement").dataset;
      const lis = [...sec.querySelectorAll(".engines li")];
      return {
        id: sec.dataset.scenario, url: scenarioURLs[sec.dataset.scenario] || "",
        outcome: out.outcome || "", error: out.error || "",
        match: agreement.match || "", compared: agreement.engine || "",
        engines: lis.map((li) => li.dataset.engine), verdicts: lis.map((li) => li.dataset.verdict),
        visitor: lis.filter((li) => li.dataset.visitor).map((li) => li.dataset.engine),
        console: Object.fromEntries([...sec.querySelectorAll(".prediction .console")].map((c) =>
          [c.dataset.engine, [...c.querySelectorAll(".line")].map((l) => l.textContent)])),
        typeError: Object.fromEntries([...sec.querySelectorAll(".prediction .console")].map((c) =>
          [c.dataset.engine, c.querySelector(".type-error")?.textContent || ""])),
      };
    }),
  };
}

const scenarioURLs = {};
let reported = false;

// reportWhenSettled writes summary() to the console once, when a "Run all"
// has finished and every scenario is compared (or its prediction failed):
// one line, "corskit demo: " and JSON. It repeats what the page already
// shows, for a browser that gives a test no way to read the page but its
// console (WebKitGTK's MiniBrowser writes it on standard error).
function reportWhenSettled() {
  if (reported || document.body.dataset.done !== "true") return;
  const all = [...document.querySelectorAll("section[data-scenario]")];
  if (!all.every((sec) => sec.querySelector(".agreement").dataset.match || sec.dataset.predictionFailed)) return;
  reported = true;
  console.info("corskit demo: " + JSON.stringify(summary()));
}

async function runScenario(s) {
  const out = s.outcomeEl;
  out.textContent = "running…";
  delete out.dataset.outcome;
  try {
    const res = await fetch(s.url, init(s));
    const body = await res.text();
    let text = `allowed: ${res.status} ${body.trim()}`;
    if (s.readHeader) text += ` (${s.readHeader}: ${res.headers.get(s.readHeader)})`;
    out.textContent = text;
    out.dataset.status = res.status;
    out.dataset.body = body;
    out.dataset.outcome = "allowed";
  } catch (err) {
    out.textContent = `blocked: ${err} (the reason is in the DevTools console)`;
    out.dataset.error = String(err);
    out.dataset.outcome = "blocked";
  }
  compare(s);
}

async function main() {
  const cfg = await (await fetch("/config.json")).json();
  token = cfg.token;
  document.getElementById("page-origin").textContent = location.origin;
  const v = document.getElementById("visitor-engine");
  v.textContent = visitor.label;
  v.dataset.engine = visitor.known ? visitor.name : "";
  document.getElementById("api-origin").textContent = cfg.api;
  const list = cfg.scenarios;
  for (const s of list) scenarioURLs[s.id] = s.url;
  render(list);
  const runAll = async () => {
    for (const s of list) await runScenario(s);
    document.body.dataset.done = "true";
    reportWhenSettled();
  };
  document.getElementById("run-all").addEventListener("click", runAll);
  document.body.dataset.ready = "true";
  // Opened as …/#run-all, the page presses "Run all" itself: a browser
  // driven without a remote protocol (the WebKit test) cannot click. The
  // fragment never reaches the server, and the run is the one the button
  // makes: the page's fixed calls to its own API.
  if (location.hash === "#run-all") runAll();
}

main();
