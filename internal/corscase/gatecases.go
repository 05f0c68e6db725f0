package corscase

// Gates returns the gate cases: the page's Content Security Policy
// (connect-src and its default-src fallback) and mixed content.
func Gates() []GateCase {
	return append(cspCases(), mixedContentCases()...)
}

func cspCase(name, about string, csp []string, target, want string) GateCase {
	return GateCase{Name: name, About: about, CSP: csp, Target: target, Want: want}
}

// samePage is a fetch to the page's own origin.
const samePage = "{page}/g/{case}/0"

func cspCases() []GateCase {
	one := func(p string) []string { return []string{p} }
	return []GateCase{
		cspCase("csp-self-cross-origin", "connect-src 'self' refuses another origin", one("connect-src 'self'"), "", blocked),
		cspCase("csp-self-same-origin", "connect-src 'self' allows the page's origin", one("connect-src 'self'"), samePage, allowed),
		cspCase("csp-none-same-origin", "connect-src 'none' refuses even the page's origin", one("connect-src 'none'"), samePage, blocked),
		cspCase("csp-host-port", "a host-source with the API's scheme, host and port allows it", one("connect-src {api}"), "", allowed),
		cspCase("csp-host-no-port", "a host-source without a port means the scheme's default port", one("connect-src http://localhost"), "", blocked),
		cspCase("csp-host-any-port", "port * allows any port", one("connect-src http://localhost:*"), "", allowed),
		cspCase("csp-host-no-scheme", "a host-source without a scheme takes the page's (http)", one("connect-src localhost:*"), "", allowed),
		cspCase("csp-wildcard-subdomain", "*.localhost matches hosts below localhost, not localhost itself", one("connect-src http://*.localhost:*"), "", blocked),
		cspCase("csp-star", "* allows any http(s) URL", one("connect-src *"), "", allowed),
		cspCase("csp-scheme-http", "the scheme-source http: allows http URLs", one("connect-src http:"), "", allowed),
		cspCase("csp-scheme-https", "the scheme-source https: refuses an http URL", one("connect-src https:"), "", blocked),
		cspCase("csp-default-fallback", "without connect-src, default-src decides", one("default-src 'self'"), "", blocked),
		cspCase("csp-connect-over-default", "connect-src wins over default-src", one("default-src 'none'; connect-src {api}"), "", allowed),
		cspCase("csp-path-prefix", "a path ending in / allows every path below it", one("connect-src {api}/g/"), "", allowed),
		cspCase("csp-path-exact", "a path not ending in / allows that path only", one("connect-src {api}/g/{case}/0"), "", allowed),
		cspCase("csp-path-other", "a path not ending in / refuses another path", one("connect-src {api}/g/other"), "", blocked),
		cspCase("csp-two-policies", "every policy must allow: a second, stricter one refuses", []string{"connect-src *", "connect-src 'self'"}, "", blocked),
		cspCase("csp-other-directives", "a policy without connect-src or default-src allows any connection", one("img-src 'none'"), "", allowed),
		cspCase("csp-ip-not-name", "a host-source for 127.0.0.1 does not allow localhost", one("connect-src http://127.0.0.1:*"), "", blocked),
		cspCase("csp-quoted-as-written", "the console quotes the directive as the policy spells it", one("Connect-Src  'SELF'   HTTP://X.Test/A/b"), "", blocked),
		cspCase("csp-case-insensitive", "directive names, schemes and hosts are case-insensitive", one("Connect-Src HTTP://LOCALHOST:*"), "", allowed),
		{Name: "csp-redirect-path-ignored", About: "after a redirect, a source's path is ignored (CSP3: no leak of the redirect's path)",
			CSP: []string{"connect-src {api}/g/{case}/0"}, Redirect: "{api}/g/{case}/1", Want: allowed},
		{Name: "csp-redirect-other-origin", About: "a redirect to an origin the policy does not allow is refused at that hop",
			CSP: []string{"connect-src {api}"}, Redirect: "{v6}/g/{case}/1", Want: blocked},
		{Name: "csp-report-only", About: "a report-only policy warns and lets the fetch go",
			CSPReportOnly: []string{"connect-src 'none'"}, Want: allowed},
		{Name: "csp-enforce-and-report", About: "an enforced policy that allows and a report-only one that does not",
			CSP: []string{"connect-src {api}"}, CSPReportOnly: []string{"connect-src 'self'"}, Want: allowed},
	}
}

// webkitBlocks: WebKitGTK 2.50 treats loopback http URLs as mixed content.
var webkitBlocks = map[string]string{"webkit": blocked}

func mixedContentCases() []GateCase {
	return []GateCase{
		{Name: "mixed-http-api", About: "an https page fetching http from a host that is not loopback: blockable mixed content, before any request",
			Secure: true, Target: "http://api.invalid/g/{case}/0", Want: blocked},
		{Name: "mixed-localhost", About: "http://localhost is potentially trustworthy: not mixed content (WebKitGTK blocks it)",
			Secure: true, Want: allowed, Engines: webkitBlocks},
		{Name: "mixed-sub-localhost", About: "http://app.localhost is potentially trustworthy too (WebKitGTK blocks it)",
			Secure: true, Target: "{sub-api}/g/{case}/0", Want: allowed, Engines: webkitBlocks},
		{Name: "mixed-loopback-ip", About: "http://127.0.0.1 is potentially trustworthy: not mixed content (WebKitGTK blocks it)",
			Secure: true, Target: samePage, Want: allowed, Engines: webkitBlocks},
		{Name: "mixed-loopback-v6", About: "http://[::1] is potentially trustworthy: not mixed content (WebKitGTK blocks it)",
			Secure: true, Target: "{v6}/g/{case}/0", Want: allowed, Engines: webkitBlocks},
		{Name: "mixed-https", About: "https from an https page is not mixed content",
			Secure: true, Target: "{spage}/g/{case}/0", Want: allowed},
		{Name: "mixed-redirect-to-http", About: "an https URL that redirects to http on another host: mixed content at the redirect",
			Secure: true, Target: "{spage}/g/{case}/0", Redirect: "http://api.invalid/g/{case}/1", Want: blocked},
		{Name: "mixed-and-csp", About: "a fetch both mixed content and refused by the page's CSP",
			Secure: true, CSP: []string{"connect-src 'self'"}, Target: "http://api.invalid/g/{case}/0", Want: blocked},
	}
}
