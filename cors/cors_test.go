package cors_test

import (
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/corskit/corskit/cors"
)

// req describes a request for the table tests.
type req struct {
	method string
	origin string      // "" means no Origin header
	header http.Header // extra request headers
}

func preflight(origin, method string, acrh ...string) req {
	h := http.Header{"Access-Control-Request-Method": {method}}
	if len(acrh) > 0 {
		h["Access-Control-Request-Headers"] = acrh
	}
	return req{method: http.MethodOptions, origin: origin, header: h}
}

func get(origin string) req { return req{method: http.MethodGet, origin: origin} }

func (r req) String() string {
	s := r.method
	if r.origin != "" {
		s += " Origin: " + r.origin
	}
	for _, k := range slices.Sorted(maps.Keys(r.header)) {
		s += " " + k + ": " + strings.Join(r.header[k], " | ")
	}
	return s
}

// outcome is what a test observes of a response.
type outcome struct {
	status      int
	handlerRan  bool
	corsHeaders http.Header // the Access-Control-* and Vary headers only
}

const handlerStatus = http.StatusTeapot // distinguishes the handler's answers

func serve(t testing.TB, mw *cors.Middleware, r req) outcome {
	t.Helper()
	ran := false
	h := mw.Wrap(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		ran = true
		w.WriteHeader(handlerStatus)
	}))
	hr := httptest.NewRequest(r.method, "http://api.example/resource", nil)
	if r.origin != "" {
		hr.Header.Set("Origin", r.origin)
	}
	for k, v := range r.header {
		hr.Header[k] = v
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, hr)
	got := outcome{status: w.Code, handlerRan: ran, corsHeaders: http.Header{}}
	for k, v := range w.Header() {
		if strings.HasPrefix(k, "Access-Control-") || k == "Vary" {
			got.corsHeaders[k] = v
		}
	}
	return got
}

func mustNew(t testing.TB, cfg cors.Config) *cors.Middleware {
	t.Helper()
	mw, err := cors.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return mw
}

const (
	varyOrigin    = "Origin"
	varyPreflight = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
)

func hdr(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i < len(kv); i += 2 {
		h[kv[i]] = append(h[kv[i]], kv[i+1])
	}
	return h
}

func TestMiddleware(t *testing.T) {
	strict := cors.Config{
		AllowedOrigins:   []string{"https://app.example.com", "https://*.example.org", "http://localhost:*"},
		AllowCredentials: true,
		AllowedMethods:   []string{"put", "DELETE", "PATCH", "GET"},
		AllowedHeaders:   []string{"Content-Type", "X-Api-Key", "authorization"},
		ExposedHeaders:   []string{"x-request-id", "X-Total-Count"},
		MaxAge:           10 * time.Minute,
	}
	public := cors.Config{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"*"}, AllowedHeaders: []string{"*"}}
	publicExpose := cors.Config{AllowedOrigins: []string{"*"}, ExposedHeaders: []string{"x-id"}}
	anyCred := cors.Config{AllowedOrigins: []string{"*"}, AllowCredentials: true, UnsafeAllowAnyOriginWithCredentials: true}
	null := cors.Config{AllowedOrigins: []string{"null"}, UnsafeAllowNullOrigin: true}
	noCache := cors.Config{AllowedOrigins: []string{"https://a.com"}, AllowedMethods: []string{"PUT"}, DisablePreflightCache: true, PreflightStatus: 200}
	plain := cors.Config{AllowedOrigins: []string{"https://a.com"}}

	pre := handlerStatus // shorthand for "the handler answered"
	allowHeadersList := "authorization, content-type, x-api-key"

	for _, tc := range []struct {
		name string
		cfg  cors.Config
		req  req
		want outcome
	}{
		// Not CORS.
		{"no origin", strict, get(""), outcome{pre, true, hdr("Vary", varyOrigin)}},
		{"no origin, POST", strict, req{method: "POST"}, outcome{pre, true, hdr("Vary", varyOrigin)}},
		{"OPTIONS without ACRM is an actual request", strict, req{method: "OPTIONS", origin: "https://app.example.com"},
			outcome{pre, true, hdr("Vary", varyOrigin, "Access-Control-Allow-Origin", "https://app.example.com",
				"Access-Control-Allow-Credentials", "true", "Access-Control-Expose-Headers", "X-Request-Id, X-Total-Count")}},
		{"OPTIONS with ACRM but no Origin is not a preflight", strict,
			req{method: "OPTIONS", header: hdr("Access-Control-Request-Method", "PUT")}, outcome{pre, true, hdr("Vary", varyOrigin)}},

		// Actual requests.
		{"allowed exact", strict, get("https://app.example.com"),
			outcome{pre, true, hdr("Vary", varyOrigin, "Access-Control-Allow-Origin", "https://app.example.com",
				"Access-Control-Allow-Credentials", "true", "Access-Control-Expose-Headers", "X-Request-Id, X-Total-Count")}},
		{"allowed subdomain, any depth", strict, get("https://a.b.example.org"),
			outcome{pre, true, hdr("Vary", varyOrigin, "Access-Control-Allow-Origin", "https://a.b.example.org",
				"Access-Control-Allow-Credentials", "true", "Access-Control-Expose-Headers", "X-Request-Id, X-Total-Count")}},
		{"apex is not a subdomain", strict, get("https://example.org"), outcome{pre, true, hdr("Vary", varyOrigin)}},
		{"allowed any port", strict, get("http://localhost:5173"),
			outcome{pre, true, hdr("Vary", varyOrigin, "Access-Control-Allow-Origin", "http://localhost:5173",
				"Access-Control-Allow-Credentials", "true", "Access-Control-Expose-Headers", "X-Request-Id, X-Total-Count")}},
		{"disallowed origin", strict, get("https://evil.com"), outcome{pre, true, hdr("Vary", varyOrigin)}},
		{"scheme matters", strict, get("http://app.example.com"), outcome{pre, true, hdr("Vary", varyOrigin)}},
		{"case matters (browsers lowercase)", strict, get("https://APP.example.com"), outcome{pre, true, hdr("Vary", varyOrigin)}},
		{"default port written is not the origin", strict, get("https://app.example.com:443"), outcome{pre, true, hdr("Vary", varyOrigin)}},
		{"trailing slash is not the origin", strict, get("https://app.example.com/"), outcome{pre, true, hdr("Vary", varyOrigin)}},
		{"method of an actual request is not checked", strict, req{method: "PURGE", origin: "https://app.example.com"},
			outcome{pre, true, hdr("Vary", varyOrigin, "Access-Control-Allow-Origin", "https://app.example.com",
				"Access-Control-Allow-Credentials", "true", "Access-Control-Expose-Headers", "X-Request-Id, X-Total-Count")}},
		{"public: no origin still gets *", public, get(""), outcome{pre, true, hdr("Access-Control-Allow-Origin", "*")}},
		{"public: no origin gets * and Expose-Headers, no Vary", publicExpose, get(""),
			outcome{pre, true, hdr("Access-Control-Allow-Origin", "*", "Access-Control-Expose-Headers", "X-Id")}},
		{"public: a disallowed-looking origin gets the same", publicExpose, get("https://A.com/"),
			outcome{pre, true, hdr("Access-Control-Allow-Origin", "*", "Access-Control-Expose-Headers", "X-Id")}},
		{"public: any origin gets *", public, get("https://x.com"), outcome{pre, true, hdr("Access-Control-Allow-Origin", "*")}},
		{"any origin with credentials reflects", anyCred, get("https://x.com"),
			outcome{pre, true, hdr("Vary", varyOrigin, "Access-Control-Allow-Origin", "https://x.com", "Access-Control-Allow-Credentials", "true")}},
		{"any origin with credentials reflects null", anyCred, get("null"),
			outcome{pre, true, hdr("Vary", varyOrigin, "Access-Control-Allow-Origin", "null", "Access-Control-Allow-Credentials", "true")}},
		{"null allowed", null, get("null"), outcome{pre, true, hdr("Vary", varyOrigin, "Access-Control-Allow-Origin", "null")}},
		{"null config does not allow others", null, get("https://a.com"), outcome{pre, true, hdr("Vary", varyOrigin)}},
		{"plain: no credentials, no expose", plain, get("https://a.com"),
			outcome{pre, true, hdr("Vary", varyOrigin, "Access-Control-Allow-Origin", "https://a.com")}},

		// Preflights.
		{"preflight allowed", strict, preflight("https://app.example.com", "PUT", "content-type,x-api-key"),
			outcome{204, false, hdr("Vary", varyPreflight, "Access-Control-Allow-Origin", "https://app.example.com",
				"Access-Control-Allow-Credentials", "true", "Access-Control-Allow-Methods", "PUT, DELETE, PATCH",
				"Access-Control-Allow-Headers", "content-type,x-api-key", "Access-Control-Max-Age", "600")}},
		{"preflight, headers case-insensitive", strict, preflight("https://app.example.com", "PUT", "Content-Type, X-API-KEY"),
			outcome{204, false, hdr("Vary", varyPreflight, "Access-Control-Allow-Origin", "https://app.example.com",
				"Access-Control-Allow-Credentials", "true", "Access-Control-Allow-Methods", "PUT, DELETE, PATCH",
				"Access-Control-Allow-Headers", "Content-Type, X-API-KEY", "Access-Control-Max-Age", "600")}},
		{"preflight, no ACRH", strict, preflight("https://app.example.com", "DELETE"),
			outcome{204, false, hdr("Vary", varyPreflight, "Access-Control-Allow-Origin", "https://app.example.com",
				"Access-Control-Allow-Credentials", "true", "Access-Control-Allow-Methods", "PUT, DELETE, PATCH",
				"Access-Control-Max-Age", "600")}},
		{"preflight, empty ACRH", strict, preflight("https://app.example.com", "DELETE", ""),
			outcome{204, false, hdr("Vary", varyPreflight, "Access-Control-Allow-Origin", "https://app.example.com",
				"Access-Control-Allow-Credentials", "true", "Access-Control-Allow-Methods", "PUT, DELETE, PATCH",
				"Access-Control-Max-Age", "600")}},
		{"preflight for a safelisted method", plain, preflight("https://a.com", "POST"),
			outcome{204, false, hdr("Vary", varyPreflight, "Access-Control-Allow-Origin", "https://a.com")}},
		{"preflight, method case-sensitive beyond the six", strict, preflight("https://app.example.com", "patch"),
			outcome{204, false, hdr("Vary", varyPreflight, "Access-Control-Allow-Origin", "https://app.example.com",
				"Access-Control-Allow-Credentials", "true", "Access-Control-Allow-Methods", "PUT, DELETE, PATCH",
				"Access-Control-Allow-Headers", allowHeadersList)}},
		{"preflight, method not allowed names the lists", strict, preflight("https://app.example.com", "PURGE", "x-api-key"),
			outcome{204, false, hdr("Vary", varyPreflight, "Access-Control-Allow-Origin", "https://app.example.com",
				"Access-Control-Allow-Credentials", "true", "Access-Control-Allow-Methods", "PUT, DELETE, PATCH",
				"Access-Control-Allow-Headers", allowHeadersList)}},
		{"preflight, header not allowed names the lists", strict, preflight("https://app.example.com", "PUT", "x-api-key,x-other"),
			outcome{204, false, hdr("Vary", varyPreflight, "Access-Control-Allow-Origin", "https://app.example.com",
				"Access-Control-Allow-Credentials", "true", "Access-Control-Allow-Methods", "PUT, DELETE, PATCH",
				"Access-Control-Allow-Headers", allowHeadersList)}},
		{"preflight, origin not allowed", strict, preflight("https://evil.com", "PUT"), outcome{403, false, hdr("Vary", varyPreflight)}},
		{"preflight, malformed ACRH", strict, preflight("https://app.example.com", "PUT", "x-api-key,a b"),
			outcome{403, false, hdr("Vary", varyPreflight)}},
		{"preflight, malformed ACRM", strict, preflight("https://app.example.com", "P T"), outcome{403, false, hdr("Vary", varyPreflight)}},
		{"preflight, empty ACRM", strict, preflight("https://app.example.com", ""), outcome{403, false, hdr("Vary", varyPreflight)}},
		{"preflight, ACRM longer than 64 bytes", public, preflight("https://x.com", strings.Repeat("M", 65)),
			outcome{403, false, hdr("Vary", varyPreflight)}},
		{"preflight, ACRM on two lines", strict, req{method: "OPTIONS", origin: "https://app.example.com",
			header: http.Header{"Access-Control-Request-Method": {"PUT", "PUT"}}}, outcome{403, false, hdr("Vary", varyPreflight)}},
		{"preflight, two Origin lines", public, req{method: "OPTIONS",
			header: http.Header{"Origin": {"https://x.com", "https://x.com"}, "Access-Control-Request-Method": {"PUT"}}},
			outcome{403, false, hdr("Vary", varyPreflight)}},
		{"public preflight echoes method and headers, Authorization included", public,
			preflight("https://x.com", "PURGE", "authorization,x-y"),
			outcome{204, false, hdr("Vary", varyPreflight, "Access-Control-Allow-Origin", "*",
				"Access-Control-Allow-Methods", "PURGE", "Access-Control-Allow-Headers", "authorization,x-y")}},
		{"DisablePreflightCache and PreflightStatus", noCache, preflight("https://a.com", "PUT"),
			outcome{200, false, hdr("Vary", varyPreflight, "Access-Control-Allow-Origin", "https://a.com",
				"Access-Control-Allow-Methods", "PUT", "Access-Control-Max-Age", "0")}},
		{"no MaxAge: header omitted", plain, preflight("https://a.com", "GET"),
			outcome{204, false, hdr("Vary", varyPreflight, "Access-Control-Allow-Origin", "https://a.com")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := serve(t, mustNew(t, tc.cfg), tc.req)
			if got.status != tc.want.status || got.handlerRan != tc.want.handlerRan {
				t.Errorf("%v: status %d, handler ran %v; want %d, %v", tc.req, got.status, got.handlerRan, tc.want.status, tc.want.handlerRan)
			}
			if !equalHeaders(got.corsHeaders, tc.want.corsHeaders) {
				t.Errorf("%v:\n got  %v\n want %v", tc.req, got.corsHeaders, tc.want.corsHeaders)
			}
		})
	}
}

func equalHeaders(a, b http.Header) bool {
	return maps.EqualFunc(a, b, func(x, y []string) bool { return slices.Equal(x, y) })
}

func TestPassthrough(t *testing.T) {
	mw := mustNew(t, cors.Config{AllowedOrigins: []string{"https://a.com"}, AllowedMethods: []string{"PUT"}, PreflightPassthrough: true})
	got := serve(t, mw, preflight("https://a.com", "PUT"))
	if !got.handlerRan || got.status != handlerStatus {
		t.Fatalf("allowed preflight with passthrough: handler ran %v, status %d", got.handlerRan, got.status)
	}
	if got.corsHeaders.Get("Access-Control-Allow-Origin") != "https://a.com" || got.corsHeaders.Get("Access-Control-Allow-Methods") != "PUT" {
		t.Fatalf("passthrough lost the CORS headers: %v", got.corsHeaders)
	}
	got = serve(t, mw, preflight("https://evil.com", "PUT"))
	if !got.handlerRan || got.status != handlerStatus || got.corsHeaders.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("rejected preflight with passthrough: %+v", got)
	}
}

// Vary set before the middleware runs (by an outer middleware) is kept, and
// goes out on one line with the middleware's and the handler's (see
// vary_test.go).
func TestVaryIsAdded(t *testing.T) {
	mw := mustNew(t, cors.Config{AllowedOrigins: []string{"https://a.com"}})
	h := mw.Wrap(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Header().Add("Vary", "Accept") }))
	outer := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Vary", "Accept-Encoding")
		h.ServeHTTP(w, r)
	})
	for _, tc := range []struct {
		r    req
		want string
	}{
		{get("https://a.com"), "Accept-Encoding, Origin, Accept"},
		{get(""), "Accept-Encoding, Origin, Accept"},
		{preflight("https://a.com", "GET"), "Accept-Encoding, " + varyPreflight},
	} {
		r := tc.r
		hr := httptest.NewRequest(r.method, "/", nil)
		if r.origin != "" {
			hr.Header.Set("Origin", r.origin)
		}
		maps.Copy(hr.Header, r.header)
		w := httptest.NewRecorder()
		outer.ServeHTTP(w, hr)
		v := w.Header()["Vary"]
		if len(v) != 1 || v[0] != tc.want {
			t.Errorf("%v: Vary = %q, want one line %q", r, v, tc.want)
		}
	}
}

// Header names are matched case-insensitively whatever their length and
// however many names are configured (the linear scan for a few names, the
// map beyond).
func TestLongHeaderNameAnyCase(t *testing.T) {
	long := "X-" + strings.Repeat("Long", 40) // 162 bytes
	for _, n := range []int{1, 8, 9, 40} {
		names := []string{long}
		for i := range n - 1 {
			names = append(names, "X-H"+strings.Repeat("i", i))
		}
		mw := mustNew(t, cors.Config{AllowedOrigins: []string{"https://a.com"}, AllowedHeaders: names})
		for _, asked := range []string{long, strings.ToLower(long), strings.ToUpper(long)} {
			got := serve(t, mw, preflight("https://a.com", "GET", asked))
			if got.status != 204 || got.corsHeaders.Get("Access-Control-Allow-Headers") != asked {
				t.Errorf("%d names configured, preflight for %.12s... (%d bytes): %d %v", n, asked, len(asked), got.status, got.corsHeaders)
			}
		}
		// A name one byte longer than the longest configured is not allowed.
		if got := serve(t, mw, preflight("https://a.com", "GET", long+"x")); got.corsHeaders.Get("Access-Control-Allow-Headers") == long+"x" {
			t.Errorf("%d names: a longer name was allowed", n)
		}
	}
}

// Method names are bounded at 64 bytes: New refuses a longer listed method
// (no preflight could ever approve it), and under "*" a longer requested
// method is a malformed preflight (403). 64 bytes pass both ways.
func TestMethodLengthBound(t *testing.T) {
	m64, m65 := strings.Repeat("M", 64), strings.Repeat("M", 65)
	listed := mustNew(t, cors.Config{AllowedOrigins: []string{"https://a.com"}, AllowedMethods: []string{m64}})
	if got := serve(t, listed, preflight("https://a.com", m64)); got.status != 204 || got.corsHeaders.Get("Access-Control-Allow-Methods") != m64 {
		t.Errorf("listed 64-byte method: %d %v", got.status, got.corsHeaders)
	}
	any := mustNew(t, cors.Config{AllowedOrigins: []string{"https://a.com"}, AllowedMethods: []string{"*"}})
	if got := serve(t, any, preflight("https://a.com", m64)); got.status != 204 || got.corsHeaders.Get("Access-Control-Allow-Methods") != m64 {
		t.Errorf(`64-byte method under "*": %d %v`, got.status, got.corsHeaders)
	}
	if got := serve(t, any, preflight("https://a.com", m65)); got.status != 403 {
		t.Errorf(`65-byte method under "*": %d %v, want 403`, got.status, got.corsHeaders)
	}
	_, err := cors.New(cors.Config{AllowedOrigins: []string{"https://a.com"}, AllowedMethods: []string{m65}})
	errs := cors.ConfigErrors(err)
	if len(errs) != 1 || errs[0].Field != "AllowedMethods" || errs[0].Value != m65 || !strings.Contains(errs[0].Reason, "64") {
		t.Errorf("New with a 65-byte method: %v", err)
	}
}
