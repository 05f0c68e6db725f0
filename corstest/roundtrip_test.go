package corstest_test

import (
	"context"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/corskit/corskit/cors"
	"github.com/corskit/corskit/corstest"
	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/origin"
)

// The round trip: for random valid cors.Configs and random browser
// requests, the browser model's verdict on the middleware's answers must be
// what the configuration means. A disagreement is a bug in one half.

var (
	rtOrigins      = []string{"https://app.example.com", "https://a.b.example.com", "https://example.com", "http://localhost:3000", "https://evil.example"}
	rtPatterns     = []string{"https://app.example.com", "https://*.example.com", "http://localhost:*", "https://example.com"}
	rtCfgMethods   = []string{"PUT", "put", "DELETE", "PATCH", "patch", "FOO"}
	rtReqMethods   = []string{"GET", "POST", "HEAD", "PUT", "put", "DELETE", "PATCH", "patch", "FOO"}
	rtCfgHeaders   = []string{"X-A", "x-b", "Content-Type", "Authorization"}
	rtReqHeaders   = [][2]string{{"X-A", "1"}, {"x-b", "2"}, {"Content-Type", "application/json"}, {"Content-Type", "text/plain"}, {"Authorization", "Bearer t"}, {"Accept", "text/html"}, {"X-C", "3"}}
	rtCredentials  = []fetch.Credentials{fetch.CredentialsOmit, fetch.CredentialsSameOrigin, fetch.CredentialsInclude}
	rtResponseHdrs = map[string]string{"Content-Type": "text/plain", "X-Id": "1", "X-Other": "2"}
)

func rtConfig(r *rand.Rand) cors.Config {
	var c cors.Config
	if r.IntN(5) == 0 {
		c.AllowedOrigins = []string{"*"}
	} else {
		for range 1 + r.IntN(2) {
			c.AllowedOrigins = append(c.AllowedOrigins, rtPatterns[r.IntN(len(rtPatterns))])
		}
	}
	c.AllowCredentials = r.IntN(2) == 0
	if c.AllowCredentials && c.AllowedOrigins[0] == "*" {
		c.UnsafeAllowAnyOriginWithCredentials = r.IntN(2) == 0
		if !c.UnsafeAllowAnyOriginWithCredentials {
			c.AllowCredentials = false
		}
	}
	if r.IntN(5) == 0 {
		c.AllowedMethods = []string{"*"}
	} else {
		for range r.IntN(3) {
			c.AllowedMethods = append(c.AllowedMethods, rtCfgMethods[r.IntN(len(rtCfgMethods))])
		}
	}
	if r.IntN(5) == 0 {
		c.AllowedHeaders = []string{"*"}
	} else {
		for range r.IntN(3) {
			c.AllowedHeaders = append(c.AllowedHeaders, rtCfgHeaders[r.IntN(len(rtCfgHeaders))])
		}
	}
	if r.IntN(2) == 0 {
		c.ExposedHeaders = []string{"X-Id"}
	}
	if r.IntN(3) == 0 {
		c.DisablePreflightCache = true
	}
	return c
}

func rtRequest(r *rand.Rand) fetch.Request {
	return randomRequest(r, rtOrigins, rtReqMethods, rtReqHeaders)
}

// randomRequest is a call to the test API from one of origins, with one of
// methods, up to two of headers ({name, value}) and any credentials mode.
func randomRequest(r *rand.Rand, origins, methods []string, headers [][2]string) fetch.Request {
	req := fetch.Request{
		Origin:      origin.MustParse(origins[r.IntN(len(origins))]),
		Method:      methods[r.IntN(len(methods))],
		URL:         "https://api.example.net/things/1",
		Credentials: rtCredentials[r.IntN(len(rtCredentials))],
	}
	for range r.IntN(3) {
		h := headers[r.IntN(len(headers))]
		req.Headers = append(req.Headers, fetch.Header{Name: h[0], Value: h[1]})
	}
	return req
}

// intent is what the configuration means for req, computed from the
// configuration alone: allowed or not, and the headers script may read in
// a browser with profile prof (which decides what needs a preflight).
func intent(t *testing.T, c cors.Config, req fetch.Request, prof fetch.Profile) (bool, []string) {
	originOK := false
	for _, p := range c.AllowedOrigins {
		if p == "*" {
			originOK = true
			continue
		}
		pat, err := origin.ParsePattern(p)
		if err != nil {
			t.Fatal(err)
		}
		originOK = originOK || pat.Match(req.Origin)
	}
	include := req.Credentials == fetch.CredentialsInclude
	if include && !c.AllowCredentials {
		return false, nil
	}
	if c.AllowedOrigins[0] == "*" && include && !c.UnsafeAllowAnyOriginWithCredentials {
		return false, nil
	}
	cls, err := fetch.Classify(req, prof)
	if err != nil {
		t.Fatal(err)
	}
	if !originOK {
		return false, nil
	}
	if cls.Preflight {
		if m := cls.UnsafeMethod; m != "" && !slices.Contains(c.AllowedMethods, "*") &&
			!slices.ContainsFunc(c.AllowedMethods, func(a string) bool { return normalize(a) == m }) {
			return false, nil
		}
		for _, h := range cls.UnsafeHeaders {
			if !slices.Contains(c.AllowedHeaders, "*") &&
				!slices.ContainsFunc(c.AllowedHeaders, func(a string) bool { return strings.EqualFold(a, h) }) {
				return false, nil
			}
		}
	}
	// The handler sets Content-Type; the server adds Content-Length: 0 (it
	// writes no body), except to a HEAD, where it cannot tell an empty body
	// from one the handler left out; both are safelisted.
	readable := []string{"content-length", "content-type"}
	if normalize(req.Method) == "HEAD" {
		readable = readable[1:]
	}
	if slices.Contains(c.ExposedHeaders, "X-Id") {
		readable = append(readable, "x-id")
	}
	return true, readable
}

// normalize is the browser's method normalisation, written out here so the
// test does not borrow the code under test.
func normalize(m string) string {
	switch u := strings.ToUpper(m); u {
	case "DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT":
		return u
	}
	return m
}

func TestRoundTripWithMiddleware(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	handler := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		for k, v := range rtResponseHdrs {
			w.Header().Set(k, v)
		}
	})
	checked, allowedN := 0, 0
	for range 400 {
		cfg := rtConfig(r)
		mw, err := cors.New(cfg)
		if err != nil {
			t.Fatalf("generated an invalid config %+v: %v", cfg, err)
		}
		// Every profile: the middleware must work in Chromium, Firefox and
		// WebKit, and in a browser that follows the standard to the letter.
		tr := corstest.HandlerTransport(mw.Wrap(handler))
		var browsers []*fetch.Browser
		for _, p := range append(fetch.Profiles, fetch.Spec) {
			browsers = append(browsers, &fetch.Browser{Profile: p, Transport: tr})
		}
		for i := range 25 {
			req := rtRequest(r)
			b := browsers[i%len(browsers)]
			res, err := b.Fetch(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			want, readable := intent(t, cfg, req, b.Profile)
			checked++
			if res.Allowed() != want {
				t.Fatalf("config %+v\nrequest %+v\nthe configuration means allowed=%v, the %s model says %v:\n%s",
					cfg, req, want, b.Profile.Name, res.Allowed(), corstest.ExplainIn(b.Profile, res))
			}
			if want {
				allowedN++
				if got := res.Response.ReadableHeaderNames(); !slices.Equal(got, readable) {
					t.Fatalf("config %+v\nrequest %+v\nreadable headers %v, the configuration means %v:\n%s",
						cfg, req, got, readable, corstest.ExplainIn(b.Profile, res))
				}
			}
		}
	}
	t.Logf("%d requests checked, %d allowed", checked, allowedN)
	if allowedN < checked/10 || allowedN > checked*9/10 {
		t.Errorf("the generator is lopsided: %d of %d allowed", allowedN, checked)
	}
}
