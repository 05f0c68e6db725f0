package cors_test

import (
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/corskit/corskit/cors"
)

// The differential test compares the middleware with reference, a naive
// model of the documented behaviour written with plain loops and the
// standard library, on random configurations and random requests.

var (
	diffOrigins = []string{"https://a.com", "https://b.a.com", "https://*.a.com", "http://localhost:*",
		"https://*.a.com:*", "https://c.com:8443", "null", "http://a.com", "https://*.b.com"}
	diffRawOrigins = []string{"https://a.com", "https://b.a.com", "https://x.b.a.com", "https://a.com:8443",
		"http://localhost", "http://localhost:3000", "https://localhost:3000", "https://c.com:8443", "https://c.com",
		"null", "http://a.com", "https://A.com", "https://a.com/", "https://a.com:443", "https://xa.com",
		"https://a.com.evil.com", "https://..a.com", "https://x.b.com", "https://b.com", "https://x.a.com:1", ""}
	diffMethods    = []string{"GET", "POST", "PUT", "DELETE", "PATCH", "patch", "PURGE", "put"}
	diffHeaders    = []string{"X-A", "x-b", "Content-Type", "Authorization", "X-Long-Header-Name"}
	diffReqHeaders = []string{"x-a", "x-b", "content-type", "authorization", "x-c", "X-A", "", " x-a , x-b ", "x-a,,x-b", "a b"}
)

func randomConfig(r *rand.Rand) cors.Config {
	var c cors.Config
	if r.IntN(6) == 0 {
		c.AllowedOrigins = []string{"*"}
	} else {
		for range 1 + r.IntN(3) {
			c.AllowedOrigins = append(c.AllowedOrigins, diffOrigins[r.IntN(len(diffOrigins))])
		}
	}
	c.AllowCredentials = r.IntN(2) == 0
	c.UnsafeAllowAnyOriginWithCredentials = true
	c.UnsafeAllowNullOrigin = true
	c.UnsafeAllowInsecureOriginsWithCredentials = true
	if r.IntN(5) == 0 {
		c.AllowedMethods = []string{"*"}
	} else {
		for range r.IntN(3) {
			c.AllowedMethods = append(c.AllowedMethods, diffMethods[r.IntN(len(diffMethods))])
		}
	}
	if r.IntN(5) == 0 {
		c.AllowedHeaders = []string{"*"}
	} else {
		for range r.IntN(4) {
			c.AllowedHeaders = append(c.AllowedHeaders, diffHeaders[r.IntN(len(diffHeaders))])
		}
	}
	if r.IntN(2) == 0 {
		c.ExposedHeaders = []string{"X-Id"}
	}
	switch r.IntN(3) {
	case 0:
		c.MaxAge = time.Duration(1+r.IntN(100)) * time.Second
	case 1:
		c.DisablePreflightCache = true
	}
	return c
}

func randomRequest(r *rand.Rand) req {
	o := diffRawOrigins[r.IntN(len(diffRawOrigins))]
	if r.IntN(2) == 0 {
		return req{method: diffMethods[r.IntN(len(diffMethods))], origin: o}
	}
	pr := preflight(o, diffMethods[r.IntN(len(diffMethods))])
	if n := r.IntN(3); n > 0 {
		for range n {
			pr.header["Access-Control-Request-Headers"] = append(pr.header["Access-Control-Request-Headers"],
				diffReqHeaders[r.IntN(len(diffReqHeaders))])
		}
	}
	return pr
}

// naiveValid reports whether raw is a serialized origin as a browser sends it.
func naiveValid(raw string) bool {
	if raw == "null" {
		return true
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme+"://"+u.Host != raw || raw != strings.ToLower(raw) || u.Hostname() == "" {
		return false
	}
	for _, label := range strings.Split(u.Hostname(), ".") {
		// Domain labels: letters, digits, hyphen, underscore (what browsers
		// serialize; Chromium refuses the rest).
		if label == "" || strings.Trim(label, "abcdefghijklmnopqrstuvwxyz0123456789-_") != "" {
			return false
		}
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || p[0] == '0' || n > 65535 || u.Scheme == "https" && n == 443 || u.Scheme == "http" && n == 80 {
			return false
		}
	}
	return true
}

func naiveMatch(pattern, raw string) bool {
	if !naiveValid(raw) {
		return false
	}
	if pattern == raw {
		return true
	}
	if raw == "null" || pattern == "null" {
		return false
	}
	u, _ := url.Parse(raw)
	scheme, rest, _ := strings.Cut(pattern, "://")
	if u.Scheme != scheme {
		return false
	}
	host, port, hasPort := strings.Cut(rest, ":")
	if !hasPort && u.Port() != "" || hasPort && port != "*" && port != u.Port() {
		return false
	}
	if domain, ok := strings.CutPrefix(host, "*."); ok {
		return strings.HasSuffix(u.Hostname(), "."+domain)
	}
	return host == u.Hostname()
}

func isToken(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !strings.ContainsRune("!#$%&'*+-.^_`|~", c) && !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

func reference(c cors.Config, r req) outcome {
	any := slices.Contains(c.AllowedOrigins, "*")
	allowed := false
	// The Origin lines: those in r.header if it has the key (even with no
	// line at all), else r.origin. No line is no Origin; several lines are
	// never an allowed origin.
	originLines, set := r.header["Origin"]
	if !set && r.origin != "" {
		originLines = []string{r.origin}
	}
	isCORS := len(originLines) > 0
	origin := ""
	if len(originLines) == 1 {
		origin = originLines[0]
	}

	for _, p := range c.AllowedOrigins {
		if p == "*" {
			allowed = origin != "" && (!c.AllowCredentials || printableNoComma(origin))
		} else if naiveMatch(p, origin) {
			allowed = true
		}
	}
	if len(origin) > 512 && !(any && !c.AllowCredentials) {
		allowed = false // documented bound: never matched nor reflected
	}
	acao := origin
	if any && !c.AllowCredentials {
		acao = "*"
	}
	var methods []string // non-safelisted, normalised, config order
	for _, m := range c.AllowedMethods {
		switch strings.ToUpper(m) {
		case "DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT":
			m = strings.ToUpper(m)
		}
		if m != "GET" && m != "HEAD" && m != "POST" && !slices.Contains(methods, m) {
			methods = append(methods, m)
		}
	}
	var names []string
	for _, h := range c.AllowedHeaders {
		if l := strings.ToLower(h); !slices.Contains(names, l) {
			names = append(names, l)
		}
	}
	slices.Sort(names)
	maxAge := ""
	if c.MaxAge > 0 {
		maxAge = strconv.Itoa(int(c.MaxAge / time.Second))
	} else if c.DisablePreflightCache {
		maxAge = "0"
	}

	acrm := r.header["Access-Control-Request-Method"]
	if !(r.method == "OPTIONS" && isCORS && len(acrm) > 0) {
		out := outcome{status: handlerStatus, handlerRan: true, corsHeaders: http.Header{}}
		if any && !c.AllowCredentials {
			out.corsHeaders.Set("Access-Control-Allow-Origin", "*")
		} else {
			out.corsHeaders.Set("Vary", "Origin")
			if allowed {
				out.corsHeaders.Set("Access-Control-Allow-Origin", acao)
			}
		}
		if allowed && c.AllowCredentials {
			out.corsHeaders.Set("Access-Control-Allow-Credentials", "true")
		}
		if (allowed || any && !c.AllowCredentials) && len(c.ExposedHeaders) > 0 {
			out.corsHeaders.Set("Access-Control-Expose-Headers", strings.Join(c.ExposedHeaders, ", "))
		}
		return out
	}
	out := outcome{status: 403, corsHeaders: http.Header{"Vary": {varyPreflight}}}
	if !allowed || len(acrm) != 1 || len(acrm[0]) > 64 || !isToken(acrm[0]) {
		return out
	}
	// Documented bounds on Access-Control-Request-Headers: 128 elements
	// (empty ones included) and 8192 bytes (lines joined by commas).
	acrhLines := r.header["Access-Control-Request-Headers"]
	if elems := len(strings.Split(strings.Join(acrhLines, ","), ",")); len(acrhLines) > 0 &&
		(elems > 128 || len(strings.Join(acrhLines, ",")) > 8192) {
		return out
	}
	method := acrm[0]
	methodOK := slices.Contains(c.AllowedMethods, "*") || method == "GET" || method == "HEAD" || method == "POST" ||
		slices.Contains(methods, method)
	headersOK := true
	var all []string
	for _, line := range r.header["Access-Control-Request-Headers"] {
		for _, e := range strings.Split(line, ",") {
			if e = strings.Trim(e, " \t"); e != "" {
				all = append(all, e)
			}
		}
	}
	for _, e := range all {
		if !isToken(e) {
			return out
		}
	}
	for _, e := range all {
		if !slices.Contains(c.AllowedHeaders, "*") && !slices.Contains(names, strings.ToLower(e)) {
			headersOK = false
		}
	}
	out.status = 204
	out.corsHeaders.Set("Access-Control-Allow-Origin", acao)
	if c.AllowCredentials {
		out.corsHeaders.Set("Access-Control-Allow-Credentials", "true")
	}
	if slices.Contains(c.AllowedMethods, "*") {
		out.corsHeaders.Set("Access-Control-Allow-Methods", method)
	} else if len(methods) > 0 {
		out.corsHeaders.Set("Access-Control-Allow-Methods", strings.Join(methods, ", "))
	}
	if methodOK && headersOK {
		if acrh := r.header["Access-Control-Request-Headers"]; len(acrh) > 1 || len(acrh) == 1 && acrh[0] != "" {
			out.corsHeaders["Access-Control-Allow-Headers"] = acrh
		}
		if maxAge != "" {
			out.corsHeaders.Set("Access-Control-Max-Age", maxAge)
		}
	} else if len(names) > 0 && !slices.Contains(c.AllowedHeaders, "*") {
		out.corsHeaders.Set("Access-Control-Allow-Headers", strings.Join(names, ", "))
	}
	return out
}

func TestDifferential(t *testing.T) {
	r := rand.New(rand.NewPCG(2026, 11))
	cases, configs := 0, 0
	for configs < 1000 {
		cfg := randomConfig(r)
		mw, err := cors.New(cfg)
		if err != nil {
			continue // e.g. "*" mixed with origins: covered by the config tests
		}
		configs++
		for range 20 {
			rq := randomRequest(r)
			got, want := serve(t, mw, rq), reference(cfg, rq)
			cases++
			if got.status != want.status || got.handlerRan != want.handlerRan || !equalHeaders(got.corsHeaders, want.corsHeaders) {
				t.Fatalf("config %+v\nrequest %v\n got  %d %v %v\n want %d %v %v", cfg, rq,
					got.status, got.handlerRan, got.corsHeaders, want.status, want.handlerRan, want.corsHeaders)
			}
		}
	}
	t.Logf("%d configs, %d requests agree with the reference", configs, cases)
}

// printableNoComma is the documented rule for reflecting an arbitrary Origin:
// visible ASCII only, no comma.
func printableNoComma(s string) bool {
	for _, c := range []byte(s) {
		if c <= ' ' || c >= 0x7f || c == ',' {
			return false
		}
	}
	return true
}
