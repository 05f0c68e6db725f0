package fetch_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/origin"
	"github.com/corskit/corskit/reason"
)

// TestCookieSent: for each engine, which cookie a credentialed fetch()
// from a page on another site carries, and the reason for each one left
// out.
func TestCookieSent(t *testing.T) {
	page := origin.MustParse("https://app.example")
	api := "https://api.other.example/me"
	include := fetch.CookieCall{Page: page, URL: api, Credentials: fetch.CredentialsInclude}
	type want struct{ chromium, firefox, webkit reason.ID }
	N := reason.None
	cases := []struct {
		name, cookie string
		call         fetch.CookieCall
		want         want
	}{
		{"none-secure", "s=1; SameSite=None; Secure", include, want{reason.CookieThirdPartyBlocked, reason.CookieThirdPartyPartitioned, N}},
		{"none-secure-partitioned", "s=1; SameSite=None; Secure; Partitioned", include, want{N, N, N}},
		{"lax", "s=1; SameSite=Lax; Secure", include, want{reason.CookieSameSiteLax, reason.CookieSameSiteLax, reason.CookieSameSiteLax}},
		{"strict", "s=1; SameSite=Strict", include, want{reason.CookieSameSiteStrict, reason.CookieSameSiteStrict, reason.CookieSameSiteStrict}},
		{"unset", "s=1", include, want{reason.CookieUnspecifiedLax, reason.CookieThirdPartyPartitioned, N}},
		{"unset-partitioned", "s=1; Secure; Partitioned", include, want{reason.CookieUnspecifiedLax, N, N}},
		{"none-insecure", "s=1; SameSite=None", include, want{reason.CookieSameSiteNoneInsecure, reason.CookieSameSiteNoneInsecure, N}},
		{"omit", "s=1; SameSite=None; Secure; Partitioned", fetch.CookieCall{Page: page, URL: api, Credentials: fetch.CredentialsOmit}, want{reason.CookieCredentialsMode, reason.CookieCredentialsMode, reason.CookieCredentialsMode}},
		{"default-mode", "s=1; SameSite=None; Secure; Partitioned", fetch.CookieCall{Page: page, URL: api}, want{reason.CookieCredentialsMode, reason.CookieCredentialsMode, reason.CookieCredentialsMode}},
		{"secure-over-http", "s=1; Secure", fetch.CookieCall{Page: origin.MustParse("http://api.other.example"), URL: "http://api.other.example/", Credentials: fetch.CredentialsInclude}, want{reason.CookieSecureOnly, reason.CookieSecureOnly, reason.CookieSecureOnly}},
		{"secure-localhost", "s=1; Secure; SameSite=Strict", fetch.CookieCall{Page: origin.MustParse("http://localhost:3000"), URL: "http://localhost:8080/", Credentials: fetch.CredentialsInclude}, want{N, N, reason.CookieSecureOnly}},
		{"same-site-lax", "s=1; SameSite=Lax", fetch.CookieCall{Page: origin.MustParse("https://www.other.example"), URL: api, Credentials: fetch.CredentialsInclude}, want{N, N, N}},
		{"same-site-schemeful", "s=1; SameSite=Lax", fetch.CookieCall{Page: origin.MustParse("http://www.other.example"), URL: api, Credentials: fetch.CredentialsInclude}, want{reason.CookieSameSiteLax, reason.CookieSameSiteLax, reason.CookieSameSiteLax}},
		{"domain", "s=1; Domain=elsewhere.example; SameSite=None; Secure", include, want{reason.CookieDomainMismatch, reason.CookieDomainMismatch, reason.CookieDomainMismatch}},
		{"domain-parent", "s=1; Domain=.other.example; SameSite=None; Secure; Partitioned", include, want{N, N, N}},
		{"path", "s=1; Path=/admin; SameSite=None; Secure", include, want{reason.CookieNotOnPath, reason.CookieNotOnPath, reason.CookieNotOnPath}},
	}
	engines := []fetch.Profile{fetch.Chromium, fetch.Firefox, fetch.WebKit}
	for _, c := range cases {
		ck, err := fetch.ParseCookie(c.cookie)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		for i, want := range []reason.ID{c.want.chromium, c.want.firefox, c.want.webkit} {
			v, err := engines[i].CookieSent(ck, c.call)
			if err != nil {
				t.Fatalf("%s/%s: %v", c.name, engines[i].Name, err)
			}
			if v.Reason != want || v.OK != (want == N) || (!v.OK && v.Why == "") {
				t.Errorf("%s/%s: sent %v, reason %v (%q); want %v", c.name, engines[i].Name, v.OK, v.Reason, v.Why, want)
			}
		}
	}
}

// TestCookieStored: what each engine does with a Set-Cookie in the
// answer to a credentialed cross-site fetch().
func TestCookieStored(t *testing.T) {
	call := fetch.CookieCall{Page: origin.MustParse("https://app.example"), URL: "https://api.other.example/login", Credentials: fetch.CredentialsInclude}
	N := reason.None
	cases := []struct {
		set  string
		want [3]reason.ID // chromium, firefox, webkit
	}{
		{"s=1; SameSite=None; Secure", [3]reason.ID{reason.CookieThirdPartyBlocked, N, reason.CookieThirdPartyBlocked}},
		{"s=1; SameSite=None; Secure; Partitioned", [3]reason.ID{N, N, reason.CookieThirdPartyBlocked}},
		{"s=1; SameSite=None", [3]reason.ID{reason.CookieSameSiteNoneInsecure, reason.CookieSameSiteNoneInsecure, reason.CookieThirdPartyBlocked}},
		{"s=1", [3]reason.ID{reason.CookieUnspecifiedLax, N, reason.CookieThirdPartyBlocked}},
		{"s=1; SameSite=Lax", [3]reason.ID{reason.CookieSameSiteLax, reason.CookieSameSiteLax, reason.CookieSameSiteLax}},
		{"s=1; Domain=app.example; SameSite=None; Secure", [3]reason.ID{reason.CookieDomainMismatch, reason.CookieDomainMismatch, reason.CookieDomainMismatch}},
	}
	for _, c := range cases {
		for i, p := range []fetch.Profile{fetch.Chromium, fetch.Firefox, fetch.WebKit} {
			v, err := p.CookieStored(c.set, call)
			if err != nil {
				t.Fatal(err)
			}
			if v.Reason != c.want[i] || v.OK != (c.want[i] == N) {
				t.Errorf("%q/%s: stored %v, reason %v; want %v", c.set, p.Name, v.OK, v.Reason, c.want[i])
			}
		}
	}
	omit := call
	omit.Credentials = fetch.CredentialsOmit
	if v, _ := fetch.Chromium.CookieStored("s=1; SameSite=None; Secure; Partitioned", omit); v.OK || v.Reason != reason.CookieCredentialsMode {
		t.Errorf("omit: %+v", v)
	}
}

// TestParseCookieErrors: a bad cookie string is a typed error naming the
// field at fault.
func TestParseCookieErrors(t *testing.T) {
	for in, field := range map[string]string{
		"":                        "name",
		"=v":                      "name",
		"novalue":                 "name",
		"a=b; SameSite=Lox":       "SameSite",
		"a=b; Domain=":            "Domain",
		"a=b\x01":                 "cookie",
		strings.Repeat("a", 9000): "cookie",
	} {
		_, err := fetch.ParseCookie(in)
		var ce *fetch.CookieError
		if !errors.As(err, &ce) || ce.Field != field {
			t.Errorf("%.40q: %v, want field %s", in, err, field)
		}
	}
	c, err := fetch.ParseCookie(" sid = abc ; secure; HTTPONLY; samesite=none; partitioned; domain=.API.Example; path=/v1; Max-Age=60")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.String(), "sid=abc; Domain=api.example; Path=/v1; SameSite=None; Secure; HttpOnly; Partitioned"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestCookieReasonsDevTools: every cookie reason but the credentials mode
// has Chromium's DevTools name.
func TestCookieReasonsDevTools(t *testing.T) {
	n := 0
	for _, id := range reason.All() {
		if !id.IsCookie() {
			if reason.DevToolsCookieReason(id, false) != "" {
				t.Errorf("%v: not a cookie reason, has a DevTools name", id)
			}
			continue
		}
		n++
		if id.IsCORS() || id.IsGuard() {
			t.Errorf("%v is a cookie reason and CORS or a guard", id)
		}
		got := reason.DevToolsCookieReason(id, false)
		if (got == "") != (id == reason.CookieCredentialsMode || id == reason.CookieThirdPartyPartitioned) {
			t.Errorf("%v: DevTools name %q", id, got)
		}
	}
	if n != 10 {
		t.Errorf("%d cookie reasons, want 10", n)
	}
}
