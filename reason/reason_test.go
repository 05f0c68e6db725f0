package reason_test

import (
	"strings"
	"testing"

	"github.com/corskit/corskit/reason"
)

// TestNames: every reason has one stable, distinct, kebab-case name, the
// one logs, metric labels and `corskit check --json` carry.
func TestNames(t *testing.T) {
	seen := map[string]reason.ID{}
	for _, id := range reason.All() {
		s := id.String()
		if s == "" || strings.HasPrefix(s, "reason(") || strings.ToLower(s) != s || strings.ContainsAny(s, " _") {
			t.Errorf("reason %d has name %q", int(id), s)
		}
		if prev, dup := seen[s]; dup {
			t.Errorf("reasons %d and %d share the name %q", int(prev), int(id), s)
		}
		seen[s] = id
	}
	if got := reason.ID(999).String(); got != "reason(999)" {
		t.Errorf("unknown reason: %q", got)
	}
	if reason.InvalidRequestHeaders.IsCORS() || !reason.HeaderNotAllowed.IsCORS() {
		t.Error("IsCORS: the server-side reasons are not failures of the CORS check")
	}
}

// TestGuards: the guards are not CORS reasons, and each has the name
// `corskit check --json` gives its warning.
func TestGuards(t *testing.T) {
	want := map[reason.ID]string{reason.CSRFGuard: "csrf-guard", reason.DjangoCSRF: "django-csrf", reason.ViteHostCheck: "vite-host-check", reason.NextDevOrigin: "next-dev-origin"}
	for _, id := range reason.All() {
		name, guard := want[id]
		if id.IsGuard() != guard || (guard && (id.IsCORS() || id.String() != name)) {
			t.Errorf("%v: IsGuard %v, IsCORS %v, name %q", id, id.IsGuard(), id.IsCORS(), id.String())
		}
	}
}
