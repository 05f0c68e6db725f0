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

// TestKindCSPFixOnNginx: a page served by nginx with `default-src 'self';
// script-src 'self'` cannot load a <script> from another origin in real
// Chromium (no CORS header matters: the script is no-cors). The model
// refuses it by script-src (csp-script-src), and its nginx snippet, the
// page's policy with the script's origin added to script-src, served by
// the same nginx, lets Chromium load it. The script's server never
// changes.
func TestKindCSPFixOnNginx(t *testing.T) {
	// Served on 127.0.0.1, called as localhost: another origin than the page's.
	cdnPort := serveLoopback(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		w.Write([]byte("window.loaded = true;"))
	}))
	script := "http://localhost:" + strconv.Itoa(cdnPort) + "/app.js"
	docroot := newDocroot(t, "index.html", []byte("<!doctype html><title>page</title>"))
	pageServer := func(snippet string) string {
		s := realserver.Nginx(t, "    root "+docroot+";\n    location / {\n        default_type text/html;\n        "+snippet+"\n    }\n")
		return "http://127.0.0.1:" + strconv.Itoa(s.Port()) + "/index.html"
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	tab := browser.OpenTab(ctx, t)
	load := func(page string) string {
		t.Helper()
		if err := chromedp.Do(tab.Ctx, chromedp.Navigate(page)); err != nil {
			t.Fatal(err)
		}
		got, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[string](`new Promise(done => { const e = document.createElement("script");
			e.onload = () => done("allowed"); e.onerror = () => done("blocked"); e.src = `+strconv.Quote(script)+`; document.head.append(e); })`, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	const policy = "default-src 'self'; script-src 'self'"
	before := pageServer(snippetFor(t, stacks.CSPSnippets(policy), "nginx"))
	req := fetch.Request{Origin: origin.MustParse(strings.TrimSuffix(before, "/index.html")), URL: script,
		Page: &fetch.Page{URL: before, CSP: []string{policy}}}
	if err := fetch.KindScript.Load(&req, ""); err != nil {
		t.Fatal(err)
	}
	res, err := (&fetch.Browser{}).Fetch(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	d := explain.Explain(res)
	if d.Gate == nil || d.Gate.ID != "csp-script-src" {
		t.Fatalf("the model does not refuse the script by the page's script-src: %+v", d)
	}
	fix := snippetFor(t, d.Gate.Snippets, "nginx")
	t.Logf("the fix: %s", fix)
	after := pageServer(fix)
	if got := load(before); got != "blocked" {
		t.Errorf("before the fix, Chromium says %q: the page's policy should refuse the script", got)
	}
	if got := load(after); got != "allowed" {
		t.Errorf("with the model's nginx snippet on the page's server, Chromium says %q, want allowed", got)
	}
}
