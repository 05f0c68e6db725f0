package fetch

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/corskit/corskit/internal/fetchspec"
	"github.com/corskit/corskit/internal/httplist"
)

// HeaderValue is a response header as the browser's network stack reads
// it: the lines of that name joined by ", ", each trimmed of surrounding
// spaces and tabs; ok is false when there is no such line.
func HeaderValue(h http.Header, name string) (v string, ok bool) {
	return joinedValue(h.Values(name))
}

// canonicalValues is h.Values(key) for a key already in canonical form, as
// every name the model looks up is (TestModelKeysCanonical): Values would
// canonicalize it again, on every lookup of every response.
func canonicalValues(h http.Header, key string) []string { return h[key] }

// joinedValue is HeaderValue of a header's lines.
func joinedValue(lines []string) (v string, ok bool) {
	if len(lines) == 0 {
		return "", false
	}
	if len(lines) == 1 {
		return httplist.TrimOWS(lines[0]), true
	}
	trimmed := make([]string, len(lines))
	for i, l := range lines {
		trimmed[i] = httplist.TrimOWS(l)
	}
	return strings.Join(trimmed, ", "), true
}

// corsCheck is the CORS check of a response, in Chromium's order: the
// Allow-Origin header against the request's serialized origin, then, for
// credentials mode include, Allow-Credentials. It returns the failure's
// reason, header and value, or ReasonNone.
func corsCheck(h http.Header, requestOrigin string, include bool) (Reason, string, string) {
	const acao, acac = "Access-Control-Allow-Origin", "Access-Control-Allow-Credentials"
	v, ok := joinedValue(canonicalValues(h, acao))
	switch {
	case !ok:
		return ReasonMissingAllowOrigin, acao, ""
	case v == "*":
		if include {
			return ReasonWildcardOriginNotAllowed, acao, v
		}
		return ReasonNone, "", ""
	case v != requestOrigin:
		switch {
		case strings.ContainsAny(v, " ,"):
			return ReasonMultipleAllowOrigin, acao, v
		case v != "null" && !isValidURL(v):
			return ReasonInvalidAllowOrigin, acao, v
		}
		return ReasonAllowOriginMismatch, acao, v
	}
	if include {
		if c, _ := joinedValue(canonicalValues(h, acac)); c != "true" {
			return ReasonInvalidAllowCredentials, acac, c
		}
	}
	return ReasonNone, "", ""
}

// isValidURL approximates Chromium's GURL validity, which decides between
// "invalid value" and "not equal" for a mismatching Allow-Origin: an
// absolute URL with a well-formed scheme, and a host for the schemes that
// need one.
func isValidURL(v string) bool {
	// The URL parser first strips leading and trailing C0 controls and
	// spaces, and removes tabs and line breaks inside: "{origin}\x1b" is a
	// valid URL that is not the origin.
	v = strings.TrimFunc(v, func(r rune) bool { return r <= ' ' })
	v = strings.NewReplacer("\t", "", "\n", "", "\r", "").Replace(v)
	u, err := url.Parse(v)
	if err != nil || u.Scheme == "" {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https", "ws", "wss", "ftp":
		return u.Host != ""
	}
	return true
}

// isOKStatus is the Fetch Standard's ok status: 200 to 299.
func isOKStatus(code int) bool { return code >= 200 && code <= 299 }

// isRedirect reports whether a response is one the browser follows: a
// redirect status with a Location header (without one, it is an ordinary
// response).
func isRedirect(res *http.Response) bool {
	switch res.StatusCode {
	case 301, 302, 303, 307, 308:
		ls := canonicalValues(res.Header, "Location")
		return len(ls) > 0 && ls[0] != ""
	}
	return false
}

// allowList is a parsed Access-Control-Allow-Methods or -Headers.
type allowList struct {
	names    []string // as sent (methods, exposed headers) or lowercased (allowed headers)
	wildcard bool     // "*" is among them
}

// parseAllowList parses a preflight's allow list; ok is false when a
// present header does not parse (an element that is not a token).
func parseAllowList(h http.Header, name string, lower bool) (allowList, bool) {
	return parseAllowListInto(nil, h, name, lower)
}

// parseAllowListInto is parseAllowList appending the names to dst, so that
// a caller with room for them allocates nothing for a short list.
func parseAllowListInto(dst []string, h http.Header, name string, lower bool) (allowList, bool) {
	l := allowList{names: dst[:0]}
	sc := httplist.NewScanner(canonicalValues(h, name), httplist.DefaultLimits)
	for {
		e, more := sc.Next()
		if !more {
			break
		}
		if !isToken(e) {
			return l, false
		}
		if e == "*" {
			l.wildcard = true
		}
		if lower {
			e = lowerName(e)
		}
		l.names = append(l.names, e)
	}
	if len(l.names) == 0 {
		l.names = nil // as without dst
	}
	return l, sc.Err() == nil
}

// maxAge reads Access-Control-Max-Age: how long the result may be cached,
// and whether it may be cached at all.
func maxAge(h http.Header, p Profile) (time.Duration, bool) {
	lines := canonicalValues(h, "Access-Control-Max-Age")
	d := defaultMaxAge
	if len(lines) > 1 && p.InvalidMaxAgeNoCache {
		return 0, false
	}
	if len(lines) == 1 {
		v := httplist.TrimOWS(lines[0])
		if p.NegativeMaxAgeNoCache && strings.HasPrefix(v, "-") {
			if _, err := strconv.ParseInt(v, 10, 64); err == nil {
				return 0, false
			}
		}
		if p.InvalidMaxAgeNoCache && v != "" && !allDigitsASCII(v) {
			return 0, false
		}
		if n, err := strconv.ParseUint(v, 10, 63); err == nil && allDigitsASCII(v) {
			if n > uint64((1<<63-1)/int64(time.Second)) {
				n = uint64((1<<63 - 1) / int64(time.Second))
			}
			d = time.Duration(n) * time.Second
		} else if p.InvalidMaxAgeNoCache && allDigitsASCII(v) {
			d = 1<<63 - 1 // Firefox's parser saturates: too many digits is the cap
		}
	}
	if p.MaxAgeCap > 0 && d > p.MaxAgeCap {
		d = p.MaxAgeCap
	}
	return d, d > 0
}

// maxAgeNote says in a sentence how long a preflight result with headers
// h is cached in profile p, and why: maxAge's result explained.
func maxAgeNote(h http.Header, age time.Duration, cacheable bool, p Profile) string {
	lines := canonicalValues(h, "Access-Control-Max-Age")
	src := "no Access-Control-Max-Age: the default 5s"
	if len(lines) > 0 {
		src = "Access-Control-Max-Age: " + strings.Join(lines, ", ")
		if cacheable && (len(lines) > 1 || !allDigitsASCII(httplist.TrimOWS(lines[0]))) {
			src += " (not a number: the default 5s)"
		}
	}
	if !cacheable {
		return "not cached: " + src + " means no caching in the " + p.Name + " engine"
	}
	note := fmt.Sprintf("cached for %s: %s", age, src)
	if p.MaxAgeCap > 0 && age == p.MaxAgeCap && (len(lines) != 1 || httplist.TrimOWS(lines[0]) != strconv.Itoa(int(p.MaxAgeCap/time.Second))) {
		note += fmt.Sprintf(", capped at %s in the %s engine", p.MaxAgeCap, p.Name)
	}
	return note
}

func allDigitsASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// methodAllowed is the preflight's method check.
func methodAllowed(l allowList, method string, include bool) bool {
	return fetchspec.IsSafelistedMethod(method) || slices.Contains(l.names, method) || l.wildcard && !include
}

// headerAllowed is the preflight's check of one CORS-unsafe header name
// (lowercase).
func headerAllowed(l allowList, name string, include bool, p Profile) bool {
	if slices.Contains(l.names, name) {
		return true
	}
	if !l.wildcard || include {
		return false
	}
	return name != "authorization" || p.WildcardAllowsAuthorization
}

// readableHeaders calls yield with each key of h whose lines script may
// read from a response of type typ: every one but the forbidden ones for a
// basic response; for a CORS response, the safelisted ones and those listed
// in Access-Control-Expose-Headers ("*" counts without credentials). The
// keys are h's own, so that no name is rebuilt. scratch is room for the
// exposed names (nil: none).
func readableHeaders(h http.Header, typ ResponseType, include bool, scratch []string, yield func(key string)) {
	if typ != ResponseBasic && typ != ResponseCORS {
		return
	}
	var exposed allowList
	if typ == ResponseCORS {
		// As sent: containsFold below ignores case, so no lowercase copies.
		if l, ok := parseAllowListInto(scratch, h, "Access-Control-Expose-Headers", false); ok {
			exposed = l
		}
	}
	for name := range h {
		// Names match byte-case-insensitively (the Fetch Standard): ASCII
		// letters only, as the checks below compare, so no lowercase copy.
		switch {
		case fetchspec.IsForbiddenResponseHeader(name):
		case typ == ResponseBasic,
			fetchspec.IsSafelistedResponseHeader(name),
			containsFold(exposed.names, name),
			exposed.wildcard && !include:
			yield(name)
		}
	}
}

// containsFold reports whether names hold name, ignoring ASCII case.
func containsFold(names []string, name string) bool {
	for _, n := range names {
		if httplist.EqualFold(n, name) {
			return true
		}
	}
	return false
}

// lowerNames holds the lowercase form of the header names responses carry
// most, so that lowerName finds it instead of building it.
// canonicalNames maps their lowercase and canonical forms to the
// canonical one, for canonicalKey.
var lowerNames, canonicalNames = func() (map[string]string, map[string]string) {
	m, c := make(map[string]string), make(map[string]string)
	for _, n := range []string{
		"Access-Control-Allow-Credentials", "Access-Control-Allow-Headers", "Access-Control-Allow-Methods",
		"Access-Control-Allow-Origin", "Access-Control-Expose-Headers", "Access-Control-Max-Age",
		"Cache-Control", "Content-Language", "Content-Length", "Content-Type", "Date", "Etag", "Expires",
		"Last-Modified", "Location", "Pragma", "Server", "Set-Cookie", "Set-Cookie2", "Vary", "X-Request-Id",
		// and the request headers scripts set most
		"Accept", "Accept-Language", "Authorization", "If-Match", "If-Modified-Since", "If-None-Match", "Range",
		"X-Api-Key", "X-Requested-With", "X-Csrf-Token", "Origin", "Access-Control-Request-Method",
		"Access-Control-Request-Headers", "Content-Encoding", "Content-Location", "If-Unmodified-Since", "If-Range",
	} {
		m[n] = strings.ToLower(n)
		canon := http.CanonicalHeaderKey(n)
		c[m[n]], c[canon] = canon, canon
	}
	return m, c
}()

// canonicalKey is http.CanonicalHeaderKey(name), without building (or
// checking) the common names: the script's headers arrive lowercased.
func canonicalKey(name string) string {
	if c, ok := canonicalNames[name]; ok {
		return c
	}
	return http.CanonicalHeaderKey(name)
}

// lowerName is strings.ToLower(name), without building the common names
// or copying one that is lowercase already (as tokens in allow lists and
// the names scripts set mostly are).
func lowerName(name string) string {
	lower := true
	for i := 0; i < len(name); i++ {
		if c := name[i]; c >= 0x80 || 'A' <= c && c <= 'Z' {
			lower = false
			break
		}
	}
	if lower {
		return name
	}
	if l, ok := lowerNames[name]; ok {
		return l
	}
	return strings.ToLower(name)
}

// PreflightGaps reports what the preflight response header h fails to
// allow for a request with the given method and CORS-unsafe header names
// (lowercase), under profile p: whether the method is missing, and which
// header names are. Unparsable lists allow nothing. It is the check the
// browser runs, exposed so that diagnoses name every gap at once, where the
// browser stops at the first.
func PreflightGaps(h http.Header, method string, unsafeHeaders []string, include bool, p Profile) (methodMissing bool, headersMissing []string) {
	methods, _ := parseAllowList(h, "Access-Control-Allow-Methods", false)
	headers, _ := parseAllowList(h, "Access-Control-Allow-Headers", true)
	methodMissing = !methodAllowed(methods, method, include)
	for _, n := range unsafeHeaders {
		if !headerAllowed(headers, n, include, p) {
			headersMissing = append(headersMissing, n)
		}
	}
	return methodMissing, headersMissing
}

// PreflightMaxAge returns the cache time a preflight response header h
// asks for and the time profile p grants (after its cap); cacheable is
// false when the result is not cached at all.
func PreflightMaxAge(h http.Header, p Profile) (granted time.Duration, cacheable bool) {
	return maxAge(h, p)
}

// CheckCORS is the CORS check a browser runs on a response to a request
// whose Origin header was requestOrigin: Access-Control-Allow-Origin, then
// (for credentials mode include) Access-Control-Allow-Credentials. It
// returns ReasonNone when the response passes, else the reason, the header
// at fault and its value. requestOrigin may be any string a client sent,
// valid origin or not, so scanners can test origins no browser would send.
func CheckCORS(h http.Header, requestOrigin string, include bool) (reason Reason, header, value string) {
	return corsCheck(h, requestOrigin, include)
}
