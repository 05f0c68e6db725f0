// Renders `check --json` reports (docs/check-json.md) as HTML, for the
// page and the DevTools panel alike. Text from the reports goes into the
// document only as text nodes: a header value can hold anything.
(() => {
  "use strict";
  const ENGINES = [["chromium", "Chromium"], ["firefox", "Firefox"], ["webkit", "WebKit (Safari)"]];

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") e.className = v;
      else if (k.startsWith("data-")) e.setAttribute(k, v);
      else e[k] = v;
    }
    for (const c of children.flat()) {
      if (c == null || c === false) continue;
      e.append(typeof c === "string" || typeof c === "number" ? String(c) : c);
    }
    return e;
  }

  // The fix as one text to paste: each change, then the stack's snippet.
  function fixText(report) {
    const lines = [];
    let snippet = "";
    for (const f of report.fixes || []) {
      lines.push(f.header ? `${f.header}: ${f.value}` : f.text);
      if (f.stack && f.stack.snippet) snippet = f.stack.snippet;
    }
    return snippet ? lines.join("\n") + "\n\n" + snippet : lines.join("\n");
  }

  function verdictBadge(v) {
    return el("span", { class: "verdict " + v, "data-verdict": v }, v.toUpperCase());
  }

  function engines(report) {
    const rows = ENGINES.filter(([k]) => report.browsers ? report.browsers[k] : report.request.profile === k)
      .map(([k, title]) => {
        const r = report.browsers ? report.browsers[k] : report;
        return el("tr", { "data-engine": k },
          el("th", {}, title), el("td", {}, verdictBadge(r.verdict)),
          el("td", { class: "console" }, r.console.length ? r.console.map((l) => el("div", {}, l)) :
            r.type_error ? el("div", { class: "dim" }, "no console line; fetch() rejects with TypeError: " + r.type_error) :
              el("div", { class: "dim" }, "(nothing in the console)")));
      });
    if (!rows.length) {
      rows.push(el("tr", { "data-engine": report.request.profile },
        el("th", {}, report.request.profile), el("td", {}, verdictBadge(report.verdict)),
        el("td", { class: "console" }, report.console.map((l) => el("div", {}, l)))));
    }
    return el("table", { class: "engines" }, el("tbody", {}, rows));
  }

  function fixes(report, onCopy) {
    if (!report.fixes || !report.fixes.length) return null;
    let last = null;
    const items = report.fixes.map((f) => {
      if (f.stack) last = f.stack;
      return el("li", {},
        el("div", {}, f.text),
        f.header ? el("code", { class: "line" }, `${f.header}: ${f.value}`) : null,
        f.stack ? el("div", { class: "stack-text" }, f.stack.text) : null,
        f.security ? el("div", { class: "risk" }, "risk: " + f.security) : null);
    });
    const st = report.stack;
    return el("section", { class: "fix" },
      el("h3", {}, "Fix", st ? ` (in ${st.title}${st.confidence === "chosen" ? "" : ", " + st.confidence + " confidence"})` : ""),
      el("ol", {}, items),
      last && last.snippet ? el("pre", { class: "snippet" }, last.snippet) : null,
      last && last.pitfalls ? el("ul", { class: "pitfalls" }, last.pitfalls.map((p) => el("li", {}, "pitfall: " + p.text))) : null,
      st && st.evidence && st.evidence.length ? el("div", { class: "dim" }, "stack from " + st.evidence.join("; ")) : null,
      el("button", { type: "button", class: "copy-fix", onclick: () => onCopy && onCopy(fixText(report)) }, "Copy fix"));
  }

  function trace(report) {
    return el("details", { class: "trace" }, el("summary", {}, "Exchanges"),
      report.trace.map((t) => el("div", { class: "exchange" },
        el("div", { class: "kind" }, `${t.kind}: ${t.method} ${t.url}`),
        el("pre", {}, [
          Object.entries(t.request_headers || {}).map(([k, vs]) => vs.map((v) => `> ${k}: ${v}\n`)).flat().join(""),
          t.status ? `< ${t.status}\n` : "",
          Object.entries(t.response_headers || {}).map(([k, vs]) => vs.map((v) => `< ${k}: ${v}\n`)).flat().join(""),
          t.error ? `! ${t.error}\n` : "",
        ].join("")))));
  }

  // report renders one call's report; opts.onCopy(text) copies the fix,
  // opts.extra (a node) is added under the title.
  function report(r, opts) {
    opts = opts || {};
    const d = r.diagnosis || {};
    const why = d.preflight_why && d.preflight_why.length ? "Preflight needed: " + d.preflight_why.join("; ") + "." :
      d.cross_origin ? "Simple request: no preflight." : "Same-origin: CORS does not apply.";
    return el("article", { class: "report", "data-verdict": r.verdict },
      el("h2", {}, verdictBadge(r.verdict), " ", el("span", { class: "call" }, `${r.request.method} ${r.request.url}`)),
      el("div", { class: "dim" }, `from ${r.request.origin}, credentials ${r.request.credentials}, mode ${r.request.mode}`),
      opts.extra || null,
      engines(r),
      r.reason ? el("p", { class: "reason" }, "Reason: ", el("code", {}, r.reason), d.stopped_at ? ` (stopped at the ${d.stopped_at})` : "") : null,
      el("p", {}, why),
      fixes(r, opts.onCopy),
      r.warnings && r.warnings.length ? el("ul", { class: "warnings" }, r.warnings.map((w) => el("li", {}, w.text))) : null,
      el("details", { class: "steps" }, el("summary", {}, "Step by step"), el("ol", {}, (d.steps || []).map((s) => el("li", {}, s)))),
      trace(r));
  }

  globalThis.corskitRender = Object.freeze({ report, fixText, el, ENGINES });
})();
