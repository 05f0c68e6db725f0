package lint

import (
	"bytes"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// The Express simulation follows the cors package's lib/index.js (2.8.6,
// the version e2e/node pins): options merged over the defaults (origin
// "*", methods GET,HEAD,PUT,PATCH,POST,DELETE, status 204); a falsy
// origin turns CORS off; "*" sends "*"; any other string is sent as is
// whatever the request's Origin (with Vary: Origin); true reflects every
// origin; a RegExp is tested (found anywhere: JS RegExp.test); an array
// allows an origin equal to a string or tested by a RegExp of it. Every
// OPTIONS request is answered as a preflight unless preflightContinue;
// without allowedHeaders the requested headers are reflected.

const expressDefaultMethods = "GET,HEAD,PUT,PATCH,POST,DELETE"

type jsRule struct {
	exact string
	re    *regexp.Regexp
	any   bool // true: reflect every origin
	line  int
}

type expressPolicy struct {
	off        bool   // a falsy origin: the middleware does nothing
	star       bool   // origin "*" (or the default)
	fixed      string // a single string origin
	rules      []jsRule
	creds      bool
	methods    string
	headers    *string // nil: reflect the request's
	exposed    string
	maxAge     string
	cont       bool
	status     int
	originLine int
}

func sniffExpress(name string, head []byte) bool {
	switch {
	case strings.HasSuffix(name, ".js"), strings.HasSuffix(name, ".mjs"), strings.HasSuffix(name, ".cjs"), strings.HasSuffix(name, ".ts"):
	default:
		return false
	}
	return bytes.Contains(head, []byte("'cors'")) || bytes.Contains(head, []byte(`"cors"`))
}

// importNames returns the local names the JS module pkg is bound to, by
// `NAME = require('pkg')` or `import NAME from 'pkg'`.
func importNames(toks []jsTok, pkg string) map[string]bool {
	names := map[string]bool{}
	for i, t := range toks {
		if t.kind != 's' || t.text != pkg {
			continue
		}
		if i >= 4 && toks[i-1].text == "(" && toks[i-2].text == "require" && toks[i-3].text == "=" && toks[i-4].kind == 'n' {
			names[toks[i-4].text] = true
		}
		if i >= 3 && toks[i-1].text == "from" && toks[i-2].kind == 'n' && toks[i-3].text == "import" {
			names[toks[i-2].text] = true
		}
	}
	return names
}

func readExpress(file string, data []byte) ([]*Unit, error) {
	toks, err := tokenizeJS(file, string(data))
	if err != nil {
		return nil, err
	}
	names := importNames(toks, "cors")
	var units []*Unit
	for _, c := range jsCalls(toks, names) {
		units = append(units, expressUnit(file, c.line, c.opts))
	}
	return units, nil
}

func expressUnit(file string, line int, opts jsValue) *Unit {
	u := &Unit{File: file, Line: line, Stack: "express", Name: "cors(...)", Path: "/", layer: "app"}
	p, why := expressFrom(opts)
	if why != "" {
		u.Dynamic = "dynamic: " + why + ": not evaluated here; audit it live"
		u.note(NotEvaluated, 0, line, u.Dynamic, "")
		return u
	}
	for _, r := range p.rules {
		if r.exact != "" {
			u.Origins = append(u.Origins, r.exact)
		}
	}
	if p.fixed != "" {
		u.Origins = append(u.Origins, p.fixed)
	}
	track := &lineTracker{}
	u.handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { p.serve(w, r, track) })
	u.lineOf = track.lineOf
	lines := map[string]int{}
	for _, r := range p.rules {
		lines[r.exact] = r.line
	}
	u.checkDevOrigins(lines)
	return u
}

// jsList joins a string or an array of strings as the package does.
func jsList(v jsValue) (string, bool) {
	switch v.kind {
	case 's':
		return v.str, true
	case 'l':
		var parts []string
		for _, e := range v.list {
			if e.kind != 's' {
				return "", false
			}
			parts = append(parts, e.str)
		}
		return strings.Join(parts, ","), true
	}
	return "", false
}

func expressFrom(opts jsValue) (*expressPolicy, string) {
	p := &expressPolicy{star: true, methods: expressDefaultMethods, status: 204}
	if read, why := opts.optionsObject(); !read {
		if why != "" {
			return nil, why
		}
		return p, ""
	}
	if o, ok := opts.vals["origin"]; ok {
		p.star, p.originLine = false, o.line
		switch {
		case o.kind == '?':
			return nil, "origin is " + o.why
		case o.kind == 'u' || (o.kind == 'b' && !o.b) || (o.kind == 's' && o.str == "") || (o.kind == 'd' && o.num == 0):
			p.off = true
		case o.kind == 's' && o.str == "*":
			p.star = true
		case o.kind == 's':
			p.fixed = o.str
		default:
			rules, why := jsRules(o)
			if why != "" {
				return nil, why
			}
			p.rules = rules
		}
	}
	if c, ok := opts.vals["credentials"]; ok {
		if c.kind == '?' {
			return nil, "credentials is not a literal"
		}
		p.creds = c.kind == 'b' && c.b
	}
	for _, k := range []string{"methods", "allowedHeaders", "headers", "exposedHeaders"} {
		v, ok := opts.vals[k]
		if !ok || v.kind == 'u' || (v.kind == 'b' && !v.b) {
			continue
		}
		s, lit := jsList(v)
		if !lit {
			return nil, k + " is not a literal string or array of strings"
		}
		switch k {
		case "methods":
			p.methods = s
		case "allowedHeaders", "headers":
			if p.headers == nil {
				p.headers = &s
			}
		case "exposedHeaders":
			p.exposed = s
		}
	}
	if v, ok := opts.vals["maxAge"]; ok {
		switch v.kind {
		case 'd':
			p.maxAge = strconv.FormatFloat(v.num, 'f', -1, 64)
		case 's':
			p.maxAge = v.str
		case '?':
			return nil, "maxAge is not a literal"
		}
	}
	if v, ok := opts.vals["preflightContinue"]; ok {
		p.cont = v.kind == 'b' && v.b || v.kind == 's' && v.str != ""
	}
	if v, ok := opts.vals["optionsSuccessStatus"]; ok && v.kind == 'd' {
		p.status = int(v.num)
	}
	return p, ""
}

// jsRules reads a non-string origin: true, a RegExp or an array.
func jsRules(o jsValue) ([]jsRule, string) {
	switch o.kind {
	case 'b', 'd', 'o':
		return []jsRule{{any: true, line: o.line}}, "" // truthy: reflect
	case 'r':
		if strings.ContainsAny(o.flags, "gy") {
			return nil, "a RegExp with the g or y flag keeps lastIndex between tests (it allows an origin every other time)"
		}
		re, err := compileRegex("js", o.str, Search, strings.Contains(o.flags, "i"))
		if err != nil {
			return nil, err.Error()
		}
		return []jsRule{{re: re, line: o.line}}, ""
	case 'l':
		var out []jsRule
		for _, e := range o.list {
			switch e.kind {
			case 's':
				out = append(out, jsRule{exact: e.str, line: e.line})
			case 'r', 'b', 'd', 'o':
				r, why := jsRules(e)
				if why != "" {
					return nil, why
				}
				out = append(out, r...)
			case 'u':
			default:
				return nil, "an origin list element that is not a literal"
			}
		}
		return out, ""
	}
	return nil, "an origin this reader does not evaluate"
}

func (p *expressPolicy) allows(o string) (bool, int) {
	for _, r := range p.rules {
		switch {
		case r.any, r.re != nil && r.re.MatchString(o), r.exact != "" && r.exact == o:
			return true, r.line
		}
	}
	return false, 0
}

func (p *expressPolicy) serve(w http.ResponseWriter, r *http.Request, track *lineTracker) {
	h := w.Header()
	if p.off {
		w.WriteHeader(http.StatusOK)
		return
	}
	o := r.Header.Get("Origin")
	switch {
	case p.star:
		h.Set("Access-Control-Allow-Origin", "*")
	case p.fixed != "":
		h.Set("Access-Control-Allow-Origin", p.fixed)
		addVary(h, "Origin")
	default:
		if ok, line := p.allows(o); ok && o != "" {
			h.Set("Access-Control-Allow-Origin", o)
			track.record(o, line)
		}
		addVary(h, "Origin")
	}
	if p.creds {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
	if r.Method == http.MethodOptions {
		if p.methods != "" {
			h.Set("Access-Control-Allow-Methods", p.methods)
		}
		allowed := ""
		if p.headers == nil {
			allowed = r.Header.Get("Access-Control-Request-Headers")
			addVary(h, "Access-Control-Request-Headers")
		} else {
			allowed = *p.headers
		}
		if allowed != "" {
			h.Set("Access-Control-Allow-Headers", allowed)
		}
		if p.maxAge != "" {
			h.Set("Access-Control-Max-Age", p.maxAge)
		}
	}
	if p.exposed != "" {
		h.Set("Access-Control-Expose-Headers", p.exposed)
	}
	if r.Method == http.MethodOptions && !p.cont {
		h.Set("Content-Length", "0")
		w.WriteHeader(p.status)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// addVary appends a field to Vary, as the vary package does.
func addVary(h http.Header, field string) {
	v := h.Get("Vary")
	if v == "" {
		h.Set("Vary", field)
		return
	}
	for _, f := range strings.Split(v, ",") {
		if strings.EqualFold(strings.TrimSpace(f), field) || strings.TrimSpace(f) == "*" {
			return
		}
	}
	h.Set("Vary", v+", "+field)
}
