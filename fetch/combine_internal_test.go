package fetch

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// combined must be linear in its input, whatever the names: compare the
// time for n and 8n headers (the best of several runs, to shrug off a busy
// machine). Linear work gives a ratio near 8, quadratic near 64.
func TestCombinedIsLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("timing test; skipped with -short")
	}
	gens := map[string]func(i int) Header{
		"one name":       func(int) Header { return Header{"X-Same", strings.Repeat("a", 100)} },
		"distinct names": func(i int) Header { return Header{fmt.Sprintf("X-H%d", i), "v"} },
	}
	for name, gen := range gens {
		t.Run(name, func(t *testing.T) {
			best := func(n int) time.Duration {
				hs := make([]Header, n)
				for i := range hs {
					hs[i] = gen(i)
				}
				fastest := time.Duration(1 << 62)
				for range 5 {
					start := time.Now()
					combined(hs)
					fastest = min(fastest, time.Since(start))
				}
				return fastest
			}
			small, large := best(2_000), best(16_000)
			if ratio := float64(large) / float64(small); ratio > 24 {
				t.Fatalf("8x the headers took %.1fx the time (%v vs %v): not linear", ratio, large, small)
			}
		})
	}
}

// BenchmarkCombined combines headers at the model's bound: MaxHeaders
// lines of one name, MaxHeaderBytes in all.
func BenchmarkCombined(b *testing.B) {
	hs := make([]Header, MaxHeaders)
	for i := range hs {
		hs[i] = Header{"X-Same", strings.Repeat("a", MaxHeaderBytes/MaxHeaders-len("X-Same"))}
	}
	b.ReportAllocs()
	for b.Loop() {
		combined(hs)
	}
}
