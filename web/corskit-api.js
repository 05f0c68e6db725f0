// corskit's JavaScript API. `make web` appends this file to Go's
// wasm_exec.js to make dist/web/corskit.js; corskit.wasm must sit beside
// it. It defines globalThis.corskit:
//
//   corskit.ready                      a Promise, resolved once the model runs
//   corskit.diagnose(input, options)   a Promise of the object `corskit check
//                                      --json` prints (docs/check-json.md)
//   corskit.diagnoseJSON(input, options)  the same, as the JSON text itself
//   corskit.stacks()                   a Promise of [{name, title}]: the stacks
//                                      fixes can be written for
//
// input: a HAR (text or object) or one HAR entry, a DevTools "Copy as cURL"
// (bash or cmd) or "Copy as fetch" text, or an exchange as JSON
// ({request, preflight, actual}). options: {browser: "chromium" | "firefox" |
// "webkit" | "spec" | "all", stack: "auto" | a stack name | "", origin,
// answers: {preflight: {status, headers}, actual: {status, headers}},
// page: {url, csp: [], csp_report_only: [], coep}, stored_cookies: ["sid=1;
// SameSite=Lax"]} (check's --page-url, --page-csp, --page-csp-report-only,
// --page-coep and --stored-cookie; not for a HAR, which holds its own).
//
// Nothing is sent: the model judges the answers it is given. The only
// request this file makes is for corskit.wasm, from where it was loaded.
(() => {
  "use strict";
  const here = (document.currentScript && document.currentScript.src) || location.href;
  const wasmURL = new URL("corskit.wasm", here);
  const ready = (async () => {
    const go = new Go();
    const started = new Promise((resolve) => { globalThis.__corskitStarted = resolve; });
    let instance;
    const response = fetch(wasmURL);
    try {
      ({ instance } = await WebAssembly.instantiateStreaming(response, go.importObject));
    } catch (e) {
      // A server that does not send application/wasm: compile from bytes.
      const bytes = await (await fetch(wasmURL)).arrayBuffer();
      ({ instance } = await WebAssembly.instantiate(bytes, go.importObject));
    }
    go.run(instance);
    await started;
    delete globalThis.__corskitStarted;
  })();

  const text = (v) => (typeof v === "string" ? v : JSON.stringify(v));

  async function run(input, options, compact) {
    await ready;
    return globalThis.__corskitDiagnose(text(input), JSON.stringify(options || {}), compact);
  }

  // The text `corskit check --json` prints, byte for byte.
  const diagnoseJSON = (input, options) => run(input, options, false);

  globalThis.corskit = Object.freeze({
    ready,
    diagnoseJSON,
    stacks: async () => { await ready; return JSON.parse(globalThis.__corskitStacks); },
    // The same value, read from JSON without indentation (half the work).
    diagnose: async (input, options) => JSON.parse(await run(input, options, true)),
  });
})();
