package e2e

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/corskit/corskit/e2e/browser"
	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/internal/har"
)

// harFile is the HAR that `corskit check --har` is tested with in the root
// module: recorded from Chromium running the demo.
var harFile = filepath.Join("..", "internal", "har", "testdata", "demo-chromium.har")

// TestDemoHARReplay records Chromium's traffic while it runs the demo, then
// replays the HAR through the model, as `corskit check --har` does: every
// cross-origin call must get Chromium's verdict and console line.
func TestDemoHARReplay(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	page, _, stop := startDemo(ctx, t)
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

	log, err := har.Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	replayed, skipped, err := har.Replay(ctx, log, fetch.Chromium)
	if err != nil {
		t.Fatal(err)
	}
	if len(skipped) > 0 {
		t.Errorf("Chromium's own HAR has skipped entries: %+v", skipped)
	}
	// The cross-origin scenarios, in the page's order.
	want := []string{"simple-get", "preflight-put", "credentials", "bad-origin", "bad-header", "bad-credentials"}
	if len(replayed) != len(want) {
		t.Fatalf("replayed %d cross-origin calls, want %d", len(replayed), len(want))
	}
	for i, r := range replayed {
		got := "allowed"
		if !r.Result.Allowed() {
			got = "blocked"
			if msg := r.Result.Err.ConsoleMessage(); !slices.Contains(console, msg) {
				t.Errorf("%s: the model's message is not in Chromium's console:\n  %s\nconsole:\n  %s", want[i], msg, strings.Join(console, "\n  "))
			}
		}
		if got != outcomes[want[i]] {
			t.Errorf("%s: replaying the HAR says %s, Chromium said %s\n%s", want[i], got, outcomes[want[i]], fetch.FormatTrace(r.Result.Trace))
		}
	}
	if *update {
		if err := os.WriteFile(harFile, append(data, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
