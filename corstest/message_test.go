package corstest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/corskit/corskit/corstest"
	"github.com/corskit/corskit/explain"
	"github.com/corskit/corskit/fetch"
)

// A failure message must let the reader fix the server without rerunning
// anything: the whole call as the page made it, and the fix as `corskit
// check` prints it.

// fixBlock is explain's fixes in the layout of `corskit check`, indented
// as corstest indents them under the verdict.
func fixBlock(d explain.Diagnosis) string {
	var b strings.Builder
	b.WriteString("  Fix:\n")
	for _, f := range d.Fixes {
		if f.Header != "" && f.Value != "" {
			b.WriteString("    on the " + f.Response + " response: " + f.Header + ": " + f.Value + "\n")
			b.WriteString("      " + f.Text + "\n")
		} else {
			b.WriteString("    " + f.Response + ": " + f.Text + "\n")
		}
		if f.Config != "" {
			b.WriteString("      with corskit's cors middleware: " + f.Config + "\n")
		}
		if f.Security != "" {
			b.WriteString("      security: " + f.Security + "\n")
		}
	}
	return b.String()
}

func TestFailureShowsTheWholeCallAndTheFix(t *testing.T) {
	rec := &recorder{TB: t}
	page := corstest.NewPage(rec, "https://app.example.com", api())
	call := page.Fetch("PUT", "https://api.example.com/items/1",
		corstest.Header("Content-Type", "application/json"),
		corstest.Header("X-Debug", "1"),
		corstest.Body(`{"name":"x"}`),
		corstest.Credentials(),
	)
	call.Allowed()
	if len(rec.errors) != 1 {
		t.Fatalf("Allowed on a blocked call: %d failures, want 1", len(rec.errors))
	}
	msg := rec.errors[0]
	for _, want := range []string{
		// The call, as the page's fetch(): origin, URL, method, every
		// header in order, the body, mode and credentials.
		`  page https://app.example.com: fetch("https://api.example.com/items/1", {method: "PUT", ` +
			`headers: {"Content-Type": "application/json", "X-Debug": "1"}, body: "{\"name\":\"x\"}", ` +
			`mode: "cors", credentials: "include"}) in chromium` + "\n",
		// The fix: the exact header line, and the cors.Config change.
		"    on the preflight response: Access-Control-Allow-Headers: content-type, x-debug\n",
		`      with corskit's cors middleware: AllowedHeaders: add "x-debug"`,
		// explain's whole diagnosis, as check lays it out.
		fixBlock(explain.Explain(call.Result)),
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("failure message lacks\n%s\nmessage:\n%s", want, msg)
		}
	}
	// The fix comes before the exchanges, which can be long.
	if strings.Index(msg, "  Fix:") > strings.Index(msg, "> OPTIONS") {
		t.Errorf("the fix comes after the trace:\n%s", msg)
	}
}

func TestFailureShowsTheFixsRisk(t *testing.T) {
	rec := &recorder{TB: t}
	bare := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}) // no CORS at all
	call := corstest.NewPage(rec, "http://app.example.com", bare).
		Fetch("GET", "https://api.example.com/me", corstest.Credentials())
	call.Allowed()
	if len(rec.errors) != 1 {
		t.Fatalf("Allowed on a blocked call: %d failures, want 1", len(rec.errors))
	}
	msg := rec.errors[0]
	for _, want := range []string{
		`fetch("https://api.example.com/me", {method: "GET", mode: "cors", credentials: "include"})`,
		"    on the actual response: Access-Control-Allow-Origin: http://app.example.com\n",
		"    on the actual response: Access-Control-Allow-Credentials: true\n",
		"      security: The page's origin http://app.example.com is plain http",
		fixBlock(explain.Explain(call.Result)),
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("failure message lacks\n%s\nmessage:\n%s", want, msg)
		}
	}
}

func TestFailureShowsModesOnlyWhenNotTheDefaults(t *testing.T) {
	rec := &recorder{TB: t}
	page := corstest.NewPage(rec, "https://app.example.com", api())
	long := strings.Repeat("é", 100) // 200 bytes: cut, and between characters
	page.Fetch("POST", "https://api.example.com/items",
		corstest.Body(long), corstest.Cache(fetch.CacheNoStore), corstest.Redirect(fetch.RedirectError)).Blocked()
	page.Fetch("GET", "https://api.example.com/items").Blocked()
	if len(rec.errors) != 2 {
		t.Fatalf("Blocked on allowed calls: %d failures, want 2", len(rec.errors))
	}
	want := `fetch("https://api.example.com/items", {method: "POST", body: "` + strings.Repeat("é", 60) +
		`" /* the first 120 of 200 bytes */, mode: "cors", credentials: "same-origin", cache: "no-store", redirect: "error"}) in chromium`
	if !strings.Contains(rec.errors[0], want) {
		t.Errorf("failure message lacks\n%s\nmessage:\n%s", want, rec.errors[0])
	}
	want = `fetch("https://api.example.com/items", {method: "GET", mode: "cors", credentials: "same-origin"}) in chromium`
	if !strings.Contains(rec.errors[1], want) {
		t.Errorf("failure message lacks\n%s\nmessage:\n%s", want, rec.errors[1])
	}
	if strings.Contains(rec.errors[1], "Fix:") {
		t.Errorf("an allowed call has no fix:\n%s", rec.errors[1])
	}
}

// In FetchEverywhere, each engine's failure names the engine, shows its
// console lines and the same fix.
func TestFailureInEachEngine(t *testing.T) {
	rec := &recorder{TB: t}
	calls := corstest.NewPage(rec, "https://app.example.com", api()).
		FetchEverywhere("GET", "https://api.example.com/items", corstest.Header("Save-Data", "on"))
	calls.Allowed()
	if len(rec.errors) != 2 {
		t.Fatalf("got %d failures, want 2 (Firefox and WebKit):\n%s", len(rec.errors), strings.Join(rec.errors, "\n"))
	}
	for i, engine := range []string{"firefox", "webkit"} {
		msg := rec.errors[i]
		for _, want := range []string{
			`{method: "GET", headers: {"Save-Data": "on"}, mode: "cors", credentials: "same-origin"}) in ` + engine + "\n",
			"    on the preflight response: Access-Control-Allow-Headers: content-type, save-data\n",
			fixBlock(explain.Explain(calls.In(engine).Result)),
		} {
			if !strings.Contains(msg, want) {
				t.Errorf("%s's failure message lacks\n%s\nmessage:\n%s", engine, want, msg)
			}
		}
	}
}

// Strings go into the call as JavaScript literals, whatever they hold.
func TestFailureQuotesHostileValues(t *testing.T) {
	rec := &recorder{TB: t}
	page := corstest.NewPage(rec, "https://app.example.com", api())
	page.Fetch("GET", "https://api.example.com/items", corstest.Header("X-A", "\"}) <script>\n")).Allowed()
	if len(rec.errors) != 1 {
		t.Fatalf("got %d failures, want 1", len(rec.errors))
	}
	want := `headers: {"X-A": "\"}) <script>\n"}`
	if !strings.Contains(rec.errors[0], want) {
		t.Errorf("failure message lacks\n%s\nmessage:\n%s", want, rec.errors[0])
	}
}
