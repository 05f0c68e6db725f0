package main

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/corskit/corskit/examples/internal/wire"
)

func TestEcho(t *testing.T) {
	e, err := newServer()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(e)
	defer srv.Close()
	url := srv.URL + "/items/1"

	wire.Allowed(t, "preflight", wire.Preflight(t, url, "", wire.PageOrigin), wire.PageOrigin, http.StatusNoContent)
	wire.Allowed(t, "PUT", wire.Actual(t, url, "", wire.PageOrigin), wire.PageOrigin, http.StatusOK)
	wire.Refused(t, "preflight from another site", wire.Preflight(t, url, "", wire.EvilOrigin))
	wire.Refused(t, "PUT from another site", wire.Actual(t, url, "", wire.EvilOrigin))
}
