package lint

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// The part of ap_expr (https://httpd.apache.org/docs/2.4/expr.html) that
// <If> conditions on a request's headers use: comparisons of a request
// header, the method or the path with a 'string' (==, !=) or a regex
// (=~, !~: PCRE found anywhere, /re/ or m#re#, i for no case), -n and -z,
// joined by &&, || and !, in parentheses. A header is named
// %{HTTP:Name}, %{REQ:Name}, req('Name') or http('Name') (each adds it to
// Vary), or req_novary('Name').
// Anything else is an error: the section is then not evaluated.

// apExpr is a parsed condition.
type apExpr struct {
	op      string // "&&", "||", "!", "==", "!=", "=~", "!~", "-n", "-z"
	l, r    *apExpr
	operand apOperand
	str     string // the string compared, or the regex's source
	re      *regexp.Regexp
}

// apOperand is a value a comparison reads: a header, or a variable.
type apOperand struct {
	header string // a request header's name; "" for a variable
	novary bool   // req_novary: read without adding it to Vary
	vr     string // REQUEST_METHOD, REQUEST_URI
}

type apExprParser struct {
	toks []string
	pos  int
}

// maxApExprTokens bounds a condition's length.
const maxApExprTokens = 256

func parseApExpr(src string) (*apExpr, error) {
	toks, err := apExprTokens(src)
	if err != nil {
		return nil, err
	}
	p := &apExprParser{toks: toks}
	e, err := p.or(0)
	if err != nil {
		return nil, err
	}
	if p.pos != len(p.toks) {
		return nil, fmt.Errorf("unexpected %q", p.toks[p.pos])
	}
	return e, nil
}

// apExprTokens splits a condition into words: quoted strings keep their
// quotes, regexes their delimiters and flags.
func apExprTokens(s string) ([]string, error) {
	var out []string
	for i := 0; i < len(s); {
		if len(out) > maxApExprTokens {
			return nil, fmt.Errorf("condition too long")
		}
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			i++
		case c == '(' || c == ')' || c == ',' || c == '{' || c == '}':
			out = append(out, string(c))
			i++
		case c == '\'' || c == '"':
			j := strings.IndexByte(s[i+1:], c)
			if j < 0 {
				return nil, fmt.Errorf("unterminated string")
			}
			out = append(out, s[i:i+j+2])
			i += j + 2
		case c == '/' || (c == 'm' && i+1 < len(s) && strings.IndexByte("#/|!", s[i+1]) >= 0 && (len(out) > 0 && (out[len(out)-1] == "=~" || out[len(out)-1] == "!~"))):
			start, delim := i, c
			if c == 'm' {
				delim = s[i+1]
				i++
			}
			// The regex ends at the next delimiter: ap_expr's lexer has no
			// escape for it (httpd refuses /http:\/\// at start-up).
			j := i + 1
			for j < len(s) && s[j] != delim {
				j++
			}
			if j >= len(s) {
				return nil, fmt.Errorf("unterminated regex")
			}
			j++
			for j < len(s) && s[j] == 'i' {
				j++
			}
			out = append(out, s[start:j])
			i = j
		case c == '%' && i+1 < len(s) && s[i+1] == '{':
			j := strings.IndexByte(s[i:], '}')
			if j < 0 {
				return nil, fmt.Errorf("unterminated %%{")
			}
			out = append(out, s[i:i+j+1])
			i += j + 1
		default:
			j := i
			for j < len(s) && strings.IndexByte(" \t()',{}\"", s[j]) < 0 {
				j++
			}
			out = append(out, s[i:j])
			i = j
		}
	}
	return out, nil
}

func (p *apExprParser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *apExprParser) or(depth int) (*apExpr, error) {
	if depth > 16 {
		return nil, fmt.Errorf("nested too deep")
	}
	l, err := p.and(depth)
	for err == nil && p.peek() == "||" {
		p.pos++
		var r *apExpr
		if r, err = p.and(depth); err == nil {
			l = &apExpr{op: "||", l: l, r: r}
		}
	}
	return l, err
}

func (p *apExprParser) and(depth int) (*apExpr, error) {
	l, err := p.unary(depth)
	for err == nil && p.peek() == "&&" {
		p.pos++
		var r *apExpr
		if r, err = p.unary(depth); err == nil {
			l = &apExpr{op: "&&", l: l, r: r}
		}
	}
	return l, err
}

func (p *apExprParser) unary(depth int) (*apExpr, error) {
	switch p.peek() {
	case "!":
		p.pos++
		e, err := p.unary(depth + 1)
		return &apExpr{op: "!", l: e}, err
	case "(":
		p.pos++
		e, err := p.or(depth + 1)
		if err == nil && p.peek() != ")" {
			err = fmt.Errorf("missing )")
		}
		p.pos++
		return e, err
	case "-n", "-z":
		op := p.peek()
		p.pos++
		o, err := p.operand()
		return &apExpr{op: op, operand: o}, err
	}
	o, err := p.operand()
	if err != nil {
		return nil, err
	}
	e := &apExpr{op: p.peek(), operand: o}
	p.pos++
	arg := p.peek()
	p.pos++
	switch e.op {
	case "==", "!=":
		if len(arg) < 2 || (arg[0] != '\'' && arg[0] != '"') {
			return nil, fmt.Errorf("%s wants a quoted string, not %q", e.op, arg)
		}
		e.str = arg[1 : len(arg)-1]
	case "=~", "!~":
		re, src, err := apRegex(arg)
		if err != nil {
			return nil, err
		}
		e.re, e.str = re, src
	default:
		return nil, fmt.Errorf("operator %q", e.op)
	}
	return e, nil
}

// operand reads a header or a variable.
func (p *apExprParser) operand() (apOperand, error) {
	t := p.peek()
	p.pos++
	if v, ok := strings.CutPrefix(t, "%{"); ok {
		v = strings.TrimSuffix(v, "}")
		fn, arg, has := strings.Cut(v, ":")
		switch {
		case has && (strings.EqualFold(fn, "HTTP") || strings.EqualFold(fn, "REQ") || strings.EqualFold(fn, "req_novary")):
			return apOperand{header: arg, novary: strings.EqualFold(fn, "req_novary")}, nil
		case v == "REQUEST_METHOD" || v == "REQUEST_URI":
			return apOperand{vr: v}, nil
		}
		return apOperand{}, fmt.Errorf("variable %s", t)
	}
	if t == "req" || t == "http" || t == "req_novary" {
		if p.pos+2 >= len(p.toks) || p.peek() != "(" || p.toks[p.pos+2] != ")" {
			return apOperand{}, fmt.Errorf("%s(...) of a non-literal", t)
		}
		arg := p.toks[p.pos+1]
		if len(arg) < 2 || (arg[0] != '\'' && arg[0] != '"') {
			return apOperand{}, fmt.Errorf("%s(...) of a non-literal", t)
		}
		p.pos += 3
		return apOperand{header: arg[1 : len(arg)-1], novary: t == "req_novary"}, nil
	}
	return apOperand{}, fmt.Errorf("operand %q", t)
}

// apRegex compiles /re/flags or m#re#flags; it returns the source too.
func apRegex(t string) (*regexp.Regexp, string, error) {
	if strings.HasPrefix(t, "m") && len(t) > 1 {
		t = t[1:]
	}
	if len(t) < 2 {
		return nil, "", fmt.Errorf("regex %q", t)
	}
	d := t[0]
	end := strings.LastIndexByte(t, d)
	if end <= 0 {
		return nil, "", fmt.Errorf("regex %q", t)
	}
	re, err := compileRegex("pcre", t[1:end], Search, strings.Contains(t[end+1:], "i"))
	return re, t[1:end], err
}

// eval evaluates the condition for q's request.
func (e *apExpr) eval(q *apReq) bool {
	switch e.op {
	case "&&":
		return e.l.eval(q) && e.r.eval(q)
	case "||":
		return e.l.eval(q) || e.r.eval(q)
	case "!":
		return !e.l.eval(q)
	}
	v := e.operand.value(q)
	if h := e.operand.header; h != "" && !e.operand.novary && !slices.ContainsFunc(q.vary, func(x string) bool { return strings.EqualFold(x, h) }) {
		q.vary = append(q.vary, h)
	}
	switch e.op {
	case "-n":
		return v != ""
	case "-z":
		return v == ""
	case "==":
		return v == e.str
	case "!=":
		return v != e.str
	case "=~":
		return e.re.MatchString(v)
	case "!~":
		return !e.re.MatchString(v)
	}
	return false
}

func (o apOperand) value(q *apReq) string {
	switch o.vr {
	case "REQUEST_METHOD":
		return q.r.Method
	case "REQUEST_URI":
		return q.r.URL.Path
	}
	return strings.Join(q.r.Header.Values(o.header), ", ")
}

// origins returns the origins a condition names: strings compared with
// the Origin, and the literal start of its regexes.
func (e *apExpr) origins() []string {
	if e == nil {
		return nil
	}
	out := append(e.l.origins(), e.r.origins()...)
	if strings.EqualFold(e.operand.header, "Origin") {
		switch {
		case e.re != nil:
			out = append(out, regexOrigins(e.str)...)
		case strings.Contains(e.str, "://"):
			out = append(out, e.str)
		}
	}
	return out
}

// readsOrigin reports whether the condition looks at the Origin.
func (e *apExpr) readsOrigin() bool {
	if e == nil {
		return false
	}
	return strings.EqualFold(e.operand.header, "Origin") || e.l.readsOrigin() || e.r.readsOrigin()
}
