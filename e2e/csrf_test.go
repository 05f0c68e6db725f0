package e2e

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/corskit/corskit/cors"
	"github.com/corskit/corskit/e2e/browser"
	"github.com/corskit/corskit/reason"
)

// TestCSRFGuardAndCORSInChromium holds cors.Middleware.Protect to its
// promise with real cross-site POSTs from real Chromium: beside Go's
// http.CrossOriginProtection, a call is allowed by both layers (run, and
// readable) or refused by both (not run, not readable), never half, with
// the guard on either side of the CORS middleware, for an exact origin and
// a pattern. Feeding the guard TrustedOrigins covers exact origins only,
// and a guard left unaware of the policy refuses what CORS allows: those
// two are pinned too, as the reason Protect exists. The Console line of
// each rejection the hook reports is the one Chromium printed.
func TestCSRFGuardAndCORSInChromium(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	listen := func(host string) (net.Listener, string) {
		t.Helper()
		l, err := net.Listen("tcp", host+":0")
		if err != nil {
			t.Fatalf("listening on %s (Linux routes all of 127.0.0.0/8 to loopback): %v", host, err)
		}
		return l, fmt.Sprint(l.Addr().(*net.TCPAddr).Port)
	}
	page := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<!doctype html><title>page</title>")
	})
	pageURLs := map[string]string{}
	for name, host := range map[string]string{"exact": "127.0.0.1", "pattern": "127.0.0.2", "other": "127.0.0.3"} {
		l, port := listen(host)
		srv := &http.Server{Handler: page}
		go srv.Serve(l)
		t.Cleanup(func() { srv.Close() })
		if name == "exact" {
			host = "localhost"
		}
		pageURLs[name] = "http://" + host + ":" + port
	}

	cfg := cors.Config{AllowedOrigins: []string{pageURLs["exact"], "http://127.0.0.2:*"}, AllowedHeaders: []string{"Content-Type"}}
	var mu sync.Mutex
	var rejections []cors.Rejection
	cfg.OnReject = func(_ *http.Request, rj cors.Rejection) {
		mu.Lock()
		rejections = append(rejections, rj)
		mu.Unlock()
	}
	mw, err := cors.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ran := map[string]*atomic.Int32{}
	mux := http.NewServeMux()
	for _, guardKind := range []string{"protect", "trusted", "unaware"} {
		for _, order := range []string{"cors-outside", "guard-outside"} {
			path := "/" + guardKind + "/" + order
			n := new(atomic.Int32)
			ran[path] = n
			h := http.Handler(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { n.Add(1) }))
			guard := http.NewCrossOriginProtection()
			wrapGuard := guard.Handler
			switch guardKind {
			case "protect":
				wrapGuard = func(next http.Handler) http.Handler { return mw.Protect(guard, next) }
			case "trusted":
				for _, o := range mw.TrustedOrigins() {
					if err := guard.AddTrustedOrigin(o); err != nil {
						t.Fatal(err)
					}
				}
			}
			if order == "cors-outside" {
				h = mw.Wrap(wrapGuard(h))
			} else {
				h = wrapGuard(mw.Wrap(h))
			}
			mux.Handle(path, h)
		}
	}
	apiL, apiPort := listen("127.0.0.1")
	api := &http.Server{Handler: mux}
	go api.Serve(apiL)
	defer api.Close()
	apiURL := "http://127.0.0.1:" + apiPort

	tab := browser.OpenTab(ctx, t)
	const allowed, refused = "allowed", "refused"
	for _, tc := range []struct {
		guardKind, pageName string
		want                map[string]string // by order; "half..." outcomes fail
	}{
		{"protect", "exact", map[string]string{"cors-outside": allowed, "guard-outside": allowed}},
		{"protect", "pattern", map[string]string{"cors-outside": allowed, "guard-outside": allowed}},
		{"protect", "other", map[string]string{"cors-outside": refused, "guard-outside": refused}},
		{"trusted", "exact", map[string]string{"cors-outside": allowed, "guard-outside": allowed}},
		{"trusted", "other", map[string]string{"cors-outside": refused, "guard-outside": refused}},
		// The guard cannot take a pattern: CORS allows, the guard refuses.
		// Outside, its 403 has no CORS header; inside, script reads a 403.
		{"trusted", "pattern", map[string]string{"cors-outside": "half: readable 403, not run", "guard-outside": refused}},
		// A guard that does not know the policy refuses what CORS allows.
		{"unaware", "exact", map[string]string{"cors-outside": "half: readable 403, not run", "guard-outside": refused}},
	} {
		if err := chromedp.Do(tab.Ctx, chromedp.Navigate(pageURLs[tc.pageName]+"/")); err != nil {
			t.Fatal(err)
		}
		for _, order := range []string{"cors-outside", "guard-outside"} {
			path := "/" + tc.guardKind + "/" + order
			for _, contentType := range []string{"text/plain", "application/json"} { // simple, preflighted
				before := ran[path].Load()
				js := fmt.Sprintf(`fetch(%q, {method: "POST", headers: {"Content-Type": %q}, body: "{}"}).then(r => "ok:" + r.status, e => "blocked")`,
					apiURL+path, contentType)
				got, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
				if err != nil {
					t.Fatal(err)
				}
				run := ran[path].Load() - before
				outcome := fmt.Sprintf("half: script %s, run %d times", got, run)
				switch {
				case got == "ok:200" && run == 1:
					outcome = allowed
				case got == "blocked" && run == 0:
					outcome = refused
				case got == "ok:403" && run == 0:
					outcome = "half: readable 403, not run"
				}
				if want := tc.want[order]; outcome != want {
					t.Errorf("%s guard, %s, page %s, %s POST: %s, want %s", tc.guardKind, order, tc.pageName, contentType, outcome, want)
				}
			}
		}
	}

	// Each rejection's Console line is the line Chromium printed.
	mu.Lock()
	defer mu.Unlock()
	if len(rejections) == 0 {
		t.Fatal("no rejection reported")
	}
	console := tab.Console()
	for _, rj := range rejections {
		if rj.Reason != reason.MissingAllowOrigin || rj.Origin != pageURLs["other"] {
			t.Errorf("unexpected rejection %+v", rj)
		}
		line := rj.Console(reason.Chromium)[0]
		if !slices.Contains(console, line) {
			t.Errorf("Chromium never printed %q; it printed:\n%s", line, strings.Join(console, "\n"))
		}
	}
}
