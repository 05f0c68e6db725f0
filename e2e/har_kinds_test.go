package e2e

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestHARReplayKinds: real Chromium loads, from a page, an <img> its
// img-src refuses and a <script crossorigin> whose answer has no
// Access-Control-Allow-Origin; the HAR of each visit, replayed with
// `corskit check --har --json`, names csp-img-src and
// missing-allow-origin with Chromium's own console lines ("Loading the
// image ...", "Access to script at ..."). Before, neither entry was
// replayed: only fetch and xhr entries were, each as a fetch().
func TestHARReplayKinds(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		w.Write([]byte("/* no Access-Control-Allow-Origin */"))
	}))
	defer api.Close()
	apiURL := "http://localhost:" + api.URL[len("http://127.0.0.1:"):]
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", "img-src 'self'")
		w.Write([]byte("<!doctype html><title>page</title>"))
	}))
	defer page.Close()
	for _, tc := range []struct {
		name, load, want string
	}{
		{"img-src", `new Promise(done => { const e = new Image(); e.onload = () => done("allowed"); e.onerror = () => done("blocked"); e.src = ` + strconv.Quote(apiURL+"/logo.png") + `; })`, "csp-img-src"},
		{"script crossorigin", `new Promise(done => { const e = document.createElement("script"); e.crossOrigin = "anonymous"; e.onload = () => done("allowed"); e.onerror = () => done("blocked"); e.src = ` + strconv.Quote(apiURL+"/app.js") + `; document.head.append(e); })`, "missing-allow-origin"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			tab, rec := recordedPage(ctx, t, page.URL+"/index.html")
			got, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[string](tc.load, chromedp.EvalAwaitPromise))
			if err != nil || got != "blocked" {
				t.Fatalf("Chromium: %q %v, want the load blocked", got, err)
			}
			time.Sleep(300 * time.Millisecond) // the console line follows the error event
			replayGate(ctx, t, rec, tab.Console(), tc.want)
		})
	}
}
