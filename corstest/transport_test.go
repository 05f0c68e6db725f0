package corstest_test

import (
	"context"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/corskit/corskit/corstest"
	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/origin"
)

// HandlerTransport sends what a server would put on the wire: the header
// as it was when the status was written. Each case changes the header
// after that in another way, and none of the changes may be sent.
func TestHandlerTransportSendsTheHeaderAsWritten(t *testing.T) {
	written := http.Header{"Vary": {"Origin"}, "Access-Control-Allow-Origin": {"https://app.example"}, "X-Two": {"a", "b"}, "X-Empty": {""}}
	for _, tc := range []struct {
		name  string
		after func(w http.ResponseWriter, held http.Header)
	}{
		{"nothing", func(http.ResponseWriter, http.Header) {}},
		{"set a new name", func(w http.ResponseWriter, _ http.Header) { w.Header().Set("X-Late", "1") }},
		{"set through a held map", func(_ http.ResponseWriter, held http.Header) { held.Set("X-Late", "1") }},
		{"replace a value", func(w http.ResponseWriter, _ http.Header) { w.Header().Set("Vary", "Cookie") }},
		{"edit a value in place", func(w http.ResponseWriter, _ http.Header) { w.Header()["Access-Control-Allow-Origin"][0] = "*" }},
		{"edit the second value", func(w http.ResponseWriter, _ http.Header) { w.Header()["X-Two"][1] = "c" }},
		{"append a value", func(w http.ResponseWriter, _ http.Header) { w.Header().Add("X-Two", "c") }},
		{"delete a name", func(w http.ResponseWriter, _ http.Header) { w.Header().Del("Vary") }},
		{"delete and add one", func(w http.ResponseWriter, _ http.Header) {
			w.Header().Del("Vary")
			w.Header().Set("X-Late", "1")
		}},
		{"empty to nil", func(w http.ResponseWriter, _ http.Header) { w.Header()["X-Empty"] = nil }},
		{"empty to none", func(w http.ResponseWriter, _ http.Header) { w.Header()["X-Empty"] = []string{} }},
		{"write again", func(w http.ResponseWriter, _ http.Header) {
			w.Header().Set("Vary", "Cookie")
			w.WriteHeader(http.StatusTeapot)
			_, _ = io.WriteString(w, "body")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				held := w.Header()
				for k, vs := range written {
					held[k] = slices.Clone(vs)
				}
				w.WriteHeader(http.StatusNoContent)
				tc.after(w, held)
			})
			req, err := http.NewRequest(http.MethodGet, "https://api.example/x", nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := corstest.HandlerTransport(h).RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != http.StatusNoContent {
				t.Errorf("status %d, want 204", resp.StatusCode)
			}
			if !maps.EqualFunc(resp.Header, written, slices.Equal) {
				t.Errorf("sent %v, want %v", resp.Header, written)
			}
		})
	}
}

// A handler that returns without writing sends its header as it was at
// the end, with status 200.
func TestHandlerTransportImplicitStatus(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-A", "1")
		w.Header().Set("X-A", "2")
	})
	req, _ := http.NewRequest(http.MethodGet, "https://api.example/x", nil)
	resp, err := corstest.HandlerTransport(h).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("X-A") != "2" {
		t.Errorf("got %d %v, want 200 with X-A: 2", resp.StatusCode, resp.Header)
	}
}

// The handler's changes to the request's header, and appends to the
// response's values, stay on their side.
func TestHandlerTransportKeepsTheSidesApart(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Set("Origin", "null")
		r.Header["Accept"][0] = "edited"
		r.Header.Add("Accept", "more")
		w.Header().Set("X-A", "1")
		w.WriteHeader(http.StatusOK)
	})
	req, _ := http.NewRequest(http.MethodGet, "https://api.example/x", nil)
	req.Header = http.Header{"Origin": {"https://app.example"}, "Accept": {"*/*"}}
	resp, err := corstest.HandlerTransport(h).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	if want := (http.Header{"Origin": {"https://app.example"}, "Accept": {"*/*"}}); !maps.EqualFunc(req.Header, want, slices.Equal) {
		t.Errorf("the caller's request header became %v", req.Header)
	}
	sent := resp.Header["X-A"]
	_ = append(sent, "appended")
	if len(resp.Header["X-A"]) != 1 {
		t.Errorf("append to a sent value changed the response: %v", resp.Header)
	}
}

// A handler that spells its CORS headers in lower case, straight into the
// map, is allowed over a socket (the client canonicalizes what it reads),
// and so in process too; the page reads what the server adds.
func TestPageSeesWhatTheWireCarries(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header()["access-control-allow-origin"] = []string{"*"}
		io.WriteString(w, "<html>")
	})
	srv := httptest.NewServer(h)
	defer srv.Close()
	for _, tc := range []struct {
		name    string
		handler http.Handler
		url     string
	}{{"in process", h, "https://api.example.com/x"}, {"over a socket", nil, srv.URL + "/x"}} {
		t.Run(tc.name, func(t *testing.T) {
			page := corstest.NewPage(t, "https://app.example.com", tc.handler)
			res := page.Fetch("GET", tc.url).Allowed()
			if got := res.Header.Get("Content-Type"); got != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q, want the sniffed text/html; charset=utf-8", got)
			}
			if got := res.Header.Get("Content-Length"); got != "6" {
				t.Errorf("Content-Length %q, want 6", got)
			}
		})
	}
}

// Header values with control bytes other than NUL, CR and LF are read as
// browsers read them, in process and over a socket alike: "X-Ctl: a\x18b"
// is readable as is, a vertical tab in Access-Control-Expose-Headers makes
// the list invalid (nothing exposed, the response loads), an ESC in
// Access-Control-Allow-Origin is a CORS error, and only a NUL fails the
// whole response. net/http's client refused all four, so over the wire the
// model said net::ERR_FAILED where the handler in process was read.
func TestInProcessAndWireReadControlBytesAlike(t *testing.T) {
	for _, tc := range []struct {
		name       string
		header     http.Header
		allowed    bool
		reason     fetch.Reason
		readable   string // a header the page reads, when allowed
		unreadable string // a header the page does not read
	}{
		{"a control byte in a value", http.Header{"Access-Control-Allow-Origin": {"*"}, "Access-Control-Expose-Headers": {"X-Ctl"}, "X-Ctl": {"a\x18b"}}, true, fetch.ReasonNone, "X-Ctl", ""},
		{"a vertical tab in the expose list", http.Header{"Access-Control-Allow-Origin": {"*"}, "Access-Control-Expose-Headers": {"X-Ctl\x0b"}, "X-Ctl": {"1"}}, true, fetch.ReasonNone, "", "X-Ctl"},
		{"an ESC in Allow-Origin", http.Header{"Access-Control-Allow-Origin": {"https://app.example.com\x1b"}}, false, fetch.ReasonAllowOriginMismatch, "", ""},
		{"a NUL", http.Header{"Access-Control-Allow-Origin": {"*"}, "X-Ctl": {"a\x00b"}}, false, fetch.ReasonNetwork, "", ""},
	} {
		h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			maps.Copy(w.Header(), tc.header)
			io.WriteString(w, "ok")
		})
		srv := httptest.NewServer(h)
		for _, side := range []struct {
			name string
			rt   http.RoundTripper
			url  string
		}{{"in process", corstest.HandlerTransport(h), "https://api.example.com/x"}, {"over a socket", &http.Transport{}, srv.URL + "/x"}} {
			b := &fetch.Browser{Transport: side.rt}
			res, err := b.Fetch(context.Background(), fetch.Request{Origin: origin.MustParse("https://app.example.com"), URL: side.url})
			if err != nil {
				t.Fatal(err)
			}
			var reason fetch.Reason
			if res.Err != nil {
				reason = res.Err.Reason
			}
			if res.Allowed() != tc.allowed || reason != tc.reason {
				t.Errorf("%s, %s: allowed %v (%v), want %v (%v)", tc.name, side.name, res.Allowed(), res.Err, tc.allowed, tc.reason)
				continue
			}
			if !res.Allowed() {
				continue
			}
			if tc.readable != "" && res.Response.Header.Get(tc.readable) != tc.header.Get(tc.readable) {
				t.Errorf("%s, %s: %s reads %q, want %q", tc.name, side.name, tc.readable, res.Response.Header.Get(tc.readable), tc.header.Get(tc.readable))
			}
			if tc.unreadable != "" && res.Response.Header.Get(tc.unreadable) != "" {
				t.Errorf("%s, %s: %s readable", tc.name, side.name, tc.unreadable)
			}
		}
		srv.Close()
	}
}
