package conformance

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/internal/corscase"
	"github.com/corskit/corskit/reason"
)

// TestCOEPChromium: the COEP/CORP cases in headless Chromium.
func TestCOEPChromium(t *testing.T) {
	var dt devtoolsLog
	var console func() []string
	open := chromiumConsole(t, dt.record)
	s := caseRun(t, "coep", corscase.COEPCases(), fetch.Chromium, func(ctx context.Context, start string) func() []string {
		console = open(ctx, start)
		return console
	})
	// Chromium's console line for a CORP refusal names no URL (so the
	// cases cannot claim it): the lines of the run, as a multiset, must be
	// those the model's refusals name.
	var netErrs, wantNetErrs []string
	for _, l := range console() {
		if strings.HasPrefix(l, "Failed to load resource: net::ERR_BLOCKED_BY_RESPONSE") {
			netErrs = append(netErrs, l)
		}
	}
	checked := 0
	for _, c := range corscase.COEPCases() {
		res := chromiumModel(t, c, s)
		var want devtoolsSeen
		if e := res.Err; e != nil {
			issue, blocked, kind, ok := reason.ChromiumDevTools(e.Reason, false)
			if !ok && e.Reason.IsCORS() {
				continue // an <img crossorigin> failing CORS: the CORS cases pin those
			}
			if !ok {
				t.Errorf("case %s: no DevTools names for %v", c.Name, e.Reason)
				continue
			}
			want = devtoolsSeen{Issue: issue, Kind: kind, Blocked: blocked}
			if e.Reason.IsCORP() {
				wantNetErrs = append(wantNetErrs, e.ConsoleMessage())
			}
		}
		if got := dt.of(s.URLs.TargetURL(c)); got != want {
			t.Errorf("case %s: Chromium's DevTools showed %+v, the model's reason says %+v", c.Name, got, want)
		}
		checked++
	}
	slices.Sort(netErrs)
	slices.Sort(wantNetErrs)
	if !slices.Equal(netErrs, wantNetErrs) {
		t.Errorf("Chromium's console printed\n %q\nthe model's refusals name\n %q", netErrs, wantNetErrs)
	}
	t.Logf("DevTools issue and blocked reason checked for %d cases; %d net error lines", checked, len(netErrs))
}

// TestCOEPFirefox: the COEP/CORP cases in headless Firefox ESR.
func TestCOEPFirefox(t *testing.T) {
	caseRun(t, "coep", corscase.COEPCases(), fetch.Firefox, firefoxConsole(t))
}

// TestCOEPWebKit: the COEP/CORP cases in WebKitGTK's MiniBrowser.
func TestCOEPWebKit(t *testing.T) {
	caseRun(t, "coep", corscase.COEPCases(), fetch.WebKit, webkitConsole(t))
}
