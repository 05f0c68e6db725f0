package main

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/corskit/corskit/cors"
	"github.com/corskit/corskit/examples/internal/wire"
	"github.com/gorilla/mux"
)

func TestGorillaMux(t *testing.T) {
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

// The classic mistake the example avoids: with r.Use, the preflight
// matches no route, the middleware never runs, and gorilla/mux answers 405
// without a CORS header.
func TestGorillaMuxUseFails(t *testing.T) {
	mw, err := cors.New(cors.Config{AllowedOrigins: []string{wire.PageOrigin}, AllowedMethods: []string{http.MethodPut}})
	if err != nil {
		t.Fatal(err)
	}
	r := mux.NewRouter()
	r.Use(mw.Wrap)
	r.HandleFunc("/items/{id}", func(w http.ResponseWriter, r *http.Request) {}).Methods(http.MethodPut)
	srv := httptest.NewServer(r)
	defer srv.Close()
	res := wire.Preflight(t, srv.URL+"/items/1", "", wire.PageOrigin)
	if res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("r.Use: preflight status %d, want gorilla/mux's 405", res.StatusCode)
	}
	wire.Refused(t, "r.Use preflight", res)
}
