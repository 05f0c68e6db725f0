package e2e

import (
	"context"
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

// TestPlaygroundInChromium drives `corskit serve` in headless Chromium: for
// each preset it asks the model for a prediction, checks what the page
// shows (verdict, console message, marked headers, fix), then runs the same
// fetch() in the browser and checks the page reports that both agree.
func TestPlaygroundInChromium(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	urls, stop := cli.Start(ctx, t, "serve", "--port", "0", "--api-port", "0")
	if urls["playground"] == "" {
		t.Fatalf("no playground URL in %v", urls)
	}
	tab := browser.OpenTab(ctx, t)

	type shown struct {
		Verdict   string   `json:"verdict"`
		Message   string   `json:"message"`
		Bad       []string `json:"bad"`
		Fixes     []string `json:"fixes"`
		Real      string   `json:"real"`
		Match     string   `json:"match"`
		Preflight bool     `json:"preflight"`
		Concepts  []string `json:"concepts"`
		Visitor   string   `json:"visitor"`
		VisitorTx string   `json:"visitorText"`
		ForEngine string   `json:"forEngine"`
		Compared  string   `json:"compared"`
		Agreement string   `json:"agreement"`
		Agree     string   `json:"agree"`
		Engines   []string `json:"engines"`
		Verdicts  []string `json:"verdicts"`
	}
	const read = `({
		verdict: document.getElementById("verdict").dataset.verdict,
		message: document.getElementById("message").textContent,
		bad: [...document.querySelectorAll("#diagram li.bad")].map(li => li.textContent),
		fixes: [...document.querySelectorAll("#fixes .fixline")].map(s => s.textContent),
		real: document.getElementById("real").dataset.outcome || "",
		match: document.getElementById("agreement").dataset.match || "",
		preflight: [...document.querySelectorAll("#diagram .msg.req .arrow")].some(a => a.textContent.includes("(preflight")),
		concepts: [...document.querySelectorAll(".concept")].filter(c => !c.hidden).map(c => c.id),
		visitor: document.getElementById("visitor-engine").dataset.engine,
		visitorText: document.getElementById("visitor-engine").textContent,
		forEngine: document.getElementById("for-engine").dataset.engine,
		compared: document.getElementById("agreement").dataset.engine || "",
		agreement: document.getElementById("agreement").textContent,
		agree: document.getElementById("engines").dataset.agree || "",
		engines: [...new Set([...document.querySelectorAll("#engines [data-engine]")].map(e => e.dataset.engine))],
		verdicts: [...document.querySelectorAll("#engines .verdict")].map(v => v.dataset.verdict),
	})`
	// The page as printed, and as a user may type it: under localhost it
	// calls the sample API as 127.0.0.1, and must work just the same.
	for _, name := range []string{"127.0.0.1", "localhost"} {
		page := strings.Replace(urls["playground"], "127.0.0.1", name, 1)
		if err := chromedp.Do(tab.Ctx, chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS(`body[data-ready="true"]`))); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			preset    string
			verdict   string
			message   string // substring of the console message shown
			bad       string // substring of a header marked red
			fix       string // a fix line shown
			preflight bool
			// verdicts are Chromium's, Firefox's and WebKit's, when the
			// engines disagree
			verdicts []string
		}{
			{preset: "simple-get", verdict: "allowed"},
			{preset: "preflight-put", verdict: "allowed", preflight: true},
			{preset: "credentials", verdict: "allowed"},
			{preset: "bad-origin", verdict: "blocked", message: "No 'Access-Control-Allow-Origin' header is present",
				bad: "missing Access-Control-Allow-Origin", fix: "Access-Control-Allow-Origin: " + page},
			{preset: "bad-header", verdict: "blocked", message: "Request header field x-demo-token is not allowed",
				bad: "Access-Control-Allow-Headers: content-type", fix: "Access-Control-Allow-Headers: content-type, x-demo-token", preflight: true},
			{preset: "bad-credentials", verdict: "blocked", message: "'Access-Control-Allow-Credentials' header in the response is ''",
				bad: "missing Access-Control-Allow-Credentials", fix: "Access-Control-Allow-Credentials: true"},
			// Chromium safelists the Device-Memory client hint and reads
			// the answer; Firefox and WebKit preflight, and the server
			// allows only Content-Type. The fix they need is shown too.
			{preset: "client-hint", verdict: "allowed", fix: "Access-Control-Allow-Headers: content-type, device-memory",
				verdicts: []string{"allowed", "blocked", "blocked"}},
		} {
			t.Run(name+"/"+tc.preset, func(t *testing.T) {
				step, cancel := context.WithTimeout(tab.Ctx, 15*time.Second)
				defer cancel()
				err := chromedp.Do(step,
					chromedp.Click(chromedp.CSS(`[data-preset="`+tc.preset+`"]`)),
					chromedp.Click(chromedp.CSS(`#predict`)),
					chromedp.WaitVisible(chromedp.CSS(`body[data-predicted="true"]`)),
					chromedp.Click(chromedp.CSS(`#run`)),
					chromedp.WaitVisible(chromedp.CSS(`body[data-ran="true"]`)),
				)
				if err != nil {
					t.Fatalf("%v\nconsole:\n%s", err, strings.Join(tab.Console(), "\n"))
				}
				got, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[shown](read))
				if err != nil {
					t.Fatal(err)
				}
				if got.Verdict != tc.verdict || got.Real != tc.verdict || got.Match != "true" {
					t.Errorf("verdict %q, real %q, match %q; want %q from both", got.Verdict, got.Real, got.Match, tc.verdict)
				}
				if !strings.Contains(got.Message, tc.message) || (tc.message == "") != (got.Message == "") {
					t.Errorf("console message shown: %q, want one containing %q", got.Message, tc.message)
				}
				if tc.bad != "" && !containsSub(got.Bad, tc.bad) {
					t.Errorf("headers marked red: %q, want one containing %q", got.Bad, tc.bad)
				}
				if tc.bad == "" && len(got.Bad) > 0 {
					t.Errorf("headers marked red on an allowed call: %q", got.Bad)
				}
				if tc.fix != "" && !containsSub(got.Fixes, tc.fix) {
					t.Errorf("fixes %q, want %q", got.Fixes, tc.fix)
				}
				if got.Preflight != tc.preflight {
					t.Errorf("diagram shows a preflight: %v, want %v", got.Preflight, tc.preflight)
				}
				if !containsSub(got.Concepts, "concept-sop") || !containsSub(got.Concepts, "concept-preflight") {
					t.Errorf("concept notes shown: %q", got.Concepts)
				}
				// The page knows it runs in Chromium, says so, details
				// Chromium's prediction and compares the run with it; the
				// three engines' predictions are all on the page, and for
				// the sample API they agree.
				if got.Visitor != "chromium" || got.VisitorTx != "Chromium (Blink)" {
					t.Errorf("visitor's engine shown as %q (%q), want chromium", got.Visitor, got.VisitorTx)
				}
				if got.ForEngine != "chromium" || got.Compared != "chromium" || !strings.Contains(got.Agreement, "prediction for Chromium") {
					t.Errorf("details for %q, run compared with %q (%q); want Chromium's", got.ForEngine, got.Compared, got.Agreement)
				}
				if want := []string{"chromium", "firefox", "webkit"}; !slices.Equal(got.Engines, want) {
					t.Errorf("engines shown: %q, want %q", got.Engines, want)
				}
				if tc.verdicts == nil && (got.Agree != "true" || !slices.Equal(got.Verdicts, []string{tc.verdict})) {
					t.Errorf("engines agree: %q, verdicts shown %q; want one verdict %q in every engine", got.Agree, got.Verdicts, tc.verdict)
				}
				if tc.verdicts != nil && (got.Agree != "false" || !slices.Equal(got.Verdicts, tc.verdicts)) {
					t.Errorf("engines agree: %q, verdicts shown %q; want the table with %q", got.Agree, got.Verdicts, tc.verdicts)
				}
				if tc.preset == "client-hint" && name == "127.0.0.1" {
					shot, err := chromedp.Run(tab.Ctx, chromedp.FullScreenshot(100))
					if err != nil || len(shot) == 0 {
						t.Fatalf("screenshot: %v", err)
					}
					if *update {
						if err := os.WriteFile(filepath.Join("testdata", "serve.png"), shot, 0o644); err != nil {
							t.Fatal(err)
						}
					}
				}
			})
		}
	}
	// The page runs under its own restrictive CSP: nothing it needs may
	// be refused.
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
