package fetch

import "time"

// A Profile is a set of browser behaviours where browsers and the Fetch
// Standard part ways. Each field is one deviation, named for what it does;
// the comment says what Chromium does. Chromium is the default profile
// because it is what most users run; Spec is the standard as written.
type Profile struct {
	// Name is shown in traces and reports: "chromium", "firefox", "webkit"
	// or "spec".
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
	// InvalidMaxAgeNoCache makes an Access-Control-Max-Age that does not
	// parse (a word, a fraction, two header lines) mean "do not cache".
	// Firefox: yes. Chromium, WebKit and the standard: the default (5 s)
	// applies. Firefox reads the digits saturating, so a number too large
	// for any integer type is its cap, not an error.
	InvalidMaxAgeNoCache bool

	// ReloadBypassesPreflightCache makes the cache modes no-store and reload
	// skip the preflight cache lookup (no-cache does not), while every
	// successful preflight is still stored. Firefox: yes. It has no effect
	// when CacheModeBypassesPreflightCache is set.
	ReloadBypassesPreflightCache bool

	// WildcardNotCached keeps "*" in Allow-Methods and Allow-Headers from
	// serving later requests from the preflight cache: only the names
	// listed are cached. Firefox: yes. Chromium and WebKit cache "*" for
	// requests without credentials.
	WildcardNotCached bool

	// CacheKeyedByCredentials makes a preflight cache entry serve only
	// requests with the credentials mode of the preflight that made it.
	// Firefox: yes. Chromium, WebKit and the standard: an entry made with
	// credentials also serves requests without.
	CacheKeyedByCredentials bool

	// WildcardCachedForAuthorization lets a cached "Access-Control-Allow-
	// Headers: *" cover Authorization (with WildcardAllowsAuthorization).
	// WebKit: yes. Chromium and Firefox accept the wildcard for it but
	// preflight again every time.
	WildcardCachedForAuthorization bool

	// PreflightAfterRedirect makes a request that needed a preflight
	// preflight again at every cross-origin hop of a redirect, even when the
	// redirect made it simple (303 to GET, Authorization removed). Firefox
	// and WebKit: yes. Chromium and the standard preflight only when the
	// request at the new URL needs it.
	PreflightAfterRedirect bool

	// PreflightKeepsOrigin sends the page's origin in the Origin header of
	// a preflight even after a cross-origin redirect has made the request's
	// origin "null" (the request itself carries "null"). Firefox: yes.
	PreflightKeepsOrigin bool

	// KeepAuthorizationAcrossOrigins keeps a script's Authorization header
	// on a redirect to another origin. WebKit: yes. Chromium, Firefox and
	// the standard remove it.
	KeepAuthorizationAcrossOrigins bool

	// PreflightRedirectAfterAllowOrigin checks a redirected preflight's
	// Access-Control-Allow-Origin before refusing the redirect, so a
	// redirect without the header fails as "missing Allow-Origin".
	// Firefox: yes.
	PreflightRedirectAfterAllowOrigin bool

	// RequestHeadersRepeatNames lists a request header name in
	// Access-Control-Request-Headers once per time the script set it
	// ("x-a,x-a"). Firefox: yes. The standard and the others list each name
	// once.
	RequestHeadersRepeatNames bool

	// SafelistEachLine judges each header line the script set on its own,
	// as the Fetch Standard's header list keeps them: "Content-Type:
	// text/plain" set twice needs no preflight, and with
	// RequestHeadersRepeatNames only the unsafe lines are listed. Firefox:
	// yes (conformance cases pf-content-type-twice-*). Chromium and WebKit
	// judge the combined value ("text/plain, text/plain", not safelisted).
	SafelistEachLine bool

	// PreflightNoCacheHeaders sends the request's cache-mode headers on its
	// preflight too for the cache modes no-store and reload (Pragma:
	// no-cache, Cache-Control: no-cache). Chromium and Firefox: yes
	// (conformance cases cache-no-store-* and cache-reload-*). WebKit and
	// the standard: the preflight, a new request, carries neither.
	PreflightNoCacheHeaders bool

	// PreflightMaxAgeZero sends cache mode no-cache's Cache-Control:
	// max-age=0 on the preflight too. Chromium: yes (cache-no-cache-second).
	PreflightMaxAgeZero bool

	// UnsafeMethodKeepsHTTPCache keeps the responses stored for a URL when
	// a PUT, POST or DELETE to it succeeds. Chromium and Firefox: yes
	// (http-put-invalidates). WebKit and RFC 9111 §4.4: the unsafe method
	// invalidates them.
	UnsafeMethodKeepsHTTPCache bool

	// LocalNetworkAccess makes a fetch from a public page to a local or
	// loopback address need the user's permission, asked before anything
	// is sent (LocalNetworkGate, lna.go); without it the fetch fails
	// (ReasonLocalNetworkAccess), and no response header helps. Chromium
	// 142+: yes (headless Chromium denies it without asking). Firefox ESR
	// 153: yes, as shipped (its fetch waits on the prompt:
	// LocalNetworkWaits). WebKitGTK 2.50: no (its "Enable Local Network
	// Access" feature is off as shipped).
	LocalNetworkAccess bool
	// RefusesUnspecifiedAddress refuses a fetch to 0.0.0.0 or [::] before
	// connecting, from any page (ReasonUnspecifiedAddress). Firefox ESR 153
	// (a network error) and WebKitGTK 2.50 ("restricted network host"):
	// yes. Chromium 156: no; Local Network Access counts the address as
	// loopback (measured: conformance lna-public-to-zero).
	RefusesUnspecifiedAddress bool

	// RedirectCredentialsAnyOrigin fails a cors-mode request redirected to
	// a Location with credentials even within the page's own origin, where
	// the response is not CORS-tainted; no CORS line reaches the console.
	// Chromium 156: yes (conformance case redir-userinfo-page-to-page).
	// Firefox, WebKit and the standard follow such a redirect.
	RedirectCredentialsAnyOrigin bool

	// MixedContentBlocksLocalhost treats http://localhost (and names under
	// .localhost) as mixed content on an https page, and
	// MixedContentBlocksLoopbackIP does the same for http://127.0.0.0/8 and
	// http://[::1]. The Secure Contexts standard calls them potentially
	// trustworthy, so not mixed content, and so do Chromium and Firefox.
	// WebKitGTK 2.50 blocks both (conformance case mixed-localhost...).
	MixedContentBlocksLocalhost  bool
	MixedContentBlocksLoopbackIP bool

	// Messages is the engine whose console lines and TypeError messages the
	// model prints (see ConsoleLines and TypeErrorMessage). The zero value
	// is Chromium's.
	Messages Engine
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
	PreflightNoCacheHeaders:         true,
	PreflightMaxAgeZero:             true,
	UnsafeMethodKeepsHTTPCache:      true,
	LocalNetworkAccess:              true,
	RedirectCredentialsAnyOrigin:    true,
}

// Spec is the Fetch Standard as written, where it leaves nothing to the
// browser; where it does (the Max-Age cap), Spec imposes no limit.
var Spec = Profile{Name: "spec"}

// Firefox is the behaviour measured in Firefox ESR 153 (see
// CONFORMANCE.md): the standard's request rules (no client hints, no
// User-Agent exception), a 24-hour cap on preflight results, a cache keyed
// by credentials mode that ignores "*" and unparsable Max-Age values, and
// preflights repeated after redirects.
var Firefox = Profile{
	Name:                              "firefox",
	WildcardAllowsAuthorization:       true, // with a console warning
	NegativeMaxAgeNoCache:             true,
	InvalidMaxAgeNoCache:              true,
	MaxAgeCap:                         24 * time.Hour,
	ReloadBypassesPreflightCache:      true,
	WildcardNotCached:                 true,
	CacheKeyedByCredentials:           true,
	AllowOriginCheckedBeforeStatus:    true,
	PreflightAfterRedirect:            true,
	PreflightKeepsOrigin:              true,
	PreflightRedirectAfterAllowOrigin: true,
	RequestHeadersRepeatNames:         true,
	SafelistEachLine:                  true,
	PreflightNoCacheHeaders:           true,
	UnsafeMethodKeepsHTTPCache:        true,
	LocalNetworkAccess:                true,
	RefusesUnspecifiedAddress:         true,
	Messages:                          EngineFirefox,
}

// WebKit is the behaviour measured in WebKitGTK 2.50. Its CORS code is
// WebKit's shared WebCore code (CrossOriginAccessControl.cpp,
// CrossOriginPreflightResultCache.cpp), the same as Safari's, though
// WebKitGTK is not Safari: a 10-minute cap on preflight results, a cache
// that ignores the request's cache mode, preflights repeated after
// redirects, and Authorization kept across origins.
var WebKit = Profile{
	Name:                           "webkit",
	WildcardAllowsAuthorization:    true,
	WildcardCachedForAuthorization: true,
	NegativeMaxAgeNoCache:          true,
	MaxAgeCap:                      10 * time.Minute,
	KeepCacheOnFailure:             true,
	PreflightAfterRedirect:         true,
	KeepAuthorizationAcrossOrigins: true,
	MixedContentBlocksLocalhost:    true,
	MixedContentBlocksLoopbackIP:   true,
	RefusesUnspecifiedAddress:      true,
	Messages:                       EngineWebKit,
}

// Profiles are the engines the model knows, by name.
var Profiles = []Profile{Chromium, Firefox, WebKit}

// ProfileNamed returns the profile called name ("chromium", "firefox",
// "webkit" or "spec").
func ProfileNamed(name string) (Profile, bool) {
	for _, p := range append(Profiles, Spec) {
		if p.Name == name {
			return p, true
		}
	}
	return Profile{}, false
}

// defaultMaxAge is the Fetch Standard's cache time for a preflight result
// without Access-Control-Max-Age.
const defaultMaxAge = 5 * time.Second
