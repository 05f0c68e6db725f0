// Package fetch models the browser's half of CORS: what a page's fetch()
// call turns into on the wire, and what the page gets back.
//
// The server only sends headers; the browser decides. Before sending, it
// drops the headers scripts may not set, refuses forbidden methods, and
// decides whether the request is "simple" or needs a preflight: an OPTIONS
// request asking permission for the method and the non-safelisted headers
// (Classify says which, and why). It then checks the preflight response and
// the actual response (Access-Control-Allow-Origin, -Credentials, -Methods,
// -Headers), caches preflight results, follows redirects (an Origin of
// "null" once a redirect has crossed origins), and exposes to script only
// the response headers the server listed. When it refuses, the page learns
// only "TypeError: Failed to fetch"; the reason goes to the DevTools
// console. Error.ConsoleMessage returns that line, byte for byte.
//
// # Use
//
// A Browser holds a profile, a preflight cache and an HTTP cache, and sends requests with
// any http.RoundTripper: a live URL, a loopback server, or a handler
// in-process (see corstest.HandlerTransport). With an *http.Transport (the
// default), the Browser writes each request and reads each answer itself,
// over HTTP/1.1 on a connection of its own dialled as the Transport dials,
// so that it sends and reads what browsers do where net/http would not:
// control bytes in header values, "Connection: close" kept; a NUL in an
// answer's header is a *ResponseError. A request the Transport's Proxy
// sends through a proxy goes through the Transport instead, and is read
// its way. HTTP/2 is not spoken: CORS is the same over both.
//
//	b := &fetch.Browser{} // Chromium profile, http.DefaultTransport
//	res, err := b.Fetch(ctx, fetch.Request{
//		Origin:  origin.MustParse("https://app.example.com"),
//		Method:  "PUT",
//		URL:     "https://api.example.com/items/1",
//		Headers: []fetch.Header{{Name: "Content-Type", Value: "application/json"}},
//	})
//	if err != nil { ... }            // the request itself is unusable
//	if !res.Allowed() {
//		fmt.Println(res.Err)           // the console message
//	}
//	fmt.Print(fetch.FormatTrace(res.Trace)) // preflight, cache hits, redirects
//
// # Profiles
//
// Chromium (the default) is the behaviour measured in Chromium 156; Firefox
// the behaviour measured in Firefox ESR 153; WebKit the behaviour measured in
// WebKitGTK 2.50, whose CORS code is the WebCore code Safari also runs; Spec
// is the Fetch Standard as written. Each difference is one named field of
// Profile, and each engine has its own message catalogue: Error.Error is
// Chromium's console line, Profile.ConsoleLines and Profile.TypeErrorMessage
// give any engine's. The conformance table (internal/corscase, 251 cases)
// runs in the three real browsers and in this model in CI, and each engine
// agrees with its profile on every case: verdict, status and headers visible
// to script, every request on the wire, the TypeError's text and the console
// lines. CONFORMANCE.md lists where the engines and Spec differ.
//
// # Sequences and caches
//
// Successive calls on one Browser share its two caches, as successive calls
// from one page do. The preflight cache keeps each successful preflight's
// methods and headers for its Access-Control-Max-Age (5 s without one),
// capped per engine; Result.PreflightCache says for each call whether its
// preflight was served from it and, if not, why (no entry, expired, the
// other credentials mode, a name not covered, the cache mode). The HTTP
// cache follows RFC 9111 as browsers apply it to GET responses: freshness
// from max-age, Expires minus Date, or 10% of the time since
// Last-Modified; revalidation with If-None-Match and If-Modified-Since, a
// 304's headers merged into the stored response before the CORS check
// runs on it; Vary (Origin included); partitions by the page's site; the
// request cache modes with their request headers. Result.HTTPCache says how
// each call was served. Set Browser.Now to move time between calls (and
// Browser.ServerNow when the servers are real and Now runs ahead of them).
//
// # The gates before CORS
//
// A Request with a Page (the calling document's URL and Content Security
// Policy) meets the gates a browser applies before any request: the page's
// CSP (connect-src, or default-src without it; report-only policies only
// warn, Result.CSPViolations) and mixed content (an https page calling
// plain http on a host the engine does not trust: Chromium and Firefox
// trust loopback, WebKitGTK does not). Each refuses before anything is
// sent, at any hop of a redirect, with ReasonCSPConnectSrc or
// ReasonMixedContent, and each engine's own console lines. fetch() calls
// are blockable mixed content; the upgradable kind (images, media) is not
// modelled. Without a Page the gates do not apply.
//
// # Bad and hostile input
//
// Fetch refuses, before sending anything, what fetch() itself refuses with
// a TypeError: a method that is not an HTTP token ("P T", or one carrying
// CR or LF), a header name that is not a token, a header value with CR, LF
// or NUL once trimmed. The error is a *RequestError whose TypeError field
// is Chromium's message, so such bytes never reach the wire or a trace.
// It also refuses more than MaxHeaders (256) script headers or more than
// MaxHeaderBytes (256 KiB) of names and values, with a *RequestError
// wrapping ErrHeaderLimit: a bound of the model, not of browsers, so that
// the work per request stays linear and small. The context given to Fetch
// is checked before each round trip.
//
// # What is not modelled
//
// Cookies are not stored or sent (Exchange.Credentials says whether the
// browser would send them); the HTTP cache stores GET responses only (no
// HEAD, no stale-while-revalidate, no heuristic caps, no Range), and a
// Browser's caches live only as long as it does; Private Network Access is gone from
// Chromium 156 and is not modelled; only http and https URLs.
package fetch
