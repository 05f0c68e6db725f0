package stacks_test

import (
	"strings"
	"testing"

	"github.com/corskit/corskit/stacks"
)

func TestCSPSnippets(t *testing.T) {
	got := stacks.CSPSnippets("default-src 'self'; connect-src 'self' https://api.example.com")
	want := map[string]string{
		"nginx":       `add_header Content-Security-Policy "default-src 'self'; connect-src 'self' https://api.example.com" always;`,
		"apache":      `Header always set Content-Security-Policy "default-src 'self'; connect-src 'self' https://api.example.com"`,
		"caddy":       `header Content-Security-Policy "default-src 'self'; connect-src 'self' https://api.example.com"`,
		"express":     "app.use(helmet.contentSecurityPolicy({ useDefaults: false, directives: {\n  \"defaultSrc\": [\"'self'\"],\n  \"connectSrc\": [\"'self'\", \"https://api.example.com\"],\n} }));",
		"django":      "CONTENT_SECURITY_POLICY = {\"DIRECTIVES\": {\n    \"default-src\": [\"'self'\"],\n    \"connect-src\": [\"'self'\", \"https://api.example.com\"],\n}}",
		"django-csp3": "CSP_DEFAULT_SRC = [\"'self'\"]\nCSP_CONNECT_SRC = [\"'self'\", \"https://api.example.com\"]",
	}
	if len(got) != len(want) {
		t.Fatalf("%d snippets, want %d", len(got), len(want))
	}
	for _, s := range got {
		if s.Code != want[s.Stack] {
			t.Errorf("%s:\n got %s\nwant %s", s.Stack, s.Code, want[s.Stack])
		}
	}
	// A value a target syntax would read otherwise gets no snippet.
	for _, bad := range []string{`connect-src "x"`, `connect-src $host`, "connect-src a\nb", `connect-src \x`, "connect-src é", ""} {
		if s := stacks.CSPSnippets(bad); s != nil {
			t.Errorf("%q: snippets %v, want none", bad, s)
		}
	}
	for _, s := range got[4:] {
		if !strings.Contains(s.Title, "csp.middleware.CSPMiddleware") {
			t.Errorf("%s: the title does not name django-csp's middleware: %s", s.Stack, s.Title)
		}
	}
}

// TestCSPSnippetsSamePolicy: helmet and django-csp build the header from
// directives, with defaults of their own; each snippet must make them
// send the policy asked for, no more and no less (e2e's
// TestCSPFixOnPageServers runs them).
func TestCSPSnippetsSamePolicy(t *testing.T) {
	for _, tc := range []struct {
		name, policy string
		want         map[string]string // stack: code; "" for no snippet
	}{
		// helmet refuses to start without a default-src, and django-csp
		// adds default-src 'self': both must be told there is none.
		{"no default-src", "connect-src 'self' http://localhost:8080", map[string]string{
			"express":     "app.use(helmet.contentSecurityPolicy({ useDefaults: false, directives: {\n  \"connectSrc\": [\"'self'\", \"http://localhost:8080\"],\n  \"defaultSrc\": helmet.contentSecurityPolicy.dangerouslyDisableDefaultSrc,\n} }));",
			"django":      "CONTENT_SECURITY_POLICY = {\"DIRECTIVES\": {\n    \"connect-src\": [\"'self'\", \"http://localhost:8080\"],\n    \"default-src\": None,\n}}",
			"django-csp3": "CSP_CONNECT_SRC = [\"'self'\", \"http://localhost:8080\"]\nCSP_DEFAULT_SRC = None",
		}},
		// A directive named twice: browsers keep the first; a keyed list
		// would keep the last, so the second is left out.
		{"named twice", "default-src 'none'; connect-src 'self'; CONNECT-SRC *", map[string]string{
			"express":     "app.use(helmet.contentSecurityPolicy({ useDefaults: false, directives: {\n  \"defaultSrc\": [\"'none'\"],\n  \"connectSrc\": [\"'self'\"],\n} }));",
			"django-csp3": "CSP_DEFAULT_SRC = [\"'none'\"]\nCSP_CONNECT_SRC = [\"'self'\"]",
		}},
		{"bare directive", "default-src 'self'; upgrade-insecure-requests", map[string]string{
			"express":     "app.use(helmet.contentSecurityPolicy({ useDefaults: false, directives: {\n  \"defaultSrc\": [\"'self'\"],\n  \"upgradeInsecureRequests\": [],\n} }));",
			"django-csp3": "CSP_DEFAULT_SRC = [\"'self'\"]\nCSP_UPGRADE_INSECURE_REQUESTS = []",
		}},
		// helmet throws on an unquoted keyword; django-csp sends it.
		{"unquoted keyword", "default-src self", map[string]string{"express": "", "django-csp3": "CSP_DEFAULT_SRC = [\"self\"]"}},
		{"unquoted hash", "default-src 'self'; script-src sha256-abc", map[string]string{"express": ""}},
		// django-csp drops a directive it does not know without a word.
		{"unknown to django-csp", "default-src 'self'; fenced-frame-src 'none'", map[string]string{"django": "", "django-csp3": "",
			"express": "app.use(helmet.contentSecurityPolicy({ useDefaults: false, directives: {\n  \"defaultSrc\": [\"'self'\"],\n  \"fencedFrameSrc\": [\"'none'\"],\n} }));"}},
		{"name helmet renames", "default-src 'self'; x-1a b", map[string]string{"express": "", "django": ""}},
		// A comma starts a second policy: only the header snippets.
		{"two policies", "default-src 'self', connect-src 'none'", map[string]string{"express": "", "django": "", "django-csp3": "",
			"nginx": `add_header Content-Security-Policy "default-src 'self', connect-src 'none'" always;`}},
		{"no directive", " ; ", map[string]string{"express": "", "django": "", "django-csp3": ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := map[string]string{}
			for _, s := range stacks.CSPSnippets(tc.policy) {
				got[s.Stack] = s.Code
			}
			for stack, want := range tc.want {
				if got[stack] != want {
					t.Errorf("%s:\n got %q\nwant %q", stack, got[stack], want)
				}
			}
		})
	}
}
