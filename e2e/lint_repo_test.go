package e2e

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/corskit/corskit/e2e/realserver"
	"github.com/corskit/corskit/lint"
)

// TestLintRepositoryConfigurations lints what this repository itself
// deploys, the examples/ folder and e2e's server configurations, as
// `corskit lint examples e2e` does: every policy it finds is listed
// here with the findings it must give, and where e2e starts that server
// the findings are the live audit's.
func TestLintRepositoryConfigurations(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	paths := []string{filepath.Join(root, "examples"), filepath.Join(root, "e2e")}
	files, err := lint.Walk(paths)
	if err != nil {
		t.Fatal(err)
	}
	rep := lint.Lint(context.Background(), files, lint.Options{Roots: paths})
	if len(rep.Errors) > 0 {
		t.Errorf("files lint could not read: %v", rep.Errors)
	}
	rel := func(f string) string {
		r, _ := filepath.Rel(root, f)
		return filepath.ToSlash(r)
	}
	var policies, findings []string
	for _, u := range rep.Units {
		policies = append(policies, fmt.Sprintf("%s:%d %s", rel(u.File), u.Line, u.Stack))
	}
	for _, f := range rep.Findings {
		findings = append(findings, fmt.Sprintf("%s:%d %s/%s", rel(f.File), f.Line, f.ID, f.Severity))
	}
	slices.Sort(policies)
	slices.Sort(findings)
	// The examples' cors.Config literals allow exact origins (metrics: and
	// one wildcard subdomain, without credentials): no finding. tenants
	// builds its Config from a file, e2e's servers from the environment:
	// not evaluated. server.js's cors() with no options is the package's
	// default, "*".
	wantPolicies := []string{
		"e2e/node/server.js:19 express",
		"e2e/node/server.js:19 express",
		"e2e/realserver/flask_server.py:21 flask",
		"e2e/realserver/gobackend.go:52 corskit",
		"examples/chi/main.go:24 corskit",
		"examples/echo/main.go:23 corskit",
		"examples/gin/main.go:26 corskit",
		"examples/gorillamux/main.go:33 corskit",
		"examples/metrics/main.go:41 corskit",
		"examples/reverseproxy/main.go:36 corskit",
		"examples/servemux/main.go:28 corskit",
		"examples/tenants/tenants.go:75 corskit",
	}
	wantFindings := []string{
		"e2e/node/server.js:19 not-evaluated/info",
		"e2e/node/server.js:19 wildcard-origin/info",
		"e2e/realserver/flask_server.py:21 not-evaluated/info",
		"e2e/realserver/gobackend.go:52 not-evaluated/info",
		"examples/tenants/tenants.go:75 not-evaluated/info",
	}
	if !slices.Equal(policies, wantPolicies) {
		t.Errorf("policies found:\n  %s\nwant:\n  %s\n(a new configuration in examples/ or e2e/: list it here with its findings)", strings.Join(policies, "\n  "), strings.Join(wantPolicies, "\n  "))
	}
	if !slices.Equal(findings, wantFindings) {
		t.Errorf("findings:\n  %s\nwant:\n  %s", strings.Join(findings, "\n  "), strings.Join(wantFindings, "\n  "))
	}

	// server.js's evaluated policy against server.js itself, started as
	// e2e starts it with no options.
	var cases []diffCase
	for _, u := range rep.Units {
		if rel(u.File) == "e2e/node/server.js" && u.Dynamic == "" {
			srv := realserver.Express(t, realserver.ExpressOptions{})
			cases = append(cases, diffCase{name: "server.js cors()", file: u.File, url: srv.URL + u.Path, unit: u})
			if bad := differ(t, strings.TrimPrefix(srv.URL, "http://"), cases, func(diffCase) string { return "e2e/node/server.js" }); bad > 0 {
				t.Errorf("server.js: lint and the live audit differ")
			}
		}
	}
	if len(cases) != 1 {
		t.Errorf("server.js: %d evaluated policies, want 1", len(cases))
	}
}

// TestLintNginxCORSConfigurations lints the nginx configurations e2e's
// realserver.NginxCORS deploys (the forms the audit's tests run against),
// written to a file as an operator would keep them, and audits each on the
// real nginx: the findings must be the live audit's.
func TestLintNginxCORSConfigurations(t *testing.T) {
	const frontEnd, admin = "http://app.victim.example", "http://admin.victim.example"
	configs := map[string]realserver.NginxCORSOptions{
		"if-reflect":       {Form: realserver.IfForm, Origins: []string{"$http_origin"}, Credentials: true, Methods: []string{"GET", "POST"}},
		"if-exact":         {Form: realserver.IfForm, Origins: []string{frontEnd, admin}, Credentials: true, Vary: true, Methods: []string{"GET", "POST"}},
		"map-exact":        {Form: realserver.MapForm, Origins: []string{frontEnd, admin}, Credentials: true, Vary: true, Methods: []string{"GET", "POST"}},
		"add-header-fixed": {Form: realserver.AddHeaderForm, Origins: []string{frontEnd}, Credentials: true},
		"add-header-star":  {Form: realserver.AddHeaderForm, Origins: []string{"*"}, Exposed: []string{"X-Total"}},
	}
	dir := t.TempDir()
	for _, name := range slices.Sorted(maps.Keys(configs)) {
		conf := realserver.NginxCORSConf(configs[name])
		file := filepath.Join(dir, name+".conf")
		deployed := strings.ReplaceAll(conf, realserver.Listen, "127.0.0.1:8080")
		if err := os.WriteFile(file, []byte(deployed), 0o644); err != nil {
			t.Fatal(err)
		}
		units, err := lint.ReadFile(file, []byte(deployed))
		if err != nil || len(units) != 1 {
			t.Fatalf("%s: lint read %d policies, %v", name, len(units), err)
		}
		srv := realserver.NginxHTTP(t, conf)
		c := diffCase{name: name, file: file, url: srv.URL + units[0].Path, unit: units[0]}
		differ(t, strings.TrimPrefix(srv.URL, "http://"), []diffCase{c}, func(diffCase) string { return deployed })
	}
}
