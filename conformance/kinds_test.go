package conformance

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/corskit/corskit/e2e/browser"
	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/internal/corscase"
)

// The request kinds beyond fetch() (XMLHttpRequest, <script> classic and
// module, fonts, stylesheets, EventSource, WebSocket) and the CSP
// directive of each: corscase.KindCases, recorded as kinds-<engine>.json.

// TestKindsChromium: the kind cases in headless Chromium.
func TestKindsChromium(t *testing.T) {
	caseRun(t, "kinds", corscase.KindCases(), fetch.Chromium, func(ctx context.Context, start string) func() []string {
		tab := browser.OpenTab(ctx, t)
		if err := chromedp.Do(tab.Ctx, chromedp.Navigate(start)); err != nil {
			t.Fatal(err)
		}
		return tab.Console
	})
}

// TestKindsFirefox: the kind cases in headless Firefox ESR.
func TestKindsFirefox(t *testing.T) {
	caseRun(t, "kinds", corscase.KindCases(), fetch.Firefox, func(ctx context.Context, start string) func() []string {
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

// TestKindsWebKit: the kind cases in WebKitGTK's MiniBrowser.
func TestKindsWebKit(t *testing.T) {
	caseRun(t, "kinds", corscase.KindCases(), fetch.WebKit, func(ctx context.Context, start string) func() []string {
		w, err := StartWebKit(ctx, start)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(w.Close)
		return w.Console
	})
}
