package lint

import (
	"strconv"
	"strings"
)

// A small tokenizer for Java and Kotlin source, enough to read
// annotations and call chains: string and char literals (escapes, Java
// text blocks and Kotlin raw strings), comments skipped, identifiers,
// numbers and single punctuation. It is not a parser: the readers walk
// the tokens and evaluate literals only.

type jtokKind int

const (
	jIdent jtokKind = iota
	jString
	jChar
	jNumber
	jPunct
)

type jtok struct {
	kind jtokKind
	text string // a string literal: its value
	line int
	// template: a Kotlin string with $name or ${...}, whose value is
	// known only at run time.
	template bool
}

// maxJavaTokens bounds the work on a hostile file.
const maxJavaTokens = 1 << 20

// tokenizeJava returns src's tokens; kotlin enables string templates.
// An unterminated literal or comment ends the token list, never a panic.
func tokenizeJava(src string, kotlin bool) []jtok {
	var out []jtok
	line := 1
	for i := 0; i < len(src) && len(out) < maxJavaTokens; {
		c := src[i]
		switch {
		case c == '\n':
			line++
			i++
		case c == ' ' || c == '\t' || c == '\r' || c == '\f':
			i++
		case strings.HasPrefix(src[i:], "//"):
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case strings.HasPrefix(src[i:], "/*"):
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				return out
			}
			line += strings.Count(src[i:i+2+end], "\n")
			i += end + 4
		case strings.HasPrefix(src[i:], `"""`):
			end := strings.Index(src[i+3:], `"""`)
			if end < 0 {
				return out
			}
			body := src[i+3 : i+3+end]
			t := jtok{kind: jString, text: textBlock(body, kotlin), line: line, template: kotlin && hasTemplate(body)}
			out = append(out, t)
			line += strings.Count(body, "\n")
			i += end + 6
		case c == '"' || c == '\'':
			v, n, ok := javaQuoted(src[i:], c)
			if !ok {
				return out
			}
			k := jString
			if c == '\'' {
				k = jChar
			}
			out = append(out, jtok{kind: k, text: v, line: line, template: kotlin && c == '"' && hasTemplate(src[i+1:i+n-1])})
			i += n
		case isJavaIdent(c):
			j := i
			for j < len(src) && (isJavaIdent(src[j]) || src[j] >= '0' && src[j] <= '9') {
				j++
			}
			out = append(out, jtok{kind: jIdent, text: src[i:j], line: line})
			i = j
		case c >= '0' && c <= '9':
			j := i
			for j < len(src) && (isJavaIdent(src[j]) || src[j] >= '0' && src[j] <= '9' || src[j] == '.') {
				j++
			}
			out = append(out, jtok{kind: jNumber, text: src[i:j], line: line})
			i = j
		default:
			out = append(out, jtok{kind: jPunct, text: src[i : i+1], line: line})
			i++
		}
	}
	return out
}

func isJavaIdent(c byte) bool {
	return c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

// hasTemplate reports a Kotlin template ($name or ${...}) in a string's
// source text.
func hasTemplate(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '\\' {
			i++
			continue
		}
		if s[i] == '$' && (s[i+1] == '{' || isJavaIdent(s[i+1])) {
			return true
		}
	}
	return false
}

// javaQuoted reads a "..." or '...' literal at the start of s: its
// value, its length in s, and whether it closes on its line.
func javaQuoted(s string, q byte) (string, int, bool) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case q:
			return b.String(), i + 1, true
		case '\n':
			return "", 0, false
		case '\\':
			if i+1 >= len(s) {
				return "", 0, false
			}
			i++
			i += javaEscape(&b, s[i:]) - 1
		default:
			b.WriteByte(s[i])
		}
	}
	return "", 0, false
}

// javaEscape writes the escape at the start of s (after its backslash)
// and returns how many bytes it took.
func javaEscape(b *strings.Builder, s string) int {
	switch s[0] {
	case 'n':
		b.WriteByte('\n')
	case 't':
		b.WriteByte('\t')
	case 'r':
		b.WriteByte('\r')
	case 'b':
		b.WriteByte('\b')
	case 'f':
		b.WriteByte('\f')
	case 's':
		b.WriteByte(' ')
	case 'u':
		n := 1
		for n < len(s) && s[n] == 'u' { // Java allows \uuuu0041
			n++
		}
		if n+4 <= len(s) {
			if r, err := strconv.ParseUint(s[n:n+4], 16, 32); err == nil {
				b.WriteRune(rune(r))
				return n + 4
			}
		}
		b.WriteByte('u')
	case '0', '1', '2', '3', '4', '5', '6', '7':
		n := 1
		for n < 3 && n < len(s) && s[n] >= '0' && s[n] <= '7' {
			n++
		}
		v, _ := strconv.ParseUint(s[:n], 8, 16)
		b.WriteRune(rune(v))
		return n
	default:
		b.WriteByte(s[0])
	}
	return 1
}

// textBlock is a Java text block's value, its incidental indentation
// (the least of its lines', the closing delimiter's line included)
// and trailing spaces removed, then its escapes read; or a Kotlin raw
// string's (no escapes, no trimming).
func textBlock(body string, kotlin bool) string {
	if kotlin {
		return body
	}
	if i := strings.IndexByte(body, '\n'); i >= 0 {
		body = body[i+1:] // the content starts on the line after """
	}
	lines := strings.Split(body, "\n")
	indent := -1
	for k, l := range lines {
		if strings.TrimSpace(l) == "" && k != len(lines)-1 {
			continue
		}
		if n := len(l) - len(strings.TrimLeft(l, " \t")); indent < 0 || n < indent {
			indent = n
		}
	}
	for k, l := range lines {
		l = strings.TrimRight(l, " \t")
		lines[k] = l[min(indent, len(l)):]
	}
	body = strings.Join(lines, "\n")
	var b strings.Builder
	for i := 0; i < len(body); i++ {
		if body[i] == '\\' && i+1 < len(body) {
			i += javaEscape(&b, body[i+1:])
			continue
		}
		b.WriteByte(body[i])
	}
	return b.String()
}
