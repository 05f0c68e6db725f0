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

  // allFixes is the report's fixes, then those only other engines need
  // (once each, with the engines that need them in f.engines): a server
  // must satisfy all three.
  function allFixes(report) {
    const key = (f) => [f.response, f.header, f.value, f.text].join("\0");
    const own = new Set((report.fixes || []).map(key));
    const extra = new Map();
    for (const [k, title] of ENGINES) {
      const b = report.browsers && report.browsers[k];
      if (!b || k === report.request.profile) continue;
      for (const f of b.fixes || []) {
        if (own.has(key(f))) continue;
        const x = extra.get(key(f)) || Object.assign({}, f, { engines: [] });
        x.engines.push(title);
        extra.set(key(f), x);
      }
    }
    return (report.fixes || []).concat([...extra.values()]);
  }

  // The fix as one text to paste: each change, then the stack's snippet.
  function fixText(report) {
    const lines = [];
    let snippet = "";
    for (const f of allFixes(report)) {
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
        // corskit serve's page knows this browser's engine (engine.js).
        const yours = typeof visitor !== "undefined" && visitor.known && visitor.name === k;
        return el("tr", { "data-engine": k, class: yours ? "yours" : "" },
          el("th", {}, title, yours ? el("span", { class: "dim" }, " (this browser)") : null), el("td", {}, verdictBadge(r.verdict)),
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
    const all = allFixes(report);
    if (!all.length) return null;
    let last = null;
    const items = all.map((f) => {
      if (f.stack) last = f.stack;
      return el("li", f.engines ? { "data-engines": f.engines.join(",") } : {},
        f.engines ? el("b", {}, `For ${f.engines.join(" and ")}: `) : null,
        el("div", {}, f.text),
        f.header ? el("code", { class: "line" }, `${f.header}: ${f.value}`) : null,
        f.stack ? el("div", { class: "stack-text" }, f.stack.text) : null,
        f.security ? el("div", { class: "risk" }, "risk: " + f.security) : null);
    });
    // A gate's fix is in the page's server or code, not the API's stack.
    const st = (report.diagnosis || {}).gate ? null : report.stack;
    return el("section", { class: "fix" },
      el("h3", {}, "Fix", st ? ` (in ${st.title}${st.confidence === "chosen" ? "" : ", " + st.confidence + " confidence"})` : ""),
      el("ol", {}, items),
      last && last.snippet ? el("pre", { class: "snippet" }, last.snippet) : null,
      last && last.pitfalls ? el("ul", { class: "pitfalls" }, last.pitfalls.map((p) => el("li", {}, "pitfall: " + p.text))) : null,
      st && st.evidence && st.evidence.length ? el("div", { class: "dim" }, "stack from " + st.evidence.join("; ")) : null,
      el("button", { type: "button", class: "copy-fix", onclick: () => onCopy && onCopy(fixText(report)) }, "Copy fix"));
  }

  // The failing exchange's index in the trace, or -1: where the engine
  // stopped, so the diagram can mark the headers the fix changes there.
  function failingIndex(r) {
    const d = r.diagnosis || {};
    if (r.verdict !== "blocked") return -1;
    const kind = d.stopped_at === "preflight" ? "preflight" : (d.stopped_at === "actual" || d.stopped_at === "redirect") ? "request" : "";
    for (let i = r.trace.length - 1; i >= 0; i--) if (r.trace[i].kind === kind) return i;
    return -1;
  }

  const CORS_REQUEST = new Set(["origin", "access-control-request-method", "access-control-request-headers"]);
  const isCORSResponse = (n) => n.startsWith("access-control-") || n === "vary";

  function headerList(h, classify, extra) {
    const ul = el("ul", { class: "hdrs" });
    for (const name of Object.keys(h || {}).sort()) {
      for (const v of h[name]) ul.append(el("li", { class: classify(name.toLowerCase()) }, `${name}: ${v}`));
    }
    for (const x of extra || []) ul.append(x);
    return ul;
  }

  // diagram draws the exchanges as a sequence diagram, browser on the
  // left, server on the right: the CORS request headers in blue; on the
  // answer where the engine stopped, the headers the fix changes in red
  // and the missing ones named; on the others, the CORS headers in green.
  function diagram(r) {
    const fail = failingIndex(r);
    const fixed = (kind) => (r.fixes || []).filter((f) => f.response === kind && f.header);
    const host = (() => { try { return new URL(r.request.url).host; } catch (e) { return "server"; } })();
    const box = el("div", { class: "seq" },
      el("div", { class: "lanes" }, el("div", {}, `Browser (page ${r.request.origin})`), el("div", {}, `Server (${host})`)));
    if (!r.trace.length) {
      box.append(el("div", { class: "msg cache" }, r.diagnosis && r.diagnosis.gate ?
        "nothing sent: the browser refused the call before any request" : "nothing sent"));
    }
    r.trace.forEach((t, i) => {
      if (t.kind === "preflight-cache-hit") {
        box.append(el("div", { class: "msg cache" }, "preflight cache hit: no OPTIONS sent"));
        return;
      }
      const path = (() => { try { const u = new URL(t.url); return u.host === host ? u.pathname + u.search : t.url; } catch (e) { return t.url; } })();
      box.append(el("div", { class: "msg req", "data-kind": t.kind },
        el("div", { class: "arrow" }, `${t.method} ${path}  (${t.kind}${t.credentials ? ", with credentials" : ""})`),
        headerList(t.request_headers, (n) => CORS_REQUEST.has(n) ? "cors" : "plain")));
      if (t.error) {
        box.append(el("div", { class: "msg resp" }, el("div", { class: "arrow" }, "network error: " + t.error)));
        return;
      }
      const fixes = i === fail ? fixed(t.kind === "preflight" ? "preflight" : "actual") : [];
      const bad = new Set(fixes.map((f) => f.header.toLowerCase()));
      const names = Object.keys(t.response_headers || {}).map((n) => n.toLowerCase());
      const missing = fixes.filter((f) => !names.includes(f.header.toLowerCase()))
        .map((f) => el("li", { class: "bad" }, `missing ${f.header}: ${f.value}`));
      box.append(el("div", { class: "msg resp", "data-exchange": String(i) },
        el("div", { class: "arrow" }, String(t.status)),
        headerList(t.response_headers, (n) => bad.has(n) ? "bad" : isCORSResponse(n) ? (i === fail ? "cors" : "good") : "plain", missing)));
    });
    return box;
  }

  const LAYERS = { "resource-server": "the resource's server", "page-code": "the page's code", "api-server": "the API's server",
    user: "the user's permission", "page-server": "the page's server" };

  // devtools is where Chromium's DevTools show a gate: its Issues panel
  // and its Network panel (check's text output says the same).
  function devtools(g) {
    const issue = g.devtools_issue ? `Chromium DevTools: Issues panel ${g.devtools_issue}` + (g.devtools_reason ? ` (${g.devtools_reason})` : "") :
      "Chromium DevTools: no issue";
    const net = !g.devtools_issue ? "; the Network panel shows the handshake and its answer" :
      g.blocked_reason ? `; Network panel (blocked:${g.blocked_reason})` :
        g.permission ? "; Network panel status CORS error (net::ERR_FAILED)" :
          g.net_error ? `; Network panel status ${g.net_error}` : "; not in the Network panel (the call never became a request)";
    return issue + net;
  }

  // gate names the check before CORS that refused the call, as Chromium's
  // DevTools name it, and the change in the page's (or the resource's)
  // server, in each stack's syntax; for Local Network Access, the
  // permission the user must grant; for ORB, the rule that refused the
  // answer.
  function gate(r) {
    const g = (r.diagnosis || {}).gate;
    if (!g) return null;
    const where = LAYERS[g.layer] || "the page's server";
    return el("section", { class: "gate", "data-gate": g.id },
      el("h3", {}, "Not CORS: ", el("code", {}, g.id), ` (the fix is in ${where})`),
      el("div", { class: "dim" }, devtools(g)),
      g.permission ? el("p", { class: "pending", "data-permission": g.permission },
        g.pending_permission ? "Blocked pending permission: " : "Blocked: ",
        `the page is public and the API is ${g.target_space}, so the browser asks the user's `, el("code", {}, g.permission),
        " permission before sending anything (Chromium shows a prompt, headless Chromium denies it at once; Firefox's call waits for the answer). " +
        "Grant it in the site's settings, or serve the API where the page is.") : null,
      g.orb_rule ? el("p", { class: "orb", "data-orb-rule": g.orb_rule },
        "ORB refused the answer: rule ", el("code", {}, g.orb_rule), g.content_type ? ", Content-Type " : "",
        g.content_type ? el("code", {}, g.content_type) : null, g.net_error ? `; Chromium's error ${g.net_error}` : "") : null,
      g.fixed_policy ? el("code", { class: "line" }, "Content-Security-Policy: " + g.fixed_policy) : null,
      g.secure_url ? el("code", { class: "line" }, g.secure_url) : null,
      g.corp ? el("code", { class: "line" }, "Cross-Origin-Resource-Policy: " + g.corp) : null,
      (g.snippets || []).length ? el("details", { class: "snippets" }, el("summary", {}, "In your server's syntax"),
        g.snippets.map((s) => el("div", {}, el("div", { class: "dim" }, s.title), el("pre", { class: "snippet" }, s.code)))) : null);
  }

  // webSocket says what a WebSocket's handshake was answered and whose
  // job Origin is: there is no CORS to check (check's text output).
  function webSocket(r) {
    if ((r.request || {}).kind !== "websocket") return null;
    const answered = r.trace.filter((t) => t.status).map((t) => String(t.status)).pop() || "no answer";
    const text = r.verdict === "allowed" ?
      `WebSocket: the handshake was answered 101 Switching Protocols: the connection opens. A WebSocket has no CORS; the server accepted Origin ${r.request.origin}, and checking it is the server's job (corskit audit --websocket probes whether it accepts any site's).` :
      `WebSocket: the handshake was answered ${answered}, not 101 Switching Protocols: the connection fails. A WebSocket has no CORS; checking Origin is the server's job, and no Access-Control-* header plays any part.`;
    return el("p", { class: "websocket", "data-answered": answered }, text);
  }

  // warnings are the report's, then those only other engines give (the
  // upgrade of an https page's http <img> differs by engine), each once.
  function warnings(r) {
    const seen = new Set();
    const items = [];
    for (const [k, title] of [[r.request.profile, ""]].concat(ENGINES)) {
      const b = k === r.request.profile ? r : r.browsers && r.browsers[k];
      for (const w of (b && b.warnings) || []) {
        if (seen.has(w.id + "\0" + w.text)) continue;
        seen.add(w.id + "\0" + w.text);
        items.push(el("li", { "data-warning": w.id, class: w.text.startsWith("not CORS:") ? "not-cors" : "" },
          title && !(r.warnings || []).some((x) => x.id === w.id) ? el("b", {}, title + ": ") : null, w.text));
      }
    }
    return items.length ? el("ul", { class: "warnings" }, items) : null;
  }

  // cookies shows, per engine, whether each cookie the browser holds went
  // with the call and whether the answer's Set-Cookie was stored, and why
  // not (check's cookies section).
  function cookies(r) {
    const c = r.cookies;
    if (!c || !c.notes || !c.notes.length) return null;
    return el("section", { class: "cookies" }, el("h3", {}, "Cookies"),
      el("table", { class: "cookie-notes" }, el("tbody", {}, c.notes.map((n) => el("tr", { "data-engine": n.engine, "data-ok": String(n.ok) },
        el("th", {}, n.engine), el("td", {}, n.cookie),
        el("td", {}, n.ok ? (n.set ? "stored (Set-Cookie)" : "sent") : (n.set ? "not stored (Set-Cookie)" : "not sent")),
        el("td", { class: "dim" }, n.ok ? "" : `${n.why} [${n.reason}${n.devtools ? ", DevTools: " + n.devtools : ""}]`))))),
      c.text ? el("p", {}, c.text) : null,
      (c.fixes || []).length ? el("ul", {}, c.fixes.map((f) => el("li", {}, el("code", {}, f)))) : null);
  }

  // report renders one call's report; opts.onCopy(text) copies the fix,
  // opts.extra (a node) is added under the title.
  function report(r, opts) {
    opts = opts || {};
    const d = r.diagnosis || {};
    const why = d.gate ? (r.request.kind === "websocket" ? "A WebSocket has no CORS: the server answers its handshake, or refuses it." :
      r.trace.length ? "The answer came, and the browser threw it away: not a CORS check." :
        "The browser refused the call before CORS came into play.") : d.preflight_why && d.preflight_why.length ?
      "Preflighted request: before sending it, the browser asks permission with an OPTIONS request, because " + d.preflight_why.join("; ") + "." :
      d.cross_origin ? "Simple request: no preflight. A GET, HEAD or POST with only safelisted headers is sent at once, as an HTML form could; the answer is then checked." :
        "Same-origin: CORS does not apply.";
    return el("article", { class: "report", "data-verdict": r.verdict },
      el("h2", {}, verdictBadge(r.verdict), " ", el("span", { class: "call" }, `${r.request.method} ${r.request.url}`)),
      el("div", { class: "dim" }, `from ${r.request.origin}, ` + (r.request.kind === "websocket" ? "as websocket: a handshake, no CORS, with the URL's cookies" :
        (r.request.kind ? `as ${r.request.kind}, ` : "") + `credentials ${r.request.credentials}, mode ${r.request.mode}`)),
      opts.extra || null,
      engines(r),
      r.reason ? el("p", { class: "reason" }, "Reason: ", el("code", {}, r.reason), d.stopped_at ? ` (stopped at the ${d.stopped_at})` : "") : null,
      el("p", { class: "why" }, why),
      diagram(r),
      gate(r),
      webSocket(r),
      fixes(r, opts.onCopy),
      cookies(r),
      warnings(r),
      el("details", { class: "steps", open: !!opts.open }, el("summary", {}, "Step by step"),
        el("ol", {}, (d.steps || []).map((s) => el("li", {}, s)))));
  }

  globalThis.corskitRender = Object.freeze({ report, fixText, el, ENGINES });
})();
