package stacks_test

import (
	"testing"

	"github.com/corskit/corskit/stacks"
)

// TestCookieSetting: the Set-Cookie attributes a credentialed cross-site
// call needs, where each stack sets them.
func TestCookieSetting(t *testing.T) {
	all := stacks.CookieAttrs{SameSiteNone: true, Secure: true, Partitioned: true}
	none := stacks.CookieAttrs{SameSiteNone: true, Secure: true}
	for _, c := range []struct {
		stack, name string
		a           stacks.CookieAttrs
		want        string
	}{
		{"", "sid", all, "Set-Cookie: sid=...; SameSite=None; Secure; Partitioned"},
		{"corskit", "sid", all, `http.SetCookie(w, &http.Cookie{Name: "sid", Value: value, SameSite: http.SameSiteNoneMode, Secure: true, Partitioned: true})`},
		{"express", "sid", none, `res.cookie("sid", value, { sameSite: "none", secure: true })`},
		{"fastify", "sid", all, `reply.setCookie("sid", value, { sameSite: "none", secure: true, partitioned: true }) // @fastify/cookie`},
		{"django", "sessionid", none, "SESSION_COOKIE_SAMESITE = \"None\"\nSESSION_COOKIE_SECURE = True"},
		{"django", "csrftoken", none, "CSRF_COOKIE_SAMESITE = \"None\"\nCSRF_COOKIE_SECURE = True"},
		{"django", "sid", all, `response.set_cookie("sid", value, samesite="None", secure=True)  # Django writes no Partitioned: append "; Partitioned" to the Set-Cookie header`},
		{"flask", "sid", all, `response.set_cookie("sid", value, samesite="None", secure=True, partitioned=True)`},
		{"nginx", "sid", none, "proxy_cookie_flags sid samesite=none secure;"},
		{"nginx", "sid", all, "Set-Cookie: sid=...; SameSite=None; Secure; Partitioned"},
	} {
		var s *stacks.Stack
		if c.stack != "" {
			var err error
			if s, err = stacks.Lookup(c.stack); err != nil {
				t.Fatal(err)
			}
		}
		if got := stacks.CookieSetting(s, c.name, c.a); got != c.want {
			t.Errorf("%s %s:\n got %s\nwant %s", c.stack, c.name, got, c.want)
		}
	}
}
