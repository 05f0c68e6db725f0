package fetchspec

import (
	"mime"
	"strings"

	"github.com/corskit/corskit/internal/httplist"
)

// Limits of the CORS-safelisted request-header rules.
const (
	MaxSafelistedValue = 128  // bytes in one safelisted header value
	MaxSafelistedTotal = 1024 // bytes in all safelisted values of a request
)

// IsCORSUnsafeRequestHeaderByte reports whether c may not appear in the
// value of a safelisted Accept or Content-Type header: control bytes other
// than tab, DEL, and "():<>?@[\]{}.
func IsCORSUnsafeRequestHeaderByte(c byte) bool { return corsUnsafeByte[c] }

// corsUnsafeByte is IsCORSUnsafeRequestHeaderByte as a table: it runs on
// every byte of every header value a script sets.
var corsUnsafeByte = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = c != '\t'
	}
	t[0x7f] = true
	for _, c := range []byte(`"():<>?@[\]{}`) {
		t[c] = true
	}
	return t
}()

// IsCORSSafelistedRequestHeader reports whether the header name: value,
// set by a script, leaves a request simple (no preflight) per the Fetch
// Standard. It does not apply the 1024-byte total; see
// MaxSafelistedTotal. Chromium safelists a few more names: see
// IsChromiumClientHint.
func IsCORSSafelistedRequestHeader(name, value string) bool {
	if len(value) > MaxSafelistedValue {
		return false
	}
	switch {
	case httplist.EqualFold(name, "Accept"):
		return !containsUnsafeByte(value)
	case httplist.EqualFold(name, "Accept-Language"), httplist.EqualFold(name, "Content-Language"):
		for i := 0; i < len(value); i++ {
			if !isLanguageByte(value[i]) {
				return false
			}
		}
		return true
	case httplist.EqualFold(name, "Content-Type"):
		if containsUnsafeByte(value) {
			return false
		}
		return isSafelistedMIME(value)
	case httplist.EqualFold(name, "Range"):
		return isSingleByteRange(value)
	}
	return false
}

func containsUnsafeByte(v string) bool {
	for i := 0; i < len(v); i++ {
		if IsCORSUnsafeRequestHeaderByte(v[i]) {
			return true
		}
	}
	return false
}

func isLanguageByte(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' ||
		strings.IndexByte(" *,-.;=", c) >= 0
}

// isSafelistedMIME reports whether v parses as a MIME type whose essence is
// one of the three a plain HTML form can send.
func isSafelistedMIME(v string) bool {
	if !strings.Contains(v, ";") && isASCII(v) {
		// Without parameters, mime.ParseMediaType's media type is v trimmed
		// and lowercased; the three essences are valid media types, so an
		// ASCII case-insensitive match is the same answer without the map
		// of parameters it allocates (the common "application/json"). Not
		// for non-ASCII values: Unicode lowercasing maps some of them to
		// ASCII ("İ" to "i"), which is what mime.ParseMediaType answers.
		mt := strings.TrimSpace(v)
		return httplist.EqualFold(mt, "application/x-www-form-urlencoded") ||
			httplist.EqualFold(mt, "multipart/form-data") || httplist.EqualFold(mt, "text/plain")
	}
	mt, _, err := mime.ParseMediaType(v)
	if err != nil && err != mime.ErrInvalidMediaParameter {
		return false
	}
	switch mt {
	case "application/x-www-form-urlencoded", "multipart/form-data", "text/plain":
		return true
	}
	return false
}

// isSingleByteRange reports whether v is "bytes=START-[END]" with decimal
// START and END, START <= END, as the Fetch Standard's "parse a single range
// header value" accepts with a non-null start.
func isSingleByteRange(v string) bool {
	rest, ok := strings.CutPrefix(v, "bytes=")
	if !ok {
		return false
	}
	start, end, ok := strings.Cut(rest, "-")
	if !ok || start == "" || !allDigits(start) || end != "" && !allDigits(end) {
		return false
	}
	if end == "" {
		return true
	}
	// Compare as decimal numbers of arbitrary length, without overflow.
	start, end = strings.TrimLeft(start, "0"), strings.TrimLeft(end, "0")
	if len(start) != len(end) {
		return len(start) < len(end)
	}
	return start <= end
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// IsChromiumSafelistedClientHint reports whether Chromium treats the
// header name: value as CORS-safelisted although the Fetch Standard does
// not: the client-hint headers with well-formed values.
func IsChromiumSafelistedClientHint(name, value string) bool {
	// The name first: it is rarely a hint, and the value's bytes need not
	// be looked at then.
	var valid func(string) bool
	switch {
	case httplist.EqualFold(name, "DPR"), httplist.EqualFold(name, "Device-Memory"), httplist.EqualFold(name, "Downlink"):
		valid = isSimilarToDouble
	case httplist.EqualFold(name, "Width"), httplist.EqualFold(name, "Viewport-Width"), httplist.EqualFold(name, "RTT"):
		valid = func(v string) bool { return v != "" && allDigits(v) }
	case httplist.EqualFold(name, "ECT"):
		valid = func(v string) bool { return v == "slow-2g" || v == "2g" || v == "3g" || v == "4g" }
	case httplist.EqualFold(name, "Save-Data"):
		valid = func(v string) bool { return v == "on" }
	case httplist.EqualFold(name, "Intervention"):
		valid = func(string) bool { return true }
	default:
		return false
	}
	return len(value) <= MaxSafelistedValue && !containsUnsafeByte(value) && valid(value)
}

// isSimilarToDouble is Chromium's IsSimilarToDoubleABNF: a digit, then
// digits with at most one dot. "-1", "+1", "1e2", ".5" and "" are not, so
// those hint values need a preflight, where strconv.ParseFloat took them.
func isSimilarToDouble(v string) bool {
	if v == "" || v[0] < '0' || v[0] > '9' {
		return false
	}
	dot := false
	for i := 1; i < len(v); i++ {
		switch c := v[i]; {
		case c >= '0' && c <= '9':
		case c == '.' && !dot:
			dot = true
		default:
			return false
		}
	}
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
