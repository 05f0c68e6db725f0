// Package corstest answers, in a Go test, the question a browser answers
// in production: may a page on origin X make this call and read the answer?
//
// A Page is a page on one origin. It runs fetch() calls through the fetch
// package's model of Chromium (or of another engine, see Page.Profile),
// either against an http.Handler in-process (no socket, no port; the
// handler's answer reaches the page as a net/http server would put it on
// the wire, see HandlerTransport) or against real URLs, and asserts the
// verdict. A failed assertion says what to
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
	"net/http"
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

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
