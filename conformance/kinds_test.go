package conformance

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/internal/corscase"
	"github.com/corskit/corskit/reason"
)

// The request kinds beyond fetch() (XMLHttpRequest, <script> classic and
// module, fonts, stylesheets, EventSource, WebSocket) and the CSP
// directive of each: corscase.KindCases, recorded as kinds-<engine>.json.

// TestKindsChromium: the kind cases in headless Chromium, and what its
// DevTools say of each refusal before CORS (the Issues panel's code and
// kind, the Network panel's blocked reason), against
// reason.ChromiumDevTools.
func TestKindsChromium(t *testing.T) {
	var dt devtoolsLog
	// The https page's certificate is self-signed (the mixed-content cases).
	s := caseRun(t, "kinds", corscase.KindCases(), fetch.Chromium, chromiumConsole(t, dt.record, chromedp.Flag("ignore-certificate-errors", true)))
	checked := 0
	for _, c := range corscase.KindCases() {
		res := chromiumModel(t, c, s)
		var want devtoolsSeen
		if e := res.Err; e != nil {
			issue, blocked, kind, ok := reason.ChromiumDevToolsKind(e.Reason, string(res.Request.Kind))
			if !ok {
				continue // CORS failures: the CORS cases pin those
			}
			want = devtoolsSeen{Issue: issue, Kind: kind, Blocked: blocked}
		}
		for _, v := range res.CSPViolations {
			if v.ReportOnly {
				want.ReportOnlyIssues++
			}
		}
		if got := dt.of(s.URLs.TargetURL(c)); got != want {
			t.Errorf("case %s: Chromium's DevTools showed %+v, the model's reason says %+v", c.Name, got, want)
		}
		checked++
	}
	t.Logf("DevTools issue and blocked reason checked for %d cases", checked)
}

// TestKindsFirefox: the kind cases in headless Firefox ESR.
func TestKindsFirefox(t *testing.T) {
	caseRun(t, "kinds", corscase.KindCases(), fetch.Firefox, firefoxConsole(t))
}

// TestKindsWebKit: the kind cases in WebKitGTK's MiniBrowser.
func TestKindsWebKit(t *testing.T) {
	caseRun(t, "kinds", corscase.KindCases(), fetch.WebKit, webkitConsole(t))
}
