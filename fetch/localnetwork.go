package fetch

import (
	"net/netip"
	"net/url"
	"strconv"
	"strings"

	"github.com/corskit/corskit/origin"
	"github.com/corskit/corskit/reason"
)

// AddressSpace is where a host lies for Local Network Access: Chromium
// 142+ and Firefox ESR 153 ask the user's permission before a public page
// may fetch from a local or loopback address (see LocalNetworkGate). No
// response header grants it: Access-Control-Request-Private-Network and
// Access-Control-Allow-Private-Network, from the abandoned Private Network
// Access preflights, play no part (measured: Chromium 156 sends no
// preflight and refuses the fetch though the server answers
// Access-Control-Allow-Private-Network: true), and the model neither sends
// nor checks them.
type AddressSpace string

// The address spaces, most private first. Unknown is a host name the model
// does not resolve.
const (
	SpaceLoopback AddressSpace = "loopback" // 127.0.0.0/8, ::1, localhost
	SpaceLocal    AddressSpace = "local"    // private and link-local: 10/8, 172.16/12, 192.168/16, 169.254/16, fc00::/7, fe80::/10
	SpacePublic   AddressSpace = "public"
	SpaceUnknown  AddressSpace = ""
)

// HostAddressSpace is the address space of host as an origin or URL holds
// it: an IP address (IPv6 in brackets) by its range, "localhost" and names
// under ".localhost" loopback, any other name Unknown.
func HostAddressSpace(host string) AddressSpace {
	if origin.IsLoopbackHost(host) {
		return SpaceLoopback
	}
	ip := strings.Trim(host, "[]")
	if ip == "" || (ip[0] < '0' || ip[0] > '9') && !strings.Contains(ip, ":") {
		// Not an IP address (netip.ParseAddr reads an IPv4 address only
		// from a digit, an IPv6 one only with a colon), and the error it
		// would build is the only allocation here.
		return SpaceUnknown
	}
	a, err := netip.ParseAddr(ip)
	switch {
	case err != nil:
		return SpaceUnknown
	case a.IsUnspecified():
		// 0.0.0.0 and :: reach the machine itself: Chromium 156 names
		// them loopback (measured: conformance lna-public-to-zero); the
		// other engines refuse them outright (RefusesUnspecifiedAddress).
		return SpaceLoopback
	case a.IsPrivate() || a.IsLinkLocalUnicast():
		return SpaceLocal
	}
	return SpacePublic
}

func (s AddressSpace) rank() int {
	switch s {
	case SpaceLoopback:
		return 0
	case SpaceLocal:
		return 1
	case SpacePublic:
		return 2
	}
	return -1
}

// LocalNetworkGate says whether a page in address space page needs the
// user's Local Network Access permission to fetch from a host in address
// space target: a public page calling a local or loopback address. A local
// page calling loopback needs none: measured in Chromium 156 (the page
// marked local with --ip-address-space-overrides, its requests' client
// security state saying Local) and Firefox ESR 153 (the same with
// network.lna.address_space.private.override), both fetch without asking.
// An Unknown space on either side needs none (the model cannot tell).
func LocalNetworkGate(page, target AddressSpace) bool {
	return page == SpacePublic && target.rank() >= 0 && target.rank() < page.rank()
}

// localNetworkCheck is the failure of a fetch to u that Local Network
// Access stopped before anything was sent, or nil: the page is public, u
// is local or loopback, and the user has not granted the permission that
// u's space needs (LocalNetworkPermission).
func (f *fetcher) localNetworkCheck(u *url.URL) *Error {
	if f.p.RefusesUnspecifiedAddress && isUnspecified(u.Hostname()) {
		return &Error{Reason: ReasonUnspecifiedAddress, Value: strings.Trim(u.Hostname(), "[]")}
	}
	if !f.p.LocalNetworkAccess {
		return nil
	}
	page := f.b.PageAddressSpace
	if page == SpaceUnknown {
		page = f.page.space
		if len(f.b.AddressSpaceOverrides) > 0 {
			port := ""
			if f.req.Origin.Port() != 0 {
				port = strconv.Itoa(f.req.Origin.Port())
			}
			page = f.b.spaceOverride(f.req.Origin.Scheme(), f.req.Origin.Host(), port, page)
		}
	}
	target := f.b.spaceOverride(u.Scheme, u.Hostname(), u.Port(), SpaceUnknown)
	if target == SpaceUnknown {
		target = HostAddressSpace(u.Hostname())
	}
	if page.rank() < 0 || target.rank() < 0 || target.rank() >= page.rank() {
		return nil
	}
	gated := LocalNetworkGate(page, target)
	granted := gated && f.b.granted(LocalNetworkPermission(target))
	f.res.LocalNetwork = append(f.res.LocalNetwork, LocalNetworkHop{URL: f.b.urlString(u), Page: page, Target: target, Granted: granted})
	if !gated || granted {
		return nil
	}
	return &Error{Reason: ReasonLocalNetworkAccess, Value: string(target)}
}

// isUnspecified reports whether host is 0.0.0.0 or :: (in brackets or not).
func isUnspecified(host string) bool {
	a, err := netip.ParseAddr(strings.Trim(host, "[]"))
	return err == nil && a.Unmap().IsUnspecified()
}

// localNetworkDetail is Chromium's text for a denied permission (measured
// in headless Chromium 156, which denies it without asking).
func localNetworkDetail(space string) string { return reason.ChromiumLocalNetworkDetail(space) }

// pageInfo is what the model derives from a page's origin, computed once
// per Browser and origin rather than once per fetch: a Browser usually
// serves one page (corstest.Page, a HAR replay, the audit's scan of one
// origin).
type pageInfo struct {
	origin     origin.Origin
	serialized string       // origin.String()
	site       string       // origin.Site(), the HTTP cache's partition
	space      AddressSpace // HostAddressSpace(origin.Host())
}

// pageInfo returns the page information of o, from b's memo of the last
// origin when it is o.
func (b *Browser) pageInfo(o origin.Origin) *pageInfo {
	if pi := b.page.Load(); pi != nil && pi.origin == o {
		return pi
	}
	pi := &pageInfo{origin: o, serialized: o.String(), site: o.Site(), space: HostAddressSpace(o.Host())}
	b.page.Store(pi)
	return pi
}
