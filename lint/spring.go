package lint

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/corskit/corskit/audit"
)

// Spring does not run here: its semantics are taken from the vendor's
// documentation (springDoc) and Spring Framework's CorsConfiguration and
// DefaultCorsProcessor, which both the Actuator's CORS properties
// (management.endpoints.web.cors.*) and Spring Cloud Gateway's global CORS
// (spring.cloud.gateway[.server.webflux].globalcors.cors-configurations.[path].*)
// configure. Spring Boot itself has no spring.mvc.cors property: the
// application's own CORS is Java code (CorsRegistry, @CrossOrigin).
//
// The processor, for a request with an Origin: adds Vary: Origin,
// Access-Control-Request-Method, Access-Control-Request-Headers; refuses
// with 403 an origin, a method (the preflight's requested one, or the
// actual request's) or, on a preflight, headers it does not allow;
// allowed-origins compare case-insensitively after a trailing "/" is
// trimmed, "*" answers "*" (and with allow-credentials true the
// configuration is refused at the first request); allowed-origin-patterns
// match whole origins with "*" for any characters and an optional port
// list ":[8080,8081]" or ":[*]", and answer the Origin itself; methods
// default to GET and HEAD, "*" allows any; headers "*" allow any
// requested, none configured allows none; credentials send
// Access-Control-Allow-Credentials: true. The Actuator's max-age defaults
// to 1800 s.
const springDoc = "https://docs.spring.io/spring-boot/reference/actuator/endpoints.html#actuator.endpoints.cors; " +
	"https://docs.spring.io/spring-cloud-gateway/reference/spring-cloud-gateway/cors-configuration.html; " +
	"https://docs.spring.io/spring-framework/reference/web/webmvc-cors.html (Processing; CorsConfiguration)"

// springPrefixes are the property prefixes of CORS configurations, in
// normalized form (lower case, no - or _), with the path each serves.
var springPrefixes = []struct{ prefix, path, name string }{
	{"management.endpoints.web.cors.", "/actuator/", "Actuator CORS"},
	{"spring.cloud.gateway.globalcors.corsconfigurations.", "", "Spring Cloud Gateway global CORS"},
	{"spring.cloud.gateway.server.webflux.globalcors.corsconfigurations.", "", "Spring Cloud Gateway global CORS"},
}

func sniffSpring(name string, _ []byte) bool {
	base := strings.ToLower(filepath.Base(name))
	if !strings.HasPrefix(base, "application") && !strings.HasPrefix(base, "bootstrap") {
		return false
	}
	ext := filepath.Ext(base)
	return ext == ".properties" || ext == ".yml" || ext == ".yaml"
}

// SpringError is a Spring configuration file that does not read.
type SpringError struct {
	File string
	Line int
	Err  error
}

func (e *SpringError) Error() string {
	return fmt.Sprintf("%s:%d: Spring configuration: %v", e.File, e.Line, e.Err)
}

// springProp is one property: its value and line.
type springProp struct {
	value string
	line  int
	err   error // a value the YAML subset does not read (lenient reading only)
	// flow and quoted say how a YAML scalar was written (a [a, b] list,
	// a quoted string), for readers that type values (cfnTree).
	flow, quoted bool
}

// springKey normalizes a property name as Spring's relaxed binding does:
// lower case, without - and _, except inside [...] (a map key).
func springKey(k string) string {
	var b strings.Builder
	depth := 0
	for _, c := range k {
		switch {
		case c == '[':
			depth++
		case c == ']':
			depth--
		case depth == 0 && (c == '-' || c == '_'):
			continue
		case depth == 0:
			c = []rune(strings.ToLower(string(c)))[0]
		}
		b.WriteRune(c)
	}
	return b.String()
}

func readSpring(file string, data []byte) ([]*Unit, error) {
	// A Spring file without CORS properties (or another framework's
	// application.yml) is no policy, whatever YAML it uses.
	if !bytes.Contains(bytes.ToLower(data), []byte("cors")) {
		return nil, nil
	}
	var props map[string]springProp
	var err error
	if strings.HasSuffix(strings.ToLower(file), ".properties") {
		props = readProperties(data)
	} else {
		props, err = readYAMLSubset(file, data)
		if err != nil {
			return nil, err
		}
	}
	norm := map[string]springProp{}
	for k, v := range props {
		norm[springKey(k)] = v
	}
	var units []*Unit
	for _, p := range springPrefixes {
		for _, c := range springConfigs(norm, p.prefix, p.path) {
			u := springUnit(file, p.name, c)
			if u != nil {
				units = append(units, u)
			}
		}
	}
	slices.SortFunc(units, func(a, b *Unit) int { return a.Line - b.Line })
	return units, nil
}

// springConfig is one CorsConfiguration's properties (names normalized,
// the prefix removed) and the path it serves.
type springConfig struct {
	path  string
	props map[string]springProp
}

// springConfigs groups the properties under prefix; a gateway's are
// grouped by their [path] key.
func springConfigs(props map[string]springProp, prefix, path string) []springConfig {
	byPath := map[string]map[string]springProp{}
	for k, v := range props {
		rest, ok := strings.CutPrefix(k, prefix)
		if !ok {
			continue
		}
		p := path
		if p == "" { // [/api/**].allowedorigins
			key, field, ok := strings.Cut(rest, "].")
			if !ok || !strings.HasPrefix(key, "[") {
				continue
			}
			p, rest = strings.TrimPrefix(key, "["), field
		}
		if byPath[p] == nil {
			byPath[p] = map[string]springProp{}
		}
		byPath[p][rest] = v
	}
	var out []springConfig
	for p, m := range byPath {
		out = append(out, springConfig{p, m})
	}
	slices.SortFunc(out, func(a, b springConfig) int { return strings.Compare(a.path, b.path) })
	return out
}

// entries returns a list property's items with their lines: "a,b" (one
// line) or indexed entries name[0], name[1] (a YAML list).
func (c springConfig) entries(name string) []springProp {
	var out []springProp
	if v, ok := c.props[name]; ok {
		for _, x := range commaList(v.value) {
			out = append(out, springProp{value: x, line: v.line})
		}
		return out
	}
	for i := 0; i < 1000; i++ {
		v, ok := c.props[name+"["+strconv.Itoa(i)+"]"]
		if !ok {
			break
		}
		out = append(out, springProp{value: strings.TrimSpace(v.value), line: v.line})
	}
	return out
}

// list returns a list property's values and the line of its first item
// (0: not set).
func (c springConfig) list(name string) ([]string, int) {
	es := c.entries(name)
	if len(es) == 0 {
		return nil, 0
	}
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.value
	}
	return out, es[0].line
}

// springPath turns a gateway path pattern into a path the audit requests.
func springPath(p string) string {
	p = strings.TrimSuffix(strings.TrimSuffix(p, "**"), "*")
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return escapedPath(p)
}

// escapedPath is a path as a request line sends it (a space or a
// control byte in a mapping's pattern escaped).
func escapedPath(p string) string { return (&url.URL{Path: p}).EscapedPath() }

// springCORS is the CorsConfiguration the simulation answers from.
type springCORS struct {
	origins  []string
	patterns []*regexp.Regexp
	anyPat   bool
	methods  []string // nil: GET, HEAD
	headers  []string
	expose   []string
	creds    bool
	maxAge   int
	lines    map[string]int // origin or pattern -> line
	patLines []int
}

func springUnit(file, name string, c springConfig) *Unit {
	origins := c.entries("allowedorigins")
	patterns := c.entries("allowedoriginpatterns")
	if len(origins) == 0 && len(patterns) == 0 {
		return nil // the Actuator configures no CORS without origins
	}
	path := "/actuator/"
	if !strings.HasPrefix(name, "Actuator") {
		path = springPath(c.path)
		name += " [" + c.path + "]"
	}
	u := &Unit{File: file, Stack: "spring", Name: name, Path: path, Vendor: springDoc, layer: "app"}
	s := springSettings{origins: origins, patterns: patterns,
		refused: "Spring refuses the configuration at the first CORS request (IllegalArgumentException), so every CORS request fails"}
	if m, l := c.list("allowedmethods"); l > 0 {
		s.methods = m
	}
	s.headers, _ = c.list("allowedheaders")
	s.expose, _ = c.list("exposedheaders")
	if v, ok := c.props["allowcredentials"]; ok {
		s.creds = strings.EqualFold(strings.TrimSpace(v.value), "true")
	}
	if strings.HasPrefix(name, "Actuator") {
		s.maxAge = 1800
	}
	if v, ok := c.props["maxage"]; ok {
		s.maxAge = springSeconds(v.value)
	}
	return s.unit(u)
}

// springSettings is one CorsConfiguration as a file sets it, whatever
// the file's syntax (properties, YAML, @CrossOrigin, CorsRegistry): the
// origin and pattern entries with their lines, and the rest.
type springSettings struct {
	origins, patterns []springProp
	methods           []string // nil: GET, HEAD
	headers, expose   []string
	creds             bool
	maxAge            int
	// refused says when Spring refuses "*" with credentials.
	refused string
}

// unit gives u (File, Name, Path set) its line, origins and the
// simulated server of s: CorsConfiguration's semantics, once for every
// Spring syntax.
func (s springSettings) unit(u *Unit) *Unit {
	if len(s.origins) > 0 {
		u.Line = s.origins[0].line
	}
	if len(s.patterns) > 0 && (u.Line == 0 || s.patterns[0].line < u.Line) {
		u.Line = s.patterns[0].line
	}
	cfg := &springCORS{lines: map[string]int{}, methods: s.methods, headers: s.headers, expose: s.expose, creds: s.creds, maxAge: s.maxAge}
	starLine := 0
	for _, e := range s.origins {
		cfg.origins = append(cfg.origins, e.value)
		if _, ok := cfg.lines[e.value]; !ok {
			cfg.lines[e.value] = e.line
		}
		if e.value == "*" && starLine == 0 {
			starLine = e.line
		}
		if e.value != "*" && !slices.Contains(u.Origins, e.value) {
			u.Origins = append(u.Origins, e.value)
		}
	}
	for _, e := range s.patterns {
		p := e.value
		if p == "*" {
			cfg.anyPat = true
			cfg.patterns = append(cfg.patterns, nil)
		} else {
			cfg.patterns = append(cfg.patterns, springPattern(p))
			if !strings.Contains(p, "*") && !strings.Contains(p, "[") && !slices.Contains(u.Origins, p) {
				u.Origins = append(u.Origins, p)
			}
		}
		cfg.patLines = append(cfg.patLines, e.line)
	}
	if cfg.creds && starLine > 0 {
		u.note(InvalidConfig, audit.Info, starLine,
			`allowed origins "*" with credentials: `+s.refused+`; use allowed-origin-patterns or list the origins`, "")
		return u
	}
	track := &lineTracker{}
	u.handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { cfg.serve(w, r, track) })
	u.lineOf = track.lineOf
	u.checkDevOrigins(cfg.lines)
	return u
}

// springSeconds reads a max-age: seconds, or a Duration such as 30m, 1h.
func springSeconds(v string) int {
	v = strings.TrimSpace(v)
	for suffix, mul := range map[string]int{"s": 1, "m": 60, "h": 3600, "d": 86400} {
		if n, err := strconv.Atoi(strings.TrimSuffix(v, suffix)); err == nil && strings.HasSuffix(v, suffix) {
			return n * mul
		}
	}
	n, _ := strconv.Atoi(v)
	return n
}

// springPattern compiles an allowed-origin-pattern as Spring's
// OriginPattern does: "*" is any characters, the rest literal, matched
// against the whole origin; ":[*]" is any port or none, ":[a,b]" one of
// the ports or none.
func springPattern(p string) *regexp.Regexp {
	// regexp refuses invalid UTF-8, which QuoteMeta keeps; such bytes
	// match no origin a browser sends.
	p = strings.ToValidUTF8(p, "\uFFFD")
	ports := ""
	if i := strings.LastIndex(p, ":["); i >= 0 && strings.HasSuffix(p, "]") {
		list := p[i+2 : len(p)-1]
		p = p[:i]
		if list == "*" {
			ports = `(:\d+)?`
		} else {
			var alts []string
			for _, x := range commaList(list) {
				alts = append(alts, regexp.QuoteMeta(x))
			}
			ports = `(:(` + strings.Join(alts, "|") + `))?`
		}
	}
	parts := strings.Split(p, "*")
	for i := range parts {
		parts[i] = regexp.QuoteMeta(parts[i])
	}
	return regexp.MustCompile(`^` + strings.Join(parts, ".*") + ports + `$`)
}

// checkOrigin is CorsConfiguration.checkOrigin: the Allow-Origin value and
// the line of the entry that allowed it ("" refuses).
func (c *springCORS) checkOrigin(origin string) (string, int) {
	if origin == "" {
		return "", 0
	}
	o := strings.TrimSuffix(origin, "/")
	for _, a := range c.origins {
		if a == "*" {
			return "*", 0
		}
		if strings.EqualFold(o, strings.TrimSuffix(a, "/")) {
			return origin, c.lines[a]
		}
	}
	for i, p := range c.patterns {
		if p == nil || p.MatchString(o) {
			return origin, c.patLines[i]
		}
	}
	return "", 0
}

func (c *springCORS) allowsMethod(m string) bool {
	if c.methods == nil {
		return m == http.MethodGet || m == http.MethodHead
	}
	return slices.Contains(c.methods, "*") || slices.Contains(c.methods, m)
}

func (c *springCORS) serve(w http.ResponseWriter, r *http.Request, track *lineTracker) {
	origin := r.Header.Get("Origin")
	if origin == "" {
		w.WriteHeader(http.StatusOK)
		return
	}
	h := w.Header()
	h.Set("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers")
	pre := r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
	method := r.Method
	if pre {
		method = r.Header.Get("Access-Control-Request-Method")
	}
	allow, line := c.checkOrigin(origin)
	if allow == "" || !c.allowsMethod(method) {
		w.WriteHeader(http.StatusForbidden)
		return
	}
	var headers []string
	if pre {
		for _, x := range commaList(r.Header.Get("Access-Control-Request-Headers")) {
			if slices.Contains(c.headers, "*") || slices.ContainsFunc(c.headers, func(a string) bool { return strings.EqualFold(a, x) }) {
				headers = append(headers, x)
			}
		}
		if r.Header.Get("Access-Control-Request-Headers") != "" && len(headers) == 0 {
			w.WriteHeader(http.StatusForbidden)
			return
		}
	}
	h.Set("Access-Control-Allow-Origin", allow)
	if allow != "*" {
		track.record(origin, line)
	}
	if pre {
		methods := c.methods
		if methods == nil || slices.Contains(methods, "*") {
			methods = []string{method}
			if c.methods == nil {
				methods = []string{http.MethodGet, http.MethodHead}
			}
		}
		h.Set("Access-Control-Allow-Methods", strings.Join(methods, ","))
		if len(headers) > 0 {
			h.Set("Access-Control-Allow-Headers", strings.Join(headers, ", "))
		}
	} else if len(c.expose) > 0 {
		h.Set("Access-Control-Expose-Headers", strings.Join(c.expose, ", "))
	}
	if c.creds {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
	if pre && c.maxAge > 0 {
		h.Set("Access-Control-Max-Age", strconv.Itoa(c.maxAge))
	}
	w.WriteHeader(http.StatusOK)
}
