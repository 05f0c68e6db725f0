package conformance

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/corskit/corskit/e2e/cli"
	"github.com/corskit/corskit/fetch"
)

// demoPage is what the demo page shows after "Run all", as its summary()
// reads it back from its own DOM (the data attributes TestDemoInChromium
// in e2e reads one by one) and writes it to the console in one line.
type demoPage struct {
	Engine    string         `json:"engine"` // #visitor-engine's data-engine
	Label     string         `json:"label"`  // and its text
	Scenarios []demoScenario `json:"scenarios"`
}

type demoScenario struct {
	ID        string              `json:"id"`
	URL       string              `json:"url"`
	Outcome   string              `json:"outcome"` // what this browser did
	Error     string              `json:"error"`   // the TypeError it got, when blocked
	Match     string              `json:"match"`   // .agreement's data-match
	Compared  string              `json:"compared"`
	Engines   []string            `json:"engines"`  // the predictions listed
	Verdicts  []string            `json:"verdicts"` // and their verdicts
	Visitor   []string            `json:"visitor"`  // the one marked "your browser"
	Console   map[string][]string `json:"console"`  // each engine's predicted console lines
	TypeError map[string]string   `json:"typeError"`
}

// summaryPrefix starts the one console line the page writes when a run has
// settled (app.js, reportWhenSettled).
const summaryPrefix = "corskit demo: "

// engineLabels are the names the page gives the visitor's engine
// (engine.js).
var engineLabels = map[string]string{"firefox": "Firefox (Gecko)", "webkit": "WebKit (Safari)"}

// TestDemoInFirefox runs `corskit demo` as a user would, opens its page in
// headless Firefox ESR, presses "Run all", and holds the page to what
// Firefox did: each scenario's outcome is the model's Firefox prediction,
// the page recognises Firefox and compares with Firefox's prediction, and
// the console lines it predicts for Firefox are the ones Firefox prints.
func TestDemoInFirefox(t *testing.T) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	page, api, stop := cli.StartDemo(ctx, t)

	f := openFirefox(ctx, t, page)
	// The same steps as a visitor: wait for the page, press the button,
	// wait for the run and every comparison to settle.
	poll := func(expr string) error {
		for {
			s, err := f.EvalString(ctx, expr)
			if err != nil {
				return err
			}
			if s == "true" {
				return nil
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("waiting for %s: %w", expr, ctx.Err())
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
	err := poll(`String(document.body.dataset.ready === "true")`)
	if err == nil {
		_, err = f.EvalString(ctx, `document.getElementById("run-all").click(), "clicked"`)
	}
	if err == nil {
		err = poll(`String(document.body.dataset.done === "true" && [...document.querySelectorAll("section[data-scenario]")].every(s => s.querySelector(".agreement").dataset.match))`)
	}
	var js string
	if err == nil {
		js, err = f.EvalString(ctx, `JSON.stringify(summary())`)
	}
	if err != nil {
		t.Fatalf("driving the demo page: %v\nconsole:\n%s", err, strings.Join(f.Logs(), "\n"))
	}
	var shown demoPage
	if err := json.Unmarshal([]byte(js), &shown); err != nil {
		t.Fatalf("the page's summary %q: %v", js, err)
	}

	// The console service has Firefox's own lines (CORS errors and
	// warnings); log.entryAdded has the page's console.info.
	lines := settle(func() []string {
		lines, err := f.ConsoleLines(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return lines
	})
	var summaries []string
	for _, l := range f.Logs() {
		if s, ok := strings.CutPrefix(l, summaryPrefix); ok {
			summaries = append(summaries, s)
		}
	}
	// The line the WebKit test reads is the page as the DOM shows it.
	if len(summaries) != 1 || summaries[0] != js {
		t.Errorf("the page's console summary lines %q, want exactly one, equal to summary() %s", summaries, js)
	}

	// Firefox's lines about the page's calls name the URL called; the
	// others (layout, fonts, cookies) are none of the model's business.
	var about []string
	for _, l := range lines {
		if strings.Contains(l, page) || strings.Contains(l, api) {
			about = append(about, l)
		}
	}
	checkDemo(t, fetch.Firefox.Name, shown, about)
	if err := stop(); err != nil {
		t.Error(err)
	}
	t.Logf("%d scenarios in %s", len(shown.Scenarios), time.Since(start).Round(time.Millisecond))
}

// TestDemoInWebKit runs `corskit demo` as a user would and opens its page
// in WebKitGTK's MiniBrowser as …/#run-all, which runs every scenario at
// once (MiniBrowser has no protocol to click with, nor to read the page).
// The page writes what it shows in one console line when the run has
// settled; MiniBrowser writes its console, that line and its own CORS
// lines alike, on standard error. The checks are TestDemoInFirefox's, for
// WebKit.
func TestDemoInWebKit(t *testing.T) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	page, _, stop := cli.StartDemo(ctx, t)

	w, err := StartWebKit(ctx, page+"/#run-all")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	// MiniBrowser writes a console.info call as
	// "URL:LINE:COL: CONSOLE INFO text".
	var js string
	for js == "" {
		for _, l := range w.Console() {
			if _, s, ok := strings.Cut(l, " CONSOLE INFO "+summaryPrefix); ok {
				js = s
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the page wrote no summary line: %v; MiniBrowser printed:\n%s", ctx.Err(), w.Output())
		case <-time.After(100 * time.Millisecond):
		}
	}
	var shown demoPage
	if err := json.Unmarshal([]byte(js), &shown); err != nil {
		t.Fatalf("the page's summary %q: %v", js, err)
	}
	// WebKit's own lines start "CONSOLE " (webkitLines keeps those, the
	// page's console.info is not one), and the first of each pair names
	// neither URL nor origin at times: every one of them is about a call.
	checkDemo(t, fetch.WebKit.Name, shown, webkitLines(settle(w.Console)))
	if err := stop(); err != nil {
		t.Error(err)
	}
	t.Logf("%d scenarios in %s", len(shown.Scenarios), time.Since(start).Round(time.Millisecond))
}

// checkDemo holds what the demo page shows in engine to what that engine
// did: printed is every console line the engine wrote about the page's
// calls, to be matched one for one by the lines the page predicts.
func checkDemo(t *testing.T, engine string, shown demoPage, printed []string) {
	t.Helper()
	if shown.Engine != engine || shown.Label != engineLabels[engine] {
		t.Errorf("the page names the visitor's engine %q (%q), want %q (%q)", shown.Engine, shown.Label, engine, engineLabels[engine])
	}
	three := []string{fetch.Chromium.Name, fetch.Firefox.Name, fetch.WebKit.Name}
	var ids []string
	// predicted are the console lines the page predicts for engine, each
	// to be matched by one line the engine printed.
	var predicted []string
	var blame []string // the scenario of each predicted line
	for _, s := range shown.Scenarios {
		ids = append(ids, s.ID)
		if w, ok := cli.DemoOutcomes[s.ID]; !ok || s.Outcome != w {
			t.Errorf("scenario %s: %s did %q, the walkthrough says %q", s.ID, engine, s.Outcome, w)
		}
		if !slices.Equal(s.Engines, three) || !slices.Equal(s.Visitor, []string{engine}) {
			t.Errorf("scenario %s: predictions for %q, %q marked as yours; want the three, %s's marked", s.ID, s.Engines, s.Visitor, engine)
		}
		if i := slices.Index(s.Engines, engine); i < 0 || i >= len(s.Verdicts) || s.Verdicts[i] != s.Outcome {
			t.Errorf("scenario %s: the model predicts %q for %s (verdicts %q), %s did %q", s.ID, s.Verdicts, engine, s.Engines, engine, s.Outcome)
		}
		if s.Match != "true" || s.Compared != engine {
			t.Errorf("scenario %s: the page says model and browser agree = %q, compared with %q; want true, %s", s.ID, s.Match, s.Compared, engine)
		}
		if s.Outcome == "blocked" {
			if want := "TypeError: " + s.TypeError[engine]; s.TypeError[engine] == "" || s.Error != want {
				t.Errorf("scenario %s: fetch() rejected with %q; the page predicts %q for %s", s.ID, s.Error, want, engine)
			}
			if len(s.Console[engine]) == 0 {
				t.Errorf("scenario %s: blocked, but the page predicts no console line for %s", s.ID, engine)
			}
		} else if len(s.Console[engine]) != 0 {
			t.Errorf("scenario %s: allowed, but the page predicts console lines %q for %s", s.ID, s.Console[engine], engine)
		}
		for _, l := range s.Console[engine] {
			predicted = append(predicted, l)
			blame = append(blame, s.ID)
		}
	}
	if len(shown.Scenarios) != len(cli.DemoOutcomes) {
		t.Errorf("the page has scenarios %q, want exactly %d", ids, len(cli.DemoOutcomes))
	}

	left := slices.Clone(printed)
	for i, l := range predicted {
		j := slices.Index(left, l)
		if j < 0 {
			t.Errorf("scenario %s: the page predicts that %s prints\n  %s\nbut it printed:\n  %s", blame[i], engine, l, strings.Join(printed, "\n  "))
			continue
		}
		left = slices.Delete(left, j, j+1)
	}
	for _, l := range left {
		t.Errorf("%s printed a line the page predicts for no scenario:\n  %s", engine, l)
	}
	t.Logf("%s: %d console lines about the calls, %d predicted by the page", engine, len(printed), len(predicted))
}
