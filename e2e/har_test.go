package e2e

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/corskit/corskit/e2e/browser"
	"github.com/corskit/corskit/e2e/cli"
)

// harFile is the HAR that `corskit check --har` is tested with in the root
// module: recorded from Chromium running the demo.
var harFile = filepath.Join("..", "cmd", "corskit", "internal", "har", "testdata", "demo-chromium.har")

// TestDemoHARReplay records Chromium's traffic while it runs the demo, then
// replays the HAR with `corskit check --har --json`, as a user does: every
// cross-origin call must get Chromium's verdict and console line.
func TestDemoHARReplay(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	page, _, stop := cli.StartDemo(ctx, t)
	defer stop()
	tab := browser.OpenTab(ctx, t)
	rec, err := tab.RecordHAR()
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(tab.Ctx,
		chromedp.Navigate(page),
		chromedp.WaitVisible(chromedp.CSS(`body[data-ready="true"]`)),
		chromedp.Click(chromedp.CSS(`#run-all`)),
		chromedp.WaitVisible(chromedp.CSS(`body[data-done="true"]`)),
	); err != nil {
		t.Fatal(err)
	}
	outcomes, err := chromedp.Run(tab.Ctx, chromedp.Evaluate[map[string]string](scenarioField("outcome")))
	if err != nil {
		t.Fatal(err)
	}
	console := waitConsole(tab, 3, 5*time.Second)
	time.Sleep(300 * time.Millisecond) // let the last network events arrive
	version, _ := chromedp.Run(tab.Ctx, chromedp.Evaluate[string](`navigator.userAgent`))
	data, err := rec.HAR(version)
	if err != nil {
		t.Fatal(err)
	}

	// Replay it as a user does: corskit check --har FILE --json.
	harPath := filepath.Join(t.TempDir(), "demo.har")
	if err := os.WriteFile(harPath, data, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, cli.Build(ctx, t), "check", "--har", harPath, "--json")
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode() != 1) { // 1: some calls blocked
		t.Fatalf("check --har: %v\n%s", err, out)
	}
	var got struct {
		Requests []struct {
			Verdict string `json:"verdict"`
			Message string `json:"message"`
			Trace   any    `json:"trace"`
		} `json:"requests"`
		Skipped []any `json:"skipped"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("check --har --json: %v\n%s", err, out)
	}
	if len(got.Skipped) > 0 {
		t.Errorf("Chromium's own HAR has skipped entries: %+v", got.Skipped)
	}
	// The cross-origin scenarios, in the page's order.
	want := []string{"simple-get", "preflight-put", "credentials", "bad-origin", "bad-header", "bad-credentials"}
	if len(got.Requests) != len(want) {
		t.Fatalf("replayed %d cross-origin calls, want %d", len(got.Requests), len(want))
	}
	for i, r := range got.Requests {
		if r.Verdict == "blocked" && !slices.Contains(console, r.Message) {
			t.Errorf("%s: the model's message is not in Chromium's console:\n  %s\nconsole:\n  %s", want[i], r.Message, strings.Join(console, "\n  "))
		}
		if r.Verdict != outcomes[want[i]] {
			t.Errorf("%s: replaying the HAR says %s, Chromium said %s\n%v", want[i], r.Verdict, outcomes[want[i]], r.Trace)
		}
	}
	if *update {
		if err := os.WriteFile(harFile, append(data, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
