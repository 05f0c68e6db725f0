package lint

import (
	"bytes"
	"fmt"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// The Caddyfile reader follows Caddy 2's Caddyfile (caddyconfig/caddyfile
// lexer and httpcaddyfile): tokens are split on white space, "..." and
// `...` quote, # starts a comment at a token's start, { } open and close
// blocks. The simulation keeps what decides a CORS answer:
//   - directives run in Caddy's fixed order (header before handle before
//     route before respond and reverse_proxy), route's in the order
//     written; handle blocks are mutually exclusive, the first whose
//     matcher matches runs (path matchers sorted longest first);
//   - matchers: path (a trailing * is a prefix, case-insensitive), method,
//     header (exact, "*" present, *x suffix, x* prefix, *x* contains;
//     several values: any), header_regexp (Go's regexp, found anywhere:
//     Caddy uses it as is), not; a block's matchers all match;
//   - header [matcher] Field value (set), +Field (add), -Field (delete),
//     ?Field (set if absent), and the block form; {header.X},
//     {http.request.header.X} and {http.request.method} are replaced
//     (an absent header by "");
//   - respond [matcher] [body] [status] and reverse_proxy/file_server end
//     the request (the backend is taken to answer 200); no terminal
//     handler answers 200 empty.
// Anything else in a block is skipped, and a directive it does not know
// that could change the answer (map, vars, intercept...) makes the unit
// not evaluated rather than guessed.

type caddyToken struct {
	text   string
	line   int
	quoted bool
}

// caddyTokens splits a Caddyfile into lines of tokens (a newline ends a
// directive) following the lexer's rules.
func caddyTokens(data []byte) [][]caddyToken {
	var lines [][]caddyToken
	var cur []caddyToken
	line := 1
	flush := func() {
		if len(cur) > 0 {
			lines = append(lines, cur)
			cur = nil
		}
	}
	for i := 0; i < len(data); {
		c := data[i]
		switch {
		case c == '\n':
			line++
			i++
			flush()
		case c == ' ' || c == '\t' || c == '\r':
			i++
		case c == '#':
			for i < len(data) && data[i] != '\n' {
				i++
			}
		case c == '"' || c == '`':
			start := line
			var b strings.Builder
			i++
			for i < len(data) && data[i] != c {
				// Caddy unescapes only \" (and \ before a newline)
				// inside "...": \. stays \., as a regexp wants.
				if c == '"' && data[i] == '\\' && i+1 < len(data) && (data[i+1] == '"' || data[i+1] == '\n') {
					i++
				}
				if data[i] == '\n' {
					line++
				}
				b.WriteByte(data[i])
				i++
			}
			i++
			cur = append(cur, caddyToken{b.String(), start, true})
		default:
			j := i
			for j < len(data) && !strings.ContainsRune(" \t\r\n", rune(data[j])) {
				if data[j] == '\\' && j+1 < len(data) {
					j++
				}
				j++
			}
			j = min(j, len(data))
			cur = append(cur, caddyToken{string(data[i:j]), line, false})
			i = j
		}
	}
	flush()
	return lines
}

// caddyNode is one directive: its tokens and, when it opens a block, the
// directives inside.
type caddyNode struct {
	args  []caddyToken
	block []*caddyNode
	line  int
}

// name is the directive's name; a bare "{" line has none.
func (n *caddyNode) name() string {
	if len(n.args) == 0 {
		return ""
	}
	return n.args[0].text
}

// maxCaddyDepth bounds nesting in a hostile file.
const maxCaddyDepth = 32

// caddyParse builds the block tree: a line ending in an unquoted "{"
// opens a block that a line "}" closes.
func caddyParse(lines [][]caddyToken) ([]*caddyNode, error) {
	root := &caddyNode{}
	stack := []*caddyNode{root}
	for _, l := range lines {
		top := stack[len(stack)-1]
		if len(l) == 1 && l[0].text == "}" && !l[0].quoted {
			if len(stack) == 1 {
				return nil, fmt.Errorf("line %d: } closes no block", l[0].line)
			}
			stack = stack[:len(stack)-1]
			continue
		}
		last := l[len(l)-1]
		opens := last.text == "{" && !last.quoted
		if opens {
			l = l[:len(l)-1]
		}
		n := &caddyNode{args: l, line: l0(l, last.line)}
		top.block = append(top.block, n)
		if opens {
			if len(stack) > maxCaddyDepth {
				return nil, fmt.Errorf("line %d: blocks nested deeper than %d", last.line, maxCaddyDepth)
			}
			stack = append(stack, n)
		}
	}
	if len(stack) != 1 {
		return nil, fmt.Errorf("a block is not closed")
	}
	return root.block, nil
}

func l0(l []caddyToken, line int) int {
	if len(l) > 0 {
		return l[0].line
	}
	return line
}

// CaddyError is a Caddyfile that does not parse.
type CaddyError struct {
	File string
	Err  error
}

func (e *CaddyError) Error() string { return fmt.Sprintf("%s: Caddyfile: %v", e.File, e.Err) }

func sniffCaddy(name string, head []byte) bool {
	base := filepath.Base(name)
	return (base == "Caddyfile" || strings.HasPrefix(base, "Caddyfile.") || strings.HasSuffix(base, ".caddyfile") || strings.HasSuffix(base, ".Caddyfile")) &&
		bytes.Contains(head, []byte("Access-Control-"))
}

// caddyMatcher is a named or inline matcher set: all its parts match.
type caddyMatcher struct {
	parts []func(r *http.Request) bool
	// originLine is the line of the part that tests the Origin.
	originLine int
	// path is the prefix of a single path matcher, for handle ordering.
	path string
	// headers are the header matcher's values by field.
	headers map[string]*[]string
}

func (m *caddyMatcher) match(r *http.Request) bool {
	for _, p := range m.parts {
		if !p(r) {
			return false
		}
	}
	return true
}

// caddySite is the state of one site's reading.
type caddySite struct {
	file     string
	matchers map[string]*caddyMatcher
	dynamic  string
	dynLine  int
	origins  []string
	lines    map[string]int
}

// readCaddy reads each site block (or the file's one unbraced site).
func readCaddy(file string, data []byte) ([]*Unit, error) {
	nodes, err := caddyParse(caddyTokens(data))
	if err != nil {
		return nil, &CaddyError{file, err}
	}
	var units []*Unit
	var loose []*caddyNode
	for i, n := range nodes {
		switch {
		case i == 0 && n.block != nil && len(n.args) == 0: // global options
		case n.block != nil && n.name() != "" && !strings.HasPrefix(n.name(), "@") && !caddyDirectives[n.name()]:
			units = append(units, caddySiteUnits(file, n)...)
		default:
			loose = append(loose, n)
		}
	}
	if len(units) == 0 && len(loose) > 0 {
		units = caddySiteUnits(file, &caddyNode{args: []caddyToken{{text: ":80", line: 1}}, block: loose, line: 1})
	}
	return units, nil
}

// caddyDirectives are the directives the simulation knows; caddyOrder is
// Caddy's order for those that run (httpcaddyfile/directives.go).
var (
	caddyOrder      = []string{"header", "handle", "route", "respond", "reverse_proxy", "file_server"}
	caddyDirectives = map[string]bool{"header": true, "handle": true, "route": true, "respond": true, "reverse_proxy": true, "file_server": true,
		"encode": true, "log": true, "root": true, "tls": true, "bind": true, "import": false}
	// caddyChangesAnswer are directives that can change a CORS answer in
	// ways the simulation does not follow.
	caddyChangesAnswer = map[string]bool{"map": true, "vars": true, "intercept": true, "handle_errors": true, "request_header": true,
		"rewrite": true, "redir": true, "abort": true, "error": true, "invoke": true, "import": true, "handle_path": true, "header_down": true}
)

// caddySiteUnits makes a unit per handle block of the site whose matcher
// is a path and that sets a CORS header, or one unit for the site.
func caddySiteUnits(file string, site *caddyNode) []*Unit {
	s := &caddySite{file: file, matchers: map[string]*caddyMatcher{}, lines: map[string]int{}}
	s.collectMatchers(site.block)
	var paths []string
	for _, n := range site.block {
		if n.name() == "handle" && len(n.args) == 2 && strings.HasPrefix(n.args[1].text, "/") && caddySetsCORS(n.block) {
			paths = append(paths, strings.TrimSuffix(n.args[1].text, "*"))
		}
	}
	if len(paths) == 0 {
		if !caddySetsCORS(site.block) {
			return nil
		}
		paths = []string{"/"}
	}
	s.scan(site.block, 0)
	var units []*Unit
	for _, p := range paths {
		u := &Unit{File: file, Line: site.line, Stack: "caddy", Name: "site " + site.args[0].text, Path: p, layer: "proxy"}
		if len(paths) > 1 || p != "/" {
			u.Name = "handle " + p + "*"
		}
		u.Origins = slices.Clone(s.origins)
		if s.dynamic != "" {
			u.Dynamic = s.dynamic + ": not evaluated here; audit it live"
			u.note(NotEvaluated, 0, s.dynLine, u.Dynamic, "")
		}
		track := &lineTracker{}
		block := site.block
		u.handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ran := s.run(block, false, w.Header(), r, track, 0)
			if ran == 0 {
				ran = http.StatusOK
			}
			w.WriteHeader(ran)
		})
		u.lineOf = track.lineOf
		u.checkDevOrigins(s.lines)
		units = append(units, u)
	}
	return units
}

// caddySetsCORS reports whether a block sets an Access-Control- header.
func caddySetsCORS(block []*caddyNode) bool {
	for _, n := range block {
		for _, a := range n.args {
			if strings.Contains(strings.ToLower(a.text), "access-control-") {
				return true
			}
		}
		if caddySetsCORS(n.block) {
			return true
		}
	}
	return false
}

// collectMatchers reads the named matchers defined at the top of a block.
func (s *caddySite) collectMatchers(block []*caddyNode) {
	for _, n := range block {
		if !strings.HasPrefix(n.name(), "@") {
			continue
		}
		m := &caddyMatcher{}
		if len(n.args) > 1 {
			s.matcherPart(m, n.args[1:])
		}
		for _, c := range n.block {
			s.matcherPart(m, c.args)
		}
		s.matchers[n.name()] = m
	}
}

// matcherPart adds one matcher line ("header Origin x", "method GET") to m.
func (s *caddySite) matcherPart(m *caddyMatcher, args []caddyToken) {
	if len(args) == 0 {
		return
	}
	kind, vals := args[0].text, texts(args[1:])
	switch kind {
	case "not":
		sub := &caddyMatcher{}
		s.matcherPart(sub, args[1:])
		m.parts = append(m.parts, func(r *http.Request) bool { return !sub.match(r) })
	case "method":
		m.parts = append(m.parts, func(r *http.Request) bool { return slices.Contains(vals, r.Method) })
	case "path":
		if len(vals) == 1 {
			m.path = strings.TrimSuffix(vals[0], "*")
		}
		m.parts = append(m.parts, func(r *http.Request) bool {
			return slices.ContainsFunc(vals, func(p string) bool { return caddyPathMatch(p, r.URL.Path) })
		})
	case "header":
		if len(vals) == 0 {
			s.setDynamic(args[0].line, "a header matcher without a field")
			return
		}
		field, want := vals[0], vals[1:]
		if strings.EqualFold(field, "Origin") {
			m.originLine = args[0].line
			for _, w := range want {
				if !strings.Contains(w, "*") {
					s.addOrigin(w, args[0].line)
				}
			}
		}
		// Several header lines on one field are one list of values,
		// any of which matches (Caddy's MatchHeader is field -> values).
		key := http.CanonicalHeaderKey(field)
		if m.headers == nil {
			m.headers = map[string]*[]string{}
		}
		if list, ok := m.headers[key]; ok {
			*list = append(*list, want...)
			return
		}
		list := slices.Clone(want)
		m.headers[key] = &list
		m.parts = append(m.parts, func(r *http.Request) bool { return caddyHeaderMatch(r.Header.Values(field), list) })
	case "header_regexp":
		if len(vals) == 3 { // a name for the captures
			vals = vals[1:]
		}
		if len(vals) != 2 {
			s.setDynamic(args[0].line, "header_regexp without a field and a pattern")
			return
		}
		re, err := regexp.Compile(vals[1])
		if err != nil {
			s.setDynamic(args[0].line, fmt.Sprintf("header_regexp %q does not compile: %v", vals[1], err))
			return
		}
		field := vals[0]
		if strings.EqualFold(field, "Origin") {
			m.originLine = args[0].line
		}
		m.parts = append(m.parts, func(r *http.Request) bool {
			return slices.ContainsFunc(r.Header.Values(field), re.MatchString)
		})
	default:
		s.setDynamic(args[0].line, "the "+kind+" matcher")
	}
}

// setDynamic records the first thing the simulation does not follow.
func (s *caddySite) setDynamic(line int, what string) {
	if s.dynamic == "" {
		s.dynamic, s.dynLine = fmt.Sprintf("line %d: %s", line, what), line
	}
}

func (s *caddySite) addOrigin(o string, line int) {
	if strings.Contains(o, "://") && !strings.Contains(o, "{") && !slices.Contains(s.origins, o) {
		s.origins = append(s.origins, o)
		s.lines[o] = line
	}
}

func texts(ts []caddyToken) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.text
	}
	return out
}

// caddyPathMatch is Caddy's path matcher for the forms read here: a
// trailing * is a prefix, a leading * a suffix, case-insensitive.
func caddyPathMatch(pattern, path string) bool {
	pattern, path = strings.ToLower(pattern), strings.ToLower(path)
	switch {
	case pattern == "*":
		return true
	case strings.HasSuffix(pattern, "*"):
		return strings.HasPrefix(path, strings.TrimSuffix(pattern, "*"))
	case strings.HasPrefix(pattern, "*"):
		return strings.HasSuffix(path, strings.TrimPrefix(pattern, "*"))
	}
	return pattern == path
}

// caddyHeaderMatch is Caddy's header matcher (caddyhttp.matchHeaders).
func caddyHeaderMatch(have, want []string) bool {
	if len(want) == 0 {
		return len(have) > 0
	}
	for _, h := range have {
		for _, w := range want {
			switch {
			case w == "*":
				return true
			case len(w) > 1 && strings.HasPrefix(w, "*") && strings.HasSuffix(w, "*"):
				if strings.Contains(h, w[1:len(w)-1]) {
					return true
				}
			case strings.HasPrefix(w, "*"):
				if strings.HasSuffix(h, w[1:]) {
					return true
				}
			case strings.HasSuffix(w, "*"):
				if strings.HasPrefix(h, w[:len(w)-1]) {
					return true
				}
			case h == w:
				return true
			}
		}
	}
	return false
}

// scan walks a block once before any request: it reads the literal
// origins of header values and notes directives it does not follow.
func (s *caddySite) scan(block []*caddyNode, depth int) {
	for _, n := range block {
		name := n.name()
		if caddyChangesAnswer[name] {
			s.setDynamic(n.line, name)
		}
		if name == "header" {
			_, ops := s.headerOps(n)
			for _, op := range ops {
				if strings.EqualFold(op.field, "Access-Control-Allow-Origin") {
					s.addOrigin(op.value, op.line)
				}
			}
		}
		if (name == "handle" || name == "route") && depth < maxCaddyDepth {
			s.collectMatchers(n.block)
			s.scan(n.block, depth+1)
		}
	}
}

type caddyHeaderOp struct {
	op, field, value string
	line             int
}

// headerOps returns a header directive's matcher and operations.
func (s *caddySite) headerOps(n *caddyNode) (*caddyMatcher, []caddyHeaderOp) {
	args := n.args[1:]
	m := s.inlineMatcher(&args)
	var lines [][]caddyToken
	if len(args) > 0 {
		lines = append(lines, args)
	}
	for _, c := range n.block {
		lines = append(lines, c.args)
	}
	var ops []caddyHeaderOp
	for _, l := range lines {
		if len(l) == 0 {
			continue
		}
		f := l[0].text
		op := "set"
		if f != "" && strings.ContainsRune("+-?>", rune(f[0])) {
			op, f = f[:1], f[1:]
		}
		v := ""
		if len(l) > 1 {
			v = l[1].text
		}
		ops = append(ops, caddyHeaderOp{op, f, v, l[0].line})
	}
	return m, ops
}

// inlineMatcher takes a matcher token (@name, a path, *) off the front of
// args; nil means every request.
func (s *caddySite) inlineMatcher(args *[]caddyToken) *caddyMatcher {
	if len(*args) == 0 {
		return nil
	}
	t := (*args)[0].text
	switch {
	case strings.HasPrefix(t, "@"):
		*args = (*args)[1:]
		if m, ok := s.matchers[t]; ok {
			return m
		}
		return &caddyMatcher{parts: []func(*http.Request) bool{func(*http.Request) bool { return false }}}
	case t == "*" || strings.HasPrefix(t, "/"):
		*args = (*args)[1:]
		m := &caddyMatcher{}
		s.matcherPart(m, []caddyToken{{text: "path"}, {text: t}})
		return m
	}
	return nil
}

// caddyReplace replaces the placeholders a CORS header uses.
func caddyReplace(v string, r *http.Request) string {
	if !strings.Contains(v, "{") {
		return v
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(v, '{')
		j := strings.IndexByte(v[max(i, 0):], '}')
		if i < 0 || j < 0 {
			b.WriteString(v)
			return b.String()
		}
		b.WriteString(v[:i])
		name := v[i+1 : i+j]
		switch {
		case strings.HasPrefix(name, "http.request.header."):
			b.WriteString(strings.Join(r.Header.Values(strings.TrimPrefix(name, "http.request.header.")), ","))
		case strings.HasPrefix(name, "header."):
			b.WriteString(strings.Join(r.Header.Values(strings.TrimPrefix(name, "header.")), ","))
		case name == "http.request.method" || name == "method":
			b.WriteString(r.Method)
		default:
			b.WriteString(v[i : i+j+1])
		}
		v = v[i+j+1:]
	}
}

// run answers r from block: directives in Caddy's order (route's in the
// order written), the first matching handle only. It returns the status
// of the directive that ended the request (0: none did).
func (s *caddySite) run(block []*caddyNode, ordered bool, h http.Header, r *http.Request, track *lineTracker, depth int) int {
	if depth > maxCaddyDepth {
		return 0
	}
	nodes := slices.Clone(block)
	if !ordered {
		slices.SortStableFunc(nodes, s.compare)
	}
	handled := false
	for _, n := range nodes {
		if n.name() == "" {
			continue
		}
		args := n.args[1:]
		var m *caddyMatcher
		if n.name() != "header" && (len(args) > 0 && (strings.HasPrefix(args[0].text, "@") || args[0].text == "*" || strings.HasPrefix(args[0].text, "/"))) {
			m = s.inlineMatcher(&args)
		}
		switch n.name() {
		case "header":
			hm, ops := s.headerOps(n)
			if hm == nil || hm.match(r) {
				s.applyHeader(h, ops, r, hm, track)
			}
			continue
		}
		if m != nil && !m.match(r) {
			continue
		}
		switch n.name() {
		case "handle", "route":
			if n.name() == "handle" {
				if handled {
					continue
				}
				handled = true
			}
			if st := s.run(n.block, n.name() == "route", h, r, track, depth+1); st != 0 {
				return st
			}
		case "respond":
			return caddyRespondStatus(texts(args))
		case "reverse_proxy", "file_server":
			return http.StatusOK
		}
	}
	return 0
}

// caddyRank is a directive's place in Caddy's order; those it does not
// run go last (they do nothing here).
func caddyRank(name string) int {
	if i := slices.Index(caddyOrder, name); i >= 0 {
		return i
	}
	return len(caddyOrder)
}

// compare is httpcaddyfile's sortRoutes: by directive order, then, for
// one directive, a longer single path matcher first, then one with a
// matcher before one without; otherwise as written.
func (s *caddySite) compare(a, b *caddyNode) int {
	if d := caddyRank(a.name()) - caddyRank(b.name()); d != 0 {
		return d
	}
	ap, am := s.pathLen(a)
	bp, bm := s.pathLen(b)
	if ap != bp {
		return bp - ap
	}
	if ap == 0 && am != bm {
		if am {
			return -1
		}
		return 1
	}
	return 0
}

// pathLen returns the length of a directive's single path matcher and
// whether it has a matcher at all.
func (s *caddySite) pathLen(n *caddyNode) (int, bool) {
	if len(n.args) < 2 {
		return 0, false
	}
	t := n.args[1].text
	switch {
	case strings.HasPrefix(t, "/"):
		return len(strings.TrimSuffix(t, "*")), true
	case strings.HasPrefix(t, "@"):
		if m, ok := s.matchers[t]; ok && m.path != "" && len(m.parts) == 1 {
			return len(m.path), true
		}
		return 0, true
	case t == "*":
		return 0, true
	}
	return 0, false
}

// applyHeader applies a header directive's operations in Caddy's order
// (add, then set, then delete); the Origin a matcher let in is recorded
// with the matcher's line.
func (s *caddySite) applyHeader(h http.Header, ops []caddyHeaderOp, r *http.Request, m *caddyMatcher, track *lineTracker) {
	for _, kind := range []string{"+", "set", "?", "-"} {
		for _, op := range ops {
			if op.op != kind && !(kind == "set" && op.op == ">") {
				continue
			}
			v := caddyReplace(op.value, r)
			switch kind {
			case "+":
				h.Add(op.field, v)
			case "set":
				h.Set(op.field, v)
			case "?":
				if h.Get(op.field) == "" {
					h.Set(op.field, v)
				}
			case "-":
				h.Del(op.field)
			}
			if strings.EqualFold(op.field, "Access-Control-Allow-Origin") && v != "" && v != "*" {
				line := op.line
				if m != nil && m.originLine > 0 {
					line = m.originLine
				}
				track.record(v, line)
			}
		}
	}
}

// caddyRespondStatus is respond's status: respond [body] [status], a lone
// three-digit argument being the status.
func caddyRespondStatus(args []string) int {
	var st string
	switch len(args) {
	case 1:
		if len(args[0]) == 3 {
			st = args[0]
		}
	case 2:
		st = args[1]
	}
	if n, err := strconv.Atoi(st); err == nil && n >= 100 && n <= 999 {
		return n
	}
	return http.StatusOK
}
