package lint

import (
	"fmt"
	"strings"
)

// Apache's configuration syntax, as httpd reads it (server/config.c and
// ap_getword_conf in server/util.c): one directive a line, a trailing
// backslash continuing it, "#" starting a comment line, <Section args>
// ... </Section> around blocks, words separated by blanks, and quotes
// (" or ') around a word with a backslash escaping the quote.

type apDirective struct {
	Name  string // as written; compare with strings.EqualFold
	Args  []string
	Line  int
	Block []*apDirective // a section's body
	Has   bool
}

// ApacheError is a syntax error in an Apache file.
type ApacheError struct {
	File string
	Line int
	Msg  string
}

func (e *ApacheError) Error() string { return fmt.Sprintf("%s:%d: apache: %s", e.File, e.Line, e.Msg) }

const maxApacheDepth = 32

func parseApache(file, src string) ([]*apDirective, error) {
	type frame struct {
		d    *apDirective
		body *[]*apDirective
	}
	var top []*apDirective
	stack := []frame{{nil, &top}}
	lines := strings.Split(src, "\n")
	if len(lines) > maxNginxDirectives {
		return nil, &ApacheError{file, 1, "too many lines"}
	}
	for i := 0; i < len(lines); i++ {
		start := i + 1
		l := strings.TrimRight(lines[i], "\r")
		for strings.HasSuffix(l, "\\") && i+1 < len(lines) {
			i++
			l = l[:len(l)-1] + strings.TrimRight(lines[i], "\r")
		}
		l = strings.TrimSpace(l)
		if l == "" || l[0] == '#' {
			continue
		}
		cur := stack[len(stack)-1]
		if strings.HasPrefix(l, "</") {
			name := strings.TrimSuffix(strings.TrimSpace(l[2:]), ">")
			if cur.d == nil || !strings.EqualFold(name, cur.d.Name) {
				return nil, &ApacheError{file, start, fmt.Sprintf("</%s> without its opening section", name)}
			}
			stack = stack[:len(stack)-1]
			continue
		}
		section := strings.HasPrefix(l, "<")
		if section {
			if !strings.HasSuffix(l, ">") {
				return nil, &ApacheError{file, start, "section opening without >"}
			}
			l = l[1 : len(l)-1]
		}
		words, err := apacheWords(l)
		if err != nil {
			return nil, &ApacheError{file, start, err.Error()}
		}
		if len(words) == 0 {
			continue
		}
		d := &apDirective{Name: words[0], Args: words[1:], Line: start, Has: section}
		*cur.body = append(*cur.body, d)
		if section {
			if len(stack) > maxApacheDepth {
				return nil, &ApacheError{file, start, "sections nested too deep"}
			}
			stack = append(stack, frame{d, &d.Block})
		}
	}
	if len(stack) > 1 {
		d := stack[len(stack)-1].d
		return nil, &ApacheError{file, d.Line, fmt.Sprintf("<%s> is not closed", d.Name)}
	}
	return top, nil
}

// apacheWords splits a line as ap_getword_conf does.
func apacheWords(l string) ([]string, error) {
	var out []string
	for i := 0; i < len(l); {
		for i < len(l) && (l[i] == ' ' || l[i] == '\t') {
			i++
		}
		if i == len(l) {
			break
		}
		if q := l[i]; q == '"' || q == '\'' {
			var b strings.Builder
			j := i + 1
			for ; j < len(l) && l[j] != q; j++ {
				if l[j] == '\\' && j+1 < len(l) && l[j+1] == q {
					j++
				}
				b.WriteByte(l[j])
			}
			if j == len(l) {
				return nil, fmt.Errorf("unterminated quote")
			}
			out = append(out, b.String())
			i = j + 1
			continue
		}
		j := i
		for j < len(l) && l[j] != ' ' && l[j] != '\t' {
			j++
		}
		out = append(out, l[i:j])
		i = j
	}
	return out, nil
}
