package origin

import (
	"net/url"
	"strconv"
	"strings"
)

// FromURL returns the origin of a URL as a browser computes it: scheme,
// host and port of http, https, ws and wss URLs, with the host lowercased and
// the scheme's default port dropped; the opaque origin for every other
// scheme (data:, file:, blob: without an inner origin...) and for URLs whose
// host is not one a browser would accept.
func FromURL(u *url.URL) Origin {
	scheme := strings.ToLower(u.Scheme)
	switch scheme {
	case "http", "https", "ws", "wss":
	default:
		return Origin{opaque: true}
	}
	host := strings.ToLower(u.Hostname())
	if strings.Contains(host, ":") { // IPv6: Hostname strips the brackets
		host = "[" + host + "]"
	}
	o := Origin{scheme: scheme, host: host}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > 65535 {
			return Origin{opaque: true}
		}
		if n != defaultPort(scheme) {
			o.port = uint16(n)
		}
	}
	// Round-trip through Parse so that FromURL never yields an origin Parse
	// would refuse (uppercase IPv6, non-canonical IPv4, empty host...).
	if _, err := Parse(o.String()); err != nil {
		return Origin{opaque: true}
	}
	return o
}
