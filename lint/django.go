package lint

import (
	"bytes"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// The django-cors-headers simulation follows corsheaders/middleware.py
// (3.14, Debian's python3-django-cors-headers, which the e2e tests run):
// a preflight (OPTIONS with Access-Control-Request-Method) on a path that
// CORS_URLS_REGEX re.match-es is answered 200 by the middleware; every
// such answer gets Vary: Origin; Allow-Credentials is sent whenever it is
// configured and the request has an Origin, allowed or not; the origin is
// allowed when CORS_ALLOW_ALL_ORIGINS, or its scheme and netloc equal an
// entry of CORS_ALLOWED_ORIGINS (urlsplit, case-sensitive netloc), or an
// entry of CORS_ALLOWED_ORIGIN_REGEXES re.match-es it (anchored at the
// start only); Allow-Origin is "*" for allow-all without credentials and
// the request's Origin otherwise (allow-all with credentials reflects).

// djangoPolicy is a settings module's CORS settings.
type djangoPolicy struct {
	allowAll, creds bool
	origins         []string
	originLines     []int
	regexes         []*regexp.Regexp
	regexLines      []int
	urls            *regexp.Regexp
	urlsPattern     string
	headers         []string
	methods         []string
	expose          []string
	maxAge          int
	allowAllLine    int
}

var djangoDefaultHeaders = []string{"accept", "accept-encoding", "authorization", "content-type", "dnt", "origin", "user-agent", "x-csrftoken", "x-requested-with"}
var djangoDefaultMethods = []string{"DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT"}

// djangoSettings are the settings the reader evaluates, new name first
// and the old alias second, as corsheaders/conf.py reads them.
var djangoNames = map[string][]string{
	"allowAll": {"CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL"},
	"origins":  {"CORS_ALLOWED_ORIGINS", "CORS_ORIGIN_WHITELIST"},
	"regexes":  {"CORS_ALLOWED_ORIGIN_REGEXES", "CORS_ORIGIN_REGEX_WHITELIST"},
}

func sniffDjango(name string, head []byte) bool {
	if !strings.HasSuffix(name, ".py") {
		return false
	}
	return djangoSetting.Match(head) || bytes.Contains(head, []byte("corsheaders"))
}

// djangoSetting is a module-level assignment to a CORS_ setting.
var djangoSetting = regexp.MustCompile(`(?m)^CORS_[A-Z_]+\s*=`)

func readDjango(file string, data []byte) ([]*Unit, error) {
	toks, err := tokenizePython(file, string(data))
	if err != nil {
		return nil, err
	}
	as := assignments(toks)
	if !hasAny(as, "CORS_") && !bytes.Contains(data, []byte("corsheaders")) {
		return nil, nil
	}
	u := &Unit{File: file, Line: 1, Stack: "django", Name: "django-cors-headers settings", Path: "/", layer: "app"}
	p, line, why := djangoFrom(as)
	if line > 0 {
		u.Line = line
	}
	if why != "" {
		u.Dynamic = why + ": not evaluated here; audit it live"
		u.note(NotEvaluated, 0, u.Line, u.Dynamic, "")
		return []*Unit{u}, nil
	}
	if p.urls != nil {
		path, ok := pathFor(p.urls, p.urlsPattern)
		if !ok {
			u.Dynamic = "CORS_URLS_REGEX matches no path this reader can name: not evaluated here; audit it live"
			u.note(NotEvaluated, 0, u.Line, u.Dynamic, "")
			return []*Unit{u}, nil
		}
		u.Path = path
	}
	u.Origins = p.origins
	track := &lineTracker{}
	u.handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { p.serve(w, r, track) })
	u.lineOf = track.lineOf
	lines := map[string]int{}
	for i, o := range p.origins {
		lines[o] = p.originLines[i]
	}
	u.checkDevOrigins(lines)
	return []*Unit{u}, nil
}

func hasAny(as map[string]pyValue, prefix string) bool {
	for k := range as {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}

// djangoFrom evaluates the settings; why says what could not be.
func djangoFrom(as map[string]pyValue) (p *djangoPolicy, line int, why string) {
	p = &djangoPolicy{headers: djangoDefaultHeaders, methods: djangoDefaultMethods, maxAge: 86400}
	get := func(names ...string) (pyValue, string, bool) {
		for _, n := range names {
			if v, ok := as[n]; ok {
				if line == 0 || v.line < line {
					line = v.line
				}
				return v, n, true
			}
		}
		return pyValue{}, "", false
	}
	bad := func(name string, v pyValue) string {
		s := name + " is not a literal"
		if v.why != "" {
			s += " (" + v.why + ")"
		}
		return s
	}
	if v, n, ok := get(djangoNames["allowAll"]...); ok {
		if v.kind != 'b' {
			return nil, line, bad(n, v)
		}
		p.allowAll, p.allowAllLine = v.b, v.line
	}
	if v, n, ok := get("CORS_ALLOW_CREDENTIALS"); ok {
		if v.kind != 'b' {
			return nil, line, bad(n, v)
		}
		p.creds = v.b
	}
	if v, n, ok := get(djangoNames["origins"]...); ok {
		ss, ls, lit := v.strings()
		if !lit || v.kind != 'l' {
			return nil, line, bad(n, v)
		}
		p.origins, p.originLines = ss, ls
	}
	if v, n, ok := get(djangoNames["regexes"]...); ok {
		if v.kind != 'l' {
			return nil, line, bad(n, v)
		}
		for _, e := range v.list {
			if e.kind != 's' && e.kind != 'r' {
				return nil, line, bad(n, e)
			}
			re, err := compileRegex("python", e.str, Match, e.flagI)
			if err != nil {
				return nil, line, err.Error()
			}
			p.regexes, p.regexLines = append(p.regexes, re), append(p.regexLines, e.line)
		}
	}
	if v, n, ok := get("CORS_URLS_REGEX"); ok {
		if v.kind != 's' && v.kind != 'r' {
			return nil, line, bad(n, v)
		}
		re, err := compileRegex("python", v.str, Match, v.flagI)
		if err != nil {
			return nil, line, err.Error()
		}
		p.urls, p.urlsPattern = re, v.str
	}
	lists := []struct {
		name string
		dst  *[]string
	}{{"CORS_ALLOW_HEADERS", &p.headers}, {"CORS_ALLOW_METHODS", &p.methods}, {"CORS_EXPOSE_HEADERS", &p.expose}}
	for _, l := range lists {
		if v, n, ok := get(l.name); ok {
			ss, _, lit := v.strings()
			if !lit || v.kind != 'l' {
				return nil, line, bad(n, v)
			}
			*l.dst = ss
		}
	}
	if v, n, ok := get("CORS_PREFLIGHT_MAX_AGE"); ok {
		if v.kind != 'i' {
			return nil, line, bad(n, v)
		}
		p.maxAge = v.i
	}
	return p, line, ""
}

// pathFor names a path that a path regex (CORS_URLS_REGEX, a Flask-CORS
// resource) matches: its literal prefix, or that with a little more.
func pathFor(re *regexp.Regexp, pattern string) (string, bool) {
	prefix := literalPrefix(pattern)
	for _, p := range []string{"/", prefix, prefix + "x", prefix + "/", prefix + "/x"} {
		if strings.HasPrefix(p, "/") && re.MatchString(p) {
			return p, true
		}
	}
	return "", false
}

// literalPrefix returns the literal text a regex starts with, anchors
// skipped; a character that a quantifier makes optional is left out.
func literalPrefix(pattern string) string {
	p := strings.TrimPrefix(strings.TrimPrefix(pattern, `\A`), "^")
	var b []byte
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '\\' && i+1 < len(p) && strings.IndexByte(`.^$*+?()[]{}|/\-`, p[i+1]) >= 0:
			b = append(b, p[i+1])
			i++
		case strings.IndexByte(`*?{`, c) >= 0:
			if len(b) > 0 {
				b = b[:len(b)-1]
			}
			return string(b)
		case strings.IndexByte(`.^$+()[]|\`, c) >= 0:
			return string(b)
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

// splitURL is the part of Python's urlsplit that django-cors-headers
// compares: the scheme (lowercased) and the netloc (as written).
func splitURL(s string) (scheme, netloc string, ok bool) {
	rest := s
	if i := strings.IndexByte(s, ':'); i > 0 && validScheme(s[:i]) {
		scheme, rest = strings.ToLower(s[:i]), s[i+1:]
	}
	if strings.HasPrefix(rest, "//") {
		rest = rest[2:]
		end := strings.IndexAny(rest, "/?#")
		if end < 0 {
			end = len(rest)
		}
		netloc = rest[:end]
		if strings.Contains(netloc, "[") != strings.Contains(netloc, "]") {
			return "", "", false // urlsplit: ValueError("Invalid IPv6 URL")
		}
	}
	return scheme, netloc, true
}

func validScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := c|0x20 >= 'a' && c|0x20 <= 'z'
		if !letter && (i == 0 || !(c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return true
}

// allows returns whether origin o is allowed and the line that allows it.
func (p *djangoPolicy) allows(o string) (bool, int) {
	if p.allowAll {
		return true, p.allowAllLine
	}
	scheme, netloc, _ := splitURL(o)
	for i, a := range p.origins {
		if o == "null" && a == "null" {
			return true, p.originLines[i]
		}
		s, n, ok := splitURL(a)
		if ok && s == scheme && n == netloc {
			return true, p.originLines[i]
		}
	}
	for i, re := range p.regexes {
		if re.MatchString(o) {
			return true, p.regexLines[i]
		}
	}
	return false, 0
}

func (p *djangoPolicy) serve(w http.ResponseWriter, r *http.Request, track *lineTracker) {
	enabled := p.urls == nil || p.urls.MatchString(r.URL.Path)
	h := w.Header()
	if enabled {
		h.Set("Vary", "Origin")
		p.headersFor(h, r, track)
	}
	w.WriteHeader(http.StatusOK)
}

func (p *djangoPolicy) headersFor(h http.Header, r *http.Request, track *lineTracker) {
	o := r.Header.Get("Origin")
	if o == "" {
		return
	}
	if _, _, ok := splitURL(o); !ok {
		return
	}
	if p.creds {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
	ok, line := p.allows(o)
	if !ok {
		return
	}
	if p.allowAll && !p.creds {
		h.Set("Access-Control-Allow-Origin", "*")
	} else {
		h.Set("Access-Control-Allow-Origin", o)
		track.record(o, line)
	}
	if len(p.expose) > 0 {
		h.Set("Access-Control-Expose-Headers", strings.Join(p.expose, ", "))
	}
	if r.Method == http.MethodOptions {
		h.Set("Access-Control-Allow-Headers", strings.Join(p.headers, ", "))
		h.Set("Access-Control-Allow-Methods", strings.Join(p.methods, ", "))
		if p.maxAge != 0 {
			h.Set("Access-Control-Max-Age", strconv.Itoa(p.maxAge))
		}
	}
}
