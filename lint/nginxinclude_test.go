package lint

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// writeTree writes files (slash-separated names) under a new folder.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, src := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// lintTree lints every file of dir as the CLI does and returns the
// findings as "file:line id", files relative to dir.
func lintTree(t *testing.T, dir string) (*Report, []string) {
	t.Helper()
	files, err := Walk([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	rep := Lint(context.Background(), files, Options{Roots: []string{dir}})
	var out []string
	for _, f := range rep.Findings {
		rel, _ := filepath.Rel(dir, f.File)
		out = append(out, filepath.ToSlash(rel)+":"+strconv.Itoa(f.Line)+" "+f.ID)
	}
	return rep, out
}

func has(list []string, s string) bool { return slices.Contains(list, s) }

// The CORS part in an included file: evaluated in the location that
// includes it, the finding at the included file's line, and the fragment
// not linted again on its own.
func TestNginxIncludeFindingAtIncludedLine(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"nginx.conf":         "http {\n    include conf.d/*.conf;\n}\n",
		"conf.d/api.conf":    "server {\n    listen 80;\n    location /api/ {\n        include snippets/cors.conf;\n        return 200;\n    }\n}\n",
		"snippets/cors.conf": "# CORS for the API\nif ($http_origin ~* \"https://app\\.example\\.com\") {\n    set $cors $http_origin;\n}\nadd_header Access-Control-Allow-Origin $cors always;\nadd_header Access-Control-Allow-Credentials true always;\n",
	})
	rep, got := lintTree(t, dir)
	t.Logf("%v", got)
	if !has(got, "snippets/cors.conf:2 prefix-match") {
		t.Fatalf("want prefix-match at snippets/cors.conf:2 (the if that lets the origin in), got %v", got)
	}
	if len(rep.Units) != 1 || filepath.Base(rep.Units[0].File) != "api.conf" || rep.Units[0].Line != 3 {
		for _, u := range rep.Units {
			t.Logf("unit %s:%d %s", u.File, u.Line, u.Name)
		}
		t.Fatalf("want one policy, location /api/ at conf.d/api.conf:3 (the fragments are not policies of their own), got %d", len(rep.Units))
	}
}

// A fragment of a sites-enabled file names its include from the main
// file's folder, one level up, as nginx resolves it.
func TestNginxIncludeFromTheMainFilesFolder(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"sites-enabled/api":  "server {\n    location / {\n        include snippets/cors.conf;\n        return 200;\n    }\n}\n",
		"snippets/cors.conf": "add_header Access-Control-Allow-Origin *;\n",
	})
	_, got := lintTree(t, dir)
	if !has(got, "snippets/cors.conf:1 add-header-without-always") || !has(got, "sites-enabled/api:2 wildcard-origin") {
		t.Fatalf("want the fragment's add_header read through the include, got %v", got)
	}
}

func TestNginxIncludeRefused(t *testing.T) {
	outside := writeTree(t, map[string]string{"cors.conf": "add_header Access-Control-Allow-Origin *;\n"})
	cases := map[string]struct {
		files map[string]string
		want  string
	}{
		"cycle": {map[string]string{
			"nginx.conf": "server {\n    location / {\n        include a.inc;\n        add_header Access-Control-Allow-Origin * always;\n    }\n}\n",
			"a.inc":      "include b.inc;\n",
			"b.inc":      "\ninclude a.inc;\n",
		}, "b.inc:2 not-evaluated|a cycle"},
		"outside": {map[string]string{
			"nginx.conf": "server {\n    location / {\n        include " + filepath.Join(outside, "cors.conf") + ";\n        add_header Access-Control-Allow-Origin * always;\n    }\n}\n",
		}, "nginx.conf:3 not-evaluated|outside the linted tree"},
		"dotdot": {map[string]string{
			"nginx.conf": "server {\n    location / {\n        include ../cors.conf;\n        add_header Access-Control-Allow-Origin * always;\n    }\n}\n",
		}, "nginx.conf:3 not-evaluated|outside the linted tree"},
		"missing": {map[string]string{
			"nginx.conf": "server {\n    location / {\n        include nope.conf;\n        add_header Access-Control-Allow-Origin * always;\n    }\n}\n",
		}, "nginx.conf:3 not-evaluated|no such file"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			dir := writeTree(t, c.files)
			rep, got := lintTree(t, dir)
			loc, why, _ := strings.Cut(c.want, "|")
			if !has(got, loc) {
				t.Fatalf("want %s, got %v", loc, got)
			}
			for _, f := range rep.Findings {
				if f.ID == NotEvaluated && !strings.Contains(f.Explanation, why) {
					t.Errorf("explanation %q does not say %q", f.Explanation, why)
				}
			}
			if !has(got, "nginx.conf:2 wildcard-origin") {
				t.Errorf("the location is still evaluated without the refused include: %v", got)
			}
		})
	}
}

// Includes are bounded: a file including itself through a glob many
// times over costs bounded work.
func TestNginxIncludeBounded(t *testing.T) {
	files := map[string]string{"nginx.conf": "server {\n    location / {\n        include inc/*.conf;\n        add_header Access-Control-Allow-Origin * always;\n    }\n}\n"}
	for i := range 40 {
		files["inc/f"+strconv.Itoa(i)+".conf"] = "include inc/*.conf;\n"
	}
	dir := writeTree(t, files)
	rep, got := lintTree(t, dir)
	if len(rep.Findings) == 0 || len(rep.Findings) > maxNginxIncludeErrors+5 {
		t.Fatalf("%d findings: %v", len(rep.Findings), got)
	}
}

// A repository keeps what a Dockerfile copies to /etc/nginx: an absolute
// include names the file of the tree by its tail, and the system's files
// included at the http level (mime.types) are not worth a finding.
func TestNginxIncludeDeployedPaths(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"nginx/nginx.conf":         "http {\n    include /etc/nginx/mime.types;\n    include /etc/nginx/conf.d/*.conf;\n}\n",
		"nginx/conf.d/api.conf":    "server {\n    location /api/ {\n        include /etc/nginx/snippets/cors.conf;\n        include /etc/nginx/snippets/missing.conf;\n        return 200;\n    }\n}\n",
		"nginx/snippets/cors.conf": "add_header Access-Control-Allow-Origin $http_origin always;\n",
	})
	rep, got := lintTree(t, dir)
	for _, want := range []string{"nginx/snippets/cors.conf:1 reflect-any-origin", "nginx/conf.d/api.conf:4 not-evaluated"} {
		if !has(got, want) {
			t.Errorf("want %s, got %v", want, got)
		}
	}
	for _, f := range rep.Findings {
		if strings.Contains(f.Explanation, "mime.types") {
			t.Errorf("an unread include at the http level reported: %s", f.Explanation)
		}
	}
	if len(rep.Units) != 2 { // location /api/ and the missing include's refusal
		t.Errorf("%d policies, want 2 (the fragments are read in place only)", len(rep.Units))
	}
}
