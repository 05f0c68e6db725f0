package origin_test

import (
	"testing"

	"github.com/corskit/corskit/origin"
)

var seeds = []string{
	"null", "https://a.com", "http://localhost:8080", "https://[::1]", "http://127.0.0.1:3000",
	"https://a.com/", "https://a.com:443", "https://*.a.com", "https://*example.com", "http://localhost:*",
	"https://bücher.example", "https://[::ffff:1.2.3.4]", "https://a..com", "https://a.com:0", "https://u@a.com",
	"https://*.github.io", "https://*.com", "https://example.com.", "https://[::1", "chrome-extension://x",
	"https://a.0x1", "https://0x7f.1", "https://xn--.example", "https://xn--a.example", "https://xn--fa-hia.example",
}

// FuzzParse: Parse never panics, and whatever it accepts serializes back to
// the input and re-parses to the same Origin.
func FuzzParse(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		o, err := origin.Parse(s)
		if err != nil {
			return
		}
		if o.String() != s {
			t.Fatalf("Parse(%q).String() = %q", s, o.String())
		}
		if p, err := origin.Parse(o.String()); err != nil || p != o {
			t.Fatalf("Parse(%q) does not round-trip: %v, %v", s, p, err)
		}
		if !o.IsOpaque() && !o.SameOrigin(o) {
			t.Fatalf("%q is not same-origin with itself", s)
		}
	})
}

// FuzzParsePattern: ParsePattern never panics, and the canonical form of a
// pattern re-parses to the same pattern, which matches the same origins.
func FuzzParsePattern(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := origin.ParsePattern(s)
		if err != nil {
			return
		}
		q, err := origin.ParsePattern(p.String())
		if err != nil || q != p {
			t.Fatalf("ParsePattern(%q) = %q does not round-trip: %v, %v", s, p, q, err)
		}
		if !p.HasSubdomainWildcard() && !p.HasPortWildcard() {
			o, err := origin.Parse(p.String())
			if err != nil || !p.Match(o) {
				t.Fatalf("exact pattern %q does not match its own origin: %v", p, err)
			}
		}
	})
}

// FuzzSetMatch: MatchString never panics on any bytes and agrees with the
// patterns matched one by one.
func FuzzSetMatch(f *testing.F) {
	pats := []string{"https://a.com", "https://*.a.com", "http://localhost:*", "https://*.b.com:*",
		"https://b.com:8443", "null", "http://[::1]:*", "http://127.0.0.1:8080"}
	var ps []origin.Pattern
	for _, s := range pats {
		ps = append(ps, mustPattern(f, s))
	}
	set := origin.NewSet(ps...)
	for _, s := range append(seeds, "https://x.a.com", "https://xa.com", "https://x.b.com:1", "http://localhost") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got := set.MatchString(raw)
		want := false
		if o, err := origin.Parse(raw); err == nil {
			for _, p := range ps {
				want = want || p.Match(o)
			}
		}
		if got != want {
			t.Fatalf("MatchString(%q) = %v, patterns say %v", raw, got, want)
		}
	})
}
