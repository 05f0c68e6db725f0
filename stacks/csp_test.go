package stacks_test

import (
	"strings"
	"testing"

	"github.com/corskit/corskit/stacks"
)

func TestCSPSnippets(t *testing.T) {
	got := stacks.CSPSnippets("default-src 'self'; connect-src 'self' https://api.example.com")
	want := map[string]string{
		"nginx":   `add_header Content-Security-Policy "default-src 'self'; connect-src 'self' https://api.example.com" always;`,
		"apache":  `Header always set Content-Security-Policy "default-src 'self'; connect-src 'self' https://api.example.com"`,
		"caddy":   `header Content-Security-Policy "default-src 'self'; connect-src 'self' https://api.example.com"`,
		"express": "app.use(helmet.contentSecurityPolicy({ useDefaults: false, directives: {\n  \"defaultSrc\": [\"'self'\"],\n  \"connectSrc\": [\"'self'\", \"https://api.example.com\"],\n} }));",
		"django":  "CONTENT_SECURITY_POLICY = {\"DIRECTIVES\": {\n    \"default-src\": [\"'self'\"],\n    \"connect-src\": [\"'self'\", \"https://api.example.com\"],\n}}",
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
	if !strings.Contains(got[4].Title, "CSP_CONNECT_SRC") {
		t.Error("django: the title names the settings of django-csp before 4.0")
	}
}
