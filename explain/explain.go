package explain

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/internal/fetchspec"
	"github.com/corskit/corskit/internal/httplist"
	"github.com/corskit/corskit/origin"
	"github.com/corskit/corskit/stacks"
)

// Diagnosis is the explanation of one fetch.
type Diagnosis struct {
	Verdict      string    `json:"verdict"`              // "allowed", "blocked", or "network-error" when no answer came
	Message      string    `json:"message"`              // the console message; "" when allowed
	NetError     string    `json:"net_error,omitempty"`  // Chromium's name of a network failure: "net::ERR_CONNECTION_REFUSED"
	Reason       string    `json:"reason,omitempty"`     // fetch.Reason name
	StoppedAt    string    `json:"stopped_at,omitempty"` // browser, preflight, actual, redirect or network
	CrossOrigin  bool      `json:"cross_origin"`
	Preflight    bool      `json:"preflight_needed"`
	PreflightWhy []string  `json:"preflight_why,omitempty"` // what made the request non-simple
	Steps        []string  `json:"steps"`                   // what the browser did, in order
	Fixes        []Fix     `json:"fixes"`
	Warnings     []Warning `json:"warnings"`
	// Gate is set when a gate before CORS refused the call (the page's
	// CSP, mixed content): no CORS header can help.
	Gate *Gate `json:"gate,omitempty"`
}

// Fix is one change that makes the call pass.
type Fix struct {
	// Response is the response to change: "preflight" (the OPTIONS
	// response), "actual", or "client" when the page's code must change.
	Response string `json:"response"`
	Header   string `json:"header,omitempty"` // the header line to send...
	Value    string `json:"value,omitempty"`  // ...with this value
	Text     string `json:"text"`             // the fix in a sentence
	// Config is the cors.Config change that sends this header, for servers
	// that use corskit's middleware, in words.
	Config string `json:"config,omitempty"`
	// Change is Config as data, when the change is to cors.Config fields
	// (nil when Config is advice about where the middleware runs).
	Change *ConfigChange `json:"config_change,omitempty"`
	// Security says what the fix risks, and the safe variant, when it
	// risks something.
	Security string `json:"security,omitempty"`
	// Placement, for a fix that moves the CORS code rather than changing
	// a setting (a preflight answered by auth or the router), says
	// where it must run; ApplyStack words it in the stack's terms.
	Placement stacks.Placement `json:"placement,omitempty"`
	// Guard is the reason ID of the guard whose refusal this fix is about
	// (csrf-guard, django-csrf, vite-host-check, next-dev-origin): not a CORS setting of
	// any stack, but the guard's own (Text says it in its syntax).
	Guard string `json:"guard,omitempty"`
	// Stack is Change in the server stack's own terms (the setting, the
	// whole configuration after it, the stack's pitfalls), set by
	// ApplyStack; nil when the fix changes no CORS setting.
	Stack *stacks.Change `json:"stack,omitempty"`
}

// ConfigChange is a change to a cors.Config, field by field (explain does
// not import cors; the names are cors.Config's). Applied to the server's
// configuration, the changes of one Diagnosis give a configuration that
// cors.New accepts, and that lets the call pass (a property test in
// corstest checks both). One condition is left to the reader, because a
// refused call does not show it: where the result allows credentials and
// lists a plain-http origin (InsecureOrigin, or one already there when
// AllowCredentials is turned on), cors.New also needs
// UnsafeAllowInsecureOriginsWithCredentials; the words say so.
type ConfigChange struct {
	// AddOrigins must be allowed: add each to AllowedOrigins, unless that
	// is "*" (which allows them already and cannot be mixed with origins).
	// With ReplaceAnyOrigin (set for a request with credentials, which "*"
	// cannot allow without an Unsafe option), a "*" there gives way to them.
	// (A preflight refused for another reason shows no Allow-Origin, so the
	// advice cannot tell what the list holds.)
	AddOrigins       []string `json:"add_origins,omitempty"`
	ReplaceAnyOrigin bool     `json:"replace_any_origin,omitempty"`
	// AddMethods and AddHeaders must be allowed: add each to AllowedMethods
	// or AllowedHeaders, unless that is "*", which allows them already and
	// cannot be mixed with names. (A preflight refused for its origin shows
	// no method or header list, so the advice cannot tell.)
	AddMethods []string `json:"add_methods,omitempty"`
	AddHeaders []string `json:"add_headers,omitempty"`
	// AddExposed must be readable by script: add each to ExposedHeaders
	// (set by [Unexposed], for a script that reads response headers).
	AddExposed       []string `json:"add_exposed,omitempty"`
	AllowCredentials bool     `json:"allow_credentials,omitempty"`
	// The Unsafe options the change needs (the Fix's Security says why).
	UnsafeAllowNullOrigin                     bool `json:"unsafe_allow_null_origin,omitempty"`
	UnsafeAllowInsecureOriginsWithCredentials bool `json:"unsafe_allow_insecure_origins_with_credentials,omitempty"`
	// InsecureOrigin says that an origin in AddOrigins is on plain http
	// (not loopback): if the configuration allows credentials, cors.New
	// refuses it unless UnsafeAllowInsecureOriginsWithCredentials is set
	// too. (A refused origin gets no Access-Control-Allow-Credentials, so
	// the advice cannot tell whether the server allows credentials.)
	InsecureOrigin bool `json:"insecure_origin,omitempty"`
}

// String is the change as Fix.Config words it.
func (c *ConfigChange) String() string {
	var parts []string
	if c.UnsafeAllowNullOrigin {
		parts = append(parts, "UnsafeAllowNullOrigin: true")
	}
	switch {
	case len(c.AddOrigins) == 0:
	case c.ReplaceAnyOrigin:
		parts = append(parts, fmt.Sprintf(`AllowedOrigins: list %s (instead of "*" if it is "*")`, quoteAll(c.AddOrigins)))
	default:
		parts = append(parts, "AllowedOrigins: add "+quoteAll(c.AddOrigins)+` (unless it is "*")`)
	}
	if c.InsecureOrigin && !c.UnsafeAllowInsecureOriginsWithCredentials {
		parts[len(parts)-1] += " (with AllowCredentials, also UnsafeAllowInsecureOriginsWithCredentials: true; better, serve the page over https)"
	}
	if len(c.AddMethods) > 0 {
		parts = append(parts, "AllowedMethods: add "+quoteAll(c.AddMethods)+` (unless it is "*")`)
	}
	if len(c.AddHeaders) > 0 {
		parts = append(parts, "AllowedHeaders: add "+quoteAll(c.AddHeaders)+` (unless it is "*")`)
	}
	if len(c.AddExposed) > 0 {
		parts = append(parts, "ExposedHeaders: add "+quoteAll(c.AddExposed))
	}
	if c.AllowCredentials {
		w := "AllowCredentials: true"
		if !c.UnsafeAllowInsecureOriginsWithCredentials {
			w += " (if AllowedOrigins lists plain-http origins, also UnsafeAllowInsecureOriginsWithCredentials: true; better, serve those pages over https)"
		}
		parts = append(parts, w)
	}
	if c.UnsafeAllowInsecureOriginsWithCredentials {
		parts = append(parts, "UnsafeAllowInsecureOriginsWithCredentials: true")
	}
	return strings.Join(parts, ", ")
}

// withChange sets f's Change and the Config words for it.
func withChange(f Fix, c ConfigChange) Fix {
	f.Change = &c
	f.Config = c.String()
	return f
}

// Warning is something fragile in a call, allowed or not.
type Warning struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// corsMaxMethod is the longest method name cors.New accepts and a
// preflight may ask the middleware for (explain does not import cors; both
// read the bound from httplist).
const corsMaxMethod = httplist.MaxMethodLen

// The CORS response headers, by their usual spelling.
const (
	acao = "Access-Control-Allow-Origin"
	acac = "Access-Control-Allow-Credentials"
	acam = "Access-Control-Allow-Methods"
	acah = "Access-Control-Allow-Headers"
)

// Explain diagnoses res.
func Explain(res *fetch.Result) Diagnosis {
	d := Diagnosis{Verdict: "allowed", Fixes: []Fix{}, Warnings: []Warning{}}
	cls := res.Classification
	d.CrossOrigin = cls.CrossOrigin
	d.Preflight = cls.Preflight
	d.PreflightWhy = preflightWhy(res.Request, cls)
	d.Steps = steps(res)
	if res.Err != nil {
		d.Verdict = "blocked"
		d.Message = res.Err.ConsoleMessage()
		if res.Err.Reason == fetch.ReasonNetwork {
			// Not a CORS verdict: the server never answered. Named as
			// Chromium's console names it, the Go cause after.
			d.Verdict = "network-error"
			d.NetError = NetError(res.Err.Err)
			d.Message = "Failed to load resource: " + d.NetError + " (" + res.Err.Err.Error() + ")"
		}
		d.Reason = res.Err.Reason.String()
		d.StoppedAt = stoppedAt(res.Err)
		d.Fixes = guardFixes(res, fixes(res))
	}
	d.Warnings = append(append(warnings(res), gateWarnings(res)...), orbWarnings(res)...)
	if res.Err != nil && fetch.IsGate(res.Err.Reason) {
		gateDiagnosis(res, &d)
	}
	upgradeDiagnosis(res, &d)
	return d
}

func stoppedAt(e *fetch.Error) string {
	switch {
	case e.Reason == fetch.ReasonNetwork:
		return "network"
	case !e.Reason.IsCORS() || e.Reason == fetch.ReasonTooManyRedirects:
		if e.Reason == fetch.ReasonTooManyRedirects || e.Reason == fetch.ReasonRedirectModeError || e.Reason == fetch.ReasonUnsafeRedirect {
			return "redirect"
		}
		return "browser"
	case e.Preflight:
		return "preflight"
	case e.Reason == fetch.ReasonRedirectContainsCredentials:
		return "redirect"
	}
	return "actual"
}

// preflightWhy names what made the request non-simple.
func preflightWhy(req fetch.Request, cls fetch.Classification) []string {
	if !cls.Preflight {
		return nil
	}
	var why []string
	if m := cls.UnsafeMethod; m != "" {
		why = append(why, fmt.Sprintf("the method %s is not GET, HEAD or POST", m))
	}
	values := map[string]string{}
	for _, h := range cls.Headers {
		values[h.Name] = h.Value
	}
	for _, n := range cls.UnsafeHeaders {
		v := values[n]
		switch {
		case n == "content-type":
			why = append(why, fmt.Sprintf("Content-Type %q is not application/x-www-form-urlencoded, multipart/form-data or text/plain", v))
		case n == "accept" || n == "accept-language" || n == "content-language" || n == "range":
			why = append(why, fmt.Sprintf("the value of %s (%q) is not CORS-safelisted (too long, a forbidden byte, or a malformed range)", n, v))
		default:
			why = append(why, fmt.Sprintf("the header %s is not CORS-safelisted", n))
		}
	}
	return why
}

func steps(res *fetch.Result) []string {
	req := res.Request
	var out []string
	target := req.URL
	if u, err := originOf(req.URL); err == nil {
		if res.Classification.CrossOrigin {
			out = append(out, fmt.Sprintf("The page on %s calls %s: cross-origin (%s), so CORS applies.", req.Origin, target, differ(req.Origin, u)))
		} else {
			out = append(out, fmt.Sprintf("The page on %s calls %s: same-origin, no CORS check.", req.Origin, target))
		}
	}
	if len(res.Classification.Dropped) > 0 {
		out = append(out, fmt.Sprintf("The browser silently drops the headers scripts may not set: %s.", strings.Join(res.Classification.Dropped, ", ")))
	}
	if why := preflightWhy(req, res.Classification); len(why) > 0 {
		out = append(out, "A preflight is needed because "+strings.Join(why, "; ")+".")
	}
	for _, e := range res.Trace {
		switch {
		case e.Kind == fetch.ExchangeCacheHit:
			out = append(out, "The preflight cache already allows this request: no OPTIONS is sent.")
		case e.Kind == fetch.ExchangeHTTPCacheHit:
			out = append(out, fmt.Sprintf("The HTTP cache answers %s %s with its stored %d response: nothing is sent.", e.Method, e.URL, e.Status))
		case e.Kind == fetch.ExchangeHTTPCacheUpdated:
			out = append(out, fmt.Sprintf("The 304 confirms the stored %d response, whose headers it updates: the CORS check runs on the result.", e.Status))
		case e.Err != nil:
			out = append(out, fmt.Sprintf("%s %s failed on the network: %v.", e.Method, e.URL, e.Err))
		case e.Kind == fetch.ExchangePreflight:
			out = append(out, fmt.Sprintf("Preflight: OPTIONS %s (Origin %s, Access-Control-Request-Method %s%s) answered %d.",
				e.URL, e.RequestHeader.Get("Origin"), e.RequestHeader.Get("Access-Control-Request-Method"),
				optional(", Access-Control-Request-Headers ", e.RequestHeader.Get("Access-Control-Request-Headers")), e.Status))
		default:
			s := fmt.Sprintf("Request: %s %s%s answered %d", e.Method, e.URL, optional(" (Origin ", e.RequestHeader.Get("Origin"), ")"), e.Status)
			if loc := e.ResponseHeader.Get("Location"); loc != "" && e.Status >= 300 && e.Status < 400 {
				s += " redirecting to " + loc
			}
			out = append(out, s+".")
		}
	}
	switch {
	case res.Err != nil:
		out = append(out, "The browser blocks it: "+res.Err.ConsoleMessage())
	case res.Response != nil:
		out = append(out, fmt.Sprintf("The page gets a %s response with status %d and may read the headers: %s.",
			res.Response.Type, res.Response.Status, listOrNone(res.Response.ReadableHeaderNames())))
	}
	return out
}

func optional(prefix, v string, suffix ...string) string {
	if v == "" {
		return ""
	}
	return prefix + v + strings.Join(suffix, "")
}

func listOrNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

func originOf(raw string) (origin.Origin, error) {
	u, err := parseURL(raw)
	if err != nil {
		return origin.Origin{}, err
	}
	return origin.FromURL(u), nil
}

// differ says how two origins differ.
func differ(a, b origin.Origin) string {
	var parts []string
	if a.Scheme() != b.Scheme() {
		parts = append(parts, "scheme")
	}
	if a.Host() != b.Host() {
		parts = append(parts, "host")
	}
	if a.Port() != b.Port() {
		parts = append(parts, "port")
	}
	if len(parts) == 0 {
		return "different origin"
	}
	return "different " + strings.Join(parts, " and ")
}

// lastExchange returns the last exchange of the given kind in the trace.
func lastExchange(res *fetch.Result, kind fetch.ExchangeKind) *fetch.Exchange {
	for i := len(res.Trace) - 1; i >= 0; i-- {
		if res.Trace[i].Kind == kind {
			return &res.Trace[i]
		}
	}
	return nil
}

// fixes computes the smallest complete server-side change for a blocked
// call: every header the failing response lacks, not only the first one
// the browser complained about.
func fixes(res *fetch.Result) []Fix {
	e := res.Err
	req := res.Request
	include := req.Credentials == fetch.CredentialsInclude
	switch e.Reason {
	case fetch.ReasonForbiddenMethod:
		return []Fix{{Response: "client", Text: fmt.Sprintf("Browsers never send %s; use another method.", e.Value)}}
	case fetch.ReasonNoCORSMethod:
		return []Fix{{Response: "client", Text: "mode 'no-cors' allows only GET, HEAD and POST; use mode 'cors' (the default) and let the server allow the method."}}
	case fetch.ReasonOnlyIfCachedMode:
		return []Fix{{Response: "client", Text: "cache 'only-if-cached' needs mode 'same-origin'."}}
	case fetch.ReasonSameOriginMode:
		return []Fix{{Response: "client", Text: "mode 'same-origin' forbids cross-origin URLs; use mode 'cors' (the default)."}}
	case fetch.ReasonNetwork:
		return []Fix{{Response: "client", Text: fmt.Sprintf("The request never got an answer (%v): check the URL, that the server runs, DNS and TLS.", e.Err)}}
	case fetch.ReasonMixedContent, fetch.ReasonCSPConnectSrc, fetch.ReasonCSPImgSrc, fetch.ReasonCSPScriptSrc,
		fetch.ReasonCSPFontSrc, fetch.ReasonCSPStyleSrc, fetch.ReasonWebSocketHandshake:
		return nil // gateDiagnosis
	case fetch.ReasonBadPort:
		return []Fix{{Response: "client", Text: "Browsers refuse this port before sending anything (the Fetch Standard's bad-port list, ports of mail, IRC, X11, SIP...): serve the API on another port. No response header fixes this."}}
	case fetch.ReasonLocalNetworkAccess:
		return nil // lnaDiagnosis
	case fetch.ReasonUnspecifiedAddress:
		return []Fix{{Response: "client", Text: unspecifiedFix(e)}} // lna.go
	case fetch.ReasonUnsafeRedirect:
		return []Fix{{Response: "actual", Header: "Location", Text: fmt.Sprintf("The server redirects to %s; fetch() follows redirects only to http: and https: URLs. Redirect to an http(s) URL, or answer directly.", e.Value)}}
	case fetch.ReasonTooManyRedirects:
		return []Fix{{Response: "actual", Header: "Location", Text: "The server redirects more than 20 times (a loop?): redirect once, to the final URL."}}
	case fetch.ReasonRedirectModeError:
		return []Fix{{Response: "client", Text: "The server redirects and the request has redirect: 'error'; call the final URL directly, or allow redirects."}}
	case fetch.ReasonRedirectContainsCredentials:
		return []Fix{{Response: "actual", Header: "Location", Text: "Remove the user:password@ part from the redirect Location; browsers refuse it cross-origin."}}
	case fetch.ReasonPreflightRedirect:
		return []Fix{{Response: "preflight", Header: "Location",
			Text:   "Browsers never follow a redirect of a preflight: answer OPTIONS at this URL with 204 and the CORS headers, or call the final URL directly (a trailing slash or http->https redirect is the usual culprit).",
			Config: "Wrap the route at this exact URL with the cors middleware, so it answers the OPTIONS itself."}}
	}

	// A response stored for another origin, served from the browser's HTTP
	// cache because it does not vary on Origin: the server's answer to this
	// origin may be right, but it never got the chance.
	if last := res.Trace[len(res.Trace)-1]; !e.Preflight && last.Kind == fetch.ExchangeHTTPCacheHit && e.Reason == fetch.ReasonAllowOriginMismatch &&
		!varies(last.ResponseHeader, "origin") {
		return []Fix{{Response: "actual", Header: "Vary", Value: "Origin",
			Text: fmt.Sprintf("The browser's HTTP cache served a response stored for the origin %s, because it has no Vary: Origin; send Vary: Origin with every response whose Access-Control-Allow-Origin depends on the request's Origin.", e.Value)}}
	}

	// A CORS header problem: on the preflight or the actual response.
	var ex *fetch.Exchange
	response := "actual"
	if e.Preflight {
		ex = lastExchange(res, fetch.ExchangePreflight)
		response = "preflight"
	} else {
		// The response the CORS check ran on: from the wire, or the
		// HTTP cache's.
		for i := len(res.Trace) - 1; i >= 0 && ex == nil; i-- {
			switch res.Trace[i].Kind {
			case fetch.ExchangeRequest, fetch.ExchangeHTTPCacheHit, fetch.ExchangeHTTPCacheUpdated:
				ex = &res.Trace[i]
			}
		}
	}
	if ex == nil {
		return nil
	}
	sentOrigin := ex.RequestHeader.Get("Origin")
	var out []Fix
	if e.Preflight && (ex.Status < 200 || ex.Status > 299) {
		// The cause comes first: a preflight refused by the router or an
		// auth filter never reached the CORS code, so no header change
		// helps until OPTIONS is answered.
		out = append(out, statusFix(ex.Status))
	}
	if f, ok := errorStatusFix(res, ex, sentOrigin); ok {
		// The cause first: the layer that adds the headers skipped this
		// error answer. With a preflight that allowed the origin, the
		// origin is allowed already: nothing else to add.
		out = append(out, f)
		if preflightAllowed(res, sentOrigin) {
			return out
		}
	}
	origins := originFixes(ex.ResponseHeader, sentOrigin, response, include)
	out = append(out, origins...)
	if e.Preflight {
		method := req.Method
		if m := ex.RequestHeader.Get("Access-Control-Request-Method"); m != "" {
			method = m
		}
		var unsafe []string
		if acrh := ex.RequestHeader.Get("Access-Control-Request-Headers"); acrh != "" {
			unsafe = strings.Split(acrh, ",")
		}
		methodMissing, headersMissing := fetch.PreflightGaps(ex.ResponseHeader, method, unsafe, include, fetch.Chromium)
		if e.Reason == fetch.ReasonHeaderNotAllowed && len(headersMissing) == 0 {
			// Chromium's profile lets "*" cover Authorization; the browser
			// that refused it (the Fetch Standard's profile) does not.
			_, headersMissing = fetch.PreflightGaps(ex.ResponseHeader, method, unsafe, include, fetch.Spec)
		}
		if e.Reason == fetch.ReasonInvalidAllowMethods {
			methodMissing = !fetchspec.IsSafelistedMethod(method)
		}
		if methodMissing {
			f := Fix{Response: "preflight", Header: acam, Value: extend(ex.ResponseHeader, acam, e.Reason == fetch.ReasonInvalidAllowMethods, include, method),
				Text: fmt.Sprintf("List %s in Access-Control-Allow-Methods (names are case-sensitive).", method)}
			if len(method) > corsMaxMethod {
				// cors.New refuses such a method: suggest no Change.
				f.Config = fmt.Sprintf("corskit's cors middleware allows method names of at most %d bytes (this one has %d): use a shorter method name.", corsMaxMethod, len(method))
				out = append(out, f)
			} else {
				out = append(out, withChange(f, ConfigChange{AddMethods: []string{method}}))
			}
		}
		if e.Reason == fetch.ReasonInvalidAllowHeaders {
			headersMissing = unsafe
		}
		if len(headersMissing) > 0 {
			out = append(out, withChange(Fix{Response: "preflight", Header: acah, Value: extend(ex.ResponseHeader, acah, e.Reason == fetch.ReasonInvalidAllowHeaders, include, headersMissing...),
				Text: fmt.Sprintf("List %s in Access-Control-Allow-Headers.", strings.Join(headersMissing, ", "))},
				ConfigChange{AddHeaders: headersMissing}))
		}
		// The actual response, never sent yet, will need the same origin
		// headers. When the preflight already had them right, the same
		// code most likely sends them on the actual response too: saying
		// so would be a change more than needed.
		if len(origins) > 0 || ex.Status < 200 || ex.Status > 299 {
			out = append(out, actualNeeds(sentOrigin, include)...)
		}
	}
	return out
}

// errorStatusFix recognises an actual answer with an error status (4xx,
// 5xx) and no Access-Control-Allow-Origin from a server that sends CORS
// headers on its other answers (the preflight allowed this origin) or
// that is nginx, whose add_header skips error answers unless it ends in
// `always`. The browser then reports a CORS error instead of the status.
func errorStatusFix(res *fetch.Result, ex *fetch.Exchange, sentOrigin string) (Fix, bool) {
	if ex.Status < 400 || len(ex.ResponseHeader.Values(acao)) > 0 {
		return Fix{}, false
	}
	nginx := strings.HasPrefix(strings.ToLower(ex.ResponseHeader.Get("Server")), "nginx")
	apache := strings.HasPrefix(strings.ToLower(ex.ResponseHeader.Get("Server")), "apache")
	f := Fix{Response: "actual", Placement: stacks.OnErrors}
	switch {
	case preflightAllowed(res, sentOrigin):
		f.Text = fmt.Sprintf("The %d answer carries no CORS headers, though the preflight allowed this origin: the layer that adds them skips error answers (nginx's add_header without `always`, Apache's Header set without `always`). Send them on every status; the page then sees the real %d.", ex.Status, ex.Status)
	case nginx:
		f.Text = fmt.Sprintf("nginx drops add_header from 4xx and 5xx answers unless it ends in `always`: if nginx adds the CORS headers, add `always` to each add_header (the origin may be allowed already); the page then sees the real %d.", ex.Status)
	case apache:
		f.Text = fmt.Sprintf("Apache's `Header set` skips error answers: if Apache adds the CORS headers, use `Header always set` (the origin may be allowed already); the page then sees the real %d.", ex.Status)
	default:
		return Fix{}, false
	}
	return f, true
}

// preflightAllowed reports whether a preflight of res allowed origin.
func preflightAllowed(res *fetch.Result, origin string) bool {
	pre := lastExchange(res, fetch.ExchangePreflight)
	if pre == nil || pre.Err != nil {
		return false
	}
	v, _ := fetch.HeaderValue(pre.ResponseHeader, acao)
	return v == origin || v == "*"
}

// originHint is what a configured origin must look like; the usual
// mismatch is one written with a trailing slash, a path or a wildcard.
const originHint = "An origin is exactly scheme://host[:port]: no trailing slash, path or wildcard."

// statusFix is the fix of a preflight answered with a non-2xx status,
// worded by its likely cause.
func statusFix(status int) Fix {
	f := Fix{Response: "preflight",
		Config: "The cors middleware answers preflights itself (PreflightStatus, default 204): make sure it wraps this route and runs before authentication; leave PreflightPassthrough false."}
	switch status {
	case http.StatusUnauthorized, http.StatusForbidden:
		f.Placement = stacks.BeforeAuth
		f.Text = fmt.Sprintf("The preflight was answered %d: an authentication filter runs before the CORS code. Answer OPTIONS before auth (browsers never send credentials or tokens on a preflight), then the CORS headers below.", status)
		f.Config = "Put the cors middleware outside (before) the authentication middleware, so it answers the preflight itself; leave PreflightPassthrough false."
	case http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusNotImplemented:
		f.Placement = stacks.WholeRouter
		f.Text = fmt.Sprintf("The preflight was answered %d: the router has no OPTIONS route here, so the CORS code never ran. Wrap the whole router with the CORS middleware (not one route), then the CORS headers below.", status)
		f.Config = "Wrap the router (the whole http.Handler), not a route, with the cors middleware, so it answers OPTIONS for every path; leave PreflightPassthrough false."
	default:
		f.Text = fmt.Sprintf("Answer the OPTIONS preflight with a 2xx status (204 is usual), not %d: it is often an auth filter or a router that rejects OPTIONS before the CORS code runs.", status)
	}
	return f
}

// originFixes are the Allow-Origin and Allow-Credentials changes a
// response needs.
func originFixes(h http.Header, sentOrigin, response string, include bool) []Fix {
	var out []Fix
	got, present := fetch.HeaderValue(h, acao)
	if dup, ok := duplicateFix(h, sentOrigin, response, include); ok {
		out = append(out, dup)
		got = sentOrigin // the duplicate is the whole origin problem
	}
	switch {
	case got == sentOrigin:
	case got == "*" && !include:
	case got == "*" && include:
		out = append(out, withChange(Fix{Response: response, Header: acao, Value: sentOrigin,
			Text:     fmt.Sprintf("With credentials, Access-Control-Allow-Origin must name the origin: send %q instead of *, and Vary: Origin.", sentOrigin),
			Security: "Do not reflect every Origin to get here: with credentials, that lets any website read your users' data. List the trusted origins."},
			ConfigChange{AddOrigins: []string{sentOrigin}, ReplaceAnyOrigin: true, InsecureOrigin: insecureOrigin(sentOrigin)}))
	default:
		f := Fix{Response: response, Header: acao, Value: sentOrigin}
		change := ConfigChange{AddOrigins: []string{sentOrigin}, InsecureOrigin: insecureOrigin(sentOrigin), ReplaceAnyOrigin: include}
		switch {
		case present && strings.Contains(got, "*"):
			f.Text = fmt.Sprintf("Access-Control-Allow-Origin is %q: a pattern there is never matched (browsers compare the value byte for byte with the Origin, and allow only one origin or a lone *). Send exactly the request's Origin %q, and Vary: Origin.", got, sentOrigin)
		case present:
			f.Text = fmt.Sprintf("Send exactly one Access-Control-Allow-Origin, byte for byte the request's Origin %q (it is %q), and Vary: Origin.", sentOrigin, got)
		default:
			f.Text = fmt.Sprintf("Send Access-Control-Allow-Origin: %s (and Vary: Origin).", sentOrigin)
		}
		if sentOrigin != "null" {
			f.Text += " " + originHint
		}
		if sentOrigin == "null" {
			change.UnsafeAllowNullOrigin = true
			f.Security = "The Origin is null because a redirect crossed origins (or the page is sandboxed). Allowing null also allows every sandboxed iframe and data: URL on the web. Safer: avoid the cross-origin redirect and call the final URL directly."
		}
		out = append(out, withChange(f, change))
	}
	if include {
		if v, _ := fetch.HeaderValue(h, acac); v != "true" {
			f := Fix{Response: response, Header: acac, Value: "true",
				Text:     "With credentials, send Access-Control-Allow-Credentials: true (exactly, lowercase, once).",
				Security: "Only together with an explicit list of trusted origins."}
			change := ConfigChange{AllowCredentials: true}
			if insecureOrigin(sentOrigin) {
				// cors.New refuses credentials for an http origin unless told.
				change.UnsafeAllowInsecureOriginsWithCredentials = true
				f.Security = fmt.Sprintf("The page's origin %s is plain http: a network attacker who injects script there could read your users' credentialed responses. Serve the page over https and allow that origin instead.", sentOrigin)
			}
			out = append(out, withChange(f, change))
		}
	}
	return out
}

// duplicateFix recognises an Access-Control-Allow-Origin sent twice (two
// header lines, or one line with two values) where one of them alone
// would pass: two layers add it, usually a reverse proxy and the
// application. The fix removes one; which one is named by the response's
// Server header when a proxy shows itself there.
func duplicateFix(h http.Header, sentOrigin, response string, include bool) (Fix, bool) {
	var vals []string
	for _, line := range h.Values(acao) {
		for v := range strings.SplitSeq(line, ",") {
			if v = strings.TrimSpace(v); v != "" {
				vals = append(vals, v)
			}
		}
	}
	if len(vals) < 2 {
		return Fix{}, false
	}
	good := slices.ContainsFunc(vals, func(v string) bool { return v == sentOrigin || v == "*" && !include })
	if !good {
		return Fix{}, false
	}
	keep := "the application's (it knows the allowlist)"
	remove := "the proxy's"
	switch server := strings.ToLower(h.Get("Server")); {
	case strings.HasPrefix(server, "nginx"):
		remove = "nginx's `add_header Access-Control-Allow-Origin` (or hide the app's with `proxy_hide_header Access-Control-Allow-Origin` if nginx owns CORS)"
	case strings.HasPrefix(server, "apache"):
		remove = "Apache's `Header set Access-Control-Allow-Origin` (use `Header always set`, which replaces, if Apache owns CORS)"
	case strings.HasPrefix(server, "caddy"):
		remove = "Caddy's `header Access-Control-Allow-Origin`"
	}
	return Fix{Response: response, Header: acao, Value: sentOrigin,
		Text: fmt.Sprintf("Access-Control-Allow-Origin is a duplicate (%s): two layers add it, usually a proxy and the app, and browsers refuse more than one value. Keep %s and remove %s.",
			strings.Join(vals, " and "), keep, remove),
		Config: "If corskit's cors middleware is the application's layer, keep it and remove the proxy's header."}, true
}

// actualNeeds says what the actual response of a preflighted request will
// need, since the browser has not sent it yet.
func actualNeeds(sentOrigin string, include bool) []Fix {
	out := []Fix{{Response: "actual", Header: acao, Value: sentOrigin,
		Text: "The actual response (not sent yet) needs the same Access-Control-Allow-Origin."}}
	if include {
		out = append(out, Fix{Response: "actual", Header: acac, Value: "true",
			Text: "...and Access-Control-Allow-Credentials: true."})
	}
	return out
}

// extend returns the value of header name with extra names appended (or
// only them when the current value does not parse).
//
// With credentials a "*" already there is left out: there it is the
// literal name "*", not a wildcard, and "*, PUT" would read as a wildcard
// that does not work.
func extend(h http.Header, name string, replace, include bool, extra ...string) string {
	var names []string
	if !replace {
		sc := httplist.NewScanner(h.Values(name), httplist.DefaultLimits)
		for {
			e, ok := sc.Next()
			if !ok {
				break
			}
			if include && e == "*" {
				continue
			}
			names = append(names, e)
		}
	}
	for _, x := range extra {
		if !slices.Contains(names, x) {
			names = append(names, x)
		}
	}
	return strings.Join(names, ", ")
}

// insecureOrigin reports whether a serialized origin is on plain http and
// not on a loopback host (which browsers treat as secure): the origins
// cors.New refuses with AllowCredentials unless
// UnsafeAllowInsecureOriginsWithCredentials is set.
func insecureOrigin(o string) bool {
	u, err := url.Parse(o)
	return err == nil && (u.Scheme == "http" || u.Scheme == "ws") && !origin.IsLoopbackHost(u.Hostname())
}

func quoteAll(s []string) string {
	q := make([]string, len(s))
	for i, x := range s {
		q[i] = fmt.Sprintf("%q", x)
	}
	return strings.Join(q, ", ")
}

// warnings finds what is fragile even when the call passes.
func warnings(res *fetch.Result) []Warning {
	out := []Warning{}
	include := res.Request.Credentials == fetch.CredentialsInclude
	if ex := lastExchange(res, fetch.ExchangeRequest); ex != nil && ex.Err == nil && res.Classification.CrossOrigin {
		v, _ := fetch.HeaderValue(ex.ResponseHeader, acao)
		if v != "" && v != "*" && !varies(ex.ResponseHeader, "origin") {
			out = append(out, Warning{"missing-vary", fmt.Sprintf(
				"The response allows %q but has no Vary: Origin: a shared cache (CDN, proxy) may serve it to another origin, which the browser then blocks, or serve another origin's answer here.", v)})
		}
		if v == "null" {
			out = append(out, Warning{"null-origin", "Access-Control-Allow-Origin: null lets every sandboxed iframe and data: URL read this response."})
		}
		if c, _ := fetch.HeaderValue(ex.ResponseHeader, acac); include && c == "true" && v != "" && v == ex.RequestHeader.Get("Origin") {
			if why := AttackerLooking(v); why != "" {
				out = append(out, Warning{"attacker-origin-credentials", fmt.Sprintf(
					"security: the server allows %s (%s) with credentials: if that is not your own site, any page there can read your users' data. List only your own origins.", v, why)})
			}
		}
	}
	if w, ok := GuardWarning(res); ok {
		out = append(out, w)
	}
	if ex := lastExchange(res, fetch.ExchangePreflight); ex != nil && ex.Err == nil {
		if spec, ok := fetch.PreflightMaxAge(ex.ResponseHeader, fetch.Spec); ok {
			chromium, _ := fetch.PreflightMaxAge(ex.ResponseHeader, fetch.Chromium)
			if spec > chromium {
				out = append(out, Warning{"max-age-capped", fmt.Sprintf(
					"Access-Control-Max-Age asks for %s, but Chromium caches preflights for at most %s (Firefox: 24 h).", spec, chromium)})
			}
		}
		var unsafe []string
		if acrh := ex.RequestHeader.Get("Access-Control-Request-Headers"); acrh != "" {
			unsafe = strings.Split(acrh, ",")
		}
		_, inChromium := fetch.PreflightGaps(ex.ResponseHeader, "GET", unsafe, include, fetch.Chromium)
		_, inSpec := fetch.PreflightGaps(ex.ResponseHeader, "GET", unsafe, include, fetch.Spec)
		blockedHere := res.Err != nil && res.Err.Preflight
		if !blockedHere && !slices.Contains(inChromium, "authorization") && slices.Contains(inSpec, "authorization") {
			out = append(out, Warning{"wildcard-authorization",
				"Authorization passes only because Chromium lets Access-Control-Allow-Headers: * cover it; the Fetch Standard (and other browsers) do not. Name Authorization explicitly."})
		}
	}
	return out
}

// AttackerLooking says why a serialized origin looks like one no server
// should trust (null, an attacker's or a probe's name, a look-alike of a
// trusted domain as a suffix or prefix), or "" when nothing shows.
func AttackerLooking(o string) string {
	if o == "null" {
		return "the opaque origin of sandboxed frames and data: URLs"
	}
	u, err := url.Parse(o)
	if err != nil {
		return ""
	}
	host := strings.ToLower(u.Hostname())
	for _, w := range []string{"evil", "attacker", "hacker", "malicious", "phish", ReflectProbeHost} {
		if strings.Contains(host, w) {
			return "its name contains " + strconv.Quote(w)
		}
	}
	return ""
}

// ReflectProbeHost is the host of the made-up origin a client sends to
// learn whether a server reflects any Origin (see ReflectionWarning).
const ReflectProbeHost = "corskit-reflect-probe.example"

// ReflectProbeOrigin is ReflectProbeHost's origin.
const ReflectProbeOrigin = "https://" + ReflectProbeHost

// ReflectionWarning is the security warning for a server that allowed the
// made-up ReflectProbeOrigin as it allowed the page's origin: it
// reflects any Origin, so its allowlist protects nothing. probe is the
// result of the same request sent from ReflectProbeOrigin; ok is false
// when probe was not allowed (or not a reflection).
func ReflectionWarning(probe *fetch.Result) (Warning, bool) {
	if probe == nil || !probe.Allowed() {
		return Warning{}, false
	}
	ex := lastExchange(probe, fetch.ExchangeRequest)
	if ex == nil {
		return Warning{}, false
	}
	v, _ := fetch.HeaderValue(ex.ResponseHeader, acao)
	if v != ReflectProbeOrigin {
		return Warning{}, false
	}
	text := "security: the server reflects any Origin: a made-up origin, " + ReflectProbeOrigin + ", was allowed too. Its allowlist protects nothing; list the trusted origins."
	if c, _ := fetch.HeaderValue(ex.ResponseHeader, acac); c == "true" {
		text = "security: the server reflects any Origin with credentials: a made-up origin, " + ReflectProbeOrigin + ", was allowed with Access-Control-Allow-Credentials: true, so any website can read your users' data. List the trusted origins."
	}
	return Warning{"reflect-any-origin", text}, true
}

// varies reports whether h's Vary lists name (or *).
func varies(h http.Header, name string) bool {
	return httplist.HasFold(h.Values("Vary"), name) || httplist.HasFold(h.Values("Vary"), "*")
}

func parseURL(raw string) (*url.URL, error) { return url.Parse(raw) }
