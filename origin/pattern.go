package origin

import (
	"strconv"
	"strings"

	"golang.org/x/net/publicsuffix"
)

// A Pattern describes the origins a configuration allows:
//
//   - an exact origin, "https://app.example.com";
//   - every subdomain of a domain, at any depth but not the domain itself:
//     "https://*.example.com";
//   - every port of a host, the default one included: "http://localhost:*";
//   - both at once: "https://*.example.com:*";
//   - the opaque origin, "null".
//
// The zero Pattern matches nothing.
type Pattern struct {
	scheme     string
	host       string // for a subdomain wildcard, the domain after "*."
	port       uint16
	subdomains bool
	anyPort    bool
	opaque     bool
}

// ParsePattern parses a pattern as people write them in configuration. It
// is lenient where that is harmless: the scheme and host are lowercased,
// and Unicode hosts are converted to punycode. It is strict where leniency
// would hide a mistake: a path or trailing slash, a default port written
// out, or a "*" anywhere but as the whole leftmost label or the whole port
// is an error. The lone "*" (any origin) is not a pattern: it is the
// policy's business.
func ParsePattern(s string) (Pattern, error) {
	switch s {
	case "null":
		return Pattern{opaque: true}, nil
	case "*":
		return Pattern{}, perr(s, `"*" (any origin) is not a pattern; the policy handles it`)
	}
	norm, reason := normalize(s)
	if reason == "" {
		var p Pattern
		if p, reason = parsePattern(norm); reason == "" {
			return p, nil
		}
	}
	return Pattern{}, perr(s, reason)
}

// normalize lowercases the scheme and host of s and converts a Unicode host
// to punycode, leaving everything else for parsePattern to judge.
func normalize(s string) (string, string) {
	i := strings.Index(s, "://")
	if i < 0 || len(s) > maxLen {
		return s, ""
	}
	scheme, rest := strings.ToLower(s[:i]), s[i+3:]
	end := len(rest)
	if j := strings.IndexAny(rest, "/?#@"); j >= 0 {
		end = j
	}
	host, tail := rest[:end], rest[end:]
	port := ""
	if !strings.HasPrefix(host, "[") {
		if j := strings.LastIndexByte(host, ':'); j >= 0 {
			host, port = host[:j], host[j:]
		}
	}
	host = strings.ToLower(host)
	if !isASCII(host) {
		wild := strings.HasPrefix(host, "*.")
		a, err := domainToASCII.ToASCII(strings.TrimPrefix(host, "*."))
		if err != nil {
			return "", "host is not a valid internationalized domain name: " + err.Error()
		}
		if host = a; wild {
			host = "*." + a
		}
	}
	return scheme + "://" + host + port + tail, ""
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func parsePattern(s string) (Pattern, string) {
	pp, reason := split(s)
	if reason != "" {
		return Pattern{}, reason
	}
	p := Pattern{scheme: pp.scheme, host: pp.host, port: pp.port, anyPort: pp.anyPort}
	if rest, ok := strings.CutPrefix(p.host, "*."); ok {
		if rest == "" {
			return Pattern{}, `"*." needs a domain after it`
		}
		p.subdomains, p.host = true, rest
	}
	if strings.Contains(p.host, "*") {
		return Pattern{}, `"*" may only be the whole leftmost label ("https://*.example.com") or the whole port`
	}
	if reason := checkHost(p.host, p.subdomains); reason != "" {
		return Pattern{}, reason
	}
	return p, ""
}

// String returns the canonical form of p, e.g. "https://*.example.com:*".
func (p Pattern) String() string {
	if p.opaque {
		return "null"
	}
	if p.scheme == "" {
		return ""
	}
	s := p.scheme + "://" + p.Host()
	switch {
	case p.anyPort:
		s += ":*"
	case p.port != 0:
		s += ":" + strconv.Itoa(int(p.port))
	}
	return s
}

// Scheme returns the scheme p matches; "" for "null".
func (p Pattern) Scheme() string { return p.scheme }

// Host returns the host part as written in the canonical form, including
// a leading "*." for a subdomain wildcard.
func (p Pattern) Host() string {
	if p.subdomains {
		return "*." + p.host
	}
	return p.host
}

// IsOpaque reports whether p is the pattern "null".
func (p Pattern) IsOpaque() bool { return p.opaque }

// HasSubdomainWildcard reports whether p matches every subdomain of a domain.
func (p Pattern) HasSubdomainWildcard() bool { return p.subdomains }

// HasPortWildcard reports whether p matches every port.
func (p Pattern) HasPortWildcard() bool { return p.anyPort }

// CoversPublicSuffix reports whether p's subdomain wildcard ranges over a
// public suffix, such as "*.com", "*.co.uk" or "*.github.io", where anyone
// can register a subdomain. Unlisted single-label names such as
// "localhost", "test" or "internal" are not public suffixes.
func (p Pattern) CoversPublicSuffix() bool {
	if !p.subdomains {
		return false
	}
	d := strings.TrimSuffix(p.host, ".")
	ps, icann := publicsuffix.PublicSuffix(d)
	return ps == d && (icann || strings.Contains(d, "."))
}

// Match reports whether p matches o.
func (p Pattern) Match(o Origin) bool {
	if p.opaque || o.opaque {
		return p.opaque && o.opaque
	}
	if p.scheme == "" || o.scheme != p.scheme || !p.anyPort && o.port != p.port {
		return false
	}
	if !p.subdomains {
		return o.host == p.host
	}
	return len(o.host) > len(p.host)+1 && strings.HasSuffix(o.host, p.host) &&
		o.host[len(o.host)-len(p.host)-1] == '.' && o.host[0] != '['
}
