// Package corstest answers, in a Go test, the question a browser answers
// in production: may a page on origin X make this call and read the answer?
//
// A Page is a page on one origin. It runs fetch() calls through the fetch
// package's model of Chromium (or of another engine, see Page.Profile),
// either against an http.Handler in-process (no socket, no port) or against
// real URLs, and asserts the verdict. A failed assertion says what to
// change: it prints the whole call (the page's origin, the URL, the method,
// every header, the body, the mode and credentials, as the fetch() call
// itself), the console lines a developer would see in that engine, the fix
// as `corskit check` prints it (the header line to send on which response,
// and the cors.Config change, from the explain package), and the whole
// exchange, preflight included:
//
//	page := corstest.NewPage(t, "https://app.example.com", handler)
//	page.Fetch("PUT", "https://api.example.com/items/1",
//		corstest.Header("Content-Type", "application/json"),
//		corstest.Credentials(),
//	).Allowed()
//	page.Fetch("GET", "https://api.example.com/admin").Blocked()
//
// Engines do not always agree (client hints, the preflight cache, redirects:
// see CONFORMANCE.md). FetchEverywhere makes the call in Chromium, Firefox
// and WebKit alike, each with its own preflight cache, and asserts the
// verdict in every engine:
//
//	page.FetchEverywhere("GET", "https://api.example.com/items",
//		corstest.Header("Save-Data", "on"),
//	).Allowed() // fails: Firefox and WebKit need a preflight for Save-Data
package corstest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/corskit/corskit/explain"
	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/origin"
)

// Page is a page on one origin making fetch() calls. Calls share a
// preflight cache, as calls from one real page do.
type Page struct {
	t       testing.TB
	origin  origin.Origin
	browser *fetch.Browser
	engines []*fetch.Browser // one per fetch.Profiles entry, made by FetchEverywhere
}

// NewPage returns a page on the serialized origin pageOrigin (for example
// "https://app.example.com"). With a non-nil handler, every request goes
// to it in-process, whatever the URL's host; with a nil handler, requests
// go over the network to the URLs given. The browser is modelled on
// Chromium; use Profile for the Fetch Standard as written.
func NewPage(t testing.TB, pageOrigin string, handler http.Handler) *Page {
	t.Helper()
	o, err := origin.Parse(pageOrigin)
	if err != nil {
		t.Fatalf("corstest.NewPage: %v", err)
	}
	b := &fetch.Browser{Profile: fetch.Chromium}
	if handler != nil {
		b.Transport = HandlerTransport(handler)
	}
	return &Page{t: t, origin: o, browser: b}
}

// Profile switches the browser model, for example to fetch.Firefox,
// fetch.WebKit or fetch.Spec.
func (p *Page) Profile(prof fetch.Profile) *Page {
	p.browser.Profile = prof
	return p
}

// Browser returns the underlying model, to set its clock or transport.
func (p *Page) Browser() *fetch.Browser { return p.browser }

// An Option adjusts one fetch() call, as its init argument would.
type Option func(*fetch.Request)

// Header sets a request header, as init.headers does.
func Header(name, value string) Option {
	return func(r *fetch.Request) { r.Headers = append(r.Headers, fetch.Header{Name: name, Value: value}) }
}

// Body sets a request body.
func Body(s string) Option { return func(r *fetch.Request) { r.Body = s } }

// Credentials sets credentials: 'include'.
func Credentials() Option {
	return func(r *fetch.Request) { r.Credentials = fetch.CredentialsInclude }
}

// Mode sets the request mode.
func Mode(m fetch.Mode) Option { return func(r *fetch.Request) { r.Mode = m } }

// Cache sets the cache mode.
func Cache(m fetch.CacheMode) Option { return func(r *fetch.Request) { r.Cache = m } }

// Redirect sets the redirect mode.
func Redirect(m fetch.RedirectMode) Option { return func(r *fetch.Request) { r.Redirect = m } }

// Call is one fetch() call's outcome, ready to be asserted.
type Call struct {
	t       testing.TB
	Result  *fetch.Result
	Profile fetch.Profile // the engine that made the call
}

// Fetch makes the call fetch(url, {method, ...opts}) from the page.
func (p *Page) Fetch(method, url string, opts ...Option) *Call {
	p.t.Helper()
	return p.fetch(p.browser, method, url, opts)
}

func (p *Page) fetch(b *fetch.Browser, method, url string, opts []Option) *Call {
	p.t.Helper()
	req := fetch.Request{Origin: p.origin, Method: method, URL: url}
	for _, o := range opts {
		o(&req)
	}
	res, err := b.Fetch(context.Background(), req)
	if err != nil {
		p.t.Fatalf("corstest: fetch(%q): %v", url, err)
	}
	prof := b.Profile
	if prof.Name == "" {
		prof = fetch.Chromium
	}
	return &Call{t: p.t, Result: res, Profile: prof}
}

// FetchEverywhere makes the call in every engine the model knows
// (fetch.Profiles: Chromium, Firefox, WebKit). Each engine is its own
// browser with its own preflight cache, shared by this page's later
// FetchEverywhere calls; they use the page's transport and clock as they
// were at the first FetchEverywhere call.
func (p *Page) FetchEverywhere(method, url string, opts ...Option) Calls {
	p.t.Helper()
	if p.engines == nil {
		for _, prof := range fetch.Profiles {
			p.engines = append(p.engines, &fetch.Browser{Profile: prof, Transport: p.browser.Transport, Now: p.browser.Now})
		}
	}
	calls := make(Calls, len(p.engines))
	for i, b := range p.engines {
		calls[i] = p.fetch(b, method, url, opts)
	}
	return calls
}

// Calls is one call made in several engines (FetchEverywhere).
type Calls []*Call

// Allowed fails the test unless the page could read the response in every
// engine; each failure names the engine and shows its console lines.
func (cs Calls) Allowed() Calls {
	for _, c := range cs {
		c.t.Helper()
		if !c.Result.Allowed() {
			c.t.Errorf("want the call allowed in every engine, but %s blocks it:\n%s", c.Profile.Name, c.explain())
		}
	}
	return cs
}

// Blocked fails the test unless every engine blocks the call.
func (cs Calls) Blocked() Calls {
	for _, c := range cs {
		c.t.Helper()
		if c.Result.Allowed() {
			c.t.Errorf("want the call blocked in every engine, but %s allows it:\n%s", c.Profile.Name, c.explain())
		}
	}
	return cs
}

// Preflighted fails the test unless every engine sent a preflight (want
// true) or none did (want false).
func (cs Calls) Preflighted(want bool) Calls {
	for _, c := range cs {
		c.t.Helper()
		if got := c.Result.PreflightSent(); got != want {
			c.t.Errorf("want preflight sent = %v in every engine, got %v in %s:\n%s", want, got, c.Profile.Name, c.explain())
		}
	}
	return cs
}

// In returns the call as the engine named ("chromium", "firefox",
// "webkit") made it, to assert what only that engine does; it fails the
// test when no such engine took part.
func (cs Calls) In(engine string) *Call {
	for _, c := range cs {
		if c.Profile.Name == engine {
			return c
		}
	}
	if len(cs) > 0 {
		cs[0].t.Helper()
		cs[0].t.Fatalf("corstest: no call in engine %q", engine)
	}
	return nil
}

// Allowed fails the test unless the page could read the response; it
// returns the response as the page sees it.
func (c *Call) Allowed() *fetch.Response {
	c.t.Helper()
	if !c.Result.Allowed() {
		c.t.Errorf("want the call allowed, but the browser blocks it:\n%s", c.explain())
	}
	return c.Result.Response
}

// Blocked fails the test unless the browser blocks the call; it returns
// the failure.
func (c *Call) Blocked() *fetch.Error {
	c.t.Helper()
	if c.Result.Allowed() {
		c.t.Errorf("want the call blocked, but the browser allows it:\n%s", c.explain())
	}
	return c.Result.Err
}

// BlockedFor fails the test unless the browser blocks the call for reason.
func (c *Call) BlockedFor(reason fetch.Reason) *fetch.Error {
	c.t.Helper()
	switch {
	case c.Result.Allowed():
		c.t.Errorf("want the call blocked (%s), but the browser allows it:\n%s", reason, c.explain())
	case c.Result.Err.Reason != reason:
		c.t.Errorf("want the call blocked for %s, but it is blocked for %s:\n%s", reason, c.Result.Err.Reason, c.explain())
	}
	return c.Result.Err
}

// Readable fails the test unless script can read every named response
// header (names are case-insensitive).
func (c *Call) Readable(names ...string) *Call {
	c.t.Helper()
	if !c.Result.Allowed() {
		c.t.Errorf("want headers %v readable, but the call is blocked:\n%s", names, c.explain())
		return c
	}
	for _, n := range names {
		if _, ok := c.Result.Response.Header[http.CanonicalHeaderKey(n)]; !ok {
			c.t.Errorf("want response header %s readable by script, but it is not (readable: %v):\n%s",
				n, c.Result.Response.ReadableHeaderNames(), c.explain())
		}
	}
	return c
}

// Preflighted fails the test unless the call sent a preflight (want true)
// or did not (want false).
func (c *Call) Preflighted(want bool) *Call {
	c.t.Helper()
	if got := c.Result.PreflightSent(); got != want {
		c.t.Errorf("want preflight sent = %v, got %v:\n%s", want, got, c.explain())
	}
	return c
}

// Explain renders a result for a test failure as Chromium shows it; see
// ExplainIn.
func Explain(r *fetch.Result) string { return ExplainIn(fetch.Chromium, r) }

func (c *Call) explain() string { return ExplainIn(c.Profile, c.Result) }

// ExplainIn renders a result for a test failure as the engine of profile p
// shows it, so that the failure says what to change without a second run:
//
//   - the whole call, as the fetch() a page would make: the page's origin,
//     the URL, the method, every header, the body, the mode and the
//     credentials mode (and the cache and redirect modes when not the
//     defaults);
//   - the verdict: the TypeError and the engine's console lines, or what
//     script may read;
//   - the fix, as `corskit check` prints it: the header line to send on
//     the preflight or actual response, the change in words, the
//     cors.Config change and what it risks (explain.Explain's Fixes), then
//     explain's warnings;
//   - every exchange, curl -v style.
func ExplainIn(p fetch.Profile, r *fetch.Result) string {
	var b strings.Builder
	writeCall(&b, p, r.Request)
	lines := p.ConsoleLines(r)
	if r.Err != nil {
		fmt.Fprintf(&b, "  TypeError: %s\n", p.TypeErrorMessage(r))
		if len(lines) == 0 {
			// The engine logs nothing about it: name the reason instead of
			// inventing a line.
			fmt.Fprintf(&b, "  reason: %s (no console line in %s)", r.Err.Reason, p.Name)
			if r.Err.Err != nil {
				fmt.Fprintf(&b, ": %v", r.Err.Err)
			}
			b.WriteString("\n")
		}
	}
	for _, l := range lines {
		fmt.Fprintf(&b, "  console: %s\n", l)
	}
	if r.Err == nil && r.Response != nil {
		fmt.Fprintf(&b, "  allowed: type %s, status %d, readable headers %v\n",
			r.Response.Type, r.Response.Status, r.Response.ReadableHeaderNames())
	}
	writeDiagnosis(&b, explain.Explain(r))
	b.WriteString(fetch.FormatTrace(r.Trace))
	return b.String()
}

// maxShownBody is how much of a request body a failure message quotes.
const maxShownBody = 120

// writeCall writes req as the fetch() call a page would make, in
// JavaScript a developer can paste into the page's console.
func writeCall(b *strings.Builder, p fetch.Profile, req fetch.Request) {
	fmt.Fprintf(b, "  page %s: fetch(%s, {method: %s", req.Origin, jsString(req.URL), jsString(req.Method))
	if len(req.Headers) > 0 {
		b.WriteString(", headers: {")
		for i, h := range req.Headers {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(b, "%s: %s", jsString(h.Name), jsString(h.Value))
		}
		b.WriteString("}")
	}
	if req.Body != "" {
		if len(req.Body) > maxShownBody {
			n := maxShownBody
			for n > 0 && !utf8.RuneStart(req.Body[n]) {
				n-- // cut before a character, not inside one
			}
			fmt.Fprintf(b, ", body: %s /* the first %d of %d bytes */", jsString(req.Body[:n]), n, len(req.Body))
		} else {
			fmt.Fprintf(b, ", body: %s", jsString(req.Body))
		}
	}
	fmt.Fprintf(b, ", mode: %s, credentials: %s", jsString(string(req.Mode)), jsString(string(req.Credentials)))
	// The cache and redirect modes only where they are not fetch()'s
	// defaults: they rarely matter, and the line is long enough.
	if req.Cache != "" && req.Cache != fetch.CacheDefault {
		fmt.Fprintf(b, ", cache: %s", jsString(string(req.Cache)))
	}
	if req.Redirect != "" && req.Redirect != fetch.RedirectFollow {
		fmt.Fprintf(b, ", redirect: %s", jsString(string(req.Redirect)))
	}
	fmt.Fprintf(b, "}) in %s\n", p.Name)
}

// jsString quotes s as a JavaScript string literal (a JSON string is one).
func jsString(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return strconv.Quote(s) // unreachable: a string always encodes
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// writeDiagnosis writes d's fixes and warnings in the layout of `corskit
// check`, indented under the verdict.
func writeDiagnosis(b *strings.Builder, d explain.Diagnosis) {
	explain.WriteAdvice(b, d, explain.AdviceLayout{Indent: "  "})
}

// HandlerTransport is an http.RoundTripper that serves every request with
// h in-process: no socket, no port, whatever the URL's host. The handler
// gets its own copy of the request's header and URL, and the response holds
// the header as it was when the handler wrote the status (as on the wire:
// later changes are not sent).
//
// It is on the path of every in-process fetch (corstest suites, the audit
// of a handler), so one round trip makes one allocation for the
// server-side request, the recorder and the response, and the header
// copies keep their values in it too.
func HandlerTransport(h http.Handler) http.RoundTripper {
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		x := new(inProcessExchange)
		// A server-side request: a shallow copy (as WithContext makes, the
		// context kept) with its own URL and header, RequestURI set, Host
		// from the URL.
		x.req = *req
		sreq := &x.req
		if req.URL != nil {
			x.url = *req.URL
			sreq.URL = &x.url
		}
		sreq.Header = cloneHeader(req.Header, x.reqVals[:0])
		sreq.RequestURI = req.URL.RequestURI()
		sreq.Host = req.URL.Host
		if sreq.Body == nil {
			sreq.Body = http.NoBody
		}
		w := &x.w
		w.header = make(http.Header)
		w.snap = headerSnapshot{vals: x.respVals[:0]}
		h.ServeHTTP(w, sreq)
		if !w.wrote {
			// The handler returned without writing: its header is final (a
			// handler may not use w once it has returned), so it is sent as
			// is, without a copy.
			w.code, w.sent = http.StatusOK, w.header
		} else {
			w.sent = w.snap.header(w.header)
		}
		x.resp = http.Response{
			Status: statusLine(w.code), StatusCode: w.code,
			Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header: w.sent, Body: body(w.body.Bytes()),
			ContentLength: int64(w.body.Len()), Request: req,
		}
		return &x.resp, nil
	})
}

// inProcessExchange is what one HandlerTransport round trip allocates, in
// one piece.
type inProcessExchange struct {
	req      http.Request
	url      url.URL
	w        responseWriter
	resp     http.Response
	reqVals  [8]string // the values of the handler's copy of the request header
	respVals [8]string // the values of the header as sent
}

// cloneHeader is h.Clone with the values in dst's array while they fit,
// then in arrays append grows (each name's values capped, so that an append
// to them copies them out). One pass over the map: iterating a map costs
// more than the copies.
func cloneHeader(h http.Header, dst []string) http.Header {
	if h == nil {
		return nil
	}
	h2 := make(http.Header, len(h))
	for k, vs := range h {
		if vs == nil {
			h2[k] = nil // as Clone keeps a nil value
			continue
		}
		i := len(dst)
		dst = append(dst, vs...)
		h2[k] = dst[i:len(dst):len(dst)]
	}
	return h2
}

// statusLines are the status lines of the codes net/http names, built
// once rather than per response.
var statusLines = func() map[int]string {
	m := make(map[int]string)
	for code := 100; code < 600; code++ {
		if t := http.StatusText(code); t != "" {
			m[code] = strconv.Itoa(code) + " " + t
		}
	}
	return m
}()

// statusLine is http.Response.Status for code: "200 OK".
func statusLine(code int) string {
	if s, ok := statusLines[code]; ok {
		return s
	}
	return fmt.Sprintf("%03d %s", code, http.StatusText(code))
}

// body is a response body holding b (http.NoBody when b is empty).
func body(b []byte) io.ReadCloser {
	if len(b) == 0 {
		return http.NoBody
	}
	return io.NopCloser(bytes.NewReader(b))
}

// responseWriter records a handler's response, with less work than
// httptest.ResponseRecorder: the header is taken down when the status is
// written, so that later changes are not sent, as on the wire.
type responseWriter struct {
	header http.Header // what Header returns
	sent   http.Header // the header as sent, once the handler has returned
	snap   headerSnapshot
	wrote  bool
	code   int
	body   bytes.Buffer
}

func (w *responseWriter) Header() http.Header { return w.header }

func (w *responseWriter) WriteHeader(code int) {
	if w.wrote {
		return
	}
	w.wrote, w.code = true, code
	w.snap.take(w.header)
}

func (w *responseWriter) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.body.Write(p)
}

// headerSnapshot is a header as it was when the status was written, kept
// as flat lists rather than as a map: most handlers leave their header
// alone after that, and then the live map itself can be sent, which spares
// a map per response. The map is built only when the header changed.
type headerSnapshot struct {
	keys  []string
	spans []span   // keys[i]'s values are vals[spans[i].start:spans[i].end]
	vals  []string // copies of the values, so that an edit in place shows
}

// span is where a name's values are in headerSnapshot.vals. 32 bits are
// enough: 2^31 values would take 32 GiB of string headers.
type span struct {
	start, end int32
	isNil      bool // the value was nil, not empty
}

// snapshotIndex is room for the names and spans of a short header, in one
// allocation of 224 bytes where a map of the same takes two and 400.
type snapshotIndex struct {
	keys  [8]string
	spans [8]span
}

func (s *headerSnapshot) take(h http.Header) {
	if len(h) <= 8 {
		idx := new(snapshotIndex)
		s.keys, s.spans = idx.keys[:0], idx.spans[:0]
	}
	for k, vs := range h {
		n := len(s.vals)
		s.vals = append(s.vals, vs...)
		s.keys = append(s.keys, k)
		s.spans = append(s.spans, span{start: int32(n), end: int32(len(s.vals)), isNil: vs == nil})
	}
}

// values is keys[i]'s values as taken, capped so that an append copies
// them out.
func (s *headerSnapshot) values(i int) []string {
	if sp := s.spans[i]; !sp.isNil {
		return s.vals[sp.start:sp.end:sp.end]
	}
	return nil
}

// header is the header as taken: live itself when it still holds exactly
// that, a new map otherwise.
func (s *headerSnapshot) header(live http.Header) http.Header {
	if s.unchanged(live) {
		return live
	}
	h := make(http.Header, len(s.keys))
	for i, k := range s.keys {
		h[k] = s.values(i)
	}
	return h
}

func (s *headerSnapshot) unchanged(live http.Header) bool {
	if len(live) != len(s.keys) {
		return false
	}
	for i, k := range s.keys {
		vs, ok := live[k]
		want := s.values(i)
		if !ok || (vs == nil) != (want == nil) || len(vs) != len(want) {
			return false
		}
		for j := range vs {
			if vs[j] != want[j] {
				return false
			}
		}
	}
	return true
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
