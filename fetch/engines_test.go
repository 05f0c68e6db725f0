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
