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
