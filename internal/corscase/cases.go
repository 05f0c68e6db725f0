package corscase

import (
	"fmt"
	"strings"
	"time"

	"github.com/corskit/corskit/fetch"
)

// Header lines the cases use over and over.
const (
	acaoPage = "Access-Control-Allow-Origin: {page}"
	acaoStar = "Access-Control-Allow-Origin: *"
	acaoNull = "Access-Control-Allow-Origin: null"
	acacTrue = "Access-Control-Allow-Credentials: true"
	acamPut  = "Access-Control-Allow-Methods: PUT"
)

const (
	allowed = "allowed"
	blocked = "blocked"
)

// hs turns "Name: value" lines into script headers.
func hs(lines ...string) []fetch.Header {
	out := make([]fetch.Header, len(lines))
	for i, l := range lines {
		k, v, _ := strings.Cut(l, ":")
		out[i] = fetch.Header{Name: k, Value: strings.TrimLeft(v, " ")}
	}
	return out
}

func reply(lines ...string) Reply { return Reply{Headers: lines, Body: "ok"} }

func status(code int, lines ...string) Reply {
	return Reply{Status: code, Headers: lines}
}

func redirect(code int, to string, lines ...string) Reply {
	return Reply{Status: code, Redirect: to, Headers: lines}
}

// okPreflight answers a preflight for the page, allowing what lines add.
func okPreflight(lines ...string) Reply {
	return Reply{Status: 204, Headers: append([]string{acaoPage}, lines...)}
}

// simple is a one-fetch case without a preflight answer.
func simple(name, about string, f Fetch, actual Reply, want string) Case {
	return Case{Name: name, About: about, Fetches: []Fetch{f}, Server: Server{Hops: []Reply{actual}}, Want: []string{want}}
}

// pre is a one-fetch case with a preflight answer.
func pre(name, about string, f Fetch, preflight, actual Reply, want string) Case {
	return Case{Name: name, About: about, Fetches: []Fetch{f}, Server: Server{Preflight: preflight, Hops: []Reply{actual}}, Want: []string{want}}
}

var (
	get     = Fetch{}
	put     = Fetch{Method: "PUT"}
	include = Fetch{Credentials: fetch.CredentialsInclude}
)

func with(f Fetch, headers ...string) Fetch {
	f.Headers = append(append([]fetch.Header(nil), f.Headers...), hs(headers...)...)
	return f
}

func method(m string, headers ...string) Fetch { return with(Fetch{Method: m}, headers...) }

// All returns the conformance table.
func All() []Case {
	var cs []Case
	cs = append(cs, allowOriginCases()...)
	cs = append(cs, credentialsCases()...)
	cs = append(cs, simpleRequestCases()...)
	cs = append(cs, modeCases()...)
	cs = append(cs, exposeCases()...)
	cs = append(cs, preflightCases()...)
	cs = append(cs, preflightStatusCases()...)
	cs = append(cs, cacheCases()...)
	cs = append(cs, sequenceCases()...)
	cs = append(cs, redirectCases()...)
	cs = append(cs, gapCases()...)
	cs = append(cs, wireAndRedirectCases()...)
	cs = append(cs, wptCases()...)
	return cs
}

func refused(c Case) Case { c.ServerRefuses = true; return c }

// gapCases pin the places where the model once departed from Chromium
// (issue 11, section 2), in all three engines.
func gapCases() []Case {
	ok := reply(acaoPage)
	// A preflight answer that allows x-a and none of the client hints.
	allowXA := okPreflight("Access-Control-Allow-Headers: x-a")
	hint := func(name, about, line string) Case { return pre(name, about, with(get, line), allowXA, ok, blocked) }
	return []Case{
		hint("hint-device-memory-negative", "Device-Memory: -1 is outside the hint's grammar: a preflight, in Chromium too", "Device-Memory: -1"),
		hint("hint-dpr-exponent", "DPR: 1e2 is outside the hint's grammar (digits and one dot)", "DPR: 1e2"),
		hint("hint-downlink-plus", "Downlink: +1 is outside the hint's grammar", "Downlink: +1"),
		simple("expose-star-connection", "* exposes a Connection header as well", get,
			reply(acaoPage, "Access-Control-Expose-Headers: *", "Connection: keep-alive", "X-Custom: 1"), allowed),
		simple("redir-to-data-url", "a redirect to a data: URL is refused (net::ERR_UNSAFE_REDIRECT), not a network error", get,
			Reply{Status: 302, Location: "data:text/plain,hi", Headers: []string{acaoPage}}, blocked),
		simple("redir-to-data-url-same-origin", "the same from the page's own origin", Fetch{Target: "page"},
			Reply{Status: 302, Location: "data:text/plain,hi"}, blocked),
		simple("bad-port-6000", "port 6000 (X11) is on the bad-port list: blocked before any request", Fetch{Target: "port:6000"}, ok, blocked),
		simple("bad-port-5060", "port 5060 (SIP) is on the bad-port list", Fetch{Target: "port:5060"}, ok, blocked),
		simple("bad-port-no-cors", "no-cors does not help: the port is refused in every mode", Fetch{Target: "port:6667", Mode: fetch.ModeNoCORS}, ok, blocked),
		refused(pre("header-value-ctl-01", "a value with the control byte 0x01 is sent (after a preflight); Go's server answers 400", with(get, "X-A: a\x01b"), allowXA, ok, blocked)),
		refused(pre("header-value-ctl-7f", "a value with DEL (0x7F) is sent too", with(get, "X-A: a\x7fb"), allowXA, ok, blocked)),
	}
}

func allowOriginCases() []Case {
	return []Case{
		simple("acao-exact", "ACAO equal to the origin allows a simple GET", get, reply(acaoPage), allowed),
		simple("acao-missing", "no ACAO blocks", get, reply(), blocked),
		simple("acao-star", "ACAO * allows without credentials", get, reply(acaoStar), allowed),
		simple("acao-null", "ACAO null is not the page's origin", get, reply(acaoNull), blocked),
		simple("acao-other-origin", "another origin mismatches", get, reply("Access-Control-Allow-Origin: {api}"), blocked),
		simple("acao-uppercase", "comparison is byte for byte: case matters", get, reply("Access-Control-Allow-Origin: {PAGE}"), blocked),
		simple("acao-trailing-slash", "a trailing slash mismatches", get, reply("Access-Control-Allow-Origin: {page/}"), blocked),
		simple("acao-comma-list", "two comma-separated values", get, reply("Access-Control-Allow-Origin: {page}, {page}"), blocked),
		simple("acao-two-lines", "two header lines are two values", get, reply(acaoPage, acaoPage), blocked),
		simple("acao-space-list", "two space-separated values", get, reply("Access-Control-Allow-Origin: {page} {api}"), blocked),
		simple("acao-star-and-origin", "* and an origin", get, reply("Access-Control-Allow-Origin: *, {page}"), blocked),
		simple("acao-surrounding-space", "surrounding spaces are trimmed", get, reply("Access-Control-Allow-Origin:   {page}   "), allowed),
		simple("acao-garbage", "a value that is not an origin", get, reply("Access-Control-Allow-Origin: not an origin"), blocked),
		simple("acao-word", "a single word that is not an origin", get, reply("Access-Control-Allow-Origin: example"), blocked),
		simple("acao-empty", "an empty value", get, reply("Access-Control-Allow-Origin: "), blocked),
		simple("acao-double-star", "** is not the wildcard", get, reply("Access-Control-Allow-Origin: **"), blocked),
		simple("acao-quoted", "a quoted origin", get, reply(`Access-Control-Allow-Origin: "{page}"`), blocked),
		simple("acao-path", "an origin with a path", get, reply("Access-Control-Allow-Origin: {page}/c"), blocked),
		simple("acao-https", "the other scheme", get, reply("Access-Control-Allow-Origin: https://127.0.0.1"), blocked),
		simple("acao-lowercase-name", "header names are case-insensitive", get, reply("access-control-allow-origin: {page}"), allowed),
		simple("acao-reflect", "reflecting the Origin header allows", get, reply("Access-Control-Allow-Origin: {origin}"), allowed),
		simple("acao-on-500", "a simple request's status does not matter", get, Reply{Status: 500, Headers: []string{acaoPage}, Body: "x"}, allowed),
		simple("acao-on-404", "404 with ACAO is readable", get, Reply{Status: 404, Headers: []string{acaoPage}, Body: "x"}, allowed),
		simple("no-acao-on-404", "404 without ACAO is blocked", get, status(404), blocked),
		simple("acao-head", "HEAD is simple", method("HEAD"), reply(acaoPage), allowed),
		simple("acao-post", "POST without headers is simple", method("POST"), reply(acaoPage), allowed),
	}
}

func credentialsCases() []Case {
	return []Case{
		simple("cred-ok", "credentials need ACAO = origin and ACAC true", include, reply(acaoPage, acacTrue), allowed),
		simple("cred-star", "ACAO * with credentials", include, reply(acaoStar, acacTrue), blocked),
		simple("cred-no-acac", "ACAC missing", include, reply(acaoPage), blocked),
		simple("cred-acac-upper", "ACAC TRUE", include, reply(acaoPage, "Access-Control-Allow-Credentials: TRUE"), blocked),
		simple("cred-acac-one", "ACAC 1", include, reply(acaoPage, "Access-Control-Allow-Credentials: 1"), blocked),
		simple("cred-acac-false", "ACAC false", include, reply(acaoPage, "Access-Control-Allow-Credentials: false"), blocked),
		simple("cred-acac-two-lines", "ACAC twice", include, reply(acaoPage, acacTrue, acacTrue), blocked),
		simple("cred-acac-spaces", "ACAC surrounded by spaces", include, reply(acaoPage, "Access-Control-Allow-Credentials:  true  "), allowed),
		simple("cred-no-acao", "no ACAO with credentials", include, reply(acacTrue), blocked),
		simple("cred-mismatch", "a mismatching ACAO with credentials", include, reply("Access-Control-Allow-Origin: {api}", acacTrue), blocked),
		simple("cred-star-no-acac", "* and no ACAC with credentials", include, reply(acaoStar), blocked),
		simple("omit-star", "credentials omit: * allowed", Fetch{Credentials: fetch.CredentialsOmit}, reply(acaoStar), allowed),
		simple("same-origin-cred-star", "credentials same-origin (the default) cross-origin: * allowed", Fetch{Credentials: fetch.CredentialsSameOrigin}, reply(acaoStar), allowed),
		simple("omit-acac-false", "ACAC is ignored without credentials", Fetch{Credentials: fetch.CredentialsOmit}, reply(acaoPage, "Access-Control-Allow-Credentials: false"), allowed),
		simple("cred-reflect", "reflecting origin with credentials", include, reply("Access-Control-Allow-Origin: {origin}", acacTrue), allowed),
		simple("cred-post", "credentialed simple POST", Fetch{Method: "POST", Credentials: fetch.CredentialsInclude, Body: "x"}, reply(acaoPage, acacTrue), allowed),
		pre("cred-preflight-ok", "credentialed preflight", Fetch{Method: "PUT", Credentials: fetch.CredentialsInclude},
			okPreflight(acacTrue, acamPut), reply(acaoPage, acacTrue), allowed),
		pre("cred-preflight-no-acac", "a credentialed preflight needs ACAC", Fetch{Method: "PUT", Credentials: fetch.CredentialsInclude},
			okPreflight(acamPut), reply(acaoPage, acacTrue), blocked),
		pre("cred-preflight-star-origin", "a credentialed preflight with ACAO *", Fetch{Method: "PUT", Credentials: fetch.CredentialsInclude},
			status(204, acaoStar, acacTrue, acamPut), reply(acaoPage, acacTrue), blocked),
		pre("cred-acam-star", "ACAM * is a literal name with credentials", Fetch{Method: "PUT", Credentials: fetch.CredentialsInclude},
			okPreflight(acacTrue, "Access-Control-Allow-Methods: *"), reply(acaoPage, acacTrue), blocked),
		pre("cred-acah-star", "ACAH * is a literal name with credentials", with(include, "X-Custom: 1"),
			okPreflight(acacTrue, "Access-Control-Allow-Headers: *"), reply(acaoPage, acacTrue), blocked),
		pre("cred-acah-named", "credentials with the header named", with(include, "X-Custom: 1"),
			okPreflight(acacTrue, "Access-Control-Allow-Headers: x-custom"), reply(acaoPage, acacTrue), allowed),
		pre("cred-actual-no-acac", "preflight fine, actual response lacks ACAC", Fetch{Method: "PUT", Credentials: fetch.CredentialsInclude},
			okPreflight(acacTrue, acamPut), reply(acaoPage), blocked),
	}
}

func simpleRequestCases() []Case {
	ok := reply(acaoPage)
	// preflightFor answers a preflight that allows everything the cases send,
	// so that the case shows whether one was sent.
	allowAll := okPreflight("Access-Control-Allow-Methods: PUT, PATCH, patch, DELETE, FOO",
		"Access-Control-Allow-Headers: x-custom, content-type, accept, accept-language, content-language, range, width, dpr, user-agent, x-http-method-override, authorization, x-a, x-b")
	p := func(name, about string, f Fetch) Case { return pre(name, about, f, allowAll, ok, allowed) }
	// Firefox and WebKit safelist no client hint: the preflight, which does
	// not name these three, fails.
	hint := func(c Case) Case { return in(c, blocked, "firefox", "webkit") }
	long := strings.Repeat("a", 129)
	return []Case{
		p("accept-custom", "any Accept value without unsafe bytes is safelisted", with(get, "Accept: application/vnd.x+json")),
		p("accept-unsafe-byte", "Accept with an unsafe byte needs a preflight", with(get, `Accept: "x"`)),
		p("accept-129", "a safelisted value over 128 bytes needs a preflight", with(get, "Accept: "+long)),
		p("accept-128", "128 bytes is fine", with(get, "Accept: "+long[:128])),
		p("accept-language", "Accept-Language with language bytes", with(get, "Accept-Language: en-US,de;q=0.5")),
		p("accept-language-bad", "Accept-Language with a slash", with(get, "Accept-Language: en/US")),
		p("content-language", "Content-Language", with(Fetch{Method: "POST", Body: "x"}, "Content-Language: de")),
		p("ct-text-plain", "text/plain is safelisted", with(Fetch{Method: "POST", Body: "x"}, "Content-Type: text/plain")),
		p("ct-text-plain-charset", "parameters are allowed", with(Fetch{Method: "POST", Body: "x"}, "Content-Type: text/plain;charset=utf-8")),
		p("ct-form", "urlencoded form", with(Fetch{Method: "POST", Body: "a=b"}, "Content-Type: application/x-www-form-urlencoded")),
		p("ct-multipart", "multipart form", with(Fetch{Method: "POST", Body: "x"}, "Content-Type: multipart/form-data; boundary=x")),
		p("ct-json", "JSON is not safelisted", with(Fetch{Method: "POST", Body: "{}"}, "Content-Type: application/json")),
		p("ct-quoted-param", "a quote is a CORS-unsafe byte", with(Fetch{Method: "POST", Body: "x"}, `Content-Type: text/plain; charset="utf-8"`)),
		p("ct-bad-mime", "an unparsable MIME type", with(Fetch{Method: "POST", Body: "x"}, "Content-Type: text")),
		p("range-single", "a single byte range is safelisted", with(get, "Range: bytes=0-10")),
		p("range-open", "an open byte range is safelisted", with(get, "Range: bytes=5-")),
		p("range-multi", "several ranges need a preflight", with(get, "Range: bytes=0-1,3-4")),
		p("range-suffix", "a suffix range needs a preflight", with(get, "Range: bytes=-5")),
		p("custom-header", "a custom header needs a preflight", with(get, "X-Custom: 1")),
		p("authorization", "Authorization needs a preflight", with(get, "Authorization: Bearer x")),
		p("forbidden-cookie", "Cookie set by script is dropped: no preflight", with(get, "Cookie: a=b")),
		p("forbidden-sec", "Sec-* set by script is dropped", with(get, "Sec-Foo: 1")),
		p("forbidden-proxy", "Proxy-* set by script is dropped", with(get, "Proxy-Foo: 1")),
		p("forbidden-origin", "Origin set by script is dropped", with(get, "Origin: http://evil.example")),
		p("user-agent", "User-Agent set by script (Chromium ignores it)", with(get, "User-Agent: corskit")),
		p("hint-dpr", "DPR client hint", with(get, "DPR: 2")),
		p("hint-width-bad", "Width client hint with a bad value", with(get, "Width: abc")),
		p("hint-width", "Width client hint", with(get, "Width: 100")),
		hint(p("hint-save-data", "Save-Data client hint", with(get, "Save-Data: on"))),
		hint(p("hint-ect", "ECT client hint", with(get, "ECT: 4g"))),
		hint(p("hint-device-memory", "Device-Memory client hint", with(get, "Device-Memory: 8"))),
		p("override-forbidden", "a method override naming TRACE is dropped", with(get, "X-HTTP-Method-Override: TRACE")),
		p("override-patch", "a method override naming PATCH is an unsafe header", with(get, "X-HTTP-Method-Override: PATCH")),
		p("method-lower-get", "get is normalised to GET: simple", method("get")),
		p("method-lower-put", "put is normalised to PUT", method("put")),
		p("method-lower-patch", "patch is sent as written", method("patch")),
		p("method-foo", "a custom method", method("FOO")),
		p("method-delete", "DELETE", method("DELETE")),
		p("acrh-sorted", "ACRH is lowercased, sorted, comma-joined", with(get, "X-B: 1", "X-A: 2", "Content-Type: application/json")),
		p("acrh-duplicates", "a header set twice is one name", with(get, "X-A: 1", "x-a: 2")),
		p("safelisted-and-custom", "only the unsafe names are in ACRH", with(get, "Accept: text/html", "X-Custom: 1")),
	}
}

func modeCases() []Case {
	ok := reply(acaoPage)
	return []Case{
		simple("no-cors-get", "no-cors cross-origin gives an opaque response", Fetch{Mode: fetch.ModeNoCORS}, reply(), allowed),
		simple("no-cors-post", "no-cors POST", Fetch{Mode: fetch.ModeNoCORS, Method: "POST", Body: "x"}, reply(), allowed),
		simple("no-cors-put", "no-cors PUT throws", Fetch{Mode: fetch.ModeNoCORS, Method: "PUT"}, reply(), blocked),
		simple("no-cors-custom-header", "no-cors drops a custom header", with(Fetch{Mode: fetch.ModeNoCORS}, "X-Custom: 1"), reply(), allowed),
		simple("same-origin-mode-cross", "same-origin mode, cross-origin URL", Fetch{Mode: fetch.ModeSameOrigin}, ok, blocked),
		simple("same-origin-mode-same", "same-origin mode, same-origin URL", Fetch{Mode: fetch.ModeSameOrigin, Target: "page"}, reply(), allowed),
		simple("same-origin-get", "a same-origin GET needs no CORS header", Fetch{Target: "page"}, reply("X-Secret: 1"), allowed),
		simple("same-origin-put", "a same-origin PUT needs no preflight", Fetch{Target: "page", Method: "PUT"}, reply(), allowed),
		simple("same-origin-custom-header", "same-origin with a custom header", with(Fetch{Target: "page"}, "X-Custom: 1"), reply(), allowed),
		simple("forbidden-trace", "TRACE throws", method("TRACE"), ok, blocked),
		simple("forbidden-connect", "CONNECT throws", method("CONNECT"), ok, blocked),
		simple("forbidden-track", "TRACK throws", method("track"), ok, blocked),
		simple("only-if-cached-cors", "only-if-cached outside same-origin mode throws", Fetch{Cache: fetch.CacheOnlyIfCached}, ok, blocked),
	}
}

func exposeCases() []Case {
	base := []string{acaoPage, "X-Custom: 1", "X-Other: 2", "Cache-Control: no-cache", "Set-Cookie: a=b", "Content-Language: en"}
	r := func(extra ...string) Reply { return reply(append(append([]string(nil), base...), extra...)...) }
	return []Case{
		simple("expose-none", "only safelisted response headers are readable", get, r(), allowed),
		simple("expose-one", "an exposed header is readable", get, r("Access-Control-Expose-Headers: X-Custom"), allowed),
		simple("expose-case", "exposed names are case-insensitive", get, r("Access-Control-Expose-Headers: x-CUSTOM"), allowed),
		simple("expose-list", "a list with spaces and empty elements", get, r("Access-Control-Expose-Headers: , x-custom ,, x-other"), allowed),
		simple("expose-two-lines", "a list over two lines", get, r("Access-Control-Expose-Headers: x-custom", "Access-Control-Expose-Headers: x-other"), allowed),
		simple("expose-star", "* exposes everything but Set-Cookie", get, r("Access-Control-Expose-Headers: *"), allowed),
		simple("expose-star-cred", "* is a literal name with credentials", include, r(acacTrue, "Access-Control-Expose-Headers: *"), allowed),
		simple("expose-star-cred-named", "with credentials, name them", include, r(acacTrue, "Access-Control-Expose-Headers: *, X-Custom"), allowed),
		simple("expose-set-cookie", "Set-Cookie is never readable", get, r("Access-Control-Expose-Headers: Set-Cookie, X-Custom"), allowed),
		simple("expose-invalid", "an unparsable list exposes nothing", get, r("Access-Control-Expose-Headers: x custom"), allowed),
		simple("expose-same-origin", "same-origin reads every header but Set-Cookie", Fetch{Target: "page"}, r(), allowed),
	}
}

func preflightCases() []Case {
	ok := reply(acaoPage)
	cust := with(get, "X-Custom: 1")
	return []Case{
		pre("pf-put-ok", "a preflighted PUT", put, okPreflight(acamPut), ok, allowed),
		pre("pf-put-no-acam", "PUT without ACAM", put, okPreflight(), ok, blocked),
		pre("pf-acam-star", "ACAM * without credentials", put, okPreflight("Access-Control-Allow-Methods: *"), ok, allowed),
		pre("pf-acam-lowercase", "ACAM put against PUT", put, okPreflight("Access-Control-Allow-Methods: put"), ok, blocked),
		pre("pf-acam-list", "a list of methods", put, okPreflight("Access-Control-Allow-Methods: GET, PUT, DELETE"), ok, allowed),
		pre("pf-acam-empty-elems", "empty elements in ACAM", put, okPreflight("Access-Control-Allow-Methods: , PUT,,"), ok, allowed),
		pre("pf-acam-two-lines", "ACAM over two lines", put, okPreflight("Access-Control-Allow-Methods: GET", "Access-Control-Allow-Methods: PUT"), ok, allowed),
		pre("pf-acam-invalid", "an unparsable ACAM", put, okPreflight("Access-Control-Allow-Methods: PUT DELETE"), ok, blocked),
		pre("pf-acam-other", "ACAM lists other methods", put, okPreflight("Access-Control-Allow-Methods: GET, POST"), ok, blocked),
		pre("pf-patch-lower-acam-upper", "patch (not normalised) against ACAM PATCH", method("patch"), okPreflight("Access-Control-Allow-Methods: PATCH"), ok, blocked),
		pre("pf-patch-upper-acam-upper", "PATCH against ACAM PATCH", method("PATCH"), okPreflight("Access-Control-Allow-Methods: PATCH"), ok, allowed),
		pre("pf-delete", "DELETE", method("DELETE"), okPreflight("Access-Control-Allow-Methods: DELETE"), ok, allowed),
		pre("pf-custom-method", "a custom method named in ACAM", method("FOO"), okPreflight("Access-Control-Allow-Methods: FOO"), ok, allowed),
		pre("pf-json-post", "POST with JSON", with(Fetch{Method: "POST", Body: "{}"}, "Content-Type: application/json"),
			okPreflight("Access-Control-Allow-Headers: Content-Type"), ok, allowed),
		pre("pf-json-post-no-acah", "POST with JSON, no ACAH", with(Fetch{Method: "POST", Body: "{}"}, "Content-Type: application/json"),
			okPreflight(), ok, blocked),
		pre("pf-header-no-acah", "a custom header without ACAH", cust, okPreflight(), ok, blocked),
		pre("pf-header-named", "a custom header named in ACAH", cust, okPreflight("Access-Control-Allow-Headers: x-custom"), ok, allowed),
		pre("pf-header-upper", "ACAH names are case-insensitive", cust, okPreflight("Access-Control-Allow-Headers: X-CUSTOM"), ok, allowed),
		pre("pf-header-star", "ACAH * without credentials", cust, okPreflight("Access-Control-Allow-Headers: *"), ok, allowed),
		pre("pf-header-star-authorization", "ACAH * and Authorization", with(get, "Authorization: Bearer x"), okPreflight("Access-Control-Allow-Headers: *"), ok, allowed),
		pre("pf-header-star-and-authorization", "ACAH *, authorization", with(get, "Authorization: Bearer x"), okPreflight("Access-Control-Allow-Headers: *, authorization"), ok, allowed),
		pre("pf-header-invalid", "an unparsable ACAH", cust, okPreflight("Access-Control-Allow-Headers: x custom"), ok, blocked),
		pre("pf-header-two-lines", "ACAH over two lines", with(get, "X-A: 1", "X-B: 1"), okPreflight("Access-Control-Allow-Headers: x-a", "Access-Control-Allow-Headers: x-b"), ok, allowed),
		pre("pf-header-one-missing", "one of two headers not allowed", with(get, "X-A: 1", "X-B: 1"), okPreflight("Access-Control-Allow-Headers: x-a"), ok, blocked),
		pre("pf-header-both-missing", "two headers not allowed: the console names one", with(get, "X-B: 1", "X-A: 1"), okPreflight(), ok, blocked),
		pre("pf-header-empty-elems", "empty elements in ACAH", cust, okPreflight("Access-Control-Allow-Headers: ,x-custom,"), ok, allowed),
		pre("pf-method-and-header", "method and header both not allowed: method first", with(put, "X-Custom: 1"), okPreflight(), ok, blocked),
		pre("pf-no-acao", "a preflight without ACAO", put, status(204, acamPut), ok, blocked),
		pre("pf-acao-star", "a preflight with ACAO *", put, status(204, acaoStar, acamPut), ok, allowed),
		pre("pf-acao-mismatch", "a preflight with another origin", put, status(204, "Access-Control-Allow-Origin: {api}", acamPut), ok, blocked),
		pre("pf-acao-two", "a preflight with two ACAO values", put, status(204, "Access-Control-Allow-Origin: {page}, {page}", acamPut), ok, blocked),
		pre("pf-actual-no-acao", "preflight passes, actual response lacks ACAO", put, okPreflight(acamPut), reply(), blocked),
		pre("pf-actual-star", "preflight passes, actual ACAO *", put, okPreflight(acamPut), reply(acaoStar), allowed),
		pre("pf-acah-ignored-for-safelisted", "safelisted headers need no ACAH", with(put, "Accept: text/plain"), okPreflight(acamPut), ok, allowed),
	}
}

func preflightStatusCases() []Case {
	var cs []Case
	for _, code := range []int{200, 204, 206, 299, 300, 304, 400, 401, 403, 404, 405, 500, 503} {
		want := blocked
		if code >= 200 && code <= 299 {
			want = allowed
		}
		cs = append(cs, pre(fmt.Sprintf("pf-status-%d", code), fmt.Sprintf("preflight answered %d with ACAO", code),
			put, status(code, acaoPage, acamPut), reply(acaoPage), want))
	}
	for _, code := range []int{301, 302, 303, 307, 308} {
		cs = append(cs, pre(fmt.Sprintf("pf-redirect-%d", code), fmt.Sprintf("preflight redirected with %d", code),
			put, redirect(code, "api", acaoPage, acamPut), reply(acaoPage), blocked))
	}
	cs = append(cs,
		pre("pf-status-500-no-acao", "500 without ACAO: reported as missing ACAO", put, status(500), reply(acaoPage), blocked),
		pre("pf-status-404-no-acao", "404 without ACAO", put, status(404), reply(acaoPage), blocked),
		pre("pf-redirect-no-acao", "a preflight redirect without ACAO", put, redirect(302, "api"), reply(acaoPage), blocked),
	)
	return cs
}

// twice is a case of two fetches against the same URL.
func twice(name, about string, first, second Fetch, preflight, actual Reply, want1, want2 string) Case {
	return Case{Name: name, About: about, Fetches: []Fetch{first, second},
		Server: Server{Preflight: preflight, Hops: []Reply{actual}}, Want: []string{want1, want2}}
}

func cacheCases() []Case {
	ok := reply(acaoPage)
	age := func(v string) Reply { return okPreflight(acamPut, "Access-Control-Max-Age: "+v) }
	c := func(m fetch.CacheMode) Fetch { return Fetch{Method: "PUT", Cache: m} }
	return []Case{
		twice("cache-default", "no Max-Age: cached for 5 s", put, put, okPreflight(acamPut), ok, allowed, allowed),
		twice("cache-600", "Max-Age 600", put, put, age("600"), ok, allowed, allowed),
		twice("cache-0", "Max-Age 0: not cached", put, put, age("0"), ok, allowed, allowed),
		twice("cache-negative", "Max-Age -1", put, put, age("-1"), ok, allowed, allowed),
		twice("cache-garbage", "Max-Age abc", put, put, age("abc"), ok, allowed, allowed),
		twice("cache-fraction", "Max-Age 1.5", put, put, age("1.5"), ok, allowed, allowed),
		twice("cache-overflow", "Max-Age beyond int64", put, put, age("99999999999999999999999"), ok, allowed, allowed),
		twice("cache-two-lines", "Max-Age twice", put, put, okPreflight(acamPut, "Access-Control-Max-Age: 600", "Access-Control-Max-Age: 600"), ok, allowed, allowed),
		twice("cache-huge", "Max-Age 86400 (capped, still cached)", put, put, age("86400"), ok, allowed, allowed),
		twice("cache-no-store-second", "no-store bypasses the cache", put, c(fetch.CacheNoStore), age("600"), ok, allowed, allowed),
		twice("cache-reload-second", "reload bypasses the cache", put, c(fetch.CacheReload), age("600"), ok, allowed, allowed),
		twice("cache-no-cache-second", "no-cache bypasses the cache", put, c(fetch.CacheNoCache), age("600"), ok, allowed, allowed),
		twice("cache-force-cache-second", "force-cache uses the cache", put, c(fetch.CacheForceCache), age("600"), ok, allowed, allowed),
		twice("cache-no-store-first", "a no-store preflight is not stored", c(fetch.CacheNoStore), put, age("600"), ok, allowed, allowed),
		twice("cache-reload-first", "a reload preflight is stored", c(fetch.CacheReload), put, age("600"), ok, allowed, allowed),
		twice("cache-other-method", "a cached method list covers another listed method", put, method("DELETE"),
			okPreflight("Access-Control-Allow-Methods: PUT, DELETE", "Access-Control-Max-Age: 600"), ok, allowed, allowed),
		twice("cache-unlisted-method", "a method not in the cached list preflights again", put, method("DELETE"),
			okPreflight(acamPut, "Access-Control-Max-Age: 600"), ok, allowed, blocked),
		twice("cache-other-header", "a cached header list covers another listed header", with(get, "X-A: 1"), with(get, "X-B: 1"),
			okPreflight("Access-Control-Allow-Headers: x-a, x-b", "Access-Control-Max-Age: 600"), ok, allowed, allowed),
		twice("cache-unlisted-header", "a header not in the cached list preflights again", with(get, "X-A: 1"), with(get, "X-B: 1"),
			okPreflight("Access-Control-Allow-Headers: x-a", "Access-Control-Max-Age: 600"), ok, allowed, blocked),
		twice("cache-cred-then-omit", "a credentialed entry serves a request without credentials",
			Fetch{Method: "PUT", Credentials: fetch.CredentialsInclude}, put,
			okPreflight(acamPut, acacTrue, "Access-Control-Max-Age: 600"), reply(acaoPage, acacTrue), allowed, allowed),
		twice("cache-omit-then-cred", "an entry without credentials does not serve a credentialed request",
			put, Fetch{Method: "PUT", Credentials: fetch.CredentialsInclude},
			okPreflight(acamPut, acacTrue, "Access-Control-Max-Age: 600"), reply(acaoPage, acacTrue), allowed, allowed),
		twice("cache-star-authorization", "ACAH * lets Authorization through but is not cached for it",
			with(get, "Authorization: Bearer x"), with(get, "Authorization: Bearer x"),
			okPreflight("Access-Control-Allow-Headers: *", "Access-Control-Max-Age: 600"), ok, allowed, allowed),
		twice("cache-star-header", "ACAH * is cached for other headers", with(get, "X-A: 1"), with(get, "X-B: 1"),
			okPreflight("Access-Control-Allow-Headers: *", "Access-Control-Max-Age: 600"), ok, allowed, allowed),
		twice("cache-star-method", "ACAM * is cached for other methods", put, method("DELETE"),
			okPreflight("Access-Control-Allow-Methods: *", "Access-Control-Max-Age: 600"), ok, allowed, allowed),
		twice("cache-kept-after-failure", "an actual request failing CORS does not clear the cache (Chromium)", put, put,
			age("600"), reply(), blocked, blocked),
		twice("cache-failed-preflight", "a failed preflight is not cached", with(get, "X-A: 1"), with(get, "X-A: 1"),
			okPreflight("Access-Control-Max-Age: 600"), ok, blocked, blocked),
		twice("cache-simple-then-put", "a simple request caches nothing", get, put, okPreflight(acamPut), ok, allowed, allowed),
	}
}

// seq is a case of several fetches against the same URL, the server
// answering 304 with notModified (when not nil) to a matching
// If-None-Match.
func seq(name, about string, fetches []Fetch, preflight, actual Reply, notModified *Reply, want ...string) Case {
	return Case{Name: name, About: about, Fetches: fetches,
		Server: Server{Preflight: preflight, Hops: []Reply{actual}, NotModified: notModified}, Want: want}
}

func after(d time.Duration, f Fetch) Fetch { f.After = d; return f }

func cached(m fetch.CacheMode) Fetch { return Fetch{Cache: m} }

// sequenceCases pin the preflight cache's expiry in real time and the
// HTTP cache: freshness, revalidation with 304 (the CORS check runs on the
// stored response with the 304's headers merged in), the cache modes and
// their request headers. The waits are short: the whole set costs a few
// seconds per engine.
func sequenceCases() []Case {
	etag := `ETag: "v1"`
	fresh := reply(acaoPage, "Cache-Control: max-age=600")
	revalidate := reply(acaoPage, "Cache-Control: no-cache", etag)
	nm := &Reply{Headers: []string{acaoPage}}
	return []Case{
		seq("seq-max-age-expires", "Max-Age 2: cached for 2 s, then preflighted again",
			[]Fetch{put, after(time.Second, put), after(1500*time.Millisecond, put)},
			okPreflight(acamPut, "Access-Control-Max-Age: 2"), reply(acaoPage), nil, allowed, allowed, allowed),
		seq("http-fresh", "max-age=600: the second GET comes from the HTTP cache", []Fetch{get, get}, Reply{}, fresh, nil, allowed, allowed),
		seq("http-stale", "max-age=1 without a validator: fetched again once stale", []Fetch{get, after(1500*time.Millisecond, get)}, Reply{},
			reply(acaoPage, "Cache-Control: max-age=1"), nil, allowed, allowed),
		seq("http-stale-etag", "max-age=1 with an ETag: revalidated once stale", []Fetch{get, after(1500*time.Millisecond, get)}, Reply{},
			reply(acaoPage, "Cache-Control: max-age=1", etag), nm, allowed, allowed),
		seq("http-no-cache-etag", "Cache-Control: no-cache with an ETag: revalidated every time", []Fetch{get, get, get}, Reply{},
			revalidate, nm, allowed, allowed, allowed),
		seq("http-304-without-acao", "a 304 without ACAO: the stored ACAO stays, allowed", []Fetch{get, get}, Reply{},
			revalidate, &Reply{}, allowed, allowed),
		seq("http-304-other-acao", "a 304 with another ACAO replaces the stored one: blocked", []Fetch{get, get}, Reply{},
			revalidate, &Reply{Headers: []string{"Access-Control-Allow-Origin: https://else.example"}}, allowed, blocked),
		seq("http-no-store-response", "Cache-Control: no-store: never stored", []Fetch{get, get}, Reply{},
			reply(acaoPage, "Cache-Control: no-store, max-age=600"), nil, allowed, allowed),
		seq("http-vary-star", "Vary: * is never served from the cache", []Fetch{get, get}, Reply{},
			reply(acaoPage, "Cache-Control: max-age=600", "Vary: *"), nil, allowed, allowed),
		seq("http-heuristic", "Last-Modified long ago: heuristically fresh", []Fetch{get, get}, Reply{},
			reply(acaoPage, "Last-Modified: Mon, 01 Jan 2024 00:00:00 GMT"), nil, allowed, allowed),
		seq("http-mode-no-store", "cache no-store: to the network, with Pragma and Cache-Control no-cache",
			[]Fetch{get, cached(fetch.CacheNoStore), get}, Reply{}, fresh, nil, allowed, allowed, allowed),
		seq("http-mode-reload", "cache reload: to the network, and stored", []Fetch{get, cached(fetch.CacheReload), get}, Reply{},
			fresh, nil, allowed, allowed, allowed),
		seq("http-mode-no-cache", "cache no-cache: a fresh response is revalidated", []Fetch{get, cached(fetch.CacheNoCache)}, Reply{},
			reply(acaoPage, "Cache-Control: max-age=600", etag), nm, allowed, allowed),
		seq("http-mode-force-cache", "cache force-cache: a stale response is used", []Fetch{get, after(1500*time.Millisecond, cached(fetch.CacheForceCache))}, Reply{},
			reply(acaoPage, "Cache-Control: max-age=1"), nil, allowed, allowed),
		seq("http-put-invalidates", "a PUT invalidates the stored GET response", []Fetch{get, put, get}, okPreflight(acamPut),
			fresh, nil, allowed, allowed, allowed),
	}
}

func redirectCases() []Case {
	r := func(name, about string, f Fetch, pf Reply, hops []Reply, want string) Case {
		return Case{Name: name, About: about, Fetches: []Fetch{f}, Server: Server{Preflight: pf, Hops: hops}, Want: []string{want}}
	}
	ok := reply(acaoPage)
	var cs []Case
	cs = append(cs,
		r("redir-same-server", "a redirect within the API origin keeps the Origin", get, Reply{}, []Reply{redirect(302, "api", acaoPage), ok}, allowed),
		r("redir-no-acao-on-redirect", "the redirect response itself needs ACAO", get, Reply{}, []Reply{redirect(302, "api"), ok}, blocked),
		r("redir-no-acao-final", "the final response needs ACAO", get, Reply{}, []Reply{redirect(302, "api", acaoPage), reply()}, blocked),
		r("redir-tainted-page", "api to api2: Origin becomes null, ACAO {page} fails", get, Reply{}, []Reply{redirect(302, "api2", acaoPage), ok}, blocked),
		r("redir-tainted-null", "api to api2: ACAO null allows", get, Reply{}, []Reply{redirect(302, "api2", acaoPage), reply(acaoNull)}, allowed),
		r("redir-tainted-star", "api to api2: ACAO * allows", get, Reply{}, []Reply{redirect(302, "api2", acaoPage), reply(acaoStar)}, allowed),
		r("redir-tainted-reflect", "api to api2: reflecting Origin gives null", get, Reply{}, []Reply{redirect(302, "api2", acaoPage), reply("Access-Control-Allow-Origin: {origin}")}, allowed),
		r("redir-back-to-page", "api to the page's origin: still CORS, Origin null", get, Reply{}, []Reply{redirect(302, "page", acaoPage), ok}, blocked),
		r("redir-back-to-page-null", "api to the page's origin with ACAO null", get, Reply{}, []Reply{redirect(302, "page", acaoPage), reply(acaoNull)}, allowed),
		r("redir-from-page", "page to api: Origin stays the page's", Fetch{Target: "page"}, Reply{}, []Reply{redirect(302, "api"), ok}, allowed),
		r("redir-from-page-no-acao", "page to api without ACAO", Fetch{Target: "page"}, Reply{}, []Reply{redirect(302, "api"), reply()}, blocked),
		r("redir-cred-tainted", "credentials across a tainting redirect need ACAO null and ACAC", include, Reply{},
			[]Reply{redirect(302, "api2", acaoPage, acacTrue), reply(acaoNull, acacTrue)}, allowed),
		r("redir-mode-error", "redirect mode error", Fetch{Redirect: fetch.RedirectError}, Reply{}, []Reply{redirect(302, "api", acaoPage), ok}, blocked),
		r("redir-mode-manual", "redirect mode manual: an opaque-redirect response", Fetch{Redirect: fetch.RedirectManual}, Reply{}, []Reply{redirect(302, "api", acaoPage), ok}, allowed),
		r("redir-manual-no-acao", "redirect mode manual still checks CORS", Fetch{Redirect: fetch.RedirectManual}, Reply{}, []Reply{redirect(302, "api"), ok}, blocked),
		r("redir-no-cors", "no-cors across origins: opaque", Fetch{Mode: fetch.ModeNoCORS}, Reply{}, []Reply{redirect(302, "api2"), reply()}, allowed),
		r("redir-userinfo", "a cross-origin Location with credentials", get, Reply{},
			[]Reply{{Status: 302, Location: "{api2-userinfo}/c/redir-userinfo/1", Headers: []string{acaoPage}}, reply(acaoStar)}, blocked),
		r("redir-20", "20 redirects are allowed", get, Reply{}, append(repeatReply(redirect(302, "api", acaoPage), 20), ok), allowed),
		r("redir-21", "the 21st redirect fails", get, Reply{}, append(repeatReply(redirect(302, "api", acaoPage), 21), ok), blocked),
		r("redir-no-location", "a 302 without Location is a plain response", get, Reply{}, []Reply{status(302, acaoPage)}, allowed),
		r("redir-put-307-preflight-again", "307 keeps PUT: a new preflight at the new origin, Origin null",
			put, status(204, acaoStar, acamPut), []Reply{redirect(307, "api2", acaoPage), reply(acaoStar)}, allowed),
		in(r("redir-authorization-dropped", "Authorization is removed on a cross-origin hop: no preflight at the new origin",
			with(get, "Authorization: Bearer t"), okPreflight("Access-Control-Allow-Headers: authorization"),
			[]Reply{redirect(307, "api2", acaoPage), reply(acaoStar)}, allowed),
			// WebKit keeps Authorization and preflights again, with Origin
			// null, which the preflight answer does not allow.
			blocked, "webkit"),
		r("redir-authorization-kept", "Authorization stays on a same-origin hop, with a preflight for the new URL",
			with(get, "Authorization: Bearer t"), okPreflight("Access-Control-Allow-Headers: authorization"),
			[]Reply{redirect(307, "api", acaoPage), ok}, allowed),
		// Firefox and WebKit preflight the GET again (WebKit with Origin
		// null, which the preflight answer does not allow).
		in(r("redir-put-303", "303 turns PUT into GET: no second preflight", put, okPreflight(acamPut),
			[]Reply{redirect(303, "api2", acaoPage), reply(acaoStar)}, allowed), blocked, "webkit"),
	)
	for _, code := range []int{301, 302, 303, 307, 308} {
		cs = append(cs, r(fmt.Sprintf("redir-post-%d", code), fmt.Sprintf("POST redirected with %d", code),
			Fetch{Method: "POST", Body: "x"}, Reply{}, []Reply{redirect(code, "api", acaoPage), ok}, allowed))
	}
	return cs
}

func repeatReply(r Reply, n int) []Reply {
	out := make([]Reply, n)
	for i := range out {
		out[i] = r
	}
	return out
}

// in records that in the engines named, the case's single fetch has
// outcome want instead of the table's.
func in(c Case, want string, engines ...string) Case {
	if c.Engines == nil {
		c.Engines = map[string][]string{}
	}
	for _, e := range engines {
		c.Engines[e] = []string{want}
	}
	return c
}

// wireAndRedirectCases pin what issue 18 found where the model departed
// from the engines and the web-platform-tests: response header bytes that
// net/http refuses and browsers read, "Connection: close", credentials in
// a redirect's Location, and a header appended twice.
func wireAndRedirectCases() []Case {
	ok := reply(acaoPage)
	userinfo := func(name, about string, f Fetch, loc string, want string) Case {
		return Case{Name: name, About: about, Fetches: []Fetch{f}, Want: []string{want}, Server: Server{Hops: []Reply{
			{Status: 302, Location: loc + "/c/" + name + "/1", Headers: []string{acaoPage}}, ok}}}
	}
	json := Fetch{Method: "POST", Body: "{}"}
	return []Case{
		userinfo("redir-userinfo-to-page-tainted", "a Location with credentials on the page's own origin, once CORS-tainted: a network error",
			get, "{page-userinfo}", blocked),
		userinfo("redir-userinfo-same-server-tainted", "a Location with credentials on the API's own origin, once CORS-tainted: a network error",
			get, "{api-userinfo}", blocked),
		// Chromium fails it all the same (RedirectCredentialsAnyOrigin).
		in(userinfo("redir-userinfo-page-to-page", "a same-origin fetch redirected within the page's origin to a Location with credentials: not tainted, followed",
			Fetch{Target: "page"}, "{page-userinfo}", allowed), blocked, "chromium"),
		userinfo("redir-empty-userinfo", "an empty userinfo (http://@host) is no credentials: followed",
			get, "{api-empty-userinfo}", allowed),
		simple("header-value-ctl-18", "a response header value with the control byte 0x18 is read as is", get,
			reply(acaoPage, "Access-Control-Expose-Headers: X-Ctl", "X-Ctl: a\x18b"), allowed),
		simple("expose-vertical-tab", "a vertical tab (0x0B) in Access-Control-Expose-Headers: the response loads, the list exposes nothing", get,
			reply(acaoPage, "X-Custom: 1", "Access-Control-Expose-Headers: X-Custom\x0b"), allowed),
		simple("expose-form-feed", "a form feed (0x0C) in Access-Control-Expose-Headers: the same", get,
			reply(acaoPage, "X-Custom: 1", "Access-Control-Expose-Headers: \x0cX-Custom"), allowed),
		simple("acao-escape", "an ESC in Access-Control-Allow-Origin is a CORS error, not a network error", get,
			reply("Access-Control-Allow-Origin: {page}\x1b"), blocked),
		simple("acao-control-01", "a control byte 0x01 at the end of Access-Control-Allow-Origin", get,
			reply("Access-Control-Allow-Origin: {page}\x01"), blocked),
		simple("acao-del", "DEL (0x7F) at the end of Access-Control-Allow-Origin", get,
			reply("Access-Control-Allow-Origin: {page}\x7f"), blocked),
		simple("acao-leading-control", "a control byte before the origin in Access-Control-Allow-Origin", get,
			reply("Access-Control-Allow-Origin: \x02{page}"), blocked),
		pre("pf-content-type-twice-text", "text/plain appended twice: the combined value is not safelisted, a preflight",
			with(Fetch{Method: "POST", Body: "x"}, "Content-Type: text/plain", "Content-Type: text/plain"),
			okPreflight("Access-Control-Allow-Headers: content-type"), ok, allowed),
		pre("pf-content-type-twice-mixed", "Content-Type text/plain, then application/json: one safelisted line and one not",
			with(json, "Content-Type: text/plain", "Content-Type: application/json"),
			okPreflight("Access-Control-Allow-Headers: content-type"), ok, allowed),
		pre("pf-content-type-twice-cased", "Content-Type appended twice, spelled in two cases",
			with(json, "Content-Type: application/json", "content-type: application/json"),
			okPreflight("Access-Control-Allow-Headers: content-type"), ok, allowed),
		simple("header-value-nul", "a NUL in a response header value fails the whole response: a network error", get,
			reply(acaoPage, "X-Ctl: a\x00b"), blocked),
		simple("expose-star-connection-close", "* exposes Connection: close, which net/http's client drops", get,
			reply(acaoPage, "Access-Control-Expose-Headers: *", "Connection: close", "X-Custom: 1"), allowed),
		pre("pf-content-type-twice", "Content-Type appended twice: one combined value, listed once in Access-Control-Request-Headers",
			with(json, "Content-Type: application/json", "Content-Type: application/json"),
			okPreflight("Access-Control-Allow-Headers: content-type"), ok, allowed),
		pre("pf-custom-header-twice", "a custom header appended twice: one combined value in the request",
			with(get, "X-Custom: 1", "X-Custom: 2"), okPreflight("Access-Control-Allow-Headers: x-custom"), ok, allowed),
	}
}
