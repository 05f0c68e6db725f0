package lint

import (
	"fmt"
	"strings"
)

// The nginx reader parses with nginx's own tokenizer rules
// (ngx_conf_read_token in src/core/ngx_conf_file.c): words separated by
// blanks, ';' ending a directive, '{' '}' around a block, '#' starting a
// comment only where a word could start, single or double quotes with
// backslash escapes, and "${var}" inside a word. The crossplane Go port
// (github.com/nginxinc/nginx-go-crossplane) is not served by the module
// proxy this project builds from (403 for every version), and the grammar
// is small enough to follow exactly here, with no dependency.

// ngxDirective is one directive: its name, arguments, line and block.
type ngxDirective struct {
	Name  string
	Args  []string
	Line  int
	Block []*ngxDirective // nil without a block
	Has   bool            // it has a block (possibly empty)
	File  string          // the file it was read from (include)
}

// NginxError is a syntax error in an nginx file.
type NginxError struct {
	File string
	Line int
	Msg  string
}

func (e *NginxError) Error() string { return fmt.Sprintf("%s:%d: nginx: %s", e.File, e.Line, e.Msg) }

// Limits that bound the work hostile input costs.
const (
	maxNginxDepth      = 32
	maxNginxDirectives = 100000
)

type ngxLexer struct {
	src  string
	pos  int
	line int
	file string
	n    int // directives read
}

// token kinds besides words.
const (
	tokWord = iota
	tokSemi
	tokOpen
	tokClose
	tokEOF
)

func (l *ngxLexer) next() (kind int, word string, line int, err error) {
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		switch {
		case c == '\n':
			l.line++
			l.pos++
		case c == ' ' || c == '\t' || c == '\r':
			l.pos++
		case c == '#':
			for l.pos < len(l.src) && l.src[l.pos] != '\n' {
				l.pos++
			}
		default:
			return l.word()
		}
	}
	return tokEOF, "", l.line, nil
}

func (l *ngxLexer) word() (int, string, int, error) {
	line := l.line
	c := l.src[l.pos]
	switch c {
	case ';':
		l.pos++
		return tokSemi, "", line, nil
	case '{':
		l.pos++
		return tokOpen, "", line, nil
	case '}':
		l.pos++
		return tokClose, "", line, nil
	case '"', '\'':
		return l.quoted(c)
	}
	var b strings.Builder
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ';':
			return tokWord, b.String(), line, nil
		case c == '{':
			// "${var}" keeps its brace; any other '{' ends the word.
			if b.Len() > 0 && strings.HasSuffix(b.String(), "$") {
				for l.pos < len(l.src) && l.src[l.pos] != '}' {
					b.WriteByte(l.src[l.pos])
					l.pos++
				}
				if l.pos == len(l.src) {
					return 0, "", line, &NginxError{l.file, line, `unterminated "${"`}
				}
				b.WriteByte('}')
				l.pos++
				continue
			}
			return tokWord, b.String(), line, nil
		case c == '}':
			return tokWord, b.String(), line, nil
		case c == '\\' && l.pos+1 < len(l.src):
			l.escape(&b)
			continue
		}
		b.WriteByte(c)
		l.pos++
	}
	return tokWord, b.String(), line, nil
}

// escape copies a backslash sequence as nginx does: \" \' \\ \t \r \n are
// unescaped, any other pair is kept as written (so "\." reaches the regex).
func (l *ngxLexer) escape(b *strings.Builder) {
	n := l.src[l.pos+1]
	switch n {
	case '"', '\'', '\\':
		b.WriteByte(n)
	case 't':
		b.WriteByte('\t')
	case 'r':
		b.WriteByte('\r')
	case 'n':
		b.WriteByte('\n')
	default:
		b.WriteByte('\\')
		b.WriteByte(n)
	}
	if n == '\n' {
		l.line++
	}
	l.pos += 2
}

func (l *ngxLexer) quoted(q byte) (int, string, int, error) {
	line := l.line
	l.pos++
	var b strings.Builder
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		switch {
		case c == q:
			l.pos++
			// nginx wants a separator after a closing quote; ")" is
			// allowed for if ($x ~ "re").
			if l.pos < len(l.src) && !strings.ContainsRune(" \t\r\n;{})", rune(l.src[l.pos])) {
				return 0, "", line, &NginxError{l.file, l.line, fmt.Sprintf("unexpected %q after a quoted word", l.src[l.pos])}
			}
			return tokWord, b.String(), line, nil
		case c == '\\' && l.pos+1 < len(l.src):
			l.escape(&b)
			continue
		case c == '\n':
			l.line++
		}
		b.WriteByte(c)
		l.pos++
	}
	return 0, "", line, &NginxError{l.file, line, "unterminated quoted word"}
}

// parseNginx reads a whole nginx file into its directives.
func parseNginx(file, src string) ([]*ngxDirective, error) {
	l := &ngxLexer{src: src, line: 1, file: file}
	ds, err := l.block(0)
	if err != nil {
		return nil, err
	}
	if k, _, line, _ := l.next(); k != tokEOF {
		return nil, &NginxError{file, line, `unexpected "}"`}
	}
	return ds, nil
}

func (l *ngxLexer) block(depth int) ([]*ngxDirective, error) {
	if depth > maxNginxDepth {
		return nil, &NginxError{l.file, l.line, "blocks nested too deep"}
	}
	var out []*ngxDirective
	var cur *ngxDirective
	for {
		k, w, line, err := l.next()
		if err != nil {
			return nil, err
		}
		switch k {
		case tokEOF:
			if depth > 0 {
				return nil, &NginxError{l.file, line, `unexpected end of file, expecting "}"`}
			}
			if cur != nil {
				return nil, &NginxError{l.file, line, `unexpected end of file, expecting ";" or "}"`}
			}
			return out, nil
		case tokClose:
			if cur != nil {
				return nil, &NginxError{l.file, line, `unexpected "}"`}
			}
			if depth == 0 {
				l.pos-- // the caller reports it
				return out, nil
			}
			return out, nil
		case tokWord:
			if cur == nil {
				if l.n++; l.n > maxNginxDirectives {
					return nil, &NginxError{l.file, line, "too many directives"}
				}
				cur = &ngxDirective{Name: w, Line: line, File: l.file}
			} else {
				cur.Args = append(cur.Args, w)
			}
		case tokSemi:
			if cur == nil {
				return nil, &NginxError{l.file, line, `unexpected ";"`}
			}
			out = append(out, cur)
			cur = nil
		case tokOpen:
			if cur == nil {
				return nil, &NginxError{l.file, line, `unexpected "{"`}
			}
			body, err := l.block(depth + 1)
			if err != nil {
				return nil, err
			}
			cur.Block, cur.Has = body, true
			out = append(out, cur)
			cur = nil
		}
	}
}
