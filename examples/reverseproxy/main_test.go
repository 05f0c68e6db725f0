package main

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync/atomic"
	"testing"

	"github.com/corskit/corskit/cors"
	"github.com/corskit/corskit/examples/internal/wire"
)

// upstream is an API that sets permissive CORS headers of its own, as
// many frameworks do by default, and counts the preflights it sees.
func upstream(t *testing.T, preflights *atomic.Int32) *url.URL {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodOptions {
			preflights.Add(1)
		}
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, PATCH")
		w.Header().Set("Access-Control-Expose-Headers", "X-Internal")
		w.Header().Add("Vary", "Accept-Encoding")
		w.Write([]byte(`{"ok":true}`))
	}))
	t.Cleanup(srv.Close)
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestReverseProxy(t *testing.T) {
	var preflights atomic.Int32
	h, err := newProxy(upstream(t, &preflights))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	url := srv.URL + "/items/1"

	wire.Allowed(t, "preflight", wire.Preflight(t, url, "", wire.PageOrigin), wire.PageOrigin, http.StatusNoContent)
	res := wire.Actual(t, url, "", wire.PageOrigin)
	wire.Allowed(t, "PUT", res, wire.PageOrigin, http.StatusOK)
	if got := res.Header.Values("Access-Control-Expose-Headers"); got != nil {
		t.Errorf("the upstream's Access-Control-Expose-Headers %q leaked through", got)
	}
	if v := wire.VaryTokens(res); len(v) < 2 {
		t.Errorf("Vary %q: want the middleware's Origin and the upstream's Accept-Encoding", v)
	}
	wire.Refused(t, "PUT from another site", wire.Actual(t, url, "", wire.EvilOrigin))
	if n := preflights.Load(); n != 0 {
		t.Errorf("%d preflights reached the upstream; the middleware answers them", n)
	}
}

// Without stripCORS the response carries two Access-Control-Allow-Origin
// values, which every browser rejects: the bug the example exists for.
func TestReverseProxyDoubledWithoutStrip(t *testing.T) {
	var preflights atomic.Int32
	u := upstream(t, &preflights)
	mw, err := cors.New(cors.Config{AllowedOrigins: []string{wire.PageOrigin}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(mw.Wrap(httputil.NewSingleHostReverseProxy(u)))
	defer srv.Close()
	res := wire.Send(t, http.MethodGet, srv.URL+"/", "", map[string]string{"Origin": wire.PageOrigin})
	if got := res.Header.Values("Access-Control-Allow-Origin"); len(got) != 2 {
		t.Errorf("without stripping: Access-Control-Allow-Origin %q, expected the doubled pair", got)
	}
}
