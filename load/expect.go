package main

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/corskit/corskit/cors"
)

// The two policies the server runs. Policy A is in force in every phase but
// the reconfiguration one, which swaps A and B every millisecond. They
// differ in every header the middleware writes, so a response that mixes
// them is caught.
var policies = [2]cors.Config{
	{
		AllowedOrigins:   []string{"https://app.example.com", "https://*.example.org"},
		AllowCredentials: true,
		AllowedMethods:   []string{http.MethodPut, http.MethodDelete},
		AllowedHeaders:   []string{"Content-Type", "Authorization", "X-Request-Id"},
		ExposedHeaders:   []string{"X-Request-Id"},
		MaxAge:           10 * time.Minute,
	},
	{
		AllowedOrigins:  []string{"https://app.example.com", "https://other.example.net"},
		AllowedMethods:  []string{http.MethodPatch},
		AllowedHeaders:  []string{"X-B"},
		ExposedHeaders:  []string{"X-B-Id"},
		MaxAge:          time.Minute,
		PreflightStatus: http.StatusOK,
	},
}

// policyFacts is what cors/doc.go says each policy sends, written out by
// hand from the Configs above rather than asked of the middleware, so that
// a wrong answer cannot agree with itself.
type policyFacts struct {
	credentials     bool
	expose          string // Access-Control-Expose-Headers
	allowMethods    string // Access-Control-Allow-Methods: the listed methods
	allowHeaders    string // Access-Control-Allow-Headers when a header is denied: the list, lowercased, sorted
	maxAge          string // Access-Control-Max-Age of an approved preflight
	preflightStatus int
}

var facts = [2]policyFacts{
	{true, "X-Request-Id", "PUT, DELETE", "authorization, content-type, x-request-id", "600", http.StatusNoContent},
	{false, "X-B-Id", "PATCH", "x-b", "60", http.StatusOK},
}

const (
	appOrigin   = "https://app.example.com"   // allowed by A and B
	subOrigin   = "https://x.y.example.org"   // A only (subdomain pattern)
	otherOrigin = "https://other.example.net" // B only
	evilOrigin  = "https://evil.example.com"  // neither

	varyPreflight = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
)

// A kind is one request the load generator sends, with what each policy
// must answer. For a preflight, allowed/ok/malformed say which branch of
// the middleware the request takes under each policy.
type kind struct {
	name    string
	method  string
	headers [][2]string // header lines in order; a name may repeat
	allowed [2]bool     // the origin is allowed (one Origin line that matches)
	ok      [2]bool     // preflight: method and every header allowed
	bad     bool        // preflight: malformed or oversized request headers (403 under both)
	raw     []byte      // the request on the wire, built once
	want    [2]want     // expect(0), expect(1), built once
}

func (k *kind) preflight() bool {
	if k.method != http.MethodOptions {
		return false
	}
	var origin, acrm bool
	for _, h := range k.headers {
		origin = origin || h[0] == "Origin"
		acrm = acrm || h[0] == "Access-Control-Request-Method"
	}
	return origin && acrm
}

// values returns the request's lines of header name.
func (k *kind) values(name string) []string {
	var vs []string
	for _, h := range k.headers {
		if h[0] == name {
			vs = append(vs, h[1])
		}
	}
	return vs
}

// want is a complete expected response: status, every header but Date and
// Content-Length, and the body.
type want struct {
	status int
	header http.Header
	body   string
}

// expect returns what policy pi must answer to k.
func (k *kind) expect(pi int) want {
	f := facts[pi]
	h := http.Header{}
	if !k.preflight() {
		// An actual request (or no CORS at all): the handler runs.
		h["Vary"] = []string{"Origin"}
		if k.allowed[pi] {
			h["Access-Control-Allow-Origin"] = k.values("Origin")
			if f.credentials {
				h["Access-Control-Allow-Credentials"] = []string{"true"}
			}
			h["Access-Control-Expose-Headers"] = []string{f.expose}
		}
		h["Content-Type"] = []string{"text/plain; charset=utf-8"}
		h["X-Handler"] = []string{"ran"}
		return want{http.StatusOK, h, "ok"}
	}
	h["Vary"] = []string{varyPreflight}
	if !k.allowed[pi] || k.bad {
		return want{http.StatusForbidden, h, ""}
	}
	h["Access-Control-Allow-Origin"] = k.values("Origin")
	if f.credentials {
		h["Access-Control-Allow-Credentials"] = []string{"true"}
	}
	h["Access-Control-Allow-Methods"] = []string{f.allowMethods}
	if k.ok[pi] {
		if acrh := k.values("Access-Control-Request-Headers"); len(acrh) > 1 || len(acrh) == 1 && acrh[0] != "" {
			h["Access-Control-Allow-Headers"] = acrh // echoed as sent
		}
		h["Access-Control-Max-Age"] = []string{f.maxAge}
	} else {
		h["Access-Control-Allow-Headers"] = []string{f.allowHeaders}
	}
	return want{f.preflightStatus, h, ""}
}

// check compares a response with w; it returns "" on a match, else the
// first difference.
func (w want) check(status int, header http.Header, body string) string {
	if status != w.status {
		return fmt.Sprintf("status %d, want %d", status, w.status)
	}
	names := map[string]bool{}
	for n := range header {
		names[n] = true
	}
	for n := range w.header {
		names[n] = true
	}
	delete(names, "Date")
	delete(names, "Content-Length")
	for _, n := range slices.Sorted(maps.Keys(names)) {
		if !slices.Equal(header[n], w.header[n]) {
			return fmt.Sprintf("%s: %q, want %q", n, trim(header[n]), trim(w.header[n]))
		}
	}
	if body != w.body {
		return fmt.Sprintf("body %q, want %q", trim([]string{body}), w.body)
	}
	return ""
}

func trim(vs []string) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		if len(v) > 80 {
			v = v[:80] + fmt.Sprintf("...(%d bytes)", len(v))
		}
		out[i] = v
	}
	if len(out) > 4 {
		out = append(out[:4], fmt.Sprintf("...(%d lines)", len(vs)))
	}
	return out
}

func pf(origin, method, acrh string) [][2]string {
	h := [][2]string{{"Origin", origin}, {"Access-Control-Request-Method", method}}
	if acrh != "\x00" { // "\x00": no Access-Control-Request-Headers line at all
		h = append(h, [2]string{"Access-Control-Request-Headers", acrh})
	}
	return h
}

func lines(name, value string, n int) [][2]string {
	h := make([][2]string, n)
	for i := range h {
		h[i] = [2]string{name, value}
	}
	return h
}

var (
	t2 = [2]bool{true, true}
	tf = [2]bool{true, false}
	ft = [2]bool{false, true}
	ff = [2]bool{false, false}
)

// workloads are the request mixes of the phases; every worker cycles
// through its phase's kinds.
var workloads = map[string][]*kind{
	"allowed": {
		{name: "GET from an allowed origin", method: "GET", headers: [][2]string{{"Origin", appOrigin}}, allowed: t2},
		{name: "GET from an allowed subdomain", method: "GET", headers: [][2]string{{"Origin", subOrigin}}, allowed: tf},
	},
	"preflight": {
		{name: "preflight approved", method: "OPTIONS", headers: pf(appOrigin, "PUT", "content-type,x-request-id"), allowed: t2, ok: tf},
		{name: "preflight, header denied", method: "OPTIONS", headers: pf(appOrigin, "PUT", "x-other"), allowed: t2, ok: ff},
		{name: "preflight DELETE from a subdomain", method: "OPTIONS", headers: pf(subOrigin, "DELETE", "\x00"), allowed: tf, ok: tf},
		{name: "preflight with empty Access-Control-Request-Headers", method: "OPTIONS", headers: pf(appOrigin, "PUT", ""), allowed: t2, ok: tf},
		{name: "preflight PATCH", method: "OPTIONS", headers: pf(appOrigin, "PATCH", "x-b"), allowed: t2, ok: ft},
	},
	"disallowed": {
		{name: "GET from a disallowed origin", method: "GET", headers: [][2]string{{"Origin", evilOrigin}}, allowed: ff},
		{name: "preflight from a disallowed origin", method: "OPTIONS", headers: pf(evilOrigin, "PUT", "x-request-id"), allowed: ff},
		{name: "GET without Origin", method: "GET", allowed: ff},
		{name: "GET from B's origin", method: "GET", headers: [][2]string{{"Origin", otherOrigin}}, allowed: ft},
	},
	"hostile": {
		{name: "129 header names", method: "OPTIONS", headers: pf(appOrigin, "PUT", strings.Repeat("a,", 128)+"a"), allowed: t2, bad: true},
		{name: "8193-byte header list", method: "OPTIONS", headers: pf(appOrigin, "PUT", strings.Repeat("x", 8193)), allowed: t2, bad: true},
		{name: "header name not a token", method: "OPTIONS", headers: pf(appOrigin, "PUT", "x a, x-request-id"), allowed: t2, bad: true},
		{name: "100 Access-Control-Request-Headers lines", method: "OPTIONS",
			headers: append(pf(appOrigin, "PUT", "\x00"), lines("Access-Control-Request-Headers", "x-request-id", 100)...), allowed: t2, ok: tf},
		{name: "200 Access-Control-Request-Headers lines", method: "OPTIONS",
			headers: append(pf(appOrigin, "PUT", "\x00"), lines("Access-Control-Request-Headers", "x-request-id", 200)...), allowed: t2, bad: true},
		{name: "GET with empty Origin", method: "GET", headers: [][2]string{{"Origin", ""}}, allowed: ff},
		{name: "preflight with empty Origin", method: "OPTIONS", headers: pf("", "PUT", "\x00"), allowed: ff},
		{name: "empty Access-Control-Request-Method", method: "OPTIONS", headers: pf(appOrigin, "", "\x00"), allowed: t2, bad: true},
		{name: "65-byte Access-Control-Request-Method", method: "OPTIONS", headers: pf(appOrigin, strings.Repeat("P", 65), "\x00"), allowed: t2, bad: true},
		{name: "method list as Access-Control-Request-Method", method: "OPTIONS", headers: pf(appOrigin, "PUT, DELETE", "\x00"), allowed: t2, bad: true},
		{name: "two Origin lines", method: "GET", headers: lines("Origin", appOrigin, 2), allowed: ff},
		{name: "GET with 500 junk header lines", method: "GET",
			headers: append([][2]string{{"Origin", appOrigin}}, lines("X-Junk", "j", 500)...), allowed: t2},
		{name: "4 KiB Origin", method: "GET", headers: [][2]string{{"Origin", "https://" + strings.Repeat("a", 4088)}}, allowed: ff},
		{name: "Origin with a path", method: "GET", headers: [][2]string{{"Origin", appOrigin + "/"}}, allowed: ff},
	},
}

// reconfigureMix is the mix of the reconfiguration phase: requests whose
// answers differ between A and B in every header.
var reconfigureMix = []*kind{
	workloads["allowed"][0], workloads["allowed"][1], workloads["preflight"][0], workloads["preflight"][4],
	workloads["disallowed"][3], workloads["disallowed"][0], workloads["hostile"][3], workloads["hostile"][0],
}

func init() {
	for _, ks := range workloads {
		for _, k := range ks {
			var b strings.Builder
			fmt.Fprintf(&b, "%s /api/items HTTP/1.1\r\nHost: 127.0.0.1\r\n", k.method)
			for _, h := range k.headers {
				fmt.Fprintf(&b, "%s: %s\r\n", h[0], h[1])
			}
			b.WriteString("\r\n")
			k.raw = []byte(b.String())
			k.want = [2]want{k.expect(0), k.expect(1)}
		}
	}
}
