package fetch_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/internal/corscase"
	"github.com/corskit/corskit/origin"
)

// TestCOEPMatchEngines runs the COEP/CORP cases in each engine's profile,
// without a browser, and compares them with each engine's recording
// (conformance TestCOEP* checks the same in the live browsers).
func TestCOEPMatchEngines(t *testing.T) {
	matchRecorded(t, "coep", corscase.COEPCases())
}

// TestCORPCheck pins what the browser cases do not reach: a CORP value
// that does not parse (other case, unknown) is no policy, several lines
// never parse, and CORP is not looked at in cors mode.
func TestCORPCheck(t *testing.T) {
	var corp []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, v := range corp {
			w.Header().Add("Cross-Origin-Resource-Policy", v)
		}
		w.Header().Set("Access-Control-Allow-Origin", "*")
	}))
	defer srv.Close()
	page := origin.MustParse("http://localhost:1")
	for _, tc := range []struct {
		corp []string
		coep string
		mode fetch.Mode
		want fetch.Reason
	}{
		{nil, "require-corp", fetch.ModeNoCORS, fetch.ReasonCOEPCORPMissing},
		{nil, "credentialless", fetch.ModeNoCORS, fetch.ReasonNone},
		{nil, "", fetch.ModeNoCORS, fetch.ReasonNone},
		{nil, "require-corp", fetch.ModeCORS, fetch.ReasonNone},
		{[]string{"same-origin"}, "require-corp", fetch.ModeCORS, fetch.ReasonNone},
		{[]string{"Same-Origin"}, "", fetch.ModeNoCORS, fetch.ReasonNone},
		{[]string{"same-origin", "same-origin"}, "", fetch.ModeNoCORS, fetch.ReasonNone},
		{[]string{" same-origin "}, "", fetch.ModeNoCORS, fetch.ReasonCORPNotSameOrigin},
		{[]string{"cross-origin"}, "require-corp", fetch.ModeNoCORS, fetch.ReasonNone},
		{[]string{"same-site"}, "", fetch.ModeNoCORS, fetch.ReasonCORPNotSameSite},
		{[]string{"bogus"}, "require-corp", fetch.ModeNoCORS, fetch.ReasonNone},
	} {
		corp = tc.corp
		b := &fetch.Browser{Profile: fetch.Firefox, NoHTTPCache: true}
		res, err := b.Fetch(context.Background(), fetch.Request{Origin: page, URL: srv.URL, Mode: tc.mode,
			Page: &fetch.Page{URL: "http://localhost:1/", COEP: tc.coep}})
		if err != nil {
			t.Fatal(err)
		}
		got := fetch.ReasonNone
		if res.Err != nil {
			got = res.Err.Reason
		}
		if got != tc.want {
			t.Errorf("CORP %q, COEP %q, mode %s: %v, want %v", tc.corp, tc.coep, tc.mode, got, tc.want)
		}
	}
}
