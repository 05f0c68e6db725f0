package cors_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/corskit/corskit/cors"
)

var fuzzConfigs = []cors.Config{
	{AllowedOrigins: []string{"https://a.com", "https://*.a.com", "http://localhost:*"}, AllowCredentials: true,
		AllowedMethods: []string{"PUT", "patch"}, AllowedHeaders: []string{"X-A", "Content-Type"}, ExposedHeaders: []string{"X-Id"}, MaxAge: 60e9},
	{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"*"}, AllowedHeaders: []string{"*"}},
	{AllowedOrigins: []string{"*"}, AllowCredentials: true, UnsafeAllowAnyOriginWithCredentials: true, AllowedHeaders: []string{"*"}},
	{AllowedOrigins: []string{"null", "https://*.b.com:*"}, UnsafeAllowNullOrigin: true, DisablePreflightCache: true},
}

// FuzzMiddleware drives every code path with arbitrary header values and
// checks the invariants that must hold whatever the input: no panic, never a
// 5xx, Access-Control-Allow-Origin only for allowed origins, Vary whenever
// the answer depends on the origin, and agreement with the reference model.
func FuzzMiddleware(f *testing.F) {
	f.Add("OPTIONS", "https://a.com", "PUT", "x-a,content-type", uint8(0))
	f.Add("GET", "https://attackerexample.com", "", "", uint8(0))     // rs/cors 197
	f.Add("OPTIONS", "https://x.a.com", "PUT", "x-a, ,x-b", uint8(0)) // rs/cors 184 style
	f.Add("OPTIONS", "null", "PURGE", "authorization", uint8(2))
	f.Add("GET", "https://A.com", "", "", uint8(0))
	f.Add("OPTIONS", "https://a.com", "P T", "", uint8(1))
	f.Add("OPTIONS", "https://a.com", "PUT", strings.Repeat("x,", 200), uint8(0))
	f.Add("OPTIONS", "https://x.b.com:1", "DELETE", "x\x00y", uint8(3))
	f.Fuzz(func(t *testing.T, method, originValue, acrm, acrh string, ci uint8) {
		if !validMethod(method) {
			return // net/http rejects such requests before any handler
		}
		cfg := fuzzConfigs[int(ci)%len(fuzzConfigs)]
		mw := mustNew(t, cfg)
		r := req{method: method, origin: originValue, header: http.Header{}}
		if acrm != "" || method == "OPTIONS" {
			r.header["Access-Control-Request-Method"] = []string{acrm}
		}
		if acrh != "" {
			r.header["Access-Control-Request-Headers"] = []string{acrh}
		}
		got := serve(t, mw, r)
		if got.status >= 500 {
			t.Fatalf("%v: status %d", r, got.status)
		}
		want := reference(cfg, r)
		if got.status != want.status || got.handlerRan != want.handlerRan || !equalHeaders(got.corsHeaders, want.corsHeaders) {
			t.Fatalf("%v\n got  %d %v\n want %d %v", r, got.status, got.corsHeaders, want.status, want.corsHeaders)
		}
		acao := got.corsHeaders.Get("Access-Control-Allow-Origin")
		if acao != "" && acao != "*" && acao != originValue {
			t.Fatalf("%v: Allow-Origin %q is neither * nor the request's origin", r, acao)
		}
		if acao != "*" && len(got.corsHeaders["Vary"]) == 0 {
			t.Fatalf("%v: no Vary on an origin-dependent answer", r)
		}
	})
}

func validMethod(m string) bool { return isToken(m) }
