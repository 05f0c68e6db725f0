package lint

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/corskit/corskit/audit"
)

// The nginx simulation interprets what nginx does with a request at the
// level CORS depends on: the rewrite module's set/if/return in the server
// and then the location (an if that matches makes its block the request's
// configuration), map, location selection, and the headers filter's
// add_header with its inheritance (a level that declares any add_header
// discards all of its parent's) and its status rule (without "always",
// only 200, 201, 204, 206, 301, 302, 303, 304, 307 and 308 get them).

const nginxDoc = "https://nginx.org/en/docs/http/ngx_http_headers_module.html#add_header"

// ngxLevel is one configuration level: http, server, location or if.
type ngxLevel struct {
	d       *ngxDirective // nil for http
	parent  *ngxLevel
	headers []*ngxDirective // own add_header directives
	cached  bool            // proxy_cache / fastcgi_cache / ... set at or above
	content bool            // proxy_pass and friends: an application answers
}

func (l *ngxLevel) effectiveHeaders() []*ngxDirective {
	for x := l; x != nil; x = x.parent {
		if len(x.headers) > 0 {
			return x.headers
		}
	}
	return nil
}

func newLevel(d *ngxDirective, parent *ngxLevel) *ngxLevel {
	l := &ngxLevel{d: d, parent: parent}
	if parent != nil {
		l.cached, l.content = parent.cached, parent.content
	}
	var body []*ngxDirective
	if d != nil {
		body = d.Block
	}
	for _, c := range body {
		switch c.Name {
		case "add_header":
			l.headers = append(l.headers, c)
		case "proxy_cache", "fastcgi_cache", "uwsgi_cache", "scgi_cache":
			l.cached = len(c.Args) > 0 && c.Args[0] != "off"
		case "proxy_pass", "fastcgi_pass", "uwsgi_pass", "scgi_pass", "grpc_pass":
			l.content = true
		}
	}
	return l
}

// maxMapDepth bounds maps evaluated inside maps (nginx reports a cycle
// while evaluating variables; the simulation gives up with "").
const maxMapDepth = 8

// ngxMap is one map block.
type ngxMap struct {
	src, dst string
	def      *ngxDirective
	exact    map[string]*ngxDirective // lowercase key
	regexes  []ngxMapRegex
}

type ngxMapRegex struct {
	re *regexp.Regexp
	d  *ngxDirective
}

// ngxServer is one server block with what the simulation needs.
type ngxServer struct {
	level *ngxLevel
	maps  map[string]*ngxMap // by destination variable, without "$"
	err   error              // a feature not evaluated
}

// status codes add_header applies to without "always".
var addHeaderStatuses = []int{200, 201, 204, 206, 301, 302, 303, 304, 307, 308}

// ngxRequest is the state of one simulated request.
type ngxRequest struct {
	srv      *ngxServer
	r        *http.Request
	vars     map[string]string
	captures []string
	depth    int           // maps being evaluated: a map whose value names itself is a cycle
	decided  *ngxDirective // the last if or map entry that looked at $http_origin and matched
}

func (q *ngxRequest) variable(name string) string {
	if v, ok := q.vars[name]; ok {
		return v
	}
	if n, err := strconv.Atoi(name); err == nil {
		if n < len(q.captures) {
			return q.captures[n]
		}
		return ""
	}
	switch {
	case strings.HasPrefix(name, "http_"):
		h := strings.ReplaceAll(strings.TrimPrefix(name, "http_"), "_", "-")
		return strings.Join(q.r.Header.Values(h), ", ")
	case name == "request_method":
		return q.r.Method
	case name == "uri" || name == "document_uri":
		return q.r.URL.Path
	case name == "request_uri":
		return q.r.URL.RequestURI()
	case name == "scheme":
		return "https"
	case name == "host":
		return q.r.Host
	}
	if m := q.srv.maps[name]; m != nil && q.depth < maxMapDepth {
		q.depth++
		defer func() { q.depth-- }()
		return q.mapValue(m)
	}
	return ""
}

var ngxVarRE = regexp.MustCompile(`\$(\{[A-Za-z0-9_]+\}|[A-Za-z0-9_]+)`)

// expand replaces the variables in an nginx value.
func (q *ngxRequest) expand(v string) string {
	if !strings.Contains(v, "$") {
		return v
	}
	return ngxVarRE.ReplaceAllStringFunc(v, func(m string) string {
		return q.variable(strings.Trim(m[1:], "{}"))
	})
}

func (q *ngxRequest) mapValue(m *ngxMap) string {
	src := q.expand(m.src)
	var hit *ngxDirective
	if d, ok := m.exact[strings.ToLower(src)]; ok {
		hit = d
	} else {
		for _, x := range m.regexes {
			if sub := x.re.FindStringSubmatch(src); sub != nil {
				q.captures = sub
				hit = x.d
				break
			}
		}
	}
	if hit == nil {
		hit = m.def
	} else if strings.Contains(m.src, "http_origin") {
		q.decided = hit
	}
	if hit == nil || len(hit.Args) == 0 {
		return ""
	}
	return q.expand(hit.Args[0])
}

// run executes the rewrite directives of one level; it returns the level
// that is the request's configuration afterwards and the status of a
// return (0: none).
func (q *ngxRequest) run(l *ngxLevel) (*ngxLevel, int, string) {
	cur := l
	for _, d := range l.d.Block {
		switch d.Name {
		case "set":
			if len(d.Args) == 2 {
				q.vars[strings.TrimPrefix(d.Args[0], "$")] = q.expand(d.Args[1])
			}
		case "return":
			code, body := ngxReturn(d, q)
			return cur, code, body
		case "if":
			ok, err := q.cond(d)
			if err != nil {
				q.srv.err = err
				continue
			}
			if ok {
				inner := newLevel(d, l)
				cur = inner
				if _, code, body := q.run(inner); code != 0 {
					return cur, code, body
				}
			}
		}
	}
	return cur, 0, ""
}

func ngxReturn(d *ngxDirective, q *ngxRequest) (int, string) {
	if len(d.Args) == 0 {
		return 0, ""
	}
	code, err := strconv.Atoi(d.Args[0])
	if err != nil {
		return 302, "" // return URL
	}
	body := ""
	if len(d.Args) > 1 {
		body = q.expand(d.Args[1])
	}
	return code, body
}

// cond evaluates an if's condition.
func (q *ngxRequest) cond(d *ngxDirective) (bool, error) {
	args := slices.Clone(d.Args)
	if len(args) == 0 {
		return false, nil
	}
	args[0] = strings.TrimPrefix(args[0], "(")
	last := len(args) - 1
	args[last] = strings.TrimSuffix(args[last], ")")
	if args[last] == "" {
		args = args[:last]
	}
	if len(args) == 0 || args[0] == "" {
		return false, &NginxError{d.File, d.Line, "if: empty condition"}
	}
	if len(args) == 1 {
		v := q.expand(args[0])
		return v != "" && v != "0", nil
	}
	if len(args) != 3 {
		return false, &NginxError{d.File, d.Line, fmt.Sprintf("if %s: not evaluated here", strings.Join(d.Args, " "))}
	}
	v, op, arg := q.expand(args[0]), args[1], args[2]
	switch op {
	case "=", "!=":
		return (v == q.expand(arg)) == (op == "="), nil
	case "~", "~*", "!~", "!~*":
		re, err := compileRegex("pcre", arg, Search, strings.HasSuffix(op, "*"))
		if err != nil {
			return false, err
		}
		sub := re.FindStringSubmatch(v)
		if sub != nil {
			q.captures = sub
			if strings.Contains(args[0], "http_origin") && op[0] == '~' {
				q.decided = d
			}
		}
		return (sub != nil) == (op[0] == '~'), nil
	}
	return false, &NginxError{d.File, d.Line, fmt.Sprintf("if operator %q: not evaluated here", op)}
}

// ngxLocation is a location with its match.
type ngxLocation struct {
	level *ngxLevel
	mod   string // "", "=", "^~", "~", "~*"
	path  string
	re    *regexp.Regexp
}

func locations(l *ngxLevel) []*ngxLocation {
	var out []*ngxLocation
	for _, d := range l.d.Block {
		if d.Name != "location" || !d.Has || len(d.Args) == 0 {
			continue
		}
		loc := &ngxLocation{level: newLevel(d, l)}
		if len(d.Args) >= 2 {
			loc.mod, loc.path = d.Args[0], d.Args[1]
		} else {
			loc.path = d.Args[0]
		}
		if loc.mod == "~" || loc.mod == "~*" {
			loc.re, _ = compileRegex("pcre", loc.path, Search, loc.mod == "~*")
		}
		out = append(out, loc)
	}
	return out
}

// find selects the location for a path as nginx does: an exact match,
// else the longest prefix (final with ^~), else the first regex that
// matches, else the longest prefix.
func find(locs []*ngxLocation, path string) *ngxLocation {
	var best *ngxLocation
	for _, l := range locs {
		switch l.mod {
		case "=":
			if l.path == path {
				return l
			}
		case "", "^~":
			if strings.HasPrefix(path, l.path) && (best == nil || len(l.path) > len(best.path)) {
				best = l
			}
		}
	}
	if best != nil && best.mod == "^~" {
		return best
	}
	for _, l := range locs {
		if l.re != nil && l.re.MatchString(path) {
			return l
		}
	}
	return best
}

// ServeHTTP answers as the server would.
func (s *ngxServer) serve(w http.ResponseWriter, r *http.Request, track *lineTracker) {
	q := &ngxRequest{srv: s, r: r, vars: map[string]string{}}
	conf, code, body := q.run(s.level)
	if code == 0 {
		if loc := find(locations(s.level), r.URL.Path); loc != nil {
			conf, code, body = q.run(loc.level)
			if code == 0 {
				code = q.contentStatus(conf)
			}
		} else {
			code = q.contentStatus(conf)
		}
	}
	for _, h := range conf.effectiveHeaders() {
		if len(h.Args) < 2 {
			continue
		}
		always := len(h.Args) > 2 && h.Args[2] == "always"
		if !always && !slices.Contains(addHeaderStatuses, code) {
			continue
		}
		v := q.expand(h.Args[1])
		if v == "" { // nginx adds no header with an empty value
			continue
		}
		w.Header().Add(h.Args[0], v)
		if strings.EqualFold(h.Args[0], "Access-Control-Allow-Origin") {
			at := h
			if q.decided != nil {
				at = q.decided
			}
			track.recordAt(v, at.File, at.Line)
		}
	}
	w.WriteHeader(code)
	_, _ = io.WriteString(w, body)
}

// contentStatus is the status of a location without return: an
// application behind proxy_pass answers 200 (the simulation knows no
// more of it); the static module answers 405 to methods other than GET,
// HEAD and POST.
func (q *ngxRequest) contentStatus(conf *ngxLevel) int {
	if conf.content {
		return http.StatusOK
	}
	switch q.r.Method {
	case http.MethodGet, http.MethodHead, http.MethodPost:
		return http.StatusOK
	}
	return http.StatusMethodNotAllowed
}

// readNginx turns an nginx file into one unit per location (or server)
// whose headers mention Access-Control-.
func readNginx(file string, data []byte) ([]*Unit, error) { return readNginxIn(file, data, "") }

// readNginxIn reads file as nginx's main file, following its includes
// within root (the linted tree; "": file's folder).
func readNginxIn(file string, data []byte, root string) ([]*Unit, error) {
	ds, err := parseNginx(file, string(data))
	if err != nil {
		if line := templateLine(data); line > 0 {
			return templateUnits(file, "nginx", line, data), nil
		}
		return nil, err
	}
	in := newIncluder(file, root)
	ds = in.expand(ds, "")
	units, err := nginxUnits(file, ds)
	for _, e := range in.errs {
		u := &Unit{File: e.File, Line: e.Line, Stack: "nginx", Name: "include", Dynamic: e.Msg + ": not evaluated here"}
		u.note(NotEvaluated, audit.Info, e.Line, u.Dynamic, "Include only files of the linted tree, each once.")
		units = append(units, u)
	}
	for _, u := range units {
		u.readFrom, u.includes = in.stack[0], in.read
	}
	return units, err
}

// templateLine is the first line of data that holds a template's
// markup ({{ }} of Go templates, gomplate, Jinja, Helm; {% %}; <% %> of
// ERB), 0 when none does. Such a file is the source of a configuration,
// not one: nginx never reads it as it stands.
func templateLine(data []byte) int {
	for i, l := range bytes.Split(data, []byte("\n")) {
		if bytes.Contains(l, []byte("{{")) || bytes.Contains(l, []byte("{%")) || bytes.Contains(l, []byte("<%")) {
			return i + 1
		}
	}
	return 0
}

// templateUnits reports a template that does not parse as the server's
// syntax: not-evaluated at its first markup, when it mentions CORS at
// all (a template without CORS headers says nothing to lint).
func templateUnits(file, stack string, line int, data []byte) []*Unit {
	if !bytes.Contains(bytes.ToLower(data), []byte("access-control-")) {
		return nil
	}
	u := &Unit{File: file, Line: line, Stack: stack, Name: "template", Path: "/"}
	u.Dynamic = "a template (its markup at this line): not evaluated here; lint the configuration it renders, or audit it live"
	u.note(NotEvaluated, audit.Info, line, u.Dynamic, "Render the template (with your production values) and lint the result.")
	return []*Unit{u}
}

func nginxUnits(file string, ds []*ngxDirective) ([]*Unit, error) {
	top := &ngxDirective{Name: "http", Block: ds, Has: true, File: file}
	// A file may hold a whole nginx.conf, an http {} body or a server {}.
	for _, d := range ds {
		if d.Name == "http" && d.Has {
			top = d
		}
	}
	httpLevel := newLevel(top, nil)
	maps := readMaps(top.Block)
	var units []*Unit
	servers := 0
	for _, d := range top.Block {
		if d.Name == "server" && d.Has {
			servers++
			units = append(units, serverUnits(file, newLevel(d, httpLevel), maps)...)
		}
	}
	if servers == 0 && hasCORS(top.Block) { // a server {} body, as included by a server
		units = append(units, serverUnits(file, newLevel(&ngxDirective{Name: "server", Block: ds, Has: true, File: file, Line: 1}, nil), maps)...)
	}
	return units, nil
}

func readMaps(ds []*ngxDirective) map[string]*ngxMap {
	maps := map[string]*ngxMap{}
	for _, d := range ds {
		if d.Name != "map" || !d.Has || len(d.Args) != 2 {
			continue
		}
		m := &ngxMap{src: d.Args[0], dst: strings.TrimPrefix(d.Args[1], "$"), exact: map[string]*ngxDirective{}}
		for _, e := range d.Block {
			switch {
			case e.Name == "default":
				m.def = e
			case e.Name == "hostnames" || e.Name == "volatile" || e.Name == "include":
			case strings.HasPrefix(e.Name, "~"):
				ci := strings.HasPrefix(e.Name, "~*")
				re, err := compileRegex("pcre", strings.TrimPrefix(strings.TrimPrefix(e.Name, "~*"), "~"), Search, ci)
				if err == nil {
					m.regexes = append(m.regexes, ngxMapRegex{re, e})
				}
			default:
				m.exact[strings.ToLower(strings.TrimPrefix(e.Name, `\`))] = e
			}
		}
		maps[m.dst] = m
	}
	return maps
}

// hasCORS reports whether any add_header in ds (at any depth) sets an
// Access-Control- header.
func hasCORS(ds []*ngxDirective) bool {
	for _, d := range ds {
		if d.Name == "add_header" && len(d.Args) > 0 && strings.HasPrefix(strings.ToLower(d.Args[0]), "access-control-") {
			return true
		}
		if hasCORS(d.Block) {
			return true
		}
	}
	return false
}

func serverUnits(file string, srv *ngxLevel, maps map[string]*ngxMap) []*Unit {
	var units []*Unit
	locs := locations(srv)
	add := func(at string, line int, name, path string, lvl *ngxLevel) {
		if at == "" {
			at = file
		}
		u := &Unit{File: at, Line: line, Stack: "nginx", Name: name, Path: path, layer: "proxy", forwards: lvl.content}
		s := &ngxServer{level: srv, maps: maps}
		track := &lineTracker{}
		u.handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s.serve(w, r, track) })
		u.lineOf, u.fileOf = track.lineOf, track.fileOf
		u.Origins, u.notes = nginxOrigins(lvl, maps), nil
		nginxNotes(u, lvl)
		units = append(units, u)
	}
	for _, l := range locs {
		if !hasCORS(l.level.d.Block) && !hasCORS(headerBlock(l.level)) {
			continue
		}
		switch l.mod {
		case "~", "~*":
			u := &Unit{File: l.level.d.File, Line: l.level.d.Line, Stack: "nginx", Name: "location " + l.mod + " " + l.path}
			u.Dynamic = "a regex location: not evaluated here (give the path to audit live)"
			u.note(NotEvaluated, audit.Info, u.Line, u.Dynamic, "")
			units = append(units, u)
			continue
		}
		if strings.HasPrefix(l.path, "@") {
			continue
		}
		add(l.level.d.File, l.level.d.Line, strings.TrimSpace("location "+l.mod+" "+l.path), l.path, l.level)
	}
	if len(units) == 0 && hasCORS(srv.d.Block) {
		add(srv.d.File, srv.d.Line, "server", "/", srv)
	}
	return units
}

// headerBlock returns the add_header directives a level inherits.
func headerBlock(l *ngxLevel) []*ngxDirective { return l.effectiveHeaders() }

// nginxOrigins collects the origins the configuration names literally:
// fixed Allow-Origin values, map keys and if comparisons.
func nginxOrigins(l *ngxLevel, maps map[string]*ngxMap) []string {
	var out []string
	add := func(o string) {
		if strings.Contains(o, "://") && !strings.ContainsAny(o, "$^\\()[]*?+|") && !slices.Contains(out, o) {
			out = append(out, o)
		}
	}
	for _, h := range corsHeaders(l) {
		if len(h.Args) > 1 && strings.EqualFold(h.Args[0], "Access-Control-Allow-Origin") {
			add(h.Args[1])
		}
	}
	for _, m := range maps {
		for k := range m.exact {
			add(k)
		}
	}
	slices.Sort(out)
	return out
}

// corsHeaders returns the add_header directives that apply to a level:
// its effective ones and those of the if blocks inside it.
func corsHeaders(l *ngxLevel) []*ngxDirective {
	out := slices.Clone(l.effectiveHeaders())
	for _, d := range l.d.Block {
		if d.Name == "if" {
			out = append(out, newLevel(d, l).headers...)
		}
	}
	return out
}

// nginxNotes adds the findings only the configuration shows.
func nginxNotes(u *Unit, l *ngxLevel) {
	var acao []*ngxDirective
	vary := false
	for _, h := range corsHeaders(l) {
		if len(h.Args) < 2 {
			continue
		}
		if strings.EqualFold(h.Args[0], "Access-Control-Allow-Origin") {
			acao = append(acao, h)
			if len(h.Args) < 3 || h.Args[2] != "always" {
				u.noteIn(h.File, AddHeaderWithoutAlways, audit.Info, h.Line,
					"add_header Access-Control-Allow-Origin without \"always\": nginx sends it only with 200, 201, 204, 206, 301, 302, 303, 304, 307 and 308, so the browser hides every error answer (4xx, 5xx) from the page, which then sees a CORS error instead of the status.",
					"Add \"always\": add_header Access-Control-Allow-Origin ... always; (see "+nginxDoc+").")
			}
		}
		if strings.EqualFold(h.Args[0], "Vary") && strings.Contains(strings.ToLower(h.Args[1]), "origin") {
			vary = true
		}
	}
	u.setsACAO = len(acao) > 0
	for _, h := range acao {
		if l.cached && strings.Contains(h.Args[1], "$") && !vary {
			u.noteIn(h.File, CachedWithoutVary, audit.Medium, h.Line,
				"This location is cached (proxy_cache) and its Access-Control-Allow-Origin depends on the request's Origin, but it does not add Vary: Origin: the cache stores one origin's answer and serves it to the others.",
				"add_header Vary Origin always; and keep $http_origin in the cache key (proxy_cache_key ... $http_origin), or do not cache these answers.")
			break
		}
	}
}
