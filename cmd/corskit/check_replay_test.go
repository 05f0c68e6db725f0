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
		switch r.URL.Path {
		case "/data.json": // data, which ORB keeps from an <img>
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Content-Type-Options", "nosniff")
			w.Write([]byte(`{"id": 1}`))
		case "/live": // a WebSocket handshake the server refuses
			w.WriteHeader(http.StatusForbidden)
		}
	}))
	ws := "ws" + srv.URL[len("http"):] + "/live"
	t.Cleanup(srv.Close)
	for _, tc := range []struct {
		name string
		url  string
		args []string
		x    checkjson.ExchangeRequest
		opts checkjson.Options
		gate bool // the fix leads with "not CORS:"
	}{
		{"csp", srv.URL + "/items", []string{"--page-url", page + "/dash", "--page-csp", "connect-src 'self'"},
			checkjson.ExchangeRequest{}, checkjson.Options{Page: &checkjson.Page{URL: page + "/dash", CSP: []string{"connect-src 'self'"}}}, true},
		{"mixed content", "http://api.example.com/items", []string{"--page-url", page + "/"},
			checkjson.ExchangeRequest{}, checkjson.Options{Page: &checkjson.Page{URL: page + "/"}}, true},
		{"coep", srv.URL + "/a.png", []string{"--origin", page, "--page-coep", "require-corp", "--mode", "no-cors"},
			checkjson.ExchangeRequest{Origin: page, Mode: "no-cors"}, checkjson.Options{Page: &checkjson.Page{COEP: "require-corp"}}, true},
		{"cookies", srv.URL + "/me", []string{"--origin", page, "--credentials", "include", "--stored-cookie", "sid=1; SameSite=Lax; Secure"},
			checkjson.ExchangeRequest{Origin: page, Credentials: "include"}, checkjson.Options{StoredCookies: []string{"sid=1; SameSite=Lax; Secure"}}, false},
		// The request kinds and their gates: the form's "Request kind",
		// crossorigin, withCredentials and the page's address space.
		{"script-src", "https://cdn.example.net/app.js", []string{"--page-url", page + "/", "--page-csp", "script-src 'self'", "--as", "script"},
			checkjson.ExchangeRequest{As: "script"}, checkjson.Options{Page: &checkjson.Page{URL: page + "/", CSP: []string{"script-src 'self'"}}}, true},
		{"orb", srv.URL + "/data.json", []string{"--origin", page, "--as", "img"},
			checkjson.ExchangeRequest{Origin: page, As: "img"}, checkjson.Options{}, true},
		{"lna", srv.URL + "/api", []string{"--origin", page, "--page-address-space", "public"},
			checkjson.ExchangeRequest{Origin: page}, checkjson.Options{Page: &checkjson.Page{AddressSpace: "public"}}, true},
		{"websocket", ws, []string{"--origin", page, "--as", "websocket"},
			checkjson.ExchangeRequest{Origin: page, As: "websocket"}, checkjson.Options{}, false},
		{"xhr with credentials", srv.URL + "/me", []string{"--origin", page, "--as", "xhr", "--with-credentials", "--stored-cookie", "sid=1; SameSite=None; Secure"},
			checkjson.ExchangeRequest{Origin: page, As: "xhr", WithCredentials: true}, checkjson.Options{StoredCookies: []string{"sid=1; SameSite=None; Secure"}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, errOut, _ := cli(t, append([]string{"check", tc.url, "--json", "--browser", "all", "--no-probe"}, tc.args...)...)
			if want == "" {
				t.Fatalf("check printed nothing: %s", errOut)
			}
			// The exchange is what check sent and got back.
			type exchange struct {
				Kind    string              `json:"kind"`
				Status  int                 `json:"status"`
				Headers map[string][]string `json:"response_headers"`
			}
			var seen struct {
				Trace    []exchange `json:"trace"`
				Browsers map[string]struct {
					Trace []exchange `json:"trace"`
				} `json:"browsers"`
			}
			if err := json.Unmarshal([]byte(want), &seen); err != nil {
				t.Fatal(err)
			}
			x := map[string]any{"request": tc.x}
			tc.x.URL = tc.url
			x["request"] = tc.x
			// Local Network Access stops Chromium and Firefox before
			// anything is sent, not WebKit: every engine's exchanges.
			traces := [][]exchange{seen.Trace}
			for _, b := range []string{"firefox", "webkit"} {
				traces = append(traces, seen.Browsers[b].Trace)
			}
			for _, tr := range traces {
				for _, e := range tr {
					key := map[string]string{"preflight": "preflight", "request": "actual"}[e.Kind]
					if key != "" {
						x[key] = map[string]any{"status": e.Status, "headers": e.Headers}
					}
				}
			}
			input, _ := json.Marshal(x)
			tc.opts.Browser = "all"
			got, err := checkjson.Diagnose(context.Background(), input, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			// The timings, and the handshake's key, which is random.
			durations := regexp.MustCompile(`"duration_ms": [0-9.e+-]+|"Sec-Websocket-Key": \[\s*"[^"]*"`)
			if w, g := durations.ReplaceAllString(want, ""), durations.ReplaceAllString(string(got), ""); w != g {
				t.Errorf("check --json:\n%s\nthe page's replay:\n%s", w, g)
			}
			if tc.name == "cookies" && !regexp.MustCompile(`"reason": "cookie-samesite-lax"`).MatchString(want) {
				t.Errorf("check's JSON has no cookies' diagnosis:\n%s", want)
			}
			if r, ok := map[string]string{"script-src": "csp-script-src", "orb": "orb-blocked", "lna": "local-network-access",
				"websocket": "websocket-handshake"}[tc.name]; ok && !regexp.MustCompile(`(?m)^  "reason": "`+r+`"`).MatchString(want) {
				t.Errorf("check's reason is not %s:\n%s", r, want)
			}
			if tc.gate && !regexp.MustCompile(`"text": "not CORS: `).MatchString(want) {
				t.Errorf("check's fix does not lead with \"not CORS:\":\n%s", want)
			}
		})
	}
}
