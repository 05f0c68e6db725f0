package e2e

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/klauspost/compress/gzhttp"

	"github.com/corskit/corskit/e2e/realserver"
)

// TestBehindSharedCacheSecondVary is TestBehindSharedCache with a second
// Vary line: the handler adds "Vary: Accept-Encoding" after the CORS
// middleware ran, or a gzip middleware (klauspost/compress/gzhttp) inside
// or outside the CORS middleware adds it. nginx's proxy_cache keys on the
// last Vary line only (nginx 1.22.1), so a middleware that sends "Vary:
// Origin" on a line of its own there lets the cache serve one origin's
// answer to another (issue 19).
//
// Every order of the requests is tried: each permutation of the probes is
// sent, twice over, to a URL of its own (?order=N, part of both caches'
// keys), so that each starts from an empty cache entry, and each kind of
// answer is stored first once. (nginx never caches preflights: they are
// sent in one order, to check that all of them pass.) The outcomes are recorded in
// RELIABILITY.md ("Behind a real shared cache, with a second Vary"), and
// read from there as TestBehindSharedCache reads its own.
func TestBehindSharedCacheSecondVary(t *testing.T) {
	recorded := map[string]string{}
	for _, cells := range readTable(t, varySection, 5) {
		recorded[cells[0]+" | "+cells[1]+" | "+cells[2]+" | simple"] = cells[3]
		recorded[cells[0]+" | "+cells[1]+" | "+cells[2]+" | preflight"] = cells[4]
	}
	// One backend serves every library in every setup, each under a path
	// of its own, behind one nginx and one Varnish: the cache keys hold the
	// path, so the setups never meet, and the caches start once.
	mux, c := http.NewServeMux(), &realserver.Counter{}
	type combo struct {
		lib        realserver.Lib
		setup      string
		prefix     string
		preflights bool
	}
	var combos []combo
	for _, lib := range realserver.Libs {
		for _, setup := range varySetups {
			h, err := setup.build(lib)
			if err != nil {
				t.Fatal(err)
			}
			prefix := "/" + strings.NewReplacer("/", "-", " ", "-").Replace(string(lib)+" "+setup.name)
			mux.Handle(prefix+"/", h)
			combos = append(combos, combo{lib, setup.name, prefix, setup.preflights})
		}
	}
	backend := realserver.Go(t, c.Wrap(mux)).URL
	caches := []struct {
		name string
		url  string
	}{
		{"nginx", realserver.NginxProxyCache(t, backend, realserver.NginxCacheOptions{}).URL},
		{"varnish", realserver.Varnish(t, backend, realserver.VarnishOptions{CacheOPTIONS: true}).URL},
	}
	seen := map[string]bool{}
	for _, cb := range combos {
		direct := directAnswersOf(t, string(cb.lib)+" ("+cb.setup+")", backend+cb.prefix, slices.Concat(varyProbes, varyPreflights))
		for _, cache := range caches {
			for _, kind := range []struct {
				name   string
				probes []probe
			}{{"simple", varyProbes}, {"preflight", varyPreflights}} {
				key := string(cb.lib) + " | " + cb.setup + " | " + cache.name + " | " + kind.name
				seen[key] = true
				outcome := "not probed"
				if kind.name == "simple" || cb.preflights {
					outcome = everyOrder(t, key, cache.url+cb.prefix, kind.probes, direct, c)
				}
				t.Logf("%s: %s", key, outcome)
				if cb.lib == realserver.Corskit && strings.HasPrefix(outcome, "poisoned") {
					t.Errorf("%s: corskit's answers were served to the wrong requests: %s", key, outcome)
				}
				want, ok := recorded[key]
				switch {
				case !ok:
					t.Errorf("RELIABILITY.md (%s) has no row for %q; observed: %s", varySection, key, outcome)
				case want != outcome:
					t.Errorf("%s: RELIABILITY.md records %q, observed %q: update the table (and say how)", key, want, outcome)
				}
			}
		}
	}
	for key := range recorded {
		if !seen[key] {
			t.Errorf("RELIABILITY.md records %q, which this test does not run", key)
		}
	}
}

const varySection = "Behind a real shared cache, with a second Vary"

// varyProbes are simpleProbes asking for gzip (N left out: its answer is
// D's for every library here), and A once more without gzip: a cache
// keying on Origin alone would hand A's gzip body to A/plain.
// varyPreflights are four of preflightProbes, the method and the origin
// changing. Four probes: 24 orders.
var (
	varyProbes = []probe{
		{label: "A", method: "GET", origin: originA, encoding: "gzip"},
		{label: "B", method: "GET", origin: originB, encoding: "gzip"},
		{label: "D", method: "GET", origin: originD, encoding: "gzip"},
		{label: "A/plain", method: "GET", origin: originA, encoding: "identity"},
	}
	varyPreflights = []probe{preflightProbes[0], preflightProbes[1], preflightProbes[3], preflightProbes[4]}
)

// bigCacheable is cacheable with a body long enough for gzhttp to compress
// (its default minimum is 1,024 bytes).
var bigCacheable = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "public, max-age=60")
	w.Header().Set("X-Request-Id", "42")
	w.Header().Set("Content-Type", "text/plain")
	io.WriteString(w, strings.Repeat("the same for everyone\n", 100))
})

// varySetups are where the second Vary line comes from. Preflights are
// probed only where it reaches them: the middlewares answer preflights
// themselves, so neither the handler nor a gzip middleware inside them
// sees one.
var varySetups = []struct {
	name       string // as RELIABILITY.md names it
	build      func(realserver.Lib) (http.Handler, error)
	preflights bool
}{
	{"handler", func(lib realserver.Lib) (http.Handler, error) {
		return realserver.Wrap(lib, cachePolicy, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Add("Vary", "Accept-Encoding")
			bigCacheable(w, r)
		}))
	}, false},
	{"gzip inside", func(lib realserver.Lib) (http.Handler, error) {
		return realserver.Wrap(lib, cachePolicy, gzhttp.GzipHandler(bigCacheable))
	}, false},
	{"gzip outside", func(lib realserver.Lib) (http.Handler, error) {
		h, err := realserver.Wrap(lib, cachePolicy, bigCacheable)
		return gzhttp.GzipHandler(h), err
	}, true},
}

// everyOrder sends every permutation of probes, twice over, through the
// cache at base, each to a URL of its own, compares each answer with the
// one the backend gave directly, and returns the outcome as summarize
// writes it. It fails the test if the cache cached nothing (the backend,
// counted by c, saw every request sent), except for preflights through nginx,
// which never caches them ("not cached", checked in one order).
func everyOrder(t *testing.T, key, base string, probes []probe, direct map[string]string, c *realserver.Counter) string {
	t.Helper()
	nginxPreflights := strings.Contains(key, "| nginx |") && probes[0].method == http.MethodOptions
	orders := permutations(len(probes))
	if nginxPreflights {
		orders = orders[:1]
	}
	for i, o := range orders {
		orders[i] = slices.Concat(o, o)
	}
	c.Reset()
	var (
		mu      sync.Mutex
		victims []string
		failed  error
		wg      sync.WaitGroup
		next    = make(chan int)
	)
	for range 4 { // the orders are independent: a few at a time
		wg.Go(func() {
			for n := range next {
				url := fmt.Sprintf("%s/resource?order=%d", base, n)
				for _, i := range orders[n] {
					p := probes[i]
					resp, err := sendURL(url, p)
					mu.Lock()
					if err != nil {
						failed = err
					} else if got, want := answerOf(resp), direct[p.method+" "+p.label]; got != want {
						victims = append(victims, p.label+"←"+sourceOf(got, probes, direct))
						if len(victims) < 5 {
							t.Logf("%s: order %v: %s %s got %s; directly: %s", key, orders[n], p.method, p.label, got, want)
						}
					}
					mu.Unlock()
				}
			}
		})
	}
	for n := range orders {
		next <- n
	}
	close(next)
	wg.Wait()
	if failed != nil {
		t.Fatalf("%s: %v", key, failed)
	}
	sent, misses := len(orders)*len(orders[0]), c.Hits()
	outcome := summarize(victims)
	switch {
	case nginxPreflights:
		if misses != sent {
			t.Errorf("%s: backend saw %d of %d preflights; nginx was not expected to cache any", key, misses, sent)
		}
		if outcome == "correct" {
			outcome = "not cached"
		}
	case misses >= sent:
		t.Errorf("%s: backend saw %d of %d requests: the cache cached nothing", key, misses, sent)
	}
	t.Logf("%s: %d orders, %d requests, %d reached the backend", key, len(orders), sent, misses)
	return outcome
}

// sourceOf names the probe whose direct answer got is, or "?".
func sourceOf(got string, probes []probe, direct map[string]string) string {
	for _, q := range probes {
		if direct[q.method+" "+q.label] == got {
			return q.label
		}
	}
	return "?"
}

// permutations lists every order of 0..n-1.
func permutations(n int) [][]int {
	if n == 0 {
		return [][]int{{}}
	}
	var out [][]int
	for _, p := range permutations(n - 1) {
		for i := 0; i <= len(p); i++ {
			out = append(out, slices.Insert(slices.Clone(p), i, n-1))
		}
	}
	return out
}
