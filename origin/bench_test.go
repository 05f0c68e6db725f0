package origin_test

import (
	"fmt"
	"testing"

	"github.com/corskit/corskit/origin"
)

// BenchmarkSetMatch compares a set of one pattern with a set of 10,000 exact
// origins and 1,000 subdomain wildcards, for the same kind of request: the
// cost must not depend on the size of the set.
func BenchmarkSetMatch(b *testing.B) {
	var big []origin.Pattern
	for i := range 10000 {
		big = append(big, mustPattern(b, fmt.Sprintf("https://app%05d.example.com", i)))
	}
	for i := range 1000 {
		big = append(big, mustPattern(b, fmt.Sprintf("https://*.tenant%04d.example.net", i)))
	}
	bigSet := origin.NewSet(big...)
	cases := []struct {
		name, one, raw string
	}{
		{"exact-hit", "https://app09999.example.com", "https://app09999.example.com"},
		{"wildcard-hit", "https://*.tenant0999.example.net", "https://eu.api.tenant0999.example.net"},
		{"miss", "https://*.tenant0999.example.net", "https://eu.api.attacker.example.net"},
	}
	for _, c := range cases {
		oneSet := origin.NewSet(mustPattern(b, c.one))
		if c.name != "miss" && (!oneSet.MatchString(c.raw) || !bigSet.MatchString(c.raw)) {
			b.Fatalf("%s: %s should match", c.name, c.raw)
		}
		for _, s := range []struct {
			name string
			set  *origin.Set
		}{{"one", oneSet}, {"big", bigSet}} {
			b.Run(s.name+"/"+c.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					s.set.MatchString(c.raw)
				}
			})
		}
	}
}

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_, _ = origin.Parse("https://app.example.com:8443")
	}
}
