package explain

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/internal/httplist"
	"github.com/corskit/corskit/origin"
	"github.com/corskit/corskit/stacks"
)

// This file is the one place where a diagnosis meets the stacks
// knowledge base: the policy a response shows, each fix's ConfigChange as
// stacks.Deltas, and the stack the response came from. check, the
// playground and anything else that shows a fix in a stack's terms call
// ApplyStack and DetectStack; none maps fixes to stacks itself.

// Deltas returns the change as header-level stacks deltas, origins first
// (a policy needs an origin before anything else is valid). The Unsafe
// options have no delta: no stack renders a null origin, and plain-http
// origins are a policy's origins like any other.
func (c *ConfigChange) Deltas() []stacks.Delta {
	var out []stacks.Delta
	if len(c.AddOrigins) > 0 {
		out = append(out, stacks.Delta{Field: stacks.FieldOrigins, Add: slices.Clone(c.AddOrigins)})
	}
	if len(c.AddMethods) > 0 {
		out = append(out, stacks.Delta{Field: stacks.FieldMethods, Add: slices.Clone(c.AddMethods)})
	}
	if len(c.AddHeaders) > 0 {
		out = append(out, stacks.Delta{Field: stacks.FieldHeaders, Add: slices.Clone(c.AddHeaders)})
	}
	if len(c.AddExposed) > 0 {
		out = append(out, stacks.Delta{Field: stacks.FieldExposed, Add: slices.Clone(c.AddExposed)})
	}
	if c.AllowCredentials {
		out = append(out, stacks.Delta{Field: stacks.FieldCredentials})
	}
	return out
}

// ObservedPolicy is the CORS policy the responses of res show: the
// origin, methods, request headers, exposed headers, credentials and
// max-age the server sent, as far as a stacks.Policy can hold them
// (values no stack may render, such as "*" with credentials, a forbidden
// method or an invalid origin, are left out). A refused origin shows no
// list at all, so the policy may allow less than the server does; the
// fixes only add to it.
func ObservedPolicy(res *fetch.Result) stacks.Policy {
	var p stacks.Policy
	pre := lastExchange(res, fetch.ExchangePreflight)
	act := lastExchange(res, fetch.ExchangeRequest)
	creds := false
	for _, ex := range []*fetch.Exchange{pre, act} {
		if ex == nil || ex.Err != nil {
			continue
		}
		if v, _ := fetch.HeaderValue(ex.ResponseHeader, acac); v == "true" {
			creds = true
		}
	}
	p.Credentials = creds
	valid := func(q stacks.Policy) bool { return q.Validate() == nil }
	for _, ex := range []*fetch.Exchange{pre, act} {
		if ex == nil || ex.Err != nil {
			continue
		}
		v, _ := fetch.HeaderValue(ex.ResponseHeader, acao)
		if v != "*" && !isOrigin(v) {
			// A pattern ("https://*.example.com") or anything else that
			// is not one serialized origin allows nothing in a browser,
			// which compares the value byte for byte: it is no grant.
			continue
		}
		if !slices.Contains(p.Origins, v) {
			if q := (stacks.Policy{Origins: append(slices.Clone(p.Origins), v), Credentials: creds}); valid(q) {
				p.Origins = q.Origins
			}
		}
	}
	// The lists are checked one value at a time against a policy that is
	// otherwise valid.
	base := stacks.Policy{Origins: []string{"https://example.com"}, Credentials: creds}
	keep := func(field string, names []string) []string {
		var out []string
		for _, n := range names {
			q := base
			switch field {
			case "methods":
				q.Methods = []string{n}
			case "headers":
				q.Headers = []string{n}
			default:
				q.Exposed = []string{n}
			}
			if valid(q) && !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
		return out
	}
	if pre != nil && pre.Err == nil {
		p.Methods = keep("methods", list(pre.ResponseHeader, acam))
		p.Headers = keep("headers", list(pre.ResponseHeader, acah))
		if n, err := strconv.Atoi(strings.TrimSpace(pre.ResponseHeader.Get("Access-Control-Max-Age"))); err == nil && n > 0 {
			p.MaxAge = min(n, stacks.MaxMaxAge)
		}
	}
	if act != nil && act.Err == nil {
		p.Exposed = keep("exposed", list(act.ResponseHeader, "Access-Control-Expose-Headers"))
	}
	return p
}

// isOrigin reports whether v is one serialized origin, as a browser
// compares it: no pattern, path or trailing slash.
func isOrigin(v string) bool {
	o, err := origin.Parse(v)
	return err == nil && o.String() == v
}

// list returns the names of a comma-separated header.
func list(h http.Header, name string) []string {
	var out []string
	sc := httplist.NewScanner(h.Values(name), httplist.DefaultLimits)
	for {
		e, ok := sc.Next()
		if !ok {
			return out
		}
		out = append(out, e)
	}
}

// ApplyStack sets the Stack of each fix of d that changes a CORS setting
// or where the CORS code runs: the change in s's terms, made on the
// policy res shows with the fixes before it (origins first) already made,
// so that the last one's Snippet is the whole corrected configuration.
// What the answers cannot show in full (see stacks.Change.Partial: an
// allowlist, a refused preflight's lists, a list that only echoes the
// request, a value s cannot write as a literal) is a comment in the
// snippet, "keep yours" with what the fixes add, never a value that would
// replace the server's own; a pattern in Access-Control-Allow-Origin,
// which no browser matches, is no grant to copy. A fix a stack cannot
// express (a null origin, a change whose result is no valid policy)
// keeps a nil Stack.
func ApplyStack(res *fetch.Result, d *Diagnosis, s *stacks.Stack) {
	(*StackMemo)(nil).ApplyStack(res, d, s)
}

// StackMemo remembers the changes ApplyStack wrote, by everything they
// depend on: the stack, the policy the answers show, the settings they do
// not show, and each fix's change and placement. The calls of a HAR, and
// one call in three engines, mostly share these, and rendering a stack's
// snippet is most of the cost of a diagnosis (checkjson's
// BenchmarkDiagnoseHAR2000). A nil *StackMemo remembers nothing. Not safe
// for concurrent use; the Changes it hands out are copies, each fix its
// own.
type StackMemo struct {
	changes map[string][]*stacks.Change
	key     []byte // reused between calls
}

// ApplyStack is the package's ApplyStack, remembered.
func (m *StackMemo) ApplyStack(res *fetch.Result, d *Diagnosis, s *stacks.Stack) {
	p := ObservedPolicy(res)
	if len(p.Origins) == 0 && !slices.ContainsFunc(d.Fixes, func(f Fix) bool { return f.Change != nil && len(f.Change.AddOrigins) > 0 }) {
		// No answer showed the origin, yet no fix adds it: the diagnosis
		// (Narrow's probes) found it allowed.
		if q := (stacks.Policy{Origins: []string{res.Request.Origin.String()}}); q.Validate() == nil {
			p.Origins = q.Origins
		}
	}
	unseen := unseenFields(res, p)
	if m == nil {
		applyStack(d, s, p, unseen)
		return
	}
	m.key = stackKey(m.key[:0], s, p, unseen, d.Fixes)
	if done, ok := m.changes[string(m.key)]; ok {
		for i, c := range done {
			if c != nil {
				cp := *c
				d.Fixes[i].Stack = &cp
			}
		}
		return
	}
	applyStack(d, s, p, unseen)
	done := make([]*stacks.Change, len(d.Fixes))
	for i, f := range d.Fixes {
		if f.Stack != nil {
			cp := *f.Stack
			done[i] = &cp
		}
	}
	if m.changes == nil {
		m.changes = make(map[string][]*stacks.Change)
	}
	m.changes[string(m.key)] = done
}

// stackKey appends to b what applyStack's changes depend on, each value
// quoted so that no two inputs share a key. TestStackKeyCoversInputs
// fails when stacks.Policy or ConfigChange gains a field that is not here.
func stackKey(b []byte, s *stacks.Stack, p stacks.Policy, unseen []stacks.Field, fixes []Fix) []byte {
	strs := func(b []byte, vs []string) []byte {
		b = strconv.AppendInt(b, int64(len(vs)), 10)
		for _, v := range vs {
			b = strconv.AppendQuote(b, v)
		}
		return b
	}
	b = strconv.AppendQuote(b, s.Name)
	b = strs(b, p.Origins)
	b = strs(b, p.Methods)
	b = strs(b, p.Headers)
	b = strs(b, p.Exposed)
	b = strconv.AppendBool(b, p.Credentials)
	b = strconv.AppendInt(b, int64(p.MaxAge), 10)
	b = strconv.AppendInt(b, int64(len(unseen)), 10)
	for _, f := range unseen {
		b = strconv.AppendQuote(b, string(f))
	}
	b = strconv.AppendInt(b, int64(len(fixes)), 10)
	for _, f := range fixes {
		b = strconv.AppendQuote(b, string(f.Placement))
		c := f.Change
		if c == nil {
			b = append(b, '-')
			continue
		}
		b = strs(b, c.AddOrigins)
		b = strs(b, c.AddMethods)
		b = strs(b, c.AddHeaders)
		b = strs(b, c.AddExposed)
		for _, v := range []bool{c.ReplaceAnyOrigin, c.AllowCredentials, c.UnsafeAllowNullOrigin,
			c.UnsafeAllowInsecureOriginsWithCredentials, c.InsecureOrigin} {
			b = strconv.AppendBool(b, v)
		}
	}
	return b
}

// applyStack is ApplyStack's work once the policy p the answers show and
// the settings they do not show are known.
func applyStack(d *Diagnosis, s *stacks.Stack, p stacks.Policy, unseen []stacks.Field) {
	p, unseen = writable(s, p, unseen)
	anyOrigin := slices.Contains(p.Origins, "*")
	// The unseen settings, with what the fixes add to them as they are
	// made: the last change's snippet holds them all.
	keep := stacks.Kept{}
	for _, f := range unseen {
		keep[f] = nil
	}
	// Origins first, then the rest in the fixes' order.
	order := make([]int, 0, len(d.Fixes))
	for pass := range 2 {
		for i, f := range d.Fixes {
			if f.Change == nil {
				continue
			}
			if (len(f.Change.AddOrigins) > 0) == (pass == 0) {
				order = append(order, i)
			}
		}
	}
	for i := range d.Fixes {
		if f := &d.Fixes[i]; f.Change == nil && f.Placement != "" {
			if text := s.Placement(f.Placement); text != "" {
				f.Stack = &stacks.Change{Stack: s.Name, Text: text, Provenance: s.Provenance(), Doc: s.Doc}
			}
		}
	}
	for _, i := range order {
		f := &d.Fixes[i]
		if f.Change.UnsafeAllowNullOrigin {
			continue
		}
		deltas := f.Change.Deltas()
		for j := range deltas {
			// "*" gives way to the origins only where the answers showed it.
			deltas[j].ReplaceAny = deltas[j].Field == stacks.FieldOrigins && f.Change.ReplaceAnyOrigin && anyOrigin
		}
		if len(deltas) == 0 {
			continue
		}
		var ch stacks.Change
		ok := true
		for _, dl := range deltas {
			c, err := s.Change(p, dl, keep)
			if err != nil {
				ok = false
				break
			}
			if ch.Stack == "" {
				ch = c
			} else {
				ch.Text += "; " + c.Text
				ch.Snippet, ch.Pitfalls, ch.Policy, ch.Kept = c.Snippet, c.Pitfalls, c.Policy, c.Kept
			}
			p, _ = p.Apply(dl)
			keep = c.Kept
		}
		if ok {
			for fld := range ch.Kept {
				ch.Unseen = append(ch.Unseen, fld)
			}
			slices.SortFunc(ch.Unseen, func(a, b stacks.Field) int { return slices.Index(stacks.Fields, a) - slices.Index(stacks.Fields, b) })
			ch.Partial = len(ch.Unseen) > 0
			f.Stack = &ch
		}
	}
}

// writable leaves out of p the values s cannot write as the literals they
// are (an answered method "$http_cookie" is a variable in nginx): their
// settings join unseen, so that the snippet keeps the reader's own.
func writable(s *stacks.Stack, p stacks.Policy, unseen []stacks.Field) (stacks.Policy, []stacks.Field) {
	ok := func(q stacks.Policy) bool { _, err := s.Snippet(q); return err == nil }
	base := stacks.Policy{Origins: []string{"https://example.com"}}
	filter := func(f stacks.Field, vals []string, set func(*stacks.Policy, []string)) []string {
		var out []string
		for _, v := range vals {
			q := base
			set(&q, []string{v})
			if ok(q) {
				out = append(out, v)
			} else if !slices.Contains(unseen, f) {
				unseen = append(unseen, f)
			}
		}
		if slices.Contains(unseen, f) {
			return nil
		}
		return out
	}
	p.Methods = filter(stacks.FieldMethods, p.Methods, func(q *stacks.Policy, v []string) { q.Methods = v })
	p.Headers = filter(stacks.FieldHeaders, p.Headers, func(q *stacks.Policy, v []string) { q.Headers = v })
	p.Exposed = filter(stacks.FieldExposed, p.Exposed, func(q *stacks.Policy, v []string) { q.Exposed = v })
	return p, unseen
}

// unseenFields lists the settings whose whole value the answers of res do
// not show, so that a snippet built from ObservedPolicy could allow less
// than the server does (issue 12: a fix must not drop what the server
// already allowed). The origins are seen only as "*": an allowlist answers
// with the one origin that was sent. A method or header list is seen when
// an allowed preflight carried it, the exposed headers when an allowed
// actual response did, credentials when any answer allowed the origin
// (with or without Access-Control-Allow-Credentials). A stack that echoes
// only what was asked (rs/cors answers a preflight with the requested
// method) shows less than it allows even then; the words of the change
// ("add DELETE to `AllowedMethods`") stay right in every case.
func unseenFields(res *fetch.Result, p stacks.Policy) []stacks.Field {
	allowedBy := func(ex *fetch.Exchange) bool {
		if ex == nil || ex.Err != nil {
			return false
		}
		v, _ := fetch.HeaderValue(ex.ResponseHeader, acao)
		return v != "" && (v == "*" || v == ex.RequestHeader.Get("Origin"))
	}
	pre := lastExchange(res, fetch.ExchangePreflight)
	act := lastExchange(res, fetch.ExchangeRequest)
	var out []stacks.Field
	if len(p.Origins) != 1 || p.Origins[0] != "*" {
		out = append(out, stacks.FieldOrigins)
	}
	// A list that names exactly what the preflight asked for may be an
	// echo (rs/cors answers with the requested method; Express's cors
	// without allowedHeaders reflects the requested headers): it shows
	// nothing of the setting.
	echo := func(name, asked string) bool {
		got := list(pre.ResponseHeader, name)
		var want []string
		for a := range strings.SplitSeq(asked, ",") {
			if a = strings.TrimSpace(a); a != "" {
				want = append(want, a)
			}
		}
		return len(got) == len(want) && !slices.ContainsFunc(got, func(g string) bool {
			return !slices.ContainsFunc(want, func(w string) bool { return strings.EqualFold(g, w) })
		})
	}
	if !allowedBy(pre) || len(pre.ResponseHeader.Values(acam)) == 0 || echo(acam, pre.RequestHeader.Get("Access-Control-Request-Method")) {
		out = append(out, stacks.FieldMethods)
	}
	if !allowedBy(pre) || len(pre.ResponseHeader.Values(acah)) == 0 || echo(acah, pre.RequestHeader.Get("Access-Control-Request-Headers")) {
		out = append(out, stacks.FieldHeaders)
	}
	if !allowedBy(act) || len(act.ResponseHeader.Values("Access-Control-Expose-Headers")) == 0 {
		out = append(out, stacks.FieldExposed)
	}
	if !p.Credentials && !allowedBy(pre) && !allowedBy(act) {
		out = append(out, stacks.FieldCredentials)
	}
	if !allowedBy(pre) || len(pre.ResponseHeader.Values("Access-Control-Max-Age")) == 0 {
		out = append(out, stacks.FieldMaxAge)
	}
	return out
}

// StackDetection is which stack a check assumed, and why.
type StackDetection struct {
	Name  string `json:"name"`
	Title string `json:"title"`
	// Confidence is stacks.Confidence's word: unknown, low, medium, high;
	// "chosen" when the user named the stack.
	Confidence string   `json:"confidence"`
	Evidence   []string `json:"evidence,omitempty"`
	// Or names another stack that the answers fit as well (corskit and
	// rs/cors answer alike): the stack is "Name or Or".
	Or string `json:"or,omitempty"`
	// Assumed is true when the stack was not recognised for sure: the
	// output then says so and lists the other names.
	Assumed bool `json:"assumed"`
}

// DefaultStack is assumed when nothing in the responses names a stack.
const DefaultStack = "corskit"

// DetectStack names the stack the responses of res most likely came
// from: the exchange with the strongest evidence wins (stacks.Detect
// reads each; the bodies are not kept by the model, so body signatures
// do not apply). With nothing recognisable it assumes DefaultStack.
func DetectStack(res *fetch.Result) (*stacks.Stack, StackDetection) {
	var best stacks.Detection
	for _, ex := range res.Trace {
		if ex.Err != nil || ex.ResponseHeader == nil {
			continue
		}
		if d := stacks.Detect(ex.ResponseHeader, ex.Status, nil); d.Stack != nil && d.Confidence > best.Confidence {
			best = d
		}
	}
	if best.Stack == nil {
		s, _ := stacks.Lookup(DefaultStack)
		return s, StackDetection{Name: s.Name, Title: s.Title, Confidence: stacks.Unknown.String(), Assumed: true}
	}
	sd := StackDetection{Name: best.Stack.Name, Title: best.Stack.Title,
		Confidence: best.Confidence.String(), Evidence: best.Evidence, Assumed: best.Unsure()}
	if best.Or != nil {
		sd.Or, sd.Title = best.Or.Name, best.Stack.Title+" or "+best.Or.Title
	}
	return best.Stack, sd
}

// ApplyStacks writes the fixes of each engine's diagnosis (diags[i] for
// results[i]) in one stack: chosen when given, else the one the first
// engine's answers show (DetectStack), so that every engine's fix is in
// the same syntax. A network failure has no answers to read a stack from
// or to fix: with one in the first engine nothing is applied and the
// detection is nil.
func ApplyStacks(results []*fetch.Result, diags []Diagnosis, chosen *stacks.Stack) *StackDetection {
	return (*StackMemo)(nil).ApplyStacks(results, diags, chosen)
}

// ApplyStacks is the package's ApplyStacks, remembered.
func (m *StackMemo) ApplyStacks(results []*fetch.Result, diags []Diagnosis, chosen *stacks.Stack) *StackDetection {
	if len(results) == 0 || networkFailure(results[0]) {
		return nil
	}
	st, det := DetectStack(results[0])
	if chosen != nil {
		st, det = chosen, StackDetection{Name: chosen.Name, Title: chosen.Title, Confidence: "chosen"}
	}
	for i, r := range results {
		if st != nil && !networkFailure(r) {
			m.ApplyStack(r, &diags[i], st)
		}
	}
	return &det
}

func networkFailure(r *fetch.Result) bool {
	return r.Err != nil && r.Err.Reason == fetch.ReasonNetwork
}
