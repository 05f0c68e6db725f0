package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/corskit/corskit/cmd/corskit/internal/checkjson"
)

// harCookieFile: the API's own page sets a SameSite=Lax cookie, and a page
// of another site then calls the API with credentials (another cookie
// went with it).
const harCookieFile = `{"log":{"entries":[
{"_resourceType":"document","startedDateTime":"2026-12-07T10:00:00Z",
 "request":{"method":"GET","url":"https://api.example.com/login","headers":[]},
 "response":{"status":200,"headers":[{"name":"Content-Type","value":"text/html"},
  {"name":"Set-Cookie","value":"sid=1; SameSite=Lax; Secure"},{"name":"Set-Cookie","value":"pref=2; SameSite=None; Secure; Partitioned"}]}},
{"_resourceType":"fetch","startedDateTime":"2026-12-07T10:00:01Z",
 "request":{"method":"GET","url":"https://api.example.com/me","headers":[{"name":"Origin","value":"https://app.example.org"},{"name":"Cookie","value":"other=3"}]},
 "response":{"status":200,"headers":[{"name":"Access-Control-Allow-Origin","value":"https://app.example.org"},{"name":"Access-Control-Allow-Credentials","value":"true"}]}}
]}}`

// TestHARCookies: check --har says, for a credentialed call, which of the
// cookies stored from the HAR's earlier answers each engine sends, in
// check --stored-cookie's section (text and JSON); the JSON is the same
// bytes as checkjson.Diagnose's (the page's). Before, a HAR's calls had no
// cookies section.
func TestHARCookies(t *testing.T) {
	har := filepath.Join(t.TempDir(), "cookies.har")
	if err := os.WriteFile(har, []byte(harCookieFile), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := cli(t, "check", "--har", har, "--browser", "all")
	if code != 0 || !strings.Contains(out, "Cookies:") || !strings.Contains(out, "[cookie-samesite-lax") {
		t.Errorf("text: exit %d\n%s%s", code, out, errOut)
	}
	out, _, _ = cli(t, "check", "--har", har, "--browser", "all", "--json")
	var v struct {
		Requests []struct {
			Cookies struct {
				Notes []struct {
					Engine, Cookie, Reason string
					OK                     bool
				} `json:"notes"`
			} `json:"cookies"`
		} `json:"requests"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil || len(v.Requests) != 1 {
		t.Fatalf("JSON (%v):\n%s", err, out)
	}
	got := map[string]string{}
	for _, n := range v.Requests[0].Cookies.Notes {
		r := n.Reason
		if n.OK {
			r = "sent"
		}
		got[n.Engine+" "+n.Cookie] = r
	}
	// pref is Partitioned, stored on the API's own site: in its partition,
	// not in the calling page's (only Chromium and Firefox read the
	// attribute; WebKit's jar is one, and it allows the cookie).
	want := map[string]string{
		"chromium sid": "cookie-samesite-lax", "firefox sid": "cookie-samesite-lax", "webkit sid": "cookie-samesite-lax",
		"chromium pref": "", "firefox pref": "", "webkit pref": "sent",
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: %q, want %q (all: %v)", k, got[k], w, got)
		}
	}
	page, err := checkjson.Diagnose(context.Background(), []byte(harCookieFile), checkjson.Options{Browser: "all"})
	if err != nil || string(page) != out {
		t.Errorf("the page's JSON differs from check --har --json (%v):\n%s\n----\n%s", err, page, out)
	}
}
