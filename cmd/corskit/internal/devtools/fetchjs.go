package devtools

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/corskit/corskit/fetch"
)

// ParseFetch reads a "Copy as fetch" call: fetch("url", {options}) or
// await fetch(...), as Chromium (browser and Node.js flavours) and Firefox
// write it. The options are read as data: string literals with
// JavaScript's escapes, numbers, true, false, null, undefined, object and
// array literals, comments and trailing commas. Nothing is evaluated.
func ParseFetch(text string) (*Call, error) {
	if len(text) > MaxInputSize {
		return nil, &TooLargeError{Size: len(text)}
	}
	p := &jsParser{in: text}
	if err := p.call(); err != nil {
		return nil, err
	}
	return p.build()
}

type jsKind byte

const (
	jsString jsKind = iota + 1
	jsNumber
	jsBool
	jsNull // null and undefined
	jsObject
	jsArray
)

type jsValue struct {
	kind   jsKind
	str    string // the string, the number's text, "true"/"false"
	fields []jsField
	elems  []jsValue
	off    int
}

type jsField struct {
	key string
	val jsValue
}

type jsParser struct {
	in   string
	i    int
	url  jsValue
	opts *jsValue
}

func (p *jsParser) fail(off int, msg string) error { return position(FetchJS, p.in, off, msg) }

// skip passes white space and comments.
func (p *jsParser) skip() error {
	for p.i < len(p.in) {
		c := p.in[p.i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f':
			p.i++
		case strings.HasPrefix(p.in[p.i:], "\ufeff"), strings.HasPrefix(p.in[p.i:], "\u00a0"),
			strings.HasPrefix(p.in[p.i:], "\u2028"), strings.HasPrefix(p.in[p.i:], "\u2029"):
			_, n := utf8.DecodeRuneInString(p.in[p.i:])
			p.i += n
		case strings.HasPrefix(p.in[p.i:], "//"):
			for p.i < len(p.in) && p.in[p.i] != '\n' {
				p.i++
			}
		case strings.HasPrefix(p.in[p.i:], "/*"):
			j := strings.Index(p.in[p.i+2:], "*/")
			if j < 0 {
				return p.fail(p.i, "unterminated /* comment")
			}
			p.i += j + 4
		default:
			return nil
		}
	}
	return nil
}

// peek skips blanks and returns the next byte, or 0 at the end.
func (p *jsParser) peek() (byte, error) {
	if err := p.skip(); err != nil {
		return 0, err
	}
	if p.i >= len(p.in) {
		return 0, nil
	}
	return p.in[p.i], nil
}

func (p *jsParser) expect(c byte, what string) error {
	d, err := p.peek()
	if err != nil {
		return err
	}
	if d != c {
		return p.fail(p.i, fmt.Sprintf("expected %s, found %s", what, p.found()))
	}
	p.i++
	return nil
}

func (p *jsParser) found() string {
	if p.i >= len(p.in) {
		return "the end of the text"
	}
	r, _ := utf8.DecodeRuneInString(p.in[p.i:])
	return fmt.Sprintf("%q", r)
}

func isIdentByte(c byte) bool {
	return c == '_' || c == '$' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

func (p *jsParser) ident() string {
	j := p.i
	for j < len(p.in) && isIdentByte(p.in[j]) {
		j++
	}
	id := p.in[p.i:j]
	p.i = j
	return id
}

// call reads the whole text: [await] fetch(url[, options][,]) [;].
func (p *jsParser) call() error {
	if _, err := p.peek(); err != nil {
		return err
	}
	at := p.i
	id := p.ident()
	if id == "await" {
		if _, err := p.peek(); err != nil {
			return err
		}
		at = p.i
		id = p.ident()
	}
	if id != "fetch" {
		return p.fail(at, "expected fetch(...)")
	}
	if err := p.expect('(', `"(" after fetch`); err != nil {
		return err
	}
	if _, err := p.peek(); err != nil {
		return err
	}
	u, err := p.value(0)
	if err != nil {
		return err
	}
	if u.kind != jsString {
		return p.fail(u.off, "the URL (fetch's first argument) must be a string literal")
	}
	p.url = u
	c, err := p.peek()
	if err != nil {
		return err
	}
	if c == ',' {
		p.i++
		if c, err = p.peek(); err != nil {
			return err
		}
		if c != ')' {
			o, err := p.value(0)
			if err != nil {
				return err
			}
			if o.kind != jsObject && o.kind != jsNull {
				return p.fail(o.off, "the options (fetch's second argument) must be an object literal")
			}
			if o.kind == jsObject {
				p.opts = &o
			}
			if c, err = p.peek(); err != nil {
				return err
			}
			if c == ',' {
				p.i++
			}
		}
	}
	if err := p.expect(')', `")" closing fetch(`); err != nil {
		return err
	}
	if c, err = p.peek(); err != nil {
		return err
	}
	if c == ';' {
		p.i++
		if c, err = p.peek(); err != nil {
			return err
		}
	}
	if c != 0 {
		if strings.HasPrefix(p.in[p.i:], "fetch") || strings.HasPrefix(p.in[p.i:], "await") {
			return p.fail(p.i, "more than one fetch() call: copy one request (Copy as fetch), not all of them")
		}
		return p.fail(p.i, fmt.Sprintf("unexpected %s after the fetch() call", p.found()))
	}
	return nil
}

// value reads one value at p.i (blanks already skipped).
func (p *jsParser) value(depth int) (jsValue, error) {
	if depth > maxDepth {
		return jsValue{}, p.fail(p.i, fmt.Sprintf("values nested more than %d deep", maxDepth))
	}
	at := p.i
	if p.i >= len(p.in) {
		return jsValue{}, p.fail(p.i, "expected a value, found the end of the text")
	}
	switch c := p.in[p.i]; {
	case c == '"' || c == '\'' || c == '`':
		s, err := p.str()
		return jsValue{kind: jsString, str: s, off: at}, err
	case c == '{':
		return p.object(depth)
	case c == '[':
		p.i++
		v := jsValue{kind: jsArray, off: at}
		for {
			d, err := p.peek()
			if err != nil {
				return v, err
			}
			if d == ']' {
				p.i++
				return v, nil
			}
			e, err := p.value(depth + 1)
			if err != nil {
				return v, err
			}
			v.elems = append(v.elems, e)
			if d, err = p.peek(); err != nil {
				return v, err
			}
			if d == ',' {
				p.i++
			} else if d != ']' {
				return v, p.fail(p.i, fmt.Sprintf(`expected "," or "]", found %s`, p.found()))
			}
		}
	case c == '-' || c == '+' || c == '.' || '0' <= c && c <= '9':
		j := p.i + 1
		for j < len(p.in) && (isIdentByte(p.in[j]) || p.in[j] == '.' || (p.in[j] == '-' || p.in[j] == '+') && (p.in[j-1] == 'e' || p.in[j-1] == 'E')) {
			j++
		}
		p.i = j
		return jsValue{kind: jsNumber, str: p.in[at:j], off: at}, nil
	case isIdentByte(c):
		switch id := p.ident(); id {
		case "true", "false":
			return jsValue{kind: jsBool, str: id, off: at}, nil
		case "null", "undefined":
			return jsValue{kind: jsNull, off: at}, nil
		default:
			return jsValue{}, p.fail(at, fmt.Sprintf("%q: only literal values are read (strings, numbers, objects), nothing is evaluated", clip(id)))
		}
	}
	return jsValue{}, p.fail(at, fmt.Sprintf("expected a value, found %s", p.found()))
}

func (p *jsParser) object(depth int) (jsValue, error) {
	v := jsValue{kind: jsObject, off: p.i}
	p.i++ // {
	for {
		c, err := p.peek()
		if err != nil {
			return v, err
		}
		if c == '}' {
			p.i++
			return v, nil
		}
		var key string
		switch {
		case c == '"' || c == '\'':
			if key, err = p.str(); err != nil {
				return v, err
			}
		case isIdentByte(c):
			key = p.ident()
		default:
			return v, p.fail(p.i, fmt.Sprintf("expected a property name, found %s", p.found()))
		}
		if err := p.expect(':', `":" after a property name`); err != nil {
			return v, err
		}
		if _, err := p.peek(); err != nil {
			return v, err
		}
		val, err := p.value(depth + 1)
		if err != nil {
			return v, err
		}
		v.fields = append(v.fields, jsField{key, val})
		if c, err = p.peek(); err != nil {
			return v, err
		}
		if c == ',' {
			p.i++
		} else if c != '}' {
			return v, p.fail(p.i, fmt.Sprintf(`expected "," or "}", found %s`, p.found()))
		}
	}
}

// str reads a string literal with JavaScript's escapes. Template literals
// are read when they hold no ${...}. Lone surrogates, and bytes that are
// not UTF-8, become U+FFFD, so the result is always valid UTF-8.
func (p *jsParser) str() (string, error) {
	open := p.i
	q := p.in[p.i]
	p.i++
	var b strings.Builder
	j := joiner{out: &b, high: -1}
	flush, emit := j.flush, j.emit
	for {
		if p.i >= len(p.in) {
			return "", p.fail(open, "unterminated string")
		}
		c := p.in[p.i]
		switch {
		case c == q:
			p.i++
			flush()
			return b.String(), nil
		case (c == '\n' || c == '\r') && q != '`':
			return "", p.fail(p.i, "line break in a string literal (write it as \\n)")
		case c == '$' && q == '`' && p.i+1 < len(p.in) && p.in[p.i+1] == '{':
			return "", p.fail(p.i, "${...} in a template literal: nothing is evaluated")
		case c != '\\':
			r, n := utf8.DecodeRuneInString(p.in[p.i:])
			emit(r) // an invalid byte decodes as U+FFFD
			p.i += n
			continue
		}
		// An escape.
		if p.i+1 >= len(p.in) {
			return "", p.fail(open, "unterminated string")
		}
		e := p.in[p.i+1]
		p.i += 2
		switch e {
		case 'n':
			emit('\n')
		case 'r':
			emit('\r')
		case 't':
			emit('\t')
		case 'b':
			emit('\b')
		case 'f':
			emit('\f')
		case 'v':
			emit('\v')
		case '0':
			if p.i < len(p.in) && '0' <= p.in[p.i] && p.in[p.i] <= '9' {
				return "", p.fail(p.i-2, "octal escapes are not allowed")
			}
			emit(0)
		case '\n':
			// A line continuation: nothing.
		case '\r':
			if p.i < len(p.in) && p.in[p.i] == '\n' {
				p.i++
			}
		case 'x':
			v, n := hexPrefix(p.in[p.i:], 2)
			if n != 2 {
				return "", p.fail(p.i-2, `\x needs two hex digits`)
			}
			p.i += 2
			emit(v)
		case 'u':
			if p.i < len(p.in) && p.in[p.i] == '{' {
				end := strings.IndexByte(p.in[p.i:], '}')
				v, n := hexPrefix(p.in[p.i+1:], 8)
				if end < 0 || n == 0 || n != end-1 || v > utf8.MaxRune {
					return "", p.fail(p.i-2, `malformed \u{...} escape`)
				}
				p.i += end + 1
				emit(v)
				continue
			}
			v, n := hexPrefix(p.in[p.i:], 4)
			if n != 4 {
				return "", p.fail(p.i-2, `\u needs four hex digits`)
			}
			p.i += 4
			emit(v)
		default:
			if '1' <= e && e <= '9' {
				return "", p.fail(p.i-2, "octal escapes are not allowed")
			}
			// Any other escaped character stands for itself (\" \' \\ \/).
			p.i -= 1
			r, n := utf8.DecodeRuneInString(p.in[p.i:])
			emit(r)
			p.i += n
		}
	}
}

// build turns the parsed call into a Call.
func (p *jsParser) build() (*Call, error) {
	b := &builder{}
	b.call.Format = FetchJS
	argErr := func(field string, v jsValue, reason string) error {
		return &ArgError{Format: FetchJS, Arg: field, Value: v.str, Reason: reason}
	}
	req := &b.call.Request
	req.URL = strings.TrimSpace(p.url.str)
	if _, ok := urlOrigin(req.URL); !ok {
		return nil, &ArgError{Format: FetchJS, Arg: "URL", Value: p.url.str, Reason: "want an absolute http or https URL"}
	}
	var headers *jsValue
	node := true
	if p.opts != nil {
		for _, f := range p.opts.fields {
			v := f.val
			str := func() (string, error) {
				switch v.kind {
				case jsString:
					return v.str, nil
				case jsNull:
					return "", nil
				}
				return "", argErr(f.key, v, "want a string")
			}
			var s string
			var err error
			switch f.key {
			case "headers":
				if v.kind != jsObject && v.kind != jsArray && v.kind != jsNull {
					return nil, argErr(f.key, v, "want an object of names to values")
				}
				headers = &f.val
				continue
			case "referrerPolicy", "priority", "keepalive", "integrity", "signal", "window", "duplex":
				continue // no bearing on CORS
			}
			if s, err = str(); err != nil {
				return nil, err
			}
			switch f.key {
			case "method":
				req.Method = s
			case "body":
				req.Body = s
			case "referrer":
				b.call.Referrer = s
			case "mode":
				node = false
				switch fetch.Mode(s) {
				case fetch.ModeCORS, fetch.ModeNoCORS, fetch.ModeSameOrigin:
					b.modeField = s
				default:
					return nil, argErr(f.key, v, `want "cors", "no-cors" or "same-origin"`)
				}
			case "credentials":
				node = false
				switch fetch.Credentials(s) {
				case fetch.CredentialsOmit, fetch.CredentialsSameOrigin, fetch.CredentialsInclude:
					b.credentials = s
				default:
					return nil, argErr(f.key, v, `want "omit", "same-origin" or "include"`)
				}
			case "cache":
				switch c := fetch.CacheMode(s); c {
				case fetch.CacheDefault, fetch.CacheNoStore, fetch.CacheReload, fetch.CacheNoCache, fetch.CacheForceCache, fetch.CacheOnlyIfCached:
					req.Cache = c
				default:
					return nil, argErr(f.key, v, "not a cache mode")
				}
			case "redirect":
				switch r := fetch.RedirectMode(s); r {
				case fetch.RedirectFollow, fetch.RedirectError, fetch.RedirectManual:
					req.Redirect = r
				default:
					return nil, argErr(f.key, v, `want "follow", "error" or "manual"`)
				}
			default:
				b.call.Notes = append(b.call.Notes, fmt.Sprintf("option %q ignored", clip(f.key)))
			}
		}
	}
	if node {
		b.call.Format = FetchNode
	}
	if headers != nil {
		pairs, err := headerPairs(*headers)
		if err != nil {
			return nil, err
		}
		for _, h := range pairs {
			b.header(h.Name, h.Value, node)
		}
	}
	if req.Method == "" {
		req.Method = "GET"
	}
	return b.finish(), nil
}

// headerPairs reads a HeadersInit literal: an object of names to values
// (a name given twice keeps its last value, as in JavaScript) or an array
// of [name, value] pairs.
func headerPairs(v jsValue) ([]fetch.Header, error) {
	scalar := func(name string, x jsValue) (string, error) {
		switch x.kind {
		case jsString, jsNumber, jsBool:
			return x.str, nil
		}
		return "", &ArgError{Format: FetchJS, Arg: "headers", Value: name, Reason: "the value must be a string"}
	}
	var out []fetch.Header
	switch v.kind {
	case jsObject:
		at := make(map[string]int, len(v.fields)) // a map: hostile input may hold 100k names
		for _, f := range v.fields {
			val, err := scalar(f.key, f.val)
			if err != nil {
				return nil, err
			}
			if i, ok := at[f.key]; ok {
				out[i].Value = val
				continue
			}
			at[f.key] = len(out)
			out = append(out, fetch.Header{Name: f.key, Value: val})
		}
	case jsArray:
		for _, e := range v.elems {
			if e.kind != jsArray || len(e.elems) != 2 || e.elems[0].kind != jsString {
				return nil, &ArgError{Format: FetchJS, Arg: "headers", Reason: "an array of headers must hold [name, value] pairs"}
			}
			val, err := scalar(e.elems[0].str, e.elems[1])
			if err != nil {
				return nil, err
			}
			out = append(out, fetch.Header{Name: e.elems[0].str, Value: val})
		}
	}
	return out, nil
}
