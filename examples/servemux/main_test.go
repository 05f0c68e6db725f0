package main

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/corskit/corskit/cors"
	"github.com/corskit/corskit/examples/internal/wire"
)

func TestServeMux(t *testing.T) {
	h, err := newHandler()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	url := srv.URL + "/items/1"

	wire.Allowed(t, "preflight", wire.Preflight(t, url, "", wire.PageOrigin), wire.PageOrigin, http.StatusNoContent)
	wire.Allowed(t, "PUT", wire.Actual(t, url, "", wire.PageOrigin), wire.PageOrigin, http.StatusOK)
	wire.Refused(t, "preflight from another site", wire.Preflight(t, url, "", wire.EvilOrigin))
	wire.Refused(t, "PUT from another site", wire.Actual(t, url, "", wire.EvilOrigin))
}

// Why the example wraps the mux: wrapped per route, the preflight never
// reaches the middleware, and the mux answers 405 with no CORS header.
func TestServeMuxPerRouteFails(t *testing.T) {
	mw, err := cors.New(cors.Config{AllowedOrigins: []string{wire.PageOrigin}, AllowedMethods: []string{http.MethodPut}})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("PUT /items/{id}", mw.Wrap(http.HandlerFunc(putItem)))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	res := wire.Preflight(t, srv.URL+"/items/1", "", wire.PageOrigin)
	if res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("per-route middleware: preflight status %d, want the mux's 405", res.StatusCode)
	}
	wire.Refused(t, "per-route preflight", res)
}
