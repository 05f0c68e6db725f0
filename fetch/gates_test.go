package fetch_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/internal/corscase"
	"github.com/corskit/corskit/origin"
)

// TestGatesMatchEngines runs the gate cases (the page's CSP, mixed
// content) in each engine's profile, without a browser, against live
// loopback servers (one of them https, one on [::1]), and compares every
// observation with the engine's recording: outcome, the TypeError, the
// requests on the wire (none for a refused fetch) and the console lines.
// conformance/ (TestGates*) checks the same against the live browsers.
func TestGatesMatchEngines(t *testing.T) {
	matchRecorded(t, "gates", corscase.Gates())
}

// matchRecorded runs a set of gate cases in each profile and compares
// them with each engine's recording, <set>-<engine>.json.
func matchRecorded(t *testing.T, set string, cases []corscase.GateCase, setup ...func(*corscase.GateServers)) {
	s, err := corscase.ServeGates(cases)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, f := range setup {
		f(s)
	}
	for _, p := range fetch.Profiles {
		t.Run(p.Name, func(t *testing.T) {
			want := recordedIn(t, set+"-"+p.Name)
			got, err := corscase.RunGates(context.Background(), p, cases, s)
			if err != nil {
				t.Fatal(err)
			}
			if len(want) != len(cases) {
				t.Errorf("recording has %d cases, the table %d: run `go test -run 'TestGates|TestCOEP' -update ./...` in conformance/", len(want), len(cases))
			}
			for _, c := range cases {
				if o := got[c.Name].Fetches[0].Outcome; o != c.WantIn(p.Name) {
					t.Errorf("case %s: model says %s, the table wants %s (%s)", c.Name, o, c.WantIn(p.Name), c.About)
				}
				if rec, ok := want[c.Name]; ok && !reflect.DeepEqual(rec, got[c.Name]) {
					a, _ := json.Marshal(rec)
					b, _ := json.Marshal(got[c.Name])
					t.Errorf("case %s (%s):\n %s: %s\n model:    %s", c.Name, c.About, p.Name, a, b)
				}
			}
		})
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestCSPSourceMatching pins source expressions the browser cases do not
// reach (other hosts, https pages, paths percent-encoded).
func TestCSPSourceMatching(t *testing.T) {
	page := "https://app.example.com/index.html"
	for _, tc := range []struct {
		policy, url string
		allowed     bool
	}{
		{"connect-src 'self'", "https://app.example.com/api", true},
		{"connect-src 'self'", "https://app.example.com:8443/api", false},
		{"connect-src 'self'", "https://api.example.com/", false},
		{"connect-src https://*.example.com", "https://api.example.com/x", true},
		{"connect-src https://*.example.com", "https://a.b.example.com/x", true},
		{"connect-src https://*.example.com", "https://example.com/x", false},
		{"connect-src https://*.example.com", "https://evilexample.com/x", false},
		{"connect-src api.example.com", "https://api.example.com/x", true},
		{"connect-src api.example.com", "http://api.example.com/x", false}, // the page's scheme is https
		{"connect-src http://api.example.com", "https://api.example.com/x", true},
		{"connect-src https://api.example.com:443", "https://api.example.com/x", true},
		{"connect-src https://api.example.com/v1/", "https://api.example.com/v1/users", true},
		{"connect-src https://api.example.com/v1/", "https://api.example.com/v2/users", false},
		{"connect-src https://api.example.com/a%20b", "https://api.example.com/a%20b", true},
		{"connect-src 'none' https://api.example.com", "https://api.example.com/", true},
		{"connect-src 'none'", "https://app.example.com/", false},
		{"connect-src data:", "https://api.example.com/", false},
		{"connect-src https:", "https://anything.test/", true},
		{"connect-src *", "https://anything.test/", true},
		{"connect-src https://[::1]:8443", "https://[::1]:8443/", true},
		{"default-src 'self'; connect-src 'self' https://api.example.com", "https://api.example.com/", true},
		{"connect-src https://api.example.com; connect-src *", "https://other.test/", false}, // the second is ignored
		{"script-src 'none'", "https://other.test/", true},
	} {
		res, err := (&fetch.Browser{Transport: refuseTransport{}}).Fetch(context.Background(), fetch.Request{
			Origin: origin.MustParse("https://app.example.com"), URL: tc.url,
			Page: &fetch.Page{URL: page, CSP: []string{tc.policy}},
		})
		if err != nil {
			t.Fatal(err)
		}
		blocked := res.Err != nil && res.Err.Reason == fetch.ReasonCSPConnectSrc
		if blocked == tc.allowed {
			t.Errorf("%q, %s: blocked by CSP = %v, want %v", tc.policy, tc.url, blocked, !tc.allowed)
		}
	}
}

// TestPotentiallyTrustworthy pins each engine's table of what is mixed
// content from an https page.
func TestPotentiallyTrustworthy(t *testing.T) {
	for _, tc := range []struct {
		url                   string
		chromium, firefox, wk bool
	}{
		{"https://api.example.com/", true, true, true},
		{"http://api.example.com/", false, false, false},
		{"http://localhost:8080/", true, true, false},
		{"http://app.localhost/", true, true, false},
		{"http://127.0.0.1/", true, true, false},
		{"http://127.1.2.3/", true, true, false},
		{"http://[::1]:3000/", true, true, false},
		{"http://10.0.0.1/", false, false, false},
		{"http://localhost.example.com/", false, false, false},
	} {
		u := mustURL(t, tc.url)
		for _, e := range []struct {
			p    fetch.Profile
			want bool
		}{{fetch.Chromium, tc.chromium}, {fetch.Firefox, tc.firefox}, {fetch.WebKit, tc.wk}} {
			if got := e.p.PotentiallyTrustworthy(u); got != e.want {
				t.Errorf("%s in %s: potentially trustworthy = %v, want %v", tc.url, e.p.Name, got, e.want)
			}
		}
	}
}

// TestGateErrors: the gates' failures, their reason IDs and Chromium's
// console message, and a page URL that is not at the request's origin.
func TestGateErrors(t *testing.T) {
	b := &fetch.Browser{Transport: refuseTransport{}}
	res, err := b.Fetch(context.Background(), fetch.Request{Origin: origin.MustParse("https://app.example.com"),
		URL: "http://api.example.com/v1", Page: &fetch.Page{URL: "https://app.example.com/dash"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Err == nil || res.Err.Reason != fetch.ReasonMixedContent || res.Err.Reason.String() != "mixed-content" || len(res.Trace) != 0 {
		t.Fatalf("mixed content: %+v", res.Err)
	}
	want := "Mixed Content: The page at 'https://app.example.com/dash' was loaded over HTTPS, but requested an insecure resource 'http://api.example.com/v1'. This request has been blocked; the content must be served over HTTPS."
	if got := res.Err.ConsoleMessage(); got != want {
		t.Errorf("console:\n got %s\nwant %s", got, want)
	}
	// Without Page, no gate: the request goes out (and fails here, on a
	// transport that refuses everything).
	res, _ = b.Fetch(context.Background(), fetch.Request{Origin: origin.MustParse("https://app.example.com"), URL: "http://api.example.com/v1"})
	if res.Err == nil || res.Err.Reason != fetch.ReasonNetwork {
		t.Errorf("mixed content without a Page: %+v", res.Err)
	}
	// A Page without a URL is at its origin's root.
	res, _ = b.Fetch(context.Background(), fetch.Request{Origin: origin.MustParse("https://app.example.com"), URL: "http://api.example.com/v1", Page: &fetch.Page{}})
	if res.Err == nil || res.Err.Reason != fetch.ReasonMixedContent || res.Err.Value != "https://app.example.com/" {
		t.Errorf("mixed content, Page without URL: %+v", res.Err)
	}
	_, err = b.Fetch(context.Background(), fetch.Request{Origin: origin.MustParse("https://app.example.com"),
		URL: "https://api.example.com/v1", Page: &fetch.Page{URL: "https://other.example.com/"}})
	if err == nil || !strings.Contains(err.Error(), "not at the request's origin") {
		t.Errorf("page at another origin: %v", err)
	}
}

// refuseTransport fails every round trip: the cases above never need one
// (a gate refuses first), and an allowed fetch fails later, not by a gate.
type refuseTransport struct{}

func (refuseTransport) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("no network in this test")
}
