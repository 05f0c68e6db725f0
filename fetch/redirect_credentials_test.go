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
// includes none. Pinned in Chromium, Firefox and WebKit by the
// conformance cases redir-userinfo-*.
func TestRedirectLocationCredentials(t *testing.T) {
	for _, tc := range []struct {
		name, url, location string
		allowed             bool
	}{
		{"cross-origin to the page's origin, tainted", "https://api.example.com/a", "https://user:pw@app.example.com/b", false},
		{"cross-origin to its own origin, tainted", "https://api.example.com/a", "https://user:pw@api.example.com/b", false},
		{"a password alone", "https://api.example.com/a", "https://:pw@api.example.com/b", false},
		{"an empty userinfo", "https://api.example.com/a", "https://@api.example.com/b", true},
		{"an empty username and password", "https://api.example.com/a", "https://:@api.example.com/b", true},
		{"same-origin to the page's origin: not tainted", "https://app.example.com/a", "https://user:pw@app.example.com/b", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Access-Control-Allow-Origin", "*")
				if r.URL.Path == "/a" {
					w.Header().Set("Location", tc.location)
					w.WriteHeader(http.StatusFound)
				}
			})
			b := &fetch.Browser{Transport: corstest.HandlerTransport(h)}
			res, err := b.Fetch(context.Background(), fetch.Request{Origin: page, URL: tc.url})
			if err != nil {
				t.Fatal(err)
			}
			if res.Allowed() != tc.allowed {
				t.Fatalf("allowed %v (%v), want %v", res.Allowed(), res.Err, tc.allowed)
			}
			if !tc.allowed && res.Err.Reason != fetch.ReasonRedirectContainsCredentials {
				t.Errorf("reason %s, want %s", res.Err.Reason, fetch.ReasonRedirectContainsCredentials)
			}
		})
	}
}
