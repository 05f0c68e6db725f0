package e2e

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

	"github.com/corskit/corskit/e2e/realserver"
)

// TestStackSnippetValuesAreLiteral is issue 18 §3(c) on the real servers:
// a token from the answers reaches the browser as the text it is.
//
// Apache: mod_headers reads %D (the request's duration) and %t as
// formats; the snippet escapes them, and real Apache sends "A%D".
//
// nginx: an answered method "$http_cookie" once became
// `add_header Access-Control-Allow-Methods "GET, $http_cookie"`, and real
// nginx sent the request's cookies in the preflight's answer. Now the
// setting is kept ("keep yours, and add DELETE"): the snippet applied to a
// server whose own list is GET sends no cookie.
func TestStackSnippetValuesAreLiteral(t *testing.T) {
	t.Run("apache", func(t *testing.T) {
		t.Parallel()
		s, _ := stacks.Lookup("apache")
		p := stacks.Policy{Origins: []string{fixOriginA}, Methods: []string{"GET", "A%D"}, Headers: []string{"x-%t"}, Exposed: []string{"x-%t"}}
		srv := startStack(t, nil, s, 0, p)
		req, _ := http.NewRequest("OPTIONS", srv.URL+"/api/items", nil)
		req.Header.Set("Origin", fixOriginA)
		req.Header.Set("Access-Control-Request-Method", "A%D")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if m, h := resp.Header.Get("Access-Control-Allow-Methods"), resp.Header.Get("Access-Control-Allow-Headers"); m != "GET, A%D" || h != "x-%t" {
			t.Errorf("Apache sent Allow-Methods %q, Allow-Headers %q; want the literals\n%s", m, h, srv.Log())
		}
	})
	t.Run("nginx", func(t *testing.T) {
		t.Parallel()
		answered := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Access-Control-Allow-Origin", fixOriginA)
			w.Header().Set("Access-Control-Allow-Methods", "GET, $http_cookie")
			w.Header().Set("Vary", "Origin")
			w.WriteHeader(204)
		}))
		defer answered.Close()
		ctx := context.Background()
		res, err := (&fetch.Browser{Profile: fetch.Chromium}).Fetch(ctx, fetch.Request{Origin: origin.MustParse(fixOriginA), Method: "DELETE", URL: answered.URL})
		if err != nil {
			t.Fatal(err)
		}
		d := explain.Explain(res)
		s, _ := stacks.Lookup("nginx")
		explain.ApplyStack(res, &d, s)
		var last *stacks.Change
		for _, f := range d.Fixes {
			if f.Stack != nil && f.Stack.Snippet != "" {
				last = f.Stack
			}
		}
		if last == nil || strings.Contains(last.Snippet, "$http_cookie") {
			t.Fatalf("nginx change: %+v", last)
		}
		// The reader's own server: GET from A; the snippet applied to it.
		applied := appliedSnippet(stacks.Policy{Origins: []string{fixOriginA}, Methods: []string{"GET"}}, last)
		if again, err := s.SnippetKeeping(applied, last.Kept); err != nil || again != last.Snippet {
			t.Fatalf("printed:\n%s\napplied:\n%s (%v)", last.Snippet, again, err)
		}
		srv := startStack(t, nil, s, 0, applied)
		req, _ := http.NewRequest("OPTIONS", srv.URL+"/api/items", nil)
		req.Header.Set("Origin", fixOriginA)
		req.Header.Set("Access-Control-Request-Method", "DELETE")
		req.Header.Set("Cookie", "session=secret-cookie")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if m := resp.Header.Get("Access-Control-Allow-Methods"); m != "GET, DELETE" || strings.Contains(m, "secret") {
			t.Errorf("nginx sent Allow-Methods %q, want \"GET, DELETE\"\n%s", m, srv.Log())
		}
	})
}

// TestStackPatternInAllowOriginOnNginx is issue 18 §3(b) on real nginx: a
// server answering "Access-Control-Allow-Origin: https://*.com" allows no
// origin in a browser; its fix, applied to nginx, must not allow
// https://evil.com (it once did, with credentials).
func TestStackPatternInAllowOriginOnNginx(t *testing.T) {
	answered := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "https://*.com")
		w.Header().Set("Access-Control-Allow-Credentials", "true")
	}))
	defer answered.Close()
	res, err := (&fetch.Browser{Profile: fetch.Chromium}).Fetch(context.Background(), fetch.Request{
		Origin: origin.MustParse(fixOriginA), Method: "GET", URL: answered.URL, Credentials: fetch.CredentialsInclude})
	if err != nil {
		t.Fatal(err)
	}
	d := explain.Explain(res)
	s, _ := stacks.Lookup("nginx")
	explain.ApplyStack(res, &d, s)
	var last *stacks.Change
	for _, f := range d.Fixes {
		if f.Stack != nil && f.Stack.Snippet != "" {
			last = f.Stack
		}
	}
	if last == nil || strings.Contains(last.Snippet, "com$") || !strings.Contains(d.Fixes[0].Text, "never matched") {
		t.Fatalf("fixes %+v, change %+v", d.Fixes, last)
	}
	// The reader's nginx allowed nothing that a browser accepts; applied,
	// the snippet allows the page's origin and nothing else.
	applied := appliedSnippet(stacks.Policy{Origins: []string{"https://other.example.org"}, Credentials: true}, last)
	srv := startStack(t, nil, s, 0, applied)
	for o, want := range map[string]string{fixOriginA: fixOriginA, "https://evil.com": "", "https://a.com": ""} {
		req, _ := http.NewRequest("GET", srv.URL+"/api/items", nil)
		req.Header.Set("Origin", o)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("Access-Control-Allow-Origin"); got != want {
			t.Errorf("Origin %s: nginx sent Allow-Origin %q, want %q\n%s", o, got, want, last.Snippet)
		}
	}
}

// TestStackNginxWithoutAlways is issue 18 §4 on real nginx: add_header
// without `always` leaves a 500 without CORS headers, though the origin is
// allowed. The diagnosis is `always` (in nginx's words), not "add the
// origin".
func TestStackNginxWithoutAlways(t *testing.T) {
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "boom", http.StatusInternalServerError)
	}))
	defer backend.Close()
	srv := realserver.NginxHTTP(t, `map $http_origin $cors_origin {
    default "";
    "`+fixOriginA+`" $http_origin;
}
server {
    listen {{listen}};
    location / {
        if ($request_method = OPTIONS) {
            add_header Access-Control-Allow-Origin $cors_origin;
            add_header Access-Control-Allow-Methods "GET, PUT";
            add_header Vary Origin;
            return 204;
        }
        add_header Access-Control-Allow-Origin $cors_origin;
        add_header Vary Origin;
        proxy_pass http://`+strings.TrimPrefix(backend.URL, "http://")+`;
    }
}
`)
	res, err := (&fetch.Browser{Profile: fetch.Chromium}).Fetch(context.Background(), fetch.Request{
		Origin: origin.MustParse(fixOriginA), Method: "PUT", URL: srv.URL + "/api/items"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Allowed() {
		t.Fatalf("the 500 without CORS headers is allowed:\n%s", traceText(res))
	}
	d := explain.Explain(res)
	s, sd := explain.DetectStack(res)
	explain.ApplyStack(res, &d, s)
	if sd.Name != "nginx" || len(d.Fixes) != 1 || d.Fixes[0].Change != nil || !strings.Contains(d.Fixes[0].Text, "`always`") ||
		d.Fixes[0].Stack == nil || !strings.Contains(d.Fixes[0].Stack.Text, "end every add_header with `always`") {
		t.Errorf("stack %s, fixes %+v", sd.Name, d.Fixes)
	}
}

// TestCorskitSnippetsStart is issue 18 §3(b)'s last case: corskit's
// snippet was once a configuration that cors.New refuses. Each policy
// here is built into the generated program, which must start (log.Fatal
// on cors.New's error otherwise) and allow its origin.
func TestCorskitSnippetsStart(t *testing.T) {
	s, _ := stacks.Lookup("corskit")
	policies := []stackPolicy{
		{"http origin with credentials", stacks.Policy{Origins: []string{"http://app.example.com"}, Credentials: true}},
		{"loopback with credentials", stacks.Policy{Origins: []string{"http://127.0.0.1:3000"}, Credentials: true}},
		{"subdomains with credentials", stacks.Policy{Origins: []string{"https://*.example.com"}, Credentials: true, Methods: []string{"PUT"}}},
	}
	g := &goPrograms{parent: t, policies: policies, only: s.Name}
	for i, sp := range policies {
		srv := startStack(t, g, s, i, sp.p)
		o := strings.Replace(sp.p.Origins[0], "*.", "api.", 1)
		req, _ := http.NewRequest("GET", srv.URL+"/api/items", nil)
		req.Header.Set("Origin", o)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s: %v\n%s", sp.name, err, srv.Log())
		}
		resp.Body.Close()
		if got := resp.Header.Get("Access-Control-Allow-Origin"); got != o {
			t.Errorf("%s: Allow-Origin %q, want %q\n%s", sp.name, got, o, srv.Log())
		}
		srv.Close()
	}
}
