package lintterraform

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// The values lint evaluates are literals: strings, numbers, booleans,
// lists of them, templates joining them, and references to variables'
// literal defaults and to locals built the same way. hcl's own evaluator
// would evaluate more (for expressions, splats, operators), but on a
// hostile file that is unbounded work (a nested for, a template doubling
// through a chain of locals); so this evaluator walks hcl's syntax tree
// itself under a budget, and whatever else it meets is "dynamic", never
// guessed.

// value is an evaluated literal.
type value struct {
	kind byte // 's' string, 'n' number, 'b' bool, 'l' list
	s    string
	n    *big.Float
	b    bool
	list []value
}

// budget bounds what one file's evaluation may build: bytes of strings
// and elements of lists, all references included.
const budget = 1 << 20

// maxDepth bounds the nesting of expressions and references
// (local.a = local.b = ...) evaluated.
const maxDepth = 256

// dynamicError says why an expression is not evaluated here.
type dynamicError struct{ why string }

func (e *dynamicError) Error() string { return e.why }

func dynamic(format string, a ...any) error { return &dynamicError{fmt.Sprintf(format, a...)} }

// scope holds the module's variables (their default expressions) and
// locals, evaluated on demand.
type scope struct {
	vars, locals map[string]hclsyntax.Expression
	done         map[string]value
	busy         map[string]bool
	spent        int
	// more returns the module's other files, read only when a name is
	// not declared in this one (most .tf files declare no CORS at all).
	more func() []*hclsyntax.Body
}

func newScope() *scope {
	return &scope{vars: map[string]hclsyntax.Expression{}, locals: map[string]hclsyntax.Expression{}, done: map[string]value{}, busy: map[string]bool{}}
}

// collect records the variable defaults and locals a module body
// declares; the first declaration of a name wins, as Terraform refuses
// duplicates anyway.
func (sc *scope) collect(body *hclsyntax.Body) {
	for _, b := range body.Blocks {
		switch {
		case b.Type == "variable" && len(b.Labels) == 1:
			if a, ok := b.Body.Attributes["default"]; ok {
				if _, dup := sc.vars[b.Labels[0]]; !dup {
					sc.vars[b.Labels[0]] = a.Expr
				}
			}
		case b.Type == "locals":
			for name, a := range b.Body.Attributes {
				if _, dup := sc.locals[name]; !dup {
					sc.locals[name] = a.Expr
				}
			}
		}
	}
}

func (sc *scope) spend(n int) error {
	sc.spent += n
	if sc.spent > budget {
		return dynamic("the values this file builds exceed %d bytes", budget)
	}
	return nil
}

// eval evaluates e.
func (sc *scope) eval(e hclsyntax.Expression, depth int) (value, error) {
	if depth > maxDepth {
		return value{}, dynamic("expressions or references nested deeper than %d", maxDepth)
	}
	switch x := e.(type) {
	case *hclsyntax.LiteralValueExpr:
		return sc.literal(x.Val)
	case *hclsyntax.TemplateWrapExpr:
		return sc.eval(x.Wrapped, depth+1)
	case *hclsyntax.ParenthesesExpr:
		return sc.eval(x.Expression, depth+1)
	case *hclsyntax.TemplateExpr:
		var b strings.Builder
		for _, p := range x.Parts {
			v, err := sc.eval(p, depth+1)
			if err != nil {
				return value{}, err
			}
			s, ok := v.str()
			if !ok {
				return value{}, dynamic("a template part that is not a string (line %d)", p.Range().Start.Line)
			}
			if err := sc.spend(len(s)); err != nil {
				return value{}, err
			}
			b.WriteString(s)
		}
		return value{kind: 's', s: b.String()}, nil
	case *hclsyntax.TupleConsExpr:
		out := value{kind: 'l'}
		for _, el := range x.Exprs {
			v, err := sc.eval(el, depth+1)
			if err != nil {
				return value{}, err
			}
			if err := sc.spend(1); err != nil {
				return value{}, err
			}
			out.list = append(out.list, v)
		}
		return out, nil
	case *hclsyntax.ScopeTraversalExpr:
		return sc.traverse(x.Traversal, depth)
	}
	return value{}, dynamic("%s at line %d", describe(e), e.Range().Start.Line)
}

// describe names an expression lint does not evaluate.
func describe(e hclsyntax.Expression) string {
	switch x := e.(type) {
	case *hclsyntax.FunctionCallExpr:
		return x.Name + "(...)"
	case *hclsyntax.ForExpr:
		return "a for expression"
	case *hclsyntax.ConditionalExpr:
		return "a conditional"
	case *hclsyntax.SplatExpr:
		return "a splat"
	case *hclsyntax.BinaryOpExpr, *hclsyntax.UnaryOpExpr:
		return "an operator"
	}
	return "an expression"
}

func (sc *scope) literal(v cty.Value) (value, error) {
	if v.IsNull() || !v.IsKnown() {
		return value{}, dynamic("null")
	}
	switch v.Type() {
	case cty.String:
		s := v.AsString()
		return value{kind: 's', s: s}, sc.spend(len(s))
	case cty.Number:
		return value{kind: 'n', n: v.AsBigFloat()}, nil
	case cty.Bool:
		return value{kind: 'b', b: v.True()}, nil
	}
	return value{}, dynamic("a literal of type %s", v.Type().FriendlyName())
}

// traverse resolves var.NAME and local.NAME, then list indexes.
func (sc *scope) traverse(t hcl.Traversal, depth int) (value, error) {
	if len(t) < 2 {
		return value{}, dynamic("a reference to %s", t.RootName())
	}
	attr, ok := t[1].(hcl.TraverseAttr)
	if !ok {
		return value{}, dynamic("a reference to %s", t.RootName())
	}
	var src map[string]hclsyntax.Expression
	switch t.RootName() {
	case "var":
		src = sc.vars
	case "local":
		src = sc.locals
	default:
		return value{}, dynamic("%s.%s (another resource's attribute, known at apply time)", t.RootName(), attr.Name)
	}
	key := t.RootName() + "." + attr.Name
	v, err := sc.resolve(key, src[attr.Name], depth)
	if err != nil {
		return value{}, err
	}
	for _, step := range t[2:] {
		ix, ok := step.(hcl.TraverseIndex)
		if !ok || v.kind != 'l' || ix.Key.Type() != cty.Number {
			return value{}, dynamic("%s with a traversal lint does not follow", key)
		}
		i, acc := ix.Key.AsBigFloat().Int64()
		if acc != big.Exact || i < 0 || i >= int64(len(v.list)) {
			return value{}, dynamic("%s[%s]: no such element", key, ix.Key.AsBigFloat().String())
		}
		v = v.list[i]
	}
	return v, nil
}

func (sc *scope) resolve(key string, e hclsyntax.Expression, depth int) (value, error) {
	if v, ok := sc.done[key]; ok {
		return v, nil
	}
	if e == nil && sc.more != nil {
		for _, b := range sc.more() {
			sc.collect(b)
		}
		sc.more = nil
		name := key[strings.IndexByte(key, '.')+1:]
		if strings.HasPrefix(key, "var.") {
			e = sc.vars[name]
		} else {
			e = sc.locals[name]
		}
	}
	if e == nil {
		if strings.HasPrefix(key, "var.") {
			return value{}, dynamic("%s has no literal default (its value is given at plan time)", key)
		}
		return value{}, dynamic("%s is not declared in this module", key)
	}
	if sc.busy[key] {
		return value{}, dynamic("%s refers to itself", key)
	}
	sc.busy[key] = true
	defer delete(sc.busy, key)
	v, err := sc.eval(e, depth+1)
	if err != nil {
		return value{}, err
	}
	sc.done[key] = v
	return v, nil
}

func asDynamic(err error, d **dynamicError) bool {
	x, ok := err.(*dynamicError)
	if ok {
		*d = x
	}
	return ok
}

// str is v as a string: Terraform converts numbers and booleans to
// strings where a string is wanted.
func (v value) str() (string, bool) {
	switch v.kind {
	case 's':
		return v.s, true
	case 'n':
		return v.n.Text('f', -1), true
	case 'b':
		if v.b {
			return "true", true
		}
		return "false", true
	}
	return "", false
}
