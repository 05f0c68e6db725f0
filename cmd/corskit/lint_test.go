package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runLintCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), append([]string{"lint"}, args...), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestLintUsageAndExitStatus(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "settings.py")
	// A subdomain hole (medium, with credentials) and nothing high.
	src := "CORS_ALLOWED_ORIGIN_REGEXES = [r\"^https://[a-z0-9-]+\\.example\\.com$\"]\nCORS_ALLOW_CREDENTIALS = True\n"
	if err := os.WriteFile(conf, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		code int
		out  string // in stdout, or stderr for status 2
	}{
		{[]string{filepath.Join(dir, "missing")}, 2, "no such file"},
		{[]string{"--format", "yaml", conf}, 2, "--format"},
		{[]string{"--fail-on", "critical", conf}, 2, "--fail-on"},
		{[]string{conf}, 1, "settings.py:1: any-subdomain [medium]"},
		{[]string{"--fail-on", "high", conf}, 0, "any-subdomain"},
	} {
		code, stdout, stderr := runLintCmd(t, tc.args...)
		where := stdout
		if tc.code == 2 {
			where = stderr
			if strings.Count(stderr, "\n") != 1 {
				t.Errorf("%v: stderr %q, want one line", tc.args, stderr)
			}
		}
		if code != tc.code || !strings.Contains(where, tc.out) {
			t.Errorf("%v: exit %d, want %d; output %q lacks %q", tc.args, code, tc.code, where, tc.out)
		}
	}
}

func TestLintJSONHasFileAndLine(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "settings.py")
	if err := os.WriteFile(conf, []byte("CORS_ALLOW_ALL_ORIGINS = True\nCORS_ALLOW_CREDENTIALS = True\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ := runLintCmd(t, "--format", "json", conf)
	var rep struct {
		Findings []map[string]any `json:"findings"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if code != 1 || len(rep.Findings) == 0 {
		t.Fatalf("exit %d, %d findings", code, len(rep.Findings))
	}
	f := rep.Findings[0]
	if f["id"] != "reflect-any-origin" || f["severity"] != "high" || f["file"] != conf || f["line"] != float64(1) || f["origin"] == "" {
		t.Errorf("first finding %v: want reflect-any-origin, high, at %s:1, with the attacker's origin", f, conf)
	}
}

// corskit lint reads the cloud formats: Terraform through the CLI's own
// reader (hcl), serverless.yml, R2 and ARM through lint's, each finding
// at its file and line with the vendor's documentation; a walk of the
// folder finds them by name and content.
func TestLintCloudFormats(t *testing.T) {
	dir := filepath.Join("..", "..", "lint", "testdata", "cloud")
	code, stdout, stderr := runLintCmd(t, dir)
	if code != 1 || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	for _, want := range []string{
		filepath.Join(dir, "terraform", "main.tf") + ":41: any-subdomain [medium] (s3)",
		filepath.Join(dir, "terraform", "main.tf") + ":58: localhost-origin [medium] (cloudfront)",
		filepath.Join(dir, "terraform", "main.tf") + ":93: not-evaluated [info] (azure)",
		filepath.Join(dir, "serverless.yml") + ":38: any-subdomain [medium] (apigateway)",
		filepath.Join(dir, "r2-cors.json") + ":5: any-subdomain [medium] (r2)",
		filepath.Join(dir, "r2", "cors.json") + ":4: localhost-origin [medium] (r2)",
		filepath.Join(dir, "azuredeploy.json") + ":16: wildcard-origin [info] (azure)",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("no %q in\n%s", want, stdout)
		}
	}
	if !strings.Contains(stdout, "from the vendor's documentation: https://www.serverless.com/") {
		t.Errorf("serverless.yml's findings cite the framework's documentation:\n%s", stdout)
	}
}
