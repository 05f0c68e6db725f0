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
	ThirdPartyOrigin        = "third-party-origin"
	LocalhostOrigin         = "localhost-origin"
	WildcardOrigin          = "wildcard-origin"
	WildcardWithCredentials = "wildcard-with-credentials"
	MissingVary             = "missing-vary"
	PermissivePreflight     = "permissive-preflight"
	HeaderInjection         = "header-injection"
	InvalidACAO             = "invalid-acao"
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

// Probe is one Origin to send, and the class it tests.
type Probe struct {
	Class  string
	Origin string
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
	n.domain = n.host
	if net.ParseIP(n.host) == nil {
		if d, err := publicsuffix.EffectiveTLDPlusOne(n.host); err == nil {
			n.domain = d
		}
	}
	n.self = n.scheme + "://" + hostport(n.host, n.port)
	return n
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

// Probes returns the attacker origins for a target URL, derived from its
// host and registrable domain. Each probes one class; a class may have
// several probes (the first that hits is reported).
func Probes(u *url.URL) []Probe {
	n := names(u)
	s := "https"
	if n.scheme == "http" {
		s = "http" // an http target is probed with http origins too
	}
	var ps []Probe
	add := func(class string, origins ...string) {
		for _, o := range origins {
			ps = append(ps, Probe{class, o})
		}
	}
	label, tld, _ := strings.Cut(n.domain, ".")
	add(ReflectAnyOrigin, s+"://"+attackerDomain)
	add(NullOrigin, "null")
	add(PrefixMatch, s+"://"+n.host+"."+attackerDomain, s+"://"+n.domain+"."+attackerDomain)
	add(SuffixMatch, s+"://corskit"+n.domain, s+"://corskit-"+n.domain)
	if tld != "" {
		add(SubstringMatch, s+"://"+n.domain[:len(n.domain)-1]) // example.co
		if len(label) > 2 {
			add(SubstringMatch, s+"://"+label[1:]+"."+tld) // xample.com
		}
	}
	// The dot a regex left unescaped: the first one (api.example.com ->
	// apixexample.com) and the last one (api.example.com -> api.examplexcom).
	if first := strings.Index(n.host, "."); first > 0 && n.host != n.domain {
		add(UnescapedDot, s+"://"+n.host[:first]+"x"+n.host[first+1:])
	}
	if last := strings.LastIndex(n.host, "."); last > 0 && net.ParseIP(n.host) == nil {
		add(UnescapedDot, s+"://"+n.host[:last]+"x"+n.host[last+1:])
	}
	for _, c := range specialChars {
		add(SpecialChars, s+"://"+n.host+c+"."+attackerDomain)
	}
	if n.scheme == "https" {
		add(InsecureScheme, "http://"+hostport(n.host, ""), "http://"+n.domain)
	}
	if n.host != n.domain || tld != "" {
		add(AnySubdomain, s+"://corskit-probe."+n.domain)
	}
	for _, h := range thirdPartyHosts {
		add(ThirdPartyOrigin, "https://"+h)
	}
	add(ThirdPartyOrigin, "http://jsbin.com", "http://www.webdevout.net")
	if !isLoopback(n.host) { // a local target trusting local pages is expected
		add(LocalhostOrigin, "http://localhost", "http://127.0.0.1", "http://localhost:3000", "http://127.0.0.1:8080")
	}
	return ps
}

// legitOrigins are origins a correctly configured server may well allow:
// the target's own and the usual front-end names of its domain. Allowing
// them is no finding, but their answers reveal missing Vary and permissive
// preflights.
func legitOrigins(u *url.URL) []string {
	n := names(u)
	out := []string{n.self}
	if n.domain != n.host || strings.Contains(n.domain, ".") {
		out = append(out, n.scheme+"://"+n.domain, n.scheme+"://www."+n.domain, n.scheme+"://app."+n.domain)
	}
	return out
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
