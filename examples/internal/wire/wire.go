// Package wire sends, over a real loopback connection, the two requests a
// browser sends for a cross-origin PUT with a JSON body (the preflight,
// then the actual request), so that every example is tested the same way:
// through its router, its server and the network, not a recorder.
package wire

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

// Policy is what every example allows, so the tests can share
// expectations: a credentialed PUT/DELETE with a JSON body and a bearer
// token, from the page's origin only.
const (
	PageOrigin  = "https://app.example.com"
	EvilOrigin  = "https://evil.example"
	Methods     = "PUT, DELETE"
	ReqHeaders  = "content-type,authorization"
	MaxAgeValue = "600"
)

// Send makes one request over the network and returns the response with
// its body read and closed.
func Send(t *testing.T, method, url, host string, header map[string]string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res
}

// Preflight sends the OPTIONS a browser on origin sends before a PUT with
// "Content-Type: application/json" and "Authorization".
func Preflight(t *testing.T, url, host, origin string) *http.Response {
	t.Helper()
	return Send(t, http.MethodOptions, url, host, map[string]string{
		"Origin":                         origin,
		"Access-Control-Request-Method":  "PUT",
		"Access-Control-Request-Headers": ReqHeaders,
	})
}

// Actual sends the PUT that follows an approved preflight.
func Actual(t *testing.T, url, host, origin string) *http.Response {
	t.Helper()
	return Send(t, http.MethodPut, url, host, map[string]string{
		"Origin":        origin,
		"Content-Type":  "application/json",
		"Authorization": "Bearer t",
	})
}

// Allowed fails the test unless res is what a browser needs to let the
// page on origin go on: for a preflight, a 2xx approving PUT and both
// headers; for an actual request, the handler's status and exactly one
// Access-Control-Allow-Origin naming the page, with credentials.
func Allowed(t *testing.T, what string, res *http.Response, origin string, wantStatus int) {
	t.Helper()
	if res.StatusCode != wantStatus {
		t.Errorf("%s: status %d, want %d", what, res.StatusCode, wantStatus)
	}
	if got := res.Header.Values("Access-Control-Allow-Origin"); !slices.Equal(got, []string{origin}) {
		t.Errorf("%s: Access-Control-Allow-Origin %q, want exactly [%q]", what, got, origin)
	}
	if got := res.Header.Values("Access-Control-Allow-Credentials"); !slices.Equal(got, []string{"true"}) {
		t.Errorf("%s: Access-Control-Allow-Credentials %q, want [\"true\"]", what, got)
	}
	if !slices.Contains(VaryTokens(res), "origin") {
		t.Errorf("%s: Vary %q lacks Origin", what, res.Header.Values("Vary"))
	}
	if res.Request.Method != http.MethodOptions {
		return
	}
	if got := res.Header.Get("Access-Control-Allow-Methods"); got != Methods {
		t.Errorf("%s: Access-Control-Allow-Methods %q, want %q", what, got, Methods)
	}
	if got := res.Header.Get("Access-Control-Allow-Headers"); got != ReqHeaders {
		t.Errorf("%s: Access-Control-Allow-Headers %q, want %q", what, got, ReqHeaders)
	}
	if got := res.Header.Get("Access-Control-Max-Age"); got != MaxAgeValue {
		t.Errorf("%s: Access-Control-Max-Age %q, want %q", what, got, MaxAgeValue)
	}
}

// Refused fails the test if res lets a page read anything.
func Refused(t *testing.T, what string, res *http.Response) {
	t.Helper()
	for k := range res.Header {
		if strings.HasPrefix(strings.ToLower(k), "access-control-") {
			t.Errorf("%s: %s: %q, want no CORS header", what, k, res.Header.Values(k))
		}
	}
}

// VaryTokens lists the field names of every Vary header, lowercased.
func VaryTokens(res *http.Response) []string {
	var out []string
	for _, v := range res.Header.Values("Vary") {
		for _, f := range strings.Split(v, ",") {
			out = append(out, strings.ToLower(strings.TrimSpace(f)))
		}
	}
	return out
}
