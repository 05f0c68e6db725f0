// Package corstest answers, in a Go test, the question a browser answers
// in production: may a page on origin X make this call and read the answer?
//
// A Page is a page on one origin. It runs fetch() calls through the fetch
// package's model of Chromium, either against an http.Handler in-process (no
// socket, no port) or against real URLs, and asserts the verdict. A failed
// assertion prints the console message a developer would see and the whole
// exchange, preflight included:
//
//	page := corstest.NewPage(t, "https://app.example.com", handler)
//	page.Fetch("PUT", "https://api.example.com/items/1",
//		corstest.Header("Content-Type", "application/json"),
//		corstest.Credentials(),
//	).Allowed()
//	page.Fetch("GET", "https://api.example.com/admin").Blocked()
package corstest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/origin"
)

// Page is a page on one origin making fetch() calls. Calls share a
// preflight cache, as calls from one real page do.
type Page struct {
	t       testing.TB
	origin  origin.Origin
	browser *fetch.Browser
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

// Profile switches the browser model, for example to fetch.Spec.
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
	t      testing.TB
	Result *fetch.Result
}

// Fetch makes the call fetch(url, {method, ...opts}) from the page.
func (p *Page) Fetch(method, url string, opts ...Option) *Call {
	p.t.Helper()
	req := fetch.Request{Origin: p.origin, Method: method, URL: url}
	for _, o := range opts {
		o(&req)
	}
	res, err := p.browser.Fetch(context.Background(), req)
	if err != nil {
		p.t.Fatalf("corstest: fetch(%q): %v", url, err)
	}
	return &Call{t: p.t, Result: res}
}

// Allowed fails the test unless the page could read the response; it
// returns the response as the page sees it.
func (c *Call) Allowed() *fetch.Response {
	c.t.Helper()
	if !c.Result.Allowed() {
		c.t.Errorf("want the call allowed, but the browser blocks it:\n%s", Explain(c.Result))
	}
	return c.Result.Response
}

// Blocked fails the test unless the browser blocks the call; it returns
// the failure.
func (c *Call) Blocked() *fetch.Error {
	c.t.Helper()
	if c.Result.Allowed() {
		c.t.Errorf("want the call blocked, but the browser allows it:\n%s", Explain(c.Result))
	}
	return c.Result.Err
}

// BlockedFor fails the test unless the browser blocks the call for reason.
func (c *Call) BlockedFor(reason fetch.Reason) *fetch.Error {
	c.t.Helper()
	switch {
	case c.Result.Allowed():
		c.t.Errorf("want the call blocked (%s), but the browser allows it:\n%s", reason, Explain(c.Result))
	case c.Result.Err.Reason != reason:
		c.t.Errorf("want the call blocked for %s, but it is blocked for %s:\n%s", reason, c.Result.Err.Reason, Explain(c.Result))
	}
	return c.Result.Err
}

// Readable fails the test unless script can read every named response
// header (names are case-insensitive).
func (c *Call) Readable(names ...string) *Call {
	c.t.Helper()
	if !c.Result.Allowed() {
		c.t.Errorf("want headers %v readable, but the call is blocked:\n%s", names, Explain(c.Result))
		return c
	}
	for _, n := range names {
		if _, ok := c.Result.Response.Header[http.CanonicalHeaderKey(n)]; !ok {
			c.t.Errorf("want response header %s readable by script, but it is not (readable: %v):\n%s",
				n, c.Result.Response.ReadableHeaderNames(), Explain(c.Result))
		}
	}
	return c
}

// Preflighted fails the test unless the call sent a preflight (want true)
// or did not (want false).
func (c *Call) Preflighted(want bool) *Call {
	c.t.Helper()
	if got := c.Result.PreflightSent(); got != want {
		c.t.Errorf("want preflight sent = %v, got %v:\n%s", want, got, Explain(c.Result))
	}
	return c
}

// Explain renders a result for a test failure: the verdict, the console
// message, and every exchange.
func Explain(r *fetch.Result) string {
	var b strings.Builder
	req := r.Request
	fmt.Fprintf(&b, "  page %s: fetch(%q, {method: %q, mode: %q, credentials: %q})\n",
		req.Origin, req.URL, req.Method, req.Mode, req.Credentials)
	if r.Err != nil {
		fmt.Fprintf(&b, "  console: %s\n", r.Err.ConsoleMessage())
	} else if r.Response != nil {
		fmt.Fprintf(&b, "  allowed: type %s, status %d, readable headers %v\n",
			r.Response.Type, r.Response.Status, r.Response.ReadableHeaderNames())
	}
	b.WriteString(fetch.FormatTrace(r.Trace))
	return b.String()
}

// HandlerTransport is an http.RoundTripper that serves every request with
// h in-process: no socket, no port, whatever the URL's host.
func HandlerTransport(h http.Handler) http.RoundTripper {
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		rec := httptest.NewRecorder()
		// A server-side request: RequestURI set, Host from the URL.
		sreq := req.Clone(req.Context())
		sreq.RequestURI = req.URL.RequestURI()
		sreq.Host = req.URL.Host
		if sreq.Body == nil {
			sreq.Body = http.NoBody
		}
		h.ServeHTTP(rec, sreq)
		res := rec.Result()
		res.Request = req
		return res, nil
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
