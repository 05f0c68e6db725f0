package main

import (
	"net/http/httptest"
	"testing"

	"github.com/corskit/corskit/corstest"
	"github.com/corskit/corskit/fetch"
)

// TestChiWithCorstest is how to test a chi app's CORS end to end in your
// own suite: corstest models the browser (preflight, cache, the CORS check)
// and sends real requests to the app over loopback. Each line is a call a
// page makes, and a failure prints the browser's console message and every
// exchange.
func TestChiWithCorstest(t *testing.T) {
	r, err := newRouter()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(r)
	defer srv.Close()

	// nil handler: the page's calls go over the network to srv.
	app := corstest.NewPage(t, "https://app.example.com", nil)
	app.Fetch("GET", srv.URL+"/items/1", corstest.Credentials()).Preflighted(false).Allowed()
	app.Fetch("PUT", srv.URL+"/items/1",
		corstest.Header("Content-Type", "application/json"),
		corstest.Header("Authorization", "Bearer t"),
		corstest.Body(`{"name":"x"}`),
		corstest.Credentials(),
	).Preflighted(true).Allowed()

	// A header the policy does not allow: the browser blocks the PUT.
	app.Fetch("PUT", srv.URL+"/items/1", corstest.Header("X-Debug", "1")).
		BlockedFor(fetch.ReasonHeaderNotAllowed)

	// Another site cannot read anything.
	evil := corstest.NewPage(t, "https://evil.example", nil)
	evil.Fetch("GET", srv.URL+"/items/1", corstest.Credentials()).
		BlockedFor(fetch.ReasonMissingAllowOrigin)
}
