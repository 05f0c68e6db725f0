package lint

import (
	"bytes"
	"fmt"
	"net/http"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/corskit/corskit/audit"
)

// The Apache simulation follows httpd 2.4's modules as documented and as
// e2e/lint_diff_test.go checks against Debian's apache2: mod_setenvif
// (SetEnvIf[NoCase] on a request header or Request_Method/Request_URI,
// PCRE found anywhere, $0-$9 in the value, "!" to unset), mod_rewrite's
// RewriteCond/RewriteRule with "-" and the R=, E=, F and L flags (a
// non-3xx R= ends the request with that status, a locally made answer),
// and mod_headers: "onsuccess" (the default) headers reach only answers
// the backend made, "always" ones every answer, each table kept apart
// (set in both sends two lines); %{VAR}e of an unset variable is
// "(null)"; env=[!]VAR conditions; expr= values with %{req:Name},
// %{HTTP:Name}, %{HTTP_NAME} and %{reqenv:VAR}.

const apacheDoc = "https://httpd.apache.org/docs/2.4/mod/mod_headers.html#header"

type apacheServer struct {
	scope   apScope // the virtual host's directives, locations and If chains
	proxied bool    // ProxyPass: an application answers
}

func sniffApache(name string, head []byte) bool {
	base := strings.ToLower(name)
	named := strings.Contains(base, "apache") || strings.Contains(base, "httpd")
	if !(strings.HasSuffix(base, ".conf") || strings.HasSuffix(base, ".htaccess") || named && apacheExt(base)) {
		return false
	}
	return bytes.Contains(head, []byte("Header ")) && (bytes.Contains(head, []byte("Access-Control-")) || bytes.Contains(head, []byte("SetEnvIf")))
}

// apacheExt reports whether a file in a path naming apache or httpd may
// be its configuration by its extension: none (sites-enabled/000-default)
// or a configuration's, not source code or a test's golden file
// (lint/apache.go, check-stack-apache.golden).
func apacheExt(name string) bool {
	switch path.Ext(path.Base(filepath.ToSlash(name))) {
	case "", ".conf", ".htaccess", ".inc", ".include", ".vhost", ".site", ".load":
		return true
	}
	return false
}

func readApache(file string, data []byte) ([]*Unit, error) {
	ds, err := parseApache(file, string(data))
	if err != nil {
		return nil, err
	}
	var units []*Unit
	vhosts := 0
	for _, d := range ds {
		if strings.EqualFold(d.Name, "VirtualHost") && d.Has {
			vhosts++
			units = append(units, apacheUnits(file, d.Line, "VirtualHost "+strings.Join(d.Args, " "), d.Block)...)
		}
	}
	if vhosts == 0 {
		units = append(units, apacheUnits(file, 1, "server", ds)...)
	}
	return units, nil
}

func apacheCORS(ds []*apDirective) bool {
	for _, d := range ds {
		if strings.EqualFold(d.Name, "Header") && strings.Contains(strings.ToLower(strings.Join(d.Args, " ")), "access-control-") {
			return true
		}
		if apacheCORS(d.Block) {
			return true
		}
	}
	return false
}

// apacheUnit reads one virtual host (or a file of directives): one unit
// for the host's own CORS headers, one per <Location> that has some.
func apacheUnits(file string, line int, name string, ds []*apDirective) []*Unit {
	if !apacheCORS(ds) {
		return nil
	}
	sc, err := splitScope(ds, false, false)
	if err == nil {
		err = checkHeaders(slices.Concat(sc.own, chainDirectives(sc.ifs), locDirectives(sc.locs)))
	}
	if err != nil {
		u := &Unit{File: file, Line: line, Stack: "apache", Name: name, Path: "/", layer: "proxy"}
		u.Dynamic = err.Error() + ": not evaluated here; audit it live"
		u.note(NotEvaluated, 0, line, u.Dynamic, "")
		return []*Unit{u}
	}
	s := &apacheServer{scope: sc}
	for _, d := range sc.own {
		if strings.EqualFold(d.Name, "ProxyPass") {
			s.proxied = true
		}
	}
	host := slices.Concat(sc.own, chainDirectives(sc.ifs))
	var units []*Unit
	for _, l := range sc.locs {
		mine := slices.Concat(l.own, chainDirectives(l.ifs))
		if !apacheCORS(mine) {
			continue
		}
		where := fmt.Sprintf("%s <%s %s>", name, l.d.Name, strings.Join(l.d.Args, " "))
		if l.path == "" {
			u := &Unit{File: file, Line: l.d.Line, Stack: "apache", Name: where, Path: "/", layer: "proxy"}
			u.Dynamic = "a <LocationMatch> whose paths this reader cannot name: not evaluated here (give the path to audit live)"
			u.note(NotEvaluated, 0, l.d.Line, u.Dynamic, "")
			units = append(units, u)
			continue
		}
		units = append(units, apacheUnit(file, l.d.Line, where, l.path, s, slices.Concat(host, mine), slices.Concat(chainOrigins(sc.ifs), chainOrigins(l.ifs))))
	}
	if apacheCORS(host) || len(units) == 0 {
		units = append(units, apacheUnit(file, line, name, "/", s, host, chainOrigins(sc.ifs)))
	}
	return units
}

// checkHeaders refuses a Header directive this reader cannot evaluate.
func checkHeaders(ds []*apDirective) error {
	for _, d := range ds {
		if strings.EqualFold(d.Name, "Header") {
			if _, err := parseHeaderDirective(d); err != nil {
				return err
			}
		}
	}
	return nil
}

func locDirectives(locs []*apSection) []*apDirective {
	var out []*apDirective
	for _, l := range locs {
		out = append(append(out, l.own...), chainDirectives(l.ifs)...)
	}
	return out
}

// apacheUnit is the unit audited at path of server s; ds are the
// directives that may apply there, for the notes and the origins.
func apacheUnit(file string, line int, name, path string, s *apacheServer, ds []*apDirective, condOrigins []string) *Unit {
	u := &Unit{File: file, Line: line, Stack: "apache", Name: name, Path: path, layer: "proxy", forwards: s.proxied}
	track := &lineTracker{}
	u.handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s.serve(w, r, track) })
	u.lineOf = track.lineOf
	for _, d := range ds {
		if !strings.EqualFold(d.Name, "Header") {
			continue
		}
		h, _ := parseHeaderDirective(d)
		if strings.EqualFold(h.name, "Access-Control-Allow-Origin") {
			u.setsACAO = true
			if h.value != "*" && !strings.Contains(h.value, "%") && strings.Contains(h.value, "://") && !slices.Contains(u.Origins, h.value) {
				u.Origins = append(u.Origins, h.value)
			}
			if !h.always {
				u.note(AddHeaderWithoutAlways, audit.Info, d.Line,
					"Header set Access-Control-Allow-Origin without \"always\": Apache sends it only on answers the backend made with success, so the browser hides every locally made error (4xx, 5xx, a redirect) from the page, which then sees a CORS error instead of the status.",
					"Header always set Access-Control-Allow-Origin ... (see "+apacheDoc+").")
			}
		}
	}
	seeds := slices.Clone(condOrigins)
	for _, d := range ds {
		if strings.HasPrefix(strings.ToLower(d.Name), "setenvif") && len(d.Args) >= 2 {
			seeds = append(seeds, regexOrigins(d.Args[1])...)
		}
	}
	for _, o := range seeds {
		if !slices.Contains(u.Origins, o) {
			u.Origins = append(u.Origins, o)
		}
	}
	return u
}

// regexOrigins reads the origins an allowlist regex like
// ^https://(app|www)\.example\.com$ names, for the audit to seed from.
func regexOrigins(re string) []string {
	p := literalPrefix(re)
	if strings.Contains(p, "://") && len(p) > len("https://") {
		return []string{strings.TrimRight(p, ".")}
	}
	return nil
}

type headerDirective struct {
	always bool
	action string
	name   string
	value  string
	envVar string // env=VAR; "" none
	envNot bool
	line   int
}

func parseHeaderDirective(d *apDirective) (headerDirective, error) {
	h := headerDirective{line: d.Line}
	a := d.Args
	if len(a) > 0 && (strings.EqualFold(a[0], "always") || strings.EqualFold(a[0], "onsuccess")) {
		h.always = strings.EqualFold(a[0], "always")
		a = a[1:]
	}
	if len(a) < 2 {
		return h, fmt.Errorf("the Header directive at line %d has too few arguments", d.Line)
	}
	h.action, h.name = strings.ToLower(a[0]), a[1]
	a = a[2:]
	switch h.action {
	case "set", "append", "merge", "add", "setifempty":
		if len(a) == 0 {
			return h, fmt.Errorf("the Header %s at line %d has no value", h.action, d.Line)
		}
		h.value, a = a[0], a[1:]
	case "unset":
	default:
		return h, fmt.Errorf("the Header action %s at line %d", h.action, d.Line)
	}
	for _, x := range a {
		switch {
		case strings.HasPrefix(x, "env=!"):
			h.envVar, h.envNot = x[5:], true
		case strings.HasPrefix(x, "env="):
			h.envVar = x[4:]
		case x == "early":
		default:
			return h, fmt.Errorf("the Header condition %q at line %d", x, d.Line)
		}
	}
	return h, nil
}

// apReq is one simulated request.
type apReq struct {
	r       *http.Request
	env     map[string]string
	decided int // the SetEnvIf line that matched the Origin, for findings
	// vary are the request headers <If> conditions read: ap_expr merges
	// them into Vary in r->headers_out, which a proxied answer replaces
	// and an error answer clears, but a locally made 204 keeps.
	vary []string
}

var apFormatRE = regexp.MustCompile(`%\{([^}]*)\}([a-zA-Z])|%%`)

// format expands a mod_headers value: %{VAR}e is the environment
// variable, "(null)" when unset.
func (q *apReq) format(v string) string {
	if e, ok := strings.CutPrefix(v, "expr="); ok {
		return q.expr(e)
	}
	return apFormatRE.ReplaceAllStringFunc(v, func(m string) string {
		if m == "%%" {
			return "%"
		}
		sub := apFormatRE.FindStringSubmatch(m)
		if sub[2] == "e" {
			if x, ok := q.env[sub[1]]; ok {
				return x
			}
			return "(null)"
		}
		return m
	})
}

var apExprRE = regexp.MustCompile(`%\{([^}]*)\}`)

// expr evaluates an ap_expr string of literal text and variables.
func (q *apReq) expr(e string) string {
	return apExprRE.ReplaceAllStringFunc(e, func(m string) string {
		name := m[2 : len(m)-1]
		switch {
		case strings.HasPrefix(strings.ToLower(name), "req:"), strings.HasPrefix(strings.ToLower(name), "http:"):
			_, h, _ := strings.Cut(name, ":")
			return q.r.Header.Get(h)
		case strings.HasPrefix(strings.ToLower(name), "reqenv:"):
			return q.env[name[7:]]
		case strings.HasPrefix(name, "HTTP_"):
			return q.r.Header.Get(strings.ReplaceAll(name[5:], "_", "-"))
		case name == "REQUEST_METHOD":
			return q.r.Method
		}
		return ""
	})
}

func (q *apReq) attribute(name string) (string, bool) {
	switch strings.ToLower(name) {
	case "request_method":
		return q.r.Method, true
	case "request_uri":
		return q.r.URL.Path, true
	case "request_protocol":
		return "HTTP/1.1", true
	}
	v, ok := q.r.Header[http.CanonicalHeaderKey(name)]
	if !ok {
		return "", false
	}
	return strings.Join(v, ", "), true
}

// setenvif runs one SetEnvIf[NoCase] line.
func (q *apReq) setenvif(d *apDirective) {
	if len(d.Args) < 3 {
		return
	}
	val, ok := q.attribute(d.Args[0])
	if !ok {
		return // an absent header matches nothing
	}
	re, err := compileRegex("pcre", d.Args[1], Search, strings.EqualFold(d.Name, "SetEnvIfNoCase"))
	if err != nil {
		return
	}
	sub := re.FindStringSubmatch(val)
	if sub == nil {
		return
	}
	if strings.EqualFold(d.Args[0], "Origin") {
		q.decided = d.Line
	}
	for _, a := range d.Args[2:] {
		if n, ok := strings.CutPrefix(a, "!"); ok {
			delete(q.env, n)
			continue
		}
		n, v, has := strings.Cut(a, "=")
		if !has {
			v = "1"
		}
		q.env[n] = expandCaptures(v, sub)
	}
}

func expandCaptures(v string, sub []string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] == '$' && i+1 < len(v) && v[i+1] >= '0' && v[i+1] <= '9' {
			if k := int(v[i+1] - '0'); k < len(sub) {
				b.WriteString(sub[k])
			}
			i++
			continue
		}
		b.WriteByte(v[i])
	}
	return b.String()
}

// rewrite runs the mod_rewrite rules; it returns a status that ends the
// request (0: none).
func (q *apReq) rewrite(ds []*apDirective) int {
	on := false
	var conds []*apDirective
	for _, d := range ds {
		switch strings.ToLower(d.Name) {
		case "rewriteengine":
			on = len(d.Args) > 0 && strings.EqualFold(d.Args[0], "on")
		case "rewritecond":
			conds = append(conds, d)
		case "rewriterule":
			ok := on && q.conds(conds) && len(d.Args) >= 2
			conds = nil
			if !ok {
				continue
			}
			// In a virtual host the pattern sees the URL-path with its "/".
			re, err := compileRegex("pcre", strings.TrimPrefix(d.Args[0], "!"), Search, false)
			if err != nil || re.MatchString(q.r.URL.Path) == strings.HasPrefix(d.Args[0], "!") {
				continue
			}
			flags := ""
			if len(d.Args) > 2 {
				flags = strings.Trim(d.Args[2], "[]")
			}
			last := false
			for _, f := range strings.Split(flags, ",") {
				k, v, _ := strings.Cut(f, "=")
				switch strings.ToUpper(k) {
				case "L", "LAST", "END":
					last = true
				case "E":
					n, val, _ := strings.Cut(v, ":")
					q.env[n] = val
				case "F":
					return http.StatusForbidden
				case "R":
					if code, err := strconv.Atoi(v); err == nil && (code < 300 || code > 399) {
						return code
					}
				}
			}
			if last {
				return 0
			}
		}
	}
	return 0
}

// conds evaluates RewriteCond lines (AND, or OR with [OR]).
func (q *apReq) conds(cs []*apDirective) bool {
	result, or := true, false
	for i, c := range cs {
		if len(c.Args) < 2 {
			return false
		}
		test := q.expr(c.Args[0])
		pat := c.Args[1]
		flags := ""
		if len(c.Args) > 2 {
			flags = strings.ToUpper(strings.Trim(c.Args[2], "[]"))
		}
		neg := strings.HasPrefix(pat, "!")
		pat = strings.TrimPrefix(pat, "!")
		var ok bool
		if lit, isEq := strings.CutPrefix(pat, "="); isEq {
			lit = strings.Trim(lit, `"`)
			ok = test == lit || strings.Contains(flags, "NC") && strings.EqualFold(test, lit)
		} else {
			re, err := compileRegex("pcre", pat, Search, strings.Contains(flags, "NC"))
			ok = err == nil && re.MatchString(test)
		}
		ok = ok != neg
		if i == 0 || !or {
			result = (i == 0 || result) && ok
		} else {
			result = result || ok
		}
		or = strings.Contains(flags, "OR")
	}
	return result
}

func (s *apacheServer) serve(w http.ResponseWriter, r *http.Request, track *lineTracker) {
	q := &apReq{r: r, env: map[string]string{}}
	for _, d := range s.scope.own {
		if strings.EqualFold(d.Name, "SetEnvIf") || strings.EqualFold(d.Name, "SetEnvIfNoCase") {
			q.setenvif(d)
		}
	}
	// The sections are merged before translate_name, where the host's
	// mod_rewrite may end the request; their SetEnvIf lines run later
	// (header_parser), so not for a request it ended.
	ds := s.effective(q)
	status := q.rewrite(s.scope.own)
	if status == 0 {
		for _, d := range ds[len(s.scope.own):] {
			if strings.EqualFold(d.Name, "SetEnvIf") || strings.EqualFold(d.Name, "SetEnvIfNoCase") {
				q.setenvif(d)
			}
		}
	}
	local := status != 0
	if status == 0 {
		status = http.StatusOK
		if !s.proxied && r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodOptions && r.Method != http.MethodPost {
			status, local = http.StatusMethodNotAllowed, true
		}
	}
	success, always := http.Header{}, http.Header{}
	for _, d := range ds {
		if !strings.EqualFold(d.Name, "Header") {
			continue
		}
		h, err := parseHeaderDirective(d)
		if err != nil {
			continue
		}
		if h.envVar != "" {
			_, set := q.env[h.envVar]
			if set == h.envNot {
				continue
			}
		}
		t := success
		if h.always {
			t = always
		}
		v := q.format(h.value)
		switch h.action {
		case "set":
			t.Set(h.name, v)
		case "setifempty":
			if t.Get(h.name) == "" {
				t.Set(h.name, v)
			}
		case "add":
			t.Add(h.name, v)
		case "append":
			if old := t.Get(h.name); old != "" {
				t.Set(h.name, old+", "+v)
			} else {
				t.Set(h.name, v)
			}
		case "merge":
			if old := t.Get(h.name); old == "" {
				t.Set(h.name, v)
			} else if !slices.Contains(strings.Split(strings.ReplaceAll(old, " ", ""), ","), v) {
				t.Set(h.name, old+", "+v)
			}
		case "unset":
			t.Del(h.name)
		}
		if strings.EqualFold(h.name, "Access-Control-Allow-Origin") && v != "" && v == r.Header.Get("Origin") {
			line := h.line
			if q.decided > 0 {
				line = q.decided
			}
			track.record(v, line)
		}
	}
	out := w.Header()
	if local && status == http.StatusNoContent && len(q.vary) > 0 {
		out.Add("Vary", strings.Join(q.vary, ","))
	}
	if !local {
		for k, vs := range success {
			for _, v := range vs {
				out.Add(k, v)
			}
		}
	}
	for k, vs := range always {
		for _, v := range vs {
			out.Add(k, v)
		}
	}
	w.WriteHeader(status)
}
