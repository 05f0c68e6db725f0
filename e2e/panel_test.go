package e2e

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"github.com/corskit/corskit/e2e/browser"
	"github.com/corskit/corskit/e2e/cli"
	"github.com/corskit/corskit/e2e/web"
)

// panelCall is one call as the panel lists it.
type panelCall struct {
	URL      string `json:"url"`
	Method   string `json:"method"`
	Chromium string `json:"chromium"`
	Firefox  string `json:"firefox"`
	WebKit   string `json:"webkit"`
	Console  string `json:"console"`
}

// TestChromiumPanel loads the unpacked extension in Chromium (headful,
// under Xvfb, DevTools opened for the tab), opens its CORS panel, runs the
// demo's scenarios in the inspected page, and holds the panel to what
// Chromium did and to what `corskit check --har` says of the same log.
func TestChromiumPanel(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	page, _, stop := cli.StartDemo(ctx, t)
	defer stop()
	c := startChromium(ctx, t, filepath.Join(web.Build(ctx, t), "extension", "chromium"))
	tabCtx, dtCtx, panelCtx := c.tab, c.devtools, c.panel
	var mu sync.Mutex
	var console []string
	messages := chromedp.Console(tabCtx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			mu.Lock()
			console = append(console, m.Text)
			mu.Unlock()
		}
	}()
	if err := chromedp.Do(tabCtx, chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS(`body[data-ready="true"]`))); err != nil {
		t.Fatal(err)
	}

	// The demo's scenarios, run in the inspected page.
	if err := chromedp.Do(tabCtx, chromedp.Click(chromedp.CSS(`#run-all`)), chromedp.WaitVisible(chromedp.CSS(`body[data-done="true"]`))); err != nil {
		t.Fatal(err)
	}
	outcomes, err := chromedp.Run(tabCtx, chromedp.Evaluate[map[string]string](scenarioField("outcome")))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"simple-get", "preflight-put", "credentials", "bad-origin", "bad-header", "bad-credentials"}
	calls, err := chromedp.Run(panelCtx, chromedp.Evaluate[[]panelCall](`(async () => {
		const deadline = Date.now() + 30000;
		while (Number(document.body.dataset.calls) < `+fmt.Sprint(len(want))+` && Date.now() < deadline)
			await new Promise(r => setTimeout(r, 50));
		return [...document.querySelectorAll("details.call")].map(d => ({url: d.dataset.url, method: d.dataset.method,
			chromium: d.dataset.chromium, firefox: d.dataset.firefox, webkit: d.dataset.webkit,
			console: [...d.querySelectorAll('tr[data-engine="chromium"] .console div:not(.dim)')].map(x => x.textContent).join("\n")}));
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) != len(want) {
		t.Fatalf("the panel lists %d calls, want %d: %+v", len(calls), len(want), calls)
	}

	// The same log through `corskit check --har --json`.
	har, err := chromedp.Run(panelCtx, chromedp.Evaluate[string](`corskitPanelHAR()`))
	if err != nil {
		t.Fatal(err)
	}
	harPath := filepath.Join(t.TempDir(), "panel.har")
	if err := os.WriteFile(harPath, []byte(har), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.CommandContext(ctx, cli.Build(ctx, t), "check", "--har", harPath, "--json").Output()
	if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode() != 1) {
		t.Fatalf("check --har: %v\n%s", err, out)
	}
	var check struct {
		Requests []struct {
			Verdict string               `json:"verdict"`
			Console []string             `json:"console"`
			Request struct{ URL string } `json:"request"`
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
		if c.Chromium != outcomes[want[i]] || r.Verdict != c.Chromium || r.Request.URL != c.URL {
			t.Errorf("%s: Chromium did %s; the panel says %s for %s; check says %s for %s", want[i], outcomes[want[i]], c.Chromium, c.URL, r.Verdict, r.Request.URL)
		}
		if got := strings.Join(r.Console, "\n"); got != c.Console {
			t.Errorf("%s: the panel's console line %q, check's %q", want[i], c.Console, got)
		}
		mu.Lock()
		if c.Chromium == "blocked" && !slices.Contains(console, c.Console) {
			t.Errorf("%s: the panel's console line is not in Chromium's console:\n  %s\nconsole:\n  %s", want[i], c.Console, strings.Join(console, "\n  "))
		}
		mu.Unlock()
	}
	// "open in the corskit page" hands the call over in the fragment: the
	// page, from the extension, gives the same verdicts.
	link, err := chromedp.Run(panelCtx, chromedp.Evaluate[string](`document.querySelector('details.call[data-chromium="blocked"] a.open-page').href`))
	if err != nil {
		t.Fatal(err)
	}
	pageCtx, cancelPage := chromedp.NewContext(tabCtx)
	defer cancelPage()
	if err := chromedp.Do(pageCtx, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS(`body[data-diagnosed]`))); err != nil {
		t.Fatalf("opening %s: %v", link, err)
	}
	handed, err := chromedp.Run(pageCtx, chromedp.Evaluate[map[string]string](`Object.fromEntries([...document.querySelectorAll(".engines tr")].map(r => [r.dataset.engine, r.querySelector(".verdict").dataset.verdict]))`))
	if err != nil {
		t.Fatalf("opening %s: %v", link, err)
	}
	first := slices.IndexFunc(calls, func(c panelCall) bool { return c.Chromium == "blocked" })
	if c := calls[first]; handed["chromium"] != c.Chromium || handed["firefox"] != c.Firefox || handed["webkit"] != c.WebKit {
		t.Errorf("the corskit page opened from the panel says %v; the panel said chromium %s, firefox %s, webkit %s", handed, c.Chromium, c.Firefox, c.WebKit)
	}

	if *update {
		if _, err := chromedp.Run(panelCtx, chromedp.Evaluate[bool](`(document.querySelector('details.call[data-chromium="blocked"]').open = true)`)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(300 * time.Millisecond)
		shot, err := chromedp.Run(dtCtx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if shot, err = cropToDevTools(shot); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join("..", "docs", "panel-chromium.png"), shot, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// chromiumPanel is headful Chromium under Xvfb with DevTools open for its
// tab and, when an extension was loaded, its CORS panel shown.
type chromiumPanel struct {
	tab, devtools, panel context.Context
}

// startChromium starts Chromium with the unpacked extension at ext ("" for
// none), DevTools open on its tab, and shows the CORS panel. Everything
// stops when the test ends.
func startChromium(ctx context.Context, t testing.TB, ext string) chromiumPanel {
	t.Helper()
	path, err := browser.ExecPath()
	if err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", false), chromedp.Flag("no-sandbox", true), chromedp.Flag("disable-gpu", true),
		chromedp.Flag("no-first-run", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("auto-open-devtools-for-tabs", true),
		chromedp.Env("DISPLAY=" + web.Xvfb(t)), chromedp.WindowSize(1400, 1000),
	}
	if ext != "" {
		opts = append(opts, chromedp.Flag("load-extension", ext), chromedp.Flag("disable-extensions-except", ext))
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	tabCtx, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelTab)
	if err := chromedp.Do(tabCtx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}
	c := chromiumPanel{tab: tabCtx}
	devtools := waitTarget(ctx, t, tabCtx, "devtools://devtools/bundled/devtools_app.html")
	dtCtx, cancelDT := chromedp.NewContext(tabCtx, chromedp.WithTargetID(devtools))
	t.Cleanup(cancelDT)
	c.devtools = dtCtx
	if ext == "" {
		return c
	}
	// The extension's devtools page runs once DevTools is up; its panel
	// is then a tab of DevTools.
	waitTarget(ctx, t, tabCtx, "chrome-extension://", "/devtools.html")
	var showErr error
	for try := 0; try < 60; try++ {
		if _, showErr = chromedp.Run(dtCtx, chromedp.Evaluate[bool](`(async () => {
			const UI = await import("./ui/legacy/legacy.js");
			const view = UI.InspectorView.InspectorView.instance();
			const cors = view.tabbedPane.tabIds().find(id => id.startsWith("chrome-extension://") && id.endsWith("CORS"));
			if (!cors) throw new Error("no CORS panel among " + view.tabbedPane.tabIds().join(", "));
			await view.showPanel(cors);
			return true;
		})()`, chromedp.EvalAwaitPromise)); showErr == nil {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	if showErr != nil {
		t.Fatalf("showing the CORS panel: %v", showErr)
	}
	panel := waitTarget(ctx, t, tabCtx, "chrome-extension://", "/panel.html")
	panelCtx, cancelPanel := chromedp.NewContext(tabCtx, chromedp.WithTargetID(panel))
	t.Cleanup(cancelPanel)
	if err := chromedp.Do(panelCtx, chromedp.WaitVisible(chromedp.CSS(`body[data-ready="true"]`))); err != nil {
		t.Fatal(err)
	}
	c.panel = panelCtx
	return c
}

// waitTarget waits for a target whose URL starts with prefix (and ends
// with suffix, when given) and returns its ID.
func waitTarget(ctx context.Context, t testing.TB, browserCtx context.Context, prefix string, suffix ...string) target.ID {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for ctx.Err() == nil && time.Now().Before(deadline) {
		ts, err := chromedp.Targets(browserCtx)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range ts {
			if strings.HasPrefix(x.URL, prefix) && (len(suffix) == 0 || strings.HasSuffix(x.URL, suffix[0])) {
				return x.TargetID
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no target %s...%v", prefix, suffix)
	return ""
}

// cropToDevTools keeps the docked DevTools of a screenshot of DevTools'
// own page, whose left part (where the inspected page is drawn) is blank.
func cropToDevTools(shot []byte) ([]byte, error) {
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		return nil, err
	}
	b := img.Bounds()
	left := b.Min.X
column:
	for x := b.Min.X; x < b.Max.X; x++ {
		for y := b.Min.Y; y < b.Max.Y; y += 4 {
			if r, g, bl, _ := img.At(x, y).RGBA(); r < 0xf000 || g < 0xf000 || bl < 0xf000 {
				left = x
				break column
			}
		}
	}
	sub, ok := img.(interface {
		SubImage(image.Rectangle) image.Image
	})
	if !ok {
		return shot, nil
	}
	var out bytes.Buffer
	err = png.Encode(&out, sub.SubImage(image.Rect(left, b.Min.Y, b.Max.X, b.Max.Y)))
	return out.Bytes(), err
}

// TestExtensionPackages: make web builds both packages from the one source
// tree, and web-ext (Mozilla's linter for add-ons) finds nothing to say of
// the Firefox one, warnings included.
func TestExtensionPackages(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	dist := web.Build(ctx, t)
	for _, b := range []string{"chromium", "firefox"} {
		zr, err := zip.OpenReader(filepath.Join(dist, "extension", b+".zip"))
		if err != nil {
			t.Fatalf("%s.zip: %v", b, err)
		}
		var names []string
		for _, f := range zr.File {
			names = append(names, f.Name)
		}
		zr.Close()
		for _, want := range []string{"manifest.json", "devtools.html", "panel.html", "panel.js", "corskit.js", "corskit.wasm", "index.html"} {
			if !slices.Contains(names, want) {
				t.Errorf("%s.zip lacks %s: %v", b, want, names)
			}
		}
	}
	lint := filepath.Join("..", "web", "lint")
	cmd := exec.CommandContext(ctx, filepath.Join(lint, "node_modules", ".bin", "web-ext"), "lint",
		"--source-dir", filepath.Join(dist, "extension", "firefox"), "--output", "json", "--warnings-as-errors")
	out, err := cmd.Output()
	var report struct {
		Summary  map[string]int `json:"summary"`
		Errors   []any          `json:"errors"`
		Warnings []any          `json:"warnings"`
		Notices  []any          `json:"notices"`
	}
	if jerr := json.Unmarshal(out, &report); jerr != nil {
		t.Fatalf("web-ext lint (scripts/ensure-deps.sh installs it in web/lint): %v, %v\n%s", err, jerr, out)
	}
	if err != nil || len(report.Errors)+len(report.Warnings)+len(report.Notices) > 0 {
		t.Errorf("web-ext lint: %v\nerrors %v\nwarnings %v\nnotices %v", err, report.Errors, report.Warnings, report.Notices)
	}
}
