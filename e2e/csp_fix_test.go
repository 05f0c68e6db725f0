package e2e

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/corskit/corskit/e2e/browser"
	"github.com/corskit/corskit/e2e/realserver"
	"github.com/corskit/corskit/explain"
	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/origin"
	"github.com/corskit/corskit/stacks"
)

// TestCSPFixOnPageServers: a page served by nginx, Apache, Caddy, Express
// with helmet or Django with django-csp (Debian's 3.7 on Django 3.2, and
// 4.0 on Django 4.2) with
// `connect-src 'self'` cannot call an API on another origin in real
// Chromium, whatever the API's CORS headers say. The model, given the
// policy the real server sent, refuses the call too, and its fix is on the
// page's server: the snippet it writes for that server
// (stacks.CSPSnippets), pasted into the server that serves the page, makes
// it send exactly the fixed policy (nothing more allowed, no directive
// added or lost), which the model then lets through, and so does
// Chromium. The API never changes.
func TestCSPFixOnPageServers(t *testing.T) {
	// Served on 127.0.0.1, called as localhost: another origin than the page's.
	apiPort := serveLoopback(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))
		w.Write([]byte("ok"))
	}))
	apiURL := "http://localhost:" + strconv.Itoa(apiPort) + "/items"

	const html = "<!doctype html><title>page</title>"
	docroot := newDocroot(t, "index.html", []byte(html))
	// servers start each page server with the snippet that sends its CSP
	// (for the subtest t, which a server that does not start fails).
	servers := map[string]func(t *testing.T, snippet string) *realserver.Server{
		"nginx": func(t *testing.T, sn string) *realserver.Server {
			return realserver.Nginx(t, "    root "+docroot+";\n    location / {\n        default_type text/html;\n        "+sn+"\n    }\n")
		},
		"apache": func(t *testing.T, sn string) *realserver.Server {
			return realserver.Apache(t, "DocumentRoot \""+docroot+"\"\n<Directory \""+docroot+"\">\n    Require all granted\n</Directory>\n<Files \"index.html\">\n    ForceType text/html\n</Files>\n"+sn+"\n")
		},
		"caddy": func(t *testing.T, sn string) *realserver.Server {
			return realserver.Caddy(t, realserver.Listen+" {\n\t"+sn+"\n\theader Content-Type \"text/html; charset=utf-8\"\n\trespond \""+html+"\" 200\n}\n")
		},
		"express":     func(t *testing.T, sn string) *realserver.Server { return expressWith(t, sn, "html", []byte(html)) },
		"django-csp3": func(t *testing.T, sn string) *realserver.Server { return djangoCSPWith(t, sn, html, "") },
		"django": func(t *testing.T, sn string) *realserver.Server {
			return djangoCSPWith(t, sn, html, realserver.Django4Dir(t))
		},
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	tab := browser.OpenTab(ctx, t)
	call := func(page string) string {
		t.Helper()
		if err := chromedp.Do(tab.Ctx, chromedp.Navigate(page)); err != nil {
			t.Fatal(err)
		}
		got, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[string](`fetch(`+strconv.Quote(apiURL)+`).then(r => "allowed " + r.status, e => "blocked")`, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	// diagnose is the model's verdict on the call from page, given the
	// policy its real server sent.
	diagnose := func(t *testing.T, page string) (explain.Diagnosis, string) {
		t.Helper()
		served := servedHeader(t, page, "Content-Security-Policy")
		res, err := (&fetch.Browser{}).Fetch(context.Background(), fetch.Request{
			Origin: origin.MustParse(strings.TrimSuffix(page, "/index.html")), URL: apiURL,
			Page: &fetch.Page{URL: page, CSP: []string{served}},
		})
		if err != nil {
			t.Fatal(err)
		}
		return explain.Explain(res), served
	}
	const policy = "connect-src 'self'"
	for _, stack := range []string{"nginx", "apache", "caddy", "express", "django-csp3", "django"} {
		t.Run(stack, func(t *testing.T) {
			before := "http://127.0.0.1:" + strconv.Itoa(servers[stack](t, snippetFor(t, stacks.CSPSnippets(policy), stack)).Port()) + "/index.html"
			d, served := diagnose(t, before)
			if !samePolicy(served, policy) {
				t.Fatalf("the %s snippet for %q makes the server send %q", stack, policy, served)
			}
			if d.Gate == nil || d.Gate.ID != "csp-connect-src" {
				t.Fatalf("the model does not refuse the call by the page's CSP: %+v", d)
			}
			fix := snippetFor(t, d.Gate.Snippets, stack)
			t.Logf("the fix: %s", fix)
			after := "http://127.0.0.1:" + strconv.Itoa(servers[stack](t, fix).Port()) + "/index.html"
			d2, served := diagnose(t, after)
			if !samePolicy(served, d.Gate.FixedPolicy) {
				t.Errorf("with the model's %s snippet the page's server sends %q, want %q and nothing more", stack, served, d.Gate.FixedPolicy)
			}
			if d2.Gate != nil || d2.Verdict != "allowed" {
				t.Errorf("with the policy the fixed server sends (%q), the model still refuses: %+v", served, d2.Gate)
			}
			if got := call(before); got != "blocked" {
				t.Errorf("before the fix, Chromium says %q: the page's policy should refuse the call", got)
			}
			if got := call(after); got != "allowed 200" {
				t.Errorf("with the model's %s snippet on the page's server, Chromium says %q, want allowed 200", stack, got)
			}
		})
	}
}
