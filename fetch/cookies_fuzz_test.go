package fetch_test

import (
	"errors"
	"testing"

	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/origin"
)

// FuzzParseCookie: any cookie string parses to a cookie that writes back
// to a string parsing to the same cookie, or fails with a CookieError;
// either way, each engine's verdicts on it come without a panic.
func FuzzParseCookie(f *testing.F) {
	for _, s := range []string{"a=b", "sid=1; SameSite=None; Secure; Partitioned", "x=; Domain=.a.example; Path=/p",
		"a=b; SameSite=Lox", "=v", "a=b;;;", "a=b; Max-Age=0; HttpOnly"} {
		f.Add(s, true)
	}
	page := origin.MustParse("https://app.example")
	f.Fuzz(func(t *testing.T, s string, include bool) {
		c, err := fetch.ParseCookie(s)
		if err != nil {
			var ce *fetch.CookieError
			if !errors.As(err, &ce) || ce.Field == "" {
				t.Fatalf("%q: untyped error %v", s, err)
			}
			return
		}
		again, err := fetch.ParseCookie(c.String())
		if err != nil || again != c {
			t.Fatalf("%q: round trip %q: %+v, %v", s, c.String(), again, err)
		}
		call := fetch.CookieCall{Page: page, URL: "https://api.other.example/", Credentials: fetch.CredentialsOmit}
		if include {
			call.Credentials = fetch.CredentialsInclude
		}
		for _, p := range fetch.Profiles {
			if v, err := p.CookieSent(c, call); err != nil || v.OK == (v.Why != "") {
				t.Fatalf("%s: %+v, %v", p.Name, v, err)
			}
			if _, err := p.CookieStored(s, call); err != nil {
				t.Fatalf("%s: stored: %v", p.Name, err)
			}
		}
	})
}
