package lint

import (
	"bytes"
	"net/http"
	"slices"
	"strings"
)

// The Hono simulation follows hono/dist/middleware/cors/index.js of hono
// 4.13.23, the version e2e/node pins. Where it differs from Express's
// cors and @fastify/cors: a string origin other than "*" is compared
// exactly and echoed, an array by exact membership (a RegExp in it never
// matches: Array.prototype.includes compares with ===); "*" is sent as
// "*" even with credentials (the Origin reflection honojs/hono#4813
// merged in March 2026 is not in this release: its dist source returns
// "*", and the differential test against it agrees); credentials add
// Allow-Credentials: true to every answer; every OPTIONS request is
// answered 204 as a preflight, with the default methods GET, HEAD, PUT,
// POST, DELETE, PATCH, QUERY and, without allowHeaders, the requested
// headers; Vary: Origin is appended unless the origin option is "*".

const honoDefaultMethods = "GET,HEAD,PUT,POST,DELETE,PATCH,QUERY"

type honoPolicy struct {
	star    bool     // origin "*" (or the default)
	exact   []jsRule // a string or an array of strings
	creds   bool
	methods string
	headers string // "": reflect the requested ones
	exposed string
	maxAge  string
}

func sniffHono(name string, head []byte) bool {
	switch {
	case strings.HasSuffix(name, ".js"), strings.HasSuffix(name, ".mjs"), strings.HasSuffix(name, ".cjs"), strings.HasSuffix(name, ".ts"):
		return bytes.Contains(head, []byte("hono/cors"))
	}
	return false
}

// honoImportNames returns the local names of hono/cors's cors export:
// `import { cors } from 'hono/cors'`, `import { cors as c } ...`,
// `const { cors } = require('hono/cors')`.
func honoImportNames(toks []jsTok) map[string]bool {
	names := map[string]bool{}
	for i, t := range toks {
		if t.kind != 's' || t.text != "hono/cors" {
			continue
		}
		j := i - 1
		switch {
		case j >= 0 && toks[j].text == "from":
			j--
		case j >= 2 && toks[j].text == "(" && toks[j-1].text == "require" && toks[j-2].text == "=":
			j -= 3
		default:
			continue
		}
		if j < 0 || toks[j].text != "}" {
			continue
		}
		// The names between { and }: cors, or cors as NAME (cors: NAME
		// in a destructuring require).
		end := j
		for j > 0 && toks[j].text != "{" && end-j < 64 {
			j--
		}
		inner := toks[j+1 : end]
		for k := 0; k < len(inner); k++ {
			if inner[k].text != "cors" {
				continue
			}
			if k+2 < len(inner) && (inner[k+1].text == "as" || inner[k+1].text == ":") && inner[k+2].kind == 'n' {
				names[inner[k+2].text] = true
				k += 2
				continue
			}
			names["cors"] = true
		}
	}
	return names
}

func readHono(file string, data []byte) ([]*Unit, error) {
	toks, err := tokenizeJS(file, string(data))
	if err != nil {
		return nil, err
	}
	names := honoImportNames(toks)
	var units []*Unit
	for _, c := range jsCalls(toks, names) {
		units = append(units, honoUnit(file, c.line, honoPath(toks, c.at), c.opts))
	}
	return units, nil
}

// honoPath is the path of app.use('/api/*', cors(...)): the URL path the
// unit is audited on ("/" for app.use(cors()) or '*').
func honoPath(toks []jsTok, i int) string {
	if i >= 3 && toks[i-1].text == "," && toks[i-2].kind == 's' && toks[i-3].text == "(" {
		p := strings.TrimRight(toks[i-2].text, "*")
		if strings.HasPrefix(p, "/") && !strings.ContainsAny(p, ":{}()") {
			return p
		}
	}
	return "/"
}

func honoUnit(file string, line int, path string, opts jsValue) *Unit {
	u := &Unit{File: file, Line: line, Stack: "hono", Name: "cors(...)", Path: path, layer: "app"}
	p, why := honoFrom(opts)
	if why != "" {
		u.Dynamic = "dynamic: " + why + ": not evaluated here; audit it live"
		u.note(NotEvaluated, 0, line, u.Dynamic, "")
		return u
	}
	lines := map[string]int{}
	for _, r := range p.exact {
		u.Origins = append(u.Origins, r.exact)
		lines[r.exact] = r.line
	}
	track := &lineTracker{}
	u.handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { p.serve(w, r, track) })
	u.lineOf = track.lineOf
	u.checkDevOrigins(lines)
	return u
}

// honoFrom reads cors()'s options as hono's cors does with them.
func honoFrom(opts jsValue) (*honoPolicy, string) {
	p := &honoPolicy{star: true, methods: honoDefaultMethods}
	if read, why := opts.optionsObject(); !read {
		if why != "" {
			return nil, why
		}
		return p, ""
	}
	if o, ok := opts.vals["origin"]; ok {
		p.star = false
		switch o.kind {
		case 's':
			p.star = o.str == "*"
			if !p.star {
				p.exact = []jsRule{{exact: o.str, line: o.line}}
			}
		case 'l':
			for _, e := range o.list {
				switch e.kind {
				case 's':
					p.exact = append(p.exact, jsRule{exact: e.str, line: e.line})
				case '?':
					return nil, "an origin of the array is " + e.why
				}
				// Anything else (a RegExp, a number) never === a string.
			}
		case '?':
			return nil, "origin is " + o.why
		default:
			return nil, "origin is neither a string, an array nor a function (hono's cors throws a TypeError on each request)"
		}
	}
	if v, ok := opts.vals["credentials"]; ok {
		switch v.kind {
		case 'b':
			p.creds = v.b
		case 's':
			p.creds = v.str != ""
		case 'd':
			p.creds = v.num != 0
		case 'u':
		default:
			return nil, "credentials is not a literal"
		}
	}
	var why string
	if v, ok := opts.vals["allowMethods"]; ok {
		switch v.kind {
		case 'l':
			if p.methods, why = honoJoin("allowMethods", v); why != "" {
				return nil, why
			}
		case '?':
			return nil, "allowMethods is " + v.why
		default: // not an array: hono sends no Allow-Methods
			p.methods = ""
		}
	}
	lists := []struct {
		k   string
		dst *string
	}{{"allowHeaders", &p.headers}, {"exposeHeaders", &p.exposed}}
	for _, l := range lists {
		v, ok := opts.vals[l.k]
		if !ok || v.kind == 'u' {
			continue
		}
		if v.kind != 'l' {
			return nil, l.k + " is not an array (hono's cors calls .join on it)"
		}
		if *l.dst, why = honoJoin(l.k, v); why != "" {
			return nil, why
		}
	}
	if p.maxAge, why = opts.maxAge(); why != "" {
		return nil, why
	}
	return p, ""
}

// honoJoin is Array.prototype.join(",") over an array of strings.
func honoJoin(k string, v jsValue) (string, string) {
	parts := make([]string, 0, len(v.list))
	for _, e := range v.list {
		if e.kind != 's' {
			return "", k + " is not an array of literal strings"
		}
		parts = append(parts, e.str)
	}
	return strings.Join(parts, ","), ""
}

func (p *honoPolicy) serve(w http.ResponseWriter, r *http.Request, track *lineTracker) {
	h := w.Header()
	o := r.Header.Get("Origin")
	switch {
	case p.star:
		h.Set("Access-Control-Allow-Origin", "*")
	case o != "":
		if i := slices.IndexFunc(p.exact, func(x jsRule) bool { return x.exact == o }); i >= 0 {
			h.Set("Access-Control-Allow-Origin", o)
			track.record(o, p.exact[i].line)
		}
	}
	if p.creds {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
	if p.exposed != "" {
		h.Set("Access-Control-Expose-Headers", p.exposed)
	}
	if r.Method != http.MethodOptions {
		if !p.star {
			h.Add("Vary", "Origin")
		}
		w.WriteHeader(http.StatusOK)
		return
	}
	if !p.star {
		h.Add("Vary", "Origin")
	}
	if p.maxAge != "" {
		h.Set("Access-Control-Max-Age", p.maxAge)
	}
	if p.methods != "" {
		h.Set("Access-Control-Allow-Methods", p.methods)
	}
	headers := p.headers
	if headers == "" {
		if req := r.Header.Get("Access-Control-Request-Headers"); req != "" {
			parts := strings.Split(req, ",")
			for i := range parts {
				parts[i] = strings.TrimSpace(parts[i])
			}
			headers = strings.Join(parts, ",")
		}
	}
	if headers != "" {
		h.Set("Access-Control-Allow-Headers", headers)
		h.Add("Vary", "Access-Control-Request-Headers")
	}
	w.WriteHeader(http.StatusNoContent)
}
