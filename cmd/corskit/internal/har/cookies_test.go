package har

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/origin"
	"github.com/corskit/corskit/reason"
)

// TestReplayCookieJar: the API's own page sets a SameSite=Lax cookie and a
// SameSite=None one; a page of another site then calls the API with
// credentials. Each engine holds what its rules stored, and CookieSent
// says per engine which cookies go: the Lax one stays home everywhere.
// A cookie of another host, and the call's own Set-Cookie, are not held.
// Before, the replay held no cookie at all.
func TestReplayCookieJar(t *testing.T) {
	entries := []map[string]any{
		entry("document", "GET", "https://api.example.com/login", nil, 200, []string{
			"Set-Cookie", "sid=1; SameSite=Lax; Secure", "Set-Cookie", "pref=2; SameSite=None; Secure",
			"Content-Type", "text/html"}, ""),
		entry("document", "GET", "https://other.example.net/", nil, 200, []string{"Set-Cookie", "x=1; SameSite=None; Secure"}, ""),
		entry("document", "GET", "https://app.example.org/", nil, 200, nil, ""),
		entry("fetch", "GET", "https://api.example.com/me", []string{"Origin", "https://app.example.org", "Cookie", "pref=2"}, 200, []string{
			"Access-Control-Allow-Origin", "https://app.example.org", "Access-Control-Allow-Credentials", "true",
			"Set-Cookie", "late=1; SameSite=None; Secure"}, ""),
		entry("fetch", "GET", "https://api.example.com/public", []string{"Origin", "https://app.example.org"}, 200, []string{
			"Access-Control-Allow-Origin", "*"}, ""),
	}
	out := replayEngines(t, entries...)
	if len(out) != 2 || out[1].Held != nil {
		t.Fatalf("%d calls; the call without credentials holds %v", len(out), out[len(out)-1].Held)
	}
	held := out[0].Held
	for k, p := range fetch.Profiles {
		var names []string
		sent := map[string]reason.ID{}
		for _, c := range held[k] {
			names = append(names, c.Name)
			v, err := p.CookieSent(c, fetch.CookieCall{Page: out[0].Result.Request.Origin, URL: "https://api.example.com/me", Credentials: fetch.CredentialsInclude})
			if err != nil {
				t.Fatal(err)
			}
			sent[c.Name] = v.Reason
		}
		if strings.Join(names, ",") != "sid,pref" {
			t.Errorf("%s holds %v, want sid,pref", p.Name, names)
		}
		if sent["sid"] != reason.CookieSameSiteLax {
			t.Errorf("%s: sid %v, want %v", p.Name, sent["sid"], reason.CookieSameSiteLax)
		}
	}
}

// TestReplayCookiePartition: a cookie stored from a cross-site call's
// answer goes into the page's partition in Firefox (Total Cookie
// Protection) and is held for the next call from that page; WebKit stores
// no cookie from a third-party answer; Chromium blocks it.
func TestReplayCookiePartition(t *testing.T) {
	call := func(typ string) map[string]any {
		return entry(typ, "GET", "https://api.example.com/me", []string{"Origin", "https://app.example.org", "Cookie", "a=1"}, 200, []string{
			"Access-Control-Allow-Origin", "https://app.example.org", "Access-Control-Allow-Credentials", "true",
			"Set-Cookie", "t=1; SameSite=None; Secure"}, "")
	}
	out := replayEngines(t, call("fetch"), call("fetch"))
	if len(out) != 2 || len(out[0].Held[1]) != 0 {
		t.Fatalf("%+v", out)
	}
	want := []int{0, 1, 0} // chromium, firefox, webkit
	for k, p := range fetch.Profiles {
		if got := len(out[1].Held[k]); got != want[k] {
			t.Errorf("%s holds %d cookies on the second call, want %d: %+v", p.Name, got, want[k], out[1].Held[k])
		}
	}
	if c := out[1].Held[1]; len(c) == 1 && !c[0].Partitioned {
		t.Errorf("firefox's cookie is not partitioned: %+v", c[0])
	}
}

// TestJarBounds: the jar keeps at most maxJar cookies (the oldest go)
// and holds at most maxHeld for one call.
func TestJarBounds(t *testing.T) {
	var j jar
	for i := 0; i < maxJar+10; i++ {
		j.put(jarCookie{Cookie: fetch.Cookie{Name: "c" + strconv.Itoa(i)}, host: "api.example.com"})
	}
	if len(j.m) != maxJar || len(j.order) > 2*maxJar {
		t.Errorf("%d cookies, %d in order", len(j.m), len(j.order))
	}
	for i := 0; i < 5*maxJar; i++ { // the same cookie, set again and again
		j.put(jarCookie{Cookie: fetch.Cookie{Name: "again", Value: strconv.Itoa(i)}, host: "api.example.com"})
	}
	if len(j.m) != maxJar || len(j.order) > 2*maxJar || j.m[jarKey{name: "again", host: "api.example.com"}].Value != strconv.Itoa(5*maxJar-1) {
		t.Errorf("%d cookies, %d in order", len(j.m), len(j.order))
	}
	u, _ := url.Parse("https://api.example.com/")
	if got := len(j.held(origin.MustParse("https://app.example.org"), u)); got != maxHeld {
		t.Errorf("held %d, want %d", got, maxHeld)
	}
}
