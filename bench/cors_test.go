package bench

import (
	"fmt"
	"math"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	chicors "github.com/go-chi/cors"
	"github.com/gorilla/handlers"
	jub0bs "github.com/jub0bs/cors"
	rscors "github.com/rs/cors"

	"github.com/corskit/corskit/cors"
)

// The policy every library enforces.
var (
	origins  = []string{"https://app.example.com", "https://admin.example.com"}
	methods  = []string{"GET", "POST", "PUT", "DELETE"}
	headers  = []string{"Content-Type", "X-Api-Key", "Authorization"}
	exposed  = []string{"X-Request-Id"}
	maxAge   = 600
	noop     = http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	libNames = []string{"corskit", "rs", "jub0bs", "chi", "gorilla"}
)

// corskitConfig is the policy in corskit's terms.
func corskitConfig(allowed []string) cors.Config {
	return cors.Config{
		AllowedOrigins: allowed, AllowCredentials: true, AllowedMethods: methods,
		AllowedHeaders: headers, ExposedHeaders: exposed, MaxAge: time.Duration(maxAge) * time.Second,
	}
}

// wrap builds library lib's middleware for the allowed origins around the
// no-op handler.
func wrap(tb testing.TB, lib string, allowed []string) http.Handler {
	switch lib {
	case "corskit":
		mw, err := cors.New(corskitConfig(allowed))
		if err != nil {
			tb.Fatal(err)
		}
		return mw.Wrap(noop)
	case "rs":
		return rscors.New(rscors.Options{
			AllowedOrigins: allowed, AllowCredentials: true, AllowedMethods: methods,
			AllowedHeaders: headers, ExposedHeaders: exposed, MaxAge: maxAge,
		}).Handler(noop)
	case "jub0bs":
		mw, err := jub0bs.NewMiddleware(jub0bs.Config{
			Origins: allowed, Credentialed: true, Methods: methods,
			RequestHeaders: headers, ResponseHeaders: exposed, MaxAgeInSeconds: maxAge,
		})
		if err != nil {
			tb.Fatal(err)
		}
		return mw.Wrap(noop)
	case "chi":
		return chicors.Handler(chicors.Options{
			AllowedOrigins: allowed, AllowCredentials: true, AllowedMethods: methods,
			AllowedHeaders: headers, ExposedHeaders: exposed, MaxAge: maxAge,
		})(noop)
	case "gorilla":
		// gorilla/handlers always allows its default headers (Accept,
		// Accept-Language, Content-Language, Origin) besides these.
		return handlers.CORS(
			handlers.AllowedOrigins(allowed), handlers.AllowCredentials(), handlers.AllowedMethods(methods),
			handlers.AllowedHeaders(headers), handlers.ExposedHeaders(exposed), handlers.MaxAge(maxAge),
		)(noop)
	}
	tb.Fatalf("unknown library %q", lib)
	return nil
}

// A scenario is one request and the check that a library's answer to it is
// the policy's, so that no library wins by doing less.
type scenario struct {
	name    string
	allowed []string // allowed origins, if not the policy's
	req     func() *http.Request
	check   func(h http.Header, status int) error
}

func request(method, origin string, kv ...string) func() *http.Request {
	return func() *http.Request {
		r, _ := http.NewRequest(method, "https://api.example.com/items/1", nil)
		if origin != "" {
			r.Header.Set("Origin", origin)
		}
		for i := 0; i < len(kv); i += 2 {
			r.Header.Set(kv[i], kv[i+1])
		}
		return r
	}
}

// varies reports whether the response tells caches that it depends on
// Origin: without it, a shared cache may serve one origin's answer to
// another (the Fetch Standard's "CORS protocol and HTTP caches").
func varies(h http.Header) error {
	for _, v := range h.Values("Vary") {
		if strings.Contains(strings.ToLower(v), "origin") {
			return nil
		}
	}
	return fmt.Errorf("no Vary: Origin, so shared caches may serve this answer to another origin")
}

func allows(origin string) func(http.Header, int) error {
	return func(h http.Header, _ int) error {
		if got := h.Get("Access-Control-Allow-Origin"); got != origin {
			return fmt.Errorf("Access-Control-Allow-Origin = %q, want %q", got, origin)
		}
		if h.Get("Access-Control-Allow-Credentials") != "true" {
			return fmt.Errorf("no Access-Control-Allow-Credentials: true")
		}
		return nil
	}
}

// allowsGET is allows plus Vary: an actual response that depends on the
// origin must say so. (Preflight responses are not held to it: RFC 9110 makes
// OPTIONS responses uncacheable, and jub0bs/cors omits Vary there on purpose.)
func allowsGET(origin string) func(http.Header, int) error {
	return func(h http.Header, status int) error {
		if err := varies(h); err != nil {
			return err
		}
		return allows(origin)(h, status)
	}
}

func refuses(h http.Header, _ int) error {
	if err := varies(h); err != nil {
		return err
	}
	if got := h.Get("Access-Control-Allow-Origin"); got != "" {
		return fmt.Errorf("Access-Control-Allow-Origin = %q, want none", got)
	}
	return nil
}

func manyOrigins(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("https://app%05d.example.com", i)
	}
	return out
}

func hostileNames() string {
	names := make([]string, 1000)
	for i := range names {
		names[i] = fmt.Sprintf("x-h%04d", i)
	}
	return strings.Join(names, ",")
}

var scenarios = []scenario{
	{name: "allowed-get", req: request("GET", "https://app.example.com"), check: allowsGET("https://app.example.com")},
	{name: "allowed-preflight",
		req: request("OPTIONS", "https://app.example.com", "Access-Control-Request-Method", "PUT",
			"Access-Control-Request-Headers", "content-type,x-api-key"),
		check: func(h http.Header, status int) error {
			if err := allows("https://app.example.com")(h, status); err != nil {
				return err
			}
			if status < 200 || status > 299 || !strings.Contains(strings.ToLower(h.Get("Access-Control-Allow-Headers")), "x-api-key") {
				return fmt.Errorf("preflight not approved: %d %v", status, h)
			}
			return nil
		}},
	{name: "disallowed-origin", req: request("GET", "https://evil.example"), check: refuses},
	{name: "no-origin", req: request("GET", ""), check: refuses},
	{name: "hostile-acrh",
		req: request("OPTIONS", "https://app.example.com", "Access-Control-Request-Method", "PUT",
			"Access-Control-Request-Headers", hostileNames()),
		check: func(h http.Header, status int) error {
			if h.Get("Access-Control-Allow-Origin") != "" && strings.Contains(h.Get("Access-Control-Allow-Headers"), "x-h0999") {
				return fmt.Errorf("hostile preflight approved")
			}
			return nil
		}},
	{name: "allowlist-10k", allowed: manyOrigins(10000), req: request("GET", "https://app09999.example.com"),
		check: allowsGET("https://app09999.example.com")},
}

// recorder is a minimal reusable ResponseWriter: its header map is cleared,
// not reallocated, between iterations, so the harness allocates nothing and
// what a benchmark measures is the middleware.
type recorder struct {
	h      http.Header
	status int
}

func (w *recorder) Header() http.Header         { return w.h }
func (w *recorder) Write(b []byte) (int, error) { return len(b), nil }
func (w *recorder) WriteHeader(code int)        { w.status = code }

func (w *recorder) reset() {
	clear(w.h)
	w.status = http.StatusOK
}

// setup builds the handler and request of a scenario and checks the
// library's answer; err says how the answer differs from the policy's.
func setup(tb testing.TB, sc scenario, lib string) (http.Handler, *http.Request, *recorder, error) {
	allowed := origins
	if sc.allowed != nil {
		allowed = sc.allowed
	}
	h, r, w := wrap(tb, lib, allowed), sc.req(), &recorder{h: make(http.Header)}
	w.reset()
	h.ServeHTTP(w, r)
	return h, r, w, sc.check(w.h, w.status)
}

// deviations are the scenarios where a peer's answer is not the policy's,
// found by TestPoliciesAgree. Those pairs are not benchmarked: a library that
// skips part of the work must not look faster for it.
var deviations = map[string]string{
	"disallowed-origin/gorilla": "no Vary: Origin on responses that depend on the origin",
	"no-origin/gorilla":         "no Vary: Origin on responses that depend on the origin",
}

func BenchmarkCORS(b *testing.B) {
	for _, sc := range scenarios {
		b.Run(sc.name, func(b *testing.B) {
			for _, lib := range libNames {
				b.Run(lib, func(b *testing.B) {
					h, r, w, err := setup(b, sc, lib)
					if why, ok := deviations[sc.name+"/"+lib]; ok {
						b.Skipf("not comparable: %s", why)
					}
					if err != nil {
						b.Fatalf("the answer is not the policy's: %v", err)
					}
					b.ReportAllocs()
					for b.Loop() {
						w.reset()
						h.ServeHTTP(w, r)
					}
				})
			}
		})
	}
}

// BenchmarkParallel is BenchmarkCORS under b.RunParallel: GOMAXPROCS
// goroutines (-cpu) serve the scenario at once through one middleware, each
// with its own request and response, as a server's connections do. It shows
// what the per-request work costs when cores share the allocator, the
// garbage collector and any shared state of the library.
func BenchmarkParallel(b *testing.B) {
	for _, sc := range scenarios {
		b.Run(sc.name, func(b *testing.B) {
			for _, lib := range libNames {
				b.Run(lib, func(b *testing.B) {
					h, _, _, err := setup(b, sc, lib)
					if why, ok := deviations[sc.name+"/"+lib]; ok {
						b.Skipf("not comparable: %s", why)
					}
					if err != nil {
						b.Fatalf("the answer is not the policy's: %v", err)
					}
					b.ReportAllocs()
					b.ResetTimer() // building a 10,000-origin policy is not a request
					b.RunParallel(func(pb *testing.PB) {
						r, w := sc.req(), &recorder{h: make(http.Header)}
						for pb.Next() {
							w.reset()
							h.ServeHTTP(w, r)
						}
					})
				})
			}
		})
	}
}

// BenchmarkFloor is not a library: it writes the headers an allowed GET needs
// (Vary, Allow-Origin, Allow-Credentials, Expose-Headers) from shared,
// precomputed slices, with no check at all. It is the cost of net/http's
// header map alone, the floor under every middleware in BenchmarkCORS.
func BenchmarkFloor(b *testing.B) {
	vary, yes, expose := []string{"Origin"}, []string{"true"}, []string{"X-Request-Id"}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hdr := w.Header()
		hdr["Vary"] = vary
		hdr["Access-Control-Allow-Origin"] = r.Header["Origin"]
		hdr["Access-Control-Allow-Credentials"] = yes
		hdr["Access-Control-Expose-Headers"] = expose
		noop(w, r)
	})
	r, w := scenarios[0].req(), &recorder{h: make(http.Header)}
	b.ReportAllocs()
	for b.Loop() {
		w.reset()
		h.ServeHTTP(w, r)
	}
}

// BenchmarkSafeFloor is BenchmarkFloor with the one allocation safety needs:
// the four values go into storage of this response's own, as a handler may
// edit them in place (rs/cors issue 198). It is the floor under a middleware
// that does not share mutable header values between responses.
func BenchmarkSafeFloor(b *testing.B) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hdr, v := w.Header(), new([4]string)
		v[0], v[1], v[2], v[3] = "Origin", r.Header["Origin"][0], "true", "X-Request-Id"
		hdr["Vary"] = v[0:1:1]
		hdr["Access-Control-Allow-Origin"] = v[1:2:2]
		hdr["Access-Control-Allow-Credentials"] = v[2:3:3]
		hdr["Access-Control-Expose-Headers"] = v[3:4:4]
		noop(w, r)
	})
	r, w := scenarios[0].req(), &recorder{h: make(http.Header)}
	b.ReportAllocs()
	for b.Loop() {
		w.reset()
		h.ServeHTTP(w, r)
	}
}

// Every library gives the policy's answer in every scenario (the same check
// the benchmarks make on their first request), so none is benchmarked doing
// less than the others.
func TestPoliciesAgree(t *testing.T) {
	for _, sc := range scenarios {
		for _, lib := range libNames {
			_, _, _, err := setup(t, sc, lib)
			why, known := deviations[sc.name+"/"+lib]
			switch {
			case err != nil && !known:
				t.Errorf("%s/%s: the answer is not the policy's: %v", sc.name, lib, err)
			case err == nil && known:
				t.Errorf("%s/%s: listed as deviating (%s) but now agrees: update deviations", sc.name, lib, why)
			case lib == "corskit" && err != nil:
				t.Errorf("%s/corskit: %v", sc.name, err)
			}
		}
	}
}

// allocBudget is what corskit may allocate per request in each scenario,
// in one allocation: for an actual request, the ResponseWriter wrapper that
// puts every Vary token on one line (cors/vary.go: the wrapped writer and a
// flag, 24 bytes) with, 16 bytes each, the header values a handler can see
// and edit (Vary on any answer; Allow-Origin, Allow-Credentials and
// Expose-Headers on an allowed one), 40 and 88 bytes, which the allocator
// rounds to its 48- and 96-byte size classes; for a preflight the middleware
// answers itself, only the values taken from the request (Allow-Origin, the
// echoed Allow-Headers), its constant values being shared read-only.
var allocBudget = map[string]struct {
	allocs int64
	bytes  int64
}{
	"allowed-get":       {1, 96},
	"allowed-preflight": {1, 32},
	"disallowed-origin": {1, 48},
	"no-origin":         {1, 48},
	"hostile-acrh":      {0, 0},
	"allowlist-10k":     {1, 96},
}

// TestAllocs holds corskit to allocBudget, in allocations and in bytes per
// request, both measured, not amortised away.
func TestAllocs(t *testing.T) {
	for _, sc := range scenarios {
		budget, ok := allocBudget[sc.name]
		if !ok {
			t.Errorf("%s: no allocation budget", sc.name)
			continue
		}
		h, r, w, err := setup(t, sc, "corskit")
		if err != nil {
			t.Fatal(err)
		}
		allocs, bytes := perRun(1000, 5, func() {
			w.reset()
			h.ServeHTTP(w, r)
		})
		if allocs > float64(budget.allocs) || bytes > float64(budget.bytes) {
			t.Errorf("%s: %v allocs, %.1f B per request; budget %d allocs, %d B", sc.name, allocs, bytes, budget.allocs, budget.bytes)
		}
	}
}

// perRun is testing.AllocsPerRun for allocations and bytes: the heap
// allocations of one call of f, averaged over runs calls, not rounded, so
// that memory carved from chunks shared by many calls still counts.
//
// MemStats counts what every goroutine of the process allocates, the
// runtime's and the test framework's included, and one such allocation in
// the window once raised a 16-byte figure past its budget on a busy
// machine. That noise only ever adds, and falls in some windows, not in
// all; an allocation of f's own falls in every window. So the figure is the
// minimum over several windows: the noise drops out, and f's allocations,
// every one of them, stay in (TestPerRun shows both).
func perRun(runs, windows int, f func()) (allocs, bytes float64) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	f() // warm up
	allocs, bytes = math.Inf(1), math.Inf(1)
	var before, after runtime.MemStats
	for range windows {
		runtime.ReadMemStats(&before)
		for range runs {
			f()
		}
		runtime.ReadMemStats(&after)
		allocs = min(allocs, float64(after.Mallocs-before.Mallocs)/float64(runs))
		bytes = min(bytes, float64(after.TotalAlloc-before.TotalAlloc)/float64(runs))
	}
	return allocs, bytes
}

var sink any

// TestPerRun: another goroutine's allocation inside a measured window (the
// flake, made to happen: the measured function itself wakes a goroutine
// that allocates a megabyte, once) leaves the figure exact, and one more
// allocation of the function's own, of any size, is counted.
func TestPerRun(t *testing.T) {
	for _, tc := range []struct {
		name          string
		f             func()
		allocs, bytes float64
	}{
		{"32 B", func() { sink = new([2]string) }, 1, 32},
		{"32 B and 16 B", func() { sink = new([2]string); sink = new([1]string) }, 2, 48},
		{"32 B and 8 B", func() { sink = new([2]string); sink = new(*int) }, 2, 40}, // a pointer: not the tiny allocator, which -race turns off
	} {
		wake, done := make(chan struct{}), make(chan struct{})
		go func() {
			<-wake
			sink = make([]byte, 1<<20) // the background noise
			close(done)
		}()
		calls := 0
		allocs, bytes := perRun(1000, 5, func() {
			tc.f()
			if calls++; calls == 1500 { // inside a measured window
				close(wake)
				<-done
			}
		})
		if allocs != tc.allocs || bytes != tc.bytes {
			t.Errorf("%s, with another goroutine allocating 1 MiB once: %v allocs, %v B per call, want %v, %v", tc.name, allocs, bytes, tc.allocs, tc.bytes)
		}
	}
}
