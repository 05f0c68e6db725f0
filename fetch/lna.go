package fetch

import (
	"net"
	"net/url"
	"slices"
	"strings"

	"github.com/corskit/corskit/origin"
	"github.com/corskit/corskit/reason"
)

// Local Network Access as data per engine: which permission a target
// space needs, what the engine does while it asks, and what it prints.
// Measured in headless Chromium 156 and Firefox ESR 153 with the page
// marked public (conformance TestLNAChromium; CONFORMANCE.md).

// The Local Network Access permissions (Permissions API names). Chromium
// 145+ split the one permission of 142 ("local-network-access", still
// queryable in 156 but granting nothing: measured) in two, one per target
// space; Firefox ESR 153 knows the same two names.
const (
	PermissionLoopbackNetwork = "loopback-network" // a public page calling 127.0.0.0/8, ::1, localhost
	PermissionLocalNetwork    = "local-network"    // a public page calling a private or link-local address
)

// LocalNetworkPermission is the permission a fetch to an address in
// space target needs from a public page ("" when none does).
func LocalNetworkPermission(target AddressSpace) string {
	switch target {
	case SpaceLoopback:
		return PermissionLoopbackNetwork
	case SpaceLocal:
		return PermissionLocalNetwork
	}
	return ""
}

// LocalNetworkWaits says whether, in engine p, a fetch that needs a Local
// Network Access permission the user has not answered waits for the answer
// (the promise stays pending while the prompt is up) rather than failing
// at once. Firefox ESR 153: it waits, and headless Firefox never answers
// (measured: still pending after 20 s). Headless Chromium 156 denies the
// permission without asking and the fetch fails at once; a Chromium with
// a window shows the prompt and waits too.
func (p Profile) LocalNetworkWaits() bool { return p.Messages == EngineFirefox }

// LocalNetworkHop is a URL a fetch went to in a more private address space
// than its page's: Target is Local or Loopback, Page Public or Local.
type LocalNetworkHop struct {
	URL          string
	Page, Target AddressSpace
	// Granted: the hop needed a permission, and the user had granted it.
	Granted bool
}

// spaceOverride is the space AddressSpaceOverrides gives host:port (port
// "" meaning the scheme's default), or def.
func (b *Browser) spaceOverride(scheme, host, port string, def AddressSpace) AddressSpace {
	if len(b.AddressSpaceOverrides) == 0 {
		return def
	}
	if port == "" {
		port = defaultPort(scheme)
	}
	if s, ok := b.AddressSpaceOverrides[net.JoinHostPort(strings.Trim(host, "[]"), port)]; ok {
		return s
	}
	return def
}

// granted reports whether the user granted permission perm to the page.
func (b *Browser) granted(perm string) bool {
	return perm != "" && slices.Contains(b.LocalNetworkGranted, perm)
}

// localNetworkConsole is the engine's console lines for a fetch that Local
// Network Access stopped. Chromium words it as a CORS failure (Detail);
// Firefox warns while its prompt is up, and again, saying how the prompt
// ended ("(null)": the page went away with it unanswered), when it goes
// (firefoxLocalNetwork); WebKitGTK 2.50 has no such gate.
func (p Profile) localNetworkConsole(r *Result) []string {
	if r.Err.Reason == ReasonUnspecifiedAddress {
		return p.unspecifiedConsole(r)
	}
	switch p.Messages {
	case EngineFirefox:
		return p.firefoxLocalNetwork(r)
	case EngineWebKit:
		return nil
	}
	return p.forDestination(r, []string{r.Err.ConsoleMessage()})
}

// unspecifiedConsole is the engine's lines for a fetch to 0.0.0.0 it
// refused: WebKit names the host; Firefox fails the connection, which it
// reports for a cross-origin CORS request only (as any network error).
func (p Profile) unspecifiedConsole(r *Result) []string {
	e := r.Err
	switch p.Messages {
	case EngineWebKit:
		return []string{reason.WebKitRestrictedHostLine(e.Value, e.URL)}
	case EngineFirefox:
		if u, err := url.Parse(e.URL); err == nil && r.Request.Mode == ModeCORS && !r.Request.Origin.SameOrigin(origin.FromURL(u)) {
			return []string{reason.FirefoxLineStatus(e.URL, reason.FirefoxRequestFailed, "(null)")}
		}
	}
	return nil
}

// firefoxLocalNetwork is Firefox's Local Network Access lines for r: for
// each URL in a more private space than the page's, "permission required"
// when it asked (the hop that failed), then "detected" with the prompt's
// action: "auto_allow" when the permission was granted beforehand, "(null)"
// when none was asked or none answered (measured: a local page's fetch to
// loopback logs that line alone, and goes on).
func (p Profile) firefoxLocalNetwork(r *Result) []string {
	if p.Messages != EngineFirefox || len(r.LocalNetwork) == 0 {
		return nil
	}
	page, err := pageURL(&r.Request)
	if err != nil {
		return nil
	}
	via := "fetch"
	if r.Request.Destination == DestinationImage {
		via = "http"
	}
	secure := p.PotentiallyTrustworthy(page)
	var out []string
	for i, h := range r.LocalNetwork {
		asked := i == len(r.LocalNetwork)-1 && r.Err != nil && r.Err.Reason == ReasonLocalNetworkAccess
		if asked {
			out = append(out, reason.FirefoxLocalNetworkLine(page.String(), h.URL, firefoxEndpoint(h.URL), via, secure))
		}
		action := "(null)"
		if h.Granted {
			action = "auto_allow" // measured: the permission granted beforehand
		}
		out = append(out, reason.FirefoxLocalNetworkDetected(page.String(), h.URL, firefoxEndpoint(h.URL), via, secure, action))
	}
	return out
}

// firefoxEndpoint is the "address:port" Firefox names in its Local Network
// Access warning: the URL's IP address (IPv6 without brackets), localhost
// as 127.0.0.1, and the scheme's default port when the URL has none.
func firefoxEndpoint(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	host := u.Hostname()
	if HostAddressSpace(host) == SpaceLoopback && net.ParseIP(host) == nil {
		host = "127.0.0.1"
	}
	port := u.Port()
	if port == "" {
		port = defaultPort(u.Scheme)
	}
	return host + ":" + port
}
