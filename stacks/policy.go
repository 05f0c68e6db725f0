package stacks

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/corskit/corskit/internal/fetchspec"
	"github.com/corskit/corskit/internal/httplist"
	"github.com/corskit/corskit/origin"
)

// Policy is a CORS policy at the level of the headers a server sends,
// independent of any server's syntax. Every stack renders the same Policy
// into its own configuration.
//
// The zero Policy allows nothing; Validate says what is wrong with one.
type Policy struct {
	// Origins are the allowed origins: exact ones
	// ("https://app.example.com"), subdomain patterns
	// ("https://*.example.com": every subdomain at any depth, not the
	// domain itself), or the lone "*" for any origin (without
	// credentials only). Patterns follow [origin.ParsePattern].
	Origins []string
	// Methods are the methods a preflight may ask for. Empty means the
	// CORS-safelisted ones (GET, HEAD, POST), which need no preflight;
	// stacks whose default differs get them written out.
	Methods []string
	// Headers are the request headers a preflight may ask for, beyond
	// the CORS-safelisted ones.
	Headers []string
	// Exposed are the response headers script may read, beyond the
	// CORS-safelisted ones.
	Exposed []string
	// Credentials sends Access-Control-Allow-Credentials: true, so that
	// calls with cookies or HTTP authentication get through.
	Credentials bool
	// MaxAge is how long, in seconds, a browser may cache a preflight;
	// 0 leaves it to the stack's default.
	MaxAge int
}

// MaxMaxAge bounds Policy.MaxAge: a day, Firefox's limit (Chromium's is
// two hours); more is never honoured by a browser.
const MaxMaxAge = 86400

// PolicyError reports a Policy (or a Delta) that no stack should be asked
// to render, naming the field and the offending value.
type PolicyError struct {
	Field  string // "Origins", "Methods", "Headers", "Exposed", "MaxAge"; "Name" for RulesSnippet's resource name
	Value  string // the offending element, as given
	Reason string
}

func (e *PolicyError) Error() string {
	return fmt.Sprintf("stacks: Policy.%s %q: %s", e.Field, e.Value, e.Reason)
}

// Validate reports the first thing wrong with p, as a *PolicyError: an
// origin that is neither an origin, a pattern nor "*"; "*" with
// credentials (browsers refuse it; a stack that reflects instead is the
// classic hole); a method or header name that is not an HTTP token, or
// "*" with credentials (then it means the literal name "*"); a max-age
// out of range.
func (p Policy) Validate() error {
	if len(p.Origins) == 0 {
		return &PolicyError{Field: "Origins", Reason: "no origin is allowed; list at least one"}
	}
	for _, o := range p.Origins {
		if o == "*" {
			if p.Credentials {
				return &PolicyError{Field: "Origins", Value: o, Reason: `"*" cannot be used with credentials; list the origins`}
			}
			if len(p.Origins) > 1 {
				return &PolicyError{Field: "Origins", Value: o, Reason: `"*" already allows every origin; list nothing else`}
			}
			continue
		}
		pat, err := origin.ParsePattern(o)
		if err != nil {
			return &PolicyError{Field: "Origins", Value: o, Reason: err.Error()}
		}
		if pat.IsOpaque() {
			return &PolicyError{Field: "Origins", Value: o, Reason: `"null" is the origin of sandboxed and file: documents; no stack here renders it`}
		}
		if pat.HasSubdomainWildcard() && pat.CoversPublicSuffix() {
			return &PolicyError{Field: "Origins", Value: o, Reason: "the pattern ranges over a public suffix: every site registered there would be allowed"}
		}
		if pat.HasPortWildcard() {
			return &PolicyError{Field: "Origins", Value: o, Reason: "port wildcards are not rendered; list the ports"}
		}
		if pat.String() != o {
			return &PolicyError{Field: "Origins", Value: o, Reason: "write it in canonical form, " + strconv.Quote(pat.String())}
		}
	}
	lists := []struct {
		field string
		vals  []string
	}{{"Methods", p.Methods}, {"Headers", p.Headers}, {"Exposed", p.Exposed}}
	for _, l := range lists {
		for _, v := range l.vals {
			if v == "*" {
				if p.Credentials {
					return &PolicyError{Field: l.field, Value: v, Reason: `with credentials "*" is the literal name "*", not a wildcard; list the names`}
				}
				continue
			}
			if !httplist.IsToken(v) {
				return &PolicyError{Field: l.field, Value: v, Reason: "not an HTTP token"}
			}
			if l.field == "Methods" && fetchspec.IsForbiddenMethod(v) {
				return &PolicyError{Field: l.field, Value: v, Reason: "browsers never send this method"}
			}
		}
	}
	if p.MaxAge < 0 || p.MaxAge > MaxMaxAge {
		return &PolicyError{Field: "MaxAge", Value: strconv.Itoa(p.MaxAge), Reason: "must be between 0 and 86400 seconds"}
	}
	return nil
}

// methods returns the methods to write out: p.Methods, or the safelisted
// ones when it is empty.
func (p Policy) methods() []string {
	if len(p.Methods) == 0 {
		return []string{"GET", "HEAD", "POST"}
	}
	return p.Methods
}

// anyOrigin reports whether p allows every origin ("*").
func (p Policy) anyOrigin() bool { return len(p.Origins) == 1 && p.Origins[0] == "*" }

// exact returns p's exact origins, patterns left out.
func (p Policy) exact() []string {
	var out []string
	for _, o := range p.Origins {
		if o != "*" && !strings.Contains(o, "*") {
			out = append(out, o)
		}
	}
	return out
}

// patterns returns p's subdomain patterns.
func (p Policy) patterns() []string {
	var out []string
	for _, o := range p.Origins {
		if o != "*" && strings.Contains(o, "*") {
			out = append(out, o)
		}
	}
	return out
}

// Field names one part of a Policy, the unit a Delta changes and a
// stack names a setting for.
type Field string

// The fields of a Policy.
const (
	FieldOrigins     Field = "origins"
	FieldMethods     Field = "methods"
	FieldHeaders     Field = "headers"
	FieldExposed     Field = "exposed"
	FieldCredentials Field = "credentials"
	FieldMaxAge      Field = "max-age"
)

// Fields lists the fields in the order stacks document them.
var Fields = []Field{FieldOrigins, FieldMethods, FieldHeaders, FieldExposed, FieldCredentials, FieldMaxAge}

// Delta is one header-level fix: add values to a list field (an origin,
// a method, a request or exposed header), turn credentials on, or set the
// max-age. It is what a diagnosis says ("add PUT to the allowed methods");
// a stack turns it into the change of its own setting.
type Delta struct {
	Field Field
	// Add are the values to add to Origins, Methods, Headers or Exposed.
	Add []string
	// MaxAge is the new max-age, for FieldMaxAge.
	MaxAge int
	// ReplaceAny, for FieldOrigins, says that Add replaces a "*" there
	// (which cannot allow a request with credentials).
	ReplaceAny bool
}

// Apply returns p with d applied (values already there are not added
// twice; names compare case-insensitively, methods and origins exactly),
// or a *PolicyError when the result is not a valid policy.
func (p Policy) Apply(d Delta) (Policy, error) {
	q := Policy{
		Origins: slices.Clone(p.Origins), Methods: slices.Clone(p.Methods),
		Headers: slices.Clone(p.Headers), Exposed: slices.Clone(p.Exposed),
		Credentials: p.Credentials, MaxAge: p.MaxAge,
	}
	add := func(list []string, fold bool) []string {
		for _, v := range d.Add {
			if !slices.ContainsFunc(list, func(x string) bool { return x == v || fold && strings.EqualFold(x, v) }) {
				list = append(list, v)
			}
		}
		return list
	}
	switch d.Field {
	case FieldOrigins:
		if d.ReplaceAny {
			q.Origins = slices.DeleteFunc(q.Origins, func(o string) bool { return o == "*" })
		}
		q.Origins = add(q.Origins, false)
	case FieldMethods:
		if len(q.Methods) == 0 {
			// The safelisted methods were allowed implicitly; keep them
			// once the list is written out.
			q.Methods = []string{"GET", "HEAD", "POST"}
		}
		q.Methods = add(q.Methods, false)
	case FieldHeaders:
		q.Headers = add(q.Headers, true)
	case FieldExposed:
		q.Exposed = add(q.Exposed, true)
	case FieldCredentials:
		q.Credentials = true
	case FieldMaxAge:
		q.MaxAge = d.MaxAge
	default:
		return p, &PolicyError{Field: "Delta.Field", Value: string(d.Field), Reason: "not one of origins, methods, headers, exposed, credentials, max-age"}
	}
	if err := q.Validate(); err != nil {
		return p, err
	}
	return q, nil
}

// String says what d does, e.g. "add PUT to the allowed methods".
func (d Delta) String() string {
	what := map[Field]string{
		FieldOrigins: "the allowed origins", FieldMethods: "the allowed methods",
		FieldHeaders: "the allowed request headers", FieldExposed: "the exposed response headers",
	}
	switch d.Field {
	case FieldCredentials:
		return "allow credentials"
	case FieldMaxAge:
		return "set the preflight max-age to " + strconv.Itoa(d.MaxAge) + " s"
	}
	return "add " + strings.Join(d.Add, ", ") + " to " + what[d.Field]
}
