package fetch

import (
	"net/url"
	"strings"
)

// A Content Security Policy is read as CSP Level 3 says (§2.2 "Policies",
// §6.7 "Matching"): only what decides whether a load may go, that is the
// directive of its kind (connect-src for fetch(); cspdirective.go for the
// others) and its fallbacks down to default-src. The parser never fails:
// browsers ignore what they cannot read, and so does it.

// Bounds on a page's policy: the model reads at most this much of it and
// ignores the rest, so hostile input costs bounded work.
const (
	maxCSPBytes      = 64 << 10 // of all the page's policy header values together
	maxCSPDirectives = 64       // per policy
	maxCSPSources    = 256      // per directive
)

// CSPPolicy is one policy: one Content-Security-Policy (or -Report-Only)
// header value, or one element of a comma-separated value.
type CSPPolicy struct {
	Directives []CSPDirective
	ReportOnly bool   // from Content-Security-Policy-Report-Only: a violation is a warning
	Text       string // the serialized policy, trimmed
}

// CSPDirective is one directive of a policy.
type CSPDirective struct {
	Name    string   // lowercased, as browsers match it
	Sources []string // the source expressions, as written
	// Text is the directive as Chromium quotes it: the name lowercased,
	// one space, the value as written (spaces inside kept).
	Text string
}

// ParseCSP parses the values of a page's Content-Security-Policy header
// (reportOnly: Content-Security-Policy-Report-Only). Each header line, and
// each comma-separated element of one, is a policy. Empty directives and a
// directive named twice (its second occurrence) are ignored, as browsers
// do, and so is anything beyond the package's bounds.
func ParseCSP(values []string, reportOnly bool) []CSPPolicy {
	var out []CSPPolicy
	budget := maxCSPBytes
	for _, v := range values {
		if len(v) > budget {
			v = v[:budget]
		}
		budget -= len(v)
		for _, serialized := range strings.Split(v, ",") {
			if p := parsePolicy(serialized); len(p.Directives) > 0 {
				p.ReportOnly = reportOnly
				p.Text = strings.TrimFunc(serialized, isASCIIWhitespace)
				out = append(out, p)
			}
		}
		if budget == 0 {
			break
		}
	}
	return out
}

// parsePolicy parses one serialized policy (CSP3 §2.2.1).
func parsePolicy(s string) CSPPolicy {
	var p CSPPolicy
	for _, token := range strings.Split(s, ";") {
		fields := strings.FieldsFunc(token, isASCIIWhitespace)
		if len(fields) == 0 {
			continue
		}
		name := asciiLower(fields[0])
		if !isDirectiveName(name) || p.directive(name) != nil {
			continue
		}
		sources := fields[1:]
		if len(sources) > maxCSPSources {
			sources = sources[:maxCSPSources]
		}
		text := name
		if value := strings.TrimFunc(strings.TrimLeftFunc(token, isASCIIWhitespace)[len(fields[0]):], isASCIIWhitespace); value != "" {
			text += " " + value
		}
		p.Directives = append(p.Directives, CSPDirective{Name: name, Sources: sources, Text: text})
		if len(p.Directives) == maxCSPDirectives {
			break
		}
	}
	return p
}

// FirefoxText is the directive as Firefox quotes it: each part
// lowercased (keywords, schemes, hosts) but paths, one space apart.
func (d *CSPDirective) FirefoxText() string {
	parts := append(make([]string, 0, 1+len(d.Sources)), d.Name)
	for _, src := range d.Sources {
		lower := asciiLower(src)
		if i := strings.Index(lower, "://"); i >= 0 {
			if j := strings.IndexByte(lower[i+3:], '/'); j >= 0 {
				lower = lower[:i+3+j] + src[i+3+j:]
			}
		}
		parts = append(parts, lower)
	}
	return strings.Join(parts, " ")
}

// asciiLower lowercases ASCII letters only, as CSP compares names, schemes
// and hosts; other bytes, valid UTF-8 or not, are kept as they are.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

func isASCIIWhitespace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\f' || r == '\r'
}

// isDirectiveName: ALPHA / DIGIT / "-" (CSP3's directive-name).
func isDirectiveName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return s != ""
}

// directive returns the policy's directive called name, or nil.
func (p *CSPPolicy) directive(name string) *CSPDirective {
	for i := range p.Directives {
		if p.Directives[i].Name == name {
			return &p.Directives[i]
		}
	}
	return nil
}

// ConnectDirective is the directive that governs fetch() in p: connect-src,
// or default-src when connect-src is absent (fallback is then true); nil
// when p has neither and allows any connection.
func (p *CSPPolicy) ConnectDirective() (d *CSPDirective, fallback bool) {
	d, effective := p.DirectiveFor(KindFetch) // cspdirective.go
	return d, d != nil && d.Name != effective
}

// Allows reports whether the source list of d matches u for a page of
// origin page, on the request's redirectCount-th hop (paths are ignored
// after a redirect, CSP3 §6.7.2.8).
func (d *CSPDirective) Allows(u *url.URL, page *url.URL, redirected bool) bool {
	for _, src := range d.Sources {
		if sourceMatches(src, u, page, redirected) {
			return true
		}
	}
	return false
}

// sourceMatches is CSP3 §6.7.2.8 "Does url match expression in origin with
// redirect count?" for one expression.
func sourceMatches(src string, u, page *url.URL, redirected bool) bool {
	lower := asciiLower(src)
	switch {
	case lower == "*":
		return u.Scheme == "http" || u.Scheme == "https" || u.Scheme == page.Scheme
	case lower == "'self'":
		return selfMatches(u, page)
	case strings.HasPrefix(lower, "'"):
		return false // 'none', 'unsafe-inline', nonces, hashes: not URLs
	}
	if scheme, ok := strings.CutSuffix(lower, ":"); ok && isScheme(scheme) {
		return schemeMatches(scheme, u.Scheme)
	}
	return hostSourceMatches(lower, src, u, page, redirected)
}

// selfMatches is 'self': the page's origin, or its host upgraded from http
// to https (ws to wss) on the same or default ports.
func selfMatches(u, page *url.URL) bool {
	if !strings.EqualFold(u.Hostname(), page.Hostname()) {
		return false
	}
	if u.Scheme == page.Scheme && effectivePort(u) == effectivePort(page) {
		return true
	}
	upgraded := page.Scheme == "http" && u.Scheme == "https"
	return upgraded && (effectivePort(u) == effectivePort(page) || u.Port() == "" && page.Port() == "")
}

// schemeMatches is "scheme-part matches": http also admits https.
func schemeMatches(expr, scheme string) bool {
	switch expr {
	case "http":
		return scheme == "http" || scheme == "https"
	case "ws":
		return scheme == "ws" || scheme == "wss" || scheme == "http" || scheme == "https"
	case "wss":
		return scheme == "wss" || scheme == "https"
	}
	return expr == scheme
}

func isScheme(s string) bool {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// hostSourceMatches matches a host-source: [scheme "://"] host [":" port]
// [path]; lower is src lowercased (the path is compared as written).
func hostSourceMatches(lower, src string, u, page *url.URL, redirected bool) bool {
	rest := lower
	scheme, after, hasScheme := strings.Cut(rest, "://")
	if hasScheme {
		if !isScheme(scheme) || !schemeMatches(scheme, u.Scheme) {
			return false
		}
		rest = after
	} else if !schemeMatches(page.Scheme, u.Scheme) {
		return false
	}
	hostPort, path := rest, ""
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		hostPort, path = rest[:i], src[len(src)-len(rest)+i:]
	}
	host, port := hostPort, ""
	if i := strings.LastIndexByte(hostPort, ':'); i >= 0 && !strings.HasSuffix(hostPort, "]") {
		host, port = hostPort[:i], hostPort[i+1:]
	}
	if !hostMatches(host, asciiLower(u.Hostname()), strings.HasPrefix(u.Host, "[")) {
		return false
	}
	if !portMatches(port, u) {
		return false
	}
	return redirected || pathMatches(path, u.EscapedPath())
}

// hostMatches: "*" any host, "*.example.com" a host below it (not the
// domain itself), otherwise the same host. An IPv6 host is written in
// brackets in the expression.
func hostMatches(expr, host string, bracketed bool) bool {
	if bracketed {
		host = "[" + host + "]"
	}
	switch {
	case expr == "*":
		return true
	case strings.HasPrefix(expr, "*."):
		return strings.HasSuffix(host, expr[1:])
	}
	return expr != "" && expr == host
}

// portMatches: no port means the URL's scheme's default port, "*" any.
func portMatches(expr string, u *url.URL) bool {
	switch expr {
	case "*":
		return true
	case "":
		return u.Port() == "" || u.Port() == defaultPort(u.Scheme)
	}
	return expr == effectivePort(u)
}

func defaultPort(scheme string) string {
	switch scheme {
	case "http", "ws":
		return "80"
	case "https", "wss":
		return "443"
	}
	return ""
}

func effectivePort(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	return defaultPort(u.Scheme)
}

// pathMatches: a path ending in "/" matches every path below it, another
// only itself; both compared percent-decoded.
func pathMatches(expr, path string) bool {
	if expr == "" {
		return true
	}
	if path == "" {
		path = "/"
	}
	e, err1 := url.PathUnescape(expr)
	p, err2 := url.PathUnescape(path)
	if err1 != nil || err2 != nil {
		return false
	}
	if strings.HasSuffix(e, "/") {
		return strings.HasPrefix(p, e)
	}
	return p == e
}
