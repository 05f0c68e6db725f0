package e2e

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/corskit/corskit/e2e/realserver"
)

// The shared-cache test: real nginx proxy_cache and real Varnish in front of
// a handler whose answers are cacheable (Cache-Control: public, max-age=60),
// wrapped by each CORS middleware. Requests from two allowed origins, a
// disallowed one and none, simple and preflight, alternate through the
// cache; each must get the answer the middleware gives that very request
// when asked directly, never one it gave another. A cache that serves one
// request's answer to another is poisoned: a browser on the allowed origin
// is refused (it got the disallowed origin's answer) or, worse, one origin
// is let in with another's grant.
//
// The outcome of each library behind each cache is recorded in
// RELIABILITY.md ("Behind a real shared cache"), and the test reads it from
// there: corskit must be correct everywhere, and a peer's recorded outcome
// must still be what happens, so the table cannot go stale.

const (
	originA = "https://app.example.com"
	originB = "https://admin.example.com"
	originD = "https://evil.example.net" // not allowed
)

// cachePolicy is the policy every library enforces.
var cachePolicy = realserver.Policy{
	Origins:     []string{originA, originB},
	Methods:     []string{"GET", "POST", "PUT", "DELETE"},
	Headers:     []string{"Content-Type", "X-Api-Key"},
	Exposed:     []string{"X-Request-Id"},
	Credentials: true,
	MaxAge:      600,
}

// expressCORS is cachePolicy in the cors npm package's options.
const expressCORS = `{
	origin: ["` + originA + `", "` + originB + `"],
	methods: ["GET", "POST", "PUT", "DELETE"],
	allowedHeaders: ["Content-Type", "X-Api-Key"],
	exposedHeaders: ["X-Request-Id"],
	credentials: true,
	maxAge: 600,
}`

// flaskCORS is cachePolicy in Flask-CORS's keyword arguments, and
// flaskCode makes Flask's answers (not its preflights) cacheable.
const (
	flaskCORS = `origins=["` + originA + `", "` + originB + `"], methods=["GET", "POST", "PUT", "DELETE"],
		allow_headers=["Content-Type", "X-Api-Key"], expose_headers=["X-Request-Id"],
		supports_credentials=True, max_age=600`
	flaskCode = `
@app.after_request
def cacheable(resp):
    if request.method != "OPTIONS":
        resp.headers["Cache-Control"] = "public, max-age=60"
        resp.headers["X-Request-Id"] = "42"
    return resp
`
)

// A probe is one kind of request. Its label names it in RELIABILITY.md.
type probe struct {
	label          string
	method, origin string
	acrm, acrh     string // preflight request headers
	// encoding is the Accept-Encoding sent, if any; then the client leaves
	// the body and Content-Encoding as they came.
	encoding string
}

var (
	simpleProbes = []probe{
		{label: "A", method: "GET", origin: originA},
		{label: "B", method: "GET", origin: originB},
		{label: "D", method: "GET", origin: originD},
		{label: "N", method: "GET"},
	}
	preflightProbes = []probe{
		{label: "A", method: "OPTIONS", origin: originA, acrm: "PUT", acrh: "x-api-key"},
		{label: "A/DELETE", method: "OPTIONS", origin: originA, acrm: "DELETE"},
		{label: "A/X-Evil", method: "OPTIONS", origin: originA, acrm: "PUT", acrh: "x-evil"},
		{label: "B", method: "OPTIONS", origin: originB, acrm: "PUT", acrh: "x-api-key"},
		{label: "D", method: "OPTIONS", origin: originD, acrm: "PUT", acrh: "x-api-key"},
	}
)

// rounds interleaves the probes in several orders, so that whichever kind
// of answer a cache stores first, every other kind comes after it.
func rounds(n int) []int {
	var seq []int
	for i := range n {
		seq = append(seq, i) // forward
	}
	for i := range n {
		seq = append(seq, n-1-i) // backward
	}
	for i := 0; i < n; i += 2 {
		seq = append(seq, i) // evens, then odds
	}
	for i := 1; i < n; i += 2 {
		seq = append(seq, i)
	}
	return seq
}

// corsHeaders are the response headers a browser's CORS check reads; an
// answer is the status and these.
var corsHeaders = []string{
	"Access-Control-Allow-Origin", "Access-Control-Allow-Credentials",
	"Access-Control-Allow-Methods", "Access-Control-Allow-Headers",
	"Access-Control-Max-Age", "Access-Control-Expose-Headers",
}

// An answer also has its Content-Encoding, when there is one: a gzip body
// served to a client that did not ask for it is as wrong as another
// origin's grant.
const contentEncoding = "Content-Encoding"

func answerOf(resp *http.Response) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d", resp.StatusCode)
	for _, h := range corsHeaders {
		if v := resp.Header.Values(h); len(v) > 0 {
			fmt.Fprintf(&b, " %s=%q", strings.TrimPrefix(h, "Access-Control-"), strings.Join(v, ", "))
		}
	}
	if v := resp.Header.Values(contentEncoding); len(v) > 0 {
		fmt.Fprintf(&b, " %s=%q", contentEncoding, strings.Join(v, ", "))
	}
	return b.String()
}

var cacheClient = &http.Client{Timeout: 10 * time.Second}

func send(t *testing.T, base string, p probe) *http.Response {
	t.Helper()
	resp, err := sendURL(base+"/resource", p)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// sendURL sends p to url; it may run in any goroutine.
func sendURL(url string, p probe) (*http.Response, error) {
	req, err := http.NewRequest(p.method, url, nil)
	if err != nil {
		return nil, err
	}
	if p.origin != "" {
		req.Header.Set("Origin", p.origin)
	}
	if p.acrm != "" {
		req.Header.Set("Access-Control-Request-Method", p.acrm)
	}
	if p.acrh != "" {
		req.Header.Set("Access-Control-Request-Headers", p.acrh)
	}
	if p.encoding != "" {
		req.Header.Set("Accept-Encoding", p.encoding)
	}
	resp, err := cacheClient.Do(req)
	if err != nil {
		return nil, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp, err
}

// cacheable is the application behind each middleware: the same body for
// everyone, cacheable by shared caches for a minute.
var cacheable = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "public, max-age=60")
	w.Header().Set("X-Request-Id", "42")
	io.WriteString(w, "the same for everyone\n")
})

type cacheBackend struct {
	lib  string // as RELIABILITY.md names it
	url  string
	hits *realserver.Counter
}

func TestBehindSharedCache(t *testing.T) {
	recorded := readCacheTable(t)
	var backends []cacheBackend
	for _, lib := range realserver.Libs {
		h, err := realserver.Wrap(lib, cachePolicy, cacheable)
		if err != nil {
			t.Fatal(err)
		}
		c := &realserver.Counter{}
		backends = append(backends, cacheBackend{lib: string(lib), url: realserver.Go(t, c.Wrap(h)).URL, hits: c})
	}
	express := realserver.Express(t, realserver.ExpressOptions{
		CORS: expressCORS,
		Code: `app.use((req, res, next) => { res.set("Cache-Control", "public, max-age=60"); res.set("X-Request-Id", "42"); next(); });`,
	})
	proxy, c := realserver.CountingProxy(t, express.URL)
	backends = append(backends, cacheBackend{lib: "express cors", url: proxy.URL, hits: c})
	flask := realserver.Flask(t, realserver.FlaskOptions{CORS: flaskCORS, Code: flaskCode})
	proxy, c = realserver.CountingProxy(t, flask.URL)
	backends = append(backends, cacheBackend{lib: "flask-cors", url: proxy.URL, hits: c})

	seen := map[string]bool{}
	for _, b := range backends {
		direct := directAnswers(t, b.lib, b.url)
		caches := []struct {
			name string
			url  string
		}{
			{"nginx", realserver.NginxProxyCache(t, b.url, realserver.NginxCacheOptions{}).URL},
			{"varnish", realserver.Varnish(t, b.url, realserver.VarnishOptions{CacheOPTIONS: true}).URL},
		}
		for _, cache := range caches {
			for _, kind := range []struct {
				name   string
				probes []probe
			}{{"simple", simpleProbes}, {"preflight", preflightProbes}} {
				key := b.lib + " | " + cache.name + " | " + kind.name
				seen[key] = true
				b.hits.Reset()
				outcome, sent := throughCache(t, key, cache.url, kind.probes, direct)
				misses := b.hits.Hits()
				if cache.name == "nginx" && kind.name == "preflight" {
					// nginx's proxy_cache_methods takes GET, HEAD and
					// POST only: every preflight must pass through.
					if misses != sent {
						t.Errorf("%s: backend saw %d of %d preflights; nginx was not expected to cache any", key, misses, sent)
					}
					if outcome == "correct" {
						outcome = "not cached"
					}
				} else if misses >= sent {
					// Nothing was cached: the test would prove nothing.
					t.Errorf("%s: backend saw %d of %d requests: the cache cached nothing", key, misses, sent)
				}
				t.Logf("%s: %d requests, %d reached the backend: %s", key, sent, misses, outcome)
				if b.lib == string(realserver.Corskit) && strings.HasPrefix(outcome, "poisoned") {
					t.Errorf("%s: corskit's answers were served to the wrong requests: %s", key, outcome)
				}
				want, ok := recorded[key]
				switch {
				case !ok:
					t.Errorf("RELIABILITY.md has no row for %q; observed: %s", key, outcome)
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

// directAnswers returns what the backend at url answers each probe when
// asked directly, keyed by method and label.
func directAnswers(t *testing.T, lib, url string) map[string]string {
	t.Helper()
	return directAnswersOf(t, lib, url, slices.Concat(simpleProbes, preflightProbes))
}

func directAnswersOf(t *testing.T, lib, url string, probes []probe) map[string]string {
	t.Helper()
	direct := map[string]string{}
	for _, p := range probes {
		resp := send(t, url, p)
		direct[p.method+" "+p.label] = answerOf(resp)
		t.Logf("%s: %s %s directly: %s; Vary %q, Cache-Control %q", lib, p.method, p.label,
			direct[p.method+" "+p.label], resp.Header.Values("Vary"), resp.Header.Get("Cache-Control"))
	}
	return direct
}

// TestSharedCacheCatchesPoisoning proves that TestBehindSharedCache can see
// poisoning at all: behind nginx told to ignore Vary (proxy_ignore_headers
// Vary, a real misconfiguration), even corskit's correct answers are
// served to the wrong origins, and the same probes must say so.
func TestSharedCacheCatchesPoisoning(t *testing.T) {
	h, err := realserver.Wrap(realserver.Corskit, cachePolicy, cacheable)
	if err != nil {
		t.Fatal(err)
	}
	backend := realserver.Go(t, h)
	direct := directAnswers(t, "corskit", backend.URL)
	cache := realserver.NginxProxyCache(t, backend.URL, realserver.NginxCacheOptions{IgnoreVary: true})
	outcome, _ := throughCache(t, "corskit | nginx ignoring Vary | simple", cache.URL, simpleProbes, direct)
	// The first answer stored (A's) is served to everyone after it.
	if want := "poisoned: B←A, D←A, N←A"; outcome != want {
		t.Errorf("behind a cache that ignores Vary: %s, want %s", outcome, want)
	}
}

// throughCache sends probes through the cache at url in several orders
// and compares each answer with the one the backend gave directly. It
// returns the outcome and how many requests it sent.
func throughCache(t *testing.T, key, url string, probes []probe, direct map[string]string) (outcome string, sent int) {
	t.Helper()
	var victims []string
	seq := rounds(len(probes))
	for _, i := range seq {
		p := probes[i]
		got := answerOf(send(t, url, p))
		if got == direct[p.method+" "+p.label] {
			continue
		}
		from := "?" // whose answer was it?
		for _, q := range probes {
			if direct[q.method+" "+q.label] == got {
				from = q.label
				break
			}
		}
		victims = append(victims, p.label+"←"+from)
		t.Logf("%s: %s %s got %s; directly: %s", key, p.method, p.label, got, direct[p.method+" "+p.label])
	}
	return summarize(victims), len(seq)
}

// summarize is an outcome as RELIABILITY.md writes it: "correct", or
// "poisoned: " and each victim (label←label of the request whose answer it
// got), once, sorted.
func summarize(victims []string) string {
	if len(victims) == 0 {
		return "correct"
	}
	slices.Sort(victims)
	return "poisoned: " + strings.Join(slices.Compact(victims), ", ")
}

// readCacheTable reads the outcomes recorded in RELIABILITY.md's section
// "Behind a real shared cache": a table whose rows read
// | library | cache | simple requests | preflights | how |, keyed here
// "library | cache | simple" and "library | cache | preflight".
func readCacheTable(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, cells := range readTable(t, "Behind a real shared cache", 4) {
		out[cells[0]+" | "+cells[1]+" | simple"] = cells[2]
		out[cells[0]+" | "+cells[1]+" | preflight"] = cells[3]
	}
	return out
}

// readTable returns the rows of the table in RELIABILITY.md's section
// "## "+section, each with at least n cells, trimmed of spaces, ` and *;
// the header row and the separator row left out.
func readTable(t *testing.T, section string, n int) [][]string {
	t.Helper()
	b, err := os.ReadFile("../RELIABILITY.md")
	if err != nil {
		t.Fatal(err)
	}
	_, text, ok := strings.Cut(string(b), "\n## "+section+"\n")
	if !ok {
		t.Fatalf("RELIABILITY.md has no section \"## %s\"", section)
	}
	if i := strings.Index(text, "\n## "); i >= 0 {
		text = text[:i]
	}
	var rows [][]string
	for line := range strings.Lines(text) {
		cells := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
		if len(cells) < n || strings.HasPrefix(strings.TrimSpace(cells[0]), "-") || strings.TrimSpace(cells[0]) == "library" {
			continue
		}
		for i := range cells {
			cells[i] = strings.Trim(strings.TrimSpace(cells[i]), "`*")
		}
		rows = append(rows, cells)
	}
	if len(rows) == 0 {
		t.Fatalf("RELIABILITY.md's section %q has no table rows", section)
	}
	return rows
}
