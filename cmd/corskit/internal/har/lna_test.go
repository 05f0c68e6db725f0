package har

import (
	"testing"

	"github.com/corskit/corskit/fetch"
)

// TestReplayPageCOEPAndSpace: the document entry gives the page its
// Cross-Origin-Embedder-Policy (parameters ignored) and, through
// serverIPAddress, its address space: a public page's call to localhost,
// which Chromium records without an answer, replays as Local Network
// Access. Before, COEP was not read and the page (named by a domain) was
// of unknown space, so the call was skipped for want of an answer.
func TestReplayPageCOEPAndSpace(t *testing.T) {
	doc := entry("document", "GET", "https://app.example.com/", nil, 200,
		[]string{"Content-Type", "text/html", "Cross-Origin-Embedder-Policy", `require-corp; report-to="coep"`}, "")
	doc["serverIPAddress"] = "203.0.113.5"
	out := replayHAR(t, fetch.Chromium, doc,
		entry("fetch", "GET", "http://localhost:8080/api", []string{"Referer", "https://app.example.com/"}, 0, nil, "net::ERR_FAILED"),
	)
	if len(out) != 1 {
		t.Fatalf("%d calls replayed, want 1", len(out))
	}
	r := out[0].Result
	if r.Request.Page == nil || r.Request.Page.COEP != fetch.COEPRequireCORP {
		t.Fatalf("page %+v, want COEP require-corp", r.Request.Page)
	}
	if r.Err == nil || r.Err.Reason != fetch.ReasonLocalNetworkAccess || r.Err.Value != "loopback" {
		t.Fatalf("replayed as %v, want local-network-access to loopback", r.Err)
	}
}

// TestReplayServerIPLocal: an API named by a domain whose entry shows a
// private serverIPAddress is a local target for a public page, and a page
// served from loopback is not gated.
func TestReplayServerIPLocal(t *testing.T) {
	for _, tc := range []struct {
		pageIP string
		gated  bool
	}{{"203.0.113.5", true}, {"[::1]", false}, {"", false}} {
		doc := entry("document", "GET", "https://app.example.com/", nil, 200, []string{"Content-Type", "text/html"}, "")
		if tc.pageIP != "" {
			doc["serverIPAddress"] = tc.pageIP
		}
		call := entry("fetch", "GET", "https://printer.example.com/status", []string{"Origin", "https://app.example.com"}, 200,
			[]string{"Access-Control-Allow-Origin", "*"}, "")
		call["serverIPAddress"] = "192.168.1.9"
		out := replayHAR(t, fetch.Chromium, doc, call)
		if len(out) != 1 {
			t.Fatalf("%q: %d calls replayed, want 1", tc.pageIP, len(out))
		}
		e := out[0].Result.Err
		if gated := e != nil && e.Reason == fetch.ReasonLocalNetworkAccess; gated != tc.gated {
			t.Errorf("page at %q: %v, want gated %v", tc.pageIP, e, tc.gated)
		}
	}
	if got := pageCOEP([]string{"credentialless"}); got != fetch.COEPCredentialless {
		t.Errorf("credentialless read as %q", got)
	}
	for _, v := range [][]string{{"unsafe-none"}, {"Require-Corp"}, {"require-corp", "credentialless"}, nil} {
		if got := pageCOEP(v); got != "" {
			t.Errorf("%q read as %q, want none", v, got)
		}
	}
}

// FuzzPageCOEP: any header line reads as no COEP or one of the two values
// the model knows, and an address of any shape as one of the spaces.
func FuzzPageCOEP(f *testing.F) {
	for _, s := range []string{"require-corp", `require-corp; report-to="e"`, "credentialless", "unsafe-none", " require-corp\t", "require-corp,credentialless", ""} {
		f.Add(s, "203.0.113.5")
	}
	f.Add("credentialless", "[::1]")
	f.Add("x", "10.0.0.1%eth0")
	f.Fuzz(func(t *testing.T, line, ip string) {
		switch got := pageCOEP([]string{line}); got {
		case "", fetch.COEPRequireCORP, fetch.COEPCredentialless:
		default:
			t.Fatalf("%q read as %q", line, got)
		}
		switch s := serverSpace(Entry{ServerIPAddress: ip}); s {
		case fetch.SpaceUnknown, fetch.SpacePublic, fetch.SpaceLocal, fetch.SpaceLoopback:
		default:
			t.Fatalf("%q: space %q", ip, s)
		}
	})
}
