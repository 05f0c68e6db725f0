package fetch

import (
	"net/url"
	"slices"
	"strings"

	"github.com/corskit/corskit/internal/fetchspec"
	"github.com/corskit/corskit/internal/httplist"
	"github.com/corskit/corskit/origin"
)

// Classification is what the browser decides about a request before
// sending anything: whether it is cross-origin, which script headers it
// drops, and whether (and why) a preflight is needed.
type Classification struct {
	CrossOrigin bool

	// Headers are the script's headers that go on the wire, lowercased and
	// combined; Dropped are the names the browser silently removed
	// (forbidden request headers, and in no-cors mode every header that is
	// not safelisted).
	Headers []Header
	Dropped []string

	// Preflight is set when a cross-origin cors-mode request needs a
	// preflight (unless the preflight cache has it), because of
	// UnsafeMethod (the method, when not GET, HEAD or POST) or UnsafeHeaders
	// (the non-safelisted header names, lowercased and sorted, exactly as
	// Access-Control-Request-Headers lists them).
	Preflight     bool
	UnsafeMethod  string
	UnsafeHeaders []string
}

// Classify applies the Fetch Standard's request rules, as profile p
// adjusts them, to req. A non-nil error is a browser-side refusal (an
// *Error with a non-CORS reason): fetch() throws or fails before CORS
// applies.
func Classify(req Request, p Profile) (Classification, error) {
	req = req.normalized()
	u, err := req.validate()
	if err != nil {
		return Classification{}, err
	}
	return classify(req, u, origin.FromURL(u), p, nil)
}

// classify is Classify of a valid request whose URL u has origin target.
// The slices it returns are carved from st when it is not nil.
func classify(req Request, u *url.URL, target origin.Origin, p Profile, st *fetchState) (Classification, error) {
	var c Classification
	c.CrossOrigin = !req.Origin.SameOrigin(target)
	fail := func(r Reason) (Classification, error) {
		return c, &Error{Reason: r, URL: u.String(), Origin: req.Origin.String(), Value: req.Method}
	}
	switch {
	case fetchspec.IsForbiddenMethod(req.Method):
		return fail(ReasonForbiddenMethod)
	case req.Mode == ModeNoCORS && !fetchspec.IsSafelistedMethod(req.Method):
		return fail(ReasonNoCORSMethod)
	case req.Cache == CacheOnlyIfCached && req.Mode != ModeSameOrigin:
		return fail(ReasonOnlyIfCachedMode)
	case req.Mode == ModeSameOrigin && c.CrossOrigin:
		return fail(ReasonSameOriginMode)
	case fetchspec.IsBadPort(u.Port()):
		return fail(ReasonBadPort)
	}

	var hdrs []Header
	var names []string
	if st != nil {
		hdrs, names = st.hdrs[:0], st.names[:0]
	}
	hs := combined(req.Headers, hdrs)
	kept := hs[:0] // filtered in place: hs is this call's own
	for _, h := range hs {
		if dropHeader(h, req.Mode, p) {
			c.Dropped = append(c.Dropped, h.Name)
			continue
		}
		kept = append(kept, h)
	}
	if len(kept) > 0 {
		c.Headers = slices.Clip(kept)
	}
	if !fetchspec.IsSafelistedMethod(req.Method) {
		c.UnsafeMethod = req.Method
	}
	src := c.Headers
	if p.SafelistEachLine && len(req.Headers) > len(hs) {
		src = eachLine(req.Headers, req.Mode, p) // a name set more than once
	}
	c.UnsafeHeaders = unsafeHeaderNames(src, p, names)
	c.Preflight = req.Mode == ModeCORS && c.CrossOrigin && (c.UnsafeMethod != "" || len(c.UnsafeHeaders) > 0)
	return c, nil
}

// eachLine is the script's header lines one by one, names lowercased and
// values trimmed, without those the browser drops: what a profile with
// SafelistEachLine judges.
func eachLine(raw []Header, mode Mode, p Profile) []Header {
	out := make([]Header, 0, len(raw))
	for _, h := range raw {
		l := Header{Name: lowerName(h.Name), Value: trimHTTPWhitespace(h.Value)}
		if !dropHeader(l, mode, p) {
			out = append(out, l)
		}
	}
	return out
}

// dropHeader reports whether the browser silently drops a script header.
func dropHeader(h Header, mode Mode, p Profile) bool {
	switch {
	case fetchspec.IsForbiddenRequestHeader(h.Name):
		return true
	case isMethodOverride(h.Name) && overridesForbiddenMethod(h.Value):
		return true
	case p.UserAgentIgnored && h.Name == "user-agent":
		return true
	case mode == ModeNoCORS:
		// The "request-no-cors" guard keeps only safelisted name/value pairs.
		switch h.Name {
		case "accept", "accept-language", "content-language", "content-type":
			return !fetchspec.IsCORSSafelistedRequestHeader(h.Name, h.Value)
		}
		return true
	}
	return false
}

func isMethodOverride(name string) bool {
	return name == "x-http-method" || name == "x-http-method-override" || name == "x-method-override"
}

func overridesForbiddenMethod(v string) bool {
	sc := httplist.NewScanner([]string{v}, httplist.DefaultLimits)
	for {
		m, ok := sc.Next()
		if !ok {
			return false
		}
		if fetchspec.IsForbiddenMethod(normalizeMethod(m)) {
			return true
		}
	}
}

// unsafeHeaderNames is the Fetch Standard's "CORS-unsafe request-header
// names": the names that are not safelisted, plus all of them once the
// safelisted values exceed 1024 bytes together; lowercased, sorted, unique.
// The names are appended to dst[:0] (nil: a new slice).
func unsafeHeaderNames(hs []Header, p Profile, dst []string) []string {
	unsafe := dst[:0]
	total := 0
	for _, h := range hs {
		switch {
		case fetchspec.IsCORSSafelistedRequestHeader(h.Name, h.Value):
			total += len(h.Value)
		case p.ClientHintsSafelisted && fetchspec.IsChromiumSafelistedClientHint(h.Name, h.Value):
			// Chromium does not count client hints in the 1024-byte total.
		default:
			unsafe = append(unsafe, h.Name)
		}
	}
	if total > fetchspec.MaxSafelistedTotal {
		for _, h := range hs {
			if fetchspec.IsCORSSafelistedRequestHeader(h.Name, h.Value) {
				unsafe = append(unsafe, h.Name)
			}
		}
	}
	if len(unsafe) == 0 {
		return nil // as without dst
	}
	slices.Sort(unsafe)
	return slices.Clip(slices.Compact(unsafe))
}

// normalizeMethod uppercases the six methods browsers normalise.
func normalizeMethod(m string) string { return fetchspec.NormalizeMethod(m) }

func isToken(s string) bool { return httplist.IsToken(s) }

// joinNames is Access-Control-Request-Headers as Chromium sends it.
func joinNames(names []string) string { return strings.Join(names, ",") }
