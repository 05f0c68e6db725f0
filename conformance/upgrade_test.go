package conformance

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/internal/corscase"
)

// The upgradable mixed-content cases load http://img.test:P from an
// https page at https://page.test:P2: each engine is told to resolve both
// names to 127.0.0.1.

// TestUpgradeChromium: the upgrade cases in headless Chromium.
func TestUpgradeChromium(t *testing.T) {
	caseRun(t, "upgrade", corscase.UpgradeCases(), fetch.Chromium, chromiumConsole(t, nil, chromedp.Flag("ignore-certificate-errors", true),
		chromedp.Flag("host-resolver-rules", "MAP "+corscase.UpgradeHost+" 127.0.0.1, MAP "+corscase.PageHost+" 127.0.0.1")))
}

// TestUpgradeFirefox: the upgrade cases in headless Firefox ESR.
func TestUpgradeFirefox(t *testing.T) {
	caseRun(t, "upgrade", corscase.UpgradeCases(), fetch.Firefox, firefoxConsoleWith(t,
		map[string]any{"network.dns.localDomains": corscase.UpgradeHost + "," + corscase.PageHost}, nil))
}

// TestUpgradeWebKit: the upgrade cases in WebKitGTK's MiniBrowser, the
// two names reached through a proxy.
func TestUpgradeWebKit(t *testing.T) {
	proxy := StartNameProxy(corscase.UpgradeHost, corscase.PageHost)
	t.Cleanup(proxy.Close)
	caseRun(t, "upgrade", corscase.UpgradeCases(), fetch.WebKit, webkitConsole(t, "--proxy="+proxy.URL()))
}
