package corscase

import (
	"fmt"
	"strings"
)

// The web-platform-tests as a third oracle: subtests of WPT's
// fetch/api/cors files, ported to cases of this table (conformance/WPT.md
// lists the files, their WPT commits and what the port keeps). A case's
// Want is WPT's expectation; an engine that fails a subtest has its own
// outcome in Engines, so the engine deviations from WPT are listed as
// such. The model is held to each engine on each subtest like on every
// other case.
//
// WPT's Python handlers are not run: the case servers answer as they do
// (fetch/api/resources/redirect.py and preflight.py, by the parameters
// each subtest passes), and WPT's origins map onto the table's: the page
// is HTTP_ORIGIN, "remote" (HTTP_ORIGIN_WITH_DIFFERENT_PORT) is {api} and
// "another remote" (HTTP_REMOTE_ORIGIN) is {api2}. Each is cross-origin
// to the others, as in WPT.
func wptCases() []Case {
	var cs []Case
	cs = append(cs, wptRedirectCredentials()...)
	cs = append(cs, wptPreflightStatus()...)
	cs = append(cs, wptExposeStar()...)
	cs = append(cs, wptPreflightStar()...)
	cs = append(cs, wptPreflightResponseValidation()...)
	cs = append(cs, wptRedirectUserinfo()...)
	return cs
}

// wptName is a case name for subtest desc of WPT file file.
func wptName(file, desc string) string {
	s := strings.ToLower(file + "-" + desc)
	var b strings.Builder
	dash := false
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash {
			b.WriteByte('-')
			dash = true
		}
	}
	return "wpt-" + strings.Trim(b.String(), "-")
}

// redirectPy is fetch/api/resources/redirect.py's answer to a CORS
// request: the status asked for, the Location asked for, and the
// request's Origin allowed with credentials (* without an Origin).
func redirectPy(code int, location string) Reply {
	return Reply{Status: code, Location: location, Headers: []string{
		"Content-Type: text/plain", "Cache-Control: no-cache", "Pragma: no-cache",
		"Access-Control-Allow-Origin: {origin}", acacTrue}}
}

// preflightPyGet is fetch/api/resources/preflight.py's answer to a request
// other than a preflight, without an origin parameter.
func preflightPyGet() Reply {
	return Reply{Headers: []string{"Content-Type: text/plain", acaoStar,
		"Access-Control-Expose-Headers: x-did-preflight, x-control-request-headers, x-referrer, x-preflight-referrer, x-origin",
		"x-did-preflight: 0", "x-origin: {origin}"}}
}

// wptRedirectCredentials is cors-redirect-credentials.any.js: a cors-mode
// fetch redirected (301, 302, 303, 307, 308) to a Location with or
// without user:password; only an empty userinfo is followed.
func wptRedirectCredentials() []Case {
	const file = "cors-redirect-credentials"
	type hop struct{ name, from, to string }
	var cs []Case
	for _, code := range []int{301, 302, 303, 307, 308} {
		add := func(h hop, creds, credDesc string) {
			desc := fmt.Sprintf("Redirect %d from %s to %s %s", code, h.name, h.to, credDesc)
			name := wptName(file, desc)
			target, to := "api", "api"
			switch h.from {
			case "same origin":
				target = "page"
			}
			switch h.to {
			case "same origin":
				to = "page"
			case "another remote":
				to = "api2"
			}
			want := blocked
			if creds == "" {
				want = allowed
			}
			cs = append(cs, Case{Name: name, About: "WPT fetch/api/cors/" + file + ".any.js: " + desc,
				Fetches: []Fetch{{Target: target}}, Want: []string{want},
				Server: Server{Hops: []Reply{
					redirectPy(code, "{"+to+"@"+creds+"}/c/"+name+"/1"),
					preflightPyGet(),
				}}})
		}
		fromSame := hop{name: "same origin", from: "same origin", to: "remote"}
		add(fromSame, "", "without user and password")
		for _, h := range []hop{fromSame, {"remote", "remote", "same origin"}, {"remote", "remote", "same remote"}, {"remote", "remote", "another remote"}} {
			add(h, "user:password", "with user and password")
			add(h, "user:", "with user")
			add(h, ":password", "with password")
		}
	}
	return cs
}

// wptPreflightStatus is cors-preflight-status.any.js: a request that needs
// a preflight (an x-force-preflight header) passes only when the preflight
// is answered with an ok status, 200 to 299.
func wptPreflightStatus() []Case {
	const file = "cors-preflight-status"
	var cs []Case
	for _, code := range []int{200, 201, 202, 203, 204, 205, 206,
		300, 301, 302, 303, 304, 305, 306, 307, 308,
		400, 401, 402, 403, 404, 405,
		501, 502, 503, 504, 505} {
		desc := fmt.Sprintf("Preflight answered with status %d", code)
		want := blocked
		if code >= 200 && code <= 299 {
			want = allowed
		}
		// preflight.py: Allow-Origin *, the max_age and allow_headers
		// parameters, the preflight_status; then the GET, marked as
		// preflighted.
		preflight := Reply{Status: code, Headers: []string{"Content-Type: text/plain", acaoStar,
			"Access-Control-Max-Age: 0", "Access-Control-Allow-Headers: x-force-preflight"}}
		actual := preflightPyGet()
		actual.Headers = append(actual.Headers[:len(actual.Headers):len(actual.Headers)], "x-did-preflight: 1")
		actual.Headers = removeLine(actual.Headers, "x-did-preflight: 0")
		cs = append(cs, pre(wptName(file, desc), "WPT fetch/api/cors/"+file+".any.js: "+desc,
			with(get, "x-force-preflight: "), preflight, actual, want))
	}
	return cs
}

func removeLine(lines []string, l string) []string {
	out := lines[:0:0]
	for _, x := range lines {
		if x != l {
			out = append(out, x)
		}
	}
	return out
}

// wptExposeStar is cors-expose-star.js (top.txt with pipe headers): "*"
// in Access-Control-Expose-Headers exposes every header but Set-Cookie
// without credentials, and is a literal name with them. WPT's assertions
// on single headers (test, set-cookie, "*") are checked through the
// readable names each observation records.
func wptExposeStar() []Case {
	const file = "cors-expose-star"
	shared := []string{"Access-Control-Expose-Headers: *", "Test: X", "Set-Cookie: X", "*: whoa"}
	body := func(lines ...string) Reply {
		return Reply{Headers: append(append([]string{"Content-Type: text/plain"}, shared...), lines...), Body: "top"}
	}
	return []Case{
		simple(wptName(file, "Basic Access-Control-Expose-Headers: * support"), "WPT fetch/api/cors/"+file+".js: Basic Access-Control-Expose-Headers: * support",
			get, body(acaoStar), allowed),
		simple(wptName(file, "* for credentialed fetches only matches literally"), "WPT fetch/api/cors/"+file+".js: * for credentialed fetches only matches literally",
			include, body(acaoPage, acacTrue), allowed),
		simple(wptName(file, "* can be one of several values"), "WPT fetch/api/cors/"+file+".js: * can be one of several values",
			get, Reply{Headers: []string{"Content-Type: text/plain", acaoStar, "Access-Control-Expose-Headers: *", "Access-Control-Expose-Headers: set-cookie", "Test: X", "Set-Cookie: X"}, Body: "top"}, allowed),
	}
}

// wptPreflightStar is cors-preflight-star.any.js: "*" in Allow-Methods and
// Allow-Headers is any only without credentials, and method names match
// case-sensitively. preflight.py with an origin parameter allows that
// origin, and with a credentials parameter adds Allow-Credentials: true
// (in the WPT version that has this file; the stored preflight.py predates
// the parameter, which the subtests need).
func wptPreflightStar() []Case {
	const file = "cors-preflight-star"
	type t struct {
		succeeds, creds                bool
		allowMethod, allowHeader, meth string
		header                         []string // name, value
	}
	var cs []Case
	for _, tc := range []t{
		{true, false, "get", "x-test", "GET", []string{"X-Test", "1"}},
		{true, false, "*", "x-test", "SUPER", []string{"X-Test", "1"}},
		{true, false, "*", "*", "OK", []string{"X-Test", "1"}},
		{false, true, "*", "*", "OK", []string{"X-Test", "1"}},
		{false, true, "*", "", "PUT", nil},
		{true, true, "PUT", "*", "PUT", nil},
		{false, true, "get", "*", "GET", []string{"X-Test", "1"}},
		{false, true, "*", "*", "GET", []string{"X-Test", "1"}},
		{true, true, "*", "*", "*", []string{"*", "1"}},
		{false, true, "put", "*", "PUT", nil},
	} {
		verb := "fails"
		want := blocked
		if tc.succeeds {
			verb, want = "succeeds", allowed
		}
		header := ""
		if tc.header != nil {
			header = tc.header[0] + "," + tc.header[1]
		}
		desc := fmt.Sprintf("CORS that %s with credentials: %v; method: %s (allowed: %s); header: %s (allowed: %s)",
			verb, tc.creds, tc.meth, tc.allowMethod, header, tc.allowHeader)
		allow := []string{"Content-Type: text/plain", acaoStar}
		f := Fetch{Method: tc.meth}
		if tc.creds {
			allow = []string{"Content-Type: text/plain", acaoPage, acacTrue}
			f.Credentials = include.Credentials
		}
		if tc.header != nil {
			f = with(f, tc.header[0]+": "+tc.header[1])
		}
		preflight := Reply{Headers: append(allow[:len(allow):len(allow)],
			"Access-Control-Allow-Methods: "+tc.allowMethod, "Access-Control-Allow-Headers: "+tc.allowHeader)}
		actual := preflightPyGet()
		actual.Headers = append(allow[:len(allow):len(allow)], actual.Headers[2:]...)
		cs = append(cs, pre(wptName(file, desc), "WPT fetch/api/cors/"+file+".any.js: "+desc, f, preflight, actual, want))
	}
	return cs
}

// wptPreflightResponseValidation is
// cors-preflight-response-validation.any.js: a preflight answer whose
// Allow-Headers or Allow-Methods does not parse fails the request, and the
// preflight was made (a later simple GET sees the mark).
func wptPreflightResponseValidation() []Case {
	const file = "cors-preflight-response-validation"
	var cs []Case
	for _, tc := range []struct{ desc, line string }{
		{"Preflight response with bad Allow-Access-Control-Headers", "Access-Control-Allow-Headers: x-force-preflight,header name with space"},
		{"Preflight response with bad Allow-Access-Control-Methods", "Access-Control-Allow-Methods: Bad method name"},
	} {
		preflight := Reply{Headers: []string{"Content-Type: text/plain", acaoStar, "Access-Control-Max-Age: 0", tc.line}}
		if !strings.HasPrefix(tc.line, "Access-Control-Allow-Headers") {
			preflight.Headers = append(preflight.Headers, "Access-Control-Allow-Headers: x-force-preflight")
		}
		actual := preflightPyGet()
		actual.Headers = append(removeLine(actual.Headers, "x-did-preflight: 0"), "x-did-preflight: 1")
		cs = append(cs, Case{Name: wptName(file, tc.desc), About: "WPT fetch/api/cors/" + file + ".any.js: " + tc.desc,
			Fetches: []Fetch{with(get, "x-force-preflight: "), get}, Want: []string{blocked, allowed},
			Server: Server{Preflight: preflight, Hops: []Reply{actual}}})
	}
	return cs
}

// wptRedirectUserinfo is cors/redirect-userinfo.htm, with fetch() where
// WPT uses XMLHttpRequest: a cross-origin GET redirected within the remote
// origin to a Location with a userinfo. The WPT version read expects
// "//:@" to fail, though the URL Standard gives it no credentials: the
// engines decide, and Engines lists where they part from WPT.
func wptRedirectUserinfo() []Case {
	const file = "redirect-userinfo"
	var cs []Case
	for _, tc := range []struct {
		desc, slug, info string
		pass             bool
	}{
		{"Disallow redirect with userinfo (//user:pass@)", "user-pass", "test:test", false},
		{"Disallow redirect with userinfo (//user:@)", "user-empty-pass", "user:", false},
		{"Disallow redirect with userinfo (//:@)", "empty-user-empty-pass", ":", false},
		{"Disallow redirect with userinfo (//:pass@)", "empty-user-pass", ":pass", false},
		{"Allow redirect with userinfo (//@)", "empty", "", true},
	} {
		name := wptName(file, tc.desc+" "+tc.slug)
		want := blocked
		if tc.pass {
			want = allowed
		}
		c := Case{Name: name, About: "WPT cors/" + file + ".htm (with fetch): " + tc.desc,
			Fetches: []Fetch{get}, Want: []string{want},
			Server: Server{Hops: []Reply{
				{Status: 302, Location: "{api@" + tc.info + "}/c/" + name + "/1", Headers: []string{"Access-Control-Allow-Origin: {origin}"}},
				{Headers: []string{"Access-Control-Allow-Origin: {origin}"}, Body: `{"get_value":"last"}`},
			}}}
		if tc.info == ":" {
			// All three follow it, as the URL Standard says (no
			// credentials): the engines part from this WPT version.
			c = in(c, allowed, "chromium", "firefox", "webkit")
		}
		cs = append(cs, c)
	}
	return cs
}
