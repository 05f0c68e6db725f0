package stacks

import "strings"

// This file is the one place that knows how a value is written in each
// target syntax: what a configuration reads as a variable or a pattern
// rather than text, and how a setting the answers did not show is left to
// the reader (a comment in the syntax's own words). A valid Policy holds
// origins (letters, digits, '-', '_', '.', ':', '/', '*' in a pattern) and
// HTTP tokens, whose characters include '$', '%', '^', '*', '|' and '`':
// harmless in a quoted Go, JavaScript, Python, Java, C# or JSON string,
// but a variable in nginx ("$http_cookie" is the request's cookies) and a
// format in Apache's mod_headers ("%{...}e", "%D").

// syntax is one target syntax.
type syntax struct {
	// comment starts a line comment; "" when the syntax has none (JSON),
	// where a setting the answers did not show is left out instead.
	comment string
	// refuse says why v cannot be written as a literal in this syntax,
	// "" when it can (escaped by value, where the syntax needs it).
	refuse func(v string) string
	// value writes v as literal text inside the syntax's quoted string.
	value func(v string) string
}

func plain(string) string  { return "" }
func asIs(v string) string { return v }

// The target syntaxes, by Stack.Lang.
var syntaxes = map[string]syntax{
	"go": {comment: "//", refuse: plain, value: asIs}, "js": {comment: "//", refuse: plain, value: asIs},
	"python": {comment: "#", refuse: plain, value: asIs}, "java": {comment: "//", refuse: plain, value: asIs},
	"csharp": {comment: "//", refuse: plain, value: asIs}, "json": {refuse: plain, value: asIs},
	// nginx expands $name in every string, quoted or not, and has no
	// escape for '$'.
	"nginx": {comment: "#", refuse: func(v string) string {
		if strings.Contains(v, "$") {
			return "nginx reads $ as the start of a variable (\"$http_cookie\" would send the request's cookies), and has no escape for it"
		}
		return ""
	}, value: asIs},
	// mod_headers reads %x and %{NAME}e as formats in a Header value;
	// "%%" is a literal percent sign.
	"apache": {comment: "#", refuse: plain, value: func(v string) string { return strings.ReplaceAll(v, "%", "%%") }},
	// Caddy's placeholders need braces, which neither an origin nor a
	// token holds.
	"caddyfile": {comment: "#", refuse: plain, value: asIs},
}

// regexLike are the characters that make Flask-CORS read an allow_headers
// entry as a regular expression matched at the start of the name
// (flask_cors.core.probably_regex), so that "x-a*" would allow every
// x- header; the tokens can hold these three.
const flaskRegexChars = "*$^"

// refuseFlaskPattern refuses a header name Flask-CORS would read as a
// regular expression.
func refuseFlaskPattern(f Field, v string) string {
	if f == FieldHeaders && v != "*" && strings.ContainsAny(v, flaskRegexChars) {
		return "Flask-CORS reads a name with * $ or ^ as a regular expression matched at the start of the header name, which allows more than this name"
	}
	return ""
}

// refuseS3Wildcard refuses a header name with a '*' inside: S3's
// AllowedHeaders reads one '*' as a wildcard.
func refuseS3Wildcard(f Field, v string) string {
	if f == FieldHeaders && v != "*" && strings.Contains(v, "*") {
		return "S3 reads * in an AllowedHeaders name as a wildcard, which allows more than this name"
	}
	return ""
}

// check reports, as a *PolicyError, the first value of p that s cannot
// write as the literal it is.
func (s *Stack) check(p Policy) error {
	syn := syntaxes[s.Lang]
	lists := []struct {
		f    Field
		name string
		vals []string
	}{{FieldOrigins, "Origins", p.Origins}, {FieldMethods, "Methods", p.Methods}, {FieldHeaders, "Headers", p.Headers}, {FieldExposed, "Exposed", p.Exposed}}
	for _, l := range lists {
		for _, v := range l.vals {
			why := syn.refuse(v)
			if why == "" && s.refuse != nil {
				why = s.refuse(l.f, v)
			}
			if why != "" {
				return &PolicyError{Field: l.name, Value: v, Reason: "cannot be written for " + s.Title + ": " + why}
			}
		}
	}
	return nil
}

// Kept names the settings a snippet leaves to the reader, because the
// answers did not show them: each is written as a comment in the stack's
// syntax ("not seen in the answers: keep yours"), with the values a change
// adds to it, and never as a value that would replace the reader's.
type Kept map[Field][]string

// view is what a renderer writes: the policy, and the settings kept as
// comments.
type view struct {
	Policy
	st   *Stack
	keep Kept
}

// shows reports whether the snippet writes f's value.
func (v view) shows(f Field) bool {
	_, kept := v.keep[f]
	return !kept
}

// set is the line that writes f: line when cond holds, nothing when it
// does not, and when f is kept, the comment in its place (indented as
// line is).
func (v view) set(f Field, cond bool, line string) string {
	if !v.shows(f) {
		return v.kept(f, line[:len(line)-len(strings.TrimLeft(line, " \t"))])
	}
	if !cond {
		return ""
	}
	return line
}

// kept is the comment for a kept setting.
func (v view) kept(f Field, indent string) string {
	syn := syntaxes[v.st.Lang]
	if syn.comment == "" {
		return ""
	}
	text := indent + syn.comment + " " + v.st.Settings[f] + ": not seen in the answers: keep yours"
	if add := v.keep[f]; len(add) > 0 {
		vals := make([]string, len(add))
		for i, a := range add {
			vals[i] = syn.value(a)
		}
		text += ", and add " + strings.Join(vals, ", ")
	}
	return text
}

// esc writes each value as literal text for the stack's syntax.
func (v view) esc(vals []string) []string {
	syn := syntaxes[v.st.Lang]
	out := make([]string, len(vals))
	for i, x := range vals {
		out[i] = syn.value(x)
	}
	return out
}
