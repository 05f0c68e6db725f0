package audit_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/corskit/corskit/audit"
)

// The holes people write are in the patterns for their front end, not for
// the API's host: the audit must learn app.example.com is allowed, then
// attack it.
func TestAllowlistLearnedThenAttacked(t *testing.T) {
	includes := func(o string) bool { return o != "" && strings.Contains("https://app.example.com", o) }
	for _, tc := range []struct {
		name string
		h    http.Handler
		want map[string]audit.Severity
		not  []string
	}{
		{"regex for the front end, dots unescaped", reflecting(regexp.MustCompile(`^https://app.example.com$`).MatchString, true, true),
			map[string]audit.Severity{audit.UnescapedDot: audit.High}, []string{audit.SuffixMatch, audit.PrefixMatch, audit.AnySubdomain}},
		{"regex for the front end, unanchored", reflecting(regexp.MustCompile(`https://app\.example\.com`).MatchString, true, true),
			map[string]audit.Severity{audit.PrefixMatch: audit.High}, []string{audit.SpecialChars, audit.TrailingDot, audit.AnyPort, audit.UnescapedDot}},
		{"regex for the front end, no start anchor", reflecting(regexp.MustCompile(`app\.example\.com$`).MatchString, true, true),
			map[string]audit.Severity{audit.SuffixMatch: audit.Medium}, []string{audit.PrefixMatch, audit.UnescapedDot}},
		{"front end's origin includes the request's", reflecting(includes, true, true),
			map[string]audit.Severity{audit.SubstringMatch: audit.High}, []string{audit.PrefixMatch, audit.SuffixMatch}},
		{"target's origin includes the request's", reflecting(func(o string) bool { return o != "" && strings.Contains("https://api.example.com", o) }, true, true),
			map[string]audit.Severity{audit.SubstringMatch: audit.High}, nil},
		{"suffix check on the domain (not an unescaped dot)", reflecting(func(o string) bool { return strings.HasSuffix(o, "example.com") }, true, true),
			map[string]audit.Severity{audit.SuffixMatch: audit.High}, []string{audit.UnescapedDot, audit.AnySubdomain}},
		{"subdomains with the dot (not a suffix or unescaped dot)", reflecting(func(o string) bool { return strings.HasSuffix(o, ".example.com") }, true, true),
			map[string]audit.Severity{audit.AnySubdomain: audit.Medium}, []string{audit.SuffixMatch, audit.UnescapedDot}},
		{"host checked, port ignored", reflecting(regexp.MustCompile(`^https://app\.example\.com(:\d+)?$`).MatchString, true, true),
			map[string]audit.Severity{audit.AnyPort: audit.Medium}, []string{audit.PrefixMatch}},
		{"trailing dot accepted", reflecting(regexp.MustCompile(`^https://app\.example\.com\.?$`).MatchString, true, true),
			map[string]audit.Severity{audit.TrailingDot: audit.Info}, []string{audit.PrefixMatch}},
		{"front end's http twin", reflecting(regexp.MustCompile(`^https?://app\.example\.com$`).MatchString, true, true),
			map[string]audit.Severity{audit.InsecureScheme: audit.Medium}, nil},
		{"front end's http twin, HSTS on the domain", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
			reflecting(func(o string) bool { return o == "https://api.example.com" || o == "http://api.example.com" }, true, true).ServeHTTP(w, r)
		}), map[string]audit.Severity{audit.InsecureScheme: audit.Info}, nil},
		{"only a dev origin", reflecting(regexp.MustCompile(`^https?://localhost(:\d+)?`).MatchString, true, true),
			map[string]audit.Severity{audit.LocalhostOrigin: audit.Medium, audit.PrefixMatch: audit.High}, nil},
		{"exact list (near miss of all)", reflecting(func(o string) bool { return o == "https://app.example.com" || o == "https://admin.example.com" }, true, true),
			nil, []string{audit.UnescapedDot, audit.PrefixMatch, audit.SuffixMatch, audit.SubstringMatch, audit.AnyPort, audit.TrailingDot, audit.InsecureScheme, audit.SpecialChars}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := scan(t, tc.h, true)
			got := ids(res, audit.Info)
			t.Logf("%d probes: %v, allowed %v", res.Probes, got, res.Allowed)
			for id, sev := range tc.want {
				if g, ok := got[id]; !ok || g != sev {
					t.Errorf("want %s (%s), got %v", id, sev, got)
				}
			}
			for _, id := range tc.not {
				if _, ok := got[id]; ok {
					t.Errorf("reported %s: %v", id, got)
				}
			}
		})
	}
}

// The fix keeps the front ends the server legitimately allowed, never the
// API's own origin, and says so when none is known.
func TestFixSuggestsTheLegitimateOrigins(t *testing.T) {
	res := scan(t, reflecting(func(o string) bool {
		return o == "null" || o == "https://app.example.com" || o == "https://api.example.com"
	}, true, true), true)
	var f *audit.Finding
	for i := range res.Findings {
		if res.Findings[i].ID == audit.NullOrigin {
			f = &res.Findings[i]
		}
	}
	if f == nil {
		t.Fatalf("no null-origin finding: %v", ids(res, audit.Info))
	}
	if !strings.Contains(f.Fix.Config, `"https://app.example.com"`) || strings.Contains(f.Fix.Config, "api.example.com") || strings.Contains(f.Fix.Config, "null") {
		t.Errorf("fix %q: want app.example.com only", f.Fix.Config)
	}
	if len(res.Allowed) != 1 || res.Allowed[0] != "https://app.example.com" {
		t.Errorf("allowed %v", res.Allowed)
	}
	res = scan(t, reflecting(func(string) bool { return true }, true, true), true)
	if f := res.Findings[0]; f.ID != audit.ReflectAnyOrigin || !strings.Contains(f.Fix.Headers, "The allowlist could not be learned: the server allows every origin") || strings.Contains(f.Fix.Config, "example.com") {
		t.Errorf("reflect-all fix: %+v", f.Fix)
	}
}

// The stack's own setting is named when the answer gives the stack away.
func TestFixNamesTheStack(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Powered-By", "Express")
		reflecting(func(o string) bool { return o == "null" || o == "https://app.example.com" }, true, true).ServeHTTP(w, r)
	})
	res := scan(t, h, true)
	if res.Stack == nil || res.Stack.Name != "express" || res.Stack.Evidence != "X-Powered-By: Express" {
		t.Fatalf("stack %+v", res.Stack)
	}
	if !strings.Contains(res.Stack.Snippet, `origin: ["https://app.example.com"],`) || !strings.Contains(res.Stack.Snippet, "credentials: true,") {
		t.Errorf("snippet %s", res.Stack.Snippet)
	}
	if f := res.Findings[0]; !strings.Contains(f.Fix.Stack, "Express with the cors package: set `origin` to exactly https://app.example.com, with `credentials` on") {
		t.Errorf("fix %+v", f.Fix)
	}
}

// Every probe goes to a URL of its own and asks caches not to answer, so
// that no probe reads or fills an entry a real user gets. The first two
// requests are the cache-key check: an anonymous visitor's GETs (no
// Origin, no cookie, no no-cache), each on a URL of its own too.
func TestEveryProbeBustsCaches(t *testing.T) {
	for _, noBust := range []bool{false, true} {
		var mu sync.Mutex
		seen := map[string]int{}
		var bad []string
		n := 0
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			defer mu.Unlock()
			v := r.URL.Query().Get(audit.CacheBustParam)
			seen[v]++
			n++
			check := !noBust && n <= 2
			if check && (r.Method != http.MethodGet || r.Header.Get("Origin") != "" || r.Header.Get("Cookie") != "" || r.Header.Get("Cache-Control") != "" || v == "") {
				bad = append(bad, "cache-key check "+r.URL.String())
			}
			if r.URL.Query().Get("q") != "1" || (!noBust && !check && (r.Header.Get("Cache-Control") != "no-cache" || r.Header.Get("Pragma") != "no-cache")) {
				bad = append(bad, r.URL.String())
			}
			if o := r.Header.Get("Origin"); o == "https://app.example.com" {
				w.Header().Set("Access-Control-Allow-Origin", o)
			}
		})
		srv := httptest.NewServer(h)
		s := audit.New(audit.Options{NoCacheBust: noBust})
		res := s.Scan(context.Background(), audit.Target{URL: srv.URL + "/me?q=1"})
		srv.Close()
		if res.Err != nil {
			t.Fatal(res.Err)
		}
		if len(bad) > 0 {
			t.Errorf("noBust=%v: %d requests without the query or the no-cache headers, e.g. %s", noBust, len(bad), bad[0])
		}
		switch {
		case !noBust && (len(seen) != res.Probes || seen[""] != 0):
			t.Errorf("%d probes, %d distinct cache-bust values (empty: %d)", res.Probes, len(seen), seen[""])
		case noBust && (len(seen) != 1 || seen[""] != res.Probes):
			t.Errorf("--no-cache-bust: values %v", seen)
		}
		for _, f := range res.Findings {
			if !noBust && !strings.Contains(f.Evidence.URL, audit.CacheBustParam+"=") {
				t.Errorf("evidence URL %q", f.Evidence.URL)
			}
		}
	}
}

// A cookie given is sent with every probe and never shown.
func TestCookieSentNotShown(t *testing.T) {
	var mu sync.Mutex
	without := 0
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		// The cache-key check's two GETs are an anonymous visitor's.
		if r.Header.Get("Cookie") != "session=s3cret" && r.Header.Get("Origin") != "" {
			without++
		}
		mu.Unlock()
		reflecting(func(string) bool { return true }, true, true).ServeHTTP(w, r)
	})
	srv := httptest.NewServer(h)
	defer srv.Close()
	res := audit.New(audit.Options{}).Scan(context.Background(), audit.Target{URL: srv.URL, Cookie: "session=s3cret"})
	if without > 0 || !res.CookieSent {
		t.Errorf("%d of %d probes without the cookie; CookieSent %v", without, res.Probes, res.CookieSent)
	}
	for _, f := range res.Findings {
		if c := f.Evidence.RequestHeaders.Get("Cookie"); strings.Contains(c, "s3cret") || c == "" {
			t.Errorf("evidence Cookie %q", c)
		}
	}
}

// A server that sends headers and then stalls every body cannot hold the
// run for probes × timeout: the target deadline ends it, and the result
// says it is partial, with the probes that completed. The deadline leaves
// room for the two anonymous GETs that check the cache key and a few probes
// at 250 ms each, under -race on a loaded machine (700 ms read no probe
// once there); the whole audit (ten probes) takes longer than the deadline
// even on a quiet machine (at 150 ms a probe it once finished in time).
func TestTargetDeadline(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))
		w.WriteHeader(200)
		w.(http.Flusher).Flush()
		select {
		case <-time.After(250 * time.Millisecond):
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	start := time.Now()
	res := audit.New(audit.Options{Timeout: time.Second, TargetTimeout: 1500 * time.Millisecond}).Scan(context.Background(), audit.Target{URL: srv.URL})
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %v", d)
	}
	if res.Err != nil || !strings.Contains(res.Partial, "partially audited") || res.Probes < 2 {
		t.Errorf("err %v, partial %q, %d probes", res.Err, res.Partial, res.Probes)
	}
	if _, ok := ids(res, audit.Info)[audit.ReflectAnyOrigin]; !ok {
		t.Errorf("the completed probes' findings are lost: %v", ids(res, audit.Info))
	}
}

func TestPrivateNetworkNoted(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Vary", "Origin")
		if o := r.Header.Get("Origin"); o == trusted {
			w.Header().Set("Access-Control-Allow-Origin", o)
			w.Header().Set("Access-Control-Allow-Credentials", "true")
			if r.Header.Get("Access-Control-Request-Private-Network") == "true" {
				w.Header().Set("Access-Control-Allow-Private-Network", "true")
			}
		}
	})
	if got := ids(scan(t, h, true), audit.Info); got[audit.PrivateNetwork] != audit.Info {
		t.Errorf("got %v", got)
	}
}

// An origin the server names itself, in a fixed Access-Control-Allow-Origin
// sent to everyone else, joins the allowlist and is attacked like the
// others: here its regex leaves the dots unescaped, which no probe built
// from the API's own host would show.
func TestNamedOriginLearned(t *testing.T) {
	const front = "https://front.other.example"
	loose := regexp.MustCompile(`^https://front.other.example$`)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Vary", "Origin")
		if o := r.Header.Get("Origin"); loose.MatchString(o) {
			w.Header().Set("Access-Control-Allow-Origin", o)
			w.Header().Set("Access-Control-Allow-Credentials", "true")
			return
		}
		w.Header().Set("Access-Control-Allow-Origin", front)
		w.Header().Set("Access-Control-Allow-Credentials", "true")
	})
	res := scan(t, h, true)
	got := ids(res, audit.Info)
	if got[audit.UnescapedDot] != audit.High {
		t.Errorf("want unescaped-dot (high) around %s, got %v", front, got)
	}
	if len(res.Allowed) != 1 || res.Allowed[0] != front {
		t.Errorf("allowed %v: want %s, learned from the fixed Allow-Origin", res.Allowed, front)
	}
}
