package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/corskit/corskit/e2e/cli"
)

// TestWebPageKinds fills the static page's form (the model in
// WebAssembly) with a request kind (the "Request kind" select, its
// crossorigin and withCredentials, the page's address space) for a call
// each new gate refuses: a <script> the page's script-src refuses, an
// <img> of JSON with nosniff that ORB refuses, a public page calling
// loopback (Local Network Access) and a WebSocket handshake answered 403.
// What the page renders must be what `corskit check --json --browser all`
// prints for the same flags: each engine's verdict and console lines, the
// reason, the gate's ID, ORB's rule, the permission to grant, the
// handshake's answer, and the first fix. Each gate's example (preset) on
// the page names its gate.
func TestWebPageKinds(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	// JSON that ORB keeps from an <img>, a handshake refused, an API.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/avatar":
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Content-Type-Options", "nosniff")
			w.Write([]byte(`{"id": 1}`))
		case "/live":
			w.WriteHeader(http.StatusForbidden)
		case "/logo.png":
			w.Header().Set("Content-Type", "image/png")
		default:
			w.Header().Set("Access-Control-Allow-Origin", "https://app.example.com")
		}
	}))
	defer srv.Close()
	bin := cli.Build(ctx, t)
	tab, _, _ := openPage(ctx, t, "")
	presets := clickPresets(t, tab, []string{"csp-script", "orb", "lna", "websocket"},
		`(g => g ? g.dataset.gate : document.getElementById("results").textContent)(document.querySelector("#results .report .gate"))`)
	if want := []string{"csp-script: csp-script-src", "orb: orb-blocked", "lna: local-network-access", "websocket: websocket-handshake"}; fmt.Sprint(presets) != fmt.Sprint(want) {
		t.Errorf("the kinds' examples: %q, want %q", presets, want)
	}
	const page = "http://app.example.com/"
	ws := "ws" + strings.TrimPrefix(srv.URL, "http") + "/live"
	for _, tc := range []struct {
		name, url string
		flags     []string
		form      map[string]string
		gate      string
	}{
		{"script-src", srv.URL + "/widget.js", []string{"--page-url", page, "--page-csp", "script-src 'self'", "--as", "script"},
			map[string]string{"p-url": page, "p-csp": "script-src 'self'", "f-as": "script", "f-act-status": "200", "f-act-headers": "Content-Type: text/javascript"},
			"csp-script-src"},
		{"orb", srv.URL + "/avatar", []string{"--page-url", page, "--as", "img"},
			map[string]string{"p-url": page, "f-as": "img", "f-act-status": "200", "f-act-headers": "Content-Type: application/json\nX-Content-Type-Options: nosniff"},
			"orb-blocked"},
		{"lna", srv.URL + "/api", []string{"--page-url", "https://app.example.com/", "--page-address-space", "public"},
			map[string]string{"p-url": "https://app.example.com/", "p-space": "public", "f-act-status": "200",
				"f-act-headers": "Access-Control-Allow-Origin: https://app.example.com"},
			"local-network-access"},
		{"websocket", ws, []string{"--page-url", page, "--as", "websocket"},
			map[string]string{"p-url": page, "f-as": "websocket", "f-act-status": "403"}, "websocket-handshake"},
		// No gate: an https page's http <img> on a loopback host, loaded
		// over http all the same (the upgrade note, a warning).
		{"upgrade", srv.URL + "/logo.png", []string{"--page-url", "https://app.example.com/", "--as", "img"},
			map[string]string{"p-url": "https://app.example.com/", "f-as": "img", "f-act-status": "200", "f-act-headers": "Content-Type: image/png"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var want struct {
				Reason   string `json:"reason"`
				Browsers map[string]struct {
					Verdict string   `json:"verdict"`
					Console []string `json:"console"`
				} `json:"browsers"`
				Fixes []struct {
					Text string `json:"text"`
				} `json:"fixes"`
				Warnings []struct {
					ID string `json:"id"`
				} `json:"warnings"`
				Diagnosis struct {
					Gate *struct {
						ID            string `json:"id"`
						DevToolsIssue string `json:"devtools_issue"`
						ORBRule       string `json:"orb_rule"`
						NetError      string `json:"net_error"`
						Permission    string `json:"permission"`
						Pending       bool   `json:"pending_permission"`
					} `json:"gate"`
				} `json:"diagnosis"`
			}
			out := checkAllJSON(ctx, t, bin, tc.url, tc.flags, &want)
			g := want.Diagnosis.Gate
			if tc.gate != "" && (g == nil || g.ID != tc.gate) || tc.gate == "" && g != nil {
				t.Fatalf("check's gate: %+v, want %q\n%s", g, tc.gate, out)
			}
			got := diagnoseOnPage(t, tab, tc.url, tc.form)
			samePageAndCheck(t, got, want.Browsers, want.Reason)
			if got["gate"] != tc.gate {
				t.Errorf("gate: page %q (%q), check %+v", got["gate"], got["gateText"], g)
			}
			if g != nil && !strings.Contains(fmt.Sprint(got["gateText"]), g.DevToolsIssue) {
				t.Errorf("gate: page %q, check's DevTools issue %q", got["gateText"], g.DevToolsIssue)
			}
			if g != nil && (len(want.Fixes) == 0 || got["fix"] != want.Fixes[0].Text || !strings.HasPrefix(want.Fixes[0].Text, "not CORS:")) {
				t.Errorf("fix: page %q, check %+v; want check's, leading with \"not CORS:\"", got["fix"], want.Fixes)
			}
			switch tc.name {
			case "upgrade":
				if len(want.Warnings) == 0 || want.Warnings[0].ID != "mixed-content-not-upgraded" ||
					fmt.Sprint(got["warnings"]) != fmt.Sprint([]string{want.Warnings[0].ID}) {
					t.Errorf("the upgrade note: page %v, check %+v", got["warnings"], want.Warnings)
				}
			case "orb":
				if g.ORBRule == "" || got["orbRule"] != g.ORBRule || !strings.Contains(fmt.Sprint(got["gateText"]), g.NetError) {
					t.Errorf("ORB: page rule %q (%q), check %+v", got["orbRule"], got["gateText"], g)
				}
			case "lna":
				if got["permission"] != g.Permission || g.Permission != "loopback-network" || !g.Pending ||
					!strings.HasPrefix(fmt.Sprint(got["pending"]), "Blocked pending permission") {
					t.Errorf("LNA: page %q %q, check %+v", got["permission"], got["pending"], g)
				}
			case "websocket":
				if got["answered"] != "403" || !strings.Contains(fmt.Sprint(got["kindLine"]), "as websocket") {
					t.Errorf("WebSocket: page answered %q, %q", got["answered"], got["kindLine"])
				}
			case "script-src":
				if !strings.Contains(fmt.Sprint(got["kindLine"]), "as script") {
					t.Errorf("the kind is not shown: %q", got["kindLine"])
				}
			}
			for _, f := range []string{"f-as=", "p-url="} {
				if tc.name != "lna" && !strings.Contains(fmt.Sprint(got["hash"]), f) {
					t.Errorf("%s is not in the fragment: %q", f, got["hash"])
				}
			}
		})
	}
}
