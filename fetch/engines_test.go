package fetch_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

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
