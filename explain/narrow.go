package explain

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/corskit/corskit/fetch"
)

// Narrow makes the fixes of d, a diagnosis of res, the smallest when the
// refused preflight could not show why it was refused. Many libraries
// (rs/cors, go-chi/cors, jub0bs/cors, gorilla/handlers, corskit's own,
// Flask-CORS) answer a preflight they refuse with no CORS header at all,
// whatever the reason: from that answer alone the origin, the method and
// the headers all look refused, and the fixes would add all three (an
// origin the server allows already, a method it allows already). Narrow
// asks the server with up to three more preflights (OPTIONS only, nothing
// else is sent): the origin with a safelisted method, the method alone,
// the headers alone; a part the server allows on its own loses its fix.
// The other cases, and every answer that shows something, are left as
// they are. rt sends the probes (the transport of the check): at most
// 2+maxNarrowHeaders, only after a refused preflight that showed nothing.
func Narrow(ctx context.Context, rt http.RoundTripper, res *fetch.Result, d *Diagnosis) {
	if res.Err == nil || !res.Err.Preflight || rt == nil {
		return
	}
	pre := lastExchange(res, fetch.ExchangePreflight)
	if pre == nil || pre.Err != nil {
		return
	}
	if _, ok := fetch.HeaderValue(pre.ResponseHeader, acao); ok || len(pre.ResponseHeader.Values(acam)) > 0 || len(pre.ResponseHeader.Values(acah)) > 0 {
		return // the answer shows what it allows: the fixes read it
	}
	sent := pre.RequestHeader.Get("Origin")
	method := pre.RequestHeader.Get("Access-Control-Request-Method")
	var unsafe []string
	if acrh := pre.RequestHeader.Get("Access-Control-Request-Headers"); acrh != "" {
		unsafe = strings.Split(acrh, ",")
	}
	include := res.Request.Credentials == fetch.CredentialsInclude
	// passes sends one preflight and reports whether its answer allows
	// the origin, method and headers asked.
	passes := func(method string, headers []string) bool {
		req, err := http.NewRequestWithContext(ctx, http.MethodOptions, pre.URL, nil)
		if err != nil {
			return false
		}
		req.Header.Set("Origin", sent)
		req.Header.Set("Access-Control-Request-Method", method)
		if len(headers) > 0 {
			req.Header.Set("Access-Control-Request-Headers", strings.Join(headers, ","))
		}
		resp, err := rt.RoundTrip(req)
		if err != nil {
			return false
		}
		resp.Body.Close()
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			return false
		}
		v, _ := fetch.HeaderValue(resp.Header, acao)
		if v != sent && (v != "*" || include) {
			return false
		}
		if c, _ := fetch.HeaderValue(resp.Header, acac); include && c != "true" {
			return false
		}
		m, h := fetch.PreflightGaps(resp.Header, method, headers, include, fetch.Chromium)
		return !m && len(h) == 0
	}
	if !passes("GET", nil) {
		return // the origin is refused (or credentials): the fixes stand
	}
	drop := func(keep func(f Fix) bool) {
		d.Fixes = slices.DeleteFunc(d.Fixes, func(f Fix) bool { return !keep(f) })
	}
	// The origin (and credentials) pass: no origin fix, and the actual
	// response needs nothing it does not already get.
	// A refusal status (jub0bs/cors and gorilla/handlers answer 403 or
	// 405) came from the CORS code itself, not from a router or an auth
	// filter in front of it: its fix goes too.
	drop(func(f Fix) bool {
		return f.Header != acao && f.Header != acac && !(f.Response == "preflight" && f.Header == "" && f.Change == nil)
	})
	if method != "" && !slices.Contains([]string{"GET", "HEAD", "POST"}, method) && passes(method, nil) {
		drop(func(f Fix) bool { return f.Change == nil || len(f.Change.AddMethods) == 0 })
	}
	if len(unsafe) == 0 || len(unsafe) > maxNarrowHeaders {
		return
	}
	// Each header alone: the fix lists only those the server refuses.
	var refused []string
	for _, h := range unsafe {
		if !passes("GET", []string{h}) {
			refused = append(refused, h)
		}
	}
	for i, f := range d.Fixes {
		if f.Change == nil || len(f.Change.AddHeaders) == 0 {
			continue
		}
		if len(refused) == 0 {
			d.Fixes = slices.Delete(d.Fixes, i, i+1)
			return
		}
		f.Value = extend(pre.ResponseHeader, acah, false, include, refused...)
		f.Text = fmt.Sprintf("List %s in Access-Control-Allow-Headers.", strings.Join(refused, ", "))
		c := *f.Change
		c.AddHeaders = refused
		d.Fixes[i] = withChange(f, c)
		return
	}
}

// maxNarrowHeaders bounds Narrow's probes: one per requested header, for
// at most this many headers (more are left to the fix as diagnosed).
const maxNarrowHeaders = 8
