package conformance

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/audits"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/corskit/corskit/e2e/browser"
	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/internal/corscase"
	"github.com/corskit/corskit/reason"
)

// The gates before CORS (the page's CSP, mixed content) need a page of
// their own per case, served with the case's policy, some over https: see
// corscase.GateCase. Each engine opens the first case's page and walks
// through the others by itself; the whole run takes seconds.

// gateGolden is where an engine's observations of the gate cases live.
func gateGolden(set, engine string) string {
	return filepath.Join("..", "internal", "corscase", "testdata", set+"-"+engine+".json")
}

// gateCaseInLine finds the case a console line is about: the URL it
// fetched (/g/<case>/0), or the page (/gp/<case>), which WebKit puts in
// front of its lines as their source.
var gateCaseInLine = regexp.MustCompile(`/gp?/([a-z0-9-]+)`)

// gateLines gives each console line to the case it names, normalised.
// Lines that name no case are the page's own, not the fetch's: the
// warning that a report-only policy has no report-to, a favicon the
// policy refuses. They are logged, not compared. MiniBrowser's lines lose
// their "CONSOLE <SOURCE> <LEVEL> " prefix and source location.
func gateLines(t *testing.T, lines []string, urls corscase.GateURLs, webkit bool) map[string][]string {
	out := map[string][]string{}
	for _, l := range lines {
		msg := l
		if webkit {
			_, rest, ok := strings.Cut(l, "CONSOLE ")
			if !ok {
				continue
			}
			msg = webkitMessage(rest)
		}
		m := gateCaseInLine.FindStringSubmatch(l)
		// Firefox's "downloadable font: ..." lines describe the page's
		// @font-face rule (its family, weight, src index), which the model
		// is not told: logged, not compared.
		if m == nil || strings.Contains(l, "favicon") || strings.HasPrefix(msg, "downloadable font: ") {
			if msg != "" {
				t.Logf("not compared (names no case): %q", urls.Normalize(msg))
			}
			continue
		}
		out[m[1]] = append(out[m[1]], urls.Normalize(webkitTruncated(msg)))
	}
	return out
}

// webkitMessage is a MiniBrowser console line without "<SOURCE> <LEVEL> ".
func webkitMessage(rest string) string {
	for _, level := range []string{" ERROR ", " WARN ", " WARNING ", " LOG ", " INFO ", " DEBUG "} {
		if _, msg, ok := strings.Cut(rest, level); ok {
			return msg
		}
	}
	return rest
}

// webkitTruncated completes the one line MiniBrowser's standard error cuts
// short: its mixed-content line for a loopback URL stops after "must"
// (measured with WebKitGTK 2.50; the same line for another host is
// whole). The model holds the whole sentence.
func webkitTruncated(msg string) string {
	if strings.HasPrefix(msg, "[blocked] The page at ") && strings.HasSuffix(msg, " This content was blocked and must") {
		return msg + " be served over HTTPS."
	}
	return msg
}

// gateRun runs the gate cases in one engine: open starts it at the first
// page and returns its console. It compares every case with the model's
// profile p and, with -update, records the engine's observations.
func gateRun(t *testing.T, p fetch.Profile, open caseOpener) *corscase.GateServers {
	t.Helper()
	return caseRun(t, "gates", corscase.Gates(), p, open)
}

// caseRun runs one set of gate cases (recorded as <set>-<engine>.json).
func caseRun(t *testing.T, set string, cases []corscase.GateCase, p fetch.Profile, open caseOpener) *corscase.GateServers {
	t.Helper()
	s, err := corscase.ServeGates(cases)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	caseRunOn(t, set, cases, p, s, open)
	return s
}

// caseRunOn is caseRun on servers already started (whose Spaces the
// caller may have set).
func caseRunOn(t *testing.T, set string, cases []corscase.GateCase, p fetch.Profile, s *corscase.GateServers, open func(ctx context.Context, start string) (console func() []string)) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	console := open(ctx, s.Start)
	obs, err := s.Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	lines := gateLines(t, settle(console), s.URLs, p.Messages == fetch.EngineWebKit)
	engine := map[string]corscase.Result{}
	for _, c := range cases {
		engine[c.Name] = corscase.Result{Fetches: []corscase.Observation{obs[c.Name]}, Console: lines[c.Name]}
	}
	model, err := corscase.RunGates(context.Background(), p, cases, s)
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		data, _ := json.MarshalIndent(engine, "", " ")
		if err := os.WriteFile(gateGolden(set, p.Name), append(data, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	disagree := 0
	for _, c := range cases {
		en, mo := engine[c.Name], model[c.Name]
		if got, want := en.Fetches[0].Outcome, c.WantIn(p.Name); got != want {
			t.Errorf("case %s: %s says %s, the table wants %s (%s)", c.Name, p.Name, got, want, c.About)
		}
		if !reflect.DeepEqual(en, mo) {
			disagree++
			t.Errorf("case %s (%s): model and %s disagree\n%s", c.Name, c.About, p.Name, diff(p.Name, en, mo))
		}
	}
	t.Logf("%s: %d %s cases; %d disagreements", p.Name, len(cases), set, disagree)
}

// A caseOpener starts an engine at a gate run's first page and returns
// its console; each set of gate cases runs in the three engines through
// the same three openers.
type caseOpener = func(ctx context.Context, start string) (console func() []string)

// chromiumConsole opens headless Chromium with extra flags, recording
// what its DevTools say (Audits.issueAdded, Network.loadingFailed) with
// listen (a devtoolsLog's record, or another run's own log).
func chromiumConsole(t *testing.T, listen func(ev any), extra ...chromedp.ExecAllocatorOption) caseOpener {
	return func(ctx context.Context, start string) func() []string {
		tab := chromiumTab(ctx, t, listen, extra...)
		if err := chromedp.Do(tab.Ctx, chromedp.Navigate(start)); err != nil {
			t.Fatal(err)
		}
		return tab.Console
	}
}

// chromiumTab opens headless Chromium with extra flags and, when listen is
// given, hands it the DevTools events of the Audits and Network domains;
// the caller navigates (after granting permissions, say).
func chromiumTab(ctx context.Context, t *testing.T, listen func(ev any), extra ...chromedp.ExecAllocatorOption) *browser.Tab {
	tab := browser.OpenTab(ctx, t, extra...)
	if listen == nil {
		return tab
	}
	if err := chromedp.Listen(tab.Ctx, listen); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(tab.Ctx, audits.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(tab.Ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	return tab
}

// firefoxConsole opens headless Firefox ESR and reads its console.
func firefoxConsole(t *testing.T) caseOpener { return firefoxConsoleWith(t, nil, nil) }

// firefoxConsoleWith is firefoxConsole with prefs (see StartFirefoxWith)
// and before, called ahead of the first page (to grant permissions).
func firefoxConsoleWith(t *testing.T, prefs map[string]any, before func(ctx context.Context, f *Firefox)) caseOpener {
	return func(ctx context.Context, start string) func() []string {
		f := openFirefoxWith(ctx, t, start, prefs, before)
		return func() []string {
			lines, err := f.ConsoleLines(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			return lines
		}
	}
}

// webkitConsole opens WebKitGTK's MiniBrowser, with more arguments if
// given, and reads its console.
func webkitConsole(t *testing.T, args ...string) caseOpener {
	return func(ctx context.Context, start string) func() []string {
		w, err := StartWebKitWith(ctx, start, args...)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(w.Close)
		return w.Console
	}
}

// TestGatesChromium: the gate cases in headless Chromium, and what its
// DevTools say of each refusal: the Issues panel's code and kind
// (Audits.issueAdded) and the Network panel's blocked reason
// (Network.loadingFailed), against reason.ChromiumDevTools.
func TestGatesChromium(t *testing.T) {
	var dt devtoolsLog
	// The https page's certificate is self-signed.
	s := gateRun(t, fetch.Chromium, chromiumConsole(t, dt.record, chromedp.Flag("ignore-certificate-errors", true)))
	checked := 0
	for _, c := range corscase.Gates() {
		res := chromiumModel(t, c, s)
		// The issue and the failed request are looked up by URL: the URL
		// refused, but for a CSP issue at a redirect the first URL.
		issueURL, requestURL := s.URLs.TargetURL(c), s.URLs.TargetURL(c)
		var want devtoolsSeen
		if e := res.Err; e != nil {
			redirected := e.InitialURL != ""
			issueURL, requestURL = e.URL, e.URL
			if redirected && e.Reason == fetch.ReasonCSPConnectSrc {
				issueURL = e.InitialURL
			}
			issue, blocked, kind, ok := reason.ChromiumDevTools(e.Reason, redirected)
			if !ok {
				continue
			}
			want = devtoolsSeen{Issue: issue, Kind: kind, Blocked: blocked}
		}
		got := dt.of(issueURL)
		got.Blocked = dt.of(requestURL).Blocked
		for _, v := range res.CSPViolations {
			if v.ReportOnly {
				want.ReportOnlyIssues += 2 // reported twice, as it is printed twice
			}
		}
		if got != want {
			t.Errorf("case %s: Chromium's DevTools showed %+v, the model's reason says %+v", c.Name, got, want)
		}
		checked++
	}
	t.Logf("DevTools issue and blocked reason checked for %d cases", checked)
}

// chromiumModel is the model's Chromium result for the gate case c,
// served by s.
func chromiumModel(t *testing.T, c corscase.GateCase, s *corscase.GateServers) *fetch.Result {
	t.Helper()
	res, err := corscase.ModelGate(context.Background(), fetch.Chromium, c, s)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// devtoolsSeen is what Chromium's DevTools said of one URL.
type devtoolsSeen struct {
	Issue, Kind, Blocked string // of the enforced refusal
	ReportOnlyIssues     int    // CSP issues with isReportOnly
}

// devtoolsLog collects Audits.issueAdded and Network.loadingFailed events
// by URL.
type devtoolsLog struct {
	mu    sync.Mutex
	urls  map[network.RequestID]string
	byURL map[string]devtoolsSeen
}

func (d *devtoolsLog) record(ev any) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.byURL == nil {
		d.urls, d.byURL = map[network.RequestID]string{}, map[string]devtoolsSeen{}
	}
	switch e := ev.(type) {
	case *network.EventRequestWillBeSent:
		d.urls[e.RequestID] = e.Request.URL
	case *network.EventLoadingFailed:
		if u, ok := d.urls[e.RequestID]; ok && e.BlockedReason != "" {
			seen := d.byURL[u]
			seen.Blocked = string(e.BlockedReason)
			d.byURL[u] = seen
		}
	case *audits.EventIssueAdded:
		det := e.Issue.Details
		switch {
		case det == nil:
		case det.ContentSecurityPolicyIssueDetails != nil:
			c := det.ContentSecurityPolicyIssueDetails
			seen := d.byURL[c.BlockedURL]
			if c.IsReportOnly {
				seen.ReportOnlyIssues++
			} else {
				seen.Issue, seen.Kind = string(e.Issue.Code), string(c.ContentSecurityPolicyViolationType)
			}
			d.byURL[c.BlockedURL] = seen
		case det.BlockedByResponseIssueDetails != nil && det.BlockedByResponseIssueDetails.Request != nil:
			b := det.BlockedByResponseIssueDetails
			seen := d.byURL[b.Request.URL]
			seen.Issue, seen.Kind = string(e.Issue.Code), string(b.Reason)
			d.byURL[b.Request.URL] = seen
		case det.MixedContentIssueDetails != nil:
			m := det.MixedContentIssueDetails
			seen := d.byURL[m.InsecureURL]
			seen.Issue, seen.Kind = string(e.Issue.Code), string(m.ResolutionStatus)
			d.byURL[m.InsecureURL] = seen
		}
	}
}

func (d *devtoolsLog) of(url string) devtoolsSeen {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.byURL[url]
}

// TestGatesFirefox: the gate cases in headless Firefox ESR.
func TestGatesFirefox(t *testing.T) {
	gateRun(t, fetch.Firefox, firefoxConsole(t))
}

// TestGatesWebKit: the gate cases in WebKitGTK's MiniBrowser.
func TestGatesWebKit(t *testing.T) {
	gateRun(t, fetch.WebKit, webkitConsole(t))
}
