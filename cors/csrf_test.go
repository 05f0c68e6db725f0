package cors_test

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/corskit/corskit/cors"
)

func TestTrustedOrigins(t *testing.T) {
	mw := mustNew(t, cors.Config{AllowedOrigins: []string{"https://app.example", "https://*.tenant.example",
		"http://localhost:*", "HTTPS://Büro.example", "null"}, UnsafeAllowNullOrigin: true})
	got := mw.TrustedOrigins()
	want := []string{"https://app.example", "https://xn--bro-hoa.example"}
	if !slices.Equal(got, want) {
		t.Errorf("TrustedOrigins %q, want %q", got, want)
	}
	guard := http.NewCrossOriginProtection()
	for _, o := range got {
		if err := guard.AddTrustedOrigin(o); err != nil {
			t.Errorf("the guard refuses %q: %v", o, err)
		}
	}
	if got := mustNew(t, cors.Config{AllowedOrigins: []string{"*"}}).TrustedOrigins(); len(got) != 0 {
		t.Errorf(`"*": TrustedOrigins %q, want none`, got)
	}
}

// csrfCall is a browser's cross-site POST as the guard and the middleware
// see it.
func csrfCall(origin string) *http.Request {
	r := httptest.NewRequest("POST", "http://api.example/act", strings.NewReader("x"))
	r.Header.Set("Origin", origin)
	r.Header.Set("Sec-Fetch-Site", "cross-site")
	r.Header.Set("Content-Type", "text/plain")
	return r
}

// TestProtectNeverHalf: with Protect on either side of Wrap, a cross-site
// POST is either run and readable (the origin is allowed, by name or by
// pattern) or neither, and the guard follows Reconfigure.
func TestProtectNeverHalf(t *testing.T) {
	cfg := cors.Config{AllowedOrigins: []string{"https://app.example", "https://*.tenant.example"}}
	for _, order := range []string{"cors outside", "guard outside"} {
		mw := mustNew(t, cfg)
		ran := 0
		h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { ran++ })
		guard := http.NewCrossOriginProtection()
		var stack http.Handler
		if order == "cors outside" {
			stack = mw.Wrap(mw.Protect(guard, h))
		} else {
			stack = mw.Protect(guard, mw.Wrap(h))
		}
		check := func(origin string, want bool) {
			t.Helper()
			ran = 0
			w := httptest.NewRecorder()
			stack.ServeHTTP(w, csrfCall(origin))
			readable := w.Header().Get("Access-Control-Allow-Origin") == origin
			if got := ran == 1; got != want || readable != want || (w.Code == 403) == want {
				t.Errorf("%s, %s: ran %v, readable %v, status %d; want both %v", order, origin, got, readable, w.Code, want)
			}
		}
		check("https://app.example", true)
		check("https://a.tenant.example", true)
		check("https://evil.example", false)
		cfg2 := cfg
		cfg2.AllowedOrigins = []string{"https://evil.example"}
		if err := mw.Reconfigure(cfg2); err != nil {
			t.Fatal(err)
		}
		check("https://app.example", false)
		check("https://evil.example", true)
	}
}
