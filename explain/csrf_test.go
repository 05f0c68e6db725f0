package explain_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/corskit/corskit/cors"
	"github.com/corskit/corskit/corstest"
	"github.com/corskit/corskit/explain"
)

// TestCSRFGuardWarning: a POST refused by Go's http.CrossOriginProtection
// is named as such, whichever side of the CORS middleware the guard is,
// and another 403 is not.
func TestCSRFGuardWarning(t *testing.T) {
	const page = "https://app.example"
	mw, err := cors.New(cors.Config{AllowedOrigins: []string{page}})
	if err != nil {
		t.Fatal(err)
	}
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {})
	guard := http.NewCrossOriginProtection()
	forbidden := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "forbidden", http.StatusForbidden) })
	for _, tc := range []struct {
		name string
		h    http.Handler
		want bool
	}{
		{"guard inside", mw.Wrap(guard.Handler(ok)), true},
		{"guard outside", guard.Handler(mw.Wrap(ok)), true},
		{"with Protect", mw.Wrap(mw.Protect(guard, ok)), false},
		{"another 403", mw.Wrap(forbidden), false},
	} {
		{
			call := corstest.NewPage(t, page, tc.h).Fetch("POST", "https://api.example/act", corstest.Body("x"))
			d := explain.Explain(call.Result)
			got := false
			for _, w := range d.Warnings {
				if w.ID == "csrf-guard" {
					got = true
					if !strings.Contains(w.Text, "mw.Protect(guard, h)") {
						t.Errorf("%s: %q", tc.name, w.Text)
					}
				}
			}
			if got != tc.want {
				t.Errorf("%s: csrf-guard warning %v, want %v (warnings %v)", tc.name, got, tc.want, d.Warnings)
			}
		}
	}
}
