package main

import (
	"bytes"
	"fmt"
	"io"
	"unicode/utf8"
)

// safeWriter is the one escaper between what servers send and the user's
// terminal: every command's stdout goes through it (see run). Header
// values, URLs, status lines and the console texts that quote them come
// from a server or a HAR file that someone else wrote, and a terminal acts
// on some characters instead of showing them: C0 controls (ESC starts a
// sequence that can move the cursor, rewrite lines or set the window
// title), C1 controls (U+009B is a CSI of its own), and the bidirectional
// formatting characters, which reorder what is shown (a Trojan Source
// line). Each is written as a visible escape instead, \u001b, \u009b,
// \u202e, and a byte that is not UTF-8 as \xHH.
//
// JSON stays valid and means the same: encoding/json escapes C0 controls
// and replaces invalid UTF-8 itself, and DEL, a C1 or a bidi character can
// only be inside a string, where \u007f, \u009b, \u202e are its JSON
// escapes. Tab and newline pass, and so
// do the colour sequences that style writes itself (exactly those), so
// that a server can at most change a colour, never move the cursor.
type safeWriter struct {
	w    io.Writer
	tail []byte // the start of a UTF-8 sequence that the next Write ends
	buf  bytes.Buffer
}

func newSafeWriter(w io.Writer) *safeWriter { return &safeWriter{w: w} }

// Unwrap returns the writer underneath, for useColor's terminal test.
func (s *safeWriter) Unwrap() io.Writer { return s.w }

func (s *safeWriter) Write(p []byte) (int, error) {
	n := len(p)
	if len(s.tail) > 0 {
		p = append(s.tail, p...)
		s.tail = nil
	}
	// Hold back a UTF-8 sequence, or a colour sequence of style's, cut by
	// the end of p: a caller (a bufio.Writer flushing) may write either in
	// two parts.
	if k := min(cutRune(p), cutSGR(p)); k < len(p) {
		s.tail = append([]byte(nil), p[k:]...)
		p = p[:k]
	}
	s.buf.Reset()
	escapeTerminal(&s.buf, p)
	if _, err := s.w.Write(s.buf.Bytes()); err != nil {
		return 0, err
	}
	return n, nil
}

// Flush writes a cut sequence held back at the end, escaped.
func (s *safeWriter) Flush() error {
	if len(s.tail) == 0 {
		return nil
	}
	s.buf.Reset()
	escapeTerminal(&s.buf, s.tail)
	s.tail = nil
	_, err := s.w.Write(s.buf.Bytes())
	return err
}

// cutRune returns where an incomplete UTF-8 sequence at the end of p
// starts, or len(p).
func cutRune(p []byte) int {
	for i := len(p) - 1; i >= 0 && i >= len(p)-3; i-- {
		if !utf8.RuneStart(p[i]) {
			continue
		}
		if !utf8.FullRune(p[i:]) {
			return i
		}
		break
	}
	return len(p)
}

// cutSGR returns where a proper prefix of one of ownSGR ends p, or len(p).
func cutSGR(p []byte) int {
	i := bytes.LastIndexByte(p, 0x1b)
	if i < 0 || len(p)-i >= 8 {
		return len(p)
	}
	for _, s := range ownSGR {
		if len(p)-i < len(s) && bytes.HasPrefix(s, p[i:]) {
			return i
		}
	}
	return len(p)
}

// ownSGR are the only escape sequences corskit writes to stdout itself
// (style's colours); every other ESC is escaped.
var ownSGR = [][]byte{[]byte("\x1b[0m"), []byte("\x1b[1m"), []byte("\x1b[2m"), []byte("\x1b[36m"), []byte("\x1b[1;31m"), []byte("\x1b[1;32m")}

// escapeTerminal writes p to b with the characters a terminal would act
// on escaped (see safeWriter).
func escapeTerminal(b *bytes.Buffer, p []byte) {
	for i := 0; i < len(p); {
		// Printable ASCII, tab and newline, the bulk of any output, in
		// one write.
		j := i
		for j < len(p) && (0x20 <= p[j] && p[j] < 0x7f || p[j] == '\t' || p[j] == '\n') {
			j++
		}
		b.Write(p[i:j])
		if i = j; i == len(p) {
			break
		}
		r, n := utf8.DecodeRune(p[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(b, `\x%02x`, p[i])
		case r == 0x1b && isOwnSGR(p[i:]):
			b.WriteByte(0x1b)
		case r < 0x20 && r != '\t' && r != '\n' || r == 0x7f || terminalUnsafe(r):
			fmt.Fprintf(b, `\u%04x`, r)
		default:
			b.Write(p[i : i+n])
		}
		i += n
	}
}

func isOwnSGR(p []byte) bool {
	for _, s := range ownSGR {
		if bytes.HasPrefix(p, s) {
			return true
		}
	}
	return false
}

// terminalUnsafe reports whether r is a C1 control or a character that
// changes the direction of text: U+200E/U+200F (marks), U+061C (Arabic
// letter mark), U+202A-U+202E (embeddings, overrides) and U+2066-U+2069
// (isolates).
func terminalUnsafe(r rune) bool {
	switch {
	case 0x80 <= r && r <= 0x9f:
		return true
	case r == 0x200e, r == 0x200f, r == 0x061c:
		return true
	case 0x202a <= r && r <= 0x202e, 0x2066 <= r && r <= 0x2069:
		return true
	}
	return false
}
