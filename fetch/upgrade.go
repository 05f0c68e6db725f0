package fetch

import (
	"net"
	"net/netip"
	"net/url"
	"strings"

	"github.com/corskit/corskit/reason"
)

// Upgradable mixed content: an https page's http <img> (audio and video
// too, in the Mixed Content standard) is not blocked as a fetch() is: the
// engines load it over https instead (same host and port), and that load
// is what succeeds or fails. A loopback host is not upgraded (it has no
// certificate to speak of): the image loads over http. Measured in
// Chromium 156, Firefox ESR 153 and WebKitGTK 2.50 (conformance
// TestUpgrade*).

// MixedUpgrade is what an https page did with the http URL of an
// upgradable load: loaded it over https (Upgraded), or as it is (Kept
// says why).
type MixedUpgrade struct {
	URL      string // the http URL the page named
	Upgraded bool
	Kept     string // "", KeptLoopback or KeptIPPage
}

// Why an upgradable http URL was loaded as it is.
const (
	// KeptLoopback: the URL's host is localhost or a loopback address.
	// Chromium and Firefox count it potentially trustworthy; WebKitGTK
	// does not (a fetch() there is blocked) but loads the image all the
	// same, with a warning.
	KeptLoopback = "loopback"
	// KeptIPPage: the page's own host is an IP address, where Firefox
	// upgrades nothing and loads the image over http (case
	// upgrade-img-ip-page; Chromium and WebKit upgrade it).
	KeptIPPage = "ip-page"
)

// upgradable reports whether a load to d is upgradable mixed content.
func upgradable(d Destination) bool { return d == DestinationImage }

// upgradeMixed returns the URL an https page's upgradable load of u
// goes to, noting in the result what was done; other loads keep u.
func (f *fetcher) upgradeMixed(u *url.URL) *url.URL {
	if f.req.Page == nil || u.Scheme != "http" || !upgradable(f.req.Destination) {
		return u
	}
	page, err := pageURL(&f.req)
	if err != nil || page.Scheme != "https" {
		return u
	}
	m := &MixedUpgrade{URL: u.String()}
	f.res.MixedUpgrade = m
	switch {
	case loopbackHost(u.Hostname()):
		m.Kept = KeptLoopback
		return u
	case f.p.Messages == EngineFirefox && f.p.Name != Spec.Name && isIPAddress(page.Hostname()):
		m.Kept = KeptIPPage
		return u
	}
	m.Upgraded = true
	up := *u
	up.Scheme = "https"
	if up.Port() == "80" {
		up.Host = strings.TrimSuffix(up.Host, ":80")
	}
	return &up
}

// keptMixed reports whether the first URL of the fetch is an upgradable
// http load the engine kept as it is: not blocked as mixed content.
func (f *fetcher) keptMixed(redirected bool) bool {
	return !redirected && f.res.MixedUpgrade != nil && f.res.MixedUpgrade.Kept != ""
}

// loopbackHost: localhost, a name under .localhost, or a loopback address.
func loopbackHost(host string) bool {
	host = strings.ToLower(host)
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.Unmap().IsLoopback()
}

func isIPAddress(host string) bool { return net.ParseIP(host) != nil }

// upgradeConsole is the engine's line for an upgradable load, printed
// before any other line of the load.
func (p Profile) upgradeConsole(r *Result) []string {
	m := r.MixedUpgrade
	if m == nil {
		return nil
	}
	page := ""
	if u, err := pageURL(&r.Request); err == nil {
		page = u.String()
	}
	switch p.Messages {
	case EngineFirefox:
		if m.Upgraded {
			return []string{reason.FirefoxMixedUpgradedLine(m.URL)}
		}
		return nil
	case EngineWebKit:
		if m.Upgraded {
			return []string{reason.WebKitMixedUpgradedLine(page, m.URL)}
		}
		return []string{reason.WebKitMixedKeptLine(page, m.URL)}
	}
	if m.Upgraded {
		return []string{reason.ChromiumMixedUpgradedLine(page, m.URL)}
	}
	u, _ := url.Parse(m.URL)
	return []string{reason.ChromiumMixedKeptLine(page, m.URL, u != nil && isIPAddress(u.Hostname()))}
}
