package corstest_test

import (
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/corskit/corskit/corstest"
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
