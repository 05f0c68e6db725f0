package origin_test

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/corskit/corskit/origin"
)

func mustPattern(t testing.TB, s string) origin.Pattern {
	t.Helper()
	p, err := origin.ParsePattern(s)
	if err != nil {
		t.Fatalf("ParsePattern(%q): %v", s, err)
	}
	return p
}

func TestParsePatternCanonical(t *testing.T) {
	for in, want := range map[string]string{
		"https://app.example.com":      "https://app.example.com",
		"HTTPS://App.Example.COM":      "https://app.example.com",
		"https://*.example.com":        "https://*.example.com",
		"https://*.EXAMPLE.com":        "https://*.example.com",
		"http://localhost:*":           "http://localhost:*",
		"https://*.example.com:*":      "https://*.example.com:*",
		"https://*.example.com:8443":   "https://*.example.com:8443",
		"https://bücher.example":       "https://xn--bcher-kva.example",
		"https://*.BÜCHER.example:*":   "https://*.xn--bcher-kva.example:*",
		"http://[::1]:*":               "http://[::1]:*",
		"http://[0:0:0:0:0:0:0:1]:*":   "", // error: not canonical
		"null":                         "null",
		"https://a.com:443":            "", // default port
		"https://a.com/":               "",
		"https://a.com/path":           "",
		"https://*example.com":         "",
		"https://a.*.example.com":      "",
		"https://*":                    "",
		"https://*.":                   "",
		"https://*.*.example.com":      "",
		"*://example.com":              "",
		"https://example.com*":         "",
		"https://example.*":            "",
		"https://*.127.0.0.1":          "",
		"https://*.[::1]":              "",
		"https://example.com:8*":       "",
		"*":                            "",
		"":                             "",
		"example.com":                  "",
		"https://user@example.com":     "",
		"https://*.example.com/":       "",
		"https://exa mple.com":         "",
		"https://\u2603.example:*:*":   "",
		"https://*.xn--bcher-kva.test": "https://*.xn--bcher-kva.test",
	} {
		p, err := origin.ParsePattern(in)
		if want == "" {
			if err == nil {
				t.Errorf("ParsePattern(%q) = %v, want an error", in, p)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParsePattern(%q): %v", in, err)
			continue
		}
		if p.String() != want {
			t.Errorf("ParsePattern(%q) = %q, want %q", in, p, want)
		}
		// The canonical form re-parses to the same pattern.
		if q := mustPattern(t, p.String()); q != p {
			t.Errorf("ParsePattern(%q) does not round-trip: %v vs %v", in, p, q)
		}
	}
}

func TestCoversPublicSuffix(t *testing.T) {
	for in, want := range map[string]bool{
		"https://*.com":           true,
		"https://*.co.uk":         true,
		"https://*.github.io":     true,
		"https://*.herokuapp.com": true,
		"https://*.example.com":   false,
		"https://*.example.co.uk": false,
		"http://*.localhost:*":    false,
		"https://*.test":          false,
		"https://*.internal":      false,
		"https://example.com":     false,
		"https://com":             false, // exact: matches one origin, no wildcard
	} {
		if got := mustPattern(t, in).CoversPublicSuffix(); got != want {
			t.Errorf("%s: CoversPublicSuffix = %v, want %v", in, got, want)
		}
	}
}

func TestPatternMatch(t *testing.T) {
	for _, tc := range []struct {
		pattern string
		yes, no []string
	}{
		{"https://*.example.com",
			[]string{"https://a.example.com", "https://a.b.example.com", "https://x-y.example.com"},
			[]string{"https://example.com", "https://attackerexample.com", "https://example.com.attacker.com",
				"http://a.example.com", "https://a.example.com:8443", "https://a.example.co", "null"}},
		{"http://localhost:*",
			[]string{"http://localhost", "http://localhost:1", "http://localhost:65535"},
			[]string{"https://localhost", "http://a.localhost:3000", "http://localhost.evil.com"}},
		{"https://*.example.com:*",
			[]string{"https://a.example.com", "https://a.example.com:8443"},
			[]string{"https://example.com:8443", "http://a.example.com"}},
		{"https://example.com",
			[]string{"https://example.com"},
			[]string{"https://a.example.com", "https://example.com:8443", "http://example.com"}},
		{"null", []string{"null"}, []string{"https://null"}},
	} {
		p := mustPattern(t, tc.pattern)
		set := origin.NewSet(p)
		for _, s := range tc.yes {
			if !p.Match(origin.MustParse(s)) || !set.MatchString(s) {
				t.Errorf("%s should match %s", tc.pattern, s)
			}
		}
		for _, s := range tc.no {
			if p.Match(origin.MustParse(s)) || set.MatchString(s) {
				t.Errorf("%s must not match %s", tc.pattern, s)
			}
		}
	}
}

// GHSA-vhxv-fg4m-p2w8 class: patterns that share a host suffix must never
// match, together, what neither matches alone.
func TestSetNoCrossPatternMatches(t *testing.T) {
	set := origin.NewSet(mustPattern(t, "https://*.a.com"), mustPattern(t, "https://b.com"))
	for _, s := range []string{"https://xb.com", "https://b.a.comm", "https://a.com", "https://b.com.a.co",
		"https://b.coma.com", "https://ab.com", "https://a.comb.com", "https://b.com.evil.com"} {
		if set.MatchString(s) {
			t.Errorf("set matched %s", s)
		}
	}
}

// rs/cors issue 197: a wildcard glued to the domain is refused, never read
// as a suffix match.
func TestGluedWildcardRejected(t *testing.T) {
	if _, err := origin.ParsePattern("https://*example.com"); err == nil {
		t.Fatal(`"https://*example.com" must be a configuration error`)
	}
	set := origin.NewSet(mustPattern(t, "https://*.example.com"))
	if set.MatchString("https://attackerexample.com") {
		t.Fatal("https://*.example.com matched https://attackerexample.com")
	}
}

func TestSetRejectsNonCanonical(t *testing.T) {
	set := origin.NewSet(mustPattern(t, "https://app.example.com"), mustPattern(t, "https://*.example.org"),
		mustPattern(t, "http://localhost:*"))
	for _, s := range []string{"https://APP.example.com", "https://app.example.com/", "https://app.example.com:443",
		"https://A.example.org", "https://a.example.org:443", "https://a..example.org", "https://.example.org",
		"http://localhost:80", "http://localhost:080", "http://LOCALHOST:1", "https://a.example.org:*",
		"http://localhost:", "https://a b.example.org", ""} {
		if set.MatchString(s) {
			t.Errorf("set matched non-canonical %q", s)
		}
	}
}

// The Set must agree with its patterns one by one, on valid and invalid
// inputs alike.
func TestSetAgreesWithPatterns(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	hosts := []string{"a.com", "b.com", "x.a.com", "y.x.a.com", "ab.com", "a.co", "localhost", "127.0.0.1", "[::1]", "com"}
	schemes := []string{"http", "https"}
	ports := []string{"", ":8080", ":443", ":80", ":*"}
	randHost := func() string { return hosts[r.IntN(len(hosts))] }
	for round := 0; round < 300; round++ {
		var pats []origin.Pattern
		for range 1 + r.IntN(4) {
			h := randHost()
			if r.IntN(2) == 0 {
				h = "*." + h
			}
			p, err := origin.ParsePattern(schemes[r.IntN(2)] + "://" + h + ports[r.IntN(len(ports))])
			if err == nil {
				pats = append(pats, p)
			}
		}
		set := origin.NewSet(pats...)
		for range 50 {
			raw := schemes[r.IntN(2)] + "://" + randHost() + ports[r.IntN(len(ports)-1)]
			want := false
			if o, err := origin.Parse(raw); err == nil {
				for _, p := range pats {
					want = want || p.Match(o)
				}
			}
			if got := set.MatchString(raw); got != want {
				t.Fatalf("patterns %v, origin %q: set says %v, patterns say %v", pats, raw, got, want)
			}
		}
	}
}

func TestSetMatchAllocs(t *testing.T) {
	set := origin.NewSet(mustPattern(t, "https://app.example.com"), mustPattern(t, "https://*.example.org"),
		mustPattern(t, "http://localhost:*"))
	inputs := []string{"https://app.example.com", "https://a.b.example.org", "http://localhost:3000",
		"https://evil.com", "https://" + strings.Repeat("a.", 100) + "example.org", "garbage"}
	if n := testing.AllocsPerRun(200, func() {
		for _, in := range inputs {
			set.MatchString(in)
		}
	}); n != 0 {
		t.Fatalf("MatchString allocates: %v allocs per run", n)
	}
}

func TestSetLen(t *testing.T) {
	set := origin.NewSet(mustPattern(t, "https://a.com"), mustPattern(t, "https://a.com"),
		mustPattern(t, "https://*.a.com"), mustPattern(t, "http://a.com:*"), mustPattern(t, "null"))
	if set.Len() != 4 {
		t.Fatalf("Len = %d, want 4 (duplicates count once)", set.Len())
	}
	if !set.Contains(origin.MustParse("null")) || set.Contains(origin.Origin{}) {
		t.Fatal("Contains misbehaves on null or zero")
	}
}
