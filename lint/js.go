package lint

import (
	"fmt"
	"strconv"
	"strings"
)

// A careful reader of JavaScript (and TypeScript) literals: the options
// object of a cors({...}) call and the const bindings it names. The JS
// parsers written in Go are out of reach here: esbuild's parser is an
// internal package (not importable), and goja has no tagged release to
// pin. A CORS options object is a literal, and this reader evaluates
// literals only: strings, template strings without ${}, numbers,
// booleans, null, undefined, arrays, objects and regular expression
// literals. A function, a call or a ${} is reported as dynamic.

type jsTok struct {
	kind byte // 'n' name, 's' string, 'd' number, 'r' regex, 'o' punctuator
	text string
	flag string // regex flags
	line int
}

// JSError is a JavaScript file this reader cannot tokenize.
type JSError struct {
	File string
	Line int
	Msg  string
}

func (e *JSError) Error() string { return fmt.Sprintf("%s:%d: javascript: %s", e.File, e.Line, e.Msg) }

const maxJSTokens = 1 << 20

// regexAfter are the tokens after which "/" starts a regex literal.
func regexAllowed(prev *jsTok) bool {
	if prev == nil {
		return true
	}
	switch prev.kind {
	case 'o':
		return !strings.Contains(")]}", prev.text)
	case 'n':
		switch prev.text {
		case "return", "typeof", "case", "do", "else", "in", "of", "new", "delete", "void", "throw", "yield", "await":
			return true
		}
	}
	return false
}

func tokenizeJS(file, src string) ([]jsTok, error) {
	var out []jsTok
	line := 1
	i := 0
	for i < len(src) {
		if len(out) > maxJSTokens {
			return nil, &JSError{file, line, "too many tokens"}
		}
		c := src[i]
		switch {
		case c == '\n':
			line++
			i++
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			i++
		case strings.HasPrefix(src[i:], "//"):
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case strings.HasPrefix(src[i:], "/*"):
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				return nil, &JSError{file, line, "unterminated comment"}
			}
			line += strings.Count(src[i:i+2+end], "\n")
			i += end + 4
		case c == '"' || c == '\'' || c == '`':
			s, n, end, dyn, err := jsString(file, src, i, line)
			if err != nil {
				return nil, err
			}
			t := jsTok{kind: 's', text: s, line: line}
			if dyn {
				t.kind = 't' // a template with ${}: not a literal
			}
			out = append(out, t)
			line += n
			i = end
		case c == '/' && regexAllowed(last(out)):
			j, err := jsRegexEnd(file, src, i, line)
			if err != nil {
				return nil, err
			}
			k := j
			for k < len(src) && isPyName(src[k]) {
				k++
			}
			out = append(out, jsTok{kind: 'r', text: src[i+1 : j-1], flag: src[j:k], line: line})
			i = k
		case isPyNameStart(c) || c == '$':
			j := i
			for j < len(src) && (isPyName(src[j]) || src[j] == '$') {
				j++
			}
			out = append(out, jsTok{kind: 'n', text: src[i:j], line: line})
			i = j
		case c >= '0' && c <= '9':
			j := i
			for j < len(src) && (isPyName(src[j]) || src[j] == '.') {
				j++
			}
			out = append(out, jsTok{kind: 'd', text: src[i:j], line: line})
			i = j
		default:
			n := 1
			for _, p := range []string{"=>", "...", "===", "!==", "==", "!=", "&&", "||", "??", "?."} {
				if strings.HasPrefix(src[i:], p) {
					n = len(p)
					break
				}
			}
			out = append(out, jsTok{kind: 'o', text: src[i : i+n], line: line})
			i += n
		}
	}
	return out, nil
}

func last(ts []jsTok) *jsTok {
	if len(ts) == 0 {
		return nil
	}
	return &ts[len(ts)-1]
}

// jsRegexEnd returns the index after the closing "/" of the regex
// literal at src[i].
func jsRegexEnd(file, src string, i, line int) (int, error) {
	class := false
	for j := i + 1; j < len(src); j++ {
		switch src[j] {
		case '\\':
			j++
		case '[':
			class = true
		case ']':
			class = false
		case '/':
			if !class {
				return j + 1, nil
			}
		case '\n':
			return 0, &JSError{file, line, "unterminated regular expression"}
		}
	}
	return 0, &JSError{file, line, "unterminated regular expression"}
}

// jsString reads a string or template literal.
func jsString(file, src string, i, line int) (s string, nl, end int, dynamic bool, err error) {
	q := src[i]
	var b strings.Builder
	for j := i + 1; j < len(src); j++ {
		c := src[j]
		switch {
		case c == q:
			return b.String(), nl, j + 1, dynamic, nil
		case c == '\n':
			if q != '`' {
				return "", 0, 0, false, &JSError{file, line, "unterminated string"}
			}
			nl++
		case c == '$' && q == '`' && j+1 < len(src) && src[j+1] == '{':
			dynamic = true
		case c == '\\' && j+1 < len(src):
			j++
			switch e := src[j]; e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case '\n':
				nl++
			default:
				b.WriteByte(e) // JS drops the backslash of an unknown escape
			}
			continue
		}
		b.WriteByte(c)
	}
	return "", 0, 0, false, &JSError{file, line, "unterminated string"}
}

// jsValue is an evaluated JS literal.
type jsValue struct {
	kind  byte // 's' string, 'b' bool, 'd' number, 'l' array, 'o' object, 'r' regex, 'u' undefined/null, '?' dynamic
	str   string
	b     bool
	num   float64
	list  []jsValue
	keys  []string
	vals  map[string]jsValue
	flags string
	line  int
	why   string
}

// A jsCall is a call of a CORS middleware: the token of its name (at),
// its line and its first argument, the options (undefined when there is
// none).
type jsCall struct {
	at, line int
	opts     jsValue
}

// jsCalls finds the calls of names in toks (not a method of the same name,
// not a function declaring it) and reads their options: 64 at the most,
// so that a hostile file costs bounded work.
func jsCalls(toks []jsTok, names map[string]bool) []jsCall {
	binds := jsBindings(toks)
	var calls []jsCall
	for i := 0; i+1 < len(toks) && len(calls) < 64; i++ {
		t := toks[i]
		if t.kind != 'n' || !names[t.text] || toks[i+1].text != "(" || (i > 0 && (toks[i-1].text == "." || toks[i-1].text == "function")) {
			continue
		}
		p := &jsParser{toks: toks, pos: i + 2, bindings: binds}
		opts := jsValue{kind: 'u', line: t.line}
		if !p.is(")") {
			opts = p.value(0)
		}
		calls = append(calls, jsCall{at: i, line: t.line, opts: opts})
	}
	return calls
}

// optionsObject says whether v, a CORS middleware's options argument, is
// an object literal to read; when it is not, why says what it is instead,
// or is empty for no options at all (the package's defaults).
func (v jsValue) optionsObject() (read bool, why string) {
	switch v.kind {
	case 'o':
		return true, ""
	case 'u':
		return false, ""
	case '?':
		return false, "the options are not a literal (" + v.why + ")"
	default:
		return false, "the options are not an object"
	}
}

// maxAge is the object v's maxAge option as the header sends it (a
// number or a string, written as JavaScript's String() writes it), "" when
// it is absent or undefined.
func (v jsValue) maxAge() (age, why string) {
	m, ok := v.vals["maxAge"]
	if !ok {
		return "", ""
	}
	switch m.kind {
	case 'u':
		return "", ""
	case 'd':
		return strconv.FormatFloat(m.num, 'f', -1, 64), ""
	case 's':
		return m.str, ""
	default:
		return "", "maxAge is not a literal"
	}
}

type jsParser struct {
	toks     []jsTok
	pos      int
	bindings map[string]jsValue
	resolved int // identifiers resolved, bounded
}

func (p *jsParser) peek() jsTok {
	if p.pos >= len(p.toks) {
		return jsTok{kind: 'o', text: ";"}
	}
	return p.toks[p.pos]
}

func (p *jsParser) next() jsTok { t := p.peek(); p.pos++; return t }

func (p *jsParser) is(text string) bool { t := p.peek(); return t.kind == 'o' && t.text == text }

const maxJSDepth = 32

// value parses one expression; what is not a literal is '?' and skipped.
func (p *jsParser) value(depth int) jsValue {
	t := p.peek()
	if depth > maxJSDepth {
		return p.skip(t, "nested too deep")
	}
	var v jsValue
	switch {
	case t.kind == 's':
		p.next()
		v = jsValue{kind: 's', str: t.text, line: t.line}
	case t.kind == 'd':
		p.next()
		n, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			return p.skip(t, "number "+t.text)
		}
		v = jsValue{kind: 'd', num: n, line: t.line}
	case t.kind == 'r':
		p.next()
		v = jsValue{kind: 'r', str: t.text, flags: t.flag, line: t.line}
	case t.kind == 'n' && (t.text == "true" || t.text == "false"):
		p.next()
		v = jsValue{kind: 'b', b: t.text == "true", line: t.line}
	case t.kind == 'n' && (t.text == "null" || t.text == "undefined"):
		p.next()
		v = jsValue{kind: 'u', line: t.line}
	case t.kind == 'o' && t.text == "[":
		v = p.array(depth)
	case t.kind == 'o' && t.text == "{":
		v = p.object(depth)
	case t.kind == 'n' && t.text == "function", t.kind == 'n' && t.text == "async":
		return p.skip(t, "a function")
	case t.kind == 'n':
		p.next()
		if p.is("=>") {
			return p.skip(t, "a function")
		}
		b, ok := p.bindings[t.text]
		if !ok || p.resolved > 1000 {
			return p.skip(t, "the value of "+t.text)
		}
		p.resolved++
		b.line = t.line
		v = b
	case t.kind == 'o' && t.text == "(":
		return p.skip(t, "a function or a computed value")
	default:
		return p.skip(t, "")
	}
	// A literal followed by an operator is an expression: not evaluated.
	if n := p.peek(); !(n.kind == 'o' && strings.Contains(",)]};", n.text)) {
		if n.kind == 'o' && n.text == "=>" {
			return p.skip(t, "a function")
		}
		return p.skip(t, "an expression")
	}
	return v
}

func (p *jsParser) array(depth int) jsValue {
	open := p.next()
	v := jsValue{kind: 'l', line: open.line}
	for !p.is("]") {
		if p.pos >= len(p.toks) {
			return jsValue{kind: '?', line: open.line, why: "unterminated array"}
		}
		if p.is("...") {
			return p.skip(open, "a spread")
		}
		v.list = append(v.list, p.value(depth+1))
		if p.is(",") {
			p.next()
		} else if !p.is("]") {
			return p.skip(open, "")
		}
	}
	p.next()
	return v
}

func (p *jsParser) object(depth int) jsValue {
	open := p.next()
	v := jsValue{kind: 'o', line: open.line, vals: map[string]jsValue{}}
	for !p.is("}") {
		if p.pos >= len(p.toks) {
			return jsValue{kind: '?', line: open.line, why: "unterminated object"}
		}
		k := p.next()
		if k.kind != 'n' && k.kind != 's' {
			return p.skip(open, "a computed key or spread")
		}
		var e jsValue
		switch {
		case p.is(":"):
			p.next()
			e = p.value(depth + 1)
		case p.is("("): // a method: origin(o, cb) {...}
			p.skipBalanced()
			if p.is("{") {
				p.skipBalanced()
			}
			e = jsValue{kind: '?', line: k.line, why: "a function"}
		default: // shorthand {origin}
			b, ok := p.bindings[k.text]
			if !ok {
				b = jsValue{kind: '?', line: k.line, why: "the value of " + k.text}
			}
			e = b
		}
		if _, dup := v.vals[k.text]; !dup {
			v.keys = append(v.keys, k.text)
		}
		v.vals[k.text] = e // the last one wins, as in JS
		if p.is(",") {
			p.next()
		} else if !p.is("}") {
			return p.skip(open, "")
		}
	}
	p.next()
	return v
}

// skipBalanced skips one bracketed group starting at the current token.
func (p *jsParser) skipBalanced() {
	depth := 0
	for p.pos < len(p.toks) {
		t := p.next()
		if t.kind != 'o' {
			continue
		}
		switch t.text {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			depth--
			if depth <= 0 {
				return
			}
		}
	}
}

// skip passes the rest of the expression: to a ',' or closer at this
// depth, or a ';'.
func (p *jsParser) skip(t jsTok, why string) jsValue {
	depth := 0
	for p.pos < len(p.toks) {
		x := p.peek()
		if x.kind == 'o' {
			switch x.text {
			case "(", "[", "{":
				depth++
			case ")", "]", "}":
				if depth == 0 {
					return jsValue{kind: '?', line: t.line, why: why}
				}
				depth--
			case ",", ";":
				if depth == 0 {
					return jsValue{kind: '?', line: t.line, why: why}
				}
			}
		}
		p.next()
	}
	return jsValue{kind: '?', line: t.line, why: why}
}

// jsBindings evaluates every `const|let|var NAME = literal`; a name bound
// twice is not evaluated (which one applies depends on scope).
func jsBindings(toks []jsTok) map[string]jsValue {
	out := map[string]jsValue{}
	seen := map[string]int{}
	p := &jsParser{toks: toks, bindings: out}
	for i := 0; i+2 < len(toks); i++ {
		t := toks[i]
		if t.kind != 'n' || (t.text != "const" && t.text != "let" && t.text != "var") {
			continue
		}
		name, eq := toks[i+1], toks[i+2]
		if name.kind != 'n' || eq.kind != 'o' || eq.text != "=" {
			continue
		}
		seen[name.text]++
		p.pos = i + 3
		out[name.text] = p.value(0)
	}
	for n, c := range seen {
		if c > 1 {
			out[n] = jsValue{kind: '?', why: n + " is bound more than once"}
		}
	}
	return out
}
