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

// predict shows what corskit's model says this browser will do, and why.
async function predict(s) {
  const p = s.predictionEl;
  try {
    const rep = await (await fetch("/predict/" + s.id, { headers: { "X-Corskit-Token": token } })).json();
    s.predicted = rep.verdict;
    p.dataset.verdict = rep.verdict;
    p.textContent = `corskit's model predicts: ${rep.verdict}`;
    const d = el("details", {}, el("summary", {}, rep.verdict === "blocked" ? "why, and the fix" : "what the browser does"));
    if (rep.message) d.append(el("p", { className: "console" }, "Console: " + rep.message));
    const steps = el("ol", {});
    for (const st of rep.diagnosis.steps) steps.append(el("li", {}, st));
    d.append(steps);
    for (const f of rep.fixes) {
      const line = f.header && f.value ? `On the ${f.response} response: ${f.header}: ${f.value}. ` : "";
      d.append(el("p", { className: "fix" }, "Fix: " + line + f.text + (f.config ? ` (cors.Config: ${f.config})` : "")));
    }
    p.append(d);
  } catch (err) {
    p.textContent = "prediction failed: " + err;
  }
  compare(s);
}

// compare marks whether the browser did what the model predicted.
function compare(s) {
  const seen = s.outcomeEl.dataset.outcome;
  if (!seen || !s.predicted) return;
  const match = seen === s.predicted;
  s.agreementEl.dataset.match = String(match);
  s.agreementEl.textContent = match ? "✓ the browser did what the model predicted" : "✗ the browser and the model disagree";
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
    out.dataset.outcome = "blocked";
  }
  compare(s);
}

async function main() {
  const cfg = await (await fetch("/config.json")).json();
  token = cfg.token;
  document.getElementById("page-origin").textContent = location.origin;
  document.getElementById("api-origin").textContent = cfg.api;
  const list = cfg.scenarios;
  render(list);
  document.getElementById("run-all").addEventListener("click", async () => {
    for (const s of list) await runScenario(s);
    document.body.dataset.done = "true";
  });
  document.body.dataset.ready = "true";
}

main();
