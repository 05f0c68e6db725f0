package conformance

import (
	"sync"
	"testing"

	"github.com/chromedp/cdproto/audits"
	"github.com/chromedp/cdproto/network"

	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/internal/corscase"
	"github.com/corskit/corskit/reason"
)

// netErrors records, by URL, the error text of Chromium's failed loads
// (Network.loadingFailed), where ORB's refusal shows as
// net::ERR_BLOCKED_BY_ORB, and its DevTools issues (Audits.issueAdded:
// a GenericIssue of type ResponseWasBlockedByORB). Its console prints
// nothing.
type netErrors struct {
	mu     sync.Mutex
	urls   map[network.RequestID]string
	byURL  map[string]string
	issues map[string]string // "code/errorType" by URL
}

func (n *netErrors) record(ev any) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.urls == nil {
		n.urls, n.byURL, n.issues = map[network.RequestID]string{}, map[string]string{}, map[string]string{}
	}
	switch e := ev.(type) {
	case *network.EventRequestWillBeSent:
		n.urls[e.RequestID] = e.Request.URL
	case *network.EventLoadingFailed:
		if u, ok := n.urls[e.RequestID]; ok {
			n.byURL[u] = e.ErrorText
		}
	case *audits.EventIssueAdded:
		if g := e.Issue.Details.GenericIssueDetails; g != nil && g.Request != nil {
			n.issues[g.Request.URL] = string(e.Issue.Code) + "/" + string(g.ErrorType)
		}
	}
}

func (n *netErrors) issue(url string) string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.issues[url]
}

func (n *netErrors) of(url string) string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.byURL[url]
}

// TestORBChromium: the ORB cases in headless Chromium, with the net error
// of each failed load, against the model's.
func TestORBChromium(t *testing.T) {
	var ne netErrors
	s := caseRun(t, "orb", corscase.ORBCases(), fetch.Chromium, chromiumConsole(t, ne.record))
	// Chromium's console says nothing of ORB: its refusals show only in
	// the Network panel, as net::ERR_BLOCKED_BY_ORB for an <img> and as
	// net::ERR_ABORTED for a no-cors fetch() it answered with an empty
	// body.
	checked := 0
	for _, c := range corscase.ORBCases() {
		res := chromiumModel(t, c, s)
		target := s.URLs.TargetURL(c)
		if got, want := ne.of(target), fetch.Chromium.ORBNetError(res); got != want {
			t.Errorf("case %s: Chromium's load failed with %q, the model says %q", c.Name, got, want)
		}
		want := ""
		if res.ORB != nil && res.ORB.Blocked {
			issue, _, kind, _ := reason.ChromiumDevTools(reason.ORBBlocked, false)
			want = issue + "/" + kind
		}
		if got := ne.issue(target); got != want {
			t.Errorf("case %s: Chromium's DevTools issue %q, the model says %q", c.Name, got, want)
		}
		checked++
	}
	t.Logf("net errors and DevTools issues checked for %d cases", checked)
}

// TestORBFirefox: the ORB cases in headless Firefox ESR.
func TestORBFirefox(t *testing.T) {
	caseRun(t, "orb", corscase.ORBCases(), fetch.Firefox, firefoxConsole(t))
}

// TestORBWebKit: the ORB cases in WebKitGTK's MiniBrowser.
func TestORBWebKit(t *testing.T) {
	caseRun(t, "orb", corscase.ORBCases(), fetch.WebKit, webkitConsole(t))
}
