package cors

import (
	"log/slog"
	"net/http"
	"time"
)

// Config describes a CORS policy. The zero value is not a valid policy: at
// least one allowed origin is required. Pass a Config to [New]; it is copied,
// validated and compiled, so changing it afterwards has no effect.
//
// Fields are grouped by the part of the protocol they control. Fields whose
// name starts with Unsafe unlock a choice that is dangerous by default; each
// is named after exactly one risk, so a code reviewer sees it.
type Config struct {
	// ----- Origins -----

	// AllowedOrigins lists the origins whose pages may read responses.
	// Each element is one of:
	//
	//   - an exact origin, as browsers send it: "https://app.example.com",
	//     "http://localhost:8080" (scheme, host, optional non-default port;
	//     no path, no trailing slash). Unicode hosts are accepted and
	//     stored as punycode;
	//   - a subdomain pattern: "https://*.example.com" allows every
	//     subdomain at any depth, but not example.com itself;
	//   - a port pattern: "http://localhost:*" allows every port;
	//   - "null", the opaque origin, only with UnsafeAllowNullOrigin;
	//   - "*" alone, any origin.
	//
	// A subdomain pattern that ranges over a public suffix ("https://*.com",
	// "https://*.github.io") is rejected unless
	// UnsafeAllowPublicSuffixWildcards is set.
	AllowedOrigins []string

	// ----- Credentials -----

	// AllowCredentials lets pages read responses to requests made with
	// credentials (cookies, HTTP authentication, TLS client certificates):
	// allowed responses carry "Access-Control-Allow-Credentials: true".
	//
	// It cannot be combined with AllowedOrigins "*" (unless
	// UnsafeAllowAnyOriginWithCredentials), nor with origins on an insecure
	// scheme such as http:// (unless UnsafeAllowInsecureOriginsWithCredentials;
	// loopback hosts such as http://localhost are exempt, as browsers treat
	// them as secure contexts).
	AllowCredentials bool

	// ----- Methods -----

	// AllowedMethods lists the methods a preflight may approve, beyond the
	// CORS-safelisted GET, HEAD and POST, which browsers never preflight for
	// their method alone. "*" alone allows any method.
	//
	// Method names are case-sensitive, except DELETE, GET, HEAD, OPTIONS,
	// POST and PUT, which browsers uppercase before sending: "put" in the
	// configuration means PUT, while "PATCH" and "patch" are different
	// methods. CONNECT, TRACE and TRACK are rejected: browsers refuse to
	// send them. A method name is at most 64 bytes: New refuses a longer
	// one, and a preflight asking for a longer one, even under "*", gets
	// 403 like any malformed Access-Control-Request-Method.
	//
	// Methods restrict preflights only: like the Fetch Standard, the
	// middleware does not check the method of the actual request.
	AllowedMethods []string

	// ----- Request headers -----

	// AllowedHeaders lists the request header names (case-insensitive)
	// that a preflight may approve. Headers that are CORS-safelisted
	// with their value (Accept, Accept-Language, Content-Language, and
	// Content-Type with one of three form/text MIME types) never need to be
	// listed; Content-Type with "application/json" does.
	//
	// "*" alone allows any header, Authorization included. The middleware
	// then echoes the preflight's Access-Control-Request-Headers back rather
	// than sending a literal "*": the Fetch Standard's "*" excludes
	// Authorization and means nothing with credentials, while Chromium lets
	// Authorization through; echoing works the same in every browser.
	//
	// Forbidden request headers (Cookie, Host, Origin, Sec-*, Proxy-*, ...)
	// are rejected: browsers never let scripts set them.
	AllowedHeaders []string

	// ----- Response headers -----

	// ExposedHeaders lists the response header names that scripts may
	// read, beyond the CORS-safelisted Cache-Control, Content-Language,
	// Content-Length, Content-Type, Expires, Last-Modified and Pragma.
	// "*" alone exposes every header, but only without credentials (browsers
	// read it as the literal name "*" otherwise, so it is rejected with
	// AllowCredentials). Set-Cookie is never exposed and is rejected.
	ExposedHeaders []string

	// ----- Preflight -----

	// MaxAge is how long a browser may cache a successful preflight,
	// in whole seconds, sent as Access-Control-Max-Age:
	//
	//   - 0: the header is omitted and browsers use their default, 5 s;
	//   - 1 s to 24 h: sent as is; Chromium caps it at 2 h (7200 s),
	//     Firefox at 24 h;
	//   - negative, fractional or above 24 h: a configuration error.
	//
	// To forbid caching, set DisablePreflightCache instead.
	MaxAge time.Duration

	// DisablePreflightCache sends "Access-Control-Max-Age: 0", so that
	// browsers send a preflight before every non-simple request. It cannot
	// be combined with a non-zero MaxAge.
	DisablePreflightCache bool

	// PreflightStatus is the status of a successful preflight response:
	// 0 means 204 No Content; otherwise it must be in 200-299 (some old
	// clients want 200). Rejected preflights get 403 Forbidden.
	PreflightStatus int

	// PreflightPassthrough passes preflight requests on to the wrapped
	// handler, after setting the CORS headers, instead of answering them.
	// Use it when the handler itself must see OPTIONS requests; it then
	// owns the status code.
	PreflightPassthrough bool

	// ----- Diagnostics -----

	// Logger, when non-nil, receives one Info record each time a CORS
	// request or preflight is rejected, saying why: the reason (the same
	// ID as Rejection.Reason), the offending origin, method or header, the
	// policy's generation. At most 10 such records a second are written, so
	// that a hostile client cannot flood the log; the next record says how
	// many were suppressed. At Debug level it also says why a request was
	// let through without CORS checks (no Origin header; an OPTIONS without
	// Access-Control-Request-Method, which is not a preflight). It costs
	// nothing when nil.
	Logger *slog.Logger

	// OnReject, when non-nil, is called once for each request the policy
	// refuses (an origin, method or header it does not allow, or a
	// malformed preflight), in the request's goroutine, before the handler
	// runs or the refused preflight is answered; never for a request it
	// allows. Use it to count rejections ([Rejection.Reason] is a small,
	// fixed set: a safe metric label, unlike the Origin) or to report them.
	// It must be safe for concurrent use and quick; it must not keep r
	// beyond the call. It costs nothing when nil.
	OnReject func(r *http.Request, rj Rejection)

	// ----- Unsafe -----

	// UnsafeAllowAnyOriginWithCredentials allows AllowedOrigins "*"
	// together with AllowCredentials. Browsers refuse a literal "*" with
	// credentials, so the middleware then reflects every request's Origin
	// (any value of at most 512 bytes of visible ASCII without a comma):
	// any web page can read your users' authenticated responses
	// (CVE-2018-20744 class). Only for deliberately public, credentialed
	// endpoints.
	UnsafeAllowAnyOriginWithCredentials bool

	// UnsafeAllowNullOrigin allows "null" in AllowedOrigins. Sandboxed
	// iframes, data: URLs and some redirects send "Origin: null", and any
	// attacker can produce them, so trusting null is trusting everyone.
	UnsafeAllowNullOrigin bool

	// UnsafeAllowInsecureOriginsWithCredentials allows origins on an
	// insecure scheme (http://, ws://) together with AllowCredentials. A
	// network attacker who can inject script into that plaintext origin can
	// then read credentialed responses.
	UnsafeAllowInsecureOriginsWithCredentials bool

	// UnsafeAllowPublicSuffixWildcards allows subdomain patterns whose
	// wildcard covers a public suffix, such as "https://*.github.io", where
	// anyone can register a subdomain and host a page.
	UnsafeAllowPublicSuffixWildcards bool
}
