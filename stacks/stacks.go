package stacks

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Family groups stacks by what runs them, for pickers and docs.
type Family string

// The families.
const (
	FamilyGo     Family = "go"
	FamilyNode   Family = "node"
	FamilyPython Family = "python"
	FamilyProxy  Family = "proxy" // web servers and reverse proxies
	FamilyJava   Family = "java"
	FamilyDotNet Family = "dotnet"
	FamilyCloud  Family = "cloud"
)

// VendorDocsOnly is what a stack that is not run here says of its
// snippets.
const VendorDocsOnly = "from the vendor's documentation, not run here"

// Placeholders in snippets: the address a server listens on and the
// application a proxy forwards to. A snippet is complete, so it must name
// them; the reader replaces them with their own.
const (
	ListenPort = "8080"
	Upstream   = "127.0.0.1:3000"
)

// Stack is one server stack's knowledge: the names of its CORS settings,
// how to write a Policy in its syntax, and what goes wrong with it.
// Stacks are values in a table ([All]); nothing outside this package knows
// a stack's syntax.
type Stack struct {
	// Name is the stack's identifier, the value of `check --stack`.
	Name string
	// Title names the stack as its users do.
	Title  string
	Family Family
	// Lang is the language of the snippets, for highlighting: go, js,
	// python, nginx, apache, caddyfile, java, csharp, json.
	Lang string
	// Doc is the documentation the setting names were taken from.
	Doc string
	// RunHere reports whether corskit's end-to-end tests start this
	// stack, configured by its snippet, and check a browser's verdicts
	// against it. When false the entry is VendorDocsOnly.
	RunHere bool
	// Settings names, per field, the setting that controls it.
	Settings map[Field]string

	render   func(Policy) string
	pitfalls []pitfall
}

// pitfall is a known way the stack goes wrong; when says whether it
// applies to a policy (nil: always).
type pitfall struct {
	id   string
	when func(Policy) bool
	text string
}

// Pitfall is a known trap of a stack that applies to a policy.
type Pitfall struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// Provenance says where the stack's snippets come from.
func (s *Stack) Provenance() string {
	if s.RunHere {
		return "run here: corskit's e2e tests start " + s.Title + " with this configuration"
	}
	return VendorDocsOnly
}

// Setting returns the name of the setting that controls f.
func (s *Stack) Setting(f Field) string { return s.Settings[f] }

// Snippet returns a complete, minimal configuration (or program)
// implementing p in the stack's syntax, or p's *PolicyError.
func (s *Stack) Snippet(p Policy) (string, error) {
	if err := p.Validate(); err != nil {
		return "", err
	}
	return s.render(p), nil
}

// Pitfalls returns the stack's known traps that apply to p, most
// important first.
func (s *Stack) Pitfalls(p Policy) []Pitfall {
	var out []Pitfall
	for _, pf := range s.pitfalls {
		if pf.when == nil || pf.when(p) {
			out = append(out, Pitfall{ID: pf.id, Text: pf.text})
		}
	}
	return out
}

// Change is one fix in a stack's terms.
type Change struct {
	Stack string `json:"stack"`
	// Setting is the setting to change.
	Setting string `json:"setting"`
	// Text says the change in a sentence: "add PUT to `allow_methods`".
	Text string `json:"text"`
	// Snippet is the whole configuration with the change made.
	Snippet string `json:"snippet"`
	// Pitfalls are the stack's traps that apply to the changed policy.
	Pitfalls []Pitfall `json:"pitfalls,omitempty"`
	// Provenance is Stack.Provenance.
	Provenance string `json:"provenance"`
	Doc        string `json:"doc"`
	// Partial reports that Snippet may allow less than the server does:
	// it is built from what the server's answers showed, and Unseen names
	// the settings they could not show in full (an answer echoes only the
	// origin that was sent; a refused preflight shows no lists; an actual
	// response never sent shows no exposed headers). Then Snippet is a
	// picture of the result, not a configuration to paste: make Text's
	// change in the configuration the server has, keeping what it lists.
	// Set by the caller that knows what the answers showed
	// (explain.ApplyStack).
	Partial bool    `json:"partial"`
	Unseen  []Field `json:"unseen,omitempty"`
	// Policy is the policy after the change, the one Snippet renders.
	Policy Policy `json:"-"`
}

// Change turns the header-level fix d of policy p into the stack's own
// change: which setting, what to do to it, and the configuration after.
func (s *Stack) Change(p Policy, d Delta) (Change, error) {
	q, err := p.Apply(d)
	if err != nil {
		return Change{}, err
	}
	setting := s.Settings[d.Field]
	var text string
	switch d.Field {
	case FieldCredentials:
		text = "turn on " + quoteSetting(setting)
	case FieldMaxAge:
		text = "set " + quoteSetting(setting) + " to " + strconv.Itoa(d.MaxAge)
	default:
		text = "add " + strings.Join(d.Add, ", ") + " to " + quoteSetting(setting)
		if d.Field == FieldMethods && len(p.Methods) == 0 {
			text += " (listing GET, HEAD, POST too, which were allowed implicitly)"
		}
	}
	return Change{
		Stack: s.Name, Setting: setting, Text: text, Snippet: s.render(q),
		Pitfalls: s.Pitfalls(q), Provenance: s.Provenance(), Doc: s.Doc, Policy: q,
	}, nil
}

func quoteSetting(s string) string { return "`" + s + "`" }

// All returns every stack, in the order of the documentation: Go, Node,
// Python, proxies, then the stacks documented from their vendors only.
func All() []*Stack { return slices.Clone(table) }

// Names returns every stack's Name, in All's order.
func Names() []string {
	out := make([]string, len(table))
	for i, s := range table {
		out[i] = s.Name
	}
	return out
}

// Lookup returns the stack named name (case-insensitive), or an
// *UnknownStackError that lists the names there are.
func Lookup(name string) (*Stack, error) {
	for _, s := range table {
		if strings.EqualFold(s.Name, name) {
			return s, nil
		}
	}
	return nil, &UnknownStackError{Name: name}
}

// UnknownStackError reports a stack name Lookup does not know.
type UnknownStackError struct{ Name string }

func (e *UnknownStackError) Error() string {
	return fmt.Sprintf("stacks: unknown stack %q; known: %s", e.Name, strings.Join(Names(), ", "))
}
