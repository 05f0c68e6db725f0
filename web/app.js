// The static page: reads the input, asks the model (corskit.js), renders
// the report (render.js). State lives in the URL fragment, which browsers
// never send to a server, so a link to a diagnosis can be shared.
(() => {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const R = globalThis.corskitRender;
  const fields = ["input", "f-origin", "f-method", "f-url", "f-credentials", "f-headers",
    "f-pre-status", "f-pre-headers", "f-act-status", "f-act-headers", "browser", "stack"];
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
      return [text, options];
    }
    const exchange = {
      request: {
        url: $("f-url").value.trim(), method: $("f-method").value.trim() || "GET", origin: $("f-origin").value.trim(),
        headers: lines($("f-headers").value), credentials: $("f-credentials").value,
      },
      preflight: answers.preflight, actual: answers.actual,
    };
    return [exchange, options];
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
  // corskit.js defines send; the static page's does not).
  async function send() {
    const [input, options] = request();
    const out = $("sent");
    out.hidden = false;
    out.replaceChildren(R.el("p", { class: "dim" }, "sending from corskit serve…"));
    try {
      const r = await corskit.send(input, options);
      out.replaceChildren(R.el("h2", {}, "Sent for real from corskit serve"), R.report(r, { onCopy: copy }));
    } catch (e) {
      out.replaceChildren(R.el("p", { class: "error", "data-field": e.field || "" }, e.message));
    }
    document.body.dataset.sent = String(Number(document.body.dataset.sent || 0) + 1);
  }

  function readFile(file) {
    file.text().then((t) => { $("input").value = t; run(); });
  }

  $("go").addEventListener("click", run);
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
      $("about").textContent = "Why a cross-origin call is blocked in Chromium, Firefox and WebKit (Safari), and the " +
        "server-side fix in your stack. The model runs in corskit serve, on this machine; \"Send it for real\" makes " +
        "the call from there and diagnoses the answers.";
      document.body.dataset.backend = "serve";
    }
    $("status").textContent = corskit.send ? "ready: the model runs in corskit serve" : "ready: the model runs in this page";
    document.body.dataset.ready = "true";
    if (loadState()) run();
  }, (e) => { $("status").textContent = "the model did not load: " + e.message; });
})();
