// Package cors is a net/http middleware that answers Cross-Origin Resource
// Sharing (CORS) requests exactly as browsers expect, rejects dangerous
// policies when it is built, and costs almost nothing per request.
//
// # CORS in one paragraph
//
// A browser lets a page on one origin (scheme, host, port) send requests to
// another, but it hides the response from the page unless the server says
// the page's origin may read it, with Access-Control-Allow-Origin. Requests
// that a plain HTML form could not have sent (a method other than GET, HEAD
// or POST, or a header such as Authorization or "Content-Type:
// application/json") are first announced by a preflight: an OPTIONS request
// carrying Origin, Access-Control-Request-Method and, if needed,
// Access-Control-Request-Headers. Only if the preflight response approves
// them does the browser send the actual request. The server never blocks
// anything itself: it sends headers, and the browser decides.
//
// # Usage
//
//	mw, err := cors.New(cors.Config{
//		AllowedOrigins:   []string{"https://app.example.com", "https://*.example.com"},
//		AllowCredentials: true,
//		AllowedMethods:   []string{http.MethodPut, http.MethodDelete},
//		AllowedHeaders:   []string{"Content-Type", "Authorization"},
//		MaxAge:           10 * time.Minute,
//	})
//	if err != nil {
//		log.Fatal(err) // every problem in the Config, each naming its field
//	}
//	http.ListenAndServe(":8080", mw.Wrap(api))
//
// Middleware.Wrap has the type func(http.Handler) http.Handler, so it drops
// into chi (r.Use(mw.Wrap)), alice and similar routers as it is.
//
// # What the middleware sends
//
// A request with no Origin header is not a CORS request, and goes to the
// handler. Under AllowedOrigins "*" without credentials the answer is the
// same for every request, with an Origin or without: it carries
// "Access-Control-Allow-Origin: *" (and Access-Control-Expose-Headers when
// configured), and no Vary. Under any other policy it carries no CORS
// header, only "Vary: Origin" (so that a shared cache never serves it to a
// CORS request). A header present in the request's map with no line (an
// empty or nil slice, which outer middleware and tests can build) counts as
// absent.
//
// An actual CORS request (any method, including an OPTIONS without
// Access-Control-Request-Method) always reaches the handler. If its origin is
// allowed, the response carries Access-Control-Allow-Origin (the request's
// origin, or "*" when any origin is allowed without credentials),
// Access-Control-Allow-Credentials: true when AllowCredentials is set, and
// Access-Control-Expose-Headers when configured. If not, it carries no CORS
// header and the browser hides the response from the page.
//
// A preflight (OPTIONS with Origin and Access-Control-Request-Method) is
// answered by the middleware and does not reach the handler, unless
// PreflightPassthrough is set:
//
//   - origin not allowed (several Origin lines included), a malformed
//     Access-Control-Request-Method (not an HTTP token, longer than 64
//     bytes, or sent on several lines), or a malformed or oversized
//     Access-Control-Request-Headers: 403, no CORS headers;
//   - origin allowed, method and headers allowed: PreflightStatus (204), with
//     Access-Control-Allow-Origin, Access-Control-Allow-Credentials,
//     Access-Control-Allow-Methods (the configured list, or the requested
//     method when any method is allowed), Access-Control-Allow-Headers
//     (the requested headers, echoed once validated) and
//     Access-Control-Max-Age;
//   - origin allowed, but method or a header not allowed: PreflightStatus,
//     Access-Control-Allow-Origin and the lists of what is allowed, without
//     Max-Age. The browser then blocks the request and its console names the
//     exact method or header at fault ("Request header field x-api-key is
//     not allowed by Access-Control-Allow-Headers in preflight response"),
//     instead of a vague "no Access-Control-Allow-Origin header".
//
// Every preflight response carries "Vary: Origin,
// Access-Control-Request-Method, Access-Control-Request-Headers". Vary values
// are added to whatever an outer middleware has set; handlers should likewise
// use Header().Add("Vary", ...), not Set.
//
// Every Vary token goes out on one line. Some shared caches read only one
// of several Vary lines (nginx's proxy_cache keys on the last), so a
// handler's or a gzip middleware's "Vary: Accept-Encoding" beside the
// middleware's "Vary: Origin" would let them serve one origin's answer to
// another. The middleware therefore hands the handler of a response that
// varies on Origin a ResponseWriter that, as the header goes out (or when
// the handler returns without writing), joins the Vary lines into one, each
// token once, compared case-insensitively, in the order first seen ("*"
// alone if "*" is among them); it merges those of preflights it answers
// itself too. That writer is an http.Flusher or http.Hijacker exactly when
// the server's is, and unwraps (Unwrap) for http.ResponseController;
// http.Pusher is not forwarded. A response with one Vary line is left as
// it is. The merge cannot reach a Vary line that a middleware outside this
// one adds after the header is written.
//
// # Safety
//
// New rejects, with one [*ConfigError] per problem joined by errors.Join,
// every configuration that is invalid or dangerous: origins that are not
// origins (paths, default ports, wildcards in the wrong place), "*" with
// credentials, "null", insecure origins with credentials, wildcards over a
// public suffix, methods and headers that are not tokens or that browsers
// never send, and absurd Max-Age values. The dangerous-but-legitimate
// choices each have an explicit Config field whose name starts with Unsafe.
//
// Request headers are never trusted to be small: Access-Control-Request-
// Headers is parsed with hard bounds (elements and bytes), so a hostile
// preflight costs bounded work and gets a 403, never a panic or a 500.
//
// The header values a handler can see are never shared with another
// response, nor with the request: a handler that edits or appends to them in
// place changes its own response only (rs/cors issue 198). They share one
// allocation per response with the writer that merges Vary: 48 bytes for
// an answer without CORS headers, 96 for an allowed request (with
// credentials and exposed headers or not). A preflight that the
// middleware answers itself reaches no handler, so its constant values
// (Vary, Access-Control-Allow-Credentials, the configured
// Access-Control-Allow-Methods, Access-Control-Max-Age) are read-only slices
// shared by the policy's responses, and only the values taken from the
// request get storage of their own (32 bytes for a typical preflight). Code
// that wraps the middleware may append to those values (Header().Add) or
// replace them (Header().Set), which copies them; it must not assign to an
// element in place. With PreflightPassthrough every value is the response's
// own, as for actual requests.
//
// # Reconfiguration
//
// Middleware.Reconfigure validates and compiles a new Config and swaps it in
// atomically: each request sees either the old or the new policy, never a
// mix, and a bad Config leaves the old policy in place.
//
// # In production
//
// [Config.OnReject] is called once for each refused request, with a
// [Rejection]: its reason (an ID of package reason, the vocabulary of the
// browser model and `corskit check`), the offending value (bounded), the
// policy's generation, and [Rejection.Console], the line the user's
// browser printed. [Config.Logger] gets an Info record per rejection, at
// most 10 a second, and Debug records saying why a request was not a CORS
// request or not a preflight; log the Middleware itself (a slog.LogValuer)
// at start-up to record the policy in force. [Middleware.Protect] and
// [Middleware.TrustedOrigins] give Go's http.CrossOriginProtection the
// policy's allowlist. docs/production.md has the details, a dashboard and
// what other middlewares offer; examples/metrics counts rejections in
// Prometheus and OpenTelemetry.
//
// # Routers and frameworks
//
// The module github.com/corskit/corskit/examples shows, each with a test
// that sends a real preflight through the router, where the middleware
// goes:
//
//   - examples/servemux: around a net/http ServeMux. The mux has no
//     OPTIONS route, so a per-route middleware never sees a preflight.
//   - examples/chi: r.Use(mw.Wrap) in chi.
//   - examples/gorillamux: around a gorilla/mux router, not r.Use, which
//     runs only when a route matches, and a PUT route does not match the
//     preflight's OPTIONS (the classic OPTIONS 404 or 405).
//   - examples/gin: around a Gin engine, or through a small adapter.
//   - examples/echo: e.Pre(echo.WrapMiddleware(mw.Wrap)) in Echo.
//   - examples/reverseproxy: in front of an httputil.ReverseProxy that
//     strips the upstream's CORS headers, so that
//     Access-Control-Allow-Origin is never doubled.
//
// For per-tenant policies (examples/tenants), use one Middleware per
// tenant, chosen by the request's Host, and update it with
// [Middleware.Reconfigure]. Never decide the policy from other request
// data (a cookie, a header, a database row): the response would then
// depend on something no Vary header names, and a shared cache would serve
// one tenant's answer to another's page (rs/cors issue 157). Config has no
// request-aware callback, on purpose.
package cors
