package fetch_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/corskit/corskit/corstest"
	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/internal/corscase"
)

// recordedIn loads an engine's observations of the conformance table,
// written by `go test ./conformance -update` against the real browser.
func recordedIn(t *testing.T, engine string) map[string]corscase.Result {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "internal", "corscase", "testdata", engine+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]corscase.Result
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestModelMatchesEngines runs the conformance table in the model's Firefox
// and WebKit profiles, without a browser, and compares every observation
// with the engine's recording: outcome, status, readable headers, the
// requests on the wire, the TypeError's message and the console lines.
// The conformance module checks the same against the live browsers.
func TestModelMatchesEngines(t *testing.T) {
	for _, p := range []fetch.Profile{fetch.Firefox, fetch.WebKit} {
		t.Run(p.Name, func(t *testing.T) {
			want := recordedIn(t, p.Name)
			cases, got := runTable(t, p)
			if len(want) != len(cases) {
				t.Errorf("recording has %d cases, the table %d: run `go test ./conformance -update` (in conformance/)", len(want), len(cases))
			}
			for _, c := range cases {
				for i, w := range c.WantIn(p.Name) {
					if o := got[c.Name].Fetches[i].Outcome; o != w {
						t.Errorf("case %s fetch %d: model says %s, the table wants %s in %s (%s)", c.Name, i, o, w, p.Name, c.About)
					}
				}
				if rec, ok := want[c.Name]; ok && !reflect.DeepEqual(rec, got[c.Name]) {
					a, _ := json.Marshal(rec)
					b, _ := json.Marshal(got[c.Name])
					t.Errorf("case %s (%s):\n %s: %s\n model:   %s", c.Name, c.About, p.Name, a, b)
				}
			}
		})
	}
}

// TestEnginePreflightCacheLifetimes pins each engine's Max-Age handling
// with an injected clock, where the conformance table cannot wait: the
// caps (Firefox 24 h, nsCORSListenerProxy.cpp; WebKit 10 min,
// CrossOriginPreflightResultCache.cpp) and Firefox's refusal to cache a
// value that is not all digits (while an empty one means the default).
func TestEnginePreflightCacheLifetimes(t *testing.T) {
	for _, tc := range []struct {
		name    string
		profile fetch.Profile
		maxAge  []string
		after   time.Duration
		want    int // preflights for two fetches that far apart
	}{
		{"firefox: 86400 lasts a day", fetch.Firefox, []string{"86400"}, 24*time.Hour - time.Second, 1},
		{"firefox: capped at 24h", fetch.Firefox, []string{"999999"}, 24 * time.Hour, 2},
		{"firefox: overflow is capped, not refused", fetch.Firefox, []string{"99999999999999999999999"}, time.Hour, 1},
		{"firefox: a word is not cached", fetch.Firefox, []string{"abc"}, 0, 2},
		{"firefox: a fraction is not cached", fetch.Firefox, []string{"1.5"}, 0, 2},
		{"firefox: two lines are not cached", fetch.Firefox, []string{"600", "600"}, 0, 2},
		{"firefox: -1 is not cached", fetch.Firefox, []string{"-1"}, 0, 2},
		{"firefox: empty means 5s", fetch.Firefox, []string{""}, 4 * time.Second, 1},
		{"firefox: no header means 5s", fetch.Firefox, nil, 5 * time.Second, 2},
		{"webkit: 600 lasts ten minutes", fetch.WebKit, []string{"600"}, 10*time.Minute - time.Second, 1},
		{"webkit: capped at 10min", fetch.WebKit, []string{"86400"}, 10 * time.Minute, 2},
		{"webkit: a word means 5s", fetch.WebKit, []string{"abc"}, 4 * time.Second, 1},
		{"webkit: -1 is not cached", fetch.WebKit, []string{"-1"}, 0, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, n := preflightServer(tc.maxAge...)
			c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
			b := &fetch.Browser{Profile: tc.profile, Transport: corstest.HandlerTransport(h), Now: c.now}
			req := fetch.Request{Origin: page, Method: "PUT", URL: "https://api.example.com/x"}
			for range 2 {
				res, err := b.Fetch(context.Background(), req)
				if err != nil || !res.Allowed() {
					t.Fatalf("fetch: %v %v", err, res.Err)
				}
				c.advance(tc.after)
			}
			if *n != tc.want {
				t.Errorf("second fetch %v later: %d preflights, want %d", tc.after, *n, tc.want)
			}
		})
	}
}

// TestProfileNamed finds every engine by its name.
func TestProfileNamed(t *testing.T) {
	for _, name := range []string{"chromium", "firefox", "webkit", "spec"} {
		p, ok := fetch.ProfileNamed(name)
		if !ok || p.Name != name {
			t.Errorf("ProfileNamed(%q) = %q, %v", name, p.Name, ok)
		}
	}
	if _, ok := fetch.ProfileNamed("safari"); ok {
		t.Error(`ProfileNamed("safari") found a profile`)
	}
}

// engineDeviations lists, for each engine, every case where what the page
// and the wire show (outcome, type, status, readable headers, requests)
// differs from Chromium, in the real browsers' recordings, with the Profile
// fields responsible. CONFORMANCE.md lists the same. Console and TypeError
// text differ in nearly every blocked case and are left out here: the
// message catalogues (Profile.Messages) cover them.
var engineDeviations = map[string]map[string]string{
	"firefox": {
		"user-agent":                    "UserAgentIgnored",
		"hint-dpr":                      "ClientHintsSafelisted",
		"hint-width":                    "ClientHintsSafelisted",
		"hint-save-data":                "ClientHintsSafelisted",
		"hint-ect":                      "ClientHintsSafelisted",
		"hint-device-memory":            "ClientHintsSafelisted",
		"acrh-duplicates":               "RequestHeadersRepeatNames",
		"cache-cred-then-omit":          "CacheKeyedByCredentials",
		"cache-garbage":                 "InvalidMaxAgeNoCache",
		"cache-fraction":                "InvalidMaxAgeNoCache",
		"cache-two-lines":               "InvalidMaxAgeNoCache",
		"cache-kept-after-failure":      "KeepCacheOnFailure",
		"cache-no-cache-second":         "ReloadBypassesPreflightCache, PreflightMaxAgeZero",
		"cache-no-store-first":          "ReloadBypassesPreflightCache",
		"cache-star-header":             "WildcardNotCached",
		"cache-star-method":             "WildcardNotCached",
		"redir-authorization-dropped":   "PreflightAfterRedirect, PreflightKeepsOrigin",
		"redir-put-303":                 "PreflightAfterRedirect, PreflightKeepsOrigin",
		"redir-put-307-preflight-again": "PreflightKeepsOrigin",
		"pf-content-type-twice":         "RequestHeadersRepeatNames",
		"pf-content-type-twice-cased":   "RequestHeadersRepeatNames",
		"pf-custom-header-twice":        "RequestHeadersRepeatNames",
		"pf-content-type-twice-text":    "SafelistEachLine",
		"redir-userinfo-page-to-page":   "RedirectCredentialsAnyOrigin",
	},
	"webkit": {
		"user-agent":                  "UserAgentIgnored",
		"hint-dpr":                    "ClientHintsSafelisted",
		"hint-width":                  "ClientHintsSafelisted",
		"hint-save-data":              "ClientHintsSafelisted",
		"hint-ect":                    "ClientHintsSafelisted",
		"hint-device-memory":          "ClientHintsSafelisted",
		"cache-no-cache-second":       "CacheModeBypassesPreflightCache",
		"cache-no-store-first":        "CacheModeBypassesPreflightCache",
		"cache-no-store-second":       "CacheModeBypassesPreflightCache",
		"cache-reload-second":         "CacheModeBypassesPreflightCache",
		"cache-star-authorization":    "WildcardCachedForAuthorization",
		"cache-reload-first":          "PreflightNoCacheHeaders",
		"http-put-invalidates":        "UnsafeMethodKeepsHTTPCache",
		"redir-authorization-dropped": "KeepAuthorizationAcrossOrigins, PreflightAfterRedirect",
		"redir-put-303":               "PreflightAfterRedirect",
		"redir-userinfo-page-to-page": "RedirectCredentialsAnyOrigin",
	},
}

// TestEngineDeviations keeps engineDeviations (and CONFORMANCE.md) true to
// the recordings: a new difference must be named, a vanished one removed.
func TestEngineDeviations(t *testing.T) {
	chromium := recordedIn(t, "chromium")
	strip := func(obs []corscase.Observation) []corscase.Observation {
		out := make([]corscase.Observation, len(obs))
		for i, o := range obs {
			o.Error = "" // text, not behaviour
			out[i] = o
		}
		return out
	}
	for engine, listed := range engineDeviations {
		rec := recordedIn(t, engine)
		for name, want := range chromium {
			got, ok := rec[name]
			if !ok {
				t.Errorf("%s: case %s not recorded", engine, name)
				continue
			}
			_, isListed := listed[name]
			differs := !reflect.DeepEqual(strip(want.Fetches), strip(got.Fetches))
			switch {
			case differs && !isListed:
				a, _ := json.Marshal(want.Fetches)
				b, _ := json.Marshal(got.Fetches)
				t.Errorf("%s: case %s differs from Chromium, but engineDeviations does not say why\n chromium: %s\n %s: %s", engine, name, a, engine, b)
			case !differs && isListed:
				t.Errorf("%s: case %s is listed in engineDeviations, but it behaves as in Chromium", engine, name)
			}
		}
	}
}
