package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/corskit/corskit/cors"
	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/origin"
)

// seqServer is an API behind corskit's middleware allowing page with
// credentials, PUT and Content-Type, with the given Max-Age; its GET
// responses carry the cache headers given and answer a matching
// If-None-Match with 304. Date headers are dropped so that traces compare
// byte for byte.
func seqServer(t *testing.T, maxAge time.Duration, cacheHeaders ...string) *httptest.Server {
	t.Helper()
	mw, err := cors.New(cors.Config{
		AllowedOrigins:   []string{page},
		AllowCredentials: true,
		AllowedMethods:   []string{"PUT"},
		AllowedHeaders:   []string{"Content-Type"},
		MaxAge:           maxAge,
	})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Date"] = nil
		mw.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			for _, l := range cacheHeaders {
				k, v, _ := strings.Cut(l, ": ")
				w.Header().Add(k, v)
			}
			if etag := w.Header().Get("Etag"); etag != "" && r.Header.Get("If-None-Match") == etag {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			n++
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, "{\"n\":%d}\n", n)
		})).ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func normalize(out string) string {
	return durations.ReplaceAllString(port.ReplaceAllString(out, "127.0.0.1:PORT"), "($1, DURATION)")
}

func golden(t *testing.T, name, out string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if out != string(want) {
		t.Errorf("output differs from %s (run with -update after checking):\n%s", path, out)
	}
}

// TestCheckSequenceGolden pins sequences: the classic "why is the
// preflight sent every time?" (no Max-Age: 5 s; Max-Age 86400 capped at
// 2 h in Chromium; a credentials mode the cached entry does not serve),
// and the HTTP cache's revalidation, with --after moving the clock.
func TestCheckSequenceGolden(t *testing.T) {
	put := []string{"-X", "PUT", "-H", "Content-Type: application/json", "--data", "{}"}
	for _, tc := range []struct {
		name   string
		maxAge time.Duration
		cache  []string
		args   []string
		code   int
	}{
		{"seq-preflight-default", 0, nil, append(put, "--then", "--after", "4s", "--then", "--after", "2s"), 0},
		{"seq-preflight-capped", 24 * time.Hour, nil, append(put, "--then", "--after", "1h", "--then", "--after", "1h"), 0},
		{"seq-preflight-credentials", time.Hour, nil, append(put, "--credentials", "include", "--then", "--after", "1s", "--credentials", "omit", "--then", "--credentials", "include"), 0},
		{"seq-http-cache", 0, []string{"Cache-Control: no-cache", `Etag: "v1"`},
			[]string{"--then", "--after", "1m", "--then", "--cache", "force-cache", "--then", "--cache", "no-store"}, 0},
		{"seq-missing-vary", 0, nil, []string{"--then", "--origin", "https://admin.app.example.com"}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := seqServer(t, tc.maxAge, tc.cache...)
			if tc.name == "seq-missing-vary" {
				srv = echoServer(t)
			}
			args := append([]string{"check", srv.URL + "/items/1", "--origin", page}, tc.args...)
			out, errOut, code := cli(t, args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, tc.code, out, errOut)
			}
			golden(t, tc.name, normalize(out))
		})
	}
}

// With --json, a sequence prints {"calls": [...]}, each call in the
// single-call shape plus its cache notes.
func TestCheckSequenceJSON(t *testing.T) {
	srv := seqServer(t, 0)
	out, _, code := cli(t, "check", srv.URL+"/items/1", "--origin", page, "-X", "PUT", "--json",
		"--then", "--after", "1s", "--then", "--after", "10s", "-X", "GET")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	var r struct {
		Calls []map[string]any `json:"calls"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil || len(r.Calls) != 3 {
		t.Fatalf("%v, %d calls\n%s", err, len(r.Calls), out)
	}
	for i, want := range []struct {
		sent   bool
		why    string
		method string
	}{{true, "no-entry", "PUT"}, {false, "hit", "PUT"}, {false, "", "GET"}} {
		c := r.Calls[i]
		for _, k := range []string{"verdict", "message", "status", "readable_headers", "preflight_sent", "fixes", "warnings", "trace", "diagnosis", "request"} {
			if _, ok := c[k]; !ok {
				t.Errorf("call %d lacks %q", i+1, k)
			}
		}
		if c["preflight_sent"] != want.sent || c["call"] != float64(i+1) || c["request"].(map[string]any)["method"] != want.method {
			t.Errorf("call %d: %v", i+1, c)
		}
		pc, _ := c["preflight_cache"].(map[string]any)
		if want.why == "" && pc != nil || want.why != "" && (pc == nil || pc["why"] != want.why) {
			t.Errorf("call %d: preflight_cache %v, want why %q", i+1, pc, want.why)
		}
	}
	if hc, _ := r.Calls[2]["http_cache"].(map[string]any); hc == nil || hc["outcome"] != "miss" || hc["stored"] != true || !strings.Contains(hc["store_detail"].(string), "stale at once") {
		t.Errorf("call 3: http_cache %v", r.Calls[2]["http_cache"])
	}
	// --browser all: each engine's run under "browsers"; a credentialed
	// entry serves a call without credentials in Chromium, not in Firefox.
	out, _, code = cli(t, "check", srv.URL+"/items/1", "--origin", page, "-X", "PUT", "--credentials", "include", "--json", "--browser", "all",
		"--then", "--credentials", "omit")
	var all struct {
		Calls    []map[string]any `json:"calls"`
		Browsers map[string]struct {
			Calls []struct {
				PreflightCache struct {
					Why string `json:"why"`
				} `json:"preflight_cache"`
			} `json:"calls"`
		} `json:"browsers"`
	}
	if err := json.Unmarshal([]byte(out), &all); err != nil || code != 0 || len(all.Calls) != 2 || len(all.Browsers) != 3 {
		t.Fatalf("exit %d, %v: %d calls, %d browsers\n%s", code, err, len(all.Calls), len(all.Browsers), out)
	}
	for engine, want := range map[string]string{"chromium": "hit", "firefox": "credentials", "webkit": "hit"} {
		if got := all.Browsers[engine].Calls[1].PreflightCache.Why; got != want {
			t.Errorf("%s, call 2: preflight cache %q, want %q", engine, got, want)
		}
	}
	// A single call keeps the single-call shape.
	out, _, _ = cli(t, "check", srv.URL+"/items/1", "--origin", page, "--json")
	var single map[string]any
	if err := json.Unmarshal([]byte(out), &single); err != nil || single["calls"] != nil || single["verdict"] != "allowed" {
		t.Errorf("single call: %v %v", err, single)
	}
}

// Flags before and after the URL, in the first call and the later ones;
// misuse of --then is one line, exit 2.
func TestCheckSequenceArgs(t *testing.T) {
	srv := seqServer(t, 0)
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"url first", []string{srv.URL + "/items/1", "--origin", page, "--then", srv.URL + "/items/2", "-X", "PUT"}, 0, ""},
		{"flags first", []string{"--origin", page, srv.URL + "/items/1", "--then", "-X", "PUT", srv.URL + "/items/2", "--after", "1s"}, 0, ""},
		{"blocked call", []string{srv.URL, "--origin", page, "--then", "-X", "DELETE"}, 1, ""},
		{"bad flag", []string{srv.URL, "--origin", page, "--then", "--bogus"}, 2, "call 2 (after --then): unknown flag --bogus"},
		{"bad after", []string{srv.URL, "--origin", page, "--then", "--after", "-1s"}, 2, "call 2 (after --then): --after must not be negative"},
		{"bad url", []string{srv.URL, "--origin", page, "--then", "--then", "ftp://x"}, 2, `call 3 (after --then): URL "ftp://x": want an absolute`},
		{"two urls", []string{srv.URL, "--origin", page, "--then", srv.URL, srv.URL}, 2, "one URL per call"},
		{"bad origin", []string{srv.URL, "--origin", page, "--then", "--origin", "null"}, 2, "--origin null"},
		{"bad method", []string{srv.URL, "--origin", page, "--then", "-X", "P T"}, 2, `call 2: method "P T": not a valid HTTP method`},
		{"har", []string{"--har", "x.har", "--then"}, 2, "--then: --har replays its own calls"},
		{"only-if-cached miss", []string{srv.URL, "--origin", srv.URL, "--mode", "same-origin", "--cache", "only-if-cached"}, 3, "net::ERR_CACHE_MISS"},
		{"only-if-cached in a sequence", []string{srv.URL, "--origin", srv.URL, "--mode", "same-origin", "--then", "--cache", "only-if-cached", "--then", "--after", "1h"}, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := cli(t, append([]string{"check"}, tc.args...)...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, tc.code, out, errOut)
			}
			if tc.msg != "" && (strings.Count(strings.TrimSpace(errOut), "\n") > 0 || !strings.Contains(errOut, tc.msg)) {
				t.Errorf("stderr %q: want one line containing %q", errOut, tc.msg)
			}
		})
	}
}

// echoServer allows every origin of example.com by echoing it, caches for
// ten minutes, and forgets Vary: Origin.
func echoServer(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Date"] = nil
		if o := r.Header.Get("Origin"); strings.HasSuffix(o, ".example.com") {
			w.Header().Set("Access-Control-Allow-Origin", o)
		}
		w.Header().Set("Cache-Control", "max-age=600")
		fmt.Fprintln(w, "{}")
	}))
	t.Cleanup(srv.Close)
	return srv
}

// FuzzThenArgs: the arguments of a sequence, split at --then and parsed
// call by call, never panic, and a refusal is a one-line usage error.
func FuzzThenArgs(f *testing.F) {
	for _, s := range []string{"--then -X PUT --after 1s", "--then --then http://a.example/x --origin https://b.example",
		"--then --after -1s", "--then -H X:1 --no-headers --cache reload", "--then --origin null", "--then a b", "--then --after=99999999h"} {
		f.Add(s)
	}
	prev := fetchRequest(f)
	f.Fuzz(func(t *testing.T, s string) {
		_, rest := splitThen(strings.Fields(s))
		p := prev
		for i, args := range rest {
			c, err := parseThen(i+2, args, p, io.Discard)
			if err != nil {
				var ue usageError
				if !errors.As(err, &ue) && !errors.Is(err, flag.ErrHelp) || strings.Contains(err.Error(), "\n") {
					t.Fatalf("parseThen(%q): %T %q", args, err, err)
				}
				return
			}
			p = c.req
		}
	})
}

func fetchRequest(f *testing.F) fetch.Request {
	o, err := origin.Parse(page)
	if err != nil {
		f.Fatal(err)
	}
	return fetch.Request{Origin: o, URL: "https://api.example.com/x", Method: "GET"}
}
