package audit

import (
	"net"
	"net/url"
	"strings"

	"golang.org/x/net/publicsuffix"
)

// The finding classes, by their stable ids.
const (
	ReflectAnyOrigin        = "reflect-any-origin"
	NullOrigin              = "null-origin"
	PrefixMatch             = "prefix-match"
	SuffixMatch             = "suffix-match"
	SubstringMatch          = "substring-match"
	UnescapedDot            = "unescaped-dot"
	SpecialChars            = "special-chars"
	InsecureScheme          = "insecure-scheme"
	AnySubdomain            = "any-subdomain"
	AnyPort                 = "any-port"
	ThirdPartyOrigin        = "third-party-origin"
	LocalhostOrigin         = "localhost-origin"
	TrailingDot             = "trailing-dot"
	WildcardOrigin          = "wildcard-origin"
	WildcardWithCredentials = "wildcard-with-credentials"
	MissingVary             = "missing-vary"
	PermissivePreflight     = "permissive-preflight"
	PrivateNetwork          = "private-network"
	HeaderInjection         = "header-injection"
	InvalidACAO             = "invalid-acao"
	CachePoisoning          = "cache-poisoning"
)

// attackerDomain is a registrable domain nobody but an attacker would
// own; reserved names (.example) keep probes from pointing at real sites.
const attackerDomain = "corskit-attacker.example"

// specialChars are characters that some browsers (Safari, historically
// others) accept in a host's subdomain labels, so that
// "https://example.com`.attacker.example" is a page an attacker can serve,
// while a sloppy check reads it as example.com.
var specialChars = []string{"`", "_", "-", "\"", "{", "}", "^", "!", "~", "$", "=", "+", "&", "'", "(", ")", "*", ",", ";", "|", "%60", "%0b"}

// thirdPartyHosts are sites where anyone can publish script under the
// site's own origin or a subdomain of it.
var thirdPartyHosts = []string{
	"corskit-probe.github.io", "corskit-probe.herokuapp.com", "corskit-probe.s3.amazonaws.com",
	"s3.amazonaws.com", "corskit-probe.netlify.app", "corskit-probe.vercel.app", "corskit-probe.pages.dev",
	"corskit-probe.web.app", "corskit-probe.firebaseapp.com", "corskit-probe.glitch.me",
	"corskit-probe.azurewebsites.net", "corskit-probe.appspot.com", "corskit-probe.cloudfront.net",
	"jsfiddle.net", "fiddle.jshell.net", "codepen.io", "cdpn.io", "jsbin.com", "codesandbox.io",
	"raw.githubusercontent.com", "gist.githubusercontent.com", "github.com", "gitlab.com", "pastebin.com",
	"repl.it", "corskit-probe.repl.co", "www.webdevout.net",
}

// devPorts are the ports local development servers listen on by default
// (Express and Rails 3000, Angular 4200, Vite 5173, Django 8000, many 8080).
var devPorts = []string{"", ":3000", ":4200", ":5173", ":8000", ":8080"}

// discoveryLabels are the names a front end of the target's domain
// usually has.
var discoveryLabels = []string{"", "www.", "app.", "admin.", "dev.", "staging."}

// Probe is one Origin to send, and the class it tests.
type Probe struct {
	Class  string
	Origin string
	// base is the allowed origin's host the probe was derived from (""
	// for probes built from the target alone).
	base string
}

// targetNames are the names probes are derived from.
type targetNames struct {
	scheme string // of the target
	host   string // without port, lowercase
	port   string // "" when default
	domain string // registrable domain (the host itself for IPs and single labels)
	self   string // the target's own origin
}

func names(u *url.URL) targetNames {
	n := targetNames{scheme: strings.ToLower(u.Scheme), host: strings.ToLower(u.Hostname()), port: u.Port()}
	if (n.scheme == "http" && n.port == "80") || (n.scheme == "https" && n.port == "443") {
		n.port = ""
	}
	n.domain = registrable(n.host)
	n.self = n.scheme + "://" + hostport(n.host, n.port)
	return n
}

// registrable returns host's registrable domain (eTLD+1), or host itself
// for IP addresses, single labels and public suffixes.
func registrable(host string) string {
	if net.ParseIP(host) != nil {
		return host
	}
	if d, err := publicsuffix.EffectiveTLDPlusOne(host); err == nil {
		return d
	}
	return host
}

func hostport(host, port string) string {
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port == "" {
		return host
	}
	return host + ":" + port
}

func isIP(host string) bool { return net.ParseIP(strings.Trim(host, "[]")) != nil }

// Probes returns the attacker origins derived from the target's own host
// and registrable domain. The audit also derives the same kinds of probes
// from every origin it finds allowed (see AroundOrigin).
func Probes(u *url.URL) []Probe {
	n := names(u)
	s := "https"
	if n.scheme == "http" {
		s = "http" // an http target is probed with http origins too
	}
	var ps []Probe
	add := func(class string, origins ...string) {
		for _, o := range origins {
			ps = append(ps, Probe{Class: class, Origin: o})
		}
	}
	label, tld, _ := strings.Cut(n.domain, ".")
	add(ReflectAnyOrigin, s+"://"+attackerDomain)
	add(NullOrigin, "null")
	if n.host != n.domain || tld != "" {
		add(AnySubdomain, s+"://corskit-probe."+n.domain)
	}
	add(PrefixMatch, s+"://"+n.host+"."+attackerDomain, s+"://"+n.domain+"."+attackerDomain,
		// "localhost" as a label: a check for /^https?:\/\/localhost/ accepts it.
		"http://localhost."+attackerDomain, "https://localhost."+attackerDomain)
	add(SuffixMatch, s+"://corskit"+n.domain, s+"://corskit-"+n.domain)
	if tld != "" && !isIP(n.host) {
		// Contained in the target's origin: "https://api.example.com".includes(origin).
		add(SubstringMatch, s+"://"+n.host[:len(n.host)-1])
		if n.host != n.domain {
			add(SubstringMatch, s+"://"+n.domain[:len(n.domain)-1]) // example.co
		}
		if len(label) > 2 {
			add(SubstringMatch, s+"://"+label[1:]+"."+tld) // xample.com
		}
	}
	ps = append(ps, unescapedDots(s, n.host)...)
	for _, c := range specialChars {
		add(SpecialChars, s+"://"+n.host+c+"."+attackerDomain)
	}
	if n.scheme == "https" {
		add(InsecureScheme, "http://"+hostport(n.host, ""), "http://"+n.domain)
	}
	for _, h := range thirdPartyHosts {
		add(ThirdPartyOrigin, "https://"+h)
	}
	add(ThirdPartyOrigin, "http://jsbin.com", "http://www.webdevout.net")
	return ps
}

// unescapedDots replaces each dot of host in turn (at most four) by a
// letter: the hosts a regex with that dot unescaped accepts. The last
// dot's variant ("api.examplexcom") is one no suffix check on the
// registrable domain accepts; the others may be explained by a suffix or
// subdomain check, which the audit sorts out before reporting.
func unescapedDots(scheme, host string) []Probe {
	if isIP(host) {
		return nil
	}
	var ps []Probe
	for i, k := 0, 0; i < len(host) && k < 4; i++ {
		if host[i] == '.' {
			ps = append(ps, Probe{Class: UnescapedDot, Origin: scheme + "://" + host[:i] + "x" + host[i+1:]})
			k++
		}
	}
	return ps
}

// AroundOrigin returns the probes derived from an origin the server
// allows: the holes people write are in the patterns that match *it*
// (a regex for app.example.com unanchored or with unescaped dots).
func AroundOrigin(o string) []Probe {
	u, err := url.Parse(o)
	if err != nil || u.Host == "" {
		return nil
	}
	s, h, p := u.Scheme, strings.ToLower(u.Hostname()), u.Port()
	hp := hostport(h, p)
	var ps []Probe
	add := func(class string, origins ...string) {
		for _, x := range origins {
			ps = append(ps, Probe{Class: class, Origin: x, base: h})
		}
	}
	add(PrefixMatch, s+"://"+h+"."+attackerDomain)
	if !isIP(h) {
		add(SuffixMatch, s+"://corskit"+h)
		if d := registrable(h); d != h {
			add(SuffixMatch, s+"://corskit"+d)
		}
		if strings.Contains(h, ".") {
			add(SubstringMatch, s+"://"+h[:len(h)-1])
		}
		for _, q := range unescapedDots(s, h) {
			add(q.Class, q.Origin)
		}
		add(TrailingDot, s+"://"+hostport(h+".", p))
	}
	for _, c := range specialChars {
		add(SpecialChars, s+"://"+h+c+"."+attackerDomain)
	}
	if s == "https" {
		add(InsecureScheme, "http://"+hp)
	}
	if p != "1337" {
		add(AnyPort, s+"://"+h+":1337")
	}
	return ps
}

// candidates are origins a correctly configured server may well allow:
// the target's own, the usual front-end names of its domain, and those
// the user names. Allowing them is no finding, but they are what the
// allowlist is made of, and the fix keeps them.
func candidates(u *url.URL, extra []string) []string {
	n := names(u)
	out := []string{n.self}
	if (n.domain != n.host || strings.Contains(n.domain, ".")) && !isIP(n.host) {
		for _, l := range discoveryLabels {
			out = append(out, n.scheme+"://"+l+n.domain)
		}
	}
	return append(out, extra...)
}

// localhostOrigins are local development origins: a deployment that
// trusts them trusts whatever runs on the user's machine.
func localhostOrigins() []string {
	var out []string
	for _, p := range devPorts {
		out = append(out, "http://localhost"+p)
	}
	return append(out, "http://127.0.0.1", "http://127.0.0.1:8080")
}

// injectionOrigins carry encoded line breaks followed by a header of our
// own: a server that decodes and reflects them splits its response.
func injectionOrigins(u *url.URL) []string {
	n := names(u)
	return []string{
		n.self + "%0d%0aX-Corskit-Injected:%201",
		n.self + "%0aX-Corskit-Injected:%201",
		n.self + "%E5%98%8A%E5%98%8DX-Corskit-Injected:%201",
	}
}

func isLoopback(host string) bool {
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func hostOf(o string) string {
	u, err := url.Parse(o)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Hostname())
}
