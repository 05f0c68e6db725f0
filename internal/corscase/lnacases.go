package corscase

import (
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/corskit/corskit/fetch"
)

// LNACases returns the Local Network Access cases. Their runs mark {page}
// (http://127.0.0.1:P1) public and {spage} (https://127.0.0.1:P2) local,
// as Chromium's --ip-address-space-overrides does (LNASpaces); {api}
// (localhost) and {v6} ([::1]) stay loopback. A public page's fetch to
// loopback or local is refused before anything is sent (headless Chromium
// denies the permission without asking); a local page's to loopback is
// not. WebKitGTK cannot be told the page is public: its run pins that it
// gates nothing.
func LNACases() []GateCase {
	webkitMixed := map[string]string{"webkit": blocked, "firefox": allowed} // http loopback from an https page: fetch.Profile.MixedContentBlocksLocalhost
	c := func(name, about, target, as string, secure bool, want string) GateCase {
		g := GateCase{Name: name, About: about, Target: target, As: as, Secure: secure, Want: want, PendingAfterMS: lnaPendingMS}
		if want == blocked {
			g.Engines = map[string]string{"webkit": allowed, "firefox": pending}
		}
		return g
	}
	return []GateCase{
		c("lna-public-to-loopback", "a public page's fetch() to localhost needs the loopback-network permission", "", "", false, blocked),
		c("lna-public-to-loopback-v6", "a public page's fetch() to [::1] needs the loopback-network permission", "{v6}/g/{case}/0", "", false, blocked),
		withEngines(c("lna-public-to-zero", "0.0.0.0 is loopback to Chromium's Local Network Access; Firefox and WebKit refuse the address from any page", "{zero-api}/g/{case}/0", "", false, blocked),
			map[string]string{"firefox": blocked, "webkit": blocked}),
		c("lna-public-to-local", "a public page's fetch() to a local address needs the local-network permission", "{spage}/g/{case}/0", "", false, blocked),
		c("lna-public-same-origin", "the page's own origin (public) needs no permission", samePage, "", false, allowed),
		withRedirect(c("lna-public-redirect-to-loopback", "a public same-origin URL redirected to loopback is refused at the redirect", samePage, "", false, blocked), "{api}/g/{case}/1"),
		withEngines(c("lna-local-to-loopback", "a local page's fetch() to localhost needs no permission (WebKit: mixed content, the page is https)", "", "", true, allowed), webkitMixed),
		withEngines(c("lna-local-to-loopback-v6", "a local page's fetch() to [::1] needs no permission (WebKit: mixed content, the page is https)", "{v6}/g/{case}/0", "", true, allowed), webkitMixed),
		c("lna-local-same-origin", "a local page's own origin needs none", "{spage}/g/{case}/0", "", true, allowed),
		// Last: a no-cors case's page stores a cookie for 127.0.0.1 (see
		// coepCookie), which the same-origin cases above would then send.
		c("lna-public-nocors", "a no-cors fetch() is gated too", "", AsNoCORS, false, blocked),
		c("lna-public-img", "an <img> is gated too, worded as an image", "", AsImg, false, blocked),
	}
}

// LNAGrantedCases are run with the public page granted the
// loopback-network permission only (GateServers.Granted): Chromium 145+
// then lets it call loopback, and still asks for a local address, which
// needs local-network.
func LNAGrantedCases() []GateCase {
	c := func(name, about, target, as, want string) GateCase {
		g := GateCase{Name: name, About: about, Target: target, As: as, Want: want, PendingAfterMS: lnaPendingMS}
		if want == blocked {
			g.Engines = map[string]string{"firefox": pending, "webkit": allowed}
		}
		return g
	}
	return []GateCase{
		c("lna-granted-loopback", "loopback-network granted: the public page's fetch() to localhost goes on", "", "", allowed),
		c("lna-granted-loopback-v6", "loopback-network granted: the fetch() to [::1] goes on", "{v6}/g/{case}/0", "", allowed),
		c("lna-granted-local-still-asks", "loopback-network does not cover a local address: local-network is asked", "{spage}/g/{case}/0", "", blocked),
		c("lna-granted-img", "loopback-network granted: an <img> from localhost loads", "", AsImg, allowed),
	}
}

// endpointPairs are the replacements of Normalize for the addresses
// Firefox's Local Network Access lines name in parentheses: "(127.0.0.1:P3)"
// for {api}, which it resolved, becomes "({api-addr})", and so on.
func (u GateURLs) endpointPairs() []string {
	var out []string
	for _, ep := range []struct{ raw, name string }{{u.API, "api"}, {u.V6, "v6"}, {u.SPage, "spage"}, {u.Page, "page"}, {u.Peer, "peer"}} {
		p, err := url.Parse(ep.raw)
		if err != nil {
			continue
		}
		host := strings.Trim(p.Hostname(), "[]")
		if host == "localhost" {
			host = "127.0.0.1"
		}
		out = append(out, "("+host+":"+p.Port()+")", "({"+ep.name+"-addr})")
	}
	return out
}

// pending is the outcome of a load still waiting for a permission prompt
// no one answers: Firefox's, in headless Firefox (fetch.Profile.LocalNetworkWaits).
const pending = "pending"

// lnaPendingMS is how long an LNA case's page waits before it calls a
// load pending: Chromium and WebKit settle every case within it.
const lnaPendingMS = 1500

// pendingRace is script (statements that set r) raced against a timer of
// ms milliseconds that sets r to the outcome "pending".
func pendingRace(script string, ms int) string {
	return fmt.Sprintf(`r = await Promise.race([(async () => { let r;
    %s
    return r; })(), new Promise(done => setTimeout(() => done({outcome: %q, status: 0}), %d))]);`, script, pending, ms)
}

// pendingIn says whether case c's load, which the model with profile p
// refused as res, is left pending in that engine: Local Network Access in
// an engine whose fetch waits on the prompt.
func pendingIn(p fetch.Profile, c GateCase, res *fetch.Result) bool {
	return c.PendingAfterMS > 0 && res.Err != nil && res.Err.Reason == fetch.ReasonLocalNetworkAccess && p.LocalNetworkWaits()
}

func withRedirect(c GateCase, to string) GateCase {
	c.Redirect = to
	return c
}

// LNASpaces is the address spaces of a run's endpoints for the LNA cases,
// keyed as fetch.Browser.AddressSpaceOverrides and Chromium's
// --ip-address-space-overrides ("127.0.0.1:P1").
func (u GateURLs) LNASpaces() map[string]fetch.AddressSpace {
	out := map[string]fetch.AddressSpace{}
	for raw, space := range map[string]fetch.AddressSpace{u.Page: fetch.SpacePublic, u.SPage: fetch.SpaceLocal} {
		if p, err := url.Parse(raw); err == nil {
			out[net.JoinHostPort(p.Hostname(), p.Port())] = space
		}
	}
	return out
}
