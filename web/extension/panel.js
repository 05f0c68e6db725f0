// The DevTools "CORS" panel: the inspected page's network log so far
// (getHAR), then each request as it finishes (onRequestFinished), replayed
// through the model (corskit.js) as a HAR, so that preflights pair with
// their requests exactly as `corskit check --har` pairs them. The work is
// done after the requests finished, off the page's own loading, and
// debounced: a burst of requests costs one diagnosis.
(() => {
  "use strict";
  const R = globalThis.corskitRender;
  const net = chrome.devtools.network;
  const $ = (id) => document.getElementById(id);
  let entries = [];
  let timer = 0;
  let busy = Promise.resolve();

  // A HAR entry as the model reads it: the getContent method and the
  // bodies are left out.
  function keep(e) {
    return {
      startedDateTime: e.startedDateTime, _resourceType: e._resourceType,
      request: { method: e.request.method, url: e.request.url, headers: e.request.headers, postData: e.request.postData },
      response: { status: e.response.status, statusText: e.response.statusText, headers: e.response.headers,
        redirectURL: e.response.redirectURL, _error: e.response._error },
    };
  }

  // The exchange of a report, for the corskit page: the script's request
  // and the answers the browser got.
  function exchange(r) {
    const x = { request: { url: r.request.url, method: r.request.method, origin: r.request.origin,
      headers: r.request.headers.map((h) => ({ name: h.Name, value: h.Value })),
      credentials: r.request.credentials, mode: r.request.mode } };
    for (const t of r.trace) {
      const a = { status: t.status, headers: Object.entries(t.response_headers || {}).flatMap(([k, vs]) => vs.map((v) => ({ name: k, value: v }))) };
      if (t.kind === "preflight") x.preflight = a;
      else if (t.kind === "request" && t.status) x.actual = a;
    }
    return x;
  }

  function copy(text) {
    // The Clipboard API is refused in DevTools panels: copy a selection.
    const ta = R.el("textarea", { value: text });
    document.body.append(ta);
    ta.select();
    document.execCommand("copy");
    ta.remove();
    $("status").textContent = "fix copied";
  }

  function show(result) {
    const out = $("calls");
    out.replaceChildren();
    for (const r of result.requests) {
      const page = "index.html#" + new URLSearchParams({ x: JSON.stringify(exchange(r)), browser: "all", stack: "auto" });
      const open = R.el("a", { href: chrome.runtime.getURL(page), target: "_blank", rel: "noopener", class: "open-page" }, "open in the corskit page");
      // An engine whose model refuses the call has no report: "-".
      const verdicts = R.ENGINES.map(([k]) => (r.browsers && r.browsers[k] ? r.browsers[k].verdict : "-"));
      const details = R.el("details", { class: "call", "data-url": r.request.url, "data-method": r.request.method,
        "data-chromium": verdicts[0], "data-firefox": verdicts[1], "data-webkit": verdicts[2], "data-reason": r.reason || "" },
      R.el("summary", {}, R.ENGINES.map(([k, title], i) => R.el("span", { class: "verdict " + verdicts[i], title }, title[0])), " ",
        `${r.request.method} ${r.request.url}`, r.verdict !== "allowed" ? R.el("span", { class: "dim" }, " " + r.reason) : null),
      R.report(r, { onCopy: copy, extra: open }));
      out.append(details);
    }
    document.body.dataset.calls = String(result.requests.length);
    // The document's title (never shown: DevTools labels the tab "CORS")
    // sums the calls up for the Firefox test, which reads it from the
    // panel's browser element: Firefox lets no driver into the panel.
    document.title = "CORS " + JSON.stringify(result.requests.map((r) => ({
      method: r.request.method, url: r.request.url,
      verdicts: R.ENGINES.map(([k]) => (r.browsers && r.browsers[k] ? r.browsers[k].verdict : "-")),
      firefox_console: r.browsers && r.browsers.firefox ? r.browsers.firefox.console : [] })));
    $("status").textContent = `${result.requests.length} cross-origin calls, ${result.blocked} blocked`;
  }

  // The HAR the panel diagnoses, for a test to hand to `corskit check --har`.
  const har = () => ({ log: { version: "1.2", creator: { name: "corskit panel", version: "0.1.0" }, entries } });
  globalThis.corskitPanelHAR = () => JSON.stringify(har());

  function diagnose() {
    timer = 0;
    busy = busy.then(() => corskit.diagnose(har(), { browser: "all", stack: "auto" })).then(show,
      (e) => { $("status").textContent = "cannot read the log: " + e.message; });
  }

  function schedule() {
    if (!timer) timer = setTimeout(diagnose, 150);
  }

  $("clear").addEventListener("click", () => { entries = []; diagnose(); });
  corskit.ready.then(() => {
    document.body.dataset.ready = "true";
    net.getHAR((log) => {
      entries = ((log && log.entries) || []).map(keep).concat(entries);
      schedule();
    });
    net.onRequestFinished.addListener((e) => { entries.push(keep(e)); schedule(); });
    net.onNavigated.addListener(() => { entries = []; schedule(); });
    $("status").textContent = "listening";
  });
})();
