package cors_test

import (
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/corskit/corskit/cors"
	"github.com/corskit/corskit/reason"
)

// OnReject sees each refused request once: count it by reason (never by
// Origin), or show the line the user's browser printed.
func ExampleConfig_onReject() {
	mw, err := cors.New(cors.Config{
		AllowedOrigins: []string{"https://app.example.com"},
		AllowedMethods: []string{http.MethodPut},
		OnReject: func(_ *http.Request, rj cors.Rejection) {
			fmt.Println(rj.Reason, rj.Value, "generation", rj.Generation)
			fmt.Println(rj.Console(reason.Chromium)[0])
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	h := mw.Wrap(http.NotFoundHandler())
	r := httptest.NewRequest(http.MethodOptions, "https://api.example.com/items", nil)
	r.Header.Set("Origin", "https://app.example.com")
	r.Header.Set("Access-Control-Request-Method", http.MethodDelete)
	h.ServeHTTP(httptest.NewRecorder(), r)
	// Output:
	// method-not-allowed DELETE generation 1
	// Access to fetch at 'https://api.example.com/items' from origin 'https://app.example.com' has been blocked by CORS policy: Method DELETE is not allowed by Access-Control-Allow-Methods in preflight response.
}

// Protect gives Go's CSRF guard the CORS policy's allowlist, patterns
// included: a cross-site POST is allowed by both layers or refused by both.
func ExampleMiddleware_Protect() {
	mw, err := cors.New(cors.Config{AllowedOrigins: []string{"https://app.example.com", "https://*.tenant.example.com"}})
	if err != nil {
		log.Fatal(err)
	}
	guard := http.NewCrossOriginProtection()
	app := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "done") })
	h := mw.Wrap(mw.Protect(guard, app))
	for _, origin := range []string{"https://a.tenant.example.com", "https://evil.example"} {
		r := httptest.NewRequest(http.MethodPost, "https://api.example.com/transfer", nil)
		r.Header.Set("Origin", origin)
		r.Header.Set("Sec-Fetch-Site", "cross-site")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		fmt.Println(origin, w.Code, w.Header().Get("Access-Control-Allow-Origin") != "")
	}
	fmt.Println(mw.TrustedOrigins()) // for guard.AddTrustedOrigin, without patterns
	// Output:
	// https://a.tenant.example.com 200 true
	// https://evil.example 403 false
	// [https://app.example.com]
}
