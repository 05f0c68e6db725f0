package corscase

import (
	"net/url"
)

// UpgradeHost is the host name the upgradable mixed-content cases load
// over http from an https page: a name (an IP address or localhost would
// be potentially trustworthy, and not mixed content) that each engine is
// told to resolve to 127.0.0.1 (Chromium's --host-resolver-rules,
// Firefox's network.dns.localDomains, a proxy for WebKitGTK). {tls-host}
// is it at the port of the https page's server, which answers https;
// {plain-host} at the API's port, which answers plain http only.
const UpgradeHost = "img.test"

// PageHost is the name of the https page of the upgrade cases, resolved
// as UpgradeHost is: Firefox upgrades no http <img> on a page whose host
// is an IP address (measured), so the page must have a name.
const PageHost = "page.test"

// namedHost is host at the port of base.
func (u GateURLs) namedHost(base, host string) string {
	p, err := url.Parse(base)
	if err != nil || base == "" {
		return host
	}
	return host + ":" + p.Port()
}

// UpgradeCases returns the upgradable mixed-content cases: an https page
// ({spage}) loading http URLs. An <img> is upgradable mixed content:
// rather than blocked, its URL is loaded over https (same host and port),
// and that load is what succeeds or fails. A fetch() is blockable: it is
// refused before anything is sent, no-cors or not.
func UpgradeCases() []GateCase {
	img := func(name, about, target string, want string) GateCase {
		return GateCase{Name: name, About: about, NamedPage: true, As: AsImg, Target: target, Want: want}
	}
	return []GateCase{
		img("upgrade-img-https", "an http <img> on an https page is loaded over https, which answers", "http://{tls-host}/g/{case}/0", allowed),
		img("upgrade-img-no-https", "an http <img> on an https page is loaded over https, which the server does not speak: the image fails", "http://{plain-host}/g/{case}/0", blocked),
		{Name: "upgrade-img-crossorigin", About: "an http <img crossorigin> is upgraded too, then CORS on the https answer", NamedPage: true, As: AsImg,
			CrossOrigin: "anonymous", Target: "http://{tls-host}/g/{case}/0", Want: allowed},
		{Name: "upgrade-img-orb", About: "an upgraded <img> whose https answer is JSON: Opaque Response Blocking then", NamedPage: true, As: AsImg,
			Answer: &Answer{ContentType: "application/json", Body: "json"}, NoACAO: true, Target: "http://{tls-host}/g/{case}/0", Want: blocked},
		{Name: "upgrade-nocors-fetch", About: "a no-cors fetch() of http on an https page is blockable: refused, not upgraded", NamedPage: true, As: AsNoCORS,
			Target: "http://{tls-host}/g/{case}/0", Want: blocked},
		{Name: "upgrade-fetch", About: "a fetch() of http on an https page is blockable: refused, not upgraded", NamedPage: true,
			Target: "http://{tls-host}/g/{case}/0", Want: blocked},
		img("upgrade-img-loopback", "an http <img> on 127.0.0.1 is not upgraded: loaded over http", "{page}/g/{case}/0", allowed),
		img("upgrade-img-localhost", "an http <img> on localhost is not upgraded: loaded over http", "{api}/g/{case}/0", allowed),
		{Name: "upgrade-img-ip-page", About: "an https page on an IP address: Firefox upgrades no http <img> there, and loads it over http (the others upgrade it, to a server that speaks no https)",
			Secure: true, As: AsImg, Target: "http://{plain-host}/g/{case}/0", Want: blocked, Engines: map[string]string{"firefox": allowed}},
		img("upgrade-img-https-direct", "an https <img> on an https page: nothing to upgrade", "https://{tls-host}/g/{case}/0", allowed),
	}
}
