package corstest_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/corskit/corskit/cors"
	"github.com/corskit/corskit/corstest"
	"github.com/corskit/corskit/fetch"
)

// api is the handler under test: an API behind the cors middleware.
func api() http.Handler {
	mw, err := cors.New(cors.Config{
		AllowedOrigins:   []string{"https://app.example.com"},
		AllowCredentials: true,
		AllowedMethods:   []string{http.MethodPut},
		AllowedHeaders:   []string{"Content-Type"},
		ExposedHeaders:   []string{"X-Request-Id"},
	})
	if err != nil {
		panic(err)
	}
	return mw.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "42")
		fmt.Fprintln(w, "ok")
	}))
}

// The idioms to copy into a test: one page per origin, one line per call.
func Example() {
	t := &testing.T{} // in a real test, the *testing.T you are given
	app := corstest.NewPage(t, "https://app.example.com", api())

	// The front-end's calls work, and it can read the header it needs.
	app.Fetch("GET", "https://api.example.com/items").Allowed()
	app.Fetch("PUT", "https://api.example.com/items/1",
		corstest.Header("Content-Type", "application/json"),
		corstest.Body(`{"name":"x"}`),
		corstest.Credentials(),
	).Preflighted(true).Readable("X-Request-Id").Allowed()

	// Another site's page cannot read anything.
	evil := corstest.NewPage(t, "https://evil.example", api())
	err := evil.Fetch("GET", "https://api.example.com/items", corstest.Credentials()).
		BlockedFor(fetch.ReasonMissingAllowOrigin)
	fmt.Println(err.ConsoleMessage())

	// A header nobody allowed: the browser names it.
	err = app.Fetch("GET", "https://api.example.com/items", corstest.Header("X-Debug", "1")).Blocked()
	fmt.Println(err.Detail())
	fmt.Println("test failed:", t.Failed())
	// Output:
	// Access to fetch at 'https://api.example.com/items' from origin 'https://evil.example' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.
	// Request header field x-debug is not allowed by Access-Control-Allow-Headers in preflight response.
	// test failed: false
}
