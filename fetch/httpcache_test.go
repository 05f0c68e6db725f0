package fetch_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/corskit/corskit/corstest"
	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/origin"
)

// cacheServer answers GET /r with the given headers (values may use
// {origin}, the request's Origin) and a body counting its full responses;
// a request whose If-None-Match matches the ETag gets 304 with notModified.
// It records every request it gets.
type cacheServer struct {
	headers     []string
	notModified []string
	seen        []*http.Request
}

func (s *cacheServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.seen = append(s.seen, r)
	set := func(lines []string) {
		for _, l := range lines {
			k, v, _ := strings.Cut(l, ": ")
			w.Header().Add(k, strings.ReplaceAll(v, "{origin}", r.Header.Get("Origin")))
		}
	}
	if inm := r.Header.Get("If-None-Match"); inm != "" && strings.Contains(strings.Join(s.headers, "\n"), "Etag: "+inm) {
		set(s.notModified)
		w.WriteHeader(http.StatusNotModified)
		return
	}
	set(s.headers)
	fmt.Fprintf(w, "response %d", len(s.seen))
}

// cacheRun makes the calls in one model browser whose clock starts at
// start and advances by each call's after.
type cacheCall struct {
	after time.Duration
	req   fetch.Request
}

func runCalls(t *testing.T, p fetch.Profile, h http.Handler, calls ...cacheCall) []*fetch.Result {
	t.Helper()
	c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	b := &fetch.Browser{Profile: p, Transport: corstest.HandlerTransport(h), Now: c.now}
	var out []*fetch.Result
	for i, call := range calls {
		c.advance(call.after)
		res, err := b.Fetch(context.Background(), call.req)
		if err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
		out = append(out, res)
	}
	return out
}

const api = "https://api.example.com/r"

func get(mode fetch.CacheMode) fetch.Request {
	return fetch.Request{Origin: page, URL: api, Cache: mode}
}

func outcomes(rs []*fetch.Result) string {
	var out []string
	for _, r := range rs {
		o := string(r.HTTPCache.Outcome)
		if !r.Allowed() {
			o += "(blocked)"
		}
		out = append(out, o)
	}
	return strings.Join(out, " ")
}

// TestHTTPCacheFreshnessAndRevalidation walks the RFC 9111 rules the
// model applies with an injected clock: each case's calls, how the cache
// served each, and how many requests reached the server.
func TestHTTPCacheFreshnessAndRevalidation(t *testing.T) {
	acao := "Access-Control-Allow-Origin: {origin}"
	date := "Date: Thu, 01 Jan 2026 00:00:00 GMT"
	for _, tc := range []struct {
		name    string
		headers []string
		calls   []cacheCall
		want    string // outcomes, in order
		server  int    // requests the server got
	}{
		{"max-age fresh", []string{acao, "Cache-Control: max-age=60"},
			[]cacheCall{{0, get("")}, {59 * time.Second, get("")}}, "miss fresh-hit", 1},
		{"max-age stale without validator", []string{acao, "Cache-Control: max-age=60"},
			[]cacheCall{{0, get("")}, {60 * time.Second, get("")}}, "miss miss", 2},
		{"stale with etag revalidates", []string{acao, "Cache-Control: max-age=60", `Etag: "v1"`},
			[]cacheCall{{0, get("")}, {61 * time.Second, get("")}, {30 * time.Second, get("")}}, "miss revalidated fresh-hit", 2},
		{"no-cache response revalidates each time", []string{acao, "Cache-Control: no-cache", `Etag: "v1"`},
			[]cacheCall{{0, get("")}, {0, get("")}, {0, get("")}}, "miss revalidated revalidated", 3},
		{"no-store response is not stored", []string{acao, "Cache-Control: no-store, max-age=60"},
			[]cacheCall{{0, get("")}, {0, get("")}}, "miss miss", 2},
		{"expires minus date", []string{acao, date, "Expires: Thu, 01 Jan 2026 00:10:00 GMT"},
			[]cacheCall{{0, get("")}, {9 * time.Minute, get("")}, {time.Minute, get("")}}, "miss fresh-hit miss", 2},
		{"invalid expires is stale", []string{acao, "Expires: 0"},
			[]cacheCall{{0, get("")}, {0, get("")}}, "miss miss", 2},
		{"heuristic: 10% of Last-Modified age", []string{acao, date, "Last-Modified: Mon, 22 Dec 2025 00:00:00 GMT"},
			[]cacheCall{{0, get("")}, {24*time.Hour - time.Second, get("")}, {time.Second, get("")}}, "miss fresh-hit modified", 2}, // the server ignores If-Modified-Since
		{"mode no-store bypasses and does not store", []string{acao, "Cache-Control: max-age=60"},
			[]cacheCall{{0, get(fetch.CacheNoStore)}, {0, get("")}}, "bypassed miss", 2},
		{"mode reload bypasses and stores", []string{acao, "Cache-Control: max-age=60"},
			[]cacheCall{{0, get("")}, {0, get(fetch.CacheReload)}, {0, get("")}}, "miss bypassed fresh-hit", 2},
		{"mode no-cache revalidates a fresh response", []string{acao, "Cache-Control: max-age=60", `Etag: "v1"`},
			[]cacheCall{{0, get("")}, {0, get(fetch.CacheNoCache)}}, "miss revalidated", 2},
		{"mode force-cache uses a stale response", []string{acao, "Cache-Control: max-age=1"},
			[]cacheCall{{0, get("")}, {time.Hour, get(fetch.CacheForceCache)}}, "miss stale-hit", 1},
		{"mode force-cache fetches when nothing is stored", []string{acao, "Cache-Control: max-age=60"},
			[]cacheCall{{0, get(fetch.CacheForceCache)}, {0, get("")}}, "miss fresh-hit", 1},
		{"a PUT keeps the stored response (chromium)", []string{acao, "Cache-Control: max-age=60", "Access-Control-Allow-Methods: PUT"},
			[]cacheCall{{0, get("")}, {0, fetch.Request{Origin: page, URL: api, Method: "PUT"}}, {0, get("")}}, "miss  fresh-hit", 2 + 1},
		{"a script's If-None-Match makes default no-store", []string{acao, "Cache-Control: max-age=60", "Access-Control-Allow-Headers: if-none-match"},
			[]cacheCall{{0, get("")}, {0, fetch.Request{Origin: page, URL: api, Headers: []fetch.Header{{Name: "If-None-Match", Value: `"x"`}}}}}, "miss bypassed", 3},
		{"vary star is not stored", []string{acao, "Cache-Control: max-age=60", "Vary: *"},
			[]cacheCall{{0, get("")}, {0, get("")}}, "miss miss", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &cacheServer{headers: tc.headers}
			rs := runCalls(t, fetch.Chromium, s, tc.calls...)
			if got := outcomes(rs); got != tc.want {
				t.Errorf("outcomes %q, want %q", got, tc.want)
			}
			if len(s.seen) != tc.server {
				t.Errorf("server got %d requests, want %d", len(s.seen), tc.server)
			}
		})
	}
}

// A successful PUT invalidates the stored GET response in WebKit and the
// standard (RFC 9111 §4.4), not in Chromium (previous test).
func TestHTTPCacheUnsafeMethodInvalidates(t *testing.T) {
	for _, p := range []fetch.Profile{fetch.WebKit, fetch.Spec} {
		s := &cacheServer{headers: []string{"Access-Control-Allow-Origin: {origin}", "Cache-Control: max-age=60", "Access-Control-Allow-Methods: PUT"}}
		rs := runCalls(t, p, s, cacheCall{0, get("")}, cacheCall{0, fetch.Request{Origin: page, URL: api, Method: "PUT"}}, cacheCall{0, get("")})
		if got := outcomes(rs); got != "miss  miss" || len(s.seen) != 4 {
			t.Errorf("%s: outcomes %q, %d requests; want a miss after the PUT, 4 requests", p.Name, got, len(s.seen))
		}
	}
}

// The cache modes add their headers to the request, as the Fetch Standard
// says (HTTP-network-or-cache fetch), and a revalidation sends the stored
// validators.
func TestHTTPCacheRequestHeaders(t *testing.T) {
	s := &cacheServer{headers: []string{"Access-Control-Allow-Origin: *", "Cache-Control: max-age=60", `Etag: "v1"`,
		"Last-Modified: Mon, 22 Dec 2025 00:00:00 GMT"}}
	runCalls(t, fetch.Chromium, s, cacheCall{0, get(fetch.CacheNoStore)}, cacheCall{0, get(fetch.CacheReload)}, cacheCall{0, get(fetch.CacheNoCache)})
	for i, want := range []string{
		"Cache-Control=no-cache Pragma=no-cache If-None-Match= If-Modified-Since=",
		"Cache-Control=no-cache Pragma=no-cache If-None-Match= If-Modified-Since=",
		`Cache-Control=max-age=0 Pragma= If-None-Match="v1" If-Modified-Since=Mon, 22 Dec 2025 00:00:00 GMT`,
	} {
		h := s.seen[i].Header
		got := fmt.Sprintf("Cache-Control=%s Pragma=%s If-None-Match=%s If-Modified-Since=%s",
			h.Get("Cache-Control"), h.Get("Pragma"), h.Get("If-None-Match"), h.Get("If-Modified-Since"))
		if got != want {
			t.Errorf("request %d: %s, want %s", i, got, want)
		}
	}
}

// A response without Vary: Origin, stored for one origin, is served to
// another origin of the same site, whose CORS check then fails on the
// stored Access-Control-Allow-Origin: the classic missing-Vary bug. With
// Vary: Origin the second origin misses the cache; a page of another site
// never shares the first one's cache (partitioning).
func TestHTTPCacheVaryOrigin(t *testing.T) {
	other := origin.MustParse("https://admin.example.com")
	elsewhere := origin.MustParse("https://app.other.test")
	for _, tc := range []struct {
		name   string
		vary   []string
		second origin.Origin
		want   string
	}{
		{"no vary, same site", nil, other, "miss fresh-hit(blocked)"},
		{"vary origin, same site", []string{"Vary: Origin"}, other, "miss miss"},
		{"no vary, other site", nil, elsewhere, "miss miss"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &cacheServer{headers: append([]string{"Access-Control-Allow-Origin: {origin}", "Cache-Control: max-age=600"}, tc.vary...)}
			second := get("")
			second.Origin = tc.second
			rs := runCalls(t, fetch.Chromium, s, cacheCall{0, get("")}, cacheCall{time.Second, second})
			if got := outcomes(rs); got != tc.want {
				t.Errorf("outcomes %q, want %q", got, tc.want)
			}
			if strings.HasSuffix(tc.want, "(blocked)") && rs[1].Err.Reason != fetch.ReasonAllowOriginMismatch {
				t.Errorf("reason %s, want %s", rs[1].Err.Reason, fetch.ReasonAllowOriginMismatch)
			}
		})
	}
}

// The CORS check runs on the stored response with the 304's headers
// merged in: a 304 without CORS headers keeps the stored ones (allowed),
// and a 304 with another Access-Control-Allow-Origin replaces it
// (blocked).
func TestHTTPCache304MergedBeforeCORSCheck(t *testing.T) {
	for _, tc := range []struct {
		name        string
		notModified []string
		allowed     bool
	}{
		{"304 without CORS headers", nil, true},
		{"304 with another origin", []string{"Access-Control-Allow-Origin: https://else.example"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &cacheServer{headers: []string{"Access-Control-Allow-Origin: {origin}", "Cache-Control: no-cache", `Etag: "v1"`, "X-Version: 1"},
				notModified: tc.notModified}
			rs := runCalls(t, fetch.Chromium, s, cacheCall{0, get("")}, cacheCall{0, get("")})
			r := rs[1]
			if r.HTTPCache.Outcome != fetch.HTTPCacheRevalidated || r.Allowed() != tc.allowed {
				t.Fatalf("outcome %s, allowed %v; want revalidated, %v", r.HTTPCache.Outcome, r.Allowed(), tc.allowed)
			}
			if tc.allowed && (r.Response.Status != 200 || string(r.Response.Body) != "response 1") {
				t.Errorf("response %d %q, want the stored 200 \"response 1\"", r.Response.Status, r.Response.Body)
			}
			if last := r.Trace[len(r.Trace)-1]; last.Kind != fetch.ExchangeHTTPCacheUpdated || last.Status != 200 {
				t.Errorf("last exchange %s %d, want the stored response updated, 200", last.Kind, last.Status)
			}
			if last := r.Trace[len(r.Trace)-2]; last.Status != 304 || last.RequestHeader.Get("If-None-Match") != `"v1"` {
				t.Errorf("wire: %d with If-None-Match %q", last.Status, last.RequestHeader.Get("If-None-Match"))
			}
		})
	}
}

// only-if-cached (same-origin mode only) serves what is stored, stale or
// not, and fails as a network error when nothing is.
func TestHTTPCacheOnlyIfCached(t *testing.T) {
	s := &cacheServer{headers: []string{"Cache-Control: max-age=1"}}
	self := fetch.Request{Origin: origin.MustParse("https://api.example.com"), URL: api, Mode: fetch.ModeSameOrigin, Cache: fetch.CacheOnlyIfCached}
	plain := self
	plain.Cache = ""
	rs := runCalls(t, fetch.Chromium, s, cacheCall{0, self}, cacheCall{0, plain}, cacheCall{time.Hour, self})
	if rs[0].Allowed() || rs[0].Err.Reason != fetch.ReasonNetwork || len(s.seen) != 1 {
		t.Errorf("first: allowed %v, %v; server saw %d", rs[0].Allowed(), rs[0].Err, len(s.seen))
	}
	if got := outcomes(rs); got != "miss(blocked) miss stale-hit" {
		t.Errorf("outcomes %q", got)
	}
}

// The preflight cache's notes: why each call's preflight was or was not
// served from the cache, and how long each stored result lasts.
func TestPreflightCacheNotes(t *testing.T) {
	put := fetch.Request{Origin: page, Method: "PUT", URL: api}
	cred := put
	cred.Credentials = fetch.CredentialsInclude
	noCache := put
	noCache.Cache = fetch.CacheNoCache
	hdr := put
	hdr.Headers = []fetch.Header{{Name: "X-Other", Value: "1"}}
	for _, tc := range []struct {
		name    string
		profile fetch.Profile
		maxAge  string
		calls   []cacheCall
		why     []fetch.CacheWhy
		store   string // in the first call's StoreDetail
	}{
		{"no max-age: 5s default", fetch.Chromium, "", []cacheCall{{0, put}, {4 * time.Second, put}, {time.Second, put}},
			[]fetch.CacheWhy{"no-entry", "hit", "expired"}, "cached for 5s: no Access-Control-Max-Age: the default 5s"},
		{"chromium caps 86400 at 2h", fetch.Chromium, "86400", []cacheCall{{0, put}, {2*time.Hour - time.Second, put}, {time.Second, put}},
			[]fetch.CacheWhy{"no-entry", "hit", "expired"}, "cached for 2h0m0s: Access-Control-Max-Age: 86400, capped at 2h0m0s in the chromium engine"},
		{"firefox caps 86400 at 24h", fetch.Firefox, "86400", []cacheCall{{0, put}, {24*time.Hour - time.Second, put}, {time.Second, put}},
			[]fetch.CacheWhy{"no-entry", "hit", "expired"}, "cached for 24h0m0s: Access-Control-Max-Age: 86400"},
		{"webkit caps 86400 at 10min", fetch.WebKit, "86400", []cacheCall{{0, put}, {10*time.Minute - time.Second, put}, {time.Second, put}},
			[]fetch.CacheWhy{"no-entry", "hit", "expired"}, "capped at 10m0s in the webkit engine"},
		{"firefox: credentials mode mismatch", fetch.Firefox, "600", []cacheCall{{0, cred}, {time.Second, put}},
			[]fetch.CacheWhy{"no-entry", "credentials"}, "cached for 10m0s"},
		{"chromium: a credentialed entry serves omit", fetch.Chromium, "600", []cacheCall{{0, cred}, {time.Second, put}},
			[]fetch.CacheWhy{"no-entry", "hit"}, "cached for 10m0s"},
		{"chromium: an uncredentialed entry does not serve include", fetch.Chromium, "600", []cacheCall{{0, put}, {time.Second, cred}},
			[]fetch.CacheWhy{"no-entry", "credentials"}, "cached for 10m0s"},
		{"header not covered", fetch.Chromium, "600", []cacheCall{{0, put}, {time.Second, hdr}},
			[]fetch.CacheWhy{"no-entry", "not-covered"}, "cached for 10m0s"},
		{"chromium: no-cache skips the lookup", fetch.Chromium, "600", []cacheCall{{0, put}, {time.Second, noCache}},
			[]fetch.CacheWhy{"no-entry", "cache-mode"}, "cached for 10m0s"},
		{"max-age 0 is not cached", fetch.Chromium, "0", []cacheCall{{0, put}, {0, put}},
			[]fetch.CacheWhy{"no-entry", "no-entry"}, "not cached: Access-Control-Max-Age: 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Access-Control-Allow-Origin", page.String())
				w.Header().Set("Access-Control-Allow-Credentials", "true")
				if r.Method == http.MethodOptions {
					w.Header().Set("Access-Control-Allow-Methods", "PUT")
					w.Header().Set("Access-Control-Allow-Headers", r.Header.Get("Access-Control-Request-Headers"))
					if tc.maxAge != "" {
						w.Header().Set("Access-Control-Max-Age", tc.maxAge)
					}
				}
			})
			rs := runCalls(t, tc.profile, h, tc.calls...)
			for i, r := range rs {
				if r.PreflightCache == nil {
					t.Fatalf("call %d: no preflight note", i)
				}
				if r.PreflightCache.Why != tc.why[i] || r.PreflightCache.Hit != (tc.why[i] == fetch.CacheWhyHit) || r.PreflightSent() == r.PreflightCache.Hit {
					t.Errorf("call %d: %+v, want %s", i, *r.PreflightCache, tc.why[i])
				}
			}
			if d := rs[0].PreflightCache.StoreDetail; !strings.Contains(d, tc.store) {
				t.Errorf("store detail %q, want %q", d, tc.store)
			}
		})
	}
}

// NoHTTPCache sends every request, as a HAR replay needs.
func TestNoHTTPCache(t *testing.T) {
	s := &cacheServer{headers: []string{"Access-Control-Allow-Origin: *", "Cache-Control: max-age=600"}}
	b := &fetch.Browser{Transport: corstest.HandlerTransport(s), NoHTTPCache: true}
	for range 2 {
		res, err := b.Fetch(context.Background(), get(""))
		if err != nil || !res.Allowed() || res.HTTPCache.Outcome != fetch.HTTPCacheNone {
			t.Fatalf("%v %v %q", err, res.Err, res.HTTPCache.Outcome)
		}
	}
	if len(s.seen) != 2 {
		t.Errorf("server got %d requests, want 2", len(s.seen))
	}
}
