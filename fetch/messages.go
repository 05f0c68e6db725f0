package fetch

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/corskit/corskit/internal/httplist"
	"github.com/corskit/corskit/reason"
)

// Engine names a browser engine whose messages the model prints: each
// engine words its console lines and the TypeError fetch() rejects with in
// its own way, and a developer searching for the text their browser shows
// must find that text, byte for byte. It is package reason's Engine, shared
// with the middleware's rejections.
type Engine = reason.Engine

// The engines. The zero value is Chromium, the default profile's.
const (
	EngineChromium = reason.Chromium
	EngineFirefox  = reason.Firefox
	EngineWebKit   = reason.WebKit
)

// ConsoleLines returns the lines the engine of profile p writes in the
// developer console for the fetch r, in order: for a blocked fetch, its
// error lines; for any fetch, the warnings the engine prints about it
// (Firefox warns when "Access-Control-Allow-Headers: *" lets Authorization
// through). Generic network lines ("Failed to load resource") are left
// out. It needs r's Trace: the failing exchange is its last.
func (p Profile) ConsoleLines(r *Result) []string {
	if r.MixedUpgrade != nil {
		return append(p.upgradeConsole(r), p.consoleLines(r)...)
	}
	return p.consoleLines(r)
}

// consoleLines is ConsoleLines but for an upgradable load's line.
func (p Profile) consoleLines(r *Result) []string {
	if isKindLine(r.Request.Kind) {
		return p.kindConsole(r) // kindconsole.go
	}
	if r.Err != nil && r.Err.Reason.IsCORP() {
		return p.corpConsole(r)
	}
	if r.Err != nil && (r.Err.Reason == ReasonLocalNetworkAccess || r.Err.Reason == ReasonUnspecifiedAddress) {
		return p.localNetworkConsole(r)
	}
	if r.Err != nil && r.Err.Reason == ReasonORBBlocked {
		return p.orbConsole(r)
	}
	gates := p.gateConsole(r)
	if r.Err != nil && IsGate(r.Err.Reason) {
		return gates
	}
	return p.forDestination(r, append(append(gates, p.firefoxLocalNetwork(r)...), p.corsConsole(r)...))
}

// corsConsole is ConsoleLines without the gates' lines.
func (p Profile) corsConsole(r *Result) []string {
	switch p.Messages {
	case EngineFirefox:
		return firefoxConsole(r)
	case EngineWebKit:
		return webkitConsole(r)
	}
	if e := r.Err; e != nil && (e.Reason.IsCORS() || e.Reason == ReasonSameOriginMode || e.Reason == ReasonLocalNetworkAccess) {
		return []string{e.ConsoleMessage()}
	}
	return nil
}

// TypeErrorMessage is the message of the TypeError that fetch() rejects
// with (or throws) in the engine of profile p, for a fetch r that failed.
func (p Profile) TypeErrorMessage(r *Result) string {
	e := r.Err
	if e == nil {
		return ""
	}
	switch p.Messages {
	case EngineFirefox:
		switch e.Reason {
		case ReasonForbiddenMethod, ReasonNoCORSMethod:
			return fmt.Sprintf("Window.fetch: Invalid request method %s.", e.Value)
		case ReasonOnlyIfCachedMode:
			return fmt.Sprintf("Window.fetch: Request mode '%s' was used, but request cache mode 'only-if-cached' can only be used with request mode 'same-origin'.", r.Request.Mode)
		}
		return "NetworkError when attempting to fetch resource."
	case EngineWebKit:
		switch e.Reason {
		case ReasonForbiddenMethod:
			return "Method is forbidden."
		case ReasonNoCORSMethod:
			return "Method must be GET, POST or HEAD in no-cors mode."
		case ReasonOnlyIfCachedMode:
			return "only-if-cached cache option requires fetch mode to be same-origin."
		}
		return "Load failed"
	}
	switch e.Reason {
	case ReasonForbiddenMethod, ReasonNoCORSMethod, ReasonOnlyIfCachedMode:
		return e.ConsoleMessage()
	}
	return "Failed to fetch"
}

// lastExchange is the exchange a failure happened on.
func lastExchange(r *Result) *Exchange {
	for i := len(r.Trace) - 1; i >= 0; i-- {
		if r.Trace[i].Kind != ExchangeCacheHit {
			return &r.Trace[i]
		}
	}
	return nil
}

// redirectTarget is the absolute Location of ex's response, when it is a
// redirect.
func redirectTarget(ex *Exchange) (string, bool) {
	if ex == nil || ex.Status < 300 || ex.Status > 399 {
		return "", false
	}
	loc := ex.ResponseHeader.Get("Location")
	if loc == "" {
		return "", false
	}
	base, err := url.Parse(ex.URL)
	if err != nil {
		return "", false
	}
	u, err := base.Parse(loc)
	if err != nil {
		return "", false
	}
	return u.String(), true
}

// Firefox's messages are in dom/locales/en-US/chrome/security/security.properties
// (the CORS* keys) and dom/fetch for the TypeErrors; its quotes are the
// curly ‘ ’. The lines a server's refusal leads to are package reason's.

const (
	// firefoxAuthorizationWarning is CORSAllowHeaderFromPreflightDeprecation.
	firefoxAuthorizationWarning = "Cross-Origin Request Warning: The Same Origin Policy will disallow reading the remote resource at %s soon. (Reason: When the `Access-Control-Allow-Headers` is `*`, the `Authorization` header is not covered. To include the `Authorization` header, it must be explicitly listed in CORS header `Access-Control-Allow-Headers`)."
)

func firefoxConsole(r *Result) []string {
	var out []string
	include := r.Request.Credentials == CredentialsInclude
	for _, ex := range r.Trace {
		if ex.Kind != ExchangePreflight || ex.ResponseHeader == nil || !isOKStatus(ex.Status) {
			continue
		}
		acrh := strings.Split(ex.RequestHeader.Get("Access-Control-Request-Headers"), ",")
		l, ok := parseAllowList(ex.ResponseHeader, "Access-Control-Allow-Headers", true)
		if ok && l.wildcard && !include && contains(acrh, "authorization") && !contains(l.names, "authorization") {
			out = append(out, fmt.Sprintf(firefoxAuthorizationWarning, ex.URL))
		}
	}
	e := r.Err
	if e == nil {
		return out
	}
	ex := lastExchange(r)
	status := "(null)"
	if ex != nil && ex.Err == nil && ex.Status != 0 {
		status = fmt.Sprint(ex.Status)
	}
	blocked := func(phrase string) string { return reason.FirefoxLine(e.URL, phrase) }
	withStatus := func(phrase, status string) string { return reason.FirefoxLineStatus(e.URL, phrase, status) }
	failed := withStatus(reason.FirefoxRequestFailed, "(null)")
	var line string
	switch e.Reason {
	case ReasonMissingAllowOrigin:
		line = withStatus(reason.FirefoxPhrase(e.Reason, e.Value), status)
	case ReasonAllowOriginMismatch, ReasonInvalidAllowOrigin, ReasonMultipleAllowOrigin:
		if ex != nil && len(ex.ResponseHeader.Values("Access-Control-Allow-Origin")) > 1 {
			line = blocked("Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed")
		} else {
			line = blocked(fmt.Sprintf("CORS header ‘Access-Control-Allow-Origin’ does not match ‘%s’", e.Value))
		}
	case ReasonWildcardOriginNotAllowed:
		line = reason.FirefoxLine("‘"+e.URL+"’", "Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’")
	case ReasonInvalidAllowCredentials:
		line = blocked(reason.FirefoxPhrase(e.Reason, e.Value))
	case ReasonPreflightInvalidStatus:
		line = withStatus(reason.FirefoxPhrase(e.Reason, e.Value), status)
	case ReasonPreflightRedirect:
		// The redirect is refused, then the preflight reported failed; the
		// request itself is never said to fail.
		return append(out, blocked("CORS request external redirect not allowed"),
			withStatus(reason.FirefoxPhrase(ReasonPreflightInvalidStatus, ""), status), failed)
	case ReasonMethodNotAllowed, ReasonHeaderNotAllowed:
		line = blocked(reason.FirefoxPhrase(e.Reason, e.Value))
	case ReasonInvalidAllowMethods, ReasonInvalidAllowHeaders:
		line = blocked(fmt.Sprintf("invalid token ‘%s’ in CORS header ‘%s’", firstInvalidToken(e.Value), e.Header))
	case ReasonRedirectContainsCredentials, ReasonTooManyRedirects, ReasonNetwork:
		if r.Request.Mode == ModeNoCORS && r.Request.Destination == DestinationImage {
			return out // no CORS request, no CORS line (case upgrade-img-no-https)
		}
		return append(out, failed)
	case ReasonUnsafeRedirect:
		// Said only of a CORS request (measured: a same-origin fetch
		// redirected to data: fails without a line).
		if r.Classification.CrossOrigin && r.Request.Mode == ModeCORS {
			return append(out, failed)
		}
		return out
	case ReasonSameOriginMode:
		// Firefox names the document's URL; the model knows only its
		// origin, and takes the page to be at "/".
		return append(out, fmt.Sprintf("Security Error: Content at %s/ may not load data from %s.", e.Origin, e.URL))
	default:
		return out // TypeErrors without a console line
	}
	out = append(out, line)
	// A refused redirect that was to be followed fails the request, and so
	// does a failed preflight: each says so once more.
	if _, isRedirect := redirectTarget(ex); isRedirect && (e.Preflight || r.Request.Redirect == RedirectFollow) {
		out = append(out, failed)
	}
	if e.Preflight {
		out = append(out, failed)
	}
	return out
}

// firstInvalidToken is the element of a comma-separated list that Firefox
// names as an invalid token.
func firstInvalidToken(v string) string {
	for _, el := range strings.Split(v, ",") {
		el = httplist.TrimOWS(el)
		if el != "" && !isToken(el) {
			return el
		}
	}
	return v
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if strings.TrimSpace(x) == s {
			return true
		}
	}
	return false
}

// WebKit's messages are in Source/WebCore/loader/CrossOriginAccessControl.cpp
// (the first line) and DocumentThreadableLoader.cpp (the second, "Fetch API
// cannot load ... due to access control checks.").

func webkitConsole(r *Result) []string {
	e := r.Err
	if e == nil {
		return nil
	}
	ex := lastExchange(r)
	status, originSent := 0, e.Origin
	if ex != nil {
		status = ex.Status
		if o := ex.RequestHeader.Get("Origin"); o != "" {
			originSent = o
		}
	}
	var line string
	switch e.Reason {
	case ReasonMissingAllowOrigin, ReasonAllowOriginMismatch, ReasonInvalidAllowOrigin, ReasonMultipleAllowOrigin:
		if strings.Contains(e.Value, ",") {
			line = "Access-Control-Allow-Origin cannot contain more than one origin."
		} else {
			line = reason.WebKitLine(ReasonMissingAllowOrigin, originSent, "", status)
		}
	case ReasonWildcardOriginNotAllowed, ReasonInvalidAllowCredentials:
		line = reason.WebKitLine(e.Reason, originSent, "", status)
	case ReasonPreflightInvalidStatus, ReasonPreflightRedirect:
		line = reason.WebKitLine(ReasonPreflightInvalidStatus, originSent, "", status)
	case ReasonMethodNotAllowed:
		line = reason.WebKitLine(e.Reason, originSent, e.Value, status)
	case ReasonHeaderNotAllowed:
		name := e.Value
		if e.ScriptName != "" {
			name = e.ScriptName
		}
		line = reason.WebKitLine(e.Reason, originSent, name, status)
	case ReasonInvalidAllowMethods, ReasonInvalidAllowHeaders:
		line = fmt.Sprintf("Header %s has an invalid value: %s", e.Header, e.Value)
	case ReasonRedirectContainsCredentials:
		// The first URL is shown without its user:password@, the second
		// as the URL Standard serializes it (no ":" before an empty
		// password: "user:@" is "user@"; measured in the WPT cases
		// wpt-cors-redirect-credentials-*-with-user).
		loc, _ := redirectTarget(ex)
		shown := loc
		if u, err := url.Parse(loc); err == nil {
			if pw, set := u.User.Password(); set && pw == "" {
				u.User = url.User(u.User.Username())
				loc = u.String()
			}
			u.User = nil
			shown = u.String()
		}
		line = fmt.Sprintf("Cross-origin redirection to %s denied by Cross-Origin Resource Sharing policy: redirection URL %s has credentials", shown, loc)
	case ReasonTooManyRedirects:
		line = "Load cannot follow more than 20 redirections"
	case ReasonRedirectModeError:
		line = "Not allowed to follow a redirection while loading " + e.URL
	case ReasonUnsafeRedirect:
		// Said of same-origin fetches too (measured).
		line = fmt.Sprintf("Cross-origin redirection to %s denied by Cross-Origin Resource Sharing policy: not allowed to follow a cross-origin CORS redirection with non CORS scheme", e.Value)
		return []string{line, reason.WebKitCannotLoad(e.URL)}
	default:
		return nil
	}
	if e.Reason.IsCORS() && !e.Preflight && e.Reason != ReasonRedirectContainsCredentials {
		if loc, ok := redirectTarget(ex); ok {
			line = fmt.Sprintf("Cross-origin redirection to %s denied by Cross-Origin Resource Sharing policy: %s", loc, line)
		}
	}
	return []string{line, reason.WebKitCannotLoad(e.URL)}
}
