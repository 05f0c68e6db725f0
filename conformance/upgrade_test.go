package conformance

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/corskit/corskit/e2e/browser"
	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/internal/corscase"
)

// The upgradable mixed-content cases load http://img.test:P from an
// https page at https://page.test:P2: each engine is told to resolve both
// names to 127.0.0.1.

// TestUpgradeChromium: the upgrade cases in headless Chromium.
func TestUpgradeChromium(t *testing.T) {
	caseRun(t, "upgrade", corscase.UpgradeCases(), fetch.Chromium, func(ctx context.Context, start string) func() []string {
		tab := browser.OpenTab(ctx, t, chromedp.Flag("ignore-certificate-errors", true),
			chromedp.Flag("host-resolver-rules", "MAP "+corscase.UpgradeHost+" 127.0.0.1, MAP "+corscase.PageHost+" 127.0.0.1"))
		if err := chromedp.Do(tab.Ctx, chromedp.Navigate(start)); err != nil {
			t.Fatal(err)
		}
		return tab.Console
	})
}

// TestUpgradeFirefox: the upgrade cases in headless Firefox ESR.
func TestUpgradeFirefox(t *testing.T) {
	caseRun(t, "upgrade", corscase.UpgradeCases(), fetch.Firefox, func(ctx context.Context, start string) func() []string {
		f, err := StartFirefoxWith(ctx, map[string]any{"network.dns.localDomains": corscase.UpgradeHost + "," + corscase.PageHost})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(f.Close)
		if err := f.ListenToConsole(ctx); err != nil {
			t.Fatal(err)
		}
		if err := f.Navigate(ctx, start); err != nil {
			t.Fatal(err)
		}
		return func() []string {
			lines, err := f.ConsoleLines(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			return lines
		}
	})
}

// TestUpgradeWebKit: the upgrade cases in WebKitGTK's MiniBrowser, the
// two names reached through a proxy.
func TestUpgradeWebKit(t *testing.T) {
	proxy := StartNameProxy(corscase.UpgradeHost, corscase.PageHost)
	t.Cleanup(proxy.Close)
	caseRun(t, "upgrade", corscase.UpgradeCases(), fetch.WebKit, func(ctx context.Context, start string) func() []string {
		w, err := StartWebKitWith(ctx, start, "--proxy="+proxy.URL())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(w.Close)
		return w.Console
	})
}
