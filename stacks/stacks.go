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

	render func(view) string
	// rules, for a stack whose configuration is a list of rules in one
	// resource, writes them under the resource's name (defaultName when
	// none is given); single says the resource holds one rule only.
	rules       func(name string, vs []view) string
	defaultName string
	single      bool
	pitfalls    []pitfall
	// refuse says why the stack's library cannot take v as the literal
	// value of f ("" when it can), beyond what its syntax refuses: a
	// library that reads some names as patterns.
	refuse func(f Field, v string) string
	// placement says, in the stack's terms, where its CORS code must run
	// (see Placement).
	placement map[Placement]string
}

// Placement is a fix that moves the CORS code rather than changing a
// setting: a preflight answered by something that runs before it.
type Placement string

// The placements.
const (
	// BeforeAuth: an authentication layer answered the preflight (401,
	// 403); the CORS code must run before it.
	BeforeAuth Placement = "before-auth"
	// WholeRouter: the router answered the preflight (404, 405, 501);
	// the CORS code must wrap every route.
	WholeRouter Placement = "whole-router"
	// OnErrors: the CORS headers are missing from error answers only;
	// the layer that adds them must add them on every status.
	OnErrors Placement = "on-errors"
)

// Placement returns what to move where, in the stack's terms, or "" when
// the stack has no words for it.
func (s *Stack) Placement(where Placement) string { return s.placement[where] }

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
// implementing p in the stack's syntax, or a *PolicyError: p's own, or a
// value the stack cannot write as the literal it is (a '$' for nginx, a
// name Flask-CORS would read as a pattern).
func (s *Stack) Snippet(p Policy) (string, error) { return s.SnippetKeeping(p, nil) }

// SnippetKeeping is Snippet with the settings of keep written as comments
// in the stack's syntax ("not seen in the answers: keep yours", with the
// values to add), never as values: their fields of p are not read. JSON
// has no comments; there they are left out.
func (s *Stack) SnippetKeeping(p Policy, keep Kept) (string, error) {
	if err := p.Validate(); err != nil {
		return "", err
	}
	if err := s.check(p); err != nil {
		return "", err
	}
	for f, add := range keep {
		if err := s.check(Policy{Methods: pick(f, FieldMethods, add), Headers: pick(f, FieldHeaders, add),
			Exposed: pick(f, FieldExposed, add), Origins: pick(f, FieldOrigins, add)}); err != nil {
			return "", err
		}
	}
	return s.draw(view{Policy: p, st: s, keep: keep}), nil
}

// pick returns vals when f is want.
func pick(f, want Field, vals []string) []string {
	if f == want {
		return vals
	}
	return nil
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
	// Partial reports that the answers did not show every setting in
	// full, and Unseen names those (an answer echoes only the origin that
	// was sent; a refused preflight shows no lists; a list that names
	// exactly what was asked may be an echo; an actual response never
	// sent shows no exposed headers; a value the stack cannot write as a
	// literal). Snippet writes each as a comment in the stack's syntax,
	// "not seen in the answers: keep yours" with what the change adds
	// (JSON, which has no comments, leaves them out): applied as it says,
	// it is the server's configuration with the change, nothing else.
	// Set from Kept by the caller that knows what the answers showed
	// (explain.ApplyStack).
	Partial bool    `json:"partial"`
	Unseen  []Field `json:"unseen,omitempty"`
	// Policy is the policy after the change, the one Snippet renders
	// (its Unseen fields are comments there, not values).
	Policy Policy `json:"-"`
	// Kept is what Snippet writes as comments: Unseen, each with the
	// values the change adds to it.
	Kept Kept `json:"-"`
}

// Change turns the header-level fix d of policy p into the stack's own
// change: which setting, what to do to it, and the configuration after.
// The fields in keep are the settings p does not hold in full (the
// answers did not show them), with what earlier changes added to them:
// the snippet writes them as comments, with what they and d add, never
// as a value that would replace the reader's. A change that sets a field
// whole (credentials, max-age) shows it. The Change's Kept is keep after
// d, for the next change of the same fix.
func (s *Stack) Change(p Policy, d Delta, keep Kept) (Change, error) {
	q, err := p.Apply(d)
	if err != nil {
		return Change{}, err
	}
	old := keep
	keep = Kept{}
	for f, add := range old {
		keep[f] = slices.Clone(add)
	}
	if _, ok := keep[d.Field]; ok {
		if d.Field == FieldCredentials || d.Field == FieldMaxAge {
			delete(keep, d.Field)
		} else {
			for _, v := range d.Add {
				if !slices.Contains(keep[d.Field], v) {
					keep[d.Field] = append(keep[d.Field], v)
				}
			}
		}
	}
	snippet, err := s.SnippetKeeping(q, keep)
	if err != nil {
		return Change{}, err
	}
	setting := s.Settings[d.Field]
	var text string
	switch {
	case d.Field == FieldCredentials:
		text = "turn on " + quoteSetting(setting)
	case d.Field == FieldMaxAge:
		text = "set " + quoteSetting(setting) + " to " + strconv.Itoa(d.MaxAge)
	case d.Field == FieldOrigins && d.ReplaceAny:
		text = `replace "*" in ` + quoteSetting(setting) + " with " + strings.Join(d.Add, ", ")
	default:
		text = "add " + strings.Join(d.Add, ", ") + " to " + quoteSetting(setting)
		if d.Field == FieldMethods && len(p.Methods) == 0 && keep[FieldMethods] == nil {
			text += " (listing GET, HEAD, POST too, which were allowed implicitly)"
		}
	}
	if len(keep) == 0 {
		keep = nil
	}
	return Change{
		Stack: s.Name, Setting: setting, Text: text, Snippet: snippet,
		Pitfalls: s.Pitfalls(q), Provenance: s.Provenance(), Doc: s.Doc, Policy: q, Kept: keep,
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
