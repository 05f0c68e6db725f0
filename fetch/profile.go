package fetch

import "time"

// A Profile is a set of browser behaviours where browsers and the Fetch
// Standard part ways. Each field is one deviation, named for what it does;
// the comment says what Chromium does. Chromium is the default profile
// because it is what most users run; Spec is the standard as written.
type Profile struct {
	// Name is shown in traces and reports: "chromium" or "spec".
	Name string

	// ClientHintsSafelisted makes the client-hint request headers DPR,
	// Downlink, ECT, RTT, Save-Data, Viewport-Width, Width, Device-Memory
	// and Intervention CORS-safelisted when their values are well formed.
	// Chromium: yes. The standard: no, they need a preflight.
	ClientHintsSafelisted bool

	// UserAgentIgnored drops a User-Agent header set by script: the default
	// one is sent and no preflight is needed. Chromium: yes. The standard no
	// longer forbids the header, so it makes the request non-simple.
	UserAgentIgnored bool

	// WildcardAllowsAuthorization lets "Access-Control-Allow-Headers: *"
	// cover Authorization (in requests without credentials). Chromium: yes
	// (its CorsNonWildcardRequestHeadersSupport is off); such a result is not
	// cached for Authorization. The standard: Authorization must be named.
	WildcardAllowsAuthorization bool

	// NegativeMaxAgeNoCache makes a negative Access-Control-Max-Age ("-1",
	// "-0") mean "do not cache". Chromium: yes. The standard: such a value
	// does not parse, so the 5 s default applies.
	NegativeMaxAgeNoCache bool

	// MaxAgeCap is the longest a preflight result is cached; 0 means no cap.
	// Chromium: 2 hours. The standard leaves the limit to the browser.
	MaxAgeCap time.Duration

	// KeepCacheOnFailure keeps a preflight cache entry when the actual
	// request that used it then fails the CORS check. Chromium: keeps it.
	// The standard: clears the entries for that origin and URL.
	KeepCacheOnFailure bool

	// CacheModeBypassesPreflightCache makes the request cache modes
	// no-store, reload and no-cache skip the preflight cache lookup, and
	// no-store also skip storing the result. Chromium: yes. The standard:
	// the preflight cache ignores the request's cache mode.
	CacheModeBypassesPreflightCache bool

	// AllowOriginCheckedBeforeStatus reports a preflight that fails both the
	// Access-Control-Allow-Origin check and the ok-status check by its
	// Allow-Origin problem. Chromium: yes (a 500 without the header reads "No
	// 'Access-Control-Allow-Origin' header is present"). The standard fails
	// both the same way; this profile then reports the status first.
	AllowOriginCheckedBeforeStatus bool
}

// Chromium is the behaviour measured in Chromium 156 (see
// shared/reference/chromium.md and CONFORMANCE.md).
var Chromium = Profile{
	Name:                            "chromium",
	ClientHintsSafelisted:           true,
	UserAgentIgnored:                true,
	WildcardAllowsAuthorization:     true,
	NegativeMaxAgeNoCache:           true,
	MaxAgeCap:                       2 * time.Hour,
	KeepCacheOnFailure:              true,
	CacheModeBypassesPreflightCache: true,
	AllowOriginCheckedBeforeStatus:  true,
}

// Spec is the Fetch Standard as written, where it leaves nothing to the
// browser; where it does (the Max-Age cap), Spec imposes no limit.
var Spec = Profile{Name: "spec"}

// defaultMaxAge is the Fetch Standard's cache time for a preflight result
// without Access-Control-Max-Age.
const defaultMaxAge = 5 * time.Second

// Firefox is the behaviour measured in Firefox ESR 153 (see CONFORMANCE.md).
var Firefox = Profile{
	Name:      "firefox",
	MaxAgeCap: 24 * time.Hour,
}

// WebKit is the behaviour measured in WebKitGTK 2.50, whose CORS code is
// WebKit's shared WebCore code, the same as Safari's.
var WebKit = Profile{
	Name:      "webkit",
	MaxAgeCap: 10 * time.Minute,
}
