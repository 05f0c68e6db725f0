package fetch_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/internal/corscase"
	"github.com/corskit/corskit/origin"
)

// Chromium 145+'s split permissions (measured in 156 with CDP
// Browser.setPermission): loopback-network lets a public page call
// loopback only, local-network a private address only, and the old
// local-network-access name grants nothing.
func TestLocalNetworkPermissions(t *testing.T) {
	for _, tc := range []struct {
		name    string
		granted []string
		target  string
		gated   bool
	}{
		{"none, loopback", nil, "http://127.0.0.1:8080/x", true},
		{"none, local", nil, "http://192.168.1.20/x", true},
		{"loopback-network, loopback", []string{fetch.PermissionLoopbackNetwork}, "http://localhost:8080/x", false},
		{"loopback-network, local", []string{fetch.PermissionLoopbackNetwork}, "http://10.1.2.3/x", true},
		{"local-network, local", []string{fetch.PermissionLocalNetwork}, "http://10.1.2.3/x", false},
		{"local-network, loopback", []string{fetch.PermissionLocalNetwork}, "http://[::1]:8080/x", true},
		{"legacy name grants nothing", []string{"local-network-access"}, "http://127.0.0.1:8080/x", true},
		{"both", []string{fetch.PermissionLocalNetwork, fetch.PermissionLoopbackNetwork}, "http://127.0.0.1:8080/x", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sent := false
			tr := roundTripFunc(func(r *http.Request) (*http.Response, error) {
				sent = true
				return nil, errors.New("not here")
			})
			b := &fetch.Browser{Profile: fetch.Chromium, Transport: tr, LocalNetworkGranted: tc.granted}
			res, err := b.Fetch(context.Background(), fetch.Request{Origin: origin.MustParse("https://203.0.113.5"), URL: tc.target})
			if err != nil {
				t.Fatal(err)
			}
			gated := res.Err != nil && res.Err.Reason == fetch.ReasonLocalNetworkAccess
			if gated != tc.gated || gated == sent {
				t.Fatalf("gated %v (want %v), sent %v: %v", gated, tc.gated, sent, res.Err)
			}
		})
	}
}

// AddressSpaceOverrides does what Chromium's --ip-address-space-overrides
// does: a loopback page made public is gated calling loopback, a loopback
// server made local is a "local" target, and an override names ip:port.
func TestAddressSpaceOverrides(t *testing.T) {
	over := map[string]fetch.AddressSpace{"127.0.0.1:8000": fetch.SpacePublic, "127.0.0.1:9000": fetch.SpaceLocal, "[::1]:7000": fetch.SpacePublic}
	for _, tc := range []struct {
		page, target, want string
	}{
		{"http://127.0.0.1:8000", "http://localhost:8080/x", "loopback"},
		{"http://127.0.0.1:8000", "http://127.0.0.1:9000/x", "local"},
		{"http://127.0.0.1:8000", "http://[::1]:7000/x", ""}, // public to public
		{"http://127.0.0.1:9000", "http://localhost:8080/x", ""},
		{"http://127.0.0.1:8001", "http://localhost:8080/x", ""},
		{"http://[::1]:7000", "http://127.0.0.1:9000/x", "local"},
	} {
		tr := roundTripFunc(func(r *http.Request) (*http.Response, error) {
			return &http.Response{StatusCode: 200, Header: http.Header{"Access-Control-Allow-Origin": {"*"}}, Body: http.NoBody, Request: r}, nil
		})
		b := &fetch.Browser{Profile: fetch.Chromium, Transport: tr, AddressSpaceOverrides: over}
		res, err := b.Fetch(context.Background(), fetch.Request{Origin: origin.MustParse(tc.page), URL: tc.target})
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if res.Err != nil && res.Err.Reason == fetch.ReasonLocalNetworkAccess {
			got = res.Err.Value
		}
		if got != tc.want {
			t.Errorf("%s -> %s: gated for %q, want %q (%v)", tc.page, tc.target, got, tc.want, res.Err)
		}
	}
}

// Firefox ESR 153 gates as shipped: its lines (measured) name the page,
// the target and the address it resolved, while the prompt is up and when
// the page leaves it unanswered; the fetch waits on the prompt.
func TestLocalNetworkFirefox(t *testing.T) {
	tr := roundTripFunc(func(r *http.Request) (*http.Response, error) { return nil, errors.New("not here") })
	b := &fetch.Browser{Profile: fetch.Firefox, Transport: tr, AddressSpaceOverrides: map[string]fetch.AddressSpace{"127.0.0.1:42289": fetch.SpacePublic}}
	for _, tc := range []struct{ target, want, detected string }{
		{"http://localhost:44133/a", "Local Network Access permission required: top-level site “http://127.0.0.1:42289/page”, initiator “http://127.0.0.1:42289/page”, attempting to access target “http://localhost:44133/a” (127.0.0.1:44133) via fetch. Secure context: True",
			"Local Network Access detected: top-level site “http://127.0.0.1:42289/page”, initiator “http://127.0.0.1:42289/page”, accessing target “http://localhost:44133/a” (127.0.0.1:44133) via fetch. Secure context: True, prompt action: (null)"},
		{"http://[::1]:35891/b", "Local Network Access permission required: top-level site “http://127.0.0.1:42289/page”, initiator “http://127.0.0.1:42289/page”, attempting to access target “http://[::1]:35891/b” (::1:35891) via fetch. Secure context: True",
			"Local Network Access detected: top-level site “http://127.0.0.1:42289/page”, initiator “http://127.0.0.1:42289/page”, accessing target “http://[::1]:35891/b” (::1:35891) via fetch. Secure context: True, prompt action: (null)"},
	} {
		res, err := b.Fetch(context.Background(), fetch.Request{Origin: origin.MustParse("http://127.0.0.1:42289"), URL: tc.target,
			Page: &fetch.Page{URL: "http://127.0.0.1:42289/page"}})
		if err != nil {
			t.Fatal(err)
		}
		if res.Err == nil || res.Err.Reason != fetch.ReasonLocalNetworkAccess {
			t.Fatalf("%s: %v, want local-network-access", tc.target, res.Err)
		}
		if got := fetch.Firefox.ConsoleLines(res); len(got) != 2 || got[0] != tc.want || got[1] != tc.detected {
			t.Errorf("console %q\nwant %q, %q", got, tc.want, tc.detected)
		}
	}
	if !fetch.Firefox.LocalNetworkWaits() || fetch.Chromium.LocalNetworkWaits() {
		t.Error("Firefox's fetch waits on the prompt; headless Chromium's fails at once")
	}
}

// Firefox with loopback-network granted: the fetch goes on, and its line
// says the prompt was skipped (measured: "auto_allow").
func TestLocalNetworkFirefoxGranted(t *testing.T) {
	tr := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Header: http.Header{"Access-Control-Allow-Origin": {"*"}}, Body: http.NoBody, Request: r}, nil
	})
	b := &fetch.Browser{Profile: fetch.Firefox, Transport: tr, PageAddressSpace: fetch.SpacePublic, LocalNetworkGranted: []string{fetch.PermissionLoopbackNetwork}}
	res, err := b.Fetch(context.Background(), fetch.Request{Origin: origin.MustParse("https://app.example.com"), URL: "http://localhost:8080/x"})
	if err != nil {
		t.Fatal(err)
	}
	want := "Local Network Access detected: top-level site “https://app.example.com/”, initiator “https://app.example.com/”, accessing target “http://localhost:8080/x” (127.0.0.1:8080) via fetch. Secure context: True, prompt action: auto_allow"
	if got := fetch.Firefox.ConsoleLines(res); res.Err != nil || len(got) != 1 || got[0] != want {
		t.Errorf("err %v, console %q\nwant %q", res.Err, got, want)
	}
}

// TestLNARecorded: the model against the LNA cases as Chromium 156,
// Firefox ESR 153 and WebKitGTK 2.50 recorded them (conformance TestLNA*).
func TestLNARecorded(t *testing.T) {
	spaces := func(s *corscase.GateServers) { s.Spaces = s.URLs.LNASpaces() }
	matchRecorded(t, "lna", corscase.LNACases(), spaces)
	matchRecorded(t, "lna-granted", corscase.LNAGrantedCases(), spaces, func(s *corscase.GateServers) {
		s.Granted = []string{fetch.PermissionLoopbackNetwork}
	})
}

// 0.0.0.0 and [::]: Firefox and WebKit refuse them before connecting,
// from any page; Chromium counts them as loopback (a loopback page calls
// them, a public one needs loopback-network). Before, the model took
// them for public addresses and let every engine connect.
func TestUnspecifiedAddress(t *testing.T) {
	for _, target := range []string{"http://0.0.0.0:8080/x", "http://[::]:8080/x"} {
		for _, tc := range []struct {
			p    fetch.Profile
			page string
			want fetch.Reason
		}{
			{fetch.Firefox, "http://localhost:3000", fetch.ReasonUnspecifiedAddress},
			{fetch.WebKit, "http://localhost:3000", fetch.ReasonUnspecifiedAddress},
			{fetch.Chromium, "http://203.0.113.5", fetch.ReasonLocalNetworkAccess},
		} {
			sent := false
			tr := roundTripFunc(func(r *http.Request) (*http.Response, error) { sent = true; return nil, errors.New("not here") })
			b := &fetch.Browser{Profile: tc.p, Transport: tr}
			res, err := b.Fetch(context.Background(), fetch.Request{Origin: origin.MustParse(tc.page), URL: target})
			if err != nil {
				t.Fatal(err)
			}
			if res.Err == nil || res.Err.Reason != tc.want || sent {
				t.Errorf("%s from %s in %s: %v (sent %v), want %v", target, tc.page, tc.p.Name, res.Err, sent, tc.want)
			}
		}
	}
	if got := fetch.HostAddressSpace("0.0.0.0"); got != fetch.SpaceLoopback {
		t.Errorf("0.0.0.0 is %q, want loopback", got)
	}
}
