// Package httplist parses the comma-separated header lists of HTTP (RFC 9110
// section 5.6.1) that CORS uses: Access-Control-Request-Headers,
// Access-Control-Allow-Methods, Access-Control-Allow-Headers,
// Access-Control-Expose-Headers and Vary.
//
// It is the single parser shared by the server middleware and the browser
// model. It never allocates, and it never trusts its input to be small: a
// [Scanner] stops with [ErrTooLong] once a list exceeds its [Limits], so a
// hostile header costs O(limit) work, not O(input).
//
// Lists follow the HTTP rules: elements are separated by commas with optional
// whitespace (spaces and tabs) around them, empty elements are allowed and
// skipped, and one list may be split over several header lines, which is
// the same as joining the lines with commas (some gateways do split
// Access-Control-Request-Headers; see rs/cors issue 184).
package httplist

import (
	"errors"
	"strings"
)

// Limits bound the work a Scanner does. A zero field means no bound on that
// quantity; use [DefaultLimits] for request headers from the network.
type Limits struct {
	Elements int // elements, empty ones included
	Bytes    int // bytes over all lines, separators and whitespace included
}

// DefaultLimits fit every list a browser sends (a preflight lists the
// non-safelisted headers a page sets, rarely more than a dozen) with a wide
// margin, and keep the cost of a hostile list small.
var DefaultLimits = Limits{Elements: 128, Bytes: 8192}

// MaxMethodLen is the longest method name corskit's middleware takes in
// Access-Control-Request-Method or AllowedMethods (cors.New refuses a
// longer listed one), and so the longest explain may advise listing. Real
// methods are a few bytes long; the bound keeps a hostile one out of
// responses and logs.
const MaxMethodLen = 64

var (
	// ErrTooLong reports a list over its Limits.
	ErrTooLong = errors.New("httplist: list exceeds its limits")
	// ErrInvalidToken reports an element that is not an HTTP token.
	ErrInvalidToken = errors.New("httplist: element is not a token")
)

// A Scanner walks the elements of a list given as header lines. Its zero
// value is an empty list; create one with [NewScanner]. It is a small value:
// keep it on the stack.
type Scanner struct {
	lines []string
	cur   string // rest of the current line
	left  int    // elements still allowed; negative means no bound
	err   error
}

// NewScanner returns a Scanner over the list made of lines, bounded by lim.
// Both bounds are checked up front, before any element is returned, so a
// caller never acts on part of an oversized list; counting commas is a
// vectorised scan, so even that check is cheap.
func NewScanner(lines []string, lim Limits) Scanner {
	s := Scanner{lines: lines, left: -1}
	if lim.Elements > 0 {
		s.left = lim.Elements
	}
	if lim.Bytes > 0 {
		n := len(lines) - 1 // the commas that join the lines
		for _, l := range lines {
			n += len(l)
		}
		if n > lim.Bytes {
			s.err = ErrTooLong
			return s
		}
	}
	if lim.Elements > 0 && tooManyElements(lines, lim.Elements) {
		s.err = ErrTooLong
	}
	return s
}

// tooManyElements counts commas a block at a time, so that a list far over
// the limit is refused after its first block rather than its last byte.
func tooManyElements(lines []string, limit int) bool {
	const block = 1024
	n := 0
	for _, l := range lines {
		n++ // a line is one element more than it has commas
		for len(l) > 0 {
			b := l[:min(block, len(l))]
			l = l[len(b):]
			if n += strings.Count(b, ","); n > limit {
				return true
			}
		}
		if n > limit {
			return true
		}
	}
	return false
}

// Next returns the next non-empty element with surrounding whitespace
// removed, and true; or "", false at the end of the list or on error (see
// Err). Elements are returned as they are; use [IsToken] to validate them,
// or [Scanner.NextToken].
func (s *Scanner) Next() (string, bool) {
	for s.err == nil {
		if s.cur == "" {
			if len(s.lines) == 0 {
				return "", false
			}
			s.cur, s.lines = s.lines[0], s.lines[1:]
			if s.cur == "" {
				// An empty line is an empty element.
				if !s.countElem() {
					return "", false
				}
				continue
			}
		}
		var elem string
		if i := indexComma(s.cur); i < 0 {
			elem, s.cur = s.cur, ""
		} else {
			elem, s.cur = s.cur[:i], s.cur[i+1:]
		}
		if !s.countElem() {
			return "", false
		}
		if elem = trimOWS(elem); elem != "" {
			return elem, true
		}
	}
	return "", false
}

// NextToken is Next, but an element that is not a token stops the scan
// with ErrInvalidToken.
func (s *Scanner) NextToken() (string, bool) {
	e, ok := s.Next()
	if ok && !IsToken(e) {
		s.err = ErrInvalidToken
		return "", false
	}
	return e, ok
}

// Err returns the error that stopped the scan, or nil at the end of a
// well-formed list.
func (s *Scanner) Err() error { return s.err }

func (s *Scanner) countElem() bool {
	if s.left == 0 {
		s.err = ErrTooLong
		return false
	}
	s.left--
	return true
}

func indexComma(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == ',' {
			return i
		}
	}
	return -1
}

// TrimOWS removes the optional whitespace (spaces and tabs) around a
// header value or list element: strings.Trim(s, " \t") without building
// a cutset each time.
func TrimOWS(s string) string { return trimOWS(s) }

func trimOWS(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

// IsToken reports whether s is a non-empty HTTP token (RFC 9110 section
// 5.6.2): method names and header field names are tokens.
func IsToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isTchar(s[i]) {
			return false
		}
	}
	return true
}

func isTchar(c byte) bool { return tchar[c] }

// tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
// "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
var tchar = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
		t[c-'a'+'A'] = true
	}
	for _, c := range "!#$%&'*+-.^_`|~" {
		t[c] = true
	}
	return t
}()

// EqualFold reports whether the ASCII strings a and b are equal ignoring
// ASCII case; header names are compared this way. Unlike strings.EqualFold
// it does no Unicode folding (the Kelvin sign is not "k").
func EqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lower(a[i]) != lower(b[i]) {
			return false
		}
	}
	return true
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}

// AppendLower appends the ASCII-lowercased s to dst.
func AppendLower(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		dst = append(dst, lower(s[i]))
	}
	return dst
}

// HasFold reports whether the list spread over lines has an element equal
// to name, ignoring ASCII case; a malformed or oversized list has none.
func HasFold(lines []string, name string) bool {
	sc := NewScanner(lines, DefaultLimits)
	for {
		e, ok := sc.Next()
		if !ok {
			return false
		}
		if EqualFold(e, name) {
			return true
		}
	}
}
