package lint

import (
	"errors"
	"strconv"
	"strings"
)

// Spring's configuration files, read into flat property names (a.b[0].c)
// with their lines. The .properties reader follows
// java.util.Properties.load. YAML is read by a strict subset reader, not
// a YAML library: lint is a library package with the standard library only
// (the project's rule, so that it builds for WebAssembly too), and the
// YAML of Spring configuration is block maps, block and flow lists and
// scalars. What the subset lacks (anchors and aliases, flow maps, tags)
// is an error naming the line, never a guess; block scalars (| and >) are
// skipped, since no CORS property is one.

// maxSpringLines bounds the work on a hostile file.
const maxSpringLines = 100000

// readProperties reads a .properties file.
func readProperties(data []byte) map[string]springProp {
	out := map[string]springProp{}
	lines := strings.Split(string(data), "\n")
	for i := 0; i < len(lines) && i < maxSpringLines; i++ {
		start := i + 1
		l := strings.TrimLeft(strings.TrimRight(lines[i], "\r"), " \t\f")
		if l == "" || l[0] == '#' || l[0] == '!' {
			continue
		}
		// A line ending in an odd number of backslashes continues.
		for trailingBackslashes(l)%2 == 1 && i+1 < len(lines) {
			i++
			l = l[:len(l)-1] + strings.TrimLeft(strings.TrimRight(lines[i], "\r"), " \t\f")
		}
		k, v := splitProperty(l)
		out[unescapeProperty(k)] = springProp{value: unescapeProperty(v), line: start}
	}
	return out
}

func trailingBackslashes(s string) int {
	n := 0
	for n < len(s) && s[len(s)-1-n] == '\\' {
		n++
	}
	return n
}

// splitProperty splits at the first unescaped =, : or white space, then
// skips white space and one = or :.
func splitProperty(l string) (string, string) {
	i := 0
	for ; i < len(l); i++ {
		if l[i] == '\\' {
			i++
			continue
		}
		if strings.IndexByte("=: \t\f", l[i]) >= 0 {
			break
		}
	}
	if i >= len(l) {
		return l, ""
	}
	k, rest := l[:i], strings.TrimLeft(l[i:], " \t\f")
	if rest != "" && (rest[0] == '=' || rest[0] == ':') && (l[i] == ' ' || l[i] == '\t' || l[i] == '\f' || rest[0] == l[i]) {
		rest = strings.TrimLeft(rest[1:], " \t\f")
	}
	return k, rest
}

func unescapeProperty(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch s[i] {
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 'f':
			b.WriteByte('\f')
		case 'u':
			if i+4 < len(s) {
				if r, err := strconv.ParseUint(s[i+1:i+5], 16, 32); err == nil {
					b.WriteRune(rune(r))
					i += 4
					continue
				}
			}
			b.WriteByte('u')
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// yamlLevel is an open mapping: its indentation and its path.
type yamlLevel struct {
	indent int
	path   string
	items  int  // list items seen under this key
	item   bool // the mapping of one list item ("- a: 1" then "  b: 2")
}

// readYAMLSubset reads block mappings, lists of scalars and of mappings
// into flat property names (a.b[0].c); several documents (---) are read
// as one.
func readYAMLSubset(file string, data []byte) (map[string]springProp, error) {
	return readYAML(file, data, false)
}

// readYAML is readYAMLSubset; lenient keeps a value the subset does not
// read (a tag such as CloudFormation's !Ref, an anchor, a flow mapping)
// as a property holding its error, for the reader to refuse only if it
// needs that value.
func readYAML(file string, data []byte, lenient bool) (map[string]springProp, error) {
	out := map[string]springProp{}
	var stack []yamlLevel
	lines := strings.Split(string(data), "\n")
	skipAbove := -1 // inside a block scalar: lines indented more than this
	for i := 0; i < len(lines) && i < maxSpringLines; i++ {
		n := i + 1
		raw := strings.TrimRight(lines[i], "\r")
		body := strings.TrimLeft(raw, " ")
		indent := len(raw) - len(body)
		if skipAbove >= 0 {
			if body == "" || indent > skipAbove {
				continue
			}
			skipAbove = -1
		}
		body = strings.TrimSpace(stripYAMLComment(body))
		if body == "" || body == "---" || body == "..." || strings.HasPrefix(body, "%") {
			if body == "---" {
				stack = nil
			}
			continue
		}
		if strings.ContainsRune(raw[:len(raw)-len(strings.TrimLeft(raw, " \t"))], '\t') {
			return nil, &SpringError{file, n, errors.New("tab indentation is not YAML")}
		}
		for len(stack) > 0 && stack[len(stack)-1].indent >= indent && !(strings.HasPrefix(body, "- ") || body == "-") {
			stack = stack[:len(stack)-1]
		}
		if body == "-" || strings.HasPrefix(body, "- ") {
			// A list item belongs to the innermost key at or above its
			// indentation (Spring's style puts "- " under the key).
			for len(stack) > 0 && (stack[len(stack)-1].indent > indent || stack[len(stack)-1].item && stack[len(stack)-1].indent == indent) {
				stack = stack[:len(stack)-1]
			}
			if len(stack) == 0 {
				return nil, &SpringError{file, n, errors.New("a list item outside a mapping")}
			}
			top := &stack[len(stack)-1]
			item := strings.TrimSpace(strings.TrimPrefix(body, "-"))
			key := top.path + "[" + strconv.Itoa(top.items) + "]"
			top.items++
			if k, v, ok := yamlKeyValue(item); ok && !isQuoted(item) {
				// The item is a mapping: its other keys follow, indented
				// to its first key's column.
				stack = append(stack, yamlLevel{indent: indent, path: key, item: true})
				if v == "" {
					stack = append(stack, yamlLevel{indent: indent + len(body) - len(item), path: key + "." + k})
					continue
				}
				val, err := yamlScalar(file, n, v)
				if err = keep(out, key+"."+k, v, val, n, err, lenient); err != nil {
					return nil, err
				}
				continue
			}
			val, err := yamlScalar(file, n, item)
			if err = keep(out, key, item, val, n, err, lenient); err != nil {
				return nil, err
			}
			continue
		}
		k, v, ok := yamlKeyValue(body)
		if !ok {
			return nil, &SpringError{file, n, errors.New("not a key: value line")}
		}
		path := k
		if len(stack) > 0 {
			path = stack[len(stack)-1].path + "." + k
		}
		switch {
		case v == "":
			stack = append(stack, yamlLevel{indent: indent, path: path})
		case v == "|" || v == ">" || strings.HasPrefix(v, "|") || strings.HasPrefix(v, ">"):
			skipAbove = indent
		default:
			val, err := yamlScalar(file, n, v)
			if err = keep(out, path, v, val, n, err, lenient); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// keep stores a scalar read from raw, or its error: returned, or kept
// in the property when lenient.
func keep(out map[string]springProp, path, raw, val string, line int, err error, lenient bool) error {
	if err != nil && !lenient {
		return err
	}
	out[path] = springProp{value: val, line: line, err: err, flow: strings.HasPrefix(raw, "["), quoted: isQuoted(raw)}
	return nil
}

func isQuoted(s string) bool { return strings.HasPrefix(s, `"`) || strings.HasPrefix(s, "'") }

// stripYAMLComment removes a comment: # at the start or after a space,
// outside quotes.
func stripYAMLComment(s string) string {
	var q byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case q != 0:
			if c == q {
				q = 0
			}
		case c == '"' || c == '\'':
			if i == 0 || s[i-1] == ' ' || s[i-1] == '[' || s[i-1] == ',' || s[i-1] == ':' {
				q = c
			}
		case c == '#' && (i == 0 || s[i-1] == ' '):
			return s[:i]
		}
	}
	return s
}

// yamlKeyValue splits "key: value" (the key maybe quoted).
func yamlKeyValue(s string) (string, string, bool) {
	if isQuoted(s) {
		q := s[0]
		end := strings.IndexByte(s[1:], q)
		if end < 0 {
			return "", "", false
		}
		k, rest := s[1:1+end], strings.TrimSpace(s[2+end:])
		if !strings.HasPrefix(rest, ":") {
			return "", "", false
		}
		return k, strings.TrimSpace(rest[1:]), true
	}
	i := strings.Index(s, ": ")
	if i < 0 {
		if strings.HasSuffix(s, ":") {
			return s[:len(s)-1], "", true
		}
		return "", "", false
	}
	return strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+2:]), true
}

// yamlScalar reads a scalar or a flow list of scalars (joined by commas,
// as Spring binds a comma-separated string to a list).
func yamlScalar(file string, line int, v string) (string, error) {
	switch {
	case strings.HasPrefix(v, "&") || strings.HasPrefix(v, "*") && v != "*" || strings.HasPrefix(v, "!"):
		return "", &SpringError{file, line, errors.New("anchors, aliases and tags are not read")}
	case strings.HasPrefix(v, "{"):
		return "", &SpringError{file, line, errors.New("flow mappings are not read")}
	case strings.HasPrefix(v, "["):
		if !strings.HasSuffix(v, "]") {
			return "", &SpringError{file, line, errors.New("a flow list must close on its line")}
		}
		var items []string
		for _, x := range splitFlow(v[1 : len(v)-1]) {
			s, err := yamlScalar(file, line, strings.TrimSpace(x))
			if err != nil {
				return "", err
			}
			items = append(items, s)
		}
		return strings.Join(items, ","), nil
	case strings.HasPrefix(v, `"`):
		s, err := strconv.Unquote(v)
		if err != nil {
			return "", &SpringError{file, line, errors.New("a double-quoted scalar does not close")}
		}
		return s, nil
	case strings.HasPrefix(v, "'"):
		if len(v) < 2 || !strings.HasSuffix(v, "'") {
			return "", &SpringError{file, line, errors.New("a single-quoted scalar does not close")}
		}
		return strings.ReplaceAll(v[1:len(v)-1], "''", "'"), nil
	}
	return v, nil
}

// splitFlow splits a flow list's body at commas outside quotes.
func splitFlow(s string) []string {
	var out []string
	var q byte
	start := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case q != 0:
			if c == q {
				q = 0
			}
		case c == '"' || c == '\'':
			q = c
		case c == ',':
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	if strings.TrimSpace(s[start:]) != "" {
		out = append(out, s[start:])
	}
	return out
}
