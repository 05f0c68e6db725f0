// Package audit probes a live endpoint for the CORS misconfigurations that
// let other websites read a logged-in user's data: origins reflected
// blindly, trusted null, sloppy allowlist matching, trusted third-party
// hosts, wildcards, missing Vary, permissive preflights, header injection.
//
// Unlike scanners that pattern-match headers, audit decides each finding's
// severity with the browser's own CORS check (the fetch package): a finding
// is high only when a page on the probe origin could read the response with
// the user's cookies.
//
// # The types
//
// A [Scanner], made by [New] from [Options] (transport, timeouts, a
// per-host rate, the origins the deployment is known to trust), audits one
// [Target] at a time: a URL, the method and headers a page's script would
// send, and optionally a Cookie, to audit as a logged-in user. [Scanner.Scan]
// returns a [Result]: the [Finding]s, most severe first, the number of
// requests sent, the origins the server allows that no probe showed to be a
// hole (Allowed: the real front ends, as far as the audit could tell), the
// server stack when it could be recognised, and Err when the target could
// not be audited at all. A Scanner is safe for concurrent use, so one
// scanner can audit many targets at once with a shared per-host rate.
//
// Each Finding has a stable ID (the constants such as [ReflectAnyOrigin]
// and [MissingVary]), a [Severity], the Origin sent, whether a page on it
// could read the response with credentials, the [Evidence] (the exchange
// that shows it, the cookie's value never included), an Explanation in
// words and a [Fix]: the header-level change, the cors.Config that
// expresses the safe policy (listing the origins the server legitimately
// allows), and the same fix in the recognised stack's own setting.
//
// [ReadTargets] reads a targets file: one absolute http(s) URL a line,
// blank lines and # comments skipped (also a comment after the URL),
// lines cut at [MaxTargetLine]; a malformed line is reported as a
// [*LineError] and the others are still read; input whose line does not
// end within 1 MiB is no list ([ErrNotAList]).
//
// # How an audit runs
//
// For each target the scanner first asks, with two anonymous GETs on URLs
// of their own, whether a shared cache in front ignores the cache-buster
// (then it stops, with a [CacheIgnoresQuery] finding: probes would read
// and replace the entry real users get). It then sends the request
// without Origin (is the server there at all?), then the two probes that need no knowledge
// of the allowlist: an attacker's origin, and "null". If the server
// reflects any origin, there is nothing more to learn about its allowlist.
// Otherwise the audit learns it: it sends the target's own origin, its
// registrable domain with www., app., admin., dev. and staging., the
// origins in Options.Origins, local development origins and whatever
// origin the server names itself, and keeps those the server allows. Then
// it attacks the target's own names ([Probes]: any subdomain, third-party
// hosting, ...) and each allowed origin with the probes derived from it
// ([AroundOrigin]): a prefix match
// (https://app.example.com.corskit-attacker.example), a suffix match
// (https://corskitapp.example.com), an unescaped dot, special characters,
// http:// instead of https://, another port, a trailing dot. Every probe
// is sent as a browser would send it, preflight first when the target's
// method or headers need one (the method itself only after a preflight
// that allowed it; [Result.Requests] counts each method), and the answers
// go through fetch.CheckCORS,
// the check the conformance suite pins to Chromium. Last come the preflight probes
// (does it approve any method or header?), header injection through
// encoded line breaks and, only when asked, the cache-poisoning proof.
//
// Work is bounded whatever the server does: a fixed number of probes per
// allowed origin (at most eight origins), a per-probe timeout, a
// per-target deadline (a target that hits it is reported partially
// audited), a cap on each body read, and no redirects followed. Each probe
// goes to its own URL (the CacheBustParam query parameter) with
// "Cache-Control: no-cache", so a shared cache in front of the target
// neither answers the probe from storage nor keeps the attacker's answer
// for real users.
//
// # How severities are decided
//
// For an origin the server allowed, the severity asks two questions: could
// a page on that origin read the response with the user's cookies (the
// browser's CORS check with credentials included, so Allow-Credentials and
// a wildcard's refusal count), and who can put a page on that origin?
//
//   - High: a credentialed read from an origin anyone can obtain (any
//     origin reflected, null, a domain anyone can register, third-party
//     hosting), and header injection and a proven cache poisoning.
//   - Medium: a credentialed read from an origin that needs a foothold
//     first: a subdomain of the target's own domain, a plain-http origin
//     (a network attacker), localhost (the user's machine), another port
//     of a trusted host. A missing Vary: Origin is medium when the answers
//     show a shared cache in front (low otherwise), and a preflight that
//     approves any method or header for an attacker's origin is medium.
//   - Low: a read without cookies of a response that looks user-specific
//     (it sets cookies or is marked private), and "*" with
//     Access-Control-Allow-Credentials (browsers refuse it, but the intent
//     is a hole).
//   - Info: a read without cookies of what any page could fetch anyway
//     (the exposure of "*"), a trailing-dot origin, an http origin the
//     target's Strict-Transport-Security already upgrades, an
//     Access-Control-Allow-Origin no browser accepts (a functional bug,
//     not a hole), and user data any site can embed without CORP (below).
//
// So a server that reflects every origin but never sends
// Access-Control-Allow-Credentials: true gets an info finding, not a high
// one: the attacker's page reads only what it could have fetched itself.
//
// # User data another site can embed
//
// One class is not CORS: [EmbeddableWithoutCORP]. A page on any site can
// load any URL in no-cors mode (<img>, <script>, <link rel=stylesheet>,
// <video>, <audio>) with the user's cookies where their SameSite and the
// browser's third-party cookie rules let them go; no Access-Control-*
// header is read. The page cannot read the answer, but it learns an
// image's size or a video's duration, whether the load worked and its
// timing, and the bytes enter its process, where side channels (Spectre)
// read them in a browser that does not give every site a process of its
// own. Only the answer's Cross-Origin-Resource-Policy (same-origin or
// same-site) refuses every such load. Opaque Response Blocking refuses
// some of them anyway: in Chromium and Firefox, JSON, HTML and XML with
// X-Content-Type-Options: nosniff (without it, by sniffing the bytes),
// PDFs, archives, CSV; never an image, media, a script or a style sheet;
// WebKit has no ORB. The explanation says which engines would, as the
// browser model's ORB decides it (fetch.Profile.ORB) from the answer's
// Content-Type, nosniff and first bytes.
//
// With a Cookie, a GET target gets the load a page on another site makes
// with <img>, as the fetch model writes it for Chromium (no Origin,
// Sec-Fetch-Mode: no-cors, Sec-Fetch-Dest: image, Sec-Fetch-Site:
// cross-site to https and loopback URLs, Referer the attacker's origin to
// https), with the cookie; when the model's CORP check lets a 2xx
// through, the same load without the cookie; and when the two differ
// only in their bodies, that load once more, so that a body that changes
// by itself (a counter, a nonce) is not taken for user data. An answer
// that differs with the cookie is the user's data: info, whatever the
// type, with both answers as evidence and the recognised stack's CORP
// line as the fix (stacks.CORPSnippets). Without a Cookie the audit
// cannot tell user data from public data, and sends none of these.
//
// # Out of scope
//
// The audit tells what a page on another site can do with this
// endpoint's answers. It does not tell:
//
//   - whether a CSRF guard exists at all: finding out means sending a
//     state-changing request from another origin for the guard to refuse,
//     which a browser sends only after a preflight that allowed it, and
//     which the audit never sends;
//   - authentication and authorisation: whether the endpoint returns a
//     user's data at all (the Cookie given is taken as the user's);
//   - WebSocket messages: the handshake is the probe, nothing is sent on
//     the connection;
//   - the page's own policies (Content-Security-Policy, COEP, mixed
//     content) and the session cookie's SameSite and Secure: they belong
//     to the page and the cookie, not to this endpoint's answers
//     (`corskit check` names them when they block a call);
//   - user data without a Cookie, and past a redirect: the audit follows
//     none.
//
// # The examples and the CLI
//
// The package examples scan httptest servers: one that reflects every
// origin with credentials (two high findings and a low missing-vary), and
// one whose allowlist is a suffix match (a high suffix-match, with the fix
// listing the one legitimate front end).
//
// `corskit audit URL...` runs this scanner (--targets for a file, text,
// json, jsonl or SARIF output, --fail-on for CI, --shard K/N to split a
// large list across machines, --rate and --concurrency to stay polite);
// audit/README.md lists every probe with its origin and severity, what the
// audit does to caches, and how it compares with CORScanner and Corsy.
package audit
