package explain

import (
	"bytes"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/reason"
	"github.com/corskit/corskit/stacks"
)

// A guard is a layer of the server that refuses a cross-site request
// before the handler runs, whatever the CORS policy allows: a CSRF guard,
// a dev server's host check. The browser then shows a 403 (readable when
// the CORS layer runs first, a CORS error when it does not), and no CORS
// header fixes it. Each guard is recognised from its answer alone: the
// status, the headers and the body its code writes, captured from the
// real software (explain's tests hold the captured bodies; e2e runs the
// real Django and Vite).
type guard struct {
	id reason.ID
	// match recognises ex as the guard's refusal and returns what it
	// says about why ("" when it says nothing more).
	match func(ex *fetch.Exchange) (detail string, ok bool)
	// advice is the diagnosis, from "not CORS:" to the fix in the
	// guard's own syntax.
	advice func(c guardCall) string
	// sameOrigin: the guard refuses same-origin requests too (a host
	// check), so it is recognised on them.
	sameOrigin bool
	// ownCORS: the guard's server writes the CORS headers itself, and
	// its advice names the CORS change too, in its own settings (Vite's
	// server.cors): on a blocked call it is the only fix, where header
	// fixes for another stack would mislead.
	ownCORS bool
}

// guardCall is what a guard's advice needs of the call it refused.
type guardCall struct {
	method, origin, host string
	detail               string
	readable             bool // the 403 carried Access-Control-Allow-Origin for the page
}

// guards is the one table of recognised guards.
var guards = []guard{
	{id: reason.CSRFGuard, match: matchGoGuard, advice: goGuardAdvice},
	{id: reason.DjangoCSRF, match: matchDjangoCSRF, advice: djangoCSRFAdvice},
	{id: reason.ViteHostCheck, match: matchViteHost, advice: viteHostAdvice, sameOrigin: true, ownCORS: true},
	{id: reason.NextDevOrigin, match: matchNextDevOrigin, advice: nextDevOriginAdvice},
}

// GuardWarning recognises the actual response of res as a guard's
// refusal and returns the warning that names it: its ID is the guard's
// reason ID (csrf-guard, django-csrf, vite-host-check, next-dev-origin) and its text leads
// with "not CORS:" and ends with the fix in the guard's own settings.
func GuardWarning(res *fetch.Result) (Warning, bool) {
	w, _, ok := recognise(res)
	return w, ok
}

// recognise is GuardWarning, with the guard recognised.
func recognise(res *fetch.Result) (Warning, *guard, bool) {
	ex := lastExchange(res, fetch.ExchangeRequest)
	if ex == nil || ex.Err != nil || ex.Status != http.StatusForbidden {
		return Warning{}, nil, false
	}
	for i := range guards {
		g := &guards[i]
		if !g.sameOrigin && !res.Classification.CrossOrigin {
			continue
		}
		detail, ok := g.match(ex)
		if !ok {
			continue
		}
		c := guardCall{method: ex.Method, origin: ex.RequestHeader.Get("Origin"), detail: detail}
		if u, err := url.Parse(ex.URL); err == nil {
			c.host = u.Hostname()
		}
		if v, _ := fetch.HeaderValue(ex.ResponseHeader, acao); v != "" && (v == c.origin || v == "*") {
			c.readable = true
		}
		return Warning{g.id.String(), g.advice(c)}, g, true
	}
	return Warning{}, nil, false
}

// guardFixes puts the guard's fix first on a blocked call: the guard's
// refusal is the cause, and a CORS header alone would only let the page
// read the 403. A guard whose advice names the CORS change in its own
// settings replaces the header fixes.
func guardFixes(res *fetch.Result, fixes []Fix) []Fix {
	w, g, ok := recognise(res)
	if !ok {
		return fixes
	}
	first := Fix{Response: "actual", Text: w.Text, Guard: w.ID}
	if g.ownCORS {
		return []Fix{first}
	}
	return append([]Fix{first}, fixes...)
}

// ----- Go's http.CrossOriginProtection -----

// The bodies of the 403 Go's http.CrossOriginProtection (net/http's
// csrf.go) answers with, through http.Error: a browser sends
// Sec-Fetch-Site and gets the first; a client that does not (corskit check)
// gets the second.
var csrfGuardBodies = []string{
	"cross-origin request detected from Sec-Fetch-Site header\n",
	"cross-origin request detected, and/or browser is out of date: Sec-Fetch-Site is missing, and Origin does not match Host\n",
}

// matchGoGuard: the headers http.Error writes and one of the guard's
// bodies, byte for byte.
func matchGoGuard(ex *fetch.Exchange) (string, bool) {
	if ex.ResponseHeader.Get("Content-Type") != "text/plain; charset=utf-8" ||
		ex.ResponseHeader.Get("X-Content-Type-Options") != "nosniff" {
		return "", false
	}
	for _, b := range csrfGuardBodies {
		if string(ex.Body) == b {
			return "", true
		}
	}
	return "", false
}

func goGuardAdvice(c guardCall) string {
	return "not CORS: the request was refused 403 by what answers as Go's cross-site request forgery guard " +
		"(http.CrossOriginProtection): the handler never ran. The guard does not trust the origin " + strconv.Quote(c.origin) +
		", whatever the CORS policy allows. Trust it in the guard, " + stacks.GoTrustedOrigin(c.origin) + ", or with corskit's cors package wrap the " +
		"handler with mw.Protect(guard, h), which trusts exactly the origins the policy allows."
}

// ----- Django's CsrfViewMiddleware -----

// Django's CSRF failure page (django/views/csrf.py), as Django 3.2 to 5.x
// write it: the heading line, and, with DEBUG = True, the reason between
// these markers.
const (
	djangoCSRFLine     = "<p>CSRF verification failed. Request aborted.</p>"
	djangoReasonStart  = "<p>Reason given for failure:</p>"
	djangoNoCookieHint = "this site requires a CSRF cookie when submitting forms"
	// djangoNoCookie is Django's REASON_NO_CSRF_COOKIE, which the page
	// shows without DEBUG by the hint above.
	djangoNoCookie = "CSRF cookie not set."
)

// maxGuardDetail bounds the reason quoted from a guard's page.
const maxGuardDetail = 200

func matchDjangoCSRF(ex *fetch.Exchange) (string, bool) {
	if !strings.HasPrefix(ex.ResponseHeader.Get("Content-Type"), "text/html") || !bytes.Contains(ex.Body, []byte(djangoCSRFLine)) {
		return "", false
	}
	if i := bytes.Index(ex.Body, []byte(djangoReasonStart)); i >= 0 {
		rest := ex.Body[i+len(djangoReasonStart):]
		if a, b := bytes.Index(rest, []byte("<pre>")), bytes.Index(rest, []byte("</pre>")); a >= 0 && b > a {
			d := html.UnescapeString(strings.TrimSpace(string(rest[a+len("<pre>") : b])))
			if len(d) > maxGuardDetail {
				d = d[:maxGuardDetail] + "…"
			}
			return d, true
		}
	}
	if bytes.Contains(ex.Body, []byte(djangoNoCookieHint)) {
		return djangoNoCookie, true
	}
	return "", true
}

// djangoUntrusted reports whether Django's reason is an origin (or, on
// HTTPS without Origin, a Referer) that CSRF_TRUSTED_ORIGINS lacks.
func djangoUntrusted(detail string) bool {
	return strings.HasSuffix(detail, "does not match any trusted origins.")
}

func djangoCSRFAdvice(c guardCall) string {
	var b strings.Builder
	fmt.Fprintf(&b, "not CORS: Django's CSRF protection (CsrfViewMiddleware) refused this %s before the view ran, whatever django-cors-headers allows: %q", c.method, "CSRF verification failed. Request aborted.")
	if c.detail != "" {
		fmt.Fprintf(&b, " (reason: %q)", c.detail)
	} else {
		b.WriteString(" (Django shows its reason only with DEBUG = True)")
	}
	trust := "trust the page's origin in settings.py, " + stacks.DjangoTrustedOrigins(c.origin) +
		" (Django 4.0+; before 4.0 the list holds host names, checked on HTTPS only)"
	token := "send the CSRF token: with credentials: 'include' (and CORS_ALLOW_CREDENTIALS = True) the csrftoken cookie goes along, and the page sends its value in an X-CSRFToken header " +
		"(a cross-site page gets that cookie only with CSRF_COOKIE_SAMESITE = \"None\" and CSRF_COOKIE_SECURE = True)"
	if djangoUntrusted(c.detail) {
		b.WriteString(". Fix it at Django's CSRF layer: " + trust + "; the call also needs the CSRF token: " + token + ".")
	} else {
		b.WriteString(". Fix it at Django's CSRF layer: " + token + "; and " + trust + ".")
	}
	b.WriteString(" A view authenticated by a token header rather than cookies can be exempted instead (@csrf_exempt).")
	return b.String()
}

// ----- Vite's dev server host check -----

// Vite's host check (vite/src/node/server/middlewares/hostCheck.ts,
// since 6.0.9 after GHSA-vg6x-rcgg-rjx6) answers 403 text/plain with
// this line, the host in JSON, then how to allow it.
const (
	viteBlockedStart = "Blocked request. This host ("
	viteBlockedEnd   = ") is not allowed."
)

func matchViteHost(ex *fetch.Exchange) (string, bool) {
	first, _, _ := bytes.Cut(ex.Body, []byte("\n"))
	if !strings.HasPrefix(ex.ResponseHeader.Get("Content-Type"), "text/plain") || !bytes.HasPrefix(first, []byte(viteBlockedStart)) || !bytes.HasSuffix(first, []byte(viteBlockedEnd)) {
		return "", false
	}
	return "", true
}

func viteHostAdvice(c guardCall) string {
	s := fmt.Sprintf("not CORS: Vite's dev server refused the request for the host %q (its check against DNS rebinding: %q): the page never reaches your code, whatever the CORS headers say. "+
		"Fix it in vite.config.js: %s (the host the browser uses; `vite preview` reads preview.allowedHosts)",
		c.host, viteBlockedStart+"...)"+viteBlockedEnd[1:], stacks.ViteAllowedHosts(c.host))
	if !c.readable && c.origin != "" {
		s += ", and let the dev server's CORS allow the page's origin, " + stacks.ViteCORS(c.origin) + " (its default allows only localhost origins)"
	}
	return s + "."
}

// ----- Next.js's dev server cross-origin check -----

// Next.js's dev server (`next dev`; it warns from 15.2 and blocks by
// default from 16) refuses a cross-origin request for its dev resources,
// from a page whose host allowedDevOrigins lacks, with a bare 403:
// res.end('Unauthorized'), no Content-Type. From the vendor's source
// (vercel/next.js packages/next/src/server/lib/router-utils/
// block-cross-site-dev.ts), and the same bytes as next 16.5.0 answered in
// a one-off run: next is not in e2e (its install is 359 MB), so no test
// runs the real server.
const nextBlockedBody = "Unauthorized"

// nextDevResource: the check covers URLs holding /_next or /__nextjs, but
// not /_next/image and /_next/static/media (which CSS loads), as Next
// tests its request URL (path and query).
func nextDevResource(requestURI string) bool {
	return (strings.Contains(requestURI, "/_next") || strings.Contains(requestURI, "/__nextjs")) &&
		!strings.Contains(requestURI, "/_next/image") && !strings.Contains(requestURI, "/_next/static/media")
}

func matchNextDevOrigin(ex *fetch.Exchange) (string, bool) {
	if string(ex.Body) != nextBlockedBody || len(ex.ResponseHeader.Values("Content-Type")) != 0 {
		return "", false
	}
	u, err := url.Parse(ex.URL)
	if err != nil || !nextDevResource(u.RequestURI()) {
		return "", false
	}
	return "", true
}

func nextDevOriginAdvice(c guardCall) string {
	host := ""
	if u, err := url.Parse(c.origin); err == nil && c.origin != "null" {
		host = strings.ToLower(u.Hostname())
	}
	s := "not CORS: Next.js's dev server (next dev) refused this request for one of its dev resources (/_next/*) with 403 \"Unauthorized\": " +
		"it serves them cross-origin only to pages whose host is in allowedDevOrigins (host names, not origins; localhost and *.localhost always pass), whatever the CORS headers say. "
	if host == "" {
		return s + "The page's origin is opaque (\"null\"): serve the page from a host name and add that host to allowedDevOrigins in next.config.js, then restart the dev server."
	}
	return s + "Fix it in next.config.js: " + stacks.NextAllowedDevOrigins(host) + ", then restart the dev server (`next start` has no such check)."
}
