// corskit's JavaScript API as `corskit serve` provides it: the same
// globalThis.corskit as corskit-api.js (ready, diagnose, diagnoseJSON,
// stacks), with the model on the server, which answers on the page's own
// origin only (Host, Origin, Content-Type and a per-run token: see
// cmd/corskit/internal/playground). One addition the static page lacks:
//
//   corskit.send(input, options)   sends the call for real from the
//                                  corskit process (POST /api/check) and
//                                  returns a Promise of its report
//
//   corskit.sampleAPI()            a Promise of the sample API's URL, which
//                                  the page's examples call
//
// The page offers "Send it for real" and "Run it in this browser" only
// when corskit.send exists, so the static host never shows them and never
// asks. `corskit serve` serves this file after the demo's engine.js, which
// names this browser's engine (visitor) for the comparison.
(() => {
  "use strict";
  let config;
  const ready = fetch("/config.json").then((r) => r.json()).then((c) => { config = c; });

  async function post(path, body) {
    await ready;
    const r = await fetch(path, {
      method: "POST", headers: { "Content-Type": "application/json", "X-Corskit-Token": config.token },
      body: JSON.stringify(body),
    });
    const text = await r.text();
    if (!r.ok) {
      let msg = text, field = "";
      try { ({ error: msg, field = "" } = JSON.parse(text)); } catch (e) { /* a guard's text answer */ }
      const err = new Error(msg);
      err.field = field;
      throw err;
    }
    return text;
  }

  const text = (v) => (typeof v === "string" ? v : JSON.stringify(v));
  const diagnoseJSON = (input, options) => post("/api/diagnose", { input: text(input), options: options || {} });

  // The request to send: a DevTools copy is read by the server
  // (/api/devtools), an exchange given as JSON names its own.
  async function toCheck(input, options) {
    options = options || {};
    let req;
    if (typeof input === "string" && !input.trim().startsWith("{")) {
      req = JSON.parse(await post("/api/devtools", { text: input }));
      if (!req.origin_from && options.origin) req.origin = options.origin;
    } else {
      const x = typeof input === "string" ? JSON.parse(input) : input;
      if (x.log || !x.request) {
        throw Object.assign(new Error("Send it for real takes one call: a DevTools copy, an exchange, or the form"), { field: "input" });
      }
      const r = x.request;
      // An exchange's headers are an object or, as in a HAR entry, a list.
      const hs = Array.isArray(r.headers) ? r.headers.map((h) => [h.name, h.value]) : Object.entries(r.headers || {});
      const page = hs.find(([n]) => n.toLowerCase() === "origin");
      req = { url: r.url, origin: r.origin || (page && page[1]) || options.origin || "", method: r.method, credentials: r.credentials,
        headers: hs.filter(([n]) => n.toLowerCase() !== "origin").map(([n, v]) => n + ": " + v).join("\n"), body: r.body || "", mode: r.mode,
        as: r.as, crossorigin: r.crossorigin, with_credentials: r.with_credentials };
    }
    return { url: req.url, origin: req.origin, method: req.method, headers: req.headers, body: req.body || "",
      credentials: req.credentials || "", mode: req.mode || "", profile: options.browser || "all", stack: options.stack || "auto",
      page: options.page, as: req.as, crossorigin: req.crossorigin, with_credentials: req.with_credentials };
  }

  globalThis.corskit = Object.freeze({
    ready,
    diagnoseJSON,
    diagnose: async (input, options) => JSON.parse(await diagnoseJSON(input, options)),
    stacks: async () => { await ready; return config.stacks; },
    sampleAPI: async () => { await ready; return config.api; },
    send: async (input, options) => JSON.parse(await post("/api/check", await toCheck(input, options))),
  });
})();
