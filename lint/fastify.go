package lint

import (
	"bytes"
	"net/http"
	"strings"
)

// The Fastify simulation follows @fastify/cors's index.js (11.2.0, the
// version e2e/node pins). It differs from Express's cors where it
// matters: the default methods are GET,HEAD,POST; an array holding "*"
// means "*"; a RegExp's lastIndex is reset before each test (so the g flag
// is harmless); Allow-Credentials is sent on every answer when configured;
// an OPTIONS request without Origin or Access-Control-Request-Method is
// answered 400 (strictPreflight); Vary: Origin is added whenever the
// origin option is not a string.

type fastifyPolicy struct {
	off     bool   // origin: false
	fixed   string // a string origin ("*" included)
	rules   []jsRule
	creds   bool
	methods string
	headers *string
	exposed *string
	maxAge  string
	cont    bool
	strict  bool
	status  int
}

func sniffFastify(name string, head []byte) bool {
	switch {
	case strings.HasSuffix(name, ".js"), strings.HasSuffix(name, ".mjs"), strings.HasSuffix(name, ".cjs"), strings.HasSuffix(name, ".ts"):
		return bytes.Contains(head, []byte("@fastify/cors"))
	}
	return false
}

func readFastify(file string, data []byte) ([]*Unit, error) {
	toks, err := tokenizeJS(file, string(data))
	if err != nil {
		return nil, err
	}
	names := importNames(toks, "@fastify/cors")
	binds := jsBindings(toks)
	var units []*Unit
	for i := 0; i+3 < len(toks) && len(units) < 64; i++ {
		t := toks[i]
		if t.kind != 'n' || t.text != "register" || toks[i+1].text != "(" {
			continue
		}
		// register(cors, {...}) or register(require('@fastify/cors'), {...})
		j := i + 2
		switch {
		case toks[j].kind == 'n' && names[toks[j].text]:
			j++
		case toks[j].text == "require" && j+3 < len(toks) && toks[j+2].text == "@fastify/cors":
			j += 4
		default:
			continue
		}
		opts := jsValue{kind: 'u', line: t.line}
		if toks[j].text == "," {
			p := &jsParser{toks: toks, pos: j + 1, bindings: binds}
			opts = p.value(0)
		}
		units = append(units, fastifyUnit(file, t.line, opts))
	}
	return units, nil
}

func fastifyUnit(file string, line int, opts jsValue) *Unit {
	u := &Unit{File: file, Line: line, Stack: "fastify", Name: "register(@fastify/cors, ...)", Path: "/", layer: "app"}
	p, why := fastifyFrom(opts)
	if why != "" {
		u.Dynamic = "dynamic: " + why + ": not evaluated here; audit it live"
		u.note(NotEvaluated, 0, line, u.Dynamic, "")
		return u
	}
	lines := map[string]int{}
	for _, r := range p.rules {
		if r.exact != "" {
			u.Origins = append(u.Origins, r.exact)
			lines[r.exact] = r.line
		}
	}
	if p.fixed != "" && p.fixed != "*" {
		u.Origins = append(u.Origins, p.fixed)
	}
	track := &lineTracker{}
	u.handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { p.serve(w, r, track) })
	u.lineOf = track.lineOf
	u.checkDevOrigins(lines)
	return u
}

func fastifyFrom(opts jsValue) (*fastifyPolicy, string) {
	p := &fastifyPolicy{fixed: "*", methods: "GET,HEAD,POST", strict: true, status: 204}
	if read, why := opts.optionsObject(); !read {
		if why != "" {
			return nil, why
		}
		return p, ""
	}
	if v, ok := opts.vals["delegator"]; ok && v.kind != 'u' {
		return nil, "a delegator decides the options per request"
	}
	if v, ok := opts.vals["hook"]; ok && !(v.kind == 's' && v.str == "onRequest") {
		return nil, "a hook other than onRequest"
	}
	if o, ok := opts.vals["origin"]; ok {
		p.fixed = ""
		switch {
		case o.kind == '?':
			return nil, "origin is " + o.why
		case o.kind == 'b' && !o.b:
			p.off = true
		case o.kind == 's':
			p.fixed = o.str
		case o.kind == 'u' || (o.kind == 'd' && o.num == 0):
			return nil, "a falsy origin makes @fastify/cors fail every request"
		case o.kind == 'l' && containsStar(o):
			p.fixed = "*"
		case o.kind == 'r':
			re, err := compileRegex("js", o.str, Search, strings.Contains(o.flags, "i"))
			if err != nil {
				return nil, err.Error()
			}
			p.rules = []jsRule{{re: re, line: o.line}}
		default:
			rules, why := fastifyRules(o)
			if why != "" {
				return nil, why
			}
			p.rules = rules
		}
	}
	bools := []struct {
		k   string
		dst *bool
	}{{"credentials", &p.creds}, {"preflightContinue", &p.cont}, {"strictPreflight", &p.strict}}
	for _, b := range bools {
		if v, ok := opts.vals[b.k]; ok {
			if v.kind != 'b' {
				return nil, b.k + " is not true or false"
			}
			*b.dst = v.b
		}
	}
	if v, ok := opts.vals["preflight"]; ok && !(v.kind == 'b' && v.b) {
		return nil, "preflight handling turned off"
	}
	list := func(k string) (*string, string) {
		v, ok := opts.vals[k]
		if !ok || v.kind == 'u' {
			return nil, ""
		}
		if v.kind == 'l' {
			var parts []string
			for _, e := range v.list {
				if e.kind != 's' {
					return nil, k + " is not a literal"
				}
				parts = append(parts, e.str)
			}
			s := strings.Join(parts, ", ")
			return &s, ""
		}
		if v.kind == 's' {
			return &v.str, ""
		}
		return nil, k + " is not a literal"
	}
	var why string
	var m *string
	if m, why = list("methods"); why != "" {
		return nil, why
	} else if m != nil {
		p.methods = *m
	}
	if p.headers, why = list("allowedHeaders"); why != "" {
		return nil, why
	}
	if p.exposed, why = list("exposedHeaders"); why != "" {
		return nil, why
	}
	if p.maxAge, why = opts.maxAge(); why != "" {
		return nil, why
	}
	if v, ok := opts.vals["optionsSuccessStatus"]; ok && v.kind == 'd' {
		p.status = int(v.num)
	}
	return p, ""
}

func containsStar(v jsValue) bool {
	for _, e := range v.list {
		if e.kind == 's' && e.str == "*" {
			return true
		}
	}
	return false
}

// fastifyRules reads an array or a truthy origin; unlike Express, a
// RegExp's lastIndex is reset before each test.
func fastifyRules(o jsValue) ([]jsRule, string) {
	switch o.kind {
	case 'b', 'd', 'o':
		return []jsRule{{any: true, line: o.line}}, ""
	case 'r':
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
			case 'u':
			default:
				r, why := fastifyRules(e)
				if why != "" {
					return nil, why
				}
				out = append(out, r...)
			}
		}
		return out, ""
	}
	return nil, "an origin this reader does not evaluate"
}

func (p *fastifyPolicy) serve(w http.ResponseWriter, r *http.Request, track *lineTracker) {
	h := w.Header()
	if p.fixed == "" && !p.off {
		addVary(h, "Origin")
	}
	if p.off {
		w.WriteHeader(http.StatusOK)
		return
	}
	o := r.Header.Get("Origin")
	if p.fixed != "" {
		h.Set("Access-Control-Allow-Origin", p.fixed)
	} else if o != "" {
		for _, rule := range p.rules {
			if rule.any || rule.re != nil && rule.re.MatchString(o) || rule.exact != "" && rule.exact == o {
				h.Set("Access-Control-Allow-Origin", o)
				track.record(o, rule.line)
				break
			}
		}
	}
	if p.creds {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
	if p.exposed != nil {
		h.Set("Access-Control-Expose-Headers", *p.exposed)
	}
	if r.Method != http.MethodOptions {
		w.WriteHeader(http.StatusOK)
		return
	}
	if p.strict && (o == "" || r.Header.Get("Access-Control-Request-Method") == "") {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	h.Set("Access-Control-Allow-Methods", p.methods)
	if p.headers == nil {
		addVary(h, "Access-Control-Request-Headers")
		if req, ok := r.Header["Access-Control-Request-Headers"]; ok {
			h.Set("Access-Control-Allow-Headers", req[0])
		}
	} else {
		h.Set("Access-Control-Allow-Headers", *p.headers)
	}
	if p.maxAge != "" {
		h.Set("Access-Control-Max-Age", p.maxAge)
	}
	if p.cont {
		w.WriteHeader(http.StatusOK)
		return
	}
	h.Set("Content-Length", "0")
	w.WriteHeader(p.status)
}
