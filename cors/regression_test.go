package cors_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/corskit/corskit/cors"
)

// Bugs that peer libraries shipped, kept as regressions.

// rs/cors issue 197: "https://*example.com" reflected https://attackerexample.com.
func TestRegressionRsCors197(t *testing.T) {
	if _, err := cors.New(cors.Config{AllowedOrigins: []string{"https://*example.com"}}); err == nil {
		t.Fatal(`"https://*example.com" must be rejected`)
	}
	mw := mustNew(t, cors.Config{AllowedOrigins: []string{"https://*.example.com"}})
	for _, o := range []string{"https://attackerexample.com", "https://example.com.attacker.com", "https://example.com"} {
		if got := serve(t, mw, get(o)); got.corsHeaders.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("%s was allowed", o)
		}
	}
}

// rs/cors issue 198: shared header slices let one handler's in-place edit
// leak into every later response. Every value a handler sees (actual
// requests, preflights with PreflightPassthrough) is its response's own; a
// preflight the middleware answers itself shares read-only constants, which
// code around the middleware may append to (Header().Add) or replace
// (Header().Set) without affecting any other response.
func TestRegressionRsCors198(t *testing.T) {
	cfg := cors.Config{
		AllowedOrigins: []string{"https://a.com"}, AllowCredentials: true,
		AllowedMethods: []string{"PUT"}, AllowedHeaders: []string{"X-A"}, ExposedHeaders: []string{"X-Id"}, MaxAge: 60e9,
	}
	mw := mustNew(t, cfg)
	cfg.PreflightPassthrough = true
	pass := mustNew(t, cfg)
	editor := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		for k, v := range w.Header() {
			for i := range v {
				v[i] = "oops" // edit in place
			}
			w.Header()[k] = append(v, "appended") // and append
		}
	})
	evil, evilPass := mw.Wrap(editor), pass.Wrap(editor)
	outerAppends := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		mw.Wrap(http.NotFoundHandler()).ServeHTTP(rec, r)
		for k := range rec.Header() {
			rec.Header().Add(k, "appended")
			rec.Header()[k] = append(rec.Header()[k], "appended again")
		}
		rec.Header().Set("Vary", "replaced")
	})
	for range 3 {
		evil.ServeHTTP(httptest.NewRecorder(), newReq(get("https://a.com")))
		evil.ServeHTTP(httptest.NewRecorder(), newReq(get("https://b.com")))
		evil.ServeHTTP(httptest.NewRecorder(), newReq(get("")))
		evilPass.ServeHTTP(httptest.NewRecorder(), newReq(preflight("https://a.com", "PUT", "x-a")))
		evilPass.ServeHTTP(httptest.NewRecorder(), newReq(preflight("https://a.com", "PURGE")))
		evilPass.ServeHTTP(httptest.NewRecorder(), newReq(preflight("https://b.com", "PUT")))
		outerAppends.ServeHTTP(httptest.NewRecorder(), newReq(preflight("https://a.com", "PUT", "x-a")))
		outerAppends.ServeHTTP(httptest.NewRecorder(), newReq(preflight("https://a.com", "PURGE")))
		outerAppends.ServeHTTP(httptest.NewRecorder(), newReq(preflight("https://b.com", "PUT")))
	}
	allowedGET := hdr("Vary", "Origin", "Access-Control-Allow-Origin", "https://a.com",
		"Access-Control-Allow-Credentials", "true", "Access-Control-Expose-Headers", "X-Id")
	allowedPreflight := hdr("Vary", varyPreflight, "Access-Control-Allow-Origin", "https://a.com",
		"Access-Control-Allow-Credentials", "true", "Access-Control-Allow-Methods", "PUT",
		"Access-Control-Allow-Headers", "x-a", "Access-Control-Max-Age", "60")
	deniedMethod := hdr("Vary", varyPreflight, "Access-Control-Allow-Origin", "https://a.com",
		"Access-Control-Allow-Credentials", "true", "Access-Control-Allow-Methods", "PUT", "Access-Control-Allow-Headers", "x-a")
	for _, m := range []*cors.Middleware{mw, pass} {
		for _, tc := range []struct {
			r    req
			want http.Header
		}{
			{get("https://a.com"), allowedGET},
			{get(""), hdr("Vary", "Origin")},
			{preflight("https://a.com", "PUT", "x-a"), allowedPreflight},
			{preflight("https://a.com", "PURGE"), deniedMethod},
			{preflight("https://b.com", "PUT"), hdr("Vary", varyPreflight)},
		} {
			if got := serve(t, m, tc.r); !equalHeaders(got.corsHeaders, tc.want) {
				t.Errorf("%v: earlier edits leaked:\n got  %v\n want %v", tc.r, got.corsHeaders, tc.want)
			}
		}
	}
}

// The same, concurrently: under -race, a value slot written by one
// response's handler and read by another's is a reported race, and each
// goroutine also checks that the values it was given are its policy's.
func TestNoSharedHeaderSlicesConcurrently(t *testing.T) {
	cfg := cors.Config{AllowedOrigins: []string{"https://a.com", "https://b.com"}, AllowCredentials: true,
		AllowedMethods: []string{"PUT"}, AllowedHeaders: []string{"X-A"}, ExposedHeaders: []string{"X-Id"}, MaxAge: 60e9}
	mw := mustNew(t, cfg)
	cfg.PreflightPassthrough = true
	pass := mustNew(t, cfg)
	type seenKey struct{}
	h := func(m *cors.Middleware) http.Handler {
		return m.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			*r.Context().Value(seenKey{}).(*http.Header) = corsOnly(w.Header())
			for k, v := range w.Header() {
				for i := range v {
					v[i] = "x" // edit in place
				}
				w.Header()[k] = append(v, "y") // and append
			}
		}))
	}
	hm, hp := h(mw), h(pass)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			o := []string{"https://a.com", "https://b.com"}[g%2]
			for i := range 200 {
				var r req
				var handler http.Handler
				var want http.Header
				switch i % 4 {
				case 0:
					r, handler, want = get(o), hm, hdr("Vary", "Origin", "Access-Control-Allow-Origin", o,
						"Access-Control-Allow-Credentials", "true", "Access-Control-Expose-Headers", "X-Id")
				case 1:
					r, handler, want = get(""), hm, hdr("Vary", "Origin")
				case 2, 3:
					r, want = preflight(o, "PUT", "x-a"), hdr("Vary", varyPreflight, "Access-Control-Allow-Origin", o,
						"Access-Control-Allow-Credentials", "true", "Access-Control-Allow-Methods", "PUT",
						"Access-Control-Allow-Headers", "x-a", "Access-Control-Max-Age", "60")
					handler = []http.Handler{hm, hp}[i%4-2]
				}
				var seen http.Header
				hr := newReq(r)
				hr = hr.WithContext(context.WithValue(hr.Context(), seenKey{}, &seen))
				w := httptest.NewRecorder()
				handler.ServeHTTP(w, hr)
				if seen == nil { // answered by the middleware: code around it appends
					seen = corsOnly(w.Header())
					for k := range w.Header() {
						w.Header().Add(k, "y")
					}
				}
				if !equalHeaders(seen, want) {
					t.Errorf("%v: got %v, want %v", r, seen, want)
					return
				}
			}
		})
	}
	wg.Wait()
}

// rs/cors issue 184: gateways split Access-Control-Request-Headers over
// several lines; all lines together are the list.
func TestRegressionRsCors184(t *testing.T) {
	mw := mustNew(t, cors.Config{AllowedOrigins: []string{"https://a.com"}, AllowedMethods: []string{"PUT"},
		AllowedHeaders: []string{"X-A", "X-B", "X-C"}})
	got := serve(t, mw, preflight("https://a.com", "PUT", "x-a", "x-b, x-c"))
	if got.status != 204 || strings.Join(got.corsHeaders["Access-Control-Allow-Headers"], "|") != "x-a|x-b, x-c" ||
		got.corsHeaders.Get("Access-Control-Allow-Methods") != "PUT" {
		t.Fatalf("split ACRH: %+v", got)
	}
	got = serve(t, mw, preflight("https://a.com", "PUT", "x-a", "x-d"))
	if got.corsHeaders.Get("Access-Control-Allow-Headers") != "x-a, x-b, x-c" {
		t.Fatalf("a disallowed name on the second line was let through: %+v", got)
	}
}

// jub0bs/cors issue 15: with seven allowed headers, a preflight for any one
// of them must be allowed (a binary search bug rejected some).
func TestRegressionJub0bsCors15(t *testing.T) {
	names := []string{"a", "b", "c", "d", "e", "f", "g"}
	mw := mustNew(t, cors.Config{AllowedOrigins: []string{"https://a.com"}, AllowedHeaders: names})
	for _, n := range names {
		got := serve(t, mw, preflight("https://a.com", "GET", n))
		if got.corsHeaders.Get("Access-Control-Allow-Headers") != n {
			t.Errorf("preflight for %q: %v", n, got.corsHeaders)
		}
	}
	// And with more names than the linear-scan threshold.
	var many []string
	for i := range 40 {
		many = append(many, fmt.Sprintf("x-h%02d", i))
	}
	mw = mustNew(t, cors.Config{AllowedOrigins: []string{"https://a.com"}, AllowedHeaders: many})
	for _, n := range many {
		if got := serve(t, mw, preflight("https://a.com", "GET", strings.ToUpper(n))); got.corsHeaders.Get("Access-Control-Allow-Headers") != strings.ToUpper(n) {
			t.Errorf("preflight for %q: %v", n, got.corsHeaders)
		}
	}
}

// GHSA-vhxv-fg4m-p2w8 class: patterns sharing a host suffix must not
// combine into matches that neither makes alone.
func TestRegressionSharedSuffixPatterns(t *testing.T) {
	mw := mustNew(t, cors.Config{AllowedOrigins: []string{"https://*.a.com", "https://b.com"}})
	for _, o := range []string{"https://xb.com", "https://b.a.comm", "https://a.com", "https://b.com.a.co", "https://ab.com"} {
		if got := serve(t, mw, get(o)); got.corsHeaders.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("%s was allowed", o)
		}
	}
	for _, o := range []string{"https://x.a.com", "https://b.com"} {
		if got := serve(t, mw, get(o)); got.corsHeaders.Get("Access-Control-Allow-Origin") != o {
			t.Errorf("%s was not allowed", o)
		}
	}
}

func TestLogger(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	mw := mustNew(t, cors.Config{AllowedOrigins: []string{"https://a.com"}, AllowedMethods: []string{"PUT"},
		AllowedHeaders: []string{"X-A"}, Logger: log})
	for _, tc := range []struct {
		r    req
		want string
	}{
		{get("https://evil.com"), `reason=missing-allow-origin preflight=false origin=https://evil.com method=GET path=/resource generation=1`},
		{preflight("https://evil.com", "PUT"), `reason=missing-allow-origin preflight=true origin=https://evil.com method=OPTIONS`},
		{preflight("https://a.com", "PURGE"), `reason=method-not-allowed preflight=true origin=https://a.com requested_method=PURGE method=OPTIONS`},
		{preflight("https://a.com", "PUT", "x-a,x-b"), `reason=header-not-allowed preflight=true origin=https://a.com requested_header=x-b`},
		{preflight("https://a.com", "PUT", "x a"), `reason=invalid-request-headers preflight=true origin=https://a.com requested_headers="x a"`},
		{preflight("https://a.com", "P T"), `reason=invalid-request-method preflight=true origin=https://a.com requested_method="P T"`},
	} {
		buf.Reset()
		serve(t, mw, tc.r)
		if !strings.Contains(buf.String(), tc.want) {
			t.Errorf("%v: log %q does not contain %q", tc.r, buf.String(), tc.want)
		}
	}
	buf.Reset()
	serve(t, mw, get("https://a.com"))
	serve(t, mw, get(""))
	if buf.Len() != 0 {
		t.Errorf("allowed and non-CORS requests logged: %q", buf.String())
	}
}

func newReq(r req) *http.Request {
	hr := httptest.NewRequest(r.method, "http://api.example/resource", nil)
	if r.origin != "" {
		hr.Header.Set("Origin", r.origin)
	}
	for k, v := range r.header {
		hr.Header[k] = v
	}
	return hr
}

// Response header values never share storage with the request: a handler
// (or an outer middleware, after a preflight is answered) that edits a CORS
// response header in place must not rewrite the request's Origin,
// Access-Control-Request-Method or Access-Control-Request-Headers.
func TestResponseDoesNotAliasRequest(t *testing.T) {
	listed := cors.Config{AllowedOrigins: []string{"https://a.com"}, AllowCredentials: true,
		AllowedMethods: []string{"PUT"}, AllowedHeaders: []string{"X-A", "X-B"}}
	anything := cors.Config{AllowedOrigins: []string{"https://a.com"}, AllowedMethods: []string{"*"}, AllowedHeaders: []string{"*"}}
	anyCred := cors.Config{AllowedOrigins: []string{"*"}, AllowCredentials: true, UnsafeAllowAnyOriginWithCredentials: true,
		AllowedMethods: []string{"*"}, AllowedHeaders: []string{"*"}}
	for _, tc := range []struct {
		name string
		cfg  cors.Config
		r    req
	}{
		{"allowed GET", listed, get("https://a.com")},
		{"reflected GET", anyCred, get("https://x.com")},
		{"preflight, listed", listed, preflight("https://a.com", "PUT", "x-a", "x-b")},
		{"preflight, any method and header", anything, preflight("https://a.com", "PURGE", "x-a,x-c")},
		{"preflight, reflected", anyCred, preflight("https://x.com", "PURGE", "x-c")},
	} {
		for _, passthrough := range []bool{false, true} {
			cfg := tc.cfg
			cfg.PreflightPassthrough = passthrough
			mw := mustNew(t, cfg)
			edit := func(h http.Header) {
				for k, v := range h {
					if strings.HasPrefix(k, "Access-Control-") {
						for i := range v {
							v[i] = "edited"
						}
					}
				}
			}
			hr := newReq(tc.r)
			hr.Header = hr.Header.Clone() // its own lines, not tc.r's, which the previous run may have edited
			before := hr.Header.Clone()
			w := httptest.NewRecorder()
			mw.Wrap(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { edit(w.Header()) })).ServeHTTP(w, hr)
			edit(w.Header()) // an outer middleware, after the fact
			if w.Header().Get("Access-Control-Allow-Origin") == "" {
				t.Fatalf("%s: not allowed, nothing tested: %v", tc.name, w.Header())
			}
			for _, k := range []string{"Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers"} {
				if !slices.Equal(hr.Header[k], before[k]) {
					t.Errorf("%s (passthrough %v): editing the response rewrote the request's %s: %q, was %q",
						tc.name, passthrough, k, hr.Header[k], before[k])
				}
			}
		}
	}
}
