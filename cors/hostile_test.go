package cors_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/corskit/corskit/cors"
)

// Hostile request headers cost bounded work and get a clean answer: never a
// panic, never a 5xx. "Bounded" is checked against a small input in the same
// test, not against a wall-clock limit.
func TestHostileInput(t *testing.T) {
	configs := map[string]cors.Config{
		"list": {AllowedOrigins: []string{"https://a.com", "https://*.a.com"}, AllowCredentials: true,
			AllowedMethods: []string{"PUT"}, AllowedHeaders: []string{"X-A", "X-B"}},
		"any header": {AllowedOrigins: []string{"https://a.com"}, AllowedMethods: []string{"*"}, AllowedHeaders: []string{"*"}},
	}
	big := strings.Repeat("x-header-name,", 1<<20/14)
	repeated := strings.Repeat("x-a,", 10000)
	manyLines := make([]string, 1000)
	for i := range manyLines {
		manyLines[i] = "x-a"
	}
	cases := map[string]req{
		"1 MB ACRH":         preflight("https://a.com", "PUT", big),
		"10,000 names":      preflight("https://a.com", "PUT", repeated),
		"1,000 lines":       preflight("https://a.com", "PUT", manyLines...),
		"NUL in ACRH":       preflight("https://a.com", "PUT", "x\x00y"),
		"non-ASCII ACRH":    preflight("https://a.com", "PUT", "é"),
		"space in a name":   preflight("https://a.com", "PUT", "a b"),
		"1 MB Origin":       get("https://" + strings.Repeat("a.", 1<<19) + "a.com"),
		"1 MB Origin pre":   preflight("https://"+strings.Repeat("a.", 1<<19)+"a.com", "PUT"),
		"many Origin lines": {method: "GET", header: http.Header{"Origin": {"https://a.com", "https://a.com"}}},
		"many ACRM lines":   {method: "OPTIONS", header: http.Header{"Origin": {"https://a.com"}, "Access-Control-Request-Method": {"PUT", "PUT"}}},
		"1 MB ACRM":         preflight("https://a.com", strings.Repeat("P", 1<<20)),
	}
	for cname, cfg := range configs {
		mw := mustNew(t, cfg)
		for name, r := range cases {
			got := serve(t, mw, r)
			if got.status >= 500 {
				t.Errorf("%s/%s: status %d", cname, name, got.status)
			}
			if r.method == "OPTIONS" && len(r.header["Access-Control-Request-Method"]) > 0 && got.status != 403 {
				t.Errorf("%s/%s: status %d, want 403", cname, name, got.status)
			}
			if strings.Contains(name, "Origin") && got.corsHeaders.Get("Access-Control-Allow-Origin") != "" {
				t.Errorf("%s/%s: hostile origin allowed", cname, name)
			}
		}
	}
	// Bounded work: the 1 MB list must not cost more than a small multiple of
	// a 1 KB one (a linear scan would be ~1000x).
	mw := mustNew(t, configs["any header"])
	small := preflight("https://a.com", "PUT", strings.Repeat("x-header-name,", 1024/14))
	perOp := func(r req) time.Duration {
		h := mw.Wrap(http.NotFoundHandler())
		hr := newReq(r)
		const n = 200
		start := time.Now()
		for range n {
			h.ServeHTTP(discard{}, hr)
		}
		return time.Since(start) / n
	}
	perOp(small) // warm up
	tSmall, tBig := perOp(small), perOp(cases["1 MB ACRH"])
	if tBig > 50*tSmall+20*time.Microsecond {
		t.Errorf("1 MB ACRH costs %v, 1 KB costs %v: work is not bounded", tBig, tSmall)
	}
}

type discard struct{}

func (discard) Header() http.Header         { return http.Header{} }
func (discard) Write(b []byte) (int, error) { return len(b), nil }
func (discard) WriteHeader(int)             {}

// A header present in the map with no line at all (an empty or nil slice,
// which outer middleware, tests and proxies can build) is no header: the
// answer is the one to the same request without it, and nothing panics.
func TestEmptyHeaderSlices(t *testing.T) {
	var logs strings.Builder
	configs := map[string]cors.Config{
		"list": {AllowedOrigins: []string{"https://a.com"}, AllowCredentials: true, AllowedMethods: []string{"PUT"},
			AllowedHeaders: []string{"X-A"}, ExposedHeaders: []string{"X-Id"},
			Logger: slog.New(slog.NewTextHandler(&logs, nil))},
		"public":               {AllowedOrigins: []string{"*"}, AllowedMethods: []string{"*"}, AllowedHeaders: []string{"*"}},
		"any with credentials": {AllowedOrigins: []string{"*"}, AllowCredentials: true, UnsafeAllowAnyOriginWithCredentials: true},
	}
	for _, empty := range [][]string{nil, {}} {
		for _, tc := range []struct {
			name        string
			with, minus req
		}{
			{"Origin on GET",
				req{method: "GET", header: http.Header{"Origin": empty}},
				req{method: "GET"}},
			{"Origin on a would-be preflight",
				req{method: "OPTIONS", header: http.Header{"Origin": empty, "Access-Control-Request-Method": {"PUT"}}},
				req{method: "OPTIONS", header: http.Header{"Access-Control-Request-Method": {"PUT"}}}},
			{"ACRM on OPTIONS",
				req{method: "OPTIONS", origin: "https://a.com", header: http.Header{"Access-Control-Request-Method": empty}},
				req{method: "OPTIONS", origin: "https://a.com"}},
			{"ACRM from a disallowed origin",
				req{method: "OPTIONS", origin: "https://evil.com", header: http.Header{"Access-Control-Request-Method": empty}},
				req{method: "OPTIONS", origin: "https://evil.com"}},
			{"ACRH on a preflight",
				req{method: "OPTIONS", origin: "https://a.com", header: http.Header{"Access-Control-Request-Method": {"PUT"}, "Access-Control-Request-Headers": empty}},
				preflight("https://a.com", "PUT")},
		} {
			for cname, cfg := range configs {
				mw := mustNew(t, cfg)
				name := fmt.Sprintf("%s/%s/%#v", cname, tc.name, empty)
				var got outcome
				func() {
					defer func() {
						if p := recover(); p != nil {
							t.Fatalf("%s: panic: %v", name, p)
						}
					}()
					got = serve(t, mw, tc.with)
				}()
				want := serve(t, mw, tc.minus)
				if got.status != want.status || got.handlerRan != want.handlerRan || !equalHeaders(got.corsHeaders, want.corsHeaders) {
					t.Errorf("%s:\n got  %d %v %v\n want %d %v %v (as without the header)", name,
						got.status, got.handlerRan, got.corsHeaders, want.status, want.handlerRan, want.corsHeaders)
				}
			}
		}
	}
}
