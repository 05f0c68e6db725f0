// The walkthrough: each scenario is one fetch() exactly as an application
// would write it, against a correct or a misconfigured endpoint.
"use strict";

const scenarios = (api) => [
  {
    id: "same-origin", title: "Same-origin GET", tag: "no CORS at all",
    explain: "The page calls its own origin. The same-origin policy has nothing to check: no Origin " +
      "header matters, no CORS header is needed.",
    url: "/same/hello", init: {},
  },
  {
    id: "simple-get", title: "Simple cross-origin GET", tag: "no preflight",
    explain: "A GET with no custom header is a 'simple' request: the browser sends it at once with an " +
      "Origin header, then lets the page read the answer only because it carries " +
      "Access-Control-Allow-Origin naming this page's origin. X-Request-Id is readable because the API " +
      "lists it in Access-Control-Expose-Headers.",
    url: api + "/api/good/hello", init: {}, readHeader: "X-Request-Id",
  },
  {
    id: "preflight-put", title: "Preflighted PUT with JSON and a custom header", tag: "preflight",
    explain: "PUT, Content-Type: application/json and X-Demo-Token are things a plain HTML form cannot " +
      "send, so the browser first asks permission with an OPTIONS preflight. The API counts preflights; " +
      "the count in the answer shows that one happened, although JavaScript never sees it.",
    url: api + "/api/good/items/1",
    init: { method: "PUT", headers: { "Content-Type": "application/json", "X-Demo-Token": "s3cret" },
            body: JSON.stringify({ name: "corskit" }) },
  },
  {
    id: "credentials", title: "Credentialed GET", tag: "credentials: 'include'",
    explain: "With credentials the browser sends cookies, and demands more of the answer: " +
      "Access-Control-Allow-Origin must name the origin (never *) and Access-Control-Allow-Credentials " +
      "must be exactly true.",
    url: api + "/api/good/me", init: { credentials: "include" },
  },
  {
    id: "bad-origin", title: "Simple GET, wrong allowed origin", tag: "misconfigured",
    explain: "The API only allows http://localhost:3000, the origin of a development server, not this page.",
    url: api + "/api/bad/hello", init: {}, expectBlocked: true,
    why: "No 'Access-Control-Allow-Origin' header is present on the requested resource.",
  },
  {
    id: "bad-header", title: "Preflighted PUT, custom header not allowed", tag: "misconfigured",
    explain: "The API allows this origin and PUT, and Content-Type, but nobody added X-Demo-Token to its " +
      "allowed headers. The preflight answer lists what is allowed, so the browser names the culprit.",
    url: api + "/api/bad/items/1",
    init: { method: "PUT", headers: { "Content-Type": "application/json", "X-Demo-Token": "s3cret" },
            body: JSON.stringify({ name: "corskit" }) },
    expectBlocked: true,
    why: "Request header field x-demo-token is not allowed by Access-Control-Allow-Headers in preflight response.",
  },
  {
    id: "bad-credentials", title: "Credentialed GET, credentials not allowed", tag: "misconfigured",
    explain: "The API allows this origin but never enabled credentials, so its answer lacks " +
      "Access-Control-Allow-Credentials: true. The same call without credentials would succeed.",
    url: api + "/api/bad/me", init: { credentials: "include" }, expectBlocked: true,
    why: "The value of the 'Access-Control-Allow-Credentials' header in the response is '' which must be " +
      "'true' when the request's credentials mode is 'include'.",
  },
];

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  Object.assign(e, attrs || {});
  for (const c of children) e.append(c);
  return e;
}

function render(list) {
  const main = document.getElementById("scenarios");
  list.forEach((s, i) => {
    const outcome = el("div", { className: "outcome" }, "not run yet");
    const run = el("button", { className: "run" }, "Run");
    run.addEventListener("click", () => runScenario(s, outcome));
    const code = `fetch(${JSON.stringify(s.url)}, ${JSON.stringify(s.init, null, 1).replace(/\n\s*/g, " ")})`;
    const section = el("section", {},
      el("h2", {}, `${i + 1}. ${s.title}`, el("span", { className: "tag" }, s.tag)),
      el("p", {}, s.explain), el("pre", {}, code), run, outcome);
    section.dataset.scenario = s.id;
    if (s.why) section.append(el("p", { className: "why" }, "The console says: " + s.why));
    main.append(section);
    s.outcomeEl = outcome;
  });
}

async function runScenario(s, out) {
  out.textContent = "running…";
  delete out.dataset.outcome;
  try {
    const res = await fetch(s.url, s.init);
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
}

async function main() {
  const cfg = await (await fetch("/config.json")).json();
  document.getElementById("page-origin").textContent = location.origin;
  document.getElementById("api-origin").textContent = cfg.api;
  const list = scenarios(cfg.api);
  render(list);
  document.getElementById("run-all").addEventListener("click", async () => {
    for (const s of list) await runScenario(s, s.outcomeEl);
    document.body.dataset.done = "true";
  });
  document.body.dataset.ready = "true";
}

main();
