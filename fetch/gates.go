package fetch

import (
	"fmt"
	"net/netip"
	"net/url"
	"strings"

	"github.com/corskit/corskit/origin"
	"github.com/corskit/corskit/reason"
)

// The gates a fetch() meets before CORS: mixed content and the page's
// Content Security Policy. Both refuse the request before anything is
// sent, and no header on the API's response can change that: the fix is
// the API's scheme (mixed content) or the page's policy (CSP).

// Page is the document that calls fetch(), where its own URL and headers
// decide a gate. The gates apply only to a Request that has one: callers
// that name only an origin (corstest, the audit, `corskit check --origin`)
// often use an https origin with a local http server as a stand-in for
// production, which a real page would meet as mixed content in WebKit.
type Page struct {
	// URL is the document's URL. Its scheme decides mixed content, and
	// Chromium and WebKit name it in their mixed-content lines. Its origin
	// must be the Request's Origin.
	URL string
	// CSP holds the values of the page's Content-Security-Policy header
	// lines, CSPReportOnly those of Content-Security-Policy-Report-Only.
	CSP           []string
	CSPReportOnly []string
	// COEP is the page's Cross-Origin-Embedder-Policy value: "",
	// COEPRequireCORP or COEPCredentialless (see coep.go).
	COEP string
}

// Reasons of the gates, from package reason.
const (
	ReasonMixedContent  = reason.MixedContent  // https page, http API that is not loopback: refused before any request
	ReasonCSPConnectSrc = reason.CSPConnectSrc // the page's CSP (connect-src or default-src) refuses the URL
)

// CSPViolation is one policy of the page that the URL of a fetch violates.
// An enforced one fails the fetch (ReasonCSPConnectSrc); a report-only one
// only prints a warning, and the fetch goes on.
type CSPViolation struct {
	URL        string // the URL refused
	Directive  string // the directive as Chromium quotes it: "connect-src 'self'"
	Firefox    string // the directive as Firefox quotes it
	Policy     string // the whole policy the directive is part of
	Fallback   bool   // the directive is default-src, connect-src being absent
	ReportOnly bool
	// Effective is the directive that governs the load's kind
	// (cspdirective.go): connect-src, img-src, script-src-elem...;
	// Fallback is then set when Directive is another one standing in.
	Effective string
}

// PotentiallyTrustworthy reports whether u is a potentially trustworthy
// URL for mixed content in engine p: https and wss, and the loopback hosts
// the engine trusts (Secure Contexts §3.2; see the profile's fields).
func (p Profile) PotentiallyTrustworthy(u *url.URL) bool {
	switch u.Scheme {
	case "https", "wss":
		return true
	}
	host := strings.ToLower(u.Hostname())
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return !p.MixedContentBlocksLocalhost
	}
	if a, err := netip.ParseAddr(host); err == nil && a.Unmap().IsLoopback() {
		return !p.MixedContentBlocksLoopbackIP
	}
	return false
}

// pageURL is the URL of the page of req: Page.URL, or its origin's root.
func pageURL(req *Request) (*url.URL, error) {
	raw := req.Origin.String() + "/"
	if req.Page != nil && req.Page.URL != "" {
		raw = req.Page.URL
	}
	return url.Parse(raw)
}

// validatePage reports a Page whose URL does not parse or is not at the
// request's Origin: a programming error, as a missing Origin is.
func (req Request) validatePage() error {
	if req.Page == nil || req.Page.URL == "" {
		return nil
	}
	u, err := url.Parse(req.Page.URL)
	if err != nil || !u.IsAbs() || u.Host == "" {
		return fmt.Errorf("fetch: page URL %q is not an absolute URL", req.Page.URL)
	}
	if o := origin.FromURL(u); o != req.Origin {
		return fmt.Errorf("fetch: page URL %q is not at the request's origin %s", req.Page.URL, req.Origin)
	}
	return nil
}

// gateCheck runs the gates on the hop to u (redirected: not the first):
// the page's CSP, then mixed content, in the order every engine applies
// them (measured: a fetch that fails both reports the CSP only).
// Report-only violations are added to the result; the first gate that
// refuses the fetch is returned.
func (f *fetcher) gateCheck(u *url.URL, cur string, redirected bool) *Error {
	if f.req.Page == nil {
		return nil
	}
	page, err := pageURL(&f.req)
	if err != nil {
		return nil // validatePage has refused it already
	}
	if e := f.cspCheck(u, page, cur, redirected); e != nil {
		return e
	}
	if page.Scheme == "https" && !f.p.PotentiallyTrustworthy(u) && !f.keptMixed(redirected) {
		return &Error{Reason: ReasonMixedContent, Value: page.String()}
	}
	return nil
}

// cspCheck applies the page's policies to u.
func (f *fetcher) cspCheck(u, page *url.URL, cur string, redirected bool) *Error {
	var refused *CSPViolation
	for _, pol := range append(ParseCSP(f.req.Page.CSP, false), ParseCSP(f.req.Page.CSPReportOnly, true)...) {
		d, effective := pol.DirectiveFor(f.req.Kind)
		if d == nil || d.Allows(u, page, redirected) {
			continue
		}
		v := CSPViolation{URL: cur, Directive: d.Text, Firefox: d.FirefoxText(), Policy: pol.Text, Fallback: d.Name != effective,
			ReportOnly: pol.ReportOnly, Effective: effective}
		f.res.CSPViolations = append(f.res.CSPViolations, v)
		if !pol.ReportOnly && refused == nil {
			refused = &v
		}
	}
	if refused == nil {
		return nil
	}
	header, _, _ := strings.Cut(refused.Directive, " ")
	return &Error{Reason: cspReason(f.req.Kind), Header: header, Value: refused.Directive}
}

// IsGate reports whether r is one of the gates that are not CORS: a
// refusal before CORS no response header can lift, or a no-cors load
// Cross-Origin-Resource-Policy refused (which only the resource's CORP,
// not a CORS header, lifts), or Local Network Access (the user's
// permission).
func IsGate(r Reason) bool {
	return r == ReasonMixedContent || r.IsCSP() || r.IsCORP() || r == ReasonLocalNetworkAccess || r == ReasonORBBlocked || r == ReasonWebSocketHandshake
}

// gateConsole is the engine's console lines for the gates of r: for each
// CSP violation, report-only ones included, and for mixed content.
// Chromium and WebKit print a report-only violation twice, Firefox once.
// A refusal at a redirect is worded apart (conformance cases
// csp-redirect-other-origin, mixed-redirect-to-http).
func (p Profile) gateConsole(r *Result) []string {
	var out []string
	e := r.Err
	redirected := e != nil && e.InitialURL != ""
	for _, v := range r.CSPViolations {
		if k := r.Request.Kind; k != "" && k != KindFetch {
			out = append(out, p.kindCSPLines(k, v)...) // kindconsole.go
			continue
		}
		switch p.Messages {
		case EngineFirefox:
			out = append(out, reason.FirefoxCSPLine(v.URL, v.Firefox, v.ReportOnly))
			if !v.ReportOnly && redirected {
				// The redirect fails the CORS request, said of its first URL.
				out = append(out, reason.FirefoxLineStatus(e.InitialURL, reason.FirefoxRequestFailed, "(null)"))
			}
		case EngineWebKit:
			out = append(out, reason.WebKitCSPLine(v.URL, v.Fallback, v.ReportOnly))
			if v.ReportOnly {
				out = append(out, reason.WebKitCSPLine(v.URL, v.Fallback, v.ReportOnly))
			} else if redirected {
				out = append(out, reason.WebKitCannotLoad(v.URL))
			}
		default:
			out = append(out, reason.ChromiumCSPLine(v.URL, v.Directive, v.Fallback, v.ReportOnly))
			if v.ReportOnly {
				out = append(out, reason.ChromiumCSPLine(v.URL, v.Directive, v.Fallback, v.ReportOnly))
			} else if !redirected {
				out = append(out, reason.ChromiumCSPFetchLine(v.URL))
			}
		}
	}
	if e == nil || e.Reason != ReasonMixedContent {
		return out
	}
	switch p.Messages {
	case EngineFirefox:
		return append(out, reason.FirefoxMixedContentLine(e.URL))
	case EngineWebKit:
		out = append(out, reason.WebKitMixedContentLine(e.Value, e.URL))
		if redirected {
			return append(out, reason.WebKitCannotLoad(e.InitialURL))
		}
		return append(out, reason.WebKitNotAllowed, reason.WebKitCannotLoad(e.URL))
	}
	return append(out, reason.ChromiumMixedContentLine(e.Value, e.URL))
}
