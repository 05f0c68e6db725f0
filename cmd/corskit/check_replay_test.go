package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"

	"github.com/corskit/corskit/cmd/corskit/internal/checkjson"
)

// TestReplayedGatesSameJSONAsCheck: the page's form (checkjson, an
// exchange with the page's context and the cookies held) writes, for the
// answers check got, the very JSON `check --json` prints for the same
// flags, on a call each gate before CORS refuses and on the cookies'
// diagnosis: one diagnosis, whichever front end asks.
func TestReplayedGatesSameJSONAsCheck(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Date"] = nil
		w.Header().Set("Access-Control-Allow-Origin", page)
		w.Header().Set("Access-Control-Allow-Credentials", "true")
		w.Header().Set("Set-Cookie", "sid=2; Path=/")
	}))
	t.Cleanup(srv.Close)
	for _, tc := range []struct {
		name string
		url  string
		args []string
		x    checkjson.ExchangeRequest
		opts checkjson.Options
	}{
		{"csp", srv.URL + "/items", []string{"--page-url", page + "/dash", "--page-csp", "connect-src 'self'"},
			checkjson.ExchangeRequest{}, checkjson.Options{Page: &checkjson.Page{URL: page + "/dash", CSP: []string{"connect-src 'self'"}}}},
		{"mixed content", "http://api.example.com/items", []string{"--page-url", page + "/"},
			checkjson.ExchangeRequest{}, checkjson.Options{Page: &checkjson.Page{URL: page + "/"}}},
		{"coep", srv.URL + "/a.png", []string{"--origin", page, "--page-coep", "require-corp", "--mode", "no-cors"},
			checkjson.ExchangeRequest{Origin: page, Mode: "no-cors"}, checkjson.Options{Page: &checkjson.Page{COEP: "require-corp"}}},
		{"cookies", srv.URL + "/me", []string{"--origin", page, "--credentials", "include", "--stored-cookie", "sid=1; SameSite=Lax; Secure"},
			checkjson.ExchangeRequest{Origin: page, Credentials: "include"}, checkjson.Options{StoredCookies: []string{"sid=1; SameSite=Lax; Secure"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, errOut, _ := cli(t, append([]string{"check", tc.url, "--json", "--browser", "all", "--no-probe"}, tc.args...)...)
			if want == "" {
				t.Fatalf("check printed nothing: %s", errOut)
			}
			// The exchange is what check sent and got back.
			var seen struct {
				Trace []struct {
					Kind    string              `json:"kind"`
					Status  int                 `json:"status"`
					Headers map[string][]string `json:"response_headers"`
				} `json:"trace"`
			}
			if err := json.Unmarshal([]byte(want), &seen); err != nil {
				t.Fatal(err)
			}
			x := map[string]any{"request": tc.x}
			tc.x.URL = tc.url
			x["request"] = tc.x
			for _, e := range seen.Trace {
				key := map[string]string{"preflight": "preflight", "request": "actual"}[e.Kind]
				if key != "" {
					x[key] = map[string]any{"status": e.Status, "headers": e.Headers}
				}
			}
			input, _ := json.Marshal(x)
			tc.opts.Browser = "all"
			got, err := checkjson.Diagnose(context.Background(), input, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			durations := regexp.MustCompile(`"duration_ms": [0-9.e+-]+`)
			if w, g := durations.ReplaceAllString(want, ""), durations.ReplaceAllString(string(got), ""); w != g {
				t.Errorf("check --json:\n%s\nthe page's replay:\n%s", w, g)
			}
			if tc.name == "cookies" && !regexp.MustCompile(`"reason": "cookie-samesite-lax"`).MatchString(want) {
				t.Errorf("check's JSON has no cookies' diagnosis:\n%s", want)
			}
			if tc.name != "cookies" && !regexp.MustCompile(`"text": "not CORS: `).MatchString(want) {
				t.Errorf("check's fix does not lead with \"not CORS:\":\n%s", want)
			}
		})
	}
}
