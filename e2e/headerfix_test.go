package e2e

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/corskit/corskit/stacks"
)

// newDocroot makes a document root holding one file, readable by Apache's
// worker (nobody), for the tests that paste a header snippet into real
// nginx, Apache and Caddy serving static files.
func newDocroot(t *testing.T, name string, data []byte) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "corskit-docroot-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// snippetFor is the code of stack's snippet among snippets (the CSP and
// CORP fixes share the type); a missing one fails the test.
func snippetFor(t *testing.T, snippets []stacks.CSPSnippet, stack string) string {
	t.Helper()
	for _, s := range snippets {
		if s.Stack == stack {
			return s.Code
		}
	}
	t.Fatalf("no %s snippet in %v", stack, snippets)
	return ""
}
