package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/corskit/corskit/e2e/browser"
	"github.com/corskit/corskit/e2e/cli"
)

// TestServePresetsInChromium drives the page of `corskit serve` in
// headless Chromium through its examples of the sample API (the old
// playground's scenarios, now the page's presets). For each, three
// verdicts must agree, engine by engine: the model on the answers the
// preset types into the form, the model on what the sample API really
// answered ("Send it for real"), and, for Chromium, what this browser did
// with the same fetch() ("Run it in this browser"), which the page
// compares itself. The page marks the headers at fault in its sequence
// diagram and shows the fix.
func TestServePresetsInChromium(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	urls, stop := cli.Start(ctx, t, "serve", "--port", "0", "--api-port", "0")
	if urls["page"] == "" {
		t.Fatalf("no page URL in %v", urls)
	}
	tab := browser.OpenTab(ctx, t)

	type shown struct {
		Diagnosed []string `json:"diagnosed"`
		Sent      []string `json:"sent"`
		Real      string   `json:"real"`
		Match     string   `json:"match"`
		Compared  string   `json:"compared"`
		Agreement string   `json:"agreement"`
		Bad       []string `json:"bad"`
		Fixes     []string `json:"fixes"`
		Preflight bool     `json:"preflight"`
		Yours     []string `json:"yours"`
		Why       string   `json:"why"`
		Others    []string `json:"others"`
	}
	const click = `(async (preset) => {
		const $ = (id) => document.getElementById(id);
		const wait = async (key, n) => { while (document.body.dataset[key] === n) await new Promise(r => setTimeout(r, 10)); };
		let n = document.body.dataset.diagnosed;
		document.querySelector('[data-preset="' + preset + '"]').click();
		await wait("diagnosed", n);
		n = document.body.dataset.ran;
		$("run").click();
		await wait("ran", n);
		const verdicts = (root) => [...root.querySelectorAll(".engines tr")].map(r => r.querySelector(".verdict").dataset.verdict);
		const res = $("results");
		return {
			diagnosed: verdicts(res), sent: verdicts($("sent")),
			real: $("real").dataset.outcome || $("real").textContent, match: $("agreement").dataset.match || "",
			compared: $("agreement").dataset.engine || "", agreement: $("agreement").textContent,
			bad: [...res.querySelectorAll(".seq li.bad")].map(li => li.textContent),
			fixes: [...res.querySelectorAll(".fix code.line")].map(c => c.textContent),
			preflight: !!res.querySelector('.seq .msg.req[data-kind="preflight"]'),
			yours: [...res.querySelectorAll(".engines tr.yours")].map(r => r.dataset.engine),
			why: res.querySelector(".why").textContent,
			others: [...res.querySelectorAll(".fix li[data-engines]")].map(li => li.dataset.engines),
		};
	})`
	// The page as printed, and as a user may type it: under localhost it
	// calls the sample API as 127.0.0.1, and must work just the same.
	for _, name := range []string{"127.0.0.1", "localhost"} {
		page := strings.Replace(urls["page"], "127.0.0.1", name, 1)
		if err := chromedp.Do(tab.Ctx, chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS(`body[data-ready="true"]`))); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			preset string
			// verdicts are Chromium's, Firefox's and WebKit's
			verdicts  []string
			bad       string // substring of a header marked red
			fix       string // a fix line shown
			preflight bool
		}{
			{preset: "simple-get", verdicts: []string{"allowed", "allowed", "allowed"}},
			{preset: "preflight-put", verdicts: []string{"allowed", "allowed", "allowed"}, preflight: true},
			{preset: "credentials", verdicts: []string{"allowed", "allowed", "allowed"}},
			{preset: "bad-origin", verdicts: []string{"blocked", "blocked", "blocked"},
				bad: "missing Access-Control-Allow-Origin", fix: "Access-Control-Allow-Origin: " + page},
			{preset: "bad-header", verdicts: []string{"blocked", "blocked", "blocked"},
				bad: "Access-Control-Allow-Headers: content-type", fix: "Access-Control-Allow-Headers: content-type, x-demo-token", preflight: true},
			{preset: "bad-credentials", verdicts: []string{"blocked", "blocked", "blocked"},
				bad: "missing Access-Control-Allow-Credentials", fix: "Access-Control-Allow-Credentials: true"},
			// Chromium safelists the Device-Memory client hint and reads
			// the answer; Firefox and WebKit preflight, and the policy
			// allows only Content-Type.
			// The fix they need is shown too, marked as theirs.
			{preset: "client-hint", verdicts: []string{"allowed", "blocked", "blocked"}, fix: "Access-Control-Allow-Headers: content-type, device-memory"},
		} {
			t.Run(name+"/"+tc.preset, func(t *testing.T) {
				step, cancel := context.WithTimeout(tab.Ctx, 20*time.Second)
				defer cancel()
				got, err := chromedp.Run(step, chromedp.Evaluate[shown](fmt.Sprintf("%s(%q)", click, tc.preset), chromedp.EvalAwaitPromise))
				if err != nil {
					t.Fatalf("%v\nconsole:\n%s", err, strings.Join(tab.Console(), "\n"))
				}
				if !slices.Equal(got.Diagnosed, tc.verdicts) || !slices.Equal(got.Sent, tc.verdicts) {
					t.Errorf("verdicts: on the preset's answers %q, sent for real %q; want %q from both", got.Diagnosed, got.Sent, tc.verdicts)
				}
				if got.Real != tc.verdicts[0] || got.Match != "true" || got.Compared != "chromium" || !strings.Contains(got.Agreement, "model of Chromium") {
					t.Errorf("run in this browser: %q, match %q with %q (%q); want %s, matching Chromium's model", got.Real, got.Match, got.Compared, got.Agreement, tc.verdicts[0])
				}
				if tc.bad != "" && !containsSub(got.Bad, tc.bad) {
					t.Errorf("headers marked red: %q, want one containing %q", got.Bad, tc.bad)
				}
				if tc.bad == "" && len(got.Bad) > 0 {
					t.Errorf("headers marked red on a call Chromium allows: %q", got.Bad)
				}
				if tc.fix != "" && !containsSub(got.Fixes, tc.fix) {
					t.Errorf("fixes %q, want %q", got.Fixes, tc.fix)
				}
				if tc.preset == "client-hint" && !slices.Equal(got.Others, []string{"Firefox,WebKit (Safari)"}) {
					t.Errorf("fixes marked as other engines': %q, want Firefox's and WebKit's", got.Others)
				}
				if got.Preflight != tc.preflight || strings.HasPrefix(got.Why, "Preflighted") != tc.preflight {
					t.Errorf("diagram shows a preflight: %v (%q), want %v", got.Preflight, got.Why, tc.preflight)
				}
				if !slices.Equal(got.Yours, []string{"chromium"}) {
					t.Errorf("rows marked as this browser's engine: %q, want chromium", got.Yours)
				}
				if tc.preset == "client-hint" && name == "127.0.0.1" && *update {
					shot, err := chromedp.Run(tab.Ctx, chromedp.FullScreenshot(100))
					if err != nil {
						t.Fatalf("screenshot: %v", err)
					}
					if err := os.WriteFile(filepath.Join("testdata", "serve.png"), shot, 0o644); err != nil {
						t.Fatal(err)
					}
				}
			})
		}
	}
	// A gate's example describes another page (its origin, its CSP): the
	// page does not run it here, and says why.
	refused, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[shown](`(async () => {
		const r = await (`+click+`)("page-csp");
		return Object.assign(r, {agreement: document.getElementById("real").textContent});
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if refused.Match != "" || !strings.Contains(refused.Agreement, "This runs the form's call with fetch() from this page") ||
		!slices.Equal(refused.Diagnosed, []string{"blocked", "blocked", "blocked"}) {
		t.Errorf("the page's CSP example run here: match %q, %q, diagnosed %q; want no run, the reason, and blocked", refused.Match, refused.Agreement, refused.Diagnosed)
	}
	// The page runs under its CSP (the static page's, connect-src opened
	// for the run in this browser): nothing it needs may be refused.
	for _, line := range tab.Console() {
		if strings.Contains(line, "Content Security Policy") {
			t.Errorf("the page broke its CSP: %s", line)
		}
	}
	if err := stop(); err != nil {
		t.Error(err)
	}
}

func containsSub(list []string, sub string) bool {
	for _, s := range list {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
