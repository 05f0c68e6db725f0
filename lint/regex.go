package lint

import (
	"fmt"
	"regexp"
	"strings"
)

// Each stack matches origins with its own regular-expression engine and
// anchoring; Go's regexp is RE2. A pattern is translated to RE2 with the
// stack's anchoring made explicit, and one that uses what RE2 lacks
// (look-around, back-references) is reported as not evaluated rather than
// evaluated wrongly.

// Anchoring is how a stack applies a pattern to the Origin.
type Anchoring int

// The anchorings.
const (
	// Search finds the pattern anywhere (JS RegExp.test, nginx ~, PCRE).
	Search Anchoring = iota
	// Match anchors at the start only (Python re.match).
	Match
	// FullMatch anchors at both ends (Python re.fullmatch).
	FullMatch
)

// RegexError says a pattern could not be evaluated here.
type RegexError struct {
	Pattern string
	Dialect string
	Err     error
}

func (e *RegexError) Error() string {
	return fmt.Sprintf("%s pattern %q: not evaluated: %v", e.Dialect, e.Pattern, e.Err)
}

// unsupported are constructs of Python, JS and PCRE that RE2 does not
// have: compiling them would fail or, worse, mean something else.
var unsupported = []string{`(?=`, `(?!`, `(?<=`, `(?<!`, `(?>`, `(?|`, `\1`, `\2`, `\3`, `\k<`, `(?P=`, `\G`, `(?R`, `(?(`}

// compileRegex translates pattern of dialect ("python", "js", "pcre") to
// RE2 with the anchoring made explicit.
func compileRegex(dialect, pattern string, anchor Anchoring, ignoreCase bool) (*regexp.Regexp, error) {
	for _, u := range unsupported {
		if strings.Contains(pattern, u) {
			return nil, &RegexError{pattern, dialect, fmt.Errorf("RE2 has no %s", u)}
		}
	}
	p := pattern
	if dialect == "python" {
		// Python's \Z is RE2's \z (end of text); RE2's \Z does not exist.
		p = strings.ReplaceAll(p, `\Z`, `\z`)
	}
	switch anchor {
	case Match:
		p = `\A(?:` + p + `)`
	case FullMatch:
		p = `\A(?:` + p + `)\z`
	}
	if ignoreCase {
		p = `(?i)` + p
	}
	re, err := regexp.Compile(p)
	if err != nil {
		return nil, &RegexError{pattern, dialect, err}
	}
	return re, nil
}
