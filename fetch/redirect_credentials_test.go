package fetch_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/corskit/corskit/corstest"
	"github.com/corskit/corskit/fetch"
)

// HTTP-redirect fetch, steps 8 and 9: a Location that includes credentials
// (a username or password that is not empty) is a network error in cors
// mode across origins, and once the response is CORS-tainted also where it
// points at the page's own origin; an empty userinfo ("https://@host/")
// includes none. Chromium fails the same-origin case too
// (RedirectCredentialsAnyOrigin), as a network error. Pinned in Chromium,
// Firefox and WebKit by the conformance cases redir-*userinfo*.
func TestRedirectLocationCredentials(t *testing.T) {
	for _, tc := range []struct {
		name, url, location string
		allowed             bool
		chromiumAllowed     bool
	}{
		{"cross-origin to the page's origin, tainted", "https://api.example.com/a", "https://user:pw@app.example.com/b", false, false},
		{"cross-origin to its own origin, tainted", "https://api.example.com/a", "https://user:pw@api.example.com/b", false, false},
		{"a password alone", "https://api.example.com/a", "https://:pw@api.example.com/b", false, false},
		{"an empty userinfo", "https://api.example.com/a", "https://@api.example.com/b", true, true},
		{"an empty username and password", "https://api.example.com/a", "https://:@api.example.com/b", true, true},
		{"same-origin to the page's origin: not tainted", "https://app.example.com/a", "https://user:pw@app.example.com/b", true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Access-Control-Allow-Origin", "*")
				if r.URL.Path == "/a" {
					w.Header().Set("Location", tc.location)
					w.WriteHeader(http.StatusFound)
				}
			})
			for _, p := range []fetch.Profile{fetch.Spec, fetch.Firefox, fetch.WebKit, fetch.Chromium} {
				b := &fetch.Browser{Profile: p, Transport: corstest.HandlerTransport(h)}
				res, err := b.Fetch(context.Background(), fetch.Request{Origin: page, URL: tc.url})
				if err != nil {
					t.Fatal(err)
				}
				want := tc.allowed
				if p.Name == "chromium" {
					want = tc.chromiumAllowed
				}
				if res.Allowed() != want {
					t.Errorf("%s: allowed %v (%v), want %v", p.Name, res.Allowed(), res.Err, want)
					continue
				}
				if !tc.allowed && res.Err.Reason != fetch.ReasonRedirectContainsCredentials {
					t.Errorf("%s: reason %s, want %s", p.Name, res.Err.Reason, fetch.ReasonRedirectContainsCredentials)
				}
			}
		})
	}
}
