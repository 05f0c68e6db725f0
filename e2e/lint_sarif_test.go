package e2e

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/corskit/corskit/e2e/cli"
)

// TestLintSARIFValidates runs `corskit lint --format sarif` in a repository
// with a hole in an nginx file and a Django settings file and validates the
// output as TestAuditSARIFValidates does audit's; every result must sit at
// a file of the repository and a line.
func TestLintSARIFValidates(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	bin := cli.Build(ctx, t)
	repo := t.TempDir()
	files := map[string]string{
		"deploy/nginx.conf": "server {\n    location /api/ {\n        if ($http_origin ~* \"https://app\\.example\\.com\") {\n            add_header Access-Control-Allow-Origin $http_origin always;\n            add_header Access-Control-Allow-Credentials true always;\n        }\n        return 200;\n    }\n}\n",
		"site/settings.py":  "CORS_ALLOWED_ORIGIN_REGEXES = [r\"^https://\\w+\\.example\\.com\"]\nCORS_ALLOW_CREDENTIALS = True\n",
		"broken/nginx.conf": "server { location / { add_header X \"unterminated; } }\n",
		"README.md":         "# not a configuration\n",
	}
	for name, src := range files {
		p := filepath.Join(repo, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var out, errOut bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, "lint", "--format", "sarif")
	cmd.Dir, cmd.Stdout, cmd.Stderr = repo, &out, &errOut
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("exit: %v (want status 1)\n%s", err, errOut.String())
	}
	rep := validSARIF(t, out.Bytes())
	run := rep.Runs[0]
	at := map[string]bool{}
	for _, r := range run.Results {
		if len(r.Locations) == 0 || r.Locations[0].PhysicalLocation == nil || r.Locations[0].PhysicalLocation.Region == nil {
			t.Fatalf("result %s without a file and line", *r.RuleID)
		}
		pl := r.Locations[0].PhysicalLocation
		at[*r.RuleID+" "+*pl.ArtifactLocation.URI+":"+strconv.Itoa(*pl.Region.StartLine)] = true
	}
	for _, want := range []string{"prefix-match deploy/nginx.conf:3", "prefix-match site/settings.py:1"} {
		if !at[want] {
			t.Errorf("no result %s; have %v", want, at)
		}
	}
	if n := len(run.Invocations[0].ToolExecutionNotifications); n != 1 {
		t.Errorf("%d notifications, want 1 for broken/nginx.conf", n)
	}
}
