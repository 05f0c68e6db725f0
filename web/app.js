// The static page: reads the input, asks the model (corskit.js), renders
// the report (render.js). State lives in the URL fragment, which browsers
// never send to a server, so a link to a diagnosis can be shared.
(() => {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const R = globalThis.corskitRender;
  const fields = ["input", "f-origin", "f-as", "f-crossorigin", "f-with-credentials", "f-method", "f-url", "f-credentials", "f-mode",
    "f-body", "f-headers", "f-pre-status", "f-pre-headers", "f-act-status", "f-act-headers",
    "p-url", "p-csp", "p-csp-ro", "p-coep", "p-space", "p-cookies", "browser", "stack"];
  // Fields that a select shows with a default: a preset resets them to it.
  const defaults = { "f-as": "fetch", "f-crossorigin": "", "f-with-credentials": "", "f-credentials": "same-origin", "f-mode": "cors",
    "p-coep": "", "p-space": "", browser: "all", stack: "auto" };

  // What each request kind lets the page choose (check --as): fetch() its
  // method, headers, body, mode and credentials; XMLHttpRequest its
  // method, headers and body, and withCredentials (EventSource too); an
  // <img>, <script> or <link rel=stylesheet> its crossorigin attribute. The
  // rest is the kind's own, and the form hides it.
  const KIND_TAKES = {
    fetch: ["method", "mode"], xhr: ["method", "with-credentials"], eventsource: ["with-credentials"],
    img: ["crossorigin"], script: ["crossorigin"], module: ["crossorigin"], stylesheet: ["crossorigin"], font: [], websocket: [],
  };
  const takes = (what) => (KIND_TAKES[$("f-as").value] || []).includes(what);

  function showKind() {
    document.querySelectorAll("#form [data-for]").forEach((e) => { e.hidden = !takes(e.dataset.for); });
  }
  const MAX_FRAGMENT = 64 << 10; // a dropped HAR is not put in the URL

  function lines(text) {
    return text.split("\n").map((l) => l.trim()).filter(Boolean).map((l) => {
      const i = l.indexOf(":", 1); // ":authority" keeps its colon
      return i < 0 ? { name: l, value: "" } : { name: l.slice(0, i).trim(), value: l.slice(i + 1).trim() };
    });
  }

  function answer(statusId, headersId) {
    const s = $(statusId).value.trim();
    const h = $(headersId).value;
    if (!s && !h.trim()) return undefined;
    return { status: Number(s || 200), headers: lines(h) };
  }

  const nonEmpty = (id) => $(id).value.split("\n").map((l) => l.trim()).filter(Boolean);

  // The page's context (check's --page-* and --stored-cookie flags): the
  // gates a browser applies before CORS, and the cookies it holds.
  function pageContext(options) {
    const page = { url: $("p-url").value.trim(), csp: nonEmpty("p-csp"), csp_report_only: nonEmpty("p-csp-ro"), coep: $("p-coep").value,
      address_space: $("p-space").value };
    if (page.url || page.csp.length || page.csp_report_only.length || page.coep || page.address_space) options.page = page;
    const cookies = nonEmpty("p-cookies");
    if (cookies.length) options.stored_cookies = cookies;
  }

  // A HAR (or one entry) holds its own page and cookies.
  function isHAR(text) {
    try { const x = JSON.parse(text); return !!(x.log || x.response); } catch (e) { return false; }
  }

  // What to diagnose: the pasted text (its answers from the form), else
  // the exchange the form describes.
  function request() {
    const options = { browser: $("browser").value, stack: $("stack").value };
    const answers = { preflight: answer("f-pre-status", "f-pre-headers"), actual: answer("f-act-status", "f-act-headers") };
    const text = $("input").value;
    if (text.trim()) {
      if (!text.trim().startsWith("{")) {
        options.answers = answers;
        if ($("f-origin").value.trim()) options.origin = $("f-origin").value.trim();
      }
      if (!isHAR(text)) pageContext(options);
      return [text, options];
    }
    pageContext(options);
    const req = { url: $("f-url").value.trim(), origin: $("f-origin").value.trim() };
    // Only what the kind lets the page choose: the rest is the kind's own.
    if ($("f-as").value !== "fetch") req.as = $("f-as").value;
    if (takes("method")) Object.assign(req, { method: $("f-method").value.trim() || "GET", headers: lines($("f-headers").value), body: $("f-body").value });
    if (takes("mode")) Object.assign(req, { credentials: $("f-credentials").value, mode: $("f-mode").value });
    if (takes("crossorigin") && $("f-crossorigin").value) req.crossorigin = $("f-crossorigin").value;
    if (takes("with-credentials") && $("f-with-credentials").value) req.with_credentials = true;
    return [{ request: req, preflight: answers.preflight, actual: answers.actual }, options];
  }

  function saveState() {
    const p = new URLSearchParams();
    for (const f of fields) {
      const v = $(f).value;
      if (v && !(f === "input" && v.length > MAX_FRAGMENT)) p.set(f, v);
    }
    history.replaceState(null, "", "#" + p.toString());
  }

  function loadState() {
    const p = new URLSearchParams(location.hash.slice(1));
    // "x" is an exchange handed over by the DevTools panel.
    if (p.has("x")) p.set("input", p.get("x"));
    let any = false;
    for (const f of fields) {
      if (p.has(f)) { $(f).value = p.get(f); any = true; }
    }
    return any;
  }

  async function copy(text) {
    try { await navigator.clipboard.writeText(text); $("status").textContent = "fix copied"; }
    catch (e) { $("status").textContent = "copy refused by the browser: select the text instead"; }
  }

  function summary(r) {
    return R.el("summary", {}, R.el("span", { class: "verdict " + r.verdict }, r.verdict.toUpperCase()),
      ` ${r.request.method} ${r.request.url}`, R.el("span", { class: "dim" }, ` (HAR entry ${r.har_entry})`));
  }

  function show(result) {
    const out = $("results");
    out.replaceChildren();
    if (result.requests) {
      out.append(R.el("p", {}, `${result.requests.length} cross-origin calls, ${result.blocked} blocked` +
        (result.skipped.length ? `, ${result.skipped.length} entries skipped` : "") + "."));
      result.requests.forEach((r, i) => out.append(R.el("details", { class: "call", open: i === 0 && result.requests.length === 1 || r.verdict !== "allowed" && i === result.requests.findIndex((x) => x.verdict !== "allowed") },
        summary(r), R.report(r, { onCopy: copy }))));
      for (const s of result.skipped) out.append(R.el("p", { class: "dim" }, `HAR entry ${s.har_entry} skipped: ${s.reason}`));
    } else {
      out.append(R.report(result, { onCopy: copy }));
    }
  }

  let runs = 0;
  async function run() {
    const [input, options] = request();
    if (options.page || options.stored_cookies) $("page").open = true;
    saveState();
    $("status").textContent = "diagnosing…";
    const t0 = performance.now();
    try {
      show(await corskit.diagnose(input, options));
      $("status").textContent = `diagnosed in ${Math.round(performance.now() - t0)} ms, ${corskit.send ? "by corskit serve" : "here"}`;
    } catch (e) {
      $("results").replaceChildren(R.el("p", { class: "error", "data-field": e.field || "" }, e.message));
      $("status").textContent = "";
    }
    // performance.now() counts from the navigation: the benchmarks read it.
    if (!runs) document.body.dataset.firstDiagnosisMs = String(performance.now());
    document.body.dataset.diagnosed = String(++runs);
  }

  // "Send it for real": only where the back end can send (corskit serve's
  // corskit.js defines send; the static page's does not). Returns the
  // report, or null.
  async function send() {
    const [input, options] = request();
    const out = $("sent");
    out.hidden = false;
    out.replaceChildren(R.el("p", { class: "dim" }, "sending from corskit serve…"));
    let r = null;
    try {
      r = await corskit.send(input, options);
      out.replaceChildren(R.el("h2", {}, "Sent for real from corskit serve"), R.report(r, { onCopy: copy }));
    } catch (e) {
      out.replaceChildren(R.el("p", { class: "error", "data-field": e.field || "" }, e.message));
    }
    document.body.dataset.sent = String(Number(document.body.dataset.sent || 0) + 1);
    return r;
  }

  // "Run it in this browser" (corskit serve only: the static page's CSP
  // lets it fetch nothing): the form's call, sent for real from corskit
  // serve for the model's verdict on what the server answers, then made
  // with fetch() from this page, in this browser, and the two compared for
  // this browser's engine (engine.js: visitor).
  async function runHere() {
    const real = $("real"), agreement = $("agreement");
    $("real-box").hidden = false;
    delete real.dataset.outcome;
    delete agreement.dataset.match;
    agreement.textContent = "";
    const done = () => { document.body.dataset.ran = String(Number(document.body.dataset.ran || 0) + 1); };
    const pageOrigin = $("f-origin").value.trim() || (() => { try { return new URL($("p-url").value).origin; } catch (e) { return ""; } })();
    // The page's context in the form must be this page's: its CSP, COEP
    // and cookies are not the ones typed.
    const context = ["p-csp", "p-csp-ro", "p-coep", "p-space", "p-cookies"].some((id) => $(id).value.trim());
    if ($("f-as").value !== "fetch") {
      real.textContent = "This runs the form's call with fetch(): set the request kind to fetch to compare.";
      done();
      return;
    }
    if ($("input").value.trim() || pageOrigin !== location.origin || context) {
      real.textContent = `This runs the form's call with fetch() from this page, whose origin is ${location.origin}: ` +
        "clear the pasted text and the page's CSP, COEP and cookies, and set the page origin to it, to compare.";
      done();
      return;
    }
    const rep = await send();
    if (!rep) { real.textContent = "corskit serve could not send the call: see above."; done(); return; }
    const init = { method: $("f-method").value.trim() || "GET", mode: $("f-mode").value, credentials: $("f-credentials").value,
      headers: lines($("f-headers").value).map((h) => [h.name, h.value]) };
    if ($("f-body").value && !["GET", "HEAD"].includes(init.method.toUpperCase())) init.body = $("f-body").value;
    try {
      const res = await fetch($("f-url").value.trim(), init);
      await res.text();
      real.textContent = `allowed: status ${res.status}, type ${res.type}, readable headers: ${[...res.headers.keys()].join(", ") || "none"}`;
      real.dataset.outcome = "allowed";
    } catch (e) {
      real.textContent = `blocked: ${e} (this browser's own words are in its DevTools console)`;
      real.dataset.outcome = "blocked";
    }
    const engine = visitor.name;
    const mine = (rep.browsers && rep.browsers[engine]) || rep;
    const match = real.dataset.outcome === mine.verdict;
    agreement.dataset.match = String(match);
    agreement.dataset.engine = mine.request.profile;
    agreement.textContent = `Compared with corskit's model of ${R.ENGINES.find(([k]) => k === mine.request.profile)[1]} on the same answers: ` +
      (match ? "this browser did what the model predicted." : "this browser and the model disagree: please report it.");
    done();
  }

  // The examples: the sample API of corskit serve (internal/demo: one
  // correct policy, three classic mistakes) with the answers it gives, and
  // a call refused by each gate before CORS. In corskit serve, {api} and
  // {origin} are the sample API and this page, so an example can also be
  // sent for real and run in this browser; on the static page they are
  // example.com names, and the answers are the sample API's.
  const GOOD = "Access-Control-Allow-Credentials: true\nAccess-Control-Allow-Origin: {origin}\n" +
    "Access-Control-Expose-Headers: X-Request-Id\nContent-Type: application/json\nVary: Origin";
  const GOOD_PREFLIGHT = "Access-Control-Allow-Credentials: true\nAccess-Control-Allow-Headers: content-type,x-demo-token\n" +
    "Access-Control-Allow-Methods: PUT\nAccess-Control-Allow-Origin: {origin}\nAccess-Control-Max-Age: 0\n" +
    "Vary: Origin, Access-Control-Request-Method, Access-Control-Request-Headers";
  const BAD_PREFLIGHT = "Access-Control-Allow-Headers: content-type\nAccess-Control-Allow-Methods: PUT\n" +
    "Access-Control-Allow-Origin: {origin}\nVary: Origin, Access-Control-Request-Method, Access-Control-Request-Headers";
  const ORIGIN_ONLY = "Access-Control-Allow-Origin: {origin}\nContent-Type: application/json\nVary: Origin";
  const PUT = { "f-method": "PUT", "f-headers": "Content-Type: application/json\nX-Demo-Token: s3cret", "f-body": '{"name":"corskit"}' };
  const PRESETS = {
    "simple-get": { "f-url": "{api}/api/good/hello", "f-act-status": "200", "f-act-headers": GOOD },
    "preflight-put": Object.assign({ "f-url": "{api}/api/good/items/1", "f-pre-status": "204", "f-pre-headers": GOOD_PREFLIGHT,
      "f-act-status": "200", "f-act-headers": GOOD }, PUT),
    "credentials": { "f-url": "{api}/api/good/me", "f-credentials": "include", "f-act-status": "200", "f-act-headers": GOOD },
    "bad-origin": { "f-url": "{api}/api/bad/hello", "f-act-status": "200", "f-act-headers": "Content-Type: application/json\nVary: Origin" },
    "bad-header": Object.assign({ "f-url": "{api}/api/bad/items/1", "f-pre-status": "204", "f-pre-headers": BAD_PREFLIGHT,
      "f-act-status": "200", "f-act-headers": ORIGIN_ONLY }, PUT),
    "bad-credentials": { "f-url": "{api}/api/bad/me", "f-credentials": "include", "f-act-status": "200", "f-act-headers": ORIGIN_ONLY },
    // Chromium safelists the Device-Memory client hint; Firefox and
    // WebKit preflight it, and the policy allows only Content-Type.
    "client-hint": { "f-url": "{api}/api/bad/items/1", "f-headers": "Device-Memory: 1", "f-pre-status": "204", "f-pre-headers": BAD_PREFLIGHT,
      "f-act-status": "200", "f-act-headers": ORIGIN_ONLY },
    "mixed-content": { gate: true, "p-url": "https://app.example.com/dashboard", "f-url": "http://api.example.com/items",
      "f-act-status": "200", "f-act-headers": "Access-Control-Allow-Origin: https://app.example.com" },
    "page-csp": { gate: true, "p-url": "https://app.example.com/dashboard", "p-csp": "default-src 'self'", "f-url": "https://api.example.com/items",
      "f-act-status": "200", "f-act-headers": "Access-Control-Allow-Origin: https://app.example.com" },
    "coep": { gate: true, "p-url": "https://app.example.com/", "p-coep": "require-corp", "f-mode": "no-cors",
      "f-url": "https://cdn.example.net/logo.png", "f-act-status": "200", "f-act-headers": "Content-Type: image/png" },
    "samesite": { gate: true, "p-url": "https://app.example.com/", "p-cookies": "sid=1; SameSite=Lax; Secure", "f-credentials": "include",
      "f-url": "https://api.example.net/me", "f-act-status": "200",
      "f-act-headers": "Access-Control-Allow-Credentials: true\nAccess-Control-Allow-Origin: https://app.example.com\nVary: Origin" },
    // The request kinds' gates: a <script> the page's script-src refuses;
    // an <img> whose answer is JSON with nosniff, which ORB keeps from it;
    // a public page calling loopback, which waits on the user's Local
    // Network Access permission; a WebSocket handshake the server refuses.
    "csp-script": { gate: true, "p-url": "https://app.example.com/", "p-csp": "script-src 'self'", "f-as": "script",
      "f-url": "https://cdn.example.net/widget.js", "f-act-status": "200", "f-act-headers": "Content-Type: text/javascript" },
    "orb": { gate: true, "p-url": "https://app.example.com/", "f-as": "img", "f-url": "https://api.example.net/avatar",
      "f-act-status": "200", "f-act-headers": "Content-Type: application/json\nX-Content-Type-Options: nosniff" },
    "lna": { gate: true, "p-url": "https://app.example.com/", "p-space": "public", "f-url": "http://localhost:8080/api/status",
      "f-act-status": "200", "f-act-headers": "Access-Control-Allow-Origin: https://app.example.com" },
    "websocket": { gate: true, "p-url": "https://app.example.com/", "f-as": "websocket", "f-url": "wss://api.example.com/live",
      "f-act-status": "403" },
  };

  async function applyPreset(name) {
    const p = PRESETS[name];
    const local = corskit.sampleAPI && !p.gate;
    const api = local ? await corskit.sampleAPI() : "https://api.example.com";
    const origin = local ? location.origin : "https://app.example.com";
    for (const f of fields) $(f).value = defaults[f] !== undefined ? defaults[f] : "";
    $("f-origin").value = p.gate ? "" : origin;
    for (const [f, v] of Object.entries(p)) if (f !== "gate") $(f).value = v.replaceAll("{api}", api).replaceAll("{origin}", origin);
    $("page").open = !!p.gate;
    showKind();
    $("sent").hidden = true;
    $("real-box").hidden = true;
    await run();
  }

  function readFile(file) {
    file.text().then((t) => { $("input").value = t; run(); });
  }

  $("go").addEventListener("click", run);
  $("f-as").addEventListener("change", showKind);
  document.querySelectorAll("[data-preset]").forEach((b) => b.addEventListener("click", () => applyPreset(b.dataset.preset)));
  $("file").addEventListener("change", (e) => e.target.files[0] && readFile(e.target.files[0]));
  document.addEventListener("dragover", (e) => e.preventDefault());
  document.addEventListener("drop", (e) => {
    e.preventDefault();
    if (e.dataTransfer.files[0]) readFile(e.dataTransfer.files[0]);
  });

  corskit.ready.then(async () => {
    for (const s of await corskit.stacks()) $("stack").append(R.el("option", { value: s.name }, s.title));
    if (corskit.send) {
      $("send").hidden = false;
      $("send").addEventListener("click", send);
      $("run").hidden = false;
      $("run").addEventListener("click", runHere);
      $("about").textContent = "Why a cross-origin call is blocked in Chromium, Firefox and WebKit (Safari), and the " +
        "server-side fix in your stack. The model runs in corskit serve, on this machine; \"Send it for real\" makes " +
        "the call from there and diagnoses the answers, and \"Run it in this browser\" makes it with fetch() here " +
        "and compares what this browser did with the model's verdict for its engine.";
      document.body.dataset.backend = "serve";
    }
    $("status").textContent = corskit.send ? "ready: the model runs in corskit serve" : "ready: the model runs in this page";
    document.body.dataset.ready = "true";
    const loaded = loadState();
    showKind();
    if (loaded) run();
  }, (e) => { $("status").textContent = "the model did not load: " + e.message; });
})();
