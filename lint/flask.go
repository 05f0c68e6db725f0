package lint

import (
	"bytes"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// The Flask-CORS simulation follows flask_cors/core.py and extension.py
// (3.0.10, Debian's python3-flask-cors). Options are the defaults
// (origins "*", every method, allow_headers "*", always_send,
// vary_header) under CORS(app, ...)'s keywords under a resource's own.
// The first resource whose pattern matches the path applies. An origin
// entry that looks like a regex (any of * \ ] ? $ ^ [ ( )) is re.match-ed
// case-insensitively (anchored at the start only; "*" becomes ".*"), any
// other is compared case-insensitively; a match is reflected. Without an
// Origin the first listed origin (or "*") is still sent. Vary: Origin is
// added only when the list has several entries or a regex.

var flaskAllMethods = "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT"

// flaskPattern is an origin, header or resource entry: a regex (compiled
// with re.match semantics) or a plain string.
type flaskPattern struct {
	plain string
	src   string // a compiled regex's pattern
	re    *regexp.Regexp
	regex bool
	line  int
}

// flaskProbablyRegex is Flask-CORS's probably_regex.
func flaskProbablyRegex(s string) bool { return strings.ContainsAny(s, `*\]?$^[()`) }

func flaskPatternOf(v pyValue, caseless bool) (flaskPattern, string) {
	switch v.kind {
	case 'r':
		re, err := compileRegex("python", v.str, Match, v.flagI)
		if err != nil {
			return flaskPattern{}, err.Error()
		}
		return flaskPattern{re: re, regex: true, line: v.line, src: v.str}, ""
	case 's':
		s := v.str
		if s == "*" {
			s = ".*"
		}
		if !flaskProbablyRegex(s) {
			return flaskPattern{plain: s, line: v.line}, ""
		}
		re, err := compileRegex("python", s, Match, caseless)
		if err != nil {
			// Flask-CORS catches re.error: the entry matches nothing.
			if _, ok := err.(*RegexError); ok && strings.Contains(err.Error(), "RE2 has no") {
				return flaskPattern{}, err.Error()
			}
			return flaskPattern{plain: "\x00never", regex: true, line: v.line}, ""
		}
		return flaskPattern{re: re, regex: true, plain: s, line: v.line}, ""
	}
	return flaskPattern{}, "an entry that is not a literal string or re.compile"
}

func (p flaskPattern) match(s string, caseless bool) bool {
	if p.re != nil {
		return p.re.MatchString(s)
	}
	if p.regex {
		return false
	}
	if caseless {
		return strings.EqualFold(p.plain, s) // casefold, for ASCII
	}
	return p.plain == s
}

type flaskOptions struct {
	origins      []flaskPattern
	methods      string
	headers      []flaskPattern
	expose       string
	creds        bool
	maxAge       string
	sendWildcard bool
	alwaysSend   bool
	vary         bool
}

type flaskResource struct {
	path flaskPattern
	opts *flaskOptions
}

func sniffFlask(name string, head []byte) bool {
	return strings.HasSuffix(name, ".py") && bytes.Contains(head, []byte("flask_cors"))
}

func readFlask(file string, data []byte) ([]*Unit, error) {
	toks, err := tokenizePython(file, string(data))
	if err != nil {
		return nil, err
	}
	var units []*Unit
	for _, c := range calls(toks, "CORS") {
		units = append(units, flaskUnits(file, c)...)
	}
	return units, nil
}

// flaskKeys are the options, in the order flask_cors reads them.
var flaskKeys = []string{"origins", "methods", "allow_headers", "expose_headers", "supports_credentials", "max_age", "send_wildcard", "always_send", "vary_header"}

func flaskUnits(file string, c pyCall) []*Unit {
	dyn := func(why string) []*Unit {
		u := &Unit{File: file, Line: c.line, Stack: "flask", Name: "CORS(...)", Path: "/", layer: "app"}
		u.Dynamic = "dynamic: " + why + ": not evaluated here; audit it live"
		u.note(NotEvaluated, 0, c.line, u.Dynamic, "")
		return []*Unit{u}
	}
	if c.star {
		return dyn("arguments passed with * or **")
	}
	base := map[string]pyValue{}
	for _, k := range flaskKeys {
		if v, ok := c.kw[k]; ok {
			base[k] = v
		}
	}
	type raw struct {
		path pyValue
		kw   map[string]pyValue
	}
	var raws []raw
	res, ok := c.kw["resources"]
	switch {
	case !ok:
		raws = []raw{{pyValue{kind: 's', str: "/*", line: c.line}, base}}
	case res.kind == 'm':
		for i, k := range res.keys {
			kw := map[string]pyValue{}
			for kk, vv := range base {
				kw[kk] = vv
			}
			o := res.list[i]
			if o.kind != 'm' {
				return dyn("a resource's options are not a literal dict")
			}
			for j, ok := range o.keys {
				if ok.kind != 's' {
					return dyn("a resource option name is not a string")
				}
				kw[ok.str] = o.list[j]
			}
			raws = append(raws, raw{k, kw})
		}
	case res.kind == 's' || res.kind == 'r':
		raws = []raw{{res, base}}
	case res.kind == 'l':
		for _, e := range res.list {
			raws = append(raws, raw{e, base})
		}
	default:
		return dyn("resources is not a literal")
	}
	var resources []flaskResource
	for _, r := range raws {
		path, why := flaskPatternOf(r.path, false)
		if why != "" {
			return dyn(why)
		}
		opts, why := flaskOptionsFrom(r.kw)
		if why != "" {
			return dyn(why)
		}
		resources = append(resources, flaskResource{path, opts})
	}
	// parse_resources sorts a dict's resources: plain paths first, then
	// compiled regexes, then regex strings, more slashes and longer first.
	if res.kind == 'm' {
		slices.SortStableFunc(resources, func(a, b flaskResource) int {
			ka, kb := flaskSortKey(a.path), flaskSortKey(b.path)
			return slices.Compare(ka, kb)
		})
	}
	var units []*Unit
	for _, r := range resources {
		path, ok := flaskPath(r.path)
		if !ok {
			continue
		}
		u := &Unit{File: file, Line: c.line, Stack: "flask", Name: "CORS(...) resource " + strconv.Quote(r.path.plain), Path: path, layer: "app"}
		if r.path.line > 0 && len(resources) > 1 {
			u.Line = r.path.line
		}
		for _, o := range r.opts.origins {
			if !o.regex && o.plain != "" {
				u.Origins = append(u.Origins, o.plain)
			}
		}
		track := &lineTracker{}
		all := resources
		u.handler = http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) { flaskServe(all, w, req, track) })
		u.lineOf = track.lineOf
		lines := map[string]int{}
		for _, o := range r.opts.origins {
			lines[o.plain] = o.line
		}
		u.checkDevOrigins(lines)
		units = append(units, u)
	}
	return units
}

func flaskSortKey(p flaskPattern) []int {
	switch {
	case p.re != nil && p.plain == "":
		return []int{1, 0, 0, 0}
	case p.regex:
		return []int{1, 1, -strings.Count(p.plain, "/"), -len(p.plain)}
	}
	return []int{0, 0, -strings.Count(p.plain, "/"), -len(p.plain)}
}

// flaskPath names a path the resource pattern matches.
func flaskPath(p flaskPattern) (string, bool) {
	if !p.regex {
		return p.plain, strings.HasPrefix(p.plain, "/")
	}
	if p.re == nil {
		return "", false
	}
	return pathFor(p.re, p.plain+p.src)
}

func flaskStrList(v pyValue, sorted bool) (string, bool) {
	switch v.kind {
	case 's':
		return v.str, true
	case 'l':
		ss, _, ok := v.strings()
		if !ok {
			return "", false
		}
		if sorted {
			ss = slices.Clone(ss)
			slices.Sort(ss)
		}
		return strings.Join(ss, ", "), true
	case 'n':
		return "", true
	}
	return "", false
}

func flaskOptionsFrom(kw map[string]pyValue) (*flaskOptions, string) {
	o := &flaskOptions{methods: flaskAllMethods, alwaysSend: true, vary: true,
		origins: []flaskPattern{{plain: ".*", regex: true, re: regexp.MustCompile(`(?i)\A(?:.*)`)}},
		headers: []flaskPattern{{plain: ".*", regex: true, re: regexp.MustCompile(`(?i)\A(?:.*)`)}}}
	patterns := func(k string) ([]flaskPattern, string) {
		v := kw[k]
		elems := []pyValue{v}
		if v.kind == 'l' {
			elems = v.list
		}
		var out []flaskPattern
		for _, e := range elems {
			p, why := flaskPatternOf(e, true)
			if why != "" {
				return nil, k + ": " + why
			}
			if p.line == 0 {
				p.line = v.line
			}
			out = append(out, p)
		}
		return out, ""
	}
	var why string
	if _, ok := kw["origins"]; ok {
		if o.origins, why = patterns("origins"); why != "" {
			return nil, why
		}
	}
	if _, ok := kw["allow_headers"]; ok {
		if o.headers, why = patterns("allow_headers"); why != "" {
			return nil, why
		}
	}
	if v, ok := kw["methods"]; ok {
		s, lit := flaskStrList(v, true)
		if !lit {
			return nil, "methods is not a literal"
		}
		o.methods = strings.ToUpper(s)
	}
	if v, ok := kw["expose_headers"]; ok {
		s, lit := flaskStrList(v, true)
		if !lit {
			return nil, "expose_headers is not a literal"
		}
		o.expose = s
	}
	bools := []struct {
		k   string
		dst *bool
	}{{"supports_credentials", &o.creds}, {"send_wildcard", &o.sendWildcard}, {"always_send", &o.alwaysSend}, {"vary_header", &o.vary}}
	for _, b := range bools {
		if v, ok := kw[b.k]; ok {
			if v.kind != 'b' {
				return nil, b.k + " is not True or False"
			}
			*b.dst = v.b
		}
	}
	if v, ok := kw["max_age"]; ok {
		switch v.kind {
		case 'i':
			if v.i != 0 {
				o.maxAge = strconv.Itoa(v.i)
			}
		case 's':
			o.maxAge = v.str
		case 'n':
		default:
			return nil, "max_age is not a literal"
		}
	}
	if o.wildcard() && o.creds && o.sendWildcard {
		return nil, "Flask-CORS refuses supports_credentials with origins \"*\" and send_wildcard (ValueError at start)"
	}
	return o, ""
}

func (o *flaskOptions) wildcard() bool {
	return slices.ContainsFunc(o.origins, func(p flaskPattern) bool { return p.plain == ".*" })
}

// originsToSet is get_cors_origins: the Allow-Origin values, nil for none.
func (o *flaskOptions) originsToSet(origin string, has bool) ([]string, int) {
	if has {
		if o.wildcard() && o.sendWildcard {
			return []string{"*"}, 0
		}
		for _, p := range o.origins {
			if p.match(origin, true) {
				return []string{origin}, p.line
			}
		}
		return nil, 0
	}
	if !o.alwaysSend {
		return nil, 0
	}
	if o.wildcard() {
		if o.creds {
			return nil, 0
		}
		return []string{"*"}, 0
	}
	var plain []string
	for _, p := range o.origins {
		if !p.regex {
			plain = append(plain, p.plain)
		}
	}
	slices.Sort(plain)
	return plain, 0
}

func flaskServe(resources []flaskResource, w http.ResponseWriter, r *http.Request, track *lineTracker) {
	for _, res := range resources {
		if res.path.match(r.URL.Path, false) {
			res.opts.set(w.Header(), r, track)
			break
		}
	}
	w.WriteHeader(http.StatusOK)
}

func (o *flaskOptions) set(h http.Header, r *http.Request, track *lineTracker) {
	vals, has := r.Header["Origin"]
	origin := ""
	if has {
		origin = vals[0]
	}
	set, line := o.originsToSet(origin, has)
	if len(set) == 0 {
		return
	}
	// MultiDict.items() keeps the first value of each header.
	if set[0] != "" {
		h.Set("Access-Control-Allow-Origin", set[0])
		if has && set[0] == origin {
			track.record(origin, line)
		}
	}
	if o.expose != "" {
		h.Set("Access-Control-Expose-Headers", o.expose)
	}
	if o.creds {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
	if r.Method == http.MethodOptions {
		m := strings.ToUpper(r.Header.Get("Access-Control-Request-Method"))
		if m != "" && strings.Contains(o.methods, m) { // Python's "in" on a string
			if req := r.Header.Get("Access-Control-Request-Headers"); req != "" {
				var ok []string
				for _, x := range strings.Split(req, ",") {
					x = strings.TrimSpace(x)
					if slices.ContainsFunc(o.headers, func(p flaskPattern) bool { return p.match(x, true) }) {
						ok = append(ok, x)
					}
				}
				slices.Sort(ok)
				if len(ok) > 0 {
					h.Set("Access-Control-Allow-Headers", strings.Join(ok, ", "))
				}
			}
			if o.maxAge != "" {
				h.Set("Access-Control-Max-Age", o.maxAge)
			}
			if o.methods != "" {
				h.Set("Access-Control-Allow-Methods", o.methods)
			}
		}
	}
	if o.vary && set[0] != "*" && (len(o.origins) > 1 || len(set) > 1 || slices.ContainsFunc(o.origins, func(p flaskPattern) bool { return p.regex })) {
		h.Add("Vary", "Origin")
	}
}
