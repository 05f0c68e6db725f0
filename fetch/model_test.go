package fetch_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/internal/corscase"
)

// recorded loads Chromium's observations of the conformance table, written
// by `go test ./conformance -update` against a real headless Chromium.
func recorded(t *testing.T) map[string]corscase.Result {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "internal", "corscase", "testdata", "chromium.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]corscase.Result
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// runTable runs the whole conformance table in a fresh model browser with
// profile p against live loopback servers.
func runTable(t *testing.T, p fetch.Profile) ([]corscase.Case, map[string]corscase.Result) {
	t.Helper()
	cases := corscase.All()
	if _, err := corscase.Names(cases); err != nil {
		t.Fatal(err)
	}
	s, err := corscase.Serve(cases, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	out, err := corscase.RunTable(context.Background(), p, cases, s)
	if err != nil {
		t.Fatal(err)
	}
	return cases, out
}

// TestModelMatchesChromium runs the conformance table in the model, without
// a browser, and compares every observation with Chromium's recording. The
// conformance module checks the same against a live Chromium.
func TestModelMatchesChromium(t *testing.T) {
	want := recorded(t)
	cases, got := runTable(t, fetch.Chromium)
	if len(want) != len(cases) {
		t.Errorf("recording has %d cases, the table %d: run `go test ./conformance -update` (in conformance/)", len(want), len(cases))
	}
	for _, c := range cases {
		for i, w := range c.WantIn(fetch.Chromium.Name) {
			if o := got[c.Name].Fetches[i].Outcome; o != w {
				t.Errorf("case %s fetch %d: model says %s, the table wants %s (%s)", c.Name, i, o, w, c.About)
			}
		}
		if rec, ok := want[c.Name]; ok && !reflect.DeepEqual(rec, got[c.Name]) {
			a, _ := json.Marshal(rec)
			b, _ := json.Marshal(got[c.Name])
			t.Errorf("case %s (%s):\n chromium: %s\n model:    %s", c.Name, c.About, a, b)
		}
	}
}

// specDeviations lists every case where the Fetch Standard, as the Spec
// profile models it, differs from measured Chromium, with the Profile
// switch responsible. CONFORMANCE.md lists the same.
var specDeviations = map[string]string{
	"user-agent":                   "UserAgentIgnored",
	"hint-dpr":                     "ClientHintsSafelisted",
	"hint-width":                   "ClientHintsSafelisted",
	"hint-save-data":               "ClientHintsSafelisted",
	"hint-ect":                     "ClientHintsSafelisted",
	"hint-device-memory":           "ClientHintsSafelisted",
	"pf-header-star-authorization": "WildcardAllowsAuthorization",
	"cache-star-authorization":     "WildcardAllowsAuthorization",
	"pf-status-500-no-acao":        "AllowOriginCheckedBeforeStatus",
	"pf-status-404-no-acao":        "AllowOriginCheckedBeforeStatus",
	"cache-negative":               "NegativeMaxAgeNoCache",
	"cache-no-store-first":         "CacheModeBypassesPreflightCache, PreflightNoCacheHeaders",
	"cache-no-store-second":        "CacheModeBypassesPreflightCache, PreflightNoCacheHeaders",
	"cache-reload-second":          "CacheModeBypassesPreflightCache, PreflightNoCacheHeaders",
	"cache-no-cache-second":        "CacheModeBypassesPreflightCache, PreflightMaxAgeZero",
	"cache-reload-first":           "PreflightNoCacheHeaders",
	"http-put-invalidates":         "UnsafeMethodKeepsHTTPCache",
	"cache-kept-after-failure":     "KeepCacheOnFailure",
	"redir-userinfo-page-to-page":  "RedirectCredentialsAnyOrigin",
}

func TestSpecProfileDeviations(t *testing.T) {
	chromium := recorded(t)
	cases, spec := runTable(t, fetch.Spec)
	var differ []string
	for _, c := range cases {
		if !reflect.DeepEqual(chromium[c.Name], spec[c.Name]) {
			differ = append(differ, c.Name)
			if _, ok := specDeviations[c.Name]; !ok {
				a, _ := json.Marshal(chromium[c.Name])
				b, _ := json.Marshal(spec[c.Name])
				t.Errorf("case %s: Spec differs from Chromium, but specDeviations does not say why\n chromium: %s\n spec:     %s", c.Name, a, b)
			}
		}
	}
	for name := range specDeviations {
		if !slices.Contains(differ, name) {
			t.Errorf("case %s: listed in specDeviations, but Spec and Chromium agree on it", name)
		}
	}
}
