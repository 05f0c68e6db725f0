package lint

import (
	"bytes"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/corskit/corskit/audit"
)

// Spring's CORS in Java and Kotlin source: @CrossOrigin on a controller
// class or handler method, with the path and methods of its
// @RequestMapping/@GetMapping..., and WebMvcConfigurer.addCorsMappings's
// registry.addMapping("/api/**").allowedOrigins(...)... chains. Literal
// values are evaluated with the CorsConfiguration semantics of spring.go
// (springSettings.unit); a constant, a method call or a ${...} placeholder
// (which Spring resolves from the environment for @CrossOrigin) is
// not-evaluated.
//
// @CrossOrigin's defaults are RequestMappingHandlerMapping's: the class's
// and the method's annotations add up; without origins or originPatterns
// every origin ("*"); without methods the mapping's methods, else GET,
// HEAD, POST; allowedHeaders "*"; allowCredentials "" leaves credentials
// off, a value other than "true", "false" or "" is refused at startup;
// maxAge 1800; "*" with credentials is refused when the mapping is
// registered (validateAllowCredentials). A CorsRegistration starts from
// the same defaults (applyPermitDefaultValues); allowedOriginPatterns set
// without allowedOrigins replaces the default "*".
const springJavaDoc = "https://docs.spring.io/spring-framework/docs/current/javadoc-api/org/springframework/web/bind/annotation/CrossOrigin.html; " +
	"https://docs.spring.io/spring-framework/docs/current/javadoc-api/org/springframework/web/servlet/config/annotation/CorsRegistration.html; " +
	"https://docs.spring.io/spring-framework/reference/web/webmvc-cors.html"

func sniffSpringJava(name string, head []byte) bool {
	ext := strings.ToLower(filepath.Ext(name))
	if ext != ".java" && ext != ".kt" {
		return false
	}
	return bytes.Contains(head, []byte("CrossOrigin")) || bytes.Contains(head, []byte("CorsRegistry"))
}

func readSpringJava(file string, data []byte) ([]*Unit, error) {
	toks := tokenizeJava(string(data), strings.EqualFold(filepath.Ext(file), ".kt"))
	units := crossOriginUnits(file, toks)
	units = append(units, registryUnits(file, toks)...)
	slices.SortStableFunc(units, func(a, b *Unit) int { return a.Line - b.Line })
	return units, nil
}

// jValue is an annotation argument or a call's arguments: its elements,
// each the tokens of one expression.
type jValue struct {
	elems [][]jtok
	line  int
}

type jAnnotation struct {
	name string // the simple name: CrossOrigin
	line int
	args map[string]jValue // "value" for the unnamed one
}

// matchParen returns the index of the bracket closing the one at i (or
// len(toks)).
func matchParen(toks []jtok, i int) int {
	depth := 0
	for j := i; j < len(toks); j++ {
		if toks[j].kind != jPunct {
			continue
		}
		switch toks[j].text {
		case "(", "{", "[":
			depth++
		case ")", "}", "]":
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return len(toks)
}

// splitCommas splits toks at the commas outside brackets.
func splitCommas(toks []jtok) [][]jtok {
	var out [][]jtok
	depth, start := 0, 0
	for j, t := range toks {
		if t.kind != jPunct {
			continue
		}
		switch t.text {
		case "(", "{", "[":
			depth++
		case ")", "}", "]":
			depth--
		case ",":
			if depth == 0 {
				out = append(out, toks[start:j])
				start = j + 1
			}
		}
	}
	if start < len(toks) {
		out = append(out, toks[start:])
	}
	return out
}

// annotationValue reads an argument: {a, b} (Java), [a, b] or
// arrayOf(a, b) (Kotlin), or one expression.
func annotationValue(toks []jtok) jValue {
	v := jValue{}
	if len(toks) == 0 {
		return v
	}
	v.line = toks[0].line
	inner := toks
	switch {
	case (isPunct(toks[0], "{") || isPunct(toks[0], "[")) && len(toks) > 1 && matchParen(toks, 0) == len(toks)-1:
		inner = toks[1 : len(toks)-1]
	case len(toks) > 2 && toks[0].text == "arrayOf" && isPunct(toks[1], "(") && matchParen(toks, 1) == len(toks)-1:
		inner = toks[2 : len(toks)-1]
	default:
		v.elems = [][]jtok{toks}
		return v
	}
	v.elems = splitCommas(inner)
	return v
}

// firstElem is a value's first element (nil when it has none).
func firstElem(v jValue) []jtok {
	if len(v.elems) == 0 {
		return nil
	}
	return v.elems[0]
}

func isPunct(t jtok, p string) bool { return t.kind == jPunct && t.text == p }

// parseAnnotation reads the annotation whose @ is at i; it returns the
// annotation and the index after it.
func parseAnnotation(toks []jtok, i int) (jAnnotation, int) {
	a := jAnnotation{line: toks[i].line, args: map[string]jValue{}}
	j := i + 1
	for j < len(toks) && toks[j].kind == jIdent {
		a.name = toks[j].text
		j++
		if j+1 < len(toks) && isPunct(toks[j], ".") && toks[j+1].kind == jIdent {
			j++
			continue
		}
		if j+1 < len(toks) && isPunct(toks[j], ":") && toks[j+1].kind == jIdent { // Kotlin's @field:X
			j++
			continue
		}
		break
	}
	if j < len(toks) && isPunct(toks[j], "(") {
		end := matchParen(toks, j)
		for _, part := range splitCommas(toks[j+1 : min(end, len(toks))]) {
			if len(part) >= 2 && part[0].kind == jIdent && isPunct(part[1], "=") && (len(part) < 3 || !isPunct(part[2], "=")) {
				a.args[part[0].text] = annotationValue(part[2:])
			} else {
				a.args["value"] = annotationValue(part)
			}
		}
		j = end + 1
	}
	return a, j
}

// literal evaluates an element that is a string literal or a
// concatenation of them.
func literal(el []jtok) (string, bool) {
	var b strings.Builder
	for k, t := range el {
		if k%2 == 1 {
			if !isPunct(t, "+") {
				return "", false
			}
			continue
		}
		if t.kind != jString || t.template {
			return "", false
		}
		b.WriteString(t.text)
	}
	return b.String(), len(el)%2 == 1
}

// enumName is the constant an element names: RequestMethod.GET or GET.
func enumName(el []jtok) (string, bool) {
	if len(el) == 0 || el[len(el)-1].kind != jIdent {
		return "", false
	}
	for k, t := range el {
		if k%2 == 1 && !isPunct(t, ".") || k%2 == 0 && t.kind != jIdent {
			return "", false
		}
	}
	return el[len(el)-1].text, true
}

// mappingMethods are the HTTP methods of the mapping annotations.
var mappingMethods = map[string]string{
	"RequestMapping": "", "GetMapping": "GET", "PostMapping": "POST", "PutMapping": "PUT",
	"DeleteMapping": "DELETE", "PatchMapping": "PATCH",
}

// jDecl is a declaration with its annotations: a class or a method.
type jDecl struct {
	name   string
	annos  []jAnnotation
	class  bool
	parent *jDecl // the class a method is declared in
}

func (d *jDecl) anno(name string) *jAnnotation {
	if d == nil {
		return nil
	}
	for i := range d.annos {
		if d.annos[i].name == name {
			return &d.annos[i]
		}
	}
	return nil
}

func (d *jDecl) mapping() *jAnnotation {
	if d == nil {
		return nil
	}
	for i := range d.annos {
		if _, ok := mappingMethods[d.annos[i].name]; ok {
			return &d.annos[i]
		}
	}
	return nil
}

// declarations walks the tokens and returns the annotated methods, each
// with its class. Braces give the nesting; a parenthesised list (a
// method's parameters, with their own annotations) is skipped whole.
func declarations(toks []jtok) []*jDecl {
	var out []*jDecl
	type open struct {
		depth int
		class *jDecl
	}
	var classes []open
	var pending []jAnnotation
	isClass, name := false, ""
	depth := 0
	current := func() *jDecl {
		if len(classes) == 0 {
			return nil
		}
		return classes[len(classes)-1].class
	}
	end := func() { pending, isClass, name = nil, false, "" }
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch {
		case isPunct(t, "@") && i+1 < len(toks) && toks[i+1].kind == jIdent && toks[i+1].text != "interface":
			a, next := parseAnnotation(toks, i)
			pending = append(pending, a)
			i = next - 1
		case t.kind == jIdent && (t.text == "class" || t.text == "interface" || t.text == "enum" || t.text == "record" || t.text == "object") && (i == 0 || !isPunct(toks[i-1], ".")):
			isClass = true
			if i+1 < len(toks) && toks[i+1].kind == jIdent {
				name = toks[i+1].text
				i++
			}
		case t.kind == jIdent:
			if !isClass && i+1 < len(toks) && isPunct(toks[i+1], "(") {
				name = t.text
			}
		case isPunct(t, "("):
			i = matchParen(toks, i)
		case isPunct(t, "{"):
			depth++
			if isClass {
				classes = append(classes, open{depth, &jDecl{name: name, annos: pending, class: true, parent: current()}})
			} else if len(pending) > 0 {
				out = append(out, &jDecl{name: name, annos: pending, parent: current()})
			}
			end()
		case isPunct(t, ";") || isPunct(t, "="):
			if !isClass && len(pending) > 0 {
				out = append(out, &jDecl{name: name, annos: pending, parent: current()})
			}
			end()
		case isPunct(t, "}"):
			for len(classes) > 0 && classes[len(classes)-1].depth >= depth {
				classes = classes[:len(classes)-1]
			}
			depth--
			end()
		}
	}
	return out
}

// mappingPath is the first literal path of a mapping annotation ("" for
// none or a non-literal one).
func mappingPath(a *jAnnotation) string {
	if a == nil {
		return ""
	}
	for _, k := range []string{"value", "path"} {
		if v, ok := a.args[k]; ok && len(v.elems) > 0 {
			if s, ok := literal(v.elems[0]); ok {
				return s
			}
		}
	}
	return ""
}

// requestPath joins a class's and a method's mapping paths into a path
// the audit requests: {variables} become 1, patterns are cut at their
// first wildcard.
func requestPath(class, method string) string {
	p := "/" + strings.Trim(class, "/") + "/" + strings.TrimLeft(method, "/")
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '{':
			if end := strings.IndexByte(p[i:], '}'); end > 0 {
				b.WriteByte('1')
				i += end
				continue
			}
		case '*':
			return escapedPath(strings.ReplaceAll(b.String(), "//", "/"))
		}
		b.WriteByte(p[i])
	}
	return escapedPath(strings.ReplaceAll(b.String(), "//", "/"))
}

// crossOriginUnits is one unit per handler method under @CrossOrigin
// (its own or its class's).
func crossOriginUnits(file string, toks []jtok) []*Unit {
	var out []*Unit
	for _, m := range declarations(toks) {
		mapping := m.mapping()
		cls, own := m.parent.anno("CrossOrigin"), m.anno("CrossOrigin")
		if mapping == nil || cls == nil && own == nil {
			continue
		}
		className := ""
		if m.parent != nil {
			className = m.parent.name + "."
		}
		at := own
		if at == nil {
			at = cls
		}
		u := &Unit{File: file, Line: at.line, Stack: "spring", Name: "@CrossOrigin on " + className + m.name,
			Path: requestPath(mappingPath(m.parent.mapping()), mappingPath(mapping)), Vendor: springJavaDoc, layer: "app"}
		out = append(out, crossOriginUnit(u, at.line, mapping, cls, own))
	}
	return out
}

// crossOriginUnit reads the annotations as updateCorsConfig does, class
// first, then applies the defaults (applyPermitDefaultValues).
func crossOriginUnit(u *Unit, line int, mapping *jAnnotation, annos ...*jAnnotation) *Unit {
	s := springSettings{maxAge: 1800, refused: "Spring refuses the mapping at startup (IllegalArgumentException from validateAllowCredentials)"}
	for _, a := range annos {
		if a == nil {
			continue
		}
		if why := s.readCrossOrigin(a); why != "" {
			return DynamicUnit(u.File, a.line, "spring", u.Name, why)
		}
		if v, ok := a.args["allowCredentials"]; ok {
			c, _ := literal(firstElem(v))
			switch strings.ToLower(c) {
			case "true":
				s.creds = true
			case "false":
				s.creds = false
			case "":
			default:
				u.Line = v.line
				u.note(InvalidConfig, audit.Info, v.line, fmt.Sprintf("@CrossOrigin's allowCredentials must be \"true\", \"false\" or \"\": %q makes Spring refuse the mapping at startup (IllegalStateException)", c), "")
				return u
			}
		}
	}
	if s.methods == nil {
		s.methods = mappingMethodsOf(mapping)
	}
	defaultSpringPermits(&s, line)
	return s.unit(u)
}

// defaultSpringPermits is CorsConfiguration.applyPermitDefaultValues.
func defaultSpringPermits(s *springSettings, line int) {
	if len(s.origins) == 0 && len(s.patterns) == 0 {
		s.origins = []springProp{{value: "*", line: line}}
	}
	if s.methods == nil {
		s.methods = []string{http.MethodGet, http.MethodHead, http.MethodPost}
	}
	if s.headers == nil {
		s.headers = []string{"*"}
	}
}

// readCrossOrigin adds one annotation's values to s; it returns why a
// value is not evaluated ("" when all are literals).
func (s *springSettings) readCrossOrigin(a *jAnnotation) string {
	lists := []struct {
		names []string
		add   func(v string, line int)
	}{
		{[]string{"origins", "value"}, func(v string, l int) { s.origins = append(s.origins, springProp{value: v, line: l}) }},
		{[]string{"originPatterns"}, func(v string, l int) { s.patterns = append(s.patterns, springProp{value: v, line: l}) }},
		{[]string{"allowedHeaders"}, func(v string, _ int) { s.headers = append(s.headers, v) }},
		{[]string{"exposedHeaders"}, func(v string, _ int) { s.expose = append(s.expose, v) }},
	}
	for _, l := range lists {
		for _, name := range l.names {
			for _, el := range a.args[name].elems {
				v, ok := literal(el)
				if !ok || strings.Contains(v, "${") || strings.Contains(v, "#{") {
					return fmt.Sprintf("@CrossOrigin %s is %s, known at run time only", name, jSource(el))
				}
				l.add(v, el[0].line)
			}
		}
	}
	for _, el := range a.args["methods"].elems {
		m, ok := enumName(el)
		if !ok {
			return "@CrossOrigin methods is " + jSource(el) + ", known at run time only"
		}
		s.methods = append(s.methods, m)
	}
	if v, ok := a.args["allowCredentials"]; ok {
		if c, ok := literal(firstElem(v)); !ok || strings.Contains(c, "${") {
			return "@CrossOrigin allowCredentials is " + jSource(firstElem(v)) + ", known at run time only"
		}
	}
	if v, ok := a.args["maxAge"]; ok {
		if n, ok := javaInt(firstElem(v)); ok && n >= 0 {
			s.maxAge = n
		}
	}
	return ""
}

// mappingMethodsOf is the methods a mapping annotation maps (nil: any).
func mappingMethodsOf(a *jAnnotation) []string {
	if m := mappingMethods[a.name]; m != "" {
		return []string{m}
	}
	var out []string
	for _, el := range a.args["method"].elems {
		if m, ok := enumName(el); ok {
			out = append(out, m)
		}
	}
	return out
}

// javaInt reads an integer literal (3600, 3600L, -1).
func javaInt(el []jtok) (int, bool) {
	neg := len(el) == 2 && isPunct(el[0], "-")
	if neg {
		el = el[1:]
	}
	if len(el) != 1 || el[0].kind != jNumber {
		return 0, false
	}
	n, err := strconv.Atoi(strings.ReplaceAll(strings.TrimRight(el[0].text, "lL"), "_", ""))
	if neg {
		n = -n
	}
	return n, err == nil
}

// jSource is an expression's text, for a message.
func jSource(el []jtok) string {
	var parts []string
	for _, t := range el {
		if t.kind == jString {
			parts = append(parts, strconv.Quote(t.text))
		} else {
			parts = append(parts, t.text)
		}
	}
	s := strings.Join(parts, " ")
	if len(s) > 80 {
		s = s[:80] + "..."
	}
	if s == "" {
		s = "empty"
	}
	return s
}

// registryUnits is one unit per CorsRegistry.addMapping(...) chain.
func registryUnits(file string, toks []jtok) []*Unit {
	var out []*Unit
	for i := 1; i+2 < len(toks); i++ {
		if toks[i].text != "addMapping" || toks[i].kind != jIdent || !isPunct(toks[i-1], ".") || !isPunct(toks[i+1], "(") {
			continue
		}
		out = append(out, registryUnit(file, toks, i))
	}
	return out
}

// registryUnit reads the chain whose addMapping is at i, as
// CorsRegistration's setters do: each replaces its list.
func registryUnit(file string, toks []jtok, i int) *Unit {
	line := toks[i].line
	end := matchParen(toks, i+1)
	args := splitCommas(toks[i+2 : min(end, len(toks))])
	pattern := ""
	if len(args) == 1 {
		pattern, _ = literal(args[0])
	}
	name := fmt.Sprintf("CorsRegistry.addMapping(%q)", pattern)
	u := &Unit{File: file, Line: line, Stack: "spring", Name: name, Path: springPath(pattern), Vendor: springJavaDoc, layer: "app"}
	if len(args) != 1 || pattern == "" && !isLiteral(args[0]) {
		return DynamicUnit(file, line, "spring", name, "the path pattern is not a literal")
	}
	s := springSettings{maxAge: 1800, refused: "Spring refuses the mapping at the first CORS request (IllegalArgumentException from validateAllowCredentials)"}
	for j := end + 1; j+2 < len(toks) && isPunct(toks[j], ".") && toks[j+1].kind == jIdent && isPunct(toks[j+2], "("); {
		call, close := toks[j+1].text, matchParen(toks, j+2)
		args := splitCommas(toks[j+3 : min(close, len(toks))])
		if why := s.readRegistration(call, args); why != "" {
			return DynamicUnit(file, toks[j+1].line, "spring", name, call+": "+why)
		}
		j = close + 1
	}
	defaultSpringPermits(&s, line)
	return s.unit(u)
}

func isLiteral(el []jtok) bool { _, ok := literal(el); return ok }

// readRegistration applies one CorsRegistration call.
func (s *springSettings) readRegistration(call string, args [][]jtok) string {
	strs := func() ([]string, []int, string) {
		var vs []string
		var ls []int
		for _, el := range args {
			v, ok := literal(el)
			if !ok {
				return nil, nil, jSource(el) + " is known at run time only"
			}
			vs, ls = append(vs, v), append(ls, el[0].line)
		}
		return vs, ls, ""
	}
	switch call {
	case "allowedOrigins", "allowedOriginPatterns":
		vs, ls, why := strs()
		props := make([]springProp, len(vs))
		for k := range vs {
			props[k] = springProp{value: vs[k], line: ls[k]}
		}
		if call == "allowedOrigins" {
			s.origins = props
		} else {
			s.patterns = props
		}
		return why
	case "allowedMethods", "allowedHeaders", "exposedHeaders":
		vs, _, why := strs()
		switch call {
		case "allowedMethods":
			s.methods = vs
		case "allowedHeaders":
			s.headers = vs
		default:
			s.expose = vs
		}
		return why
	case "allowCredentials":
		if len(args) != 1 || len(args[0]) != 1 || args[0][0].text != "true" && args[0][0].text != "false" {
			return "the value is known at run time only"
		}
		s.creds = args[0][0].text == "true"
	case "maxAge":
		if len(args) == 1 {
			if n, ok := javaInt(args[0]); ok {
				s.maxAge = n
				return ""
			}
		}
		return "the value is known at run time only"
	case "combine":
		return "a CorsConfiguration built in code"
	}
	return ""
}
