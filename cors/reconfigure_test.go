package cors_test

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/corskit/corskit/cors"
)

func TestReconfigure(t *testing.T) {
	mw := mustNew(t, cors.Config{AllowedOrigins: []string{"https://a.com"}})
	if err := mw.Reconfigure(cors.Config{AllowedOrigins: []string{"https://a.com/"}}); err == nil {
		t.Fatal("Reconfigure accepted a bad config")
	}
	if got := serve(t, mw, get("https://a.com")); got.corsHeaders.Get("Access-Control-Allow-Origin") != "https://a.com" {
		t.Fatal("a rejected Reconfigure changed the policy")
	}
	if err := mw.Reconfigure(cors.Config{AllowedOrigins: []string{"https://b.com"}}); err != nil {
		t.Fatal(err)
	}
	if got := serve(t, mw, get("https://a.com")); got.corsHeaders.Get("Access-Control-Allow-Origin") != "" {
		t.Fatal("old policy still in force")
	}
	if got := serve(t, mw, get("https://b.com")); got.corsHeaders.Get("Access-Control-Allow-Origin") != "https://b.com" {
		t.Fatal("new policy not in force")
	}
}

// Requests served while the policy flips between A and B must each get
// exactly A's or exactly B's answer, never a mix.
func TestReconfigureAtomic(t *testing.T) {
	a := cors.Config{AllowedOrigins: []string{"https://a.com"}, AllowCredentials: true, AllowedMethods: []string{"PUT"},
		AllowedHeaders: []string{"X-A"}, MaxAge: 60e9}
	b := cors.Config{AllowedOrigins: []string{"https://a.com"}, AllowedMethods: []string{"DELETE"},
		AllowedHeaders: []string{"X-B"}, ExposedHeaders: []string{"X-Id"}, DisablePreflightCache: true}
	requests := []req{get("https://a.com"), preflight("https://a.com", "PUT", "x-a"), preflight("https://a.com", "DELETE", "x-b")}
	answers := func(cfg cors.Config) []outcome {
		mw := mustNew(t, cfg)
		var out []outcome
		for _, r := range requests {
			out = append(out, serve(t, mw, r))
		}
		return out
	}
	wantA, wantB := answers(a), answers(b)

	mw := mustNew(t, a)
	var stop atomic.Bool
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; !stop.Load(); i++ {
			cfg := a
			if i%2 == 1 {
				cfg = b
			}
			if err := mw.Reconfigure(cfg); err != nil {
				t.Error(err)
				return
			}
		}
	})
	var seenA, seenB atomic.Int64
	var workers sync.WaitGroup
	for range 4 {
		workers.Go(func() {
			for i := range 2000 {
				k := i % len(requests)
				got := serve(t, mw, requests[k])
				switch {
				case equalOutcome(got, wantA[k]):
					seenA.Add(1)
				case equalOutcome(got, wantB[k]):
					seenB.Add(1)
				default:
					t.Errorf("%v: answer is neither A's nor B's: %+v", requests[k], got)
					return
				}
			}
		})
	}
	workers.Wait()
	stop.Store(true)
	wg.Wait()
	if seenA.Load() == 0 || seenB.Load() == 0 {
		t.Logf("only one policy observed (A %d, B %d): the flips were too slow to interleave", seenA.Load(), seenB.Load())
	}
}

func equalOutcome(a, b outcome) bool {
	return a.status == b.status && a.handlerRan == b.handlerRan && equalHeaders(a.corsHeaders, b.corsHeaders)
}

// The middleware composes as a func(http.Handler) http.Handler, the shape
// chi and alice expect.
func TestWrapIsAMiddlewareFunc(t *testing.T) {
	mw := mustNew(t, cors.Config{AllowedOrigins: []string{"https://a.com"}})
	var chain func(http.Handler) http.Handler = mw.Wrap
	w := httptest.NewRecorder()
	chain(http.NotFoundHandler()).ServeHTTP(w, newReq(get("https://a.com")))
	if w.Header().Get("Access-Control-Allow-Origin") != "https://a.com" || w.Code != 404 {
		t.Fatalf("got %d %v", w.Code, w.Header())
	}
}
