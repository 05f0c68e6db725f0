package e2e

import (
	"context"
	"encoding/json"
	"flag"
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

var update = flag.Bool("update", false, "rewrite testdata/demo.png, the screenshot in the README")

// TestDemoInChromium builds and runs `corskit demo` exactly as a user would,
// drives its page in headless Chromium, and checks every scenario's outcome
// and the console line Chromium prints for each blocked call. The demo can
// therefore never claim something a browser would not do.
func TestDemoInChromium(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	page, api, stop := cli.StartDemo(ctx, t)

	tab := browser.OpenTab(ctx, t)

	err := chromedp.Do(tab.Ctx,
		chromedp.Navigate(page),
		chromedp.WaitVisible(chromedp.CSS(`body[data-ready="true"]`)),
		chromedp.Click(chromedp.CSS(`#run-all`)),
		chromedp.WaitVisible(chromedp.CSS(`body[data-done="true"]`)),
	)
	var outcomes, bodies map[string]string
	if err == nil {
		outcomes, err = chromedp.Run(tab.Ctx, chromedp.Evaluate[map[string]string](scenarioField("outcome")))
	}
	if err == nil {
		bodies, err = chromedp.Run(tab.Ctx, chromedp.Evaluate[map[string]string](scenarioField("body")))
	}
	// Every scenario shows the model's prediction, and it matches the browser.
	var agreement map[string]string
	for deadline := time.Now().Add(10 * time.Second); err == nil; time.Sleep(50 * time.Millisecond) {
		agreement, err = chromedp.Run(tab.Ctx, chromedp.Evaluate[map[string]string](`Object.fromEntries([...document.querySelectorAll("section[data-scenario]")].map(
			s => [s.dataset.scenario, s.querySelector(".agreement").dataset.match || ""]))`))
		if err != nil || allSet(agreement) || time.Now().After(deadline) {
			break
		}
	}
	for id, m := range agreement {
		if m != "true" {
			t.Errorf("scenario %s: the page says model and browser agree = %q", id, m)
		}
	}
	// The page knows it runs in Chromium and says so; every scenario
	// shows the three engines' predictions, marks Chromium's as this
	// browser's, and compares the run with Chromium's.
	type engines struct {
		Engines  []string `json:"engines"`
		Verdicts []string `json:"verdicts"`
		Visitor  []string `json:"visitor"`
		Compared string   `json:"compared"`
		Console  []string `json:"console"`
	}
	var visitor string
	var perScenario map[string]engines
	if err == nil {
		visitor, err = chromedp.Run(tab.Ctx, chromedp.Evaluate[string](`document.getElementById("visitor-engine").dataset.engine + "|" + document.getElementById("visitor-engine").textContent`))
	}
	if err == nil {
		perScenario, err = chromedp.Run(tab.Ctx, chromedp.Evaluate[map[string]engines](`Object.fromEntries([...document.querySelectorAll("section[data-scenario]")].map(s => [s.dataset.scenario, {
			engines: [...s.querySelectorAll(".engines li")].map(li => li.dataset.engine),
			verdicts: [...s.querySelectorAll(".engines li")].map(li => li.dataset.verdict),
			visitor: [...s.querySelectorAll(".engines li[data-visitor]")].map(li => li.dataset.engine),
			compared: s.querySelector(".agreement").dataset.engine || "",
			console: [...s.querySelectorAll(".prediction .console")].map(c => c.dataset.engine),
		}]))`))
	}
	if err == nil && visitor != "chromium|Chromium (Blink)" {
		t.Errorf("the page names the visitor's engine %q, want chromium|Chromium (Blink)", visitor)
	}
	three := []string{"chromium", "firefox", "webkit"}
	for id, e := range perScenario {
		if !slices.Equal(e.Engines, three) || !slices.Equal(e.Console, three) || !slices.Equal(e.Visitor, []string{"chromium"}) || e.Compared != "chromium" {
			t.Errorf("scenario %s: engines %q, console for %q, marked as yours %q, compared with %q; want the three, Chromium's marked and compared",
				id, e.Engines, e.Console, e.Visitor, e.Compared)
		}
		for i, v := range e.Verdicts {
			if v != outcomes[id] {
				t.Errorf("scenario %s: %s predicts %q, Chromium did %q", id, e.Engines[i], v, outcomes[id])
			}
		}
	}
	var shot []byte
	if err == nil {
		shot, err = chromedp.Run(tab.Ctx, chromedp.FullScreenshot(100))
	}
	if err != nil {
		t.Fatalf("driving the demo page: %v\nconsole:\n%s", err, strings.Join(tab.Console(), "\n"))
	}

	for id, w := range cli.DemoOutcomes {
		if got := outcomes[id]; got != w {
			t.Errorf("scenario %s: page shows %q, want %q", id, got, w)
		}
	}
	if len(outcomes) != len(cli.DemoOutcomes) {
		t.Errorf("page has scenarios %v, want exactly %d", keys(outcomes), len(cli.DemoOutcomes))
	}

	// The preflighted PUT reached the handler after a preflight the page
	// cannot see; the API counts them: the browser's one, not the model's
	// own preflights for its predictions (the count was 3 once).
	var put struct {
		Method         string `json:"method"`
		Token          string `json:"token"`
		PreflightsSeen int    `json:"preflights_seen"`
	}
	if err := json.Unmarshal([]byte(bodies["preflight-put"]), &put); err != nil {
		t.Errorf("preflight-put body %q: %v", bodies["preflight-put"], err)
	} else if put.Method != "PUT" || put.Token != "s3cret" || put.PreflightsSeen != 1 {
		t.Errorf("preflight-put: got %+v, want a PUT with token s3cret after the browser's one preflight", put)
	}

	// Chromium's exact console lines for the three blocked calls.
	blocked := func(path, reason string) string {
		return fmt.Sprintf("Access to fetch at '%s%s' from origin '%s' has been blocked by CORS policy: %s", api, path, page, reason)
	}
	wantConsole := []string{
		blocked("/api/bad/hello", "No 'Access-Control-Allow-Origin' header is present on the requested resource."),
		blocked("/api/bad/items/1", "Request header field x-demo-token is not allowed by Access-Control-Allow-Headers in preflight response."),
		blocked("/api/bad/me", "The value of the 'Access-Control-Allow-Credentials' header in the response is '' which must be 'true' when the request's credentials mode is 'include'."),
	}
	console := waitConsole(tab, len(wantConsole), 5*time.Second)
	for _, w := range wantConsole {
		if !slices.Contains(console, w) {
			t.Errorf("console lacks the line\n  %s\nconsole was:\n  %s", w, strings.Join(console, "\n  "))
		}
	}
	for _, line := range console {
		if strings.Contains(line, "blocked by CORS policy") && !strings.Contains(line, "/api/bad/") {
			t.Errorf("a call to a correct endpoint was blocked: %s", line)
		}
		if strings.Contains(line, "Content Security Policy") {
			t.Errorf("the page broke its CSP: %s", line)
		}
	}

	if len(shot) == 0 {
		t.Error("empty screenshot")
	}
	if *update {
		if err := os.WriteFile(filepath.Join("testdata", "demo.png"), shot, 0o644); err != nil {
			t.Errorf("saving screenshot: %v", err)
		}
	}

	// Ctrl-C stops the demo cleanly.
	if err := stop(); err != nil {
		t.Error(err)
	}
}

// scenarioField is a script returning {scenario id: outcome.dataset[field]}.
func scenarioField(field string) string {
	return `Object.fromEntries([...document.querySelectorAll("section[data-scenario]")].map(
		s => [s.dataset.scenario, s.querySelector(".outcome").dataset.` + field + ` || ""]))`
}

// waitConsole waits until at least n lines mention a CORS block, or the
// timeout passes: log entries can trail the fetch rejections by a moment.
func waitConsole(tab *browser.Tab, n int, timeout time.Duration) []string {
	deadline := time.Now().Add(timeout)
	for {
		lines := tab.Console()
		count := 0
		for _, l := range lines {
			if strings.Contains(l, "blocked by CORS policy") {
				count++
			}
		}
		if count >= n || time.Now().After(deadline) {
			return lines
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func allSet(m map[string]string) bool {
	for _, v := range m {
		if v == "" {
			return false
		}
	}
	return len(m) > 0
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestDemoInChromiumOnLocalhost opens the demo's page as
// http://localhost:PORT instead of the printed http://127.0.0.1:PORT, as a
// user might: every scenario must still behave as the walkthrough says and
// the model must agree with the browser on each.
func TestDemoInChromiumOnLocalhost(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	page, _, stop := cli.StartDemo(ctx, t)
	page = strings.Replace(page, "127.0.0.1", "localhost", 1)
	tab := browser.OpenTab(ctx, t)
	err := chromedp.Do(tab.Ctx,
		chromedp.Navigate(page),
		chromedp.WaitVisible(chromedp.CSS(`body[data-ready="true"]`)),
		chromedp.Click(chromedp.CSS(`#run-all`)),
		chromedp.WaitVisible(chromedp.CSS(`body[data-done="true"]`)),
	)
	var outcomes, agreement map[string]string
	if err == nil {
		outcomes, err = chromedp.Run(tab.Ctx, chromedp.Evaluate[map[string]string](scenarioField("outcome")))
	}
	for deadline := time.Now().Add(10 * time.Second); err == nil; time.Sleep(50 * time.Millisecond) {
		agreement, err = chromedp.Run(tab.Ctx, chromedp.Evaluate[map[string]string](`Object.fromEntries([...document.querySelectorAll("section[data-scenario]")].map(
			s => [s.dataset.scenario, s.querySelector(".agreement").dataset.match || ""]))`))
		if err != nil || allSet(agreement) || time.Now().After(deadline) {
			break
		}
	}
	if err != nil {
		t.Fatalf("driving the demo page on localhost: %v\nconsole:\n%s", err, strings.Join(tab.Console(), "\n"))
	}
	for id, w := range cli.DemoOutcomes {
		if outcomes[id] != w || agreement[id] != "true" {
			t.Errorf("scenario %s on %s: browser %q (want %q), model agrees %q", id, page, outcomes[id], w, agreement[id])
		}
	}
	if err := stop(); err != nil {
		t.Error(err)
	}
}
