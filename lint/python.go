package lint

import (
	"fmt"
	"strconv"
	"strings"
)

// A careful reader of Python literals. No Python parser written in Go is
// kept up to date with the language (go-python/gpython stops at 3.4 and
// is not maintained for parsing), and settings files and CORS calls hold
// literals: strings (with prefixes, adjacent-string concatenation and
// escapes), numbers, True/False/None, lists, tuples, sets and
// re.compile(pattern[, flags]). Anything else is a value this reader does
// not evaluate, and it says so rather than guessing.

// pyTok is a Python token.
type pyTok struct {
	kind byte // 'n' name, 's' string, 'd' number, 'o' operator, '\n' logical newline
	text string
	raw  string // a string's prefix (lowercase), for f-strings and bytes
	line int
	col  int // column of the token on its line (0: the line starts with it)
}

// PythonError is a Python file this reader cannot tokenize.
type PythonError struct {
	File string
	Line int
	Msg  string
}

func (e *PythonError) Error() string { return fmt.Sprintf("%s:%d: python: %s", e.File, e.Line, e.Msg) }

const maxPyTokens = 1 << 20

func tokenizePython(file, src string) ([]pyTok, error) {
	var out []pyTok
	line, col0, depth := 1, 0, 0
	i := 0
	for i < len(src) {
		if len(out) > maxPyTokens {
			return nil, &PythonError{file, line, "too many tokens"}
		}
		c := src[i]
		switch {
		case c == '\n':
			if depth == 0 {
				out = append(out, pyTok{kind: '\n', line: line})
			}
			line++
			i++
			col0 = i
		case c == ' ' || c == '\t' || c == '\r' || c == '\f':
			i++
		case c == '\\' && i+1 < len(src) && src[i+1] == '\n':
			line++
			i += 2
			col0 = i
		case c == '#':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case isPyNameStart(c):
			j := i
			for j < len(src) && isPyName(src[j]) {
				j++
			}
			if j < len(src) && (src[j] == '"' || src[j] == '\'') && isStrPrefix(src[i:j]) {
				t, n, end, err := pyString(file, src, j, line)
				if err != nil {
					return nil, err
				}
				out = append(out, pyTok{kind: 's', text: t, raw: strings.ToLower(src[i:j]), line: line, col: i - col0})
				line += n
				i = end
				continue
			}
			out = append(out, pyTok{kind: 'n', text: src[i:j], line: line, col: i - col0})
			i = j
		case c == '"' || c == '\'':
			t, n, end, err := pyString(file, src, i, line)
			if err != nil {
				return nil, err
			}
			out = append(out, pyTok{kind: 's', text: t, line: line, col: i - col0})
			line += n
			i = end
		case c >= '0' && c <= '9':
			j := i
			for j < len(src) && (isPyName(src[j]) || src[j] == '.') {
				j++
			}
			out = append(out, pyTok{kind: 'd', text: src[i:j], line: line, col: i - col0})
			i = j
		default:
			switch c {
			case '(', '[', '{':
				depth++
			case ')', ']', '}':
				if depth > 0 {
					depth--
				}
			}
			out = append(out, pyTok{kind: 'o', text: string(c), line: line, col: i - col0})
			i++
		}
	}
	return append(out, pyTok{kind: '\n', line: line}), nil
}

func isPyNameStart(c byte) bool {
	return c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z') || c >= 0x80
}
func isPyName(c byte) bool { return isPyNameStart(c) || (c >= '0' && c <= '9') }

func isStrPrefix(p string) bool {
	switch strings.ToLower(p) {
	case "r", "u", "b", "f", "rb", "br", "fr", "rf":
		return true
	}
	return false
}

// pyString reads the string starting at src[i] (a quote); it returns the
// value, the newlines it spans and the index after it. The prefix decides
// escapes: src[i-1] is 'r' or 'R' for raw strings.
func pyString(file, src string, i, line int) (string, int, int, error) {
	raw := false
	for k := i - 1; k >= 0 && isPyName(src[k]); k-- {
		if src[k] == 'r' || src[k] == 'R' {
			raw = true
		}
	}
	q := src[i : i+1]
	if strings.HasPrefix(src[i:], q+q+q) {
		q = q + q + q
	}
	j := i + len(q)
	var b strings.Builder
	nl := 0
	for j < len(src) {
		if strings.HasPrefix(src[j:], q) {
			return b.String(), nl, j + len(q), nil
		}
		c := src[j]
		if c == '\n' {
			if len(q) == 1 {
				return "", 0, 0, &PythonError{file, line, "unterminated string"}
			}
			nl++
		}
		if c == '\\' && j+1 < len(src) {
			if raw {
				b.WriteByte(c)
				b.WriteByte(src[j+1])
			} else {
				pyEscape(&b, src[j+1])
			}
			if src[j+1] == '\n' {
				nl++
			}
			j += 2
			continue
		}
		b.WriteByte(c)
		j++
	}
	return "", 0, 0, &PythonError{file, line, "unterminated string"}
}

// pyEscape writes what Python makes of a backslash followed by c; unknown
// escapes (\. \d) keep their backslash, as Python does.
func pyEscape(b *strings.Builder, c byte) {
	switch c {
	case '\n':
	case '\\', '\'', '"':
		b.WriteByte(c)
	case 'n':
		b.WriteByte('\n')
	case 't':
		b.WriteByte('\t')
	case 'r':
		b.WriteByte('\r')
	default:
		b.WriteByte('\\')
		b.WriteByte(c)
	}
}

// pyValue is an evaluated literal.
type pyValue struct {
	kind  byte // 's' string, 'b' bool, 'i' int, 'l' list/tuple/set, 'm' dict, 'n' None, 'r' re.compile, '?' not evaluated
	str   string
	b     bool
	i     int
	list  []pyValue
	keys  []pyValue // a dict's keys, list holding the values
	flagI bool      // re.compile with re.I
	line  int
	why   string // for '?': what was not evaluated
}

// pyParser evaluates literals from a token slice.
type pyParser struct {
	toks []pyTok
	pos  int
}

func (p *pyParser) peek() pyTok { return p.toks[min(p.pos, len(p.toks)-1)] }

func (p *pyParser) next() pyTok {
	t := p.peek()
	if p.pos < len(p.toks) {
		p.pos++
	}
	return t
}

const maxPyDepth = 32

// value parses one expression; anything but a literal yields '?' and
// skips to the end of the expression.
func (p *pyParser) value(depth int) pyValue {
	t := p.peek()
	if depth > maxPyDepth {
		return p.skip(t, "nested too deep")
	}
	switch {
	case t.kind == 's':
		return p.str()
	case t.kind == 'd':
		p.next()
		n, err := strconv.Atoi(strings.ReplaceAll(t.text, "_", ""))
		if err != nil {
			return p.skip(t, "number "+t.text)
		}
		return p.end(pyValue{kind: 'i', i: n, line: t.line})
	case t.kind == 'n' && (t.text == "True" || t.text == "False"):
		p.next()
		return p.end(pyValue{kind: 'b', b: t.text == "True", line: t.line})
	case t.kind == 'n' && t.text == "None":
		p.next()
		return p.end(pyValue{kind: 'n', line: t.line})
	case t.kind == 'o' && (t.text == "[" || t.text == "(" || t.text == "{"):
		return p.end(p.list(depth))
	case t.kind == 'n' && t.text == "re" && p.at(1, "o", ".") && p.at(2, "n", "compile") && p.at(3, "o", "("):
		return p.end(p.compile(depth))
	}
	return p.skip(t, "")
}

func (p *pyParser) at(k int, kind, text string) bool {
	if p.pos+k >= len(p.toks) {
		return false
	}
	t := p.toks[p.pos+k]
	return string(t.kind) == kind && t.text == text
}

// end makes v '?' when the expression goes on (an operator follows):
// "A + B" is not a literal.
func (p *pyParser) end(v pyValue) pyValue {
	t := p.peek()
	if t.kind == '\n' || (t.kind == 'o' && strings.Contains(",)]}:", t.text)) {
		return v
	}
	return p.skip(t, "")
}

func (p *pyParser) str() pyValue {
	t := p.peek()
	var b strings.Builder
	for p.peek().kind == 's' {
		s := p.next()
		if strings.Contains(s.raw, "f") || strings.Contains(s.raw, "b") {
			return p.skip(s, "an f-string or bytes")
		}
		b.WriteString(s.text)
	}
	return p.end(pyValue{kind: 's', str: b.String(), line: t.line})
}

func (p *pyParser) list(depth int) pyValue {
	open := p.next()
	closer := map[string]string{"[": "]", "(": ")", "{": "}"}[open.text]
	v := pyValue{kind: 'l', line: open.line}
	for {
		t := p.peek()
		if t.kind == 'o' && t.text == closer {
			p.next()
			return v
		}
		if t.kind == '\n' && p.pos >= len(p.toks)-1 {
			return pyValue{kind: '?', line: open.line, why: "unterminated list"}
		}
		e := p.value(depth + 1)
		if t := p.peek(); t.kind == 'o' && t.text == ":" {
			if open.text != "{" || (v.kind == 'l' && len(v.list) > 0) {
				return p.skip(t, "")
			}
			p.next()
			v.kind = 'm'
			v.keys = append(v.keys, e)
			e = p.value(depth + 1)
		} else if v.kind == 'm' {
			return p.skip(t, "")
		}
		v.list = append(v.list, e)
		if t := p.peek(); t.kind == 'o' && t.text == "," {
			p.next()
		} else if !(t.kind == 'o' && t.text == closer) {
			return p.skip(t, "")
		}
	}
}

func (p *pyParser) compile(depth int) pyValue {
	start := p.peek()
	p.pos += 4
	pat := p.value(depth + 1)
	v := pyValue{kind: 'r', line: start.line, str: pat.str}
	if pat.kind != 's' {
		return p.skip(start, "re.compile of a non-literal")
	}
	if p.at(0, "o", ",") {
		p.next()
		for !p.at(0, "o", ")") && p.peek().kind != '\n' {
			t := p.next()
			if t.kind == 'n' && (t.text == "I" || t.text == "IGNORECASE") {
				v.flagI = true
			} else if t.kind == 'n' && t.text != "re" {
				return p.skip(t, "re flag "+t.text)
			}
		}
	}
	if !p.at(0, "o", ")") {
		return p.skip(start, "")
	}
	p.next()
	return v
}

// skip passes the rest of the expression (to a comma or closer at this
// depth, or the logical line's end) and returns a not-evaluated value.
func (p *pyParser) skip(t pyTok, why string) pyValue {
	depth := 0
	for {
		x := p.peek()
		if x.kind == '\n' || p.pos >= len(p.toks)-1 {
			break
		}
		if x.kind == 'o' {
			switch x.text {
			case "(", "[", "{":
				depth++
			case ")", "]", "}":
				if depth == 0 {
					return pyValue{kind: '?', line: t.line, why: why}
				}
				depth--
			case ",":
				if depth == 0 {
					return pyValue{kind: '?', line: t.line, why: why}
				}
			}
		}
		p.next()
	}
	return pyValue{kind: '?', line: t.line, why: why}
}

// assignments returns the module-level NAME = value assignments (the
// last one wins, as when Python runs the file).
func assignments(toks []pyTok) map[string]pyValue {
	out := map[string]pyValue{}
	p := &pyParser{toks: toks}
	atLineStart := true
	for p.pos < len(toks)-1 {
		t := p.next()
		if t.kind == '\n' {
			atLineStart = true
			continue
		}
		if atLineStart && t.kind == 'n' && t.col == 0 && p.at(0, "o", "=") && !p.at(1, "o", "=") {
			p.next()
			v := p.value(0)
			v.line = t.line
			out[t.text] = v
		}
		atLineStart = false
	}
	return out
}

// strings returns v's strings (a single string or a list of them) and
// whether every element was a literal string.
func (v pyValue) strings() ([]string, []int, bool) {
	switch v.kind {
	case 's':
		return []string{v.str}, []int{v.line}, true
	case 'l':
		var out []string
		var lines []int
		for _, e := range v.list {
			if e.kind != 's' {
				return nil, nil, false
			}
			out = append(out, e.str)
			lines = append(lines, e.line)
		}
		return out, lines, true
	}
	return nil, nil, false
}

// pyCall is a call's arguments: positional ones, then keywords.
type pyCall struct {
	line  int
	args  []pyValue
	kw    map[string]pyValue
	kwOrd []string
	star  bool // **kwargs or *args: not every argument is known
}

// calls finds the calls to a name (or a dotted name's last part) and
// evaluates their arguments.
func calls(toks []pyTok, name string) []pyCall {
	var out []pyCall
	for i := 0; i+1 < len(toks) && len(out) < 64; i++ {
		t := toks[i]
		if t.kind != 'n' || t.text != name || toks[i+1].kind != 'o' || toks[i+1].text != "(" {
			continue
		}
		if i > 0 && toks[i-1].kind == 'n' && (toks[i-1].text == "def" || toks[i-1].text == "class" || toks[i-1].text == "import") {
			continue
		}
		p := &pyParser{toks: toks, pos: i + 2}
		c := pyCall{line: t.line, kw: map[string]pyValue{}}
		for !p.at(0, "o", ")") && p.peek().kind != '\n' && p.pos < len(toks)-1 {
			if p.at(0, "o", "*") {
				c.star = true
				p.next()
				if p.at(0, "o", "*") {
					p.next()
				}
				p.value(0)
			} else if p.peek().kind == 'n' && p.at(1, "o", "=") && !p.at(2, "o", "=") {
				k := p.next().text
				p.next()
				c.kw[k] = p.value(0)
				c.kwOrd = append(c.kwOrd, k)
			} else {
				c.args = append(c.args, p.value(0))
			}
			if p.at(0, "o", ",") {
				p.next()
			} else if !p.at(0, "o", ")") {
				break
			}
		}
		out = append(out, c)
	}
	return out
}
