// Package fetchspec holds the Fetch Standard's tables that both halves of
// corskit need: which methods and headers are safelisted, normalised or
// forbidden. Each rule lives here once; the middleware validates its
// configuration with them and the browser model classifies requests with
// them, so the two can never disagree.
//
// Reference: https://fetch.spec.whatwg.org/ (sections "Methods" and
// "Terminology: headers").
package fetchspec

import (
	"strings"

	"github.com/corskit/corskit/internal/httplist"
)

// IsSafelistedMethod reports whether m is a CORS-safelisted method (GET,
// HEAD or POST, byte for byte): such a method never causes a preflight by
// itself.
func IsSafelistedMethod(m string) bool {
	return m == "GET" || m == "HEAD" || m == "POST"
}

// NormalizeMethod uppercases m if it is one of DELETE, GET, HEAD, OPTIONS,
// POST and PUT in any case, as browsers do before sending; any other method
// is returned as written, because method names are case-sensitive.
func NormalizeMethod(m string) string {
	for _, n := range normalizedMethods {
		if httplist.EqualFold(m, n) {
			return n
		}
	}
	return m
}

var normalizedMethods = [...]string{"DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"}

// IsForbiddenMethod reports whether m is CONNECT, TRACE or TRACK in any
// case: fetch() throws before sending such a request.
func IsForbiddenMethod(m string) bool {
	return httplist.EqualFold(m, "CONNECT") || httplist.EqualFold(m, "TRACE") || httplist.EqualFold(m, "TRACK")
}

// IsForbiddenRequestHeader reports whether a script can never set the
// header named name: browsers drop it silently. The method-override
// headers (X-HTTP-Method, X-HTTP-Method-Override, X-Method-Override) are
// forbidden only for some values and are therefore not reported here.
func IsForbiddenRequestHeader(name string) bool {
	if hasPrefixFold(name, "proxy-") || hasPrefixFold(name, "sec-") {
		return true
	}
	for _, f := range forbiddenRequestHeaders {
		if httplist.EqualFold(name, f) {
			return true
		}
	}
	return false
}

var forbiddenRequestHeaders = [...]string{
	"Accept-Charset", "Accept-Encoding", "Access-Control-Request-Headers",
	"Access-Control-Request-Method", "Connection", "Content-Length", "Cookie",
	"Cookie2", "Date", "DNT", "Expect", "Host", "Keep-Alive", "Origin",
	"Referer", "Set-Cookie", "TE", "Trailer", "Transfer-Encoding", "Upgrade",
	"Via",
}

// IsForbiddenResponseHeader reports whether scripts can never read the
// response header named name, whatever Access-Control-Expose-Headers says.
func IsForbiddenResponseHeader(name string) bool {
	return httplist.EqualFold(name, "Set-Cookie") || httplist.EqualFold(name, "Set-Cookie2")
}

// SafelistedResponseHeaders are readable by scripts without being exposed.
var SafelistedResponseHeaders = [...]string{
	"Cache-Control", "Content-Language", "Content-Length", "Content-Type",
	"Expires", "Last-Modified", "Pragma",
}

// IsSafelistedResponseHeader reports whether name is one of
// SafelistedResponseHeaders, ignoring case.
func IsSafelistedResponseHeader(name string) bool {
	for _, s := range SafelistedResponseHeaders {
		if httplist.EqualFold(name, s) {
			return true
		}
	}
	return false
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && httplist.EqualFold(s[:len(prefix)], prefix)
}

// IsBrowserDefaultRequestHeader reports whether the header name: value is
// one a browser adds to a fetch() request by itself when the script set no
// such header, though a script could have set it: User-Agent and
// Accept-Language (the Fetch Standard's "fetch" and "HTTP-network-or-cache
// fetch" steps append them), Accept: */* (the default for fetch() and XHR),
// and Priority (RFC 9218, which Chromium sends for every request). Tools
// that rebuild a script's call from what went on the wire (a HAR file, a
// DevTools "Copy as cURL") drop these, as the script most likely did not
// set them; forbidden headers (IsForbiddenRequestHeader) are another
// matter: no script can set those at all.
func IsBrowserDefaultRequestHeader(name, value string) bool {
	switch {
	case httplist.EqualFold(name, "User-Agent"), httplist.EqualFold(name, "Accept-Language"),
		httplist.EqualFold(name, "Priority"):
		return true
	case httplist.EqualFold(name, "Accept"):
		return value == "*/*"
	}
	return false
}

// IsBadPort reports whether browsers refuse to fetch from port (a decimal
// port number, as a URL spells it) over http(s): the Fetch Standard's
// "bad port" list, ports of protocols a request could be smuggled into
// (SMTP, IRC, X11, SIP...). The fetch fails before any connection
// (Chromium: net::ERR_UNSAFE_PORT), in every mode, and no response header
// can change that. Reference: https://fetch.spec.whatwg.org/#port-blocking.
func IsBadPort(port string) bool {
	n := 0
	if port == "" || len(port) > 5 {
		return false
	}
	for i := 0; i < len(port); i++ {
		if port[i] < '0' || port[i] > '9' {
			return false
		}
		n = n*10 + int(port[i]-'0')
	}
	_, bad := badPorts[n]
	return bad
}

// badPorts is the Fetch Standard's list, in its order.
var badPorts = func() map[int]struct{} {
	m := make(map[int]struct{})
	for _, p := range [...]int{
		0, 1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79,
		87, 95, 101, 102, 103, 104, 109, 110, 111, 113, 115, 117, 119, 123, 135, 137,
		139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532,
		540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723,
		2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669,
		6679, 6697, 10080,
	} {
		m[p] = struct{}{}
	}
	return m
}()

// UnreadableResponseHeaderByte is the first byte of a response header line
// (as sent on the wire, without its CRLF) that makes browsers refuse the
// whole response as a network error: NUL, or a CR not followed by LF (a
// bare CR). Every other byte, the control bytes 0x01-0x1F and DEL
// included, is read into the value as it is. It returns -1 when there is
// none. (HTTP/1.1 parsing in Chromium's HttpStreamParser and Firefox's
// nsHttpResponseHead; the web-platform-tests' fetch/h1-parsing.)
func UnreadableResponseHeaderByte(line string) int {
	return strings.IndexAny(line, "\x00\r")
}
