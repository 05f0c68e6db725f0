package conformance

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/audits"
	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/internal/corscase"
	"github.com/corskit/corskit/reason"
)

// lnaServe starts the servers of cases with the address spaces (and the
// permissions granted) the engine and the model both get.
func lnaServe(t *testing.T, cases []corscase.GateCase, granted ...string) *corscase.GateServers {
	t.Helper()
	s, err := corscase.ServeGates(cases)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	s.Spaces, s.Granted = s.URLs.LNASpaces(), granted
	return s
}

// TestLNAGrantedChromium: with loopback-network granted to the public
// page (CDP Browser.setPermission), Chromium 156 lets it call loopback and
// still refuses a local address (local-network, not granted).
func TestLNAGrantedChromium(t *testing.T) {
	cases := corscase.LNAGrantedCases()
	s := lnaServe(t, cases, fetch.PermissionLoopbackNetwork)
	caseRunOn(t, "lna-granted", cases, fetch.Chromium, s, func(ctx context.Context, start string) func() []string {
		tab := chromiumTab(ctx, t, nil, lnaFlags(s)...)
		for _, perm := range s.Granted {
			if _, err := chromedp.CallBrowser(tab.Ctx, cdpbrowser.SetPermission, cdpbrowser.SetPermissionParams{
				Permission: &cdpbrowser.PermissionDescriptor{Name: perm}, Setting: cdpbrowser.PermissionSettingGranted, Origin: s.URLs.Page}); err != nil {
				t.Fatal(err)
			}
		}
		if err := chromedp.Do(tab.Ctx, chromedp.Navigate(start)); err != nil {
			t.Fatal(err)
		}
		return tab.Console
	})
}

// TestLNAGrantedWebKit: WebKitGTK, which has neither the gate nor the
// permission, loads them all.
func TestLNAGrantedWebKit(t *testing.T) {
	cases := corscase.LNAGrantedCases()
	s := lnaServe(t, cases, fetch.PermissionLoopbackNetwork)
	caseRunOn(t, "lna-granted", cases, fetch.WebKit, s, webkitConsole(t))
}

// TestLNAGrantedFirefox: the same in Firefox ESR, the permission granted
// over WebDriver BiDi (permissions.setPermission).
func TestLNAGrantedFirefox(t *testing.T) {
	cases := corscase.LNAGrantedCases()
	s := lnaServe(t, cases, fetch.PermissionLoopbackNetwork)
	caseRunOn(t, "lna-granted", cases, fetch.Firefox, s, lnaFirefox(t, s))
}

// lnaFlags are Chromium's flags for s's address spaces
// (--ip-address-space-overrides) and self-signed certificate.
func lnaFlags(s *corscase.GateServers) []chromedp.ExecAllocatorOption {
	var overrides []string
	for ep, space := range s.Spaces {
		overrides = append(overrides, ep+"="+string(space))
	}
	sort.Strings(overrides)
	return []chromedp.ExecAllocatorOption{chromedp.Flag("ip-address-space-overrides", strings.Join(overrides, ",")),
		chromedp.Flag("ignore-certificate-errors", true)}
}

// TestLNAChromium: the Local Network Access cases in headless Chromium,
// the page made public with --ip-address-space-overrides (the same
// spaces the model gets), and what DevTools say of each refusal: a
// CorsIssue whose corsError is LocalNetworkAccessPermissionDenied, also
// on the failed request.
func TestLNAChromium(t *testing.T) {
	s := lnaServe(t, corscase.LNACases())
	var lna lnaLog
	caseRunOn(t, "lna", corscase.LNACases(), fetch.Chromium, s, chromiumConsole(t, lna.record, lnaFlags(s)...))
	for _, c := range corscase.LNACases() {
		res := chromiumModel(t, c, s)
		want := ""
		if e := res.Err; e != nil && e.Reason == fetch.ReasonLocalNetworkAccess {
			issue, _, kind, _ := reason.ChromiumDevTools(e.Reason, false)
			want = issue + " " + kind + "; request " + kind
			if got := lna.of(e.URL); got != want {
				t.Errorf("case %s: Chromium's DevTools said %q of %s, the model's reason says %q", c.Name, got, e.URL, want)
			}
		} else if got := lna.of(s.URLs.TargetURL(c)); got != "" {
			t.Errorf("case %s: Chromium's DevTools said %q, the model allows it", c.Name, got)
		}
	}
}

// lnaLog collects, by URL, the CORS issues (Audits.issueAdded) and the
// failed requests' CORS errors (Network.loadingFailed).
type lnaLog struct {
	mu      sync.Mutex
	urls    map[network.RequestID]string
	issues  map[string]string
	failure map[string]string
}

func (l *lnaLog) record(ev any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.urls == nil {
		l.urls, l.issues, l.failure = map[network.RequestID]string{}, map[string]string{}, map[string]string{}
	}
	switch e := ev.(type) {
	case *network.EventRequestWillBeSent:
		l.urls[e.RequestID] = e.Request.URL
	case *network.EventLoadingFailed:
		if u, ok := l.urls[e.RequestID]; ok && e.CorsErrorStatus != nil {
			l.failure[u] = string(e.CorsErrorStatus.CorsError)
		}
	case *audits.EventIssueAdded:
		if d := e.Issue.Details; d != nil && d.CorsIssueDetails != nil && d.CorsIssueDetails.Request != nil && d.CorsIssueDetails.CorsErrorStatus != nil {
			l.issues[d.CorsIssueDetails.Request.URL] = fmt.Sprintf("%s %s", e.Issue.Code, d.CorsIssueDetails.CorsErrorStatus.CorsError)
		}
	}
}

func (l *lnaLog) of(url string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.issues[url] == "" && l.failure[url] == "" {
		return ""
	}
	return l.issues[url] + "; request " + l.failure[url]
}

// TestLNAWebKit: the same cases in WebKitGTK's MiniBrowser, which has no
// address-space override: its page stays loopback, and nothing is gated
// (its Local Network Access feature is off as shipped).
func TestLNAWebKit(t *testing.T) {
	s := lnaServe(t, corscase.LNACases())
	caseRunOn(t, "lna", corscase.LNACases(), fetch.WebKit, s, webkitConsole(t))
}

// TestLNAFirefox: the same cases in headless Firefox ESR with Local
// Network Access as shipped (the suite turns it off elsewhere), the page
// made public by network.lna.address_space.public.override. A gated
// fetch waits on a prompt headless Firefox never answers: "pending".
func TestLNAFirefox(t *testing.T) {
	s := lnaServe(t, corscase.LNACases())
	caseRunOn(t, "lna", corscase.LNACases(), fetch.Firefox, s, lnaFirefox(t, s))
}

// lnaFirefox opens headless Firefox with Local Network Access as shipped,
// s's address spaces as network.lna.address_space.*.override prefs, and
// s's permissions granted to the page's origin.
func lnaFirefox(t *testing.T, s *corscase.GateServers) func(ctx context.Context, start string) func() []string {
	prefs := map[string]any{"network.lna.enabled": nil}
	for ep, space := range s.Spaces {
		key := map[fetch.AddressSpace]string{fetch.SpacePublic: "network.lna.address_space.public.override", fetch.SpaceLocal: "network.lna.address_space.private.override"}[space]
		prefs[key] = ep
	}
	open := firefoxConsoleWith(t, prefs, func(ctx context.Context, f *Firefox) {
		for _, perm := range s.Granted {
			if _, err := f.call(ctx, "permissions.setPermission", map[string]any{
				"descriptor": map[string]any{"name": perm}, "state": "granted", "origin": s.URLs.Page}); err != nil {
				t.Fatal(err)
			}
		}
	})
	return func(ctx context.Context, start string) func() []string {
		console := open(ctx, start)
		return func() []string {
			lines := console()
			for i, l := range lines {
				// The console service puts the script's stack after a
				// warning's message: not part of it.
				lines[i], _, _ = strings.Cut(l, "\n")
			}
			return lines
		}
	}
}
