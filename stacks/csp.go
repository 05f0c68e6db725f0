package stacks

import (
	"strconv"
	"strings"
)

// A page's Content Security Policy is sent by the server of the page, not
// by the API's: when its connect-src refuses a call, that server's
// configuration is what changes. CSPSnippet writes the header in each
// stack's syntax.

// CSPSnippet is one stack's way of sending a Content-Security-Policy.
type CSPSnippet struct {
	Stack string `json:"stack"` // nginx, apache, caddy, express, django
	Title string `json:"title"`
	Code  string `json:"code"`
}

// CSPSnippets writes the header Content-Security-Policy: policy for the
// stacks that commonly serve pages. It returns nil when the policy holds
// a byte that some target syntax cannot carry as written (a quote, a
// backslash, "$", a control or non-ASCII byte): the model then shows the
// header only, never a snippet that would mean something else.
func CSPSnippets(policy string) []CSPSnippet {
	if !cspSafe(policy) {
		return nil
	}
	directives := cspDirectives(policy)
	return []CSPSnippet{
		{"nginx", "nginx (the server block that serves the page)",
			`add_header Content-Security-Policy "` + policy + `" always;`},
		{"apache", "Apache httpd (mod_headers)",
			`Header always set Content-Security-Policy "` + policy + `"`},
		{"caddy", "Caddy",
			`header Content-Security-Policy "` + policy + `"`},
		{"express", "Express with helmet",
			"app.use(helmet.contentSecurityPolicy({ useDefaults: false, directives: {\n" + helmetDirectives(directives) + "} }));"},
		{"django", "Django with django-csp 4 (settings.py; before 4.0: one CSP_<DIRECTIVE> setting each, such as CSP_CONNECT_SRC)",
			"CONTENT_SECURITY_POLICY = {\"DIRECTIVES\": {\n" + djangoDirectives(directives) + "}}"},
	}
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

func cspDirectives(policy string) []cspDirective {
	var out []cspDirective
	for _, d := range strings.Split(policy, ";") {
		f := strings.Fields(d)
		if len(f) > 0 {
			out = append(out, cspDirective{strings.ToLower(f[0]), f[1:]})
		}
	}
	return out
}

// helmetDirectives: helmet names directives in camelCase
// (connectSrc) and takes each source as a string.
func helmetDirectives(ds []cspDirective) string {
	var b strings.Builder
	for _, d := range ds {
		parts := strings.Split(d.name, "-")
		for i := 1; i < len(parts); i++ {
			if parts[i] != "" {
				parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
			}
		}
		b.WriteString("  " + strconv.Quote(strings.Join(parts, "")) + ": [" + quoted(d.sources) + "],\n")
	}
	return b.String()
}

// djangoDirectives: django-csp 4 keys directives by their CSP name.
func djangoDirectives(ds []cspDirective) string {
	var b strings.Builder
	for _, d := range ds {
		b.WriteString("    " + strconv.Quote(d.name) + ": [" + quoted(d.sources) + "],\n")
	}
	return b.String()
}
