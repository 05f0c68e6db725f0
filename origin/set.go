package origin

// A Set is a compiled, immutable set of patterns, built for the hot path of
// a CORS middleware: MatchString allocates nothing, and its cost does not
// grow with the number of patterns. Exact origins are one map lookup on the
// raw header value; wildcard patterns cost one lookup per label of the
// request's host (a few, at most 256 for the longest valid input).
type Set struct {
	n       int
	exact   map[string]struct{} // canonical serializations, "null" included
	few     []string            // the same, when there are at most maxFew: comparing beats hashing
	hosts   map[string][]rule   // host -> any-port patterns on it
	domains map[string][]rule   // domain -> subdomain patterns under it
}

// rule is what a wildcard pattern adds to its host or domain: which scheme,
// and which port (any, or one; 0 is the default port).
type rule struct {
	scheme  string
	port    uint16
	anyPort bool
}

func (r rule) match(p parts) bool {
	return r.scheme == p.scheme && (r.anyPort || r.port == p.port)
}

// NewSet compiles patterns into a Set. Duplicates are harmless.
func NewSet(patterns ...Pattern) *Set {
	s := &Set{exact: make(map[string]struct{})}
	add := func(m *map[string][]rule, key string, r rule) {
		if *m == nil {
			*m = make(map[string][]rule)
		}
		for _, old := range (*m)[key] {
			if old == r {
				return
			}
		}
		(*m)[key] = append((*m)[key], r)
		s.n++
	}
	for _, p := range patterns {
		r := rule{scheme: p.scheme, port: p.port, anyPort: p.anyPort}
		switch {
		case p.opaque:
			s.exact["null"] = struct{}{}
		case p.scheme == "":
			// The zero Pattern matches nothing.
		case p.subdomains:
			add(&s.domains, p.host, r)
		case p.anyPort:
			add(&s.hosts, p.host, r)
		default:
			s.exact[p.String()] = struct{}{}
		}
	}
	s.n += len(s.exact)
	if len(s.exact) <= maxFew {
		s.few = make([]string, 0, len(s.exact))
		for e := range s.exact {
			s.few = append(s.few, e)
		}
	}
	return s
}

// maxFew is the most exact origins MatchString compares one by one rather
// than hashing the request's: a comparison of strings of different lengths
// costs one instruction, and one of equal length a memcmp, while hashing
// reads the whole value.
const maxFew = 8

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
	if len(raw) > maxLen {
		return false // not even hashed: hostile input costs nothing
	}
	if s.few != nil {
		for _, e := range s.few {
			if e == raw {
				return true
			}
		}
	} else if _, ok := s.exact[raw]; ok {
		return true
	}
	if s.hosts == nil && s.domains == nil {
		return false
	}
	p, reason := split(raw)
	if reason != "" || p.anyPort {
		return false
	}
	if rules, ok := s.hosts[p.host]; ok && matchAny(rules, p) {
		return checkHost(p.host, false) == ""
	}
	if s.domains == nil || p.host[0] == '[' {
		return false
	}
	// Try each proper parent domain of the host: for "a.b.example.com",
	// "b.example.com", then "example.com", then "com". The domain is a
	// substring of raw, so each lookup hashes a string and allocates nothing.
	h := p.host
	for i := 1; i < len(h)-1; i++ {
		if h[i] != '.' {
			continue
		}
		if rules, ok := s.domains[h[i+1:]]; ok && matchAny(rules, p) {
			return checkHost(h, false) == ""
		}
	}
	return false
}

func matchAny(rules []rule, p parts) bool {
	for _, r := range rules {
		if r.match(p) {
			return true
		}
	}
	return false
}
