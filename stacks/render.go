package stacks

import (
	"regexp"
	"strconv"
	"strings"
)

// quoted returns the values double-quoted and comma-separated, a syntax
// Go, JavaScript, Python, Java, C# and JSON share for the ASCII strings a
// valid Policy holds (origins in punycode, tokens).
func quoted(vals []string) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = strconv.Quote(v)
	}
	return strings.Join(q, ", ")
}

// headerList is a comma-separated header value.
func headerList(vals []string) string { return strings.Join(vals, ", ") }

// patternRegexp turns a subdomain pattern such as "https://*.example.com"
// into an anchored regular expression that engines with PCRE, RE2, Python
// and JavaScript syntax read alike: one or more DNS labels, then the
// domain. It never matches the domain itself, as origin.Pattern does not.
func patternRegexp(pattern string) string {
	scheme, host, _ := strings.Cut(pattern, "://")
	rest := strings.TrimPrefix(host, "*.")
	return "^" + scheme + `://([a-z0-9-]+\.)+` + regexp.QuoteMeta(rest) + "$"
}

// originsRegexp matches every origin of p, exact ones and patterns, in one
// anchored alternation (for nginx's map, Apache's SetEnvIf, Caddy's
// header_regexp).
func originsRegexp(p Policy) string {
	var alts []string
	for _, o := range p.exact() {
		alts = append(alts, regexp.QuoteMeta(o))
	}
	for _, pat := range p.patterns() {
		r := patternRegexp(pat)
		alts = append(alts, r[1:len(r)-1])
	}
	return "^(" + strings.Join(alts, "|") + ")$"
}

// jsRegexp writes a regular expression as a JavaScript literal.
func jsRegexp(re string) string { return "/" + strings.ReplaceAll(re, "/", `\/`) + "/" }

// jsOrigins is the origin option of Express's and Fastify's cors: "*",
// or an array of strings and regular expressions.
func jsOrigins(p Policy) string {
	if p.anyOrigin() {
		return `"*"`
	}
	var items []string
	for _, o := range p.exact() {
		items = append(items, strconv.Quote(o))
	}
	for _, pat := range p.patterns() {
		items = append(items, jsRegexp(patternRegexp(pat)))
	}
	return "[" + strings.Join(items, ", ") + "]"
}

// pyRegexpsAlternation is p's patterns as one Python raw-string regexp.
func pyRaw(re string) string { return `r"` + re + `"` }

// goRaw writes a regular expression as a Go raw string.
func goRaw(re string) string { return "`" + re + "`" }

// lines joins non-empty lines with "\n".
func lines(ls ...string) string {
	var out []string
	for _, l := range ls {
		if l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// iff returns s when cond holds, else "".
func iff(cond bool, s string) string {
	if cond {
		return s
	}
	return ""
}
