package cors_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/corskit/corskit/cors"
)

// nginx's proxy_cache keys on the last Vary line only, so every Vary token
// must go out on one line, whatever the handler adds and however it writes
// (e2e/sharedcache_test.go shows the poisoning behind real nginx). These
// handlers add Vary after the middleware ran, then send the header each way
// net/http allows.
var varyHandlers = []struct {
	name string
	h    http.HandlerFunc
}{
	{"writes nothing", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Add("Vary", "Accept-Encoding")
	}},
	{"WriteHeader", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Add("Vary", "Accept-Encoding")
		w.WriteHeader(http.StatusAccepted)
	}},
	{"Write", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Add("Vary", "Accept-Encoding")
		w.Write([]byte("body"))
	}},
	{"WriteString", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Add("Vary", "Accept-Encoding")
		io.WriteString(w, "body")
	}},
	{"io.Copy (ReadFrom)", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Add("Vary", "Accept-Encoding")
		io.Copy(w, struct{ io.Reader }{strings.NewReader("body")}) // no WriterTo: ReadFrom is used
	}},
	{"http.Flusher", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Add("Vary", "Accept-Encoding")
		w.(http.Flusher).Flush()
		w.Header().Add("Vary", "Too-Late") // after the header went out: never sent
	}},
	{"ResponseController.Flush", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Add("Vary", "Accept-Encoding")
		if err := http.NewResponseController(w).Flush(); err != nil {
			panic(err)
		}
	}},
	{"103 Early Hints, then Vary", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Link", "</app.css>; rel=preload")
		w.WriteHeader(http.StatusEarlyHints)
		w.Header().Add("Vary", "Accept-Encoding")
		w.Write([]byte("body"))
	}},
	{"duplicates in other cases, on one line and several", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Add("Vary", "Accept-Encoding, ORIGIN") // the first spelling is kept
		w.Header().Add("Vary", "")
		w.Header().Add("Vary", " origin ,accept-encoding")
	}},
}

func TestVaryOneLineOnTheWire(t *testing.T) {
	strict := mustNew(t, cors.Config{AllowedOrigins: []string{"https://a.com"}, AllowCredentials: true, ExposedHeaders: []string{"X-Id"}})
	pass := mustNew(t, cors.Config{AllowedOrigins: []string{"https://a.com"}, AllowedMethods: []string{"PUT"}, PreflightPassthrough: true})
	for _, hc := range varyHandlers {
		for _, tc := range []struct {
			name string
			mw   *cors.Middleware
			r    req
			want string
		}{
			{"allowed", strict, get("https://a.com"), "Origin, Accept-Encoding"},
			{"disallowed", strict, get("https://evil.com"), "Origin, Accept-Encoding"},
			{"no Origin", strict, get(""), "Origin, Accept-Encoding"},
			{"passthrough preflight", pass, preflight("https://a.com", "PUT"), varyPreflight + ", Accept-Encoding"},
		} {
			srv := httptest.NewServer(tc.mw.Wrap(hc.h))
			resp := wireDo(t, srv.URL, tc.r)
			srv.Close()
			if got := resp.Header["Vary"]; len(got) != 1 || got[0] != tc.want {
				t.Errorf("%s, %s: Vary lines %q, want one line %q", hc.name, tc.name, got, tc.want)
			}
		}
	}
}

// wireDo sends r to url over a real connection; resp.Header keeps each
// header line as a value of its own.
func wireDo(t *testing.T, url string, r req) *http.Response {
	t.Helper()
	return wireDoWith(t, http.DefaultClient, url, r)
}

func wireDoWith(t *testing.T, c *http.Client, url string, r req) *http.Response {
	t.Helper()
	hr, err := http.NewRequest(r.method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.origin != "" {
		hr.Header.Set("Origin", r.origin)
	}
	for k, v := range r.header {
		hr.Header[k] = v
	}
	resp, err := c.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// An outer middleware's Vary (a gzip middleware's, set before the CORS
// middleware runs) joins the line too, on preflights the middleware
// answers itself as well; "*" stands for every token.
func TestVaryOuterLinesAndStar(t *testing.T) {
	mw := mustNew(t, cors.Config{AllowedOrigins: []string{"https://a.com"}, AllowedMethods: []string{"PUT"}})
	for _, tc := range []struct {
		name    string
		outer   []string
		handler string // a Vary line the handler adds, if any
		r       req
		want    []string
	}{
		{"outer, GET", []string{"Accept-Encoding"}, "", get("https://a.com"), []string{"Accept-Encoding, Origin"}},
		{"outer twice, preflight", []string{"Accept-Encoding", "accept-encoding"}, "", preflight("https://a.com", "PUT"),
			[]string{"Accept-Encoding, " + varyPreflight}},
		{"outer, refused preflight", []string{"Accept-Encoding"}, "", preflight("https://evil.com", "PUT"),
			[]string{"Accept-Encoding, " + varyPreflight}},
		{"handler adds *", nil, "*", get("https://a.com"), []string{"*"}},
		{"outer *", []string{"*"}, "Accept", get(""), []string{"*"}},
		{"one line is left as it is", nil, "", get("https://a.com"), []string{"Origin"}},
	} {
		h := mw.Wrap(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			if tc.handler != "" {
				w.Header().Add("Vary", tc.handler)
			}
		}))
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header()["Vary"] = slices.Clone(tc.outer)
			h.ServeHTTP(w, r)
		}))
		resp := wireDo(t, srv.URL, tc.r)
		srv.Close()
		if got := resp.Header["Vary"]; !slices.Equal(got, tc.want) {
			t.Errorf("%s: Vary lines %q, want %q", tc.name, got, tc.want)
		}
	}
}

// writerFacts is what a handler can learn of its ResponseWriter.
type writerFacts struct {
	flusher, hijacker, readerFrom, stringWriter bool
	deadline, fullDuplex, rcFlush, rcHijack     string // the ResponseController's errors
}

// factsOf sends what w answers on out, before a hijacked connection
// answers the client (which then reads out).
func factsOf(w http.ResponseWriter, hijack bool, out chan<- writerFacts) {
	_, f := w.(http.Flusher)
	_, h := w.(http.Hijacker)
	_, rf := w.(io.ReaderFrom)
	_, sw := w.(io.StringWriter)
	facts := writerFacts{flusher: f, hijacker: h, readerFrom: rf, stringWriter: sw}
	rc := http.NewResponseController(w)
	facts.deadline = errText(rc.SetWriteDeadline(time.Now().Add(time.Minute)))
	facts.fullDuplex = errText(rc.EnableFullDuplex())
	if !hijack {
		facts.rcFlush = errText(rc.Flush())
		out <- facts
		return
	}
	conn, brw, err := rc.Hijack()
	facts.rcHijack = errText(err)
	out <- facts
	if err == nil {
		brw.WriteString("HTTP/1.1 200 OK\r\nX-Hijacked: yes\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
		brw.Flush()
		conn.Close()
	}
}

func errText(err error) string {
	if err == nil {
		return "ok"
	}
	if errors.Is(err, http.ErrNotSupported) {
		return "not supported"
	}
	return "error"
}

// The handler's writer answers type assertions and the
// http.ResponseController as the server's own writer does, over HTTP/1.1
// (Flusher and Hijacker), HTTP/2 (Flusher, no Hijacker), httptest's
// recorder and a bare writer, with Vary merged or not. It is always an
// io.ReaderFrom and an io.StringWriter, which io.Copy and io.WriteString
// use where present; both end in the wrapped writer's own (sendfile kept)
// or in its Write, as they would without them.
func TestVaryWriterKeepsInterfaces(t *testing.T) {
	mw := mustNew(t, cors.Config{AllowedOrigins: []string{"https://a.com"}})
	for _, r := range []req{get("https://a.com"), get("https://evil.com"), get("")} {
		for _, hijack := range []bool{false, true} {
			facts := make(chan writerFacts, 1)
			record := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Add("Vary", "Accept-Encoding")
				factsOf(w, hijack, facts)
			})
			for _, server := range []struct {
				name  string
				start func(http.Handler) *httptest.Server
			}{
				{"HTTP/1.1", httptest.NewServer},
				{"HTTP/2", func(h http.Handler) *httptest.Server {
					s := httptest.NewUnstartedServer(h)
					s.EnableHTTP2 = true
					s.StartTLS()
					return s
				}},
			} {
				var direct, wrapped writerFacts
				for _, h := range []struct {
					into    *writerFacts
					handler http.Handler
				}{{&direct, record}, {&wrapped, mw.Wrap(record)}} {
					srv := server.start(h.handler)
					resp := tlsDo(t, srv, r)
					srv.Close()
					*h.into = <-facts
					if hijack && h.into.rcHijack == "ok" && resp.Header.Get("X-Hijacked") != "yes" {
						t.Errorf("%s %v: hijacked, but the client did not get the hijacker's answer", server.name, r)
					}
				}
				if !wrapped.readerFrom || !wrapped.stringWriter {
					t.Errorf("%s %v: the handler's writer is not an io.ReaderFrom and io.StringWriter: %+v", server.name, r, wrapped)
				}
				wrapped.readerFrom, wrapped.stringWriter = direct.readerFrom, direct.stringWriter
				if direct != wrapped {
					t.Errorf("%s %v (hijack %v): the handler's writer\n without the middleware %+v\n with it                %+v", server.name, r, hijack, direct, wrapped)
				}
			}
		}
		for _, w := range []http.ResponseWriter{httptest.NewRecorder(), &bareWriter{h: http.Header{}}} {
			facts := make(chan writerFacts, 2)
			mw.Wrap(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { factsOf(w, true, facts) })).ServeHTTP(w, newReq(r))
			factsOf(w, true, facts)
			wrapped, direct := <-facts, <-facts
			if !wrapped.readerFrom || !wrapped.stringWriter {
				t.Errorf("%T %v: the handler's writer is not an io.ReaderFrom and io.StringWriter: %+v", w, r, wrapped)
			}
			wrapped.readerFrom, wrapped.stringWriter = direct.readerFrom, direct.stringWriter
			if direct != wrapped {
				t.Errorf("%T %v: the handler's writer\n without the middleware %+v\n with it                %+v", w, r, direct, wrapped)
			}
		}
	}
}

// tlsDo sends r to srv with the client httptest made for it (HTTP/2 when
// the server has it).
func tlsDo(t *testing.T, srv *httptest.Server, r req) *http.Response {
	t.Helper()
	return wireDoWith(t, srv.Client(), srv.URL, r)
}

// bareWriter is a ResponseWriter with nothing more, as some frameworks' are.
type bareWriter struct{ h http.Header }

func (w *bareWriter) Header() http.Header         { return w.h }
func (w *bareWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *bareWriter) WriteHeader(int)             {}

// FuzzVaryMerge: whatever Vary lines the handler adds (one per line of
// lines), the response has at most one Vary line, it holds every token
// of the input once (case-insensitively, or "*" alone when "*" was one of
// them), Origin included.
func FuzzVaryMerge(f *testing.F) {
	f.Add("Accept-Encoding")
	f.Add("accept-encoding, ORIGIN\n\n origin ,Accept")
	f.Add("*\nOrigin")
	f.Add(",,\n ,")
	mw, err := cors.New(cors.Config{AllowedOrigins: []string{"https://a.com"}})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, lines string) {
		added := strings.Split(lines, "\n")
		h := mw.Wrap(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			for _, l := range added {
				w.Header().Add("Vary", l)
			}
			w.WriteHeader(http.StatusOK)
		}))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, newReq(get("https://a.com")))
		got := w.Header()["Vary"]
		if len(got) != 1 {
			t.Fatalf("Vary lines %q", got)
		}
		want := foldedTokens(append([]string{"Origin"}, added...))
		if slices.Contains(want, "*") {
			want = []string{"*"}
		}
		if have := foldedTokens(got); !slices.Equal(have, want) {
			t.Fatalf("added %q: Vary %q, tokens %q, want %q", added, got, have, want)
		}
	})
}

// foldedTokens lists the distinct tokens of lines, lowercased, sorted.
func foldedTokens(lines []string) []string {
	var out []string
	for _, l := range lines {
		for tok := range strings.SplitSeq(l, ",") {
			if tok = strings.ToLower(textproto.TrimString(tok)); tok != "" {
				out = append(out, tok)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
