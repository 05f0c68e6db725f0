package stacks

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// A page's Content Security Policy is sent by the server of the page, not
// by the API's: when its connect-src refuses a call, that server's
// configuration is what changes. CSPSnippet writes the header in each
// stack's syntax.

// CSPSnippet is one stack's way of sending a Content-Security-Policy.
type CSPSnippet struct {
	Stack string `json:"stack"` // nginx, apache, caddy, express, django, django-csp3
	Title string `json:"title"`
	Code  string `json:"code"`
}

// CSPSnippets writes the header Content-Security-Policy: policy for the
// stacks that commonly serve pages. It returns nil when the policy holds
// a byte that some target syntax cannot carry as written (a quote, a
// backslash, "$", a control or non-ASCII byte): the model then shows the
// header only, never a snippet that would mean something else. The
// libraries that build the header from directives (helmet, django-csp)
// get a snippet only when they would send the same policy: see
// helmetSnippet and djangoSnippets.
func CSPSnippets(policy string) []CSPSnippet {
	if !cspSafe(policy) {
		return nil
	}
	out := []CSPSnippet{
		{"nginx", "nginx (the server block that serves the page)",
			`add_header Content-Security-Policy "` + policy + `" always;`},
		{"apache", "Apache httpd (mod_headers)",
			`Header always set Content-Security-Policy "` + policy + `"`},
		{"caddy", "Caddy",
			`header Content-Security-Policy "` + policy + `"`},
	}
	// A comma starts a second policy, which a directive list cannot say.
	directives := cspDirectives(policy)
	if len(directives) == 0 || strings.Contains(policy, ",") {
		return out
	}
	if code, ok := helmetSnippet(directives); ok {
		out = append(out, CSPSnippet{"express", "Express with helmet", code})
	}
	return append(out, djangoSnippets(directives)...)
}

// cspSafe: printable ASCII without the bytes a target string syntax gives
// a meaning ("\"", "\\", "$" for nginx's variables, "`").
func cspSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '$' || c == '`' {
			return false
		}
	}
	return s != ""
}

type cspDirective struct {
	name    string
	sources []string
}

// cspDirectives are the directives of policy as browsers read them: a
// directive named again is ignored (CSP3 §2.2.1), so it is left out
// here, where a library's keyed directives would let the last one win.
func cspDirectives(policy string) []cspDirective {
	var out []cspDirective
	seen := map[string]bool{}
	for _, d := range strings.Split(policy, ";") {
		f := strings.Fields(d)
		if len(f) > 0 && !seen[strings.ToLower(f[0])] {
			seen[strings.ToLower(f[0])] = true
			out = append(out, cspDirective{strings.ToLower(f[0]), f[1:]})
		}
	}
	return out
}

// hasDirective reports whether ds names the directive.
func hasDirective(ds []cspDirective, name string) bool {
	for _, d := range ds {
		if d.name == name {
			return true
		}
	}
	return false
}

// helmetName is a directive name helmet reads back to itself from its
// camelCase: lowercase words of letters and digits, each starting with a
// letter, joined by "-" (helmet 8's parseDirectiveName).
var helmetName = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z][a-z0-9]*)*$`)

// helmetRefused are source expressions helmet 8 throws on at startup
// ("... should be quoted"): keywords and hashes written without quotes.
func helmetRefused(src string) bool {
	switch src {
	case "none", "self", "strict-dynamic", "report-sample", "inline-speculation-rules", "unsafe-inline",
		"unsafe-eval", "unsafe-hashes", "wasm-unsafe-eval":
		return true
	}
	for _, p := range []string{"nonce-", "sha256-", "sha384-", "sha512-"} {
		if strings.HasPrefix(src, p) {
			return true
		}
	}
	return false
}

// helmetSnippet: helmet names directives in camelCase (connectSrc) and
// takes each source as a string. With useDefaults: false it sends only
// the directives given, but refuses to start without a default-src: a
// policy without one says so with dangerouslyDisableDefaultSrc, which
// sends none. ok is false for a policy helmet would refuse or rename.
func helmetSnippet(ds []cspDirective) (code string, ok bool) {
	var b strings.Builder
	b.WriteString("app.use(helmet.contentSecurityPolicy({ useDefaults: false, directives: {\n")
	for _, d := range ds {
		if !helmetName.MatchString(d.name) || slices.ContainsFunc(d.sources, helmetRefused) {
			return "", false
		}
		parts := strings.Split(d.name, "-")
		for i := 1; i < len(parts); i++ {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
		b.WriteString("  " + strconv.Quote(strings.Join(parts, "")) + ": [" + quoted(d.sources) + "],\n")
	}
	if !hasDirective(ds, "default-src") {
		b.WriteString("  \"defaultSrc\": helmet.contentSecurityPolicy.dangerouslyDisableDefaultSrc,\n")
	}
	b.WriteString("} }));")
	return b.String(), true
}

// djangoCSPDirectives are the directives django-csp 3.7 (Debian
// bookworm's python3-django-csp) builds a policy from; 4.x adds webrtc.
// Both drop any other directive without a word, so a policy with another
// gets no Django snippet.
var djangoCSPDirectives = []string{
	"child-src", "connect-src", "default-src", "script-src", "script-src-attr", "script-src-elem", "object-src",
	"style-src", "style-src-attr", "style-src-elem", "font-src", "frame-src", "img-src", "manifest-src",
	"media-src", "prefetch-src", "worker-src", "base-uri", "plugin-types", "sandbox", "form-action",
	"frame-ancestors", "navigate-to", "report-uri", "report-to", "require-sri-for",
	"require-trusted-types-for", "trusted-types", "upgrade-insecure-requests", "block-all-mixed-content",
}

// djangoSnippets: django-csp 4 keys directives by their CSP name in
// CONTENT_SECURITY_POLICY; 3.x has a CSP_<DIRECTIVE> setting each. Both
// send default-src 'self' unless told None, which a policy without a
// default-src must say (or the page would get a directive it never
// had). An empty list sends the bare directive (upgrade-insecure-requests)
// in both.
func djangoSnippets(ds []cspDirective) []CSPSnippet {
	var v4, v3 strings.Builder
	for _, d := range ds {
		if !slices.Contains(djangoCSPDirectives, d.name) {
			return nil
		}
		v4.WriteString("    " + strconv.Quote(d.name) + ": [" + quoted(d.sources) + "],\n")
		v3.WriteString(djangoCSP3Setting(d.name) + " = [" + quoted(d.sources) + "]\n")
	}
	if !hasDirective(ds, "default-src") {
		v4.WriteString("    \"default-src\": None,\n")
		v3.WriteString(djangoCSP3Setting("default-src") + " = None\n")
	}
	const mw = "MIDDLEWARE gets \"csp.middleware.CSPMiddleware\""
	return []CSPSnippet{
		{"django", "Django with django-csp 4 (settings.py; " + mw + ")",
			"CONTENT_SECURITY_POLICY = {\"DIRECTIVES\": {\n" + v4.String() + "}}"},
		{"django-csp3", "Django with django-csp 3.x, such as Debian bookworm's 3.7 (settings.py; " + mw + ")",
			strings.TrimSuffix(v3.String(), "\n")},
	}
}

// djangoCSP3Setting is django-csp 3's setting for a directive:
// connect-src is CSP_CONNECT_SRC.
func djangoCSP3Setting(name string) string {
	return "CSP_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}
