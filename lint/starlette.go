package lint

import (
	"bytes"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// The Starlette (and FastAPI) simulation follows
// starlette/middleware/cors.py (0.26, Debian's python3-starlette):
// without an Origin the middleware does nothing; an OPTIONS request with
// Access-Control-Request-Method is answered by the middleware, 200 when
// origin, method and headers are allowed and 400 otherwise (with the same
// headers); allow_origins holds exact strings ("*" allows all),
// allow_origin_regex is re.fullmatch-ed; "*" answers "*" unless
// credentials are allowed, in which case preflights reflect the origin
// (and a simple request with a Cookie gets it reflected too).

var starletteAllMethods = []string{"DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"}
var starletteSafelisted = []string{"Accept", "Accept-Language", "Content-Language", "Content-Type"}

type starlettePolicy struct {
	origins      []string
	originLines  []int
	allowAll     bool
	regex        *regexp.Regexp
	regexLine    int
	methods      []string
	headers      []string // lowercase, with the safelisted ones
	allHeaders   bool
	creds        bool
	expose       []string
	maxAge       int
	explicit     bool // preflights name the origin
	preflightACH string
}

func sniffStarlette(name string, head []byte) bool {
	return strings.HasSuffix(name, ".py") && bytes.Contains(head, []byte("CORSMiddleware"))
}

func readStarlette(file string, data []byte) ([]*Unit, error) {
	toks, err := tokenizePython(file, string(data))
	if err != nil {
		return nil, err
	}
	var units []*Unit
	for _, c := range append(calls(toks, "add_middleware"), calls(toks, "Middleware")...) {
		if len(c.args) == 0 || !isName(toks, c, "CORSMiddleware") {
			continue
		}
		units = append(units, starletteUnit(file, c))
	}
	slices.SortFunc(units, func(a, b *Unit) int { return a.Line - b.Line })
	return units, nil
}

// isName reports whether the call's first argument is the given name:
// the parser evaluates literals only, so it looks at the token itself.
func isName(toks []pyTok, c pyCall, name string) bool {
	for i, t := range toks {
		if t.line == c.line && t.kind == 'n' && (t.text == "add_middleware" || t.text == "Middleware") && i+2 < len(toks) {
			return toks[i+2].kind == 'n' && toks[i+2].text == name
		}
	}
	return false
}

func starletteUnit(file string, c pyCall) *Unit {
	u := &Unit{File: file, Line: c.line, Stack: "starlette", Name: "CORSMiddleware(...)", Path: "/", layer: "app"}
	p, why := starletteFrom(c)
	if why != "" {
		u.Dynamic = "dynamic: " + why + ": not evaluated here; audit it live"
		u.note(NotEvaluated, 0, c.line, u.Dynamic, "")
		return u
	}
	u.Origins = slices.DeleteFunc(slices.Clone(p.origins), func(o string) bool { return o == "*" })
	track := &lineTracker{}
	u.handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { p.serve(w, r, track) })
	u.lineOf = track.lineOf
	lines := map[string]int{}
	for i, o := range p.origins {
		lines[o] = p.originLines[i]
	}
	u.checkDevOrigins(lines)
	return u
}

func starletteFrom(c pyCall) (*starlettePolicy, string) {
	if c.star {
		return nil, "arguments passed with * or **"
	}
	p := &starlettePolicy{methods: []string{"GET"}, maxAge: 600}
	list := func(k string) ([]string, []int, string) {
		v, ok := c.kw[k]
		if !ok {
			return nil, nil, ""
		}
		ss, ls, lit := v.strings()
		if !lit || v.kind != 'l' {
			return nil, nil, k + " is not a literal list of strings"
		}
		return ss, ls, ""
	}
	var why string
	if p.origins, p.originLines, why = list("allow_origins"); why != "" {
		return nil, why
	}
	var ms, hs []string
	if ms, _, why = list("allow_methods"); why != "" {
		return nil, why
	}
	if ms != nil {
		p.methods = ms
	}
	if slices.Contains(p.methods, "*") {
		p.methods = starletteAllMethods
	}
	if hs, _, why = list("allow_headers"); why != "" {
		return nil, why
	}
	if p.expose, _, why = list("expose_headers"); why != "" {
		return nil, why
	}
	if v, ok := c.kw["allow_credentials"]; ok {
		if v.kind != 'b' {
			return nil, "allow_credentials is not True or False"
		}
		p.creds = v.b
	}
	if v, ok := c.kw["max_age"]; ok {
		if v.kind != 'i' {
			return nil, "max_age is not a literal number"
		}
		p.maxAge = v.i
	}
	if v, ok := c.kw["allow_origin_regex"]; ok && v.kind != 'n' {
		if v.kind != 's' {
			return nil, "allow_origin_regex is not a literal string"
		}
		re, err := compileRegex("python", v.str, FullMatch, false)
		if err != nil {
			return nil, err.Error()
		}
		p.regex, p.regexLine = re, v.line
	}
	p.allowAll = slices.Contains(p.origins, "*")
	p.allHeaders = slices.Contains(hs, "*")
	p.explicit = !p.allowAll || p.creds
	set := map[string]bool{}
	for _, h := range append(slices.Clone(starletteSafelisted), hs...) {
		set[h] = true
	}
	for h := range set {
		p.headers = append(p.headers, h)
	}
	slices.Sort(p.headers) // Python sorts the set's strings: by code point, as Go does
	if !p.allHeaders {
		p.preflightACH = strings.Join(p.headers, ", ")
	}
	for i, h := range p.headers {
		p.headers[i] = strings.ToLower(h)
	}
	return p, ""
}

func (p *starlettePolicy) allows(o string) (bool, int) {
	if p.allowAll {
		return true, p.originLines[slices.Index(p.origins, "*")]
	}
	if p.regex != nil && p.regex.MatchString(o) {
		return true, p.regexLine
	}
	if i := slices.Index(p.origins, o); i >= 0 {
		return true, p.originLines[i]
	}
	return false, 0
}

func (p *starlettePolicy) serve(w http.ResponseWriter, r *http.Request, track *lineTracker) {
	h := w.Header()
	o, hasOrigin := r.Header["Origin"]
	if !hasOrigin {
		w.WriteHeader(http.StatusOK)
		return
	}
	origin := o[0]
	if _, pre := r.Header["Access-Control-Request-Method"]; r.Method == http.MethodOptions && pre {
		p.preflight(w, r, origin, track)
		return
	}
	if p.allowAll {
		h.Set("Access-Control-Allow-Origin", "*")
	}
	if p.creds {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
	if len(p.expose) > 0 {
		h.Set("Access-Control-Expose-Headers", strings.Join(p.expose, ", "))
	}
	_, cookie := r.Header["Cookie"]
	ok, line := p.allows(origin)
	if (p.allowAll && cookie) || (!p.allowAll && ok) {
		h.Set("Access-Control-Allow-Origin", origin)
		addVary(h, "Origin")
		track.record(origin, line)
	}
	w.WriteHeader(http.StatusOK)
}

func (p *starlettePolicy) preflight(w http.ResponseWriter, r *http.Request, origin string, track *lineTracker) {
	h := w.Header()
	if p.explicit {
		h.Set("Vary", "Origin")
	} else {
		h.Set("Access-Control-Allow-Origin", "*")
	}
	h.Set("Access-Control-Allow-Methods", strings.Join(p.methods, ", "))
	h.Set("Access-Control-Max-Age", strconv.Itoa(p.maxAge))
	if p.preflightACH != "" {
		h.Set("Access-Control-Allow-Headers", p.preflightACH)
	}
	if p.creds {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
	failed := false
	if ok, line := p.allows(origin); ok {
		if p.explicit {
			h.Set("Access-Control-Allow-Origin", origin)
			track.record(origin, line)
		}
	} else {
		failed = true
	}
	if !slices.Contains(p.methods, r.Header.Get("Access-Control-Request-Method")) {
		failed = true
	}
	if req, ok := r.Header["Access-Control-Request-Headers"]; ok {
		if p.allHeaders {
			h.Set("Access-Control-Allow-Headers", req[0])
		} else {
			for _, x := range strings.Split(strings.ToLower(req[0]), ",") {
				if !slices.Contains(p.headers, strings.TrimSpace(x)) {
					failed = true
					break
				}
			}
		}
	}
	if failed {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	w.WriteHeader(http.StatusOK)
}
