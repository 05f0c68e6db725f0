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

// TestORBMatchEngines runs the ORB cases in each engine's profile,
// without a browser, and compares them with each engine's recording
// (conformance TestORB* checks the same in the live browsers).
func TestORBMatchEngines(t *testing.T) {
	matchRecorded(t, "orb", corscase.ORBCases())
}

// orbServer answers what the test sets: a Content-Type (none when ""),
// nosniff, a status and a body, without CORS headers.
type orbAnswer struct {
	ctype   string
	nosniff bool
	status  int
	body    string
}

func orbFetch(t *testing.T, p fetch.Profile, dest fetch.Destination, a orbAnswer) *fetch.Result {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.ctype == "" {
			w.Header()["Content-Type"] = nil
		} else {
			w.Header().Set("Content-Type", a.ctype)
		}
		if a.nosniff {
			w.Header().Set("X-Content-Type-Options", "nosniff")
		}
		if a.status == http.StatusPartialContent {
			w.Header().Set("Content-Range", "bytes 0-3/100")
		}
		w.WriteHeader(max(a.status, 200))
		w.Write([]byte(a.body))
	}))
	t.Cleanup(srv.Close)
	b := &fetch.Browser{Profile: p, NoHTTPCache: true}
	res, err := b.Fetch(context.Background(), fetch.Request{Origin: origin.MustParse("http://page.test"), URL: srv.URL,
		Mode: fetch.ModeNoCORS, Destination: dest, Credentials: fetch.CredentialsInclude})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestORBSteps pins each step of the algorithm in the standard's profile
// and where the engines part from it: the standard fails a refused
// no-cors fetch() (the engines hand it an empty opaque response), refuses
// text/plain with nosniff before sniffing (Firefox does not), and lets
// through only a body that is a script (Chromium sniffs for HTML, XML
// and JSON instead).
func TestORBSteps(t *testing.T) {
	gif := "GIF89a\x01\x00\x01\x00"
	for _, tc := range []struct {
		p       fetch.Profile
		dest    fetch.Destination
		a       orbAnswer
		blocked bool
		rule    fetch.ORBRule
		failed  bool // the load fails (an error), rather than an emptied fetch()
	}{
		{fetch.Spec, fetch.DestinationEmpty, orbAnswer{ctype: "application/json", body: `{"a":1}`}, true, fetch.ORBNotScript, true},
		{fetch.Chromium, fetch.DestinationEmpty, orbAnswer{ctype: "application/json", body: `{"a":1}`}, true, fetch.ORBNotScript, false},
		{fetch.Chromium, fetch.DestinationImage, orbAnswer{ctype: "application/json", body: `{"a":1}`}, true, fetch.ORBNotScript, true},
		{fetch.Spec, fetch.DestinationImage, orbAnswer{ctype: "text/javascript", body: `{"a":1}`}, false, fetch.ORBSafelisted, false},
		{fetch.Spec, fetch.DestinationImage, orbAnswer{ctype: "image/svg+xml", nosniff: true, body: `<svg/>`}, false, fetch.ORBSafelisted, false},
		{fetch.Spec, fetch.DestinationImage, orbAnswer{ctype: "text/html", status: 206, body: gif}, true, fetch.ORBPartialBlocklisted, true},
		{fetch.Spec, fetch.DestinationImage, orbAnswer{ctype: "text/plain", nosniff: true, body: gif}, true, fetch.ORBNosniffBlocklisted, true},
		{fetch.Firefox, fetch.DestinationImage, orbAnswer{ctype: "text/plain", nosniff: true, body: gif}, false, fetch.ORBSniffedImage, false},
		{fetch.Spec, fetch.DestinationImage, orbAnswer{ctype: "application/vnd.ms-excel", body: gif}, true, fetch.ORBNeverSniffed, true},
		{fetch.Spec, fetch.DestinationImage, orbAnswer{ctype: "video/mp4", body: "\x00\x00\x00\x18ftypmp42"}, false, fetch.ORBSniffedMedia, false},
		{fetch.Spec, fetch.DestinationImage, orbAnswer{ctype: "application/octet-stream", nosniff: true, body: "x"}, true, fetch.ORBNosniff, true},
		{fetch.Spec, fetch.DestinationImage, orbAnswer{ctype: "text/plain", status: 500, body: "x = 1"}, true, fetch.ORBStatus, true},
		{fetch.Chromium, fetch.DestinationImage, orbAnswer{ctype: "text/plain", status: 500, body: "x = 1"}, false, fetch.ORBScript, false},
		{fetch.Spec, fetch.DestinationImage, orbAnswer{body: "secret text"}, false, fetch.ORBNoType, false},
		{fetch.Spec, fetch.DestinationImage, orbAnswer{ctype: "audio/mpeg", body: "secret text"}, true, fetch.ORBMediaTypeMismatch, true},
		{fetch.Spec, fetch.DestinationImage, orbAnswer{ctype: "Text/Plain; charset=utf-8", body: "var x = 1;\nf(x)"}, false, fetch.ORBScript, false},
		{fetch.Spec, fetch.DestinationImage, orbAnswer{ctype: "text/plain", body: "secret text"}, true, fetch.ORBNotScript, true},
		{fetch.Chromium, fetch.DestinationImage, orbAnswer{ctype: "text/plain", body: "secret text"}, false, fetch.ORBScript, false},
		{fetch.Chromium, fetch.DestinationImage, orbAnswer{ctype: "text/plain", body: ")]}'\n[1]"}, true, fetch.ORBNotScript, true},
		{fetch.Chromium, fetch.DestinationImage, orbAnswer{ctype: "text/plain", body: "  <!DOCTYPE HTML><p>"}, true, fetch.ORBNotScript, true},
	} {
		res := orbFetch(t, tc.p, tc.dest, tc.a)
		n := res.ORB
		if n == nil {
			t.Errorf("%s %q %+v: no ORB note", tc.p.Name, tc.dest, tc.a)
			continue
		}
		if n.Blocked != tc.blocked || n.Rule != tc.rule || (res.Err != nil) != tc.failed {
			t.Errorf("%s %q %+v: blocked %v by %s, failed %v (%v); want %v by %s, failed %v", tc.p.Name, tc.dest, tc.a,
				n.Blocked, n.Rule, res.Err != nil, res.Err, tc.blocked, tc.rule, tc.failed)
		}
		if tc.failed && res.Err.Reason != fetch.ReasonORBBlocked {
			t.Errorf("%s %+v: reason %v", tc.p.Name, tc.a, res.Err.Reason)
		}
	}
}

// TestORBNotRun: ORB looks only at cross-origin no-cors answers, and not
// at all in WebKit.
func TestORBNotRun(t *testing.T) {
	if res := orbFetch(t, fetch.WebKit, fetch.DestinationImage, orbAnswer{ctype: "application/json", body: "{}"}); res.ORB != nil || res.Err != nil {
		t.Errorf("WebKit: ORB %+v, err %v", res.ORB, res.Err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"a":1}`))
	}))
	defer srv.Close()
	b := &fetch.Browser{Profile: fetch.Chromium, NoHTTPCache: true}
	res, err := b.Fetch(context.Background(), fetch.Request{Origin: origin.MustParse("http://page.test"), URL: srv.URL})
	if err != nil || res.ORB != nil || res.Err != nil {
		t.Errorf("a CORS fetch: ORB %+v, err %v %v", res.ORB, res.Err, err)
	}
}

// TestORBCachedImage: an image served under another type, from the HTTP
// cache the second time, is sniffed from the stored body as from the
// network: let through both times.
func TestORBCachedImage(t *testing.T) {
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "max-age=600")
		w.Write([]byte("GIF89a\x01\x00\x01\x00"))
	}))
	defer srv.Close()
	b := &fetch.Browser{Profile: fetch.Chromium}
	for i := 0; i < 2; i++ {
		res, err := b.Fetch(context.Background(), fetch.Request{Origin: origin.MustParse("http://page.test"), URL: srv.URL,
			Mode: fetch.ModeNoCORS, Destination: fetch.DestinationImage})
		if err != nil {
			t.Fatal(err)
		}
		if res.Err != nil || res.ORB == nil || res.ORB.Rule != fetch.ORBSniffedImage {
			t.Errorf("load %d: %v, ORB %+v", i, res.Err, res.ORB)
		}
	}
	if hits != 1 {
		t.Errorf("%d requests, want 1 (the second from the HTTP cache)", hits)
	}
}
