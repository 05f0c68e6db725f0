package origin

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"golang.org/x/net/publicsuffix"
)

// Origin is a web origin as browsers serialize it in the Origin header: a
// tuple (scheme, host, port), or the opaque origin, serialized "null". The
// zero value is no origin at all, distinct from the opaque one.
type Origin struct {
	scheme string
	host   string // lowercase ASCII; IPv6 in brackets
	port   uint16 // 0: absent, i.e. the scheme's default
	opaque bool
}

// maxLen bounds the input Parse looks at: no browser-made origin comes close
// (hosts are at most 253 bytes), and a bound keeps hostile input cheap.
const maxLen = 512

// A ParseError reports why a string is not a valid origin or pattern.
type ParseError struct {
	Input  string // the input, as given
	Reason string // what is wrong with it
}

func (e *ParseError) Error() string {
	in := e.Input
	if len(in) > 100 {
		in = in[:100] + "…"
	}
	return fmt.Sprintf("origin: invalid origin %q: %s", in, e.Reason)
}

func perr(in, reason string) error { return &ParseError{Input: in, Reason: reason} }

// Parse parses s as a browser sends it in the Origin header: "null", or
// scheme "://" host [":" port], with a lowercase scheme and host, no
// default port, and nothing else. It is strict on purpose: a browser never
// sends anything else, and a lenient parser is how allowlists get bypassed.
//
// The host must be one the URL Standard's host parser gives back
// unchanged: a host whose last label is a number ("a.0x1", "example.255",
// "0x7f.1") is parsed as IPv4, so only a canonical dotted-decimal address
// passes; an xn-- label must be valid punycode that UTS 46 ToASCII, with the
// URL Standard's flags, writes back the same ("xn--.example" does not).
func Parse(s string) (Origin, error) {
	if s == "null" {
		return Origin{opaque: true}, nil
	}
	parts, reason := split(s)
	if reason != "" {
		return Origin{}, perr(s, reason)
	}
	if parts.anyPort {
		return Origin{}, perr(s, `port "*" is a pattern, not an origin`)
	}
	if reason := checkHost(parts.host, false); reason != "" {
		return Origin{}, perr(s, reason)
	}
	return Origin{scheme: parts.scheme, host: parts.host, port: parts.port}, nil
}

// MustParse is Parse for inputs known to be valid; it panics otherwise.
func MustParse(s string) Origin {
	o, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return o
}

// String returns the serialization: "scheme://host[:port]", "null" for the
// opaque origin, "" for the zero Origin.
func (o Origin) String() string {
	switch {
	case o.opaque:
		return "null"
	case o.scheme == "":
		return ""
	case o.port == 0:
		return o.scheme + "://" + o.host
	}
	return o.scheme + "://" + o.host + ":" + strconv.Itoa(int(o.port))
}

// Scheme returns the scheme, e.g. "https"; "" if o is opaque or zero.
func (o Origin) Scheme() string { return o.scheme }

// Host returns the host in ASCII lowercase (punycode), IPv6 in brackets.
func (o Origin) Host() string { return o.host }

// Port returns the port, or 0 when absent (the scheme's default).
func (o Origin) Port() int { return int(o.port) }

// IsOpaque reports whether o is the opaque origin "null".
func (o Origin) IsOpaque() bool { return o.opaque }

// IsZero reports whether o is the zero Origin (no origin).
func (o Origin) IsZero() bool { return o == Origin{} }

// SameOrigin reports whether o and p are the same tuple origin. An opaque
// origin is same-origin only with itself, an identity that a parsed "null"
// has lost, so SameOrigin is false whenever either is opaque (or zero).
func (o Origin) SameOrigin(p Origin) bool {
	return !o.opaque && o.scheme != "" && o == p
}

// SameSite reports whether o and p are schemeful same-site (HTML Standard):
// the same scheme and the same site, where a host's site is its registrable
// domain ("a.example.co.uk" → "example.co.uk"), or the host itself for IP
// addresses and hosts without one (such as "localhost"). Opaque origins are
// never same-site with anything here, for the reason given in SameOrigin.
func (o Origin) SameSite(p Origin) bool {
	if o.opaque || p.opaque || o.scheme == "" || o.scheme != p.scheme {
		return false
	}
	return o.host == p.host || site(o.host) == site(p.host)
}

// Site returns the site of o's host: its registrable domain, or the host
// itself if it has none (IP addresses, "localhost", public suffixes).
func (o Origin) Site() string { return site(o.host) }

func site(host string) string {
	if strings.HasPrefix(host, "[") || isIPv4(host) {
		return host
	}
	d, err := publicsuffix.EffectiveTLDPlusOne(host)
	if err != nil {
		return host
	}
	return d
}

func isIPv4(h string) bool {
	a, err := netip.ParseAddr(h)
	return err == nil && a.Is4()
}
