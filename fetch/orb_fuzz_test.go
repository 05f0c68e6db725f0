package fetch_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/origin"
)

// answerTransport answers every request with one response, built from the
// fuzzer's Content-Type, X-Content-Type-Options, status and body.
type answerTransport struct {
	ctype, xcto string
	status      int
	body        string
}

func (a answerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	h := http.Header{}
	if a.ctype != "" {
		h.Set("Content-Type", a.ctype)
	}
	if a.xcto != "" {
		h.Set("X-Content-Type-Options", a.xcto)
	}
	if a.status == http.StatusPartialContent {
		h.Set("Content-Range", "bytes 0-1/2")
	}
	return &http.Response{StatusCode: a.status, Header: h, Body: io.NopCloser(strings.NewReader(a.body)), Request: r}, nil
}

// blockingRules are the steps that refuse.
var blockingRules = map[fetch.ORBRule]bool{
	fetch.ORBPartialBlocklisted: true, fetch.ORBNosniffBlocklisted: true, fetch.ORBNeverSniffed: true,
	fetch.ORBPartialNotFirst: true, fetch.ORBNosniff: true, fetch.ORBStatus: true, fetch.ORBMediaTypeMismatch: true,
	fetch.ORBNotScript: true,
}

// FuzzORB holds Opaque Response Blocking to its promises on hostile
// answers: no panic, a note in the engines that run it, a refusal only by
// a refusing step, an image's bytes let through unless a step before
// sniffing refused them, and a refused <img> fails while a refused no-cors
// fetch() resolves in the engines (and fails in the standard).
func FuzzORB(f *testing.F) {
	for _, s := range []struct {
		ctype, xcto string
		status      int
		body        string
	}{
		{"application/json", "", 200, `{"a":1}`}, {"text/plain", "nosniff", 200, "GIF89a"},
		{"image/gif", "", 206, "GIF89a"}, {"text/html; charset=\"x", "NoSniff, x", 404, "<p>"},
		{"", "", 200, "var x = 1;\x00\xff"}, {"application/pdf", "", 500, strings.Repeat("a b\n", 300)},
	} {
		f.Add(s.ctype, s.xcto, s.status, s.body)
	}
	page := origin.MustParse("https://app.example.com")
	f.Fuzz(func(t *testing.T, ctype, xcto string, status int, body string) {
		if status < 200 || status > 599 || status == 304 || status >= 300 && status < 400 {
			status = 200 // not a redirect, which ORB does not see
		}
		for _, p := range []fetch.Profile{fetch.Chromium, fetch.Firefox, fetch.Spec} {
			for _, dest := range []fetch.Destination{fetch.DestinationImage, fetch.DestinationEmpty} {
				b := &fetch.Browser{Profile: p, Transport: answerTransport{ctype, xcto, status, body}, NoHTTPCache: true}
				res, err := b.Fetch(context.Background(), fetch.Request{Origin: page, URL: "https://cdn.example.net/x",
					Mode: fetch.ModeNoCORS, Destination: dest})
				if err != nil {
					t.Fatal(err)
				}
				n := res.ORB
				if n == nil {
					t.Fatalf("%s: no ORB note", p.Name)
				}
				if n.Blocked != blockingRules[n.Rule] {
					t.Fatalf("%s: blocked %v by %s", p.Name, n.Blocked, n.Rule)
				}
				if n.Sniffed != "" && n.Blocked && (n.Rule == fetch.ORBNotScript || n.Rule == fetch.ORBStatus || n.Rule == fetch.ORBMediaTypeMismatch) {
					t.Fatalf("%s: image or media bytes (%s) refused by %s", p.Name, n.Sniffed, n.Rule)
				}
				failed := res.Err != nil && res.Err.Reason == fetch.ReasonORBBlocked
				if want := n.Blocked && (dest == fetch.DestinationImage || p.Name == fetch.Spec.Name); failed != want {
					t.Fatalf("%s %q: failed %v, want %v (%+v)", p.Name, dest, failed, want, n)
				}
			}
		}
	})
}
