package corstest_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/corskit/corskit/corstest"
	"github.com/corskit/corskit/fetch"
)

// reqBody is a request body, of a length NewRequest knows or not.
type reqBody struct {
	s             string
	unknownLength bool
}

// seen is what a handler saw of its request and of its own writes.
type seen struct {
	method, host, requestURI string
	url                      string
	contentLength            int64
	transferEncoding         []string
	tls                      bool
	header                   http.Header
	remoteHostPort           bool // RemoteAddr splits into host and port
	writeErr                 string
}

// TestHandlerTransportMatchesNetHTTP runs each handler behind a real
// net/http server on a loopback socket and through HandlerTransport, and
// compares what the client reads (status, header, length, body) and what
// the handler saw (method, Host, RequestURI, header, the error of its
// writes). The Date header is the one difference, by design (see
// HandlerTransport); the Go client's own request headers (User-Agent,
// Accept-Encoding) are left out of the comparison.
func TestHandlerTransportMatchesNetHTTP(t *testing.T) {
	text := func(s string) func(http.ResponseWriter) error {
		return func(w http.ResponseWriter) error { _, err := io.WriteString(w, s); return err }
	}
	for _, tc := range []struct {
		name   string
		method string
		header http.Header
		serve  func(w http.ResponseWriter) error // the error of the handler's last write
		body   *reqBody                          // the request's body (nil: none)
	}{
		{"small text", "GET", nil, text("ok\n"), nil},
		{"html sniffed", "GET", nil, text("<html><body>hi"), nil},
		{"json set", "GET", nil, func(w http.ResponseWriter) error {
			w.Header().Set("Content-Type", "application/json")
			return text(`{"a":1}`)(w)
		}, nil},
		{"nothing written", "GET", nil, func(http.ResponseWriter) error { return nil }, nil},
		{"204", "OPTIONS", nil, func(w http.ResponseWriter) error {
			w.Header().Set("Access-Control-Allow-Origin", "*")
			w.WriteHeader(http.StatusNoContent)
			return nil
		}, nil},
		{"204 with a body and a length", "GET", nil, func(w http.ResponseWriter) error {
			w.Header().Set("Content-Length", "3")
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusNoContent)
			return text("abc")(w)
		}, nil},
		{"304 keeps no type", "GET", nil, func(w http.ResponseWriter) error {
			w.Header().Set("Content-Type", "text/plain")
			w.Header().Set("Etag", `"x"`)
			w.WriteHeader(http.StatusNotModified)
			return text("x")(w)
		}, nil},
		{"500 with a body", "POST", nil, func(w http.ResponseWriter) error {
			w.WriteHeader(http.StatusInternalServerError)
			return text("boom")(w)
		}, &reqBody{s: "body"}},
		{"2048 bytes", "GET", nil, text(strings.Repeat("a", 2048)), nil},
		{"2049 bytes: chunked", "GET", nil, text(strings.Repeat("a", 2049)), nil},
		{"two writes past the buffer", "GET", nil, func(w http.ResponseWriter) error {
			text(strings.Repeat("a", 100))(w)
			return text(strings.Repeat("<", 3000))(w)
		}, nil},
		{"explicit length", "GET", nil, func(w http.ResponseWriter) error {
			w.Header().Set("Content-Length", "5")
			return text("12345")(w)
		}, nil},
		{"past the explicit length", "GET", nil, func(w http.ResponseWriter) error {
			w.Header().Set("Content-Length", "2")
			text("12")(w)
			return text("345")(w)
		}, nil},
		{"flushed", "GET", nil, func(w http.ResponseWriter) error {
			text("<p>")(w)
			w.(http.Flusher).Flush()
			return text("more")(w)
		}, nil},
		{"HEAD with a body", "HEAD", nil, text("body"), nil},
		{"HEAD without", "HEAD", nil, func(w http.ResponseWriter) error { w.Header().Set("X-A", "1"); return nil }, nil},
		{"encoded: no sniffing", "GET", nil, func(w http.ResponseWriter) error {
			w.Header().Set("Content-Encoding", "gzip")
			return text("\x1f\x8b\x08")(w)
		}, nil},
		{"type suppressed with nil", "GET", nil, func(w http.ResponseWriter) error {
			w.Header()["Content-Type"] = nil
			return text("x")(w)
		}, nil},
		{"lowercase names", "GET", nil, func(w http.ResponseWriter) error {
			w.Header()["access-control-allow-origin"] = []string{"*"}
			w.Header()["vary"] = []string{"Origin"}
			return nil
		}, nil},
		{"two spellings of one name", "GET", nil, func(w http.ResponseWriter) error {
			w.Header()["x-a"] = []string{"lower"}
			w.Header()["X-A"] = []string{"canonical"}
			w.Header()["X-a"] = []string{"mixed"}
			return nil
		}, nil},
		{"names that are not tokens", "GET", nil, func(w http.ResponseWriter) error {
			w.Header()["Bad Name"] = []string{"1"}
			w.Header()["Bad:Name"] = []string{"2"}
			w.Header()[""] = []string{"3"}
			w.Header().Set("X-Ok", "4")
			return nil
		}, nil},
		{"values trimmed, line breaks", "GET", nil, func(w http.ResponseWriter) error {
			w.Header()["X-Space"] = []string{"  a b \t"}
			w.Header()["X-Break"] = []string{"a\r\nb", "c\n"}
			w.Header()["X-Empty-String"] = []string{""}
			w.Header()["X-No-Value"] = []string{}
			return nil
		}, nil},
		{"early hints", "GET", nil, func(w http.ResponseWriter) error {
			w.Header().Set("Link", "</a.css>; rel=preload")
			w.WriteHeader(http.StatusEarlyHints)
			w.Header().Set("X-Final", "1")
			return text("done")(w)
		}, nil},
		{"Connection: close kept, as browsers read it", "GET", nil, func(w http.ResponseWriter) error {
			w.Header().Set("Connection", "close")
			return text("bye")(w)
		}, nil},
		{"a control byte in a value, as browsers read it", "GET", nil, func(w http.ResponseWriter) error {
			w.Header().Set("X-Ctl", "a\x18b\x0b")
			return nil
		}, nil},
		{"status twice", "GET", nil, func(w http.ResponseWriter) error {
			w.WriteHeader(http.StatusAccepted)
			w.WriteHeader(http.StatusTeapot)
			return nil
		}, nil},
		{"request names as sent", "PUT", http.Header{"Content-Type": {"application/json"}, "X-Api-Key": {"k"}, "x-lower": {"v"}}, text("put"), &reqBody{s: "body"}},
		{"request values", "GET", http.Header{"X-Space": {"  a  "}, "X-Two": {"1", "2"}, "X-Empty": {""}}, nil, nil},
		{"request fields win over header", "DELETE", http.Header{"Host": {"evil.example"}, "Content-Length": {"99"}, "Transfer-Encoding": {"chunked"}}, nil, nil},
		{"POST without a body", "POST", nil, text("ok"), nil},
		{"PATCH without a body", "PATCH", nil, nil, nil},
		{"OPTIONS without a body", "OPTIONS", http.Header{"Origin": {"https://app.example"}, "Access-Control-Request-Method": {"PUT"}}, nil, nil},
		{"body of unknown length", "POST", nil, nil, &reqBody{s: "abc", unknownLength: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			var got seen
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				s := seen{method: r.Method, host: r.Host, requestURI: r.RequestURI, url: r.URL.String(), header: r.Header.Clone(),
					contentLength: r.ContentLength, transferEncoding: r.TransferEncoding, tls: r.TLS != nil}
				_, _, err := net.SplitHostPort(r.RemoteAddr)
				s.remoteHostPort = err == nil
				if tc.serve != nil {
					if err := tc.serve(w); err != nil {
						s.writeErr = err.Error()
					}
				}
				if b, err := io.ReadAll(r.Body); err != nil || len(b) > 0 {
					s.header.Set("X-Test-Body", fmt.Sprintf("%q %v", b, err))
				}
				mu.Lock()
				got = s
				mu.Unlock()
			})
			srv := quietServer(h, false)
			defer srv.Close()
			do := func(rt http.RoundTripper, url string) (*http.Response, []byte, seen) {
				var reqBody io.Reader
				if tc.body != nil {
					reqBody = strings.NewReader(tc.body.s)
					if tc.body.unknownLength {
						reqBody = io.MultiReader(reqBody) // NewRequest cannot tell its length
					}
				}
				req, err := http.NewRequest(tc.method, url+"/p/a%2Fb?q=1&r=%20", reqBody)
				if err != nil {
					t.Fatal(err)
				}
				for k, vs := range tc.header {
					req.Header[k] = vs
				}
				resp, err := rt.RoundTrip(req)
				if err != nil && !strings.Contains(err.Error(), "malformed MIME header") {
					t.Fatal(err)
				}
				var body []byte
				if err == nil {
					// (net/http's client cannot read some answers browsers
					// read: only what the handler saw is taken from it.)
					body, err = io.ReadAll(resp.Body)
					resp.Body.Close()
					if err != nil {
						t.Fatal(err)
					}
				}
				mu.Lock()
				defer mu.Unlock()
				return resp, body, got
			}
			// What the handler sees is compared with what net/http's client
			// sends; what comes back with what browsers read (the model's
			// own reader, fetch.RawHeaderTransport).
			_, _, liveSeen := do(&http.Transport{DisableCompression: true}, srv.URL)
			live, liveBody, _ := do(fetch.RawHeaderTransport(&http.Transport{}), srv.URL)
			host := strings.TrimPrefix(srv.URL, "http://") // the same Host, so that both sides compare
			in, inBody, inSeen := do(corstest.HandlerTransport(h), srv.URL)

			delete(live.Header, "Date")
			if in.StatusCode != live.StatusCode || in.ContentLength != live.ContentLength ||
				!slices.Equal(in.TransferEncoding, live.TransferEncoding) || string(inBody) != string(liveBody) {
				t.Errorf("in process: %d, length %d, %v, body %q\nnet/http:   %d, length %d, %v, body %q",
					in.StatusCode, in.ContentLength, in.TransferEncoding, inBody, live.StatusCode, live.ContentLength, live.TransferEncoding, liveBody)
			}
			if !maps.EqualFunc(in.Header, live.Header, slices.Equal) {
				t.Errorf("header in process:\n  %v\nnet/http:\n  %v", in.Header, live.Header)
			}
			for _, k := range []string{"User-Agent", "Accept-Encoding"} {
				if tc.header[k] == nil {
					delete(liveSeen.header, k)
				}
			}
			if liveSeen.host != host || inSeen.host != host {
				t.Errorf("Host %q in process, %q over the socket, want %q", inSeen.host, liveSeen.host, host)
			}
			liveSeen.host, inSeen.host = "", ""
			if fmt.Sprint(inSeen) != fmt.Sprint(liveSeen) {
				t.Errorf("the handler saw in process:\n  %+v\nover the socket:\n  %+v", inSeen, liveSeen)
			}
		})
	}
}

// The client refuses what net/http's refuses, with its words.
func TestHandlerTransportRefusesWhatNetHTTPRefuses(t *testing.T) {
	h := http.HandlerFunc(func(http.ResponseWriter, *http.Request) { t.Error("the handler was called") })
	for _, hdr := range []http.Header{
		{"Bad Name": {"1"}},
		{"X-A": {"a\r\nInjected: 1"}},
		{"X-A": {"\x00"}},
	} {
		errs := [2]error{}
		for i, rt := range []http.RoundTripper{&http.Transport{}, corstest.HandlerTransport(h)} {
			req, _ := http.NewRequest("GET", "http://127.0.0.1:1/", nil)
			req.Header = hdr
			_, errs[i] = rt.RoundTrip(req)
		}
		if errs[0] == nil || errs[1] == nil || errs[0].Error() != errs[1].Error() {
			t.Errorf("header %q: net/http says %v, HandlerTransport %v", hdr, errs[0], errs[1])
		}
	}
	req, _ := http.NewRequest("GET", "http://127.0.0.1:1/", nil)
	req.Header = nil
	if _, err := corstest.HandlerTransport(h).RoundTrip(req); err == nil || !errors.Is(err, err) || !strings.Contains(err.Error(), "nil Request.Header") {
		t.Errorf("a nil header: %v", err)
	}
}

// Over https the handler sees a completed TLS handshake and the name the
// client asked for, as behind a TLS server.
func TestHandlerTransportHTTPS(t *testing.T) {
	type state struct {
		tls, complete bool
		version       uint16
		serverName    string
	}
	var mu sync.Mutex
	var got state
	h := http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		got = state{tls: r.TLS != nil}
		if r.TLS != nil {
			got.complete, got.version, got.serverName = r.TLS.HandshakeComplete, r.TLS.Version, r.TLS.ServerName
		}
	})
	srv := quietServer(h, true)
	defer srv.Close()
	// The certificate names example.com: dial the server whatever the name.
	live := srv.Client().Transport.(*http.Transport).Clone()
	live.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, srv.Listener.Addr().String())
	}
	for _, url := range []string{srv.URL, strings.Replace(srv.URL, "127.0.0.1", "example.com", 1)} {
		var seen [2]state
		for i, rt := range []http.RoundTripper{live, corstest.HandlerTransport(h)} {
			req, _ := http.NewRequest("GET", url, nil)
			resp, err := rt.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			mu.Lock()
			seen[i] = got
			mu.Unlock()
		}
		if seen[0] != seen[1] {
			t.Errorf("%s: the handler saw %+v over TLS, %+v in process", url, seen[0], seen[1])
		}
	}
}

// quietServer is a test server that keeps its complaints (a superfluous
// WriteHeader, a handshake cut short by Close) out of the test's output:
// they are what some cases do on purpose.
func quietServer(h http.Handler, tls bool) *httptest.Server {
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	if tls {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	return srv
}

// FuzzHandlerTransportMatchesNetHTTP is the comparison above for handlers
// the fuzzer makes up: a status, two header lines set by raw name (any
// bytes, any case, several values), and a body. Whatever they hold, the
// client must read the same from HandlerTransport as from a real net/http
// server, Date aside.
func FuzzHandlerTransportMatchesNetHTTP(f *testing.F) {
	f.Add(200, "access-control-allow-origin", " * ", "X-A", "1\n2", "<html>", false)
	f.Add(204, "Content-Length", "3", "content-type", "text/plain", "abc", false)
	f.Add(304, "Content-Type", "text/html", "Etag", `"x"`, "", true)
	f.Add(201, "X-A", "", "x-a", "b", strings.Repeat("z", 2100), false)
	f.Add(200, "Transfer-Encoding", "chunked", "Content-Encoding", "gzip", "\x1f\x8b", true)
	f.Add(500, "Bad Name", "v", "Content-Length", "x", "boom", false)
	var (
		mu    sync.Mutex
		serve func(w http.ResponseWriter)
	)
	h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		s := serve
		mu.Unlock()
		s(w)
	})
	srv := quietServer(h, false)
	defer srv.Close()
	live := fetch.RawHeaderTransport(&http.Transport{}) // read as browsers read
	f.Fuzz(func(t *testing.T, code int, k1, v1, k2, v2, body string, head bool) {
		if code < 200 || code > 599 || len(k1)+len(v1)+len(k2)+len(v2) > 4096 || len(body) > 8192 {
			t.Skip("outside what the comparison covers: final statuses, small headers")
		}
		for _, k := range []string{k1, k2} {
			switch ck := http.CanonicalHeaderKey(k); ck {
			case "Transfer-Encoding", "Content-Length", "Connection", "Trailer":
				if k != ck {
					// Framing headers under another spelling: the server
					// writes them beside its own and the client cannot
					// read the response (or waits for a body forever).
					t.Skip("a framing header spelled otherwise")
				}
			}
		}
		mu.Lock()
		serve = func(w http.ResponseWriter) {
			w.Header()[k1] = append(w.Header()[k1], strings.Split(v1, "|")...)
			w.Header()[k2] = append(w.Header()[k2], v2)
			w.WriteHeader(code)
			io.WriteString(w, body)
		}
		mu.Unlock()
		method := http.MethodGet
		if head {
			method = http.MethodHead
		}
		var resps [2]*http.Response
		var bodies [2][]byte
		var errs [2]error
		for i, rt := range []http.RoundTripper{live, corstest.HandlerTransport(h)} {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, method, srv.URL, nil)
			resp, err := rt.RoundTrip(req)
			if err != nil {
				// Both fail, or neither: a NUL in a value is unreadable.
				if errs[i] = err; i == 1 && errs[0] == nil {
					t.Fatal(err)
				}
				continue
			}
			bodies[i], err = io.ReadAll(resp.Body)
			if err != nil && i == 0 && ctx.Err() != nil {
				t.Skip("net/http's client could not read the body:", err)
			}
			resp.Body.Close()
			delete(resp.Header, "Date")
			resps[i] = resp
		}
		if (errs[0] == nil) != (errs[1] == nil) {
			t.Fatalf("browsers read: %v; in process: %v", errs[0], errs[1])
		}
		if errs[0] != nil {
			return
		}
		l, in := resps[0], resps[1]
		if in.StatusCode != l.StatusCode || in.ContentLength != l.ContentLength || string(bodies[0]) != string(bodies[1]) ||
			!maps.EqualFunc(in.Header, l.Header, slices.Equal) {
			t.Errorf("in process: %d %v length %d body %q\nnet/http:   %d %v length %d body %q",
				in.StatusCode, in.Header, in.ContentLength, bodies[1], l.StatusCode, l.Header, l.ContentLength, bodies[0])
		}
	})
}

// A request header value with a control byte that browsers send (the
// fetch model writes it byte for byte over the wire) gets what a net/http
// server answers, in process as over a socket: 400 before the handler.
func TestHandlerTransportAnswersControlBytesAsTheServer(t *testing.T) {
	h := http.HandlerFunc(func(http.ResponseWriter, *http.Request) { t.Error("the handler was called") })
	srv := quietServer(h, false)
	defer srv.Close()
	var resps [2]*http.Response
	var bodies [2]string
	for i, rt := range []http.RoundTripper{fetch.RawHeaderTransport(&http.Transport{}), corstest.HandlerTransport(h)} {
		req, _ := http.NewRequest("GET", srv.URL+"/", nil)
		req.Header.Set("If-Modified-Since", "\x1c")
		resp, err := rt.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		resps[i], bodies[i] = resp, string(b)
	}
	w, in := resps[0], resps[1]
	if w.StatusCode != 400 || in.StatusCode != w.StatusCode || in.ContentLength != w.ContentLength || bodies[0] != bodies[1] ||
		!maps.EqualFunc(in.Header, w.Header, slices.Equal) {
		t.Errorf("in process: %d %v length %d %q\nover the wire: %d %v length %d %q",
			in.StatusCode, in.Header, in.ContentLength, bodies[1], w.StatusCode, w.Header, w.ContentLength, bodies[0])
	}
}
