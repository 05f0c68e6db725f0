package conformance

import (
	"context"
	"testing"

	"github.com/chromedp/cdproto/audits"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/corskit/corskit/e2e/browser"
	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/internal/corscase"
	"github.com/corskit/corskit/reason"
)

// TestCOEPChromium: the COEP/CORP cases in headless Chromium.
func TestCOEPChromium(t *testing.T) {
	var dt devtoolsLog
	s := caseRun(t, "coep", corscase.COEPCases(), fetch.Chromium, func(ctx context.Context, start string) func() []string {
		tab := browser.OpenTab(ctx, t)
		if err := chromedp.Listen(tab.Ctx, dt.record); err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Call(tab.Ctx, audits.Enable, cdp.Empty{}); err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Call(tab.Ctx, network.Enable, network.EnableParams{}); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(tab.Ctx, chromedp.Navigate(start)); err != nil {
			t.Fatal(err)
		}
		return tab.Console
	})
	checked := 0
	for _, c := range corscase.COEPCases() {
		res, err := corscase.ModelGate(context.Background(), fetch.Chromium, c, s)
		if err != nil {
			t.Fatal(err)
		}
		var want devtoolsSeen
		if e := res.Err; e != nil {
			issue, blocked, kind, ok := reason.ChromiumDevTools(e.Reason, false)
			if !ok {
				t.Errorf("case %s: no DevTools names for %v", c.Name, e.Reason)
				continue
			}
			want = devtoolsSeen{Issue: issue, Kind: kind, Blocked: blocked}
		}
		if got := dt.of(s.URLs.TargetURL(c)); got != want {
			t.Errorf("case %s: Chromium's DevTools showed %+v, the model's reason says %+v", c.Name, got, want)
		}
		checked++
	}
	t.Logf("DevTools issue and blocked reason checked for %d cases", checked)
}

// TestCOEPFirefox: the COEP/CORP cases in headless Firefox ESR.
func TestCOEPFirefox(t *testing.T) {
	caseRun(t, "coep", corscase.COEPCases(), fetch.Firefox, func(ctx context.Context, start string) func() []string {
		f := openFirefox(ctx, t, start)
		return func() []string {
			lines, err := f.ConsoleLines(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			return lines
		}
	})
}

// TestCOEPWebKit: the COEP/CORP cases in WebKitGTK's MiniBrowser.
func TestCOEPWebKit(t *testing.T) {
	caseRun(t, "coep", corscase.COEPCases(), fetch.WebKit, func(ctx context.Context, start string) func() []string {
		w, err := StartWebKit(ctx, start)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(w.Close)
		return w.Console
	})
}
