// Package reason is corskit's one vocabulary of why a cross-origin call
// fails, and of the console text each browser engine prints for it.
//
// The browser model (package fetch) reports a failed fetch with an [ID];
// the middleware (package cors) names the cause of a rejection with the
// same ID, so that `corskit check`, the model, a log record and a metric
// say "header-not-allowed" for the same thing. It imports only the
// standard library, so that the middleware can use it without pulling in
// the model.
package reason

import "fmt"

// ID says why a fetch failed, or why the middleware refused a request.
// Its String form is stable: logs, metrics and JSON reports use it.
type ID int

// The reasons. None is success. The CORS reasons are Chromium's; each has
// the console text Chromium prints for it (see [ChromiumDetail]).
const (
	None ID = iota

	// CORS check of a response (actual or preflight).
	MissingAllowOrigin       // no Access-Control-Allow-Origin
	WildcardOriginNotAllowed // "*" with credentials mode include
	MultipleAllowOrigin      // several values, or several header lines
	InvalidAllowOrigin       // a value that is not an origin
	AllowOriginMismatch      // an origin, but not the request's
	InvalidAllowCredentials  // credentials mode include, and ACAC is not exactly "true"

	// Preflight only.
	PreflightInvalidStatus // not a 2xx status
	PreflightRedirect      // a preflight is never redirected
	InvalidAllowMethods    // Access-Control-Allow-Methods does not parse
	InvalidAllowHeaders    // Access-Control-Allow-Headers does not parse
	MethodNotAllowed       // the method is not in Access-Control-Allow-Methods
	HeaderNotAllowed       // a header is not in Access-Control-Allow-Headers

	// Redirects.
	RedirectContainsCredentials // a cross-origin Location with user:password@
	TooManyRedirects            // more than 20 redirects
	RedirectModeError           // redirect mode "error" met a redirect

	// Not CORS: the browser refuses before or without the CORS protocol.
	ForbiddenMethod  // CONNECT, TRACE, TRACK: fetch() throws
	NoCORSMethod     // mode no-cors with a method other than GET, HEAD, POST: fetch() throws
	SameOriginMode   // mode same-origin, cross-origin URL
	Network          // the request never got a response (refused, reset, TLS...)
	OnlyIfCachedMode // cache mode only-if-cached outside same-origin mode: fetch() throws
	BadPort          // a port on the Fetch Standard's bad-port list: refused before any request
	UnsafeRedirect   // a redirect to a scheme other than http(s), such as data:

	// LocalNetworkAccess is a fetch from a page to a more private address
	// space (public to loopback...) without the user's Local Network
	// Access permission (Chromium 142+): refused before any request.
	// Chromium words it as a CORS failure, but no response header fixes it.
	LocalNetworkAccess

	// MixedContent is a fetch from a page served over https to an http URL
	// that is not potentially trustworthy (loopback is): blockable mixed
	// content, refused before any request. The fix is https on the API.
	MixedContent
	// CSPConnectSrc is a fetch the page's Content Security Policy refuses
	// (connect-src, or default-src in its absence), before any request.
	// The fix is the page's policy, on the page's server.
	CSPConnectSrc

	// Server side only: a preflight no browser sends. The middleware
	// refuses it (403, no CORS headers); the model never reports these.
	InvalidRequestMethod  // Access-Control-Request-Method is not one method name of at most 64 bytes
	InvalidRequestHeaders // Access-Control-Request-Headers does not parse, or is over its bounds

	// Not CORS: a guard on the server answered before the handler ran,
	// whatever the CORS policy allows. The model never reports these as
	// a fetch's reason (the browser sees a 403, readable or not);
	// package explain recognises the guard from its answer and names it
	// with one of these IDs.
	CSRFGuard     // Go's http.CrossOriginProtection refused the origin (403)
	DjangoCSRF    // Django's CsrfViewMiddleware: "CSRF verification failed. Request aborted." (403)
	ViteHostCheck // Vite's dev server: "Blocked request. This host (...) is not allowed." (403)
	NextDevOrigin // Next.js's dev server: "Unauthorized" (403) for /_next/* from a host not in allowedDevOrigins

	// Not CORS: a cookie the browser holds was not sent with the call, or
	// a Set-Cookie in the answer was not stored, although CORS may have
	// passed. Each maps to one of Chromium's DevTools cookie exclusion
	// reasons ([DevToolsCookieReason]); the fix is the API's Set-Cookie.
	CookieCredentialsMode       // credentials mode omit, or same-origin on a cross-origin call
	CookieDomainMismatch        // ExcludeDomainMismatch
	CookieNotOnPath             // ExcludeNotOnPath
	CookieSecureOnly            // ExcludeSecureOnly: Secure cookie, URL not potentially trustworthy
	CookieSameSiteStrict        // ExcludeSameSiteStrict
	CookieSameSiteLax           // ExcludeSameSiteLax
	CookieUnspecifiedLax        // ExcludeSameSiteUnspecifiedTreatedAsLax
	CookieSameSiteNoneInsecure  // ExcludeSameSiteNoneInsecure
	CookieThirdPartyBlocked     // ExcludeThirdPartyPhaseout / ThirdPartyBlockedInFirstPartySet: the engine blocks third-party cookies
	CookieThirdPartyPartitioned // the cookie lives in another partition (Firefox Total Cookie Protection, CHIPS)

	// Not CORS: a cross-origin load in no-cors mode (an <img> without
	// crossorigin, fetch() with mode "no-cors") refused after its answer
	// by Cross-Origin-Resource-Policy. The fix is CORP on the resource's
	// server, or CORS mode (crossorigin) with CORS headers.
	COEPCORPMissing   // the page's COEP require-corp, and the answer has no CORP
	CORPNotSameOrigin // CORP same-origin, cross-origin load
	CORPNotSameSite   // CORP same-site, cross-site load

	// UnspecifiedAddress is a fetch to 0.0.0.0 or [::], which Firefox and
	// WebKit refuse before connecting (Chromium treats it as loopback for
	// Local Network Access). Not CORS: the fix is to call 127.0.0.1.
	UnspecifiedAddress

	// ORBBlocked is Opaque Response Blocking: a cross-origin no-cors load
	// (an <img> without crossorigin, fetch() with mode "no-cors") whose
	// answer is not an image, media, a script or a style sheet (JSON,
	// HTML, XML, text with nosniff...) is refused after its answer. Not
	// CORS: the fix is the answer's Content-Type, or CORS mode with CORS
	// headers for data meant to be read cross-origin.
	ORBBlocked

	// Not CORS: the page's Content Security Policy refuses a load that is
	// not a connection (fetch(), XMLHttpRequest, EventSource and WebSocket
	// are CSPConnectSrc), by the directive of its kind or default-src, before
	// any request. The fix is the page's policy, on the page's server.
	CSPImgSrc    // an <img>: img-src
	CSPScriptSrc // a classic or module <script>: script-src-elem, then script-src
	CSPFontSrc   // a font: font-src
	CSPStyleSrc  // a <link rel=stylesheet>: style-src-elem, then style-src

	// WebSocketHandshake is a WebSocket whose handshake was not answered
	// 101 Switching Protocols (with the right Sec-WebSocket-Accept). A
	// WebSocket has no CORS: no Access-Control-* header matters, the
	// server alone decides by the handshake's Origin (and the audit's
	// cross-site-websocket finding is the other side of that).
	WebSocketHandshake
)

var names = [...]string{
	None:                        "none",
	MissingAllowOrigin:          "missing-allow-origin",
	WildcardOriginNotAllowed:    "wildcard-origin-not-allowed",
	MultipleAllowOrigin:         "multiple-allow-origin",
	InvalidAllowOrigin:          "invalid-allow-origin",
	AllowOriginMismatch:         "allow-origin-mismatch",
	InvalidAllowCredentials:     "invalid-allow-credentials",
	PreflightInvalidStatus:      "preflight-invalid-status",
	PreflightRedirect:           "preflight-redirect",
	InvalidAllowMethods:         "invalid-allow-methods",
	InvalidAllowHeaders:         "invalid-allow-headers",
	MethodNotAllowed:            "method-not-allowed",
	HeaderNotAllowed:            "header-not-allowed",
	RedirectContainsCredentials: "redirect-contains-credentials",
	TooManyRedirects:            "too-many-redirects",
	RedirectModeError:           "redirect-mode-error",
	ForbiddenMethod:             "forbidden-method",
	NoCORSMethod:                "no-cors-method",
	SameOriginMode:              "same-origin-mode",
	Network:                     "network",
	OnlyIfCachedMode:            "only-if-cached-mode",
	BadPort:                     "bad-port",
	UnsafeRedirect:              "unsafe-redirect",
	LocalNetworkAccess:          "local-network-access",
	UnspecifiedAddress:          "unspecified-address",
	MixedContent:                "mixed-content",
	CSPConnectSrc:               "csp-connect-src",
	InvalidRequestMethod:        "invalid-request-method",
	InvalidRequestHeaders:       "invalid-request-headers",
	CSRFGuard:                   "csrf-guard",
	DjangoCSRF:                  "django-csrf",
	ViteHostCheck:               "vite-host-check",
	NextDevOrigin:               "next-dev-origin",
	CookieCredentialsMode:       "cookie-credentials-mode",
	CookieDomainMismatch:        "cookie-domain-mismatch",
	CookieNotOnPath:             "cookie-not-on-path",
	CookieSecureOnly:            "cookie-secure-only",
	CookieSameSiteStrict:        "cookie-samesite-strict",
	CookieSameSiteLax:           "cookie-samesite-lax",
	CookieUnspecifiedLax:        "cookie-samesite-unspecified-treated-as-lax",
	CookieSameSiteNoneInsecure:  "cookie-samesite-none-insecure",
	CookieThirdPartyBlocked:     "cookie-third-party-blocked",
	CookieThirdPartyPartitioned: "cookie-third-party-partitioned",
	COEPCORPMissing:             "coep-corp-missing",
	CORPNotSameOrigin:           "corp-not-same-origin",
	CORPNotSameSite:             "corp-not-same-site",
	ORBBlocked:                  "orb-blocked",
	CSPImgSrc:                   "csp-img-src",
	CSPScriptSrc:                "csp-script-src",
	CSPFontSrc:                  "csp-font-src",
	CSPStyleSrc:                 "csp-style-src",
	WebSocketHandshake:          "websocket-handshake",
}

// String returns the reason's stable, kebab-case name (used in JSON, logs
// and metric labels).
func (r ID) String() string {
	if r >= 0 && int(r) < len(names) {
		return names[r]
	}
	return fmt.Sprintf("reason(%d)", int(r))
}

// IsGuard reports whether the reason is a guard on the server (a CSRF
// guard, a dev server's host check) that refused the request before its
// handler ran: not CORS, and no CORS header fixes it.
func (r ID) IsGuard() bool {
	return r >= CSRFGuard && r <= NextDevOrigin
}

// IsCORP reports whether the reason is a Cross-Origin-Resource-Policy
// refusal of a no-cors load (with or without the page's COEP).
func (r ID) IsCORP() bool {
	return r >= COEPCORPMissing && r <= CORPNotSameSite
}

// IsCSP reports whether the reason is the page's Content Security
// Policy refusing a load, by whichever directive governs its kind.
func (r ID) IsCSP() bool {
	return r == CSPConnectSrc || r >= CSPImgSrc && r <= CSPStyleSrc
}

// IsCORS reports whether the reason is a CORS policy failure: one the
// server can fix by sending other headers.
func (r ID) IsCORS() bool {
	return r >= MissingAllowOrigin && r <= RedirectContainsCredentials
}

// All returns every reason but None, in order: for tables and tests that
// must cover the whole vocabulary.
func All() []ID {
	out := make([]ID, 0, len(names)-1)
	for i := 1; i < len(names); i++ {
		out = append(out, ID(i))
	}
	return out
}

// Engine names a browser engine whose messages are known: each engine
// words its console lines and the TypeError fetch() rejects with in its
// own way, and a developer searching for the text their browser shows
// must find that text, byte for byte.
type Engine int

// The engines. The zero value is Chromium.
const (
	Chromium Engine = iota
	Firefox
	WebKit
)

func (e Engine) String() string {
	switch e {
	case Chromium:
		return "chromium"
	case Firefox:
		return "firefox"
	case WebKit:
		return "webkit"
	}
	return fmt.Sprintf("engine(%d)", int(e))
}
