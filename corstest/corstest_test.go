package corstest_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/corskit/corskit/corstest"
	"github.com/corskit/corskit/fetch"
)

// recorder is a testing.TB that records failures instead of failing, so
// that the assertions themselves can be tested.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func TestAssertionsFailWithTheConsoleMessageAndTrace(t *testing.T) {
	rec := &recorder{TB: t}
	page := corstest.NewPage(rec, "https://app.example.com", api())

	page.Fetch("GET", "https://api.example.com/x", corstest.Header("X-Debug", "1")).Allowed()
	if len(rec.errors) != 1 {
		t.Fatalf("Allowed on a blocked call: %d failures, want 1", len(rec.errors))
	}
	msg := rec.errors[0]
	for _, want := range []string{
		"want the call allowed",
		"Request header field x-debug is not allowed by Access-Control-Allow-Headers in preflight response.",
		"> OPTIONS https://api.example.com/x  (preflight",
		"> Access-Control-Request-Headers: x-debug",
		"< 204",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("failure message lacks %q:\n%s", want, msg)
		}
	}

	rec.errors = nil
	page.Fetch("GET", "https://api.example.com/x").Blocked()
	page.Fetch("GET", "https://api.example.com/x").BlockedFor(fetch.ReasonMissingAllowOrigin)
	page.Fetch("GET", "https://api.example.com/x").Readable("X-Secret")
	page.Fetch("GET", "https://api.example.com/x").Preflighted(true)
	if len(rec.errors) != 4 {
		t.Errorf("got %d failures, want 4:\n%s", len(rec.errors), strings.Join(rec.errors, "\n"))
	}

	rec.errors = nil
	page.Fetch("GET", "https://api.example.com/x", corstest.Header("X-Debug", "1")).BlockedFor(fetch.ReasonMissingAllowOrigin)
	if len(rec.errors) != 1 || !strings.Contains(rec.errors[0], "blocked for header-not-allowed") {
		t.Errorf("BlockedFor with the wrong reason: %q", rec.errors)
	}

	rec.errors = nil
	corstest.NewPage(rec, "https://app.example.com/path", nil)
	if len(rec.errors) != 1 || !strings.Contains(rec.errors[0], "path") {
		t.Errorf("NewPage with a bad origin: %q", rec.errors)
	}
}

// A nil handler sends the calls over the network: here to a loopback
// server.
func TestLiveServer(t *testing.T) {
	srv := httptest.NewServer(api())
	defer srv.Close()
	page := corstest.NewPage(t, "https://app.example.com", nil)
	res := page.Fetch("PUT", srv.URL+"/items/1", corstest.Header("Content-Type", "application/json")).
		Preflighted(true).Allowed()
	if res.Status != http.StatusOK {
		t.Errorf("status %d", res.Status)
	}
	if string(res.Body) != "ok\n" {
		t.Errorf("body %q", res.Body)
	}
}

func TestInProcessPreflightCache(t *testing.T) {
	page := corstest.NewPage(t, "https://app.example.com", api())
	page.Fetch("PUT", "https://api.example.com/items/1").Preflighted(true).Allowed()
	// The cors middleware sends no Max-Age by default: the 5 s default applies.
	page.Fetch("PUT", "https://api.example.com/items/1").Preflighted(false).Allowed()
}
