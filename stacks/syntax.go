package stacks

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

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
	// commentEnd closes it where the syntax's comments are not line
	// comments (XML's "<!-- ... -->").
	comment, commentEnd string
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
	// Terraform's HCL reads "${...}" and "%{...}" as templates inside
	// every quoted string; "$${" and "%%{" are the literal text.
	"hcl": {comment: "#", refuse: plain, value: hclText},
	// A YAML single-quoted scalar has one escape ('' for '); the
	// Serverless Framework still resolves ${...} in it, and has no escape
	// for it.
	"yaml": {comment: "#", refuse: func(v string) string {
		if strings.Contains(v, "${") {
			return "the Serverless Framework reads ${...} as a variable in every string, and has no escape for it"
		}
		return ""
	}, value: yamlText},
	// XML: the five predefined entities (xmlText).
	"xml": {comment: "<!--", commentEnd: " -->", refuse: plain, value: xmlText},
}

// hclText writes v as the text of an HCL quoted string: backslash and
// quote escaped, control characters as \uNNNN, and the template
// introducers "${" and "%{" doubled, so that nothing in v is evaluated.
func hclText(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '\\' || c == '"':
			b.WriteByte('\\')
			b.WriteByte(c)
		case (c == '$' || c == '%') && i+1 < len(v) && v[i+1] == '{':
			b.WriteByte(c)
			b.WriteByte(c)
		case c < 0x20 || c == 0x7f:
			fmt.Fprintf(&b, "\\u%04x", c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// hclString is v as an HCL quoted string.
func hclString(v string) string { return `"` + hclText(v) + `"` }

// yamlText writes v as the text of a YAML single-quoted scalar.
func yamlText(v string) string { return strings.ReplaceAll(v, "'", "''") }

// yamlString is v as a YAML single-quoted scalar.
func yamlString(v string) string { return "'" + yamlText(v) + "'" }

// xmlEscaper writes XML's predefined entities and the white space a
// parser would normalise, as encoding/xml's EscapeText does (not imported:
// the WebAssembly build carries stacks).
var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;",
	"\t", "&#x9;", "\n", "&#xA;", "\r", "&#xD;")

// xmlText writes v as XML character data; a character XML cannot hold (a
// control character, invalid UTF-8) becomes U+FFFD, as encoding/xml
// writes it.
func xmlText(v string) string {
	v = strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF {
			return '\uFFFD'
		}
		return r
	}, v) // an invalid byte comes as U+FFFD, one each
	return xmlEscaper.Replace(v)
}

// jsonString is v as a JSON string, through encoding/json (HTML
// characters left as they are: the snippet is a file, not a page).
func jsonString(v string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
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
	text := v.st.Settings[f] + ": not seen in the answers: keep yours"
	if add := v.keep[f]; len(add) > 0 {
		vals := make([]string, len(add))
		for i, a := range add {
			vals[i] = syn.value(a)
		}
		text += ", and add " + strings.Join(vals, ", ")
	}
	return comment(syn, indent, text)
}

// comment writes text as a comment of syn at indent ("" when syn has no
// comments). An XML comment may not hold "--".
func comment(syn syntax, indent, text string) string {
	if syn.comment == "" {
		return ""
	}
	if syn.commentEnd != "" {
		for strings.Contains(text, "--") {
			text = strings.ReplaceAll(text, "--", "- -")
		}
	}
	return indent + syn.comment + " " + text + syn.commentEnd
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
