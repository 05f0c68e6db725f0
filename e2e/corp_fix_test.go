package e2e

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/corskit/corskit/e2e/browser"
	"github.com/corskit/corskit/e2e/realserver"
	"github.com/corskit/corskit/explain"
	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/origin"
)

// TestCORPFixOnResourceServers: a page with COEP require-corp cannot show
// an <img> from an nginx, Apache or Caddy that sends no CORP, in real
// Chromium. The model refuses the load too, and its fix is on the
// resource's server: the snippet it writes for that server
// (stacks.CORPSnippets), added to it, lets the same <img> load. The page
// never changes.
func TestCORPFixOnResourceServers(t *testing.T) {
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cross-Origin-Embedder-Policy", "require-corp")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte("<!doctype html><title>page</title>"))
	}))
	defer page.Close()

	gif := []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")
	docroot := newDocroot(t, "logo.gif", gif)
	servers := map[string]func(snippet string) *realserver.Server{
		"nginx": func(sn string) *realserver.Server {
			return realserver.Nginx(t, "    root "+docroot+";\n    location / {\n        "+sn+"\n    }\n")
		},
		"apache": func(sn string) *realserver.Server {
			return realserver.Apache(t, "DocumentRoot \""+docroot+"\"\n<Directory \""+docroot+"\">\n    Require all granted\n</Directory>\n"+sn+"\n")
		},
		"caddy": func(sn string) *realserver.Server {
			return realserver.Caddy(t, realserver.Listen+" {\n\troot * "+docroot+"\n\t"+sn+"\n\tfile_server\n}\n")
		},
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	tab := browser.OpenTab(ctx, t)
	if err := chromedp.Do(tab.Ctx, chromedp.Navigate(page.URL)); err != nil {
		t.Fatal(err)
	}
	load := func(src string) string {
		t.Helper()
		got, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[string](`new Promise(done => { const i = new Image();
			i.onload = () => done("allowed"); i.onerror = () => done("blocked"); i.src = `+strconv.Quote(src)+`; })`, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	for _, stack := range []string{"nginx", "apache", "caddy"} {
		t.Run(stack, func(t *testing.T) {
			// localhost: another origin than the page's 127.0.0.1.
			before := "http://localhost:" + strconv.Itoa(servers[stack]("").Port()) + "/logo.gif"
			res, err := (&fetch.Browser{}).Fetch(context.Background(), fetch.Request{
				Origin: origin.MustParse(page.URL), URL: before, Mode: fetch.ModeNoCORS, Destination: fetch.DestinationImage,
				Credentials: fetch.CredentialsInclude, Page: &fetch.Page{URL: page.URL + "/", COEP: fetch.COEPRequireCORP},
			})
			if err != nil {
				t.Fatal(err)
			}
			d := explain.Explain(res)
			if d.Gate == nil || d.Gate.ID != "coep-corp-missing" {
				t.Fatalf("the model does not refuse the <img> for want of CORP: %+v", d)
			}
			fix := snippetFor(t, d.Gate.Snippets, stack)
			t.Logf("the fix: %s", fix)
			after := "http://localhost:" + strconv.Itoa(servers[stack](fix).Port()) + "/logo.gif"
			if got := load(before); got != "blocked" {
				t.Errorf("before the fix, Chromium says %q: the page's COEP should refuse the <img>", got)
			}
			if got := load(after); got != "allowed" {
				t.Errorf("with the model's %s snippet on the resource's server, Chromium says %q, want allowed", stack, got)
			}
		})
	}
}
