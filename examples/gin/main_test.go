package main

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/corskit/corskit/examples/internal/wire"
)

func TestGin(t *testing.T) {
	for name, build := range map[string]func() (http.Handler, error){"wrapped": newWrapped, "engine.Use": newWithUse} {
		h, err := build()
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(h)
		url := srv.URL + "/items/1"
		wire.Allowed(t, name+" preflight", wire.Preflight(t, url, "", wire.PageOrigin), wire.PageOrigin, http.StatusNoContent)
		wire.Allowed(t, name+" PUT", wire.Actual(t, url, "", wire.PageOrigin), wire.PageOrigin, http.StatusOK)
		wire.Refused(t, name+" preflight from another site", wire.Preflight(t, url, "", wire.EvilOrigin))
		wire.Refused(t, name+" PUT from another site", wire.Actual(t, url, "", wire.EvilOrigin))
		srv.Close()
	}
}
