package origin

// A Set is a compiled, immutable set of patterns, built for the hot path of
// a CORS middleware: MatchString allocates nothing, and its cost does not
// grow with the number of patterns. Exact origins are one map lookup on the
// raw header value; wildcard patterns cost one lookup per label of the
// request's host (at most a few dozen: hosts are at most 253 bytes).
type Set struct {
	n      int
	exact  map[string]struct{}  // canonical serializations, "null" included
	anyPrt map[hostKey]struct{} // exact host, any port
	subdom map[domainKey]struct{}
}

type hostKey struct{ scheme, host string }

// domainKey is a subdomain wildcard: port is the exact port, or -1 for any.
type domainKey struct {
	scheme, domain string
	port           int32
}

// NewSet compiles patterns into a Set. Duplicates are harmless.
func NewSet(patterns ...Pattern) *Set {
	s := &Set{exact: make(map[string]struct{})}
	for _, p := range patterns {
		switch {
		case p.opaque:
			s.exact["null"] = struct{}{}
		case p.scheme == "":
			continue // the zero Pattern matches nothing
		case p.subdomains:
			if s.subdom == nil {
				s.subdom = make(map[domainKey]struct{})
			}
			port := int32(p.port)
			if p.anyPort {
				port = -1
			}
			s.subdom[domainKey{p.scheme, p.host, port}] = struct{}{}
		case p.anyPort:
			if s.anyPrt == nil {
				s.anyPrt = make(map[hostKey]struct{})
			}
			s.anyPrt[hostKey{p.scheme, p.host}] = struct{}{}
		default:
			s.exact[p.String()] = struct{}{}
		}
	}
	s.n = len(s.exact) + len(s.anyPrt) + len(s.subdom)
	return s
}

// Len returns the number of distinct patterns in s.
func (s *Set) Len() int { return s.n }

// Contains reports whether o matches a pattern of s.
func (s *Set) Contains(o Origin) bool { return !o.IsZero() && s.MatchString(o.String()) }

// MatchString reports whether raw, an Origin header value as received,
// names an origin that matches a pattern of s. Only a valid serialization
// can match: "https://A.com", "https://a.com:443" or "https://a.com/"
// match nothing, exactly as browsers compare Access-Control-Allow-Origin
// byte for byte.
func (s *Set) MatchString(raw string) bool {
	if _, ok := s.exact[raw]; ok {
		return true
	}
	if s.anyPrt == nil && s.subdom == nil {
		return false
	}
	p, reason := split(raw)
	if reason != "" || p.anyPort || !isHostChars(p.host) {
		return false
	}
	if s.anyPrt != nil {
		if _, ok := s.anyPrt[hostKey{p.scheme, p.host}]; ok {
			return checkHost(p.host, false) == ""
		}
	}
	if s.subdom == nil || p.host[0] == '[' {
		return false
	}
	// Try each proper parent domain of the host: for "a.b.example.com",
	// "b.example.com", then "example.com", then "com".
	h := p.host
	for i := 0; i < len(h); i++ {
		if h[i] != '.' {
			continue
		}
		d := h[i+1:]
		if i == 0 || d == "" {
			return false // empty label: not a valid host
		}
		if _, ok := s.subdom[domainKey{p.scheme, d, int32(p.port)}]; ok {
			return checkHost(p.host, false) == ""
		}
		if _, ok := s.subdom[domainKey{p.scheme, d, -1}]; ok {
			return checkHost(p.host, false) == ""
		}
	}
	return false
}

// isHostChars is a cheap pre-check before map lookups: only the bytes a
// serialized host can hold.
func isHostChars(h string) bool {
	for i := 0; i < len(h); i++ {
		switch c := h[i]; {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '.', c == '_',
			c == '[', c == ']', c == ':':
		default:
			return false
		}
	}
	return true
}
