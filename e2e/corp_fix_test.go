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
// an <img> from an nginx, Apache, Caddy or Express that sends no CORP, in
// real Chromium. The model refuses the load too, and its fix is on the
// resource's server: the snippet it writes for that server
// (stacks.CORPSnippets; helmet's for Express), added to it, makes it send
// exactly the CORP value the model names, and lets the same <img> load.
// The page never changes.
func TestCORPFixOnResourceServers(t *testing.T) {
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cross-Origin-Embedder-Policy", "require-corp")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte("<!doctype html><title>page</title>"))
	}))
	defer page.Close()

	gif := []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")
	docroot := newDocroot(t, "logo.gif", gif)
	servers := map[string]func(t *testing.T, snippet string) *realserver.Server{
		"nginx": func(t *testing.T, sn string) *realserver.Server {
			return realserver.Nginx(t, "    root "+docroot+";\n    location / {\n        "+sn+"\n    }\n")
		},
		"apache": func(t *testing.T, sn string) *realserver.Server {
			return realserver.Apache(t, "DocumentRoot \""+docroot+"\"\n<Directory \""+docroot+"\">\n    Require all granted\n</Directory>\n"+sn+"\n")
		},
		"caddy": func(t *testing.T, sn string) *realserver.Server {
			return realserver.Caddy(t, realserver.Listen+" {\n\troot * "+docroot+"\n\t"+sn+"\n\tfile_server\n}\n")
		},
		"express": func(t *testing.T, sn string) *realserver.Server { return expressWith(t, sn, "gif", gif) },
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
	// diagnose is the model's verdict on the <img> of src, loaded from the
	// real server.
	diagnose := func(t *testing.T, src string) explain.Diagnosis {
		t.Helper()
		res, err := (&fetch.Browser{}).Fetch(context.Background(), fetch.Request{
			Origin: origin.MustParse(page.URL), URL: src, Mode: fetch.ModeNoCORS, Destination: fetch.DestinationImage,
			Credentials: fetch.CredentialsInclude, Page: &fetch.Page{URL: page.URL + "/", COEP: fetch.COEPRequireCORP},
		})
		if err != nil {
			t.Fatal(err)
		}
		return explain.Explain(res)
	}
	for _, stack := range []string{"nginx", "apache", "caddy", "express"} {
		t.Run(stack, func(t *testing.T) {
			// localhost: another origin than the page's 127.0.0.1.
			before := "http://localhost:" + strconv.Itoa(servers[stack](t, "").Port()) + "/logo.gif"
			d := diagnose(t, before)
			if d.Gate == nil || d.Gate.ID != "coep-corp-missing" {
				t.Fatalf("the model does not refuse the <img> for want of CORP: %+v", d)
			}
			fix := snippetFor(t, d.Gate.Snippets, stack)
			t.Logf("the fix: %s", fix)
			after := "http://localhost:" + strconv.Itoa(servers[stack](t, fix).Port()) + "/logo.gif"
			if got := servedHeader(t, after, "Cross-Origin-Resource-Policy"); got != d.Gate.CORP {
				t.Errorf("with the model's %s snippet the resource's server sends Cross-Origin-Resource-Policy %q, want %q", stack, got, d.Gate.CORP)
			}
			if d2 := diagnose(t, after); d2.Gate != nil || d2.Verdict != "allowed" {
				t.Errorf("from the fixed server the model still refuses the <img>: %s %+v", d2.Verdict, d2.Gate)
			}
			if got := load(before); got != "blocked" {
				t.Errorf("before the fix, Chromium says %q: the page's COEP should refuse the <img>", got)
			}
			if got := load(after); got != "allowed" {
				t.Errorf("with the model's %s snippet on the resource's server, Chromium says %q, want allowed", stack, got)
			}
		})
	}
}
