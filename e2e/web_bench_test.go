package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/corskit/corskit/e2e/browser"
	"github.com/corskit/corskit/e2e/cli"
	"github.com/corskit/corskit/e2e/web"
)

// BenchmarkWebFirstDiagnosis is the page's budget of 1 s from navigation
// to the first diagnosis (the exchange in the URL fragment), in headless
// Chromium with its cache disabled: the HTML, the scripts and the 12 MB
// wasm are loaded and compiled anew each time.
func BenchmarkWebFirstDiagnosis(b *testing.B) {
	b.ReportAllocs()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	srv := web.Serve(b, filepath.Join(web.Build(ctx, b), "web"))
	tab := browser.OpenTab(ctx, b)
	if _, err := chromedp.Call(tab.Ctx, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true}); err != nil {
		b.Fatal(err)
	}
	exchange := `{"request": {"url": "https://api.example.com/items/1", "method": "PUT", "origin": "https://app.example.com"},
	 "preflight": {"status": 204, "headers": {"Access-Control-Allow-Origin": "https://app.example.com"}},
	 "actual": {"status": 200, "headers": {"Access-Control-Allow-Origin": "https://app.example.com"}}}`
	var total float64
	for i := 0; b.Loop(); i++ {
		u := fmt.Sprintf("%s/?run=%d#browser=all&input=%s", srv.URL, i, urlQueryEscape(exchange))
		if err := chromedp.Do(tab.Ctx, chromedp.Navigate(u), chromedp.WaitVisible(chromedp.CSS(`body[data-diagnosed]`))); err != nil {
			b.Fatal(err)
		}
		ms, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[string](`document.body.dataset.firstDiagnosisMs`))
		if err != nil {
			b.Fatal(err)
		}
		v, _ := strconv.ParseFloat(ms, 64)
		total += v
	}
	b.ReportMetric(total/float64(b.N), "ms-to-first-diagnosis")
}

// har2000 is a HAR of 2,000 entries: 1,000 simple GETs (half of them
// blocked) and 500 preflighted PUTs, each a preflight and its request.
func har2000() string {
	var entries []map[string]any
	entry := func(i int, kind, method, url string, reqh [][2]string, status int, resph [][2]string) {
		hs := func(x [][2]string) []map[string]string {
			out := []map[string]string{}
			for _, h := range x {
				out = append(out, map[string]string{"name": h[0], "value": h[1]})
			}
			return out
		}
		entries = append(entries, map[string]any{
			"startedDateTime": time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Millisecond).Format(time.RFC3339Nano),
			"_resourceType":   kind,
			"request":         map[string]any{"method": method, "url": url, "headers": hs(reqh)},
			"response":        map[string]any{"status": status, "statusText": "", "headers": hs(resph)},
		})
	}
	page := [2]string{"Origin", "https://app.example.com"}
	for i := range 1000 {
		url := fmt.Sprintf("https://api.example.com/items/%d", i)
		var resph [][2]string
		if i%2 == 0 {
			resph = [][2]string{{"Access-Control-Allow-Origin", "https://app.example.com"}, {"Vary", "Origin"}}
		}
		entry(len(entries), "fetch", "GET", url, [][2]string{page}, 200, resph)
	}
	for i := range 500 {
		url := fmt.Sprintf("https://api.example.com/items/%d", i)
		entry(len(entries), "preflight", "OPTIONS", url, [][2]string{page, {"Access-Control-Request-Method", "PUT"}, {"Access-Control-Request-Headers", "content-type"}},
			204, [][2]string{{"Access-Control-Allow-Origin", "https://app.example.com"}, {"Access-Control-Allow-Methods", "PUT"}, {"Server", "nginx"}})
		entry(len(entries), "fetch", "PUT", url, [][2]string{page, {"Content-Type", "application/json"}}, 200,
			[][2]string{{"Access-Control-Allow-Origin", "https://app.example.com"}})
	}
	data, _ := json.Marshal(map[string]any{"log": map[string]any{"version": "1.2", "entries": entries}})
	return string(data)
}

// BenchmarkWebHAR2000 is the budget of 2 s for a 2,000-entry HAR (1,500
// calls), in the page (the model in WebAssembly, headless Chromium): in
// Chromium's model alone (as check --har), and in the three engines' with
// the fix in the detected stack (as the page and the panel ask). "first"
// is the first diagnosis in a fresh page, which runs while V8 still
// executes the wasm in its baseline tier; "warm" follows one untimed call.
func BenchmarkWebHAR2000(b *testing.B) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	srv := web.Serve(b, filepath.Join(web.Build(ctx, b), "web"))
	tab := browser.OpenTab(ctx, b)
	har := jsString(har2000())
	load := func(b *testing.B) {
		if err := chromedp.Do(tab.Ctx, chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`body[data-ready="true"]`))); err != nil {
			b.Fatal(err)
		}
		if _, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[bool](`(globalThis.har2000 = `+har+`, true)`)); err != nil {
			b.Fatal(err)
		}
	}
	diagnose := func(b *testing.B, options string) {
		n, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[int](`corskit.diagnose(har2000, `+options+`).then(r => r.requests.length)`, chromedp.EvalAwaitPromise))
		if err != nil {
			b.Fatal(err)
		}
		if n != 1500 {
			b.Fatalf("%d calls diagnosed, want 1500", n)
		}
	}
	for _, c := range []struct{ name, options string }{
		{"chromium", `{}`},
		{"all-engines-stack", `{browser: "all", stack: "auto"}`},
	} {
		b.Run(c.name+"/first", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				load(b)
				b.StartTimer()
				diagnose(b, c.options)
			}
		})
		b.Run(c.name+"/warm", func(b *testing.B) {
			b.ReportAllocs()
			load(b)
			diagnose(b, c.options)
			for b.Loop() {
				diagnose(b, c.options)
			}
		})
	}
}

// BenchmarkPanelPageLoad is the panel's cost to the inspected page: the
// demo page loaded and its seven scenarios run, in headful Chromium with
// DevTools open, without the extension and with its CORS panel shown (the
// panel works after onRequestFinished, off the page's own loading).
func BenchmarkPanelPageLoad(b *testing.B) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	page, _, stop := cli.StartDemo(ctx, b)
	defer stop()
	for _, c := range []struct{ name, ext string }{
		{"without-panel", ""},
		{"with-panel", filepath.Join(web.Build(ctx, b), "extension", "chromium")},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			tab := startChromium(ctx, b, c.ext).tab
			for i := 0; b.Loop(); i++ {
				if err := chromedp.Do(tab, chromedp.Navigate(fmt.Sprintf("%s?run=%d", page, i)),
					chromedp.WaitVisible(chromedp.CSS(`body[data-ready="true"]`)),
					chromedp.Click(chromedp.CSS(`#run-all`)),
					chromedp.WaitVisible(chromedp.CSS(`body[data-done="true"]`))); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
