package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestCheckStoredCookie: with --stored-cookie, check says for each engine
// whether the cookie goes with the call and why not, leads with "not
// CORS:" when CORS passed, and writes the Set-Cookie fix in the stack's
// syntax; the answer's own Set-Cookie is judged too.
func TestCheckStoredCookie(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))
		w.Header().Set("Access-Control-Allow-Credentials", "true")
		w.Header().Set("Vary", "Origin")
		w.Header().Add("Set-Cookie", "fresh=1; SameSite=None; Secure; Partitioned")
	}))
	defer srv.Close()
	args := []string{"check", "--origin", "http://127.0.0.1:1", "--credentials", "include", "--no-probe", "--stack", "express",
		"--stored-cookie", "sid=abc; HttpOnly", "--stored-cookie", "theme=dark; SameSite=None; Secure",
		strings.Replace(srv.URL, "127.0.0.1", "localhost", 1) + "/me"}
	out, errOut, code := cli(t, args...)
	if code != 0 {
		t.Fatalf("exit %d (CORS passes): %s%s", code, out, errOut)
	}
	for _, want := range []string{
		"chromium sid              not sent: it has no SameSite, which this engine treats as Lax, and the call is cross-site [cookie-samesite-unspecified-treated-as-lax, DevTools: ExcludeSameSiteUnspecifiedTreatedAsLax]",
		"chromium theme            not sent: the engine blocks third-party cookies by default [cookie-third-party-blocked, DevTools: ExcludeThirdPartyPhaseout]",
		"chromium fresh            stored (Set-Cookie)",
		"firefox  sid              not sent: the engine keeps a separate cookie jar per top-level site",
		"webkit   sid              sent",
		"webkit   fresh            not stored (Set-Cookie): it is Secure and was set over http (this engine does not count localhost as secure for cookies)",
		"\nnot CORS: the call passed CORS, but chromium did not send sid, chromium did not send theme,",
		`fix: where the API sets the cookie: res.cookie("sid", value, { sameSite: "none", secure: true, partitioned: true })`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}

	// Without --stored-cookie and without credentials 'include', the
	// browser ignores the Set-Cookie by design: no cookie block.
	plain, _, _ := cli(t, "check", "--origin", "http://127.0.0.1:1", "--no-probe", srv.URL+"/me")
	if strings.Contains(plain, "Cookies:") {
		t.Errorf("a cookie block without --stored-cookie or credentials include:\n%s", plain)
	}

	out, _, _ = cli(t, append([]string{"check", "--json"}, args[1:]...)...)
	var r struct {
		Cookies struct {
			Notes []struct{ Engine, Cookie, Reason, DevTools string }
			Text  string
		}
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Cookies.Notes) != 3 || r.Cookies.Notes[0].DevTools != "ExcludeSameSiteUnspecifiedTreatedAsLax" || !strings.HasPrefix(r.Cookies.Text, "not CORS:") {
		t.Errorf("--json cookies: %+v", r.Cookies)
	}
}

// TestStoredCookieUsage: a cookie that does not parse is one line naming
// the flag and the part at fault, exit 2.
func TestStoredCookieUsage(t *testing.T) {
	_, errOut, code := cli(t, "check", "--origin", "https://a.example", "--stored-cookie", "sid=1; SameSite=Lox", "https://api.example/")
	if code != 2 || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "stored-cookie") || !strings.Contains(errOut, "SameSite") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	_, errOut, code = cli(t, "check", "--origin", "https://a.example", "--stored-cookie", "sid=1", "https://api.example/", "--then", "--after", "1s")
	if code != 2 || !strings.Contains(errOut, "--stored-cookie: not with --then") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}
