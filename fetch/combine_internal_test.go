package fetch

import (
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"
)

// combined must do work linear in its input. Repeating one name used to
// rebuild the combined value for every line, allocating bytes quadratic in
// the number of lines; count the bytes allocated (deterministic, unlike
// timings on a shared machine) for n lines of 100 bytes: a small multiple
// of the n*100 bytes of input, not n*n*100/2.
func TestCombinedAllocatesLinearly(t *testing.T) {
	for _, n := range []int{100, 1_000, 10_000} {
		hs := make([]Header, n)
		for i := range hs {
			hs[i] = Header{"X-Same", strings.Repeat("a", 100)}
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		out := combined(hs, nil)
		runtime.ReadMemStats(&after)
		if len(out) != 1 || len(out[0].Value) != n*102-2 {
			t.Fatalf("combined %d lines into %d headers of %d bytes", n, len(out), len(out[0].Value))
		}
		input := uint64(n * 100)
		if got := after.TotalAlloc - before.TotalAlloc; got > 8*input+64<<10 {
			t.Errorf("%d lines of 100 bytes: %d bytes allocated, more than 8x the %d bytes of input", n, got, input)
		}
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
		combined(hs, nil)
	}
}

// A lookup in the preflight cache costs the same whatever the number of
// other URLs it holds: time 2,000 lookups in caches holding 2,000 and
// 100,000 URLs (each the best of five runs). Every call used to scan every
// entry: 50x the entries, 50x the time. Map lookups stay within a small
// factor, whatever memory caches do.
func TestPreflightCacheLookupIsConstant(t *testing.T) {
	if testing.Short() {
		t.Skip("timing test; skipped with -short")
	}
	methods := allowList{names: []string{"PUT"}}
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	lookups := func(n int) time.Duration {
		var c preflightCache
		for i := range n {
			c.store("https://app.example.com", fmt.Sprintf("https://api.example.com/items/%d", i), false, methods, allowList{}, "PUT", now, now.Add(time.Hour))
		}
		urls := make([]string, 2_000)
		for i := range urls {
			urls[i] = fmt.Sprintf("https://api.example.com/items/%d", i*(n/len(urls)))
		}
		fastest := time.Duration(1 << 62)
		for range 5 {
			start := time.Now()
			for _, u := range urls {
				if !c.covers("https://app.example.com", u, false, "PUT", nil, now, Chromium) {
					t.Fatalf("%s not cached", u)
				}
			}
			fastest = min(fastest, time.Since(start))
		}
		return fastest
	}
	small, large := lookups(2_000), lookups(100_000)
	ratio := float64(large) / float64(small)
	t.Logf("%.1fx (%v vs %v)", ratio, large, small)
	if ratio > 20 {
		t.Fatalf("lookups among 50x the URLs took %.1fx the time (%v vs %v)", ratio, large, small)
	}
}

// Expired entries are swept, so the cache does not grow without bound.
func TestPreflightCacheSweeps(t *testing.T) {
	var c preflightCache
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	for i := range 10_000 {
		now = now.Add(time.Second)
		c.expire(now)
		c.store("https://app.example.com", fmt.Sprint(i), false, allowList{names: []string{"PUT"}}, allowList{}, "PUT", now, now.Add(5*time.Second))
	}
	if c.size > 200 || len(c.entries) > 200 {
		t.Fatalf("%d entries (%d keys) after 10,000 stores of 5 s entries", c.size, len(c.entries))
	}
}

// readUpTo keeps what the body holds whatever Content-Length announced,
// and never more than max.
func TestReadUpTo(t *testing.T) {
	for _, tc := range []struct {
		length int64
		body   string
		max    int64
		want   string
	}{
		{0, "", 10, ""},
		{0, "lied", 10, "lied"},
		{4, "abcd", 10, "abcd"},
		{6, "abcd", 10, "abcd"}, // shorter than announced
		{-1, "abcdef", 4, "abcd"},
		{20, "abcdef", 4, "abcd"}, // longer than max: read up to max
	} {
		resp := &http.Response{ContentLength: tc.length, Body: io.NopCloser(strings.NewReader(tc.body))}
		got, err := readUpTo(resp, tc.max)
		if string(got) != tc.want || err != nil {
			t.Errorf("length %d, body %q, max %d: %q, %v; want %q", tc.length, tc.body, tc.max, got, err, tc.want)
		}
	}
}

// TestModelKeysCanonical pins what canonicalValues and canonicalKey rely
// on: the names the model looks up directly in a header map are in
// canonical form, and canonicalKey agrees with http.CanonicalHeaderKey.
func TestModelKeysCanonical(t *testing.T) {
	for _, k := range []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Credentials",
		"Access-Control-Allow-Methods", "Access-Control-Allow-Headers", "Access-Control-Expose-Headers",
		"Access-Control-Max-Age", "Location", "Accept", "Pragma", "Cache-Control", "Origin",
		"Access-Control-Request-Method", "Access-Control-Request-Headers"} {
		if c := http.CanonicalHeaderKey(k); c != k {
			t.Errorf("%q is not canonical (%q)", k, c)
		}
	}
	for n := range canonicalNames {
		for _, k := range []string{n, strings.ToLower(n), strings.ToUpper(n)} {
			if got, want := canonicalKey(k), http.CanonicalHeaderKey(k); got != want {
				t.Errorf("canonicalKey(%q) = %q, want %q", k, got, want)
			}
		}
	}
	for _, k := range []string{"x-custom", "X-CUSTOM", "bad key", "x_y"} {
		if got, want := canonicalKey(k), http.CanonicalHeaderKey(k); got != want {
			t.Errorf("canonicalKey(%q) = %q, want %q", k, got, want)
		}
	}
}

// combined is what a Headers object holds, whichever of its two lookups
// (among a few headers, or through a map beyond them) finds repeats.
func TestCombinedAsHeadersHoldsThem(t *testing.T) {
	for _, tc := range []struct {
		in   []Header
		want []Header
	}{
		{nil, nil},
		{[]Header{{"X-A", " 1 "}}, []Header{{"x-a", "1"}}},
		{[]Header{{"X-A", "1"}, {"x-b", "2"}, {"x-a", "3"}}, []Header{{"x-a", "1, 3"}, {"x-b", "2"}}},
		{[]Header{{"X-A", "1"}, {"X-A", ""}, {"X-A", "\t2\r\n"}}, []Header{{"x-a", "1, , 2"}}},
	} {
		for _, pad := range []int{0, 12} { // 12 more distinct names take the map
			in := tc.in
			want := tc.want
			for i := range pad {
				in = append(in[:len(in):len(in)], Header{fmt.Sprintf("X-Pad-%d", i), "p"})
				want = append(want[:len(want):len(want)], Header{fmt.Sprintf("x-pad-%d", i), "p"})
			}
			if got := combined(in, nil); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("combined(%v) = %v, want %v", in, got, want)
			}
		}
	}
}
