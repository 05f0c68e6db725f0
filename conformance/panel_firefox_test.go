package conformance

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

	"github.com/corskit/corskit/e2e/cli"
	"github.com/corskit/corskit/e2e/web"
)

// showCORSPanel opens DevTools' toolbox for the tab, selects the
// extension's CORS panel, and returns a script (for the chrome scope)
// that reads the panel's title, where the panel sums up its calls.
const showCORSPanel = `(async () => {
	const { require } = ChromeUtils.importESModule("resource://devtools/shared/loader/Loader.sys.mjs");
	const { gDevTools } = require("devtools/client/framework/devtools");
	const win = Services.wm.getMostRecentWindow("navigator:browser");
	// Firefox records requests for DevTools' network API (getHAR,
	// onRequestFinished) once the Network tab has been opened: as a user
	// does, it is opened first.
	const toolbox = await gDevTools.showToolboxForTab(win.gBrowser.selectedTab, { toolId: "netmonitor" });
	const cors = () => toolbox.getAdditionalTools().find(d => d.label === "CORS");
	for (let i = 0; i < 300 && !cors(); i++) await new Promise(r => setTimeout(r, 100));
	if (!cors()) throw new Error("no CORS panel in the toolbox");
	await toolbox.selectTool(cors().id);
	// The log the panel reads (its getHAR is this function), for
	// corskit check --har.
	globalThis.corskitToolboxHAR = async () => JSON.stringify({ log: await toolbox.getHARFromNetMonitor() });
	globalThis.corskitPanelTitle = () => {
		const iframe = toolbox.doc.getElementById("toolbox-panel-iframe-" + cors().id);
		const browser = iframe && iframe.contentDocument.querySelector("browser");
		return (browser && browser.contentTitle) || "";
	};
	return "shown";
})()`

// panelSummary is one call as the panel's title sums it up.
type panelSummary struct {
	Method         string   `json:"method"`
	URL            string   `json:"url"`
	Verdicts       []string `json:"verdicts"` // Chromium's, Firefox's, WebKit's
	FirefoxConsole []string `json:"firefox_console"`
}

// TestFirefoxPanel installs the DevTools extension in headless Firefox ESR
// over WebDriver BiDi (webExtension.install), opens its CORS panel, runs
// the demo's scenarios in the inspected page, and holds the panel to what
// Firefox did: each call's Firefox verdict is Firefox's outcome, and the
// console lines the panel gives for Firefox are lines Firefox printed;
// and to what `corskit check --har --browser all` says of the same log:
// each engine's verdict, and Firefox's console lines.
func TestFirefoxPanel(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	ext := filepath.Join(web.Build(ctx, t), "extension", "firefox")
	page, api, stop := cli.StartDemo(ctx, t)
	defer stop()
	f := openFirefox(ctx, t, page)
	if _, err := f.call(ctx, "webExtension.install", map[string]any{"extensionData": map[string]any{"type": "path", "path": ext}}); err != nil {
		t.Fatalf("installing the extension over BiDi: %v", err)
	}
	chrome, err := f.chromeContext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.eval(ctx, map[string]any{"context": chrome}, showCORSPanel); err != nil {
		t.Fatal(err)
	}
	title := func() []panelSummary {
		s, err := f.eval(ctx, map[string]any{"context": chrome}, `corskitPanelTitle()`)
		if err != nil {
			t.Fatal(err)
		}
		var calls []panelSummary
		if js, ok := strings.CutPrefix(s, "CORS "); ok {
			if err := json.Unmarshal([]byte(js), &calls); err != nil {
				t.Fatalf("the panel's title %q: %v", s, err)
			}
		}
		return calls
	}

	// The demo's scenarios, as a visitor runs them.
	poll := func(expr string) {
		for {
			s, err := f.EvalString(ctx, expr)
			if err != nil {
				t.Fatal(err)
			}
			if s == "true" {
				return
			}
			select {
			case <-ctx.Done():
				t.Fatalf("waiting for %s: %v", expr, ctx.Err())
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
	poll(`String(document.body.dataset.ready === "true")`)
	if _, err := f.EvalString(ctx, `document.getElementById("run-all").click(), "clicked"`); err != nil {
		t.Fatal(err)
	}
	poll(`String(document.body.dataset.done === "true")`)
	js, err := f.EvalString(ctx, `JSON.stringify(summary())`)
	if err != nil {
		t.Fatal(err)
	}
	var shown demoPage
	if err := json.Unmarshal([]byte(js), &shown); err != nil {
		t.Fatal(err)
	}
	var crossOrigin []demoScenario
	for _, s := range shown.Scenarios {
		if s.ID != "same-origin" {
			crossOrigin = append(crossOrigin, s)
		}
	}
	var calls []panelSummary
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if calls = title(); len(calls) >= len(crossOrigin) {
			break
		}
	}
	if len(calls) != len(crossOrigin) {
		t.Fatalf("the panel lists %d calls, want %d: %+v", len(calls), len(crossOrigin), calls)
	}
	printed := settle(func() []string {
		lines, err := f.ConsoleLines(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return lines
	})
	for i, s := range crossOrigin {
		c := calls[i]
		if !strings.HasSuffix(c.URL, s.URL) && !strings.Contains(c.URL, api) {
			t.Errorf("%s: the panel's call %d is %s %s", s.ID, i, c.Method, c.URL)
		}
		if c.Verdicts[1] != s.Outcome {
			t.Errorf("%s: Firefox did %s, the panel's Firefox verdict is %s", s.ID, s.Outcome, c.Verdicts[1])
		}
		if s.Outcome == "blocked" && len(c.FirefoxConsole) == 0 {
			t.Errorf("%s: blocked, but the panel gives no Firefox console line", s.ID)
		}
		for _, l := range c.FirefoxConsole {
			if !slices.Contains(printed, l) {
				t.Errorf("%s: the panel's Firefox line is not in Firefox's console:\n  %s\nconsole:\n  %s", s.ID, l, strings.Join(printed, "\n  "))
			}
		}
	}
	checkSameAsPanel(ctx, t, f, chrome, calls)
	t.Logf("%d calls, Firefox's verdicts and console lines as Firefox printed them and as check gives them", len(calls))
}

// checkSameAsPanel runs `corskit check --har --json --browser all` on the
// log the panel read and holds each call's verdicts, and Firefox's console
// lines, to the panel's.
func checkSameAsPanel(ctx context.Context, t *testing.T, f *Firefox, chrome string, calls []panelSummary) {
	t.Helper()
	har, err := f.eval(ctx, map[string]any{"context": chrome}, `corskitToolboxHAR()`)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "panel.har")
	if err := os.WriteFile(path, []byte(har), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.CommandContext(ctx, cli.Build(ctx, t), "check", "--har", path, "--json", "--browser", "all").Output()
	if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode() != 1) {
		t.Fatalf("check --har: %v\n%s", err, out)
	}
	type report struct {
		Verdict string   `json:"verdict"`
		Console []string `json:"console"`
	}
	var check struct {
		Requests []struct {
			Request  struct{ Method, URL string } `json:"request"`
			Browsers map[string]report            `json:"browsers"`
		} `json:"requests"`
	}
	if err := json.Unmarshal(out, &check); err != nil {
		t.Fatal(err)
	}
	if len(check.Requests) != len(calls) {
		t.Fatalf("check --har finds %d calls in the panel's log, the panel lists %d", len(check.Requests), len(calls))
	}
	for i, c := range calls {
		r := check.Requests[i]
		if r.Request.Method != c.Method || r.Request.URL != c.URL {
			t.Errorf("call %d: the panel's is %s %s, check's %s %s", i, c.Method, c.URL, r.Request.Method, r.Request.URL)
			continue
		}
		for j, engine := range []string{"chromium", "firefox", "webkit"} {
			want := "-" // an engine whose model refuses the call has no report
			if b, ok := r.Browsers[engine]; ok {
				want = b.Verdict
			}
			if c.Verdicts[j] != want {
				t.Errorf("%s %s: the panel's %s verdict is %s, check's %s", c.Method, c.URL, engine, c.Verdicts[j], want)
			}
		}
		if got := r.Browsers["firefox"].Console; !slices.Equal(got, c.FirefoxConsole) && len(got)+len(c.FirefoxConsole) > 0 {
			t.Errorf("%s %s: the panel's Firefox console lines %q, check's %q", c.Method, c.URL, c.FirefoxConsole, got)
		}
	}
}
