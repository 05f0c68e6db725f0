package explain_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/corskit/corskit/explain"
	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/origin"
	"github.com/corskit/corskit/stacks"
)

// fixFor diagnoses req against h and applies stack name: the diagnosis
// and the last stack change (nil when none).
func fixFor(t *testing.T, name string, h http.HandlerFunc, req fetch.Request) (explain.Diagnosis, *stacks.Change) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	req.Origin = page
	req.URL = srv.URL + "/x"
	res, err := (&fetch.Browser{Profile: fetch.Chromium}).Fetch(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	d := explain.Explain(res)
	s, err := stacks.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	explain.ApplyStack(res, &d, s)
	var last *stacks.Change
	for _, f := range d.Fixes {
		if f.Stack != nil && f.Stack.Snippet != "" {
			last = f.Stack
		}
	}
	return d, last
}

// valueLines are the snippet's lines that are not keep-yours comments.
func valueLines(snippet string) string {
	var out []string
	for _, l := range strings.Split(snippet, "\n") {
		if !strings.Contains(l, "keep yours") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// Issue 18 §3(a), the two cases seen: the snippet wrote settings the
// answers did not show, and pasted it replaced the server's own.
func TestSnippetInventsNothing(t *testing.T) {
	// A credentialed GET with no preflight: the answers show no method
	// list, yet the Express snippet said methods: ["GET", "HEAD", "POST"]
	// (real Chromium then blocked a PUT that had worked).
	_, c := fixFor(t, "express", headers(0, "Access-Control-Allow-Origin", page.String(), "Vary", "Origin"),
		fetch.Request{Method: "GET", Credentials: fetch.CredentialsInclude})
	if c == nil || strings.Contains(valueLines(c.Snippet), "methods:") || !strings.Contains(c.Snippet, "// methods: not seen in the answers: keep yours") ||
		!strings.Contains(valueLines(c.Snippet), "credentials: true") {
		t.Errorf("GET with credentials: %+v", c)
	}
	// Express's cors reflects the requested headers when allowedHeaders
	// is unset: "authorization" is an echo, not the list (the snippet's
	// allowedHeaders: ["authorization"] dropped the Content-Type of a
	// JSON PUT).
	reflect := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", page.String())
		w.Header().Set("Vary", "Origin, Access-Control-Request-Headers")
		if r.Method == http.MethodOptions {
			w.Header().Set("Access-Control-Allow-Methods", "GET,HEAD,PUT,PATCH,POST,DELETE")
			w.Header().Set("Access-Control-Allow-Headers", r.Header.Get("Access-Control-Request-Headers"))
			w.WriteHeader(204)
		}
	}
	_, c = fixFor(t, "express", reflect, fetch.Request{Method: "GET", Credentials: fetch.CredentialsInclude,
		Headers: []fetch.Header{{Name: "Authorization", Value: "Bearer t"}}})
	if c == nil || strings.Contains(valueLines(c.Snippet), "allowedHeaders") || !strings.Contains(c.Snippet, "// allowedHeaders: not seen in the answers: keep yours") {
		t.Errorf("reflected headers: %+v", c)
	}
}

// Issue 18 §3(b): "Access-Control-Allow-Origin: https://*.com" allows
// nothing in any browser; it is no grant to copy into a snippet (it
// became /^https:\/\/([a-z0-9-]+\.)+com$/ with credentials).
func TestPatternInAllowOriginIsNoGrant(t *testing.T) {
	h := headers(0, "Access-Control-Allow-Origin", "https://*.com", "Access-Control-Allow-Credentials", "true")
	for _, name := range []string{"express", "nginx", "django", "corskit"} {
		d, c := fixFor(t, name, h, fetch.Request{Method: "GET", Credentials: fetch.CredentialsInclude})
		if len(d.Fixes) == 0 || !strings.Contains(d.Fixes[0].Text, "a pattern there is never matched") {
			t.Errorf("%s: %+v", name, d.Fixes)
		}
		if c == nil {
			t.Fatalf("%s: no stack change", name)
		}
		if strings.Contains(c.Snippet, "+com") || strings.Contains(c.Snippet, "*.com") || strings.Contains(c.Snippet, `\.)+`) {
			t.Errorf("%s: the pattern is in the snippet:\n%s", name, c.Snippet)
		}
	}
}

// Issue 18 §3(c): an answered method "$http_cookie" made real nginx echo
// the request's cookies: nginx's snippet keeps the setting instead.
func TestAnsweredVariableIsNotRendered(t *testing.T) {
	h := headers(204, "Access-Control-Allow-Origin", page.String(), "Access-Control-Allow-Methods", "GET, $http_cookie", "Vary", "Origin")
	_, c := fixFor(t, "nginx", h, fetch.Request{Method: "DELETE"})
	if c == nil || strings.Contains(c.Snippet, "$http_cookie") || !strings.Contains(c.Snippet, "Access-Control-Allow-Methods: not seen in the answers: keep yours, and add DELETE") {
		t.Errorf("nginx: %+v", c)
	}
	// Where the syntax has no such variable, the value is kept as it is.
	if _, c := fixFor(t, "express", h, fetch.Request{Method: "DELETE"}); c == nil || !strings.Contains(c.Snippet, `"$http_cookie"`) {
		t.Errorf("express: %+v", c)
	}
}

// Issue 18 §4: the cause first, in the user's words.
func TestCauseFirst(t *testing.T) {
	// nginx without `always`: the preflight allowed the origin, the 500
	// lost the headers; the fix is `always`, not "add the origin".
	nginx500 := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Server", "nginx/1.22.1")
		if r.Method == http.MethodOptions {
			w.Header().Set("Access-Control-Allow-Origin", page.String())
			w.Header().Set("Access-Control-Allow-Methods", "PUT")
			w.WriteHeader(204)
			return
		}
		w.WriteHeader(500)
	}
	d, _ := fixFor(t, "nginx", nginx500, fetch.Request{Method: "PUT"})
	if len(d.Fixes) != 1 || !strings.Contains(d.Fixes[0].Text, "`always`") || d.Fixes[0].Change != nil ||
		d.Fixes[0].Stack == nil || !strings.Contains(d.Fixes[0].Stack.Text, "always") {
		t.Errorf("nginx 500: %+v", d.Fixes)
	}
	// An origin not allowed: the hint on how an origin is written
	// (Flask-CORS with origins=["http://localhost:3000/"] answers none).
	d, _ = fixFor(t, "flask", headers(0), fetch.Request{Method: "GET"})
	if len(d.Fixes) == 0 || !strings.Contains(d.Fixes[0].Text, "an origin is exactly scheme://host[:port]: no trailing slash, path or wildcard") &&
		!strings.Contains(d.Fixes[0].Text, "An origin is exactly scheme://host[:port]: no trailing slash, path or wildcard") {
		t.Errorf("origin hint: %+v", d.Fixes)
	}
	// Express with auth before cors.
	d, _ = fixFor(t, "express", headers(401), fetch.Request{Method: "PUT"})
	if len(d.Fixes) == 0 || d.Fixes[0].Stack == nil || !strings.Contains(d.Fixes[0].Stack.Text, "move app.use(cors(...)) above the auth middleware") {
		t.Errorf("express 401: %+v", d.Fixes)
	}
	// "*" with credentials: replace it, do not add to it.
	d, _ = fixFor(t, "express", headers(0, "Access-Control-Allow-Origin", "*"), fetch.Request{Method: "GET", Credentials: fetch.CredentialsInclude})
	found := false
	for _, f := range d.Fixes {
		if f.Stack != nil && strings.HasPrefix(f.Stack.Text, `replace "*" in `+"`origin`"+` with `+page.String()) {
			found = true
		}
	}
	if !found {
		t.Errorf("* with credentials: %+v", d.Fixes)
	}
}

// Issue 18 §4: corskit's own middleware answers an allowed preflight as
// rs/cors does; the detection says both, not rs/cors.
func TestDetectCorskitOrRSCors(t *testing.T) {
	srv := httptest.NewServer(headers(204, "Access-Control-Allow-Origin", page.String(), "Access-Control-Allow-Methods", "PUT",
		"Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"))
	defer srv.Close()
	res, err := (&fetch.Browser{Profile: fetch.Chromium}).Fetch(context.Background(), fetch.Request{Origin: page, Method: "PUT", URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	s, sd := explain.DetectStack(res)
	if s.Name != "corskit" || sd.Or != "rs-cors" || sd.Title != "corskit cors or rs/cors" {
		t.Errorf("%s %+v", s.Name, sd)
	}
	_ = origin.MustParse
}

// A fix of two kept settings (the method and the header of a preflight
// that showed neither list, as Flask-CORS answers): the last snippet,
// the whole configuration, says to add both (real Chromium blocked the
// DELETE when the method's addition was lost).
func TestKeptAdditionsAccumulate(t *testing.T) {
	_, c := fixFor(t, "flask", headers(200, "Access-Control-Allow-Origin", page.String()),
		fetch.Request{Method: "DELETE", Headers: []fetch.Header{{Name: "X-Debug", Value: "1"}}})
	if c == nil || !strings.Contains(c.Snippet, "# methods: not seen in the answers: keep yours, and add DELETE") ||
		!strings.Contains(c.Snippet, "# allow_headers: not seen in the answers: keep yours, and add x-debug") {
		t.Errorf("%+v", c)
	}
}
