package fetch

import (
	"net/http"
	"net/netip"
	"net/url"
	"strings"

	"github.com/corskit/corskit/origin"
	"github.com/corskit/corskit/reason"
)

// The Cross-Origin-Embedder-Policy gate: a page with COEP require-corp
// loading a cross-origin resource in no-cors mode (an <img> without
// crossorigin, a fetch() with mode "no-cors") needs the resource to say
// Cross-Origin-Resource-Policy: cross-origin (or same-site, from the
// same site). CORP alone, without COEP, is checked on every no-cors load.
// Neither is CORS: the fix is a header on the resource's server, or CORS
// mode (crossorigin on the element) with CORS headers.

// Destination is what a request is for, as in Request.destination: ""
// for fetch(), DestinationImage for an <img>.
type Destination string

// The destinations the model knows.
const (
	DestinationEmpty Destination = ""
	DestinationImage Destination = "image"
)

// The Cross-Origin-Embedder-Policy values a page can send.
const (
	COEPRequireCORP    = "require-corp"
	COEPCredentialless = "credentialless"
)

// imageAccept is the Accept header each engine sends for an <img>
// (measured: conformance TestCOEP*, the wire of the coep cases).
var imageAccept = map[Engine]string{
	EngineChromium: "image/jxl,image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8",
	EngineFirefox:  "image/avif,image/webp,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5",
	EngineWebKit:   "image/webp,image/avif,video/*;q=0.8,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5",
}

// defaultAccept is the Accept header of a request to d in engine p.
func (p Profile) defaultAccept(d Destination) string {
	if d == DestinationImage {
		return imageAccept[p.Messages]
	}
	return "*/*" // fetch()'s
}

// Reasons of the CORP gate, from package reason.
const (
	ReasonCOEPCORPMissing   = reason.COEPCORPMissing   // COEP require-corp, no CORP on the answer
	ReasonCORPNotSameOrigin = reason.CORPNotSameOrigin // CORP same-origin on a cross-origin answer
	ReasonCORPNotSameSite   = reason.CORPNotSameSite   // CORP same-site on a cross-site answer
)

// HeaderCORP is the header the resource's server sends.
const HeaderCORP = "Cross-Origin-Resource-Policy"

// corpIPSameSite says whether an engine counts two origins on one IP
// address (ports apart) as same-site for CORP same-site. Measured
// (conformance case coep-img-corp-same-site, corp-same-site-peer-no-coep,
// 127.0.0.1 on two ports): Firefox and WebKit do, as the Fetch Standard
// says; Chromium refuses with CorpNotSameSite, its same-site test wanting
// a registrable domain an IP address does not have.
var corpIPSameSite = map[Engine]bool{EngineFirefox: true, EngineWebKit: true}

// corpCheck is the Fetch Standard's cross-origin resource policy check
// of a no-cors answer from u with header h: CORP same-origin and
// same-site refuse what they name, and the page's COEP require-corp makes
// a missing CORP count as same-origin. A value that does not parse is no
// policy (several lines, combined, never parse).
func (f *fetcher) corpCheck(h http.Header, u *url.URL) *Error {
	if f.req.Mode != ModeNoCORS { // checked first: a CORS fetch allocates nothing here
		return nil
	}
	res := origin.FromURL(u)
	if f.req.Origin.SameOrigin(res) {
		return nil
	}
	v := strings.TrimSpace(strings.Join(h.Values(HeaderCORP), ", "))
	switch v {
	case "":
		if f.req.Page != nil && f.req.Page.COEP == COEPRequireCORP {
			return &Error{Reason: ReasonCOEPCORPMissing, Header: HeaderCORP}
		}
	case "same-origin":
		return &Error{Reason: ReasonCORPNotSameOrigin, Header: HeaderCORP, Value: v}
	case "same-site":
		if !f.p.corpSameSite(f.req.Origin, res, u) {
			return &Error{Reason: ReasonCORPNotSameSite, Header: HeaderCORP, Value: v}
		}
	}
	return nil
}

// corpSameSite: the page's origin and the answer's are schemelessly same
// site, and an https page's answer is https too.
func (p Profile) corpSameSite(page, res origin.Origin, u *url.URL) bool {
	if page.Site() != res.Site() || strings.HasPrefix(page.String(), "https:") && u.Scheme != "https" {
		return false
	}
	if _, err := netip.ParseAddr(strings.Trim(u.Hostname(), "[]")); err == nil {
		return corpIPSameSite[p.Messages]
	}
	return true
}

// coepCredentialless says whether an engine knows COEP credentialless.
// Measured (conformance case coep-credentialless-same-site-no-cookie):
// Chromium and Firefox send no cookie on a cross-origin no-cors load from
// such a page; WebKitGTK sends it, treating the value as no policy (it
// needs no CORP either way, as credentialless does not).
var coepCredentialless = map[Engine]bool{EngineChromium: true, EngineFirefox: true}

// coepStripsCredentials: a page with COEP credentialless sends no
// credentials on a cross-origin no-cors load (HTML Standard), in the
// engines that know the value.
func (f *fetcher) coepStripsCredentials() bool {
	return f.req.Page != nil && f.req.Page.COEP == COEPCredentialless && f.tainting == ResponseOpaque &&
		coepCredentialless[f.p.Messages]
}

// corpConsole is the engine's console lines for a CORP refusal.
// Chromium's ("Failed to load resource: net::ERR_BLOCKED_BY_RESPONSE...")
// names no URL and is left out, as its other "Failed to load resource"
// lines are.
func (p Profile) corpConsole(r *Result) []string {
	e := r.Err
	switch p.Messages {
	case EngineFirefox:
		return []string{reason.FirefoxCORPLine(e.URL)}
	case EngineWebKit:
		second := reason.WebKitCannotLoad(e.URL)
		if r.Request.Destination == DestinationImage {
			second = reason.WebKitImageCannotLoad(e.URL)
		}
		return []string{reason.WebKitCORPLine(e.URL), second}
	}
	return nil
}

// forDestination words the CORS lines of an <img crossorigin> as the
// engines do: Chromium says "Access to image at" where a fetch() has
// "Access to fetch at", WebKit "Cannot load image" where it has "Fetch
// API cannot load"; Firefox words both alike (conformance cases
// img-crossorigin-no-acao, coep-img-crossorigin-no-acao).
func (p Profile) forDestination(r *Result, lines []string) []string {
	if r.Request.Destination != DestinationImage || r.Err == nil {
		return lines
	}
	for i, l := range lines {
		switch p.Messages {
		case EngineChromium:
			if rest, ok := strings.CutPrefix(l, "Access to fetch at '"); ok {
				lines[i] = "Access to image at '" + rest
			}
		case EngineWebKit:
			if l == reason.WebKitCannotLoad(r.Err.URL) {
				lines[i] = reason.WebKitImageCannotLoad(r.Err.URL)
			}
		}
	}
	return lines
}
