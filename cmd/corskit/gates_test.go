package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// countingServer allows any origin and counts the requests it gets.
func countingServer(t *testing.T) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))
		w.Header().Set("Vary", "Origin")
		w.Write([]byte("ok"))
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

// TestCheckGates: --page-url and --page-csp turn on the gates before
// CORS; a refused call sends nothing, exits 1 and leads with "not CORS:",
// with the fix on the page's server (CSP) or in the page's URL (mixed
// content), never a CORS header.
func TestCheckGates(t *testing.T) {
	srv, hits := countingServer(t)
	for _, tc := range []struct {
		name    string
		args    []string
		code    int
		sent    bool
		want    []string
		notWant []string
	}{
		{"csp refuses", []string{srv.URL + "/items", "--page-url", page + "/dash", "--page-csp", "default-src 'self'"}, 1, false,
			[]string{"not CORS: the page's Content Security Policy (default-src 'self')",
				`add_header Content-Security-Policy "default-src 'self'; connect-src 'self' ` + srv.URL + `" always;`,
				"Note that 'connect-src' was not explicitly set", "Issues panel ContentSecurityPolicyIssue"},
			[]string{"Access-Control-Allow-Origin:", "In corskit cors"}},
		{"csp allows", []string{srv.URL + "/items", "--page-url", "http://app.example.com/dash", "--page-csp", "connect-src 'self' " + srv.URL}, 0, true,
			[]string{"ALLOWED"}, []string{"not CORS"}},
		{"report only", []string{srv.URL + "/items", "--origin", "http://app.example.com", "--page-csp-report-only", "connect-src 'none'"}, 0, true,
			[]string{"[csp-report-only]", "The policy is report-only", "(Report-Only policy)"}, nil},
		{"mixed content", []string{"http://api.example.invalid/items", "--page-url", page + "/dash"}, 1, false,
			[]string{"not CORS: the page was loaded over https", "https://api.example.invalid/items", "Blocked loading mixed active content",
				"Mixed Content: The page at 'https://app.example.com/dash'"},
			[]string{"Access-Control-Allow-Origin:"}},
		// Loopback is potentially trustworthy in Chromium and Firefox, not
		// in WebKitGTK: the engines disagree, and any block exits 1.
		{"mixed loopback", []string{srv.URL + "/items", "--page-url", page + "/"}, 1, true,
			[]string{"The engines disagree", "[blocked] The page at https://app.example.com/ requested insecure content from " + srv.URL + "/items."}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := hits.Load()
			checkRun(t, tc.args, tc.code, tc.want, tc.notWant)
			if sent := hits.Load() != before; sent != tc.sent {
				t.Errorf("requests sent: %v, want %v", sent, tc.sent)
			}
		})
	}
}

// checkRun runs `corskit check args...`: it must exit with code, and its
// output hold each of want and none of notWant.
func checkRun(t *testing.T, args []string, code int, want, notWant []string) {
	t.Helper()
	out, errOut, got := cli(t, append([]string{"check"}, args...)...)
	if got != code {
		t.Fatalf("exit %d, want %d\n%s%s", got, code, out, errOut)
	}
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
	for _, w := range notWant {
		if strings.Contains(out, w) {
			t.Errorf("output has %q:\n%s", w, out)
		}
	}
}

// A checkCase is one row of a table of `corskit check` runs: its
// arguments, its exit code, and what its output must and must not hold.
type checkCase struct {
	name          string
	args          []string
	code          int
	want, notWant []string
}

// checkCases runs each case as a subtest (checkRun), its arguments after
// prefix.
func checkCases(t *testing.T, prefix []string, cases []checkCase) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			checkRun(t, append(append([]string(nil), prefix...), tc.args...), tc.code, tc.want, tc.notWant)
		})
	}
}

// checkJSONInto runs `corskit check args... --json`, which must exit with
// code, and decodes its output into v.
func checkJSONInto(t *testing.T, code int, v any, args ...string) {
	t.Helper()
	out, errOut, got := cli(t, append(append([]string{"check"}, args...), "--json")...)
	if got != code {
		t.Fatalf("exit %d, want %d\n%s%s", got, code, out, errOut)
	}
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
}

// checkMisuse runs `corskit check args...`, which must exit 2 with one
// line on stderr that holds msg.
func checkMisuse(t *testing.T, args []string, msg string) {
	t.Helper()
	_, errOut, code := cli(t, append([]string{"check"}, args...)...)
	if code != 2 || !strings.Contains(errOut, msg) || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
		t.Errorf("exit %d, stderr %q; want 2 and one line with %q", code, errOut, msg)
	}
}

func TestCheckGatesUsage(t *testing.T) {
	for _, tc := range []struct {
		name, msg string
		args      []string
	}{
		{"origin and page disagree", "--origin https://other.example and --page-url https://app.example.com/x: the page's origin is https://app.example.com",
			[]string{"https://api.example.com/", "--origin", "https://other.example", "--page-url", page + "/x"}},
		{"bad page url", `--page-url "/x": want an absolute`, []string{"https://api.example.com/", "--page-url", "/x"}},
	} {
		t.Run(tc.name, func(t *testing.T) { checkMisuse(t, tc.args, tc.msg) })
	}
}

// TestCheckGatesJSON: the gate in check's JSON (docs/check-json.md).
func TestCheckGatesJSON(t *testing.T) {
	var r struct {
		Reason string `json:"reason"`
		Gate   struct {
			ID, Layer, Directive, Policy string
			DevToolsIssue                string `json:"devtools_issue"`
			BlockedReason                string `json:"blocked_reason"`
			PageURL                      string `json:"page_url"`
			FixedPolicy                  string `json:"fixed_policy"`
			Snippets                     []struct{ Stack, Code string }
		}
		Trace []any `json:"trace"`
	}
	checkJSONInto(t, 1, &r, "https://api.example.com/v1", "--page-url", page+"/", "--page-csp", "connect-src 'none'")
	g := r.Gate
	if r.Reason != "csp-connect-src" || g.ID != "csp-connect-src" || g.Layer != "page-server" || g.DevToolsIssue != "ContentSecurityPolicyIssue" ||
		g.BlockedReason != "" || g.PageURL != page+"/" || g.Directive != "connect-src 'none'" ||
		g.FixedPolicy != "connect-src https://api.example.com" || len(g.Snippets) != 6 || len(r.Trace) != 0 {
		t.Errorf("gate: %+v (trace %d)", r, len(r.Trace))
	}
}
