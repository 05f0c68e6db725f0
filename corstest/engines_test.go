package corstest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/corskit/corskit/corstest"
)

// hintsAPI allows GET from the page and answers preflights for PUT and
// DELETE with "Access-Control-Allow-Methods: *" cached for 10 minutes, but
// allows no request header.
func hintsAPI() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "https://app.example.com")
		if r.Method == http.MethodOptions {
			w.Header().Set("Access-Control-Allow-Methods", "*")
			w.Header().Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
		}
	})
}

func TestFetchEverywhereNamesTheEngineThatBlocks(t *testing.T) {
	rec := &recorder{TB: t}
	page := corstest.NewPage(rec, "https://app.example.com", hintsAPI())

	// Chromium safelists Save-Data; Firefox and WebKit preflight it, and the
	// preflight does not allow it.
	calls := page.FetchEverywhere("GET", "https://api.example.com/x", corstest.Header("Save-Data", "on")).Allowed()
	if len(rec.errors) != 2 {
		t.Fatalf("Allowed everywhere: %d failures, want 2 (firefox, webkit):\n%s", len(rec.errors), strings.Join(rec.errors, "\n"))
	}
	for i, want := range []string{
		"but firefox blocks it",
		"console: Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at https://api.example.com/x. (Reason: header ‘save-data’ is not allowed according to header ‘Access-Control-Allow-Headers’ from CORS preflight response).",
		"TypeError: NetworkError when attempting to fetch resource.",
	} {
		if !strings.Contains(rec.errors[0], want) {
			t.Errorf("failure %d lacks %q:\n%s", i, want, rec.errors[0])
		}
	}
	for _, want := range []string{
		"but webkit blocks it",
		"console: Request header field Save-Data is not allowed by Access-Control-Allow-Headers.",
		"console: Fetch API cannot load https://api.example.com/x due to access control checks.",
		"TypeError: Load failed",
	} {
		if !strings.Contains(rec.errors[1], want) {
			t.Errorf("failure lacks %q:\n%s", want, rec.errors[1])
		}
	}
	rec.errors = nil
	calls.In("chromium").Allowed()
	calls.In("chromium").Preflighted(false)
	calls.In("firefox").Blocked()
	calls.In("webkit").Preflighted(true)
	if len(rec.errors) != 0 {
		t.Errorf("per-engine assertions failed:\n%s", strings.Join(rec.errors, "\n"))
	}

	page.FetchEverywhere("GET", "https://api.example.com/x").Allowed().Preflighted(false)
	page.FetchEverywhere("GET", "https://api.example.com/x", corstest.Credentials()).Blocked()
	if len(rec.errors) != 0 {
		t.Errorf("a simple GET: %s", strings.Join(rec.errors, "\n"))
	}
}

// Each engine keeps its own preflight cache: a cached "*" serves DELETE in
// Chromium and WebKit, not in Firefox.
func TestFetchEverywhereKeepsACachePerEngine(t *testing.T) {
	page := corstest.NewPage(t, "https://app.example.com", hintsAPI())
	page.FetchEverywhere("PUT", "https://api.example.com/x").Allowed().Preflighted(true)
	second := page.FetchEverywhere("DELETE", "https://api.example.com/x").Allowed()
	second.In("chromium").Preflighted(false)
	second.In("webkit").Preflighted(false)
	second.In("firefox").Preflighted(true)

	// Page.Fetch still uses the page's own browser, untouched by these.
	page.Fetch("DELETE", "https://api.example.com/x").Preflighted(true)
}
