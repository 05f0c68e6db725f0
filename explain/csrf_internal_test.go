package explain

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestCSRFGuardBodies: the bodies the warning recognises are, byte for
// byte, the ones the Go in use answers with, with Sec-Fetch-Site (a
// browser) and without (corskit check).
func TestCSRFGuardBodies(t *testing.T) {
	guard := http.NewCrossOriginProtection().Handler(http.NotFoundHandler())
	for i, sfs := range []string{"cross-site", ""} {
		r := httptest.NewRequest("POST", "http://api.example/", nil)
		r.Header.Set("Origin", "https://app.example")
		if sfs != "" {
			r.Header.Set("Sec-Fetch-Site", sfs)
		}
		w := httptest.NewRecorder()
		guard.ServeHTTP(w, r)
		if w.Code != http.StatusForbidden || w.Body.String() != csrfGuardBodies[i] {
			t.Errorf("Sec-Fetch-Site %q: %d %q, want 403 %q", sfs, w.Code, w.Body.String(), csrfGuardBodies[i])
		}
	}
}
