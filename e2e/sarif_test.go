package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/corskit/corskit/e2e/cli"
)

// TestAuditSARIFValidates runs `corskit audit --format sarif --cookie` on a
// vulnerable server (it also serves the user's data without CORP) and an
// unreachable one, and validates the output
// against the OASIS SARIF 2.1.0 schema (as go-sarif embeds it): first a
// strict decode that refuses any field SARIF does not define, then the
// schema itself.
func TestAuditSARIFValidates(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	bin := cli.Build(ctx, t)
	vuln := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if o := r.Header.Get("Origin"); o != "" {
			w.Header().Set("Access-Control-Allow-Origin", o)
			w.Header().Set("Access-Control-Allow-Credentials", "true")
		}
		if c, err := r.Cookie("sid"); err != nil || c.Value != "alice" {
			w.WriteHeader(http.StatusUnauthorized)
		}
	}))
	defer vuln.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()

	var out, errOut bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, "audit", vuln.URL+"/me", closedURL+"/x", "--format", "sarif", "--rate", "0", "--cookie", "sid=alice")
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("exit: %v (want status 1)\n%s", err, errOut.String())
	}

	rep := validSARIF(t, out.Bytes())
	run := rep.Runs[0]
	if len(run.Results) == 0 || *run.Tool.Driver.Name != "corskit" || len(run.Tool.Driver.Rules) == 0 {
		t.Errorf("run: %d results, %d rules", len(run.Results), len(run.Tool.Driver.Rules))
	}
	var ids []string
	for _, r := range run.Results {
		ids = append(ids, *r.RuleID)
	}
	for _, id := range []string{"reflect-any-origin", "embeddable-without-corp"} {
		if !strings.Contains(strings.Join(ids, " "), id) {
			t.Errorf("results %v lack %s", ids, id)
		}
	}
	for _, r := range run.Tool.Driver.Rules {
		if r.ShortDescription == nil || r.ShortDescription.Text == nil || *r.ShortDescription.Text == "" {
			t.Errorf("rule %s has no description", *r.ID)
		}
	}
	// GitHub code scanning places results at repository files: no result
	// may point at the http(s) URL audited, nor at an absolute path.
	for _, r := range run.Results {
		if len(r.Locations) == 0 || r.Locations[0].PhysicalLocation == nil || r.Locations[0].PhysicalLocation.ArtifactLocation == nil {
			t.Fatalf("result %s without a physical location", *r.RuleID)
		}
		uri := *r.Locations[0].PhysicalLocation.ArtifactLocation.URI
		if strings.Contains(uri, "://") || strings.HasPrefix(uri, "/") || uri != ".corskit/targets.txt" {
			t.Errorf("result located at %q: want the repository file .corskit/targets.txt", uri)
		}
		if !strings.Contains(*r.Message.Text, vuln.URL) {
			t.Errorf("message %q does not name the URL", *r.Message.Text)
		}
	}
	if n := len(run.Invocations[0].ToolExecutionNotifications); n != 1 {
		t.Errorf("%d notifications, want 1 for the unreachable target", n)
	}
}

// validSARIF decodes out strictly as SARIF 2.1.0 (no unknown field) and
// validates it against the schema, as GitHub's code scanning would; the
// audit's and lint's SARIF both pass through it.
func validSARIF(t *testing.T, out []byte) sarif.Report {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.DisallowUnknownFields()
	var rep sarif.Report
	if err := dec.Decode(&rep); err != nil {
		t.Fatalf("not SARIF 2.1.0 (strict decode): %v\n%s", err, out)
	}
	// go-sarif validates its decoded structs; FromBytes fills the arrays a
	// strict decode leaves nil, which the schema requires to be arrays.
	loaded, err := sarif.FromBytes(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := loaded.Validate(); err != nil {
		t.Fatalf("SARIF schema validation: %v", err)
	}
	return rep
}
