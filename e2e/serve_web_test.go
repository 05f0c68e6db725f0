package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/corskit/corskit/e2e/browser"
	"github.com/corskit/corskit/e2e/cli"
)

// TestServeWebPageInChromium drives the static site's page as `corskit
// serve` serves it, in headless Chromium: the model runs on the server
// (no wasm is loaded), and "Send it for real" (absent from the static
// page) makes the call from the corskit process to the sample API and
// renders what it answered with the same renderer. For each call, the
// diagnosis of the answers typed in the form and the call sent for real
// give the same verdicts, and the page breaks none of its CSP.
func TestServeWebPageInChromium(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	urls, stop := cli.Start(ctx, t, "serve", "--port", "0", "--api-port", "0")
	if urls["page"] == "" {
		t.Fatalf("no page URL in %v", urls)
	}
	tab := browser.OpenTab(ctx, t)
	if err := chromedp.Do(tab.Ctx, chromedp.Navigate(urls["page"]), chromedp.WaitVisible(chromedp.CSS(`body[data-ready="true"]`))); err != nil {
		t.Fatalf("%v\nconsole:\n%s", err, strings.Join(tab.Console(), "\n"))
	}
	for _, tc := range []struct {
		name, path, answer string // answer: the response headers typed in the form
		want               string
	}{
		{"allowed", "/api/good/hello", "Access-Control-Allow-Origin: ORIGIN\nVary: Origin", "allowed"},
		{"no ACAO", "/api/bad/hello", "", "blocked"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[map[string]any](fmt.Sprintf(`(async () => {
				const $ = (id) => document.getElementById(id);
				const violations = [];
				document.addEventListener("securitypolicyviolation", e => violations.push(e.violatedDirective));
				$("input").value = "";
				$("f-origin").value = location.origin;
				$("f-method").value = "GET";
				// The sample API, under the other loopback name (config.json).
				$("f-url").value = (await (await fetch("/config.json")).json()).api + %q;
				$("f-act-status").value = "200";
				$("f-act-headers").value = %q.replaceAll("ORIGIN", location.origin);
				$("browser").value = "all";
				const n = document.body.dataset.diagnosed;
				$("go").click();
				while (document.body.dataset.diagnosed === n) await new Promise(r => setTimeout(r, 10));
				const verdicts = (root) => [...root.querySelectorAll(".engines tr")].map(r => r.dataset.engine + "=" + r.querySelector(".verdict").dataset.verdict);
				const diagnosed = verdicts($("results"));
				const s = document.body.dataset.sent;
				$("send").click();
				while (document.body.dataset.sent === s) await new Promise(r => setTimeout(r, 10));
				const rep = $("sent").querySelector(".report");
				return {diagnosed, sent: verdicts($("sent")), verdict: rep ? rep.dataset.verdict : $("sent").textContent,
					backend: document.body.dataset.backend || "", sendHidden: $("send").hidden, csp: violations,
					wasm: performance.getEntriesByType("resource").filter(e => e.name.endsWith(".wasm")).length};
			})()`, tc.path, tc.answer), chromedp.EvalAwaitPromise))
			if err != nil {
				t.Fatalf("%v\nconsole:\n%s", err, strings.Join(tab.Console(), "\n"))
			}
			if got["backend"] != "serve" || got["sendHidden"] != false || got["wasm"] != float64(0) {
				t.Errorf("backend %v, send hidden %v, wasm loads %v; want serve, a visible button, no wasm", got["backend"], got["sendHidden"], got["wasm"])
			}
			if got["verdict"] != tc.want {
				t.Errorf("sent for real: %v, want %s", got["verdict"], tc.want)
			}
			want := fmt.Sprint([]string{"chromium=" + tc.want, "firefox=" + tc.want, "webkit=" + tc.want})
			if fmt.Sprint(got["diagnosed"]) != want || fmt.Sprint(got["sent"]) != want {
				t.Errorf("engines: diagnosed %v, sent %v; want %v from both", got["diagnosed"], got["sent"], want)
			}
			if fmt.Sprint(got["csp"]) != "[]" {
				t.Errorf("CSP violations: %v", got["csp"])
			}
			if *update && tc.name == "no ACAO" {
				shot, err := chromedp.Run(tab.Ctx, chromedp.FullScreenshot(100))
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join("..", "docs", "serve-web.png"), shot, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
	// A DevTools copy is sent as it reads (the server parses it): the
	// sample API's bad policy does not allow X-Demo-Token, and every
	// engine's preflight fails.
	t.Run("copy", func(t *testing.T) {
		got, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[map[string]any](`(async () => {
			const $ = (id) => document.getElementById(id);
			const api = (await (await fetch("/config.json")).json()).api;
			$("input").value = "curl '" + api + "/api/bad/items/1' -X 'PUT' -H 'origin: " + location.origin +
				"' -H 'content-type: application/json' -H 'x-demo-token: s3cret' --data-raw '{}'";
			const s = document.body.dataset.sent;
			$("send").click();
			while (document.body.dataset.sent === s) await new Promise(r => setTimeout(r, 10));
			const rep = $("sent").querySelector(".report");
			return {verdict: rep ? rep.dataset.verdict : $("sent").textContent,
				console: rep ? rep.querySelector(".console").textContent : ""};
		})()`, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatal(err)
		}
		if got["verdict"] != "blocked" || !strings.Contains(fmt.Sprint(got["console"]), "x-demo-token is not allowed") {
			t.Errorf("the copy sent for real: %v, console %q; want blocked, x-demo-token not allowed", got["verdict"], got["console"])
		}
	})
	// A HAR holds many calls: sending one is refused with a clear line.
	t.Run("HAR refused", func(t *testing.T) {
		got, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[string](`(async () => {
			const $ = (id) => document.getElementById(id);
			$("input").value = '{"log": {"entries": []}}';
			const s = document.body.dataset.sent;
			$("send").click();
			while (document.body.dataset.sent === s) await new Promise(r => setTimeout(r, 10));
			const e = $("sent").querySelector(".error");
			return e ? e.dataset.field + ": " + e.textContent : "no error shown";
		})()`, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(got, "input: Send it for real takes one call") {
			t.Errorf("a HAR sent for real: %q", got)
		}
	})
	for _, line := range tab.Console() {
		if strings.Contains(line, "Content Security Policy") {
			t.Errorf("the page broke its CSP: %s", line)
		}
	}
	if err := stop(); err != nil {
		t.Error(err)
	}
}
