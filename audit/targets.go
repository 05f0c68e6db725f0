package audit

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
)

// MaxTargetLine is the longest target-list line read as a target; a
// longer line is an error of its own (LineError), and reading goes on.
const MaxTargetLine = 64 << 10

// maxSkippedLine is how far a line too long to be a target is read in
// search of its end: past it the input is no list of URLs (/dev/zero, a
// binary file), and reading stops with ErrNotAList.
const maxSkippedLine = 1 << 20

// ErrNotAList is ReadTargets' error for input with a line that does not
// end within maxSkippedLine bytes.
var ErrNotAList = errors.New("no line end within 1 MiB: not a list of URLs")

// LineError is a malformed line of a target list.
type LineError struct {
	Line  int
	Value string // the line, cut to 200 bytes
	Err   error
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
func (e *LineError) Unwrap() error { return e.Err }

// ErrNotHTTPURL is wrapped by CheckURL's errors.
var ErrNotHTTPURL = errors.New("want an absolute http:// or https:// URL (or ws://, wss:// for a WebSocket endpoint)")

// ErrSpaceInURL is a target line with a space or tab inside its URL.
var ErrSpaceInURL = errors.New("a URL has no spaces: want one URL a line, with an optional # comment after a space")

// withoutComment trims a line and the comment after its URL.
func withoutComment(s string) string {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "#") {
		return s
	}
	for i := 1; i < len(s); i++ {
		if s[i] == '#' && (s[i-1] == ' ' || s[i-1] == '\t') {
			return strings.TrimSpace(s[:i])
		}
	}
	return s
}

// CheckURL reports whether u is a URL the audit can target.
func CheckURL(u string) error {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https" && !isWebSocketURL(p)) || p.Host == "" || p.Hostname() == "" {
		return fmt.Errorf("target %q: %w", cut(u, 200), ErrNotHTTPURL)
	}
	return nil
}

func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// ReadTargets reads a target list: one absolute http(s) URL a line;
// blank lines and lines starting with # are skipped; surrounding spaces
// are trimmed, and so is a comment after the URL (a # after a space or
// tab: a URL has no spaces, so the # of a fragment is never one). A line
// with a space left inside is malformed. For each other line it calls fn with the line number and
// either the URL or a *LineError, and stops when fn returns false. A
// malformed line never ends the list: the caller reports it and the
// other lines are still audited. The error returned is the reader's own.
func ReadTargets(r io.Reader, fn func(line int, target string, err error) bool) error {
	br := bufio.NewReaderSize(r, 4096)
	var buf []byte
	line := 0
	for {
		buf = buf[:0]
		tooLong, eof, n := false, false, 0
		for {
			chunk, isPrefix, err := br.ReadLine()
			if err == io.EOF {
				eof = true
				break
			}
			if err != nil {
				return err
			}
			if n += len(chunk); n > maxSkippedLine {
				return fmt.Errorf("line %d: %w", line+1, ErrNotAList)
			}
			if len(buf)+len(chunk) > MaxTargetLine {
				tooLong = true // read on to the line's end, keeping nothing
			} else {
				buf = append(buf, chunk...)
			}
			if !isPrefix {
				break
			}
		}
		if eof && len(buf) == 0 && !tooLong {
			return nil
		}
		line++
		var ok bool
		switch s := withoutComment(string(buf)); {
		case tooLong:
			ok = fn(line, "", &LineError{line, cut(s, 200), fmt.Errorf("longer than %d bytes", MaxTargetLine)})
		case s == "" || strings.HasPrefix(s, "#"):
			ok = true
		case strings.ContainsAny(s, " \t"):
			ok = fn(line, "", &LineError{line, cut(s, 200), ErrSpaceInURL})
		default:
			if err := CheckURL(s); err != nil {
				ok = fn(line, "", &LineError{line, cut(s, 200), err})
			} else {
				ok = fn(line, s, nil)
			}
		}
		if !ok || eof {
			return nil
		}
	}
}
