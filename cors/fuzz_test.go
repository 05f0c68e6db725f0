package cors_test

import (
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/corskit/corskit/cors"
	"github.com/corskit/corskit/reason"
)

var fuzzConfigs = []cors.Config{
	{AllowedOrigins: []string{"https://a.com", "https://*.a.com", "http://localhost:*"}, AllowCredentials: true,
		AllowedMethods: []string{"PUT", "patch"}, AllowedHeaders: []string{"X-A", "Content-Type"}, ExposedHeaders: []string{"X-Id"}, MaxAge: 60e9},
	{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"*"}, AllowedHeaders: []string{"*"}},
	{AllowedOrigins: []string{"*"}, AllowCredentials: true, UnsafeAllowAnyOriginWithCredentials: true, AllowedHeaders: []string{"*"}},
	{AllowedOrigins: []string{"null", "https://*.b.com:*"}, UnsafeAllowNullOrigin: true, DisablePreflightCache: true},
	{AllowedOrigins: []string{"https://a.com", "https://*.a.com"}, AllowCredentials: true, AllowedMethods: []string{"*"},
		AllowedHeaders: []string{"X-A"}, MaxAge: 5e9, PreflightPassthrough: true},
}

// FuzzMiddleware drives every code path with arbitrary header values and
// checks the invariants that must hold whatever the input: no panic, never a
// 5xx, Access-Control-Allow-Origin only for allowed origins, Vary whenever
// the answer depends on the origin, agreement with the reference model, no
// response value sharing storage with the request, and no edit of one
// response leaking into another.
//
// shape says how each header the middleware reads or writes is laid out in
// its map, three bits each (see lines): Origin, Access-Control-Request-Method,
// Access-Control-Request-Headers and a Vary set before the middleware runs.
func FuzzMiddleware(f *testing.F) {
	f.Add("OPTIONS", "https://a.com", "PUT", "x-a,content-type", uint8(0), uint16(0))
	f.Add("GET", "https://attackerexample.com", "", "", uint8(0), uint16(0))     // rs/cors 197
	f.Add("OPTIONS", "https://x.a.com", "PUT", "x-a, ,x-b", uint8(0), uint16(0)) // rs/cors 184 style
	f.Add("OPTIONS", "null", "PURGE", "authorization", uint8(2), uint16(0))
	f.Add("GET", "https://A.com", "", "", uint8(0), uint16(0))
	f.Add("OPTIONS", "https://a.com", "P T", "", uint8(1), uint16(0))
	f.Add("OPTIONS", "https://a.com", "PUT", strings.Repeat("x,", 200), uint8(0), uint16(0))
	f.Add("OPTIONS", "https://x.b.com:1", "DELETE", "x\x00y", uint8(3), uint16(0))
	// Headers present with no line, or with several (issue 10).
	f.Add("OPTIONS", "https://a.com", "PUT", "x-a", uint8(0), shape(linesNil, linesOne, linesOne, linesAbsent))
	f.Add("OPTIONS", "https://a.com", "PUT", "x-a", uint8(0), shape(linesEmpty, linesOne, linesOne, linesAbsent))
	f.Add("OPTIONS", "https://a.com", "PUT", "x-a", uint8(0), shape(linesOne, linesNil, linesOne, linesAbsent))
	f.Add("OPTIONS", "https://a.com", "PUT", "x-a", uint8(0), shape(linesOne, linesEmpty, linesOne, linesAbsent))
	f.Add("OPTIONS", "https://a.com", "PUT", "x-a", uint8(0), shape(linesOne, linesOne, linesEmpty, linesNil))
	f.Add("OPTIONS", "https://a.com", "PUT", "x-a,x-b", uint8(1), shape(linesTwice, linesTwice, linesSplit, linesEmpty))
	f.Add("GET", "https://a.com", "", "", uint8(0), shape(linesTwice, linesAbsent, linesAbsent, linesOne))
	f.Add("GET", "https://a.com", "", "", uint8(2), shape(linesTrailingEmpty, linesAbsent, linesAbsent, linesTwice))
	f.Add("OPTIONS", "https://a.com", "PUT", "x-a", uint8(2), shape(linesTrailingEmpty, linesTrailingEmpty, linesTrailingEmpty, linesNil))
	f.Fuzz(func(t *testing.T, method, originValue, acrm, acrh string, ci uint8, sh uint16) {
		if !validMethod(method) {
			return // net/http rejects such requests before any handler
		}
		cfg := fuzzConfigs[int(ci)%len(fuzzConfigs)]
		var rejections []cors.Rejection
		cfg.OnReject = func(_ *http.Request, rj cors.Rejection) { rejections = append(rejections, rj) }
		mw := mustNew(t, cfg)
		r := req{method: method, header: http.Header{}}
		// Mode 0 is the original layout: a header when its value is set
		// (ACRM always on OPTIONS), no Vary beforehand.
		switch m := sh & 7; {
		case m == linesLegacy:
			r.origin = originValue
		default:
			lines(r.header, "Origin", originValue, m)
		}
		switch m := sh >> 3 & 7; {
		case m == linesLegacy && (acrm != "" || method == "OPTIONS"):
			r.header["Access-Control-Request-Method"] = []string{acrm}
		case m != linesLegacy:
			lines(r.header, "Access-Control-Request-Method", acrm, m)
		}
		switch m := sh >> 6 & 7; {
		case m == linesLegacy && acrh != "":
			r.header["Access-Control-Request-Headers"] = []string{acrh}
		case m != linesLegacy:
			lines(r.header, "Access-Control-Request-Headers", acrh, m)
		}
		outerVary := http.Header{}
		lines(outerVary, "Vary", "Accept-Encoding", uint16(sh>>9&7))

		got := serveHostile(t, mw, r, outerVary)
		if got.status >= 500 {
			t.Fatalf("%v: status %d", r, got.status)
		}
		checkRejections(t, r, got, rejections)
		rejections = rejections[:0]
		want := reference(cfg, r)
		if cfg.PreflightPassthrough && !want.handlerRan {
			// The handler finishes every preflight, with the same headers.
			want.status, want.handlerRan = handlerStatus, true
		}
		if got.status != want.status || got.handlerRan != want.handlerRan || !equalHeaders(got.corsHeaders, want.corsHeaders) {
			t.Fatalf("%v (Vary before: %q)\n got  %d %v\n want %d %v", r, outerVary["Vary"], got.status, got.corsHeaders, want.status, want.corsHeaders)
		}
		acao := got.corsHeaders.Get("Access-Control-Allow-Origin")
		if origins := r.header["Origin"]; acao != "" && acao != "*" && acao != originValue && (len(origins) != 1 || acao != origins[0]) {
			t.Fatalf("%v: Allow-Origin %q is neither * nor the request's origin", r, acao)
		}
		if acao != "*" && len(got.corsHeaders["Vary"]) == 0 {
			t.Fatalf("%v: no Vary on an origin-dependent answer", r)
		}
		// The edits serveHostile made leaked into nothing: the same request
		// gets the same answer.
		if again := serveHostile(t, mw, r, outerVary); !equalHeaders(again.corsHeaders, got.corsHeaders) {
			t.Fatalf("%v: a previous response's edits leaked:\n first  %v\n second %v", r, got.corsHeaders, again.corsHeaders)
		}
	})
}

// checkRejections holds the OnReject hook to its promises whatever the
// input: at most one call per request, none on an answer that allows the
// origin (but for a preflight refusing a method or header), every value
// bounded, Console total.
func checkRejections(t *testing.T, r req, got outcome, rjs []cors.Rejection) {
	t.Helper()
	if len(rjs) > 1 {
		t.Fatalf("%v: %d hook calls", r, len(rjs))
	}
	if len(rjs) == 0 {
		return
	}
	rj := rjs[0]
	if rj.Reason.String() == "" || len(rj.Value) > 131 || len(rj.Origin) > 131 || len(rj.URL) > 2051 {
		t.Fatalf("%v: unbounded or unnamed rejection %+v", r, rj)
	}
	// Only a refused method or header leaves Allow-Origin on the answer,
	// so that the browser names the culprit.
	refusedPart := rj.Reason == reason.MethodNotAllowed || rj.Reason == reason.HeaderNotAllowed
	if got.corsHeaders.Get("Access-Control-Allow-Origin") != "" && !(rj.Preflight && refusedPart) {
		t.Fatalf("%v: hook called for an answer that allows the origin: %+v", r, rj)
	}
	for _, e := range []reason.Engine{reason.Chromium, reason.Firefox, reason.WebKit} {
		if len(rj.Console(e)) == 0 {
			t.Fatalf("%v: no console line in %v for %+v", r, e, rj)
		}
	}
}

// Header layouts for FuzzMiddleware, three bits per header.
const (
	linesLegacy        = iota // FuzzMiddleware's original layout
	linesAbsent               // no key in the map
	linesNil                  // the key with a nil slice
	linesEmpty                // the key with an empty, non-nil slice
	linesOne                  // one line: the value
	linesTwice                // the value on two lines
	linesSplit                // the value cut in two lines at its middle
	linesTrailingEmpty        // the value, then an empty line
)

func shape(origin, acrm, acrh, vary uint16) uint16 { return origin | acrm<<3 | acrh<<6 | vary<<9 }

// lines sets h[name] from value as mode says.
func lines(h http.Header, name, value string, mode uint16) {
	switch mode {
	case linesNil:
		h[name] = nil
	case linesEmpty:
		h[name] = []string{}
	case linesOne:
		h[name] = []string{value}
	case linesTwice:
		h[name] = []string{value, value}
	case linesSplit:
		h[name] = []string{value[:len(value)/2], value[len(value)/2:]}
	case linesTrailingEmpty:
		h[name] = []string{value, ""}
	}
}

// serveHostile serves r behind an outer middleware that sets Vary lines
// first and, once the middleware returns, appends to every header value
// (Header().Add's effect); the handler records what it was given, then edits
// every value in place and appends to it. It reports the CORS headers as the
// handler saw them (or, for a preflight answered by the middleware, as
// written), with the outer Vary lines checked and removed. It also fails if
// any edit reached the request.
func serveHostile(t *testing.T, mw *cors.Middleware, r req, outerVary http.Header) outcome {
	t.Helper()
	hr := newReq(r)
	hr.Header = hr.Header.Clone()
	before := hr.Header.Clone()
	var seen http.Header
	ran := false
	h := mw.Wrap(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		ran = true
		seen = corsOnly(w.Header())
		for k, v := range w.Header() {
			for i := range v {
				v[i] = "edited"
			}
			w.Header()[k] = append(v, "appended")
		}
		w.WriteHeader(handlerStatus)
	}))
	w := httptest.NewRecorder()
	if v, ok := outerVary["Vary"]; ok {
		w.Header()["Vary"] = slices.Clone(v)
	}
	h.ServeHTTP(w, hr)
	if !ran {
		seen = corsOnly(w.Header())
		seen["Vary"] = unmerge(seen["Vary"], outerVary["Vary"])
	}
	for k, v := range w.Header() {
		w.Header()[k] = append(v, "appended by an outer middleware")
	}
	if !reflect.DeepEqual(hr.Header, before) {
		t.Fatalf("%v: editing the response changed the request:\n now %q\n was %q", r, hr.Header, before)
	}
	pre := outerVary["Vary"]
	if !slices.Equal(seen["Vary"][:min(len(pre), len(seen["Vary"]))], pre) {
		t.Fatalf("%v: Vary %q does not keep the outer %q", r, seen["Vary"], pre)
	}
	if v := seen["Vary"][len(pre):]; len(v) > 0 {
		seen["Vary"] = v
	} else {
		delete(seen, "Vary")
	}
	return outcome{status: w.Code, handlerRan: ran, corsHeaders: seen}
}

// unmerge undoes the merge of the outer Vary lines into the one line a
// preflight answered by the middleware goes out with (vary.go): it returns
// the outer lines' tokens, each once, as lines of their own, then the
// rest of the line. A line that does not start with them is returned as it
// is, for the caller to reject.
func unmerge(sent, outer []string) []string {
	if len(sent) != 1 || len(outer) == 0 {
		return sent
	}
	var pre []string
	for _, l := range outer {
		for tok := range strings.SplitSeq(l, ",") {
			if tok = textproto.TrimString(tok); tok != "" && !slices.ContainsFunc(pre, func(p string) bool { return strings.EqualFold(p, tok) }) {
				pre = append(pre, tok)
			}
		}
	}
	if len(pre) == 0 {
		return sent // only empty outer lines: the middleware's line alone
	}
	head := strings.Join(pre, ", ") + ", "
	if !strings.HasPrefix(sent[0], head) {
		return sent
	}
	return append(slices.Clone(outer), sent[0][len(head):])
}

// corsOnly deep-copies the Access-Control-* and Vary headers of h.
func corsOnly(h http.Header) http.Header {
	out := http.Header{}
	for k, v := range h {
		if strings.HasPrefix(k, "Access-Control-") || k == "Vary" {
			out[k] = slices.Clone(v)
		}
	}
	return out
}

func validMethod(m string) bool { return isToken(m) }
