package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
)

// count writes n and the noun, in the plural unless n is 1: "1 endpoint",
// "12 endpoints".
func count(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// utf8BOM is the byte order mark some Windows editors write at the start
// of a UTF-8 file; it is not part of the first line.
var utf8BOM = []byte("\ufeff")

// skipBOM returns r without a leading UTF-8 byte order mark.
func skipBOM(r io.Reader) io.Reader {
	head := make([]byte, len(utf8BOM))
	n, err := io.ReadFull(r, head)
	head = head[:n]
	if bytes.Equal(head, utf8BOM) {
		return r
	}
	rest := io.MultiReader(bytes.NewReader(head), r)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return io.MultiReader(rest, errReader{err})
	}
	return rest
}

// errReader fails every read with its error.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// colorFlag adds --color to fs: auto (the default) colours output on a
// terminal unless NO_COLOR is set, always and never override both.
func colorFlag(fs flags) *choice {
	c := &choice{"auto", []string{"auto", "always", "never"}}
	fs.Var(c, "color", "colour the output: auto (when it goes to a terminal and the NO_COLOR environment variable is not set), always or never")
	return c
}

// colorOn says whether output to w is coloured under --color mode.
func colorOn(mode string, w io.Writer) bool {
	switch mode {
	case "always":
		return true
	case "never":
		return false
	}
	return useColor(w)
}

// fileError is the one line for an input file that cannot be opened or
// read: the flag and the file named once, then the cause alone
// ("--paths p.txt: no such file or directory", not "--paths: open p.txt:
// no such file or directory").
func fileError(flag, name string, err error) usageError {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return usageError{fmt.Sprintf("%s %s: %v", flag, name, err)}
}
