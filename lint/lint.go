package lint

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/corskit/corskit/audit"
	"github.com/corskit/corskit/corstest"
	"github.com/corskit/corskit/origin"
	"github.com/corskit/corskit/stacks"
	"golang.org/x/net/publicsuffix"
)

// Unit is one CORS policy a file declares (an nginx location, a Django
// settings module, one cors({...}) call), with a server simulated from it.
type Unit struct {
	File  string `json:"file"`
	Line  int    `json:"line"`  // where the policy is declared
	Stack string `json:"stack"` // the stacks package's name for it: "nginx", "django", ...
	// Name says which policy of the file it is ("location /api/").
	Name string `json:"name,omitempty"`
	// Path is the URL path the simulated server is audited on.
	Path string `json:"path"`
	// Origins are the origins the file lists literally: the front ends
	// the audit seeds its allowlist with.
	Origins []string `json:"origins,omitempty"`
	// Dynamic, when set, says why the policy is not evaluated here
	// (a function-valued origin, a regex RE2 cannot run).
	Dynamic string `json:"dynamic,omitempty"`
	// Vendor, when set, is the documentation the simulated semantics
	// come from: the stack does not run here.
	Vendor string `json:"vendor,omitempty"`
	// convention, when set, says the policy is read from a convention
	// of the file, not from the stack's own configuration (ASP.NET's
	// appsettings): the findings' Source starts with it.
	convention string

	// handler answers as the server configured by the file would.
	handler http.Handler
	// lineOf returns the line of the rule that allowed an origin (0: Line).
	lineOf func(origin string) int
	// fileOf, when set, returns the file of that rule ("": File), for
	// formats whose rules may sit in an included file.
	fileOf func(origin string) string
	// readFrom is the file read to find this unit and includes the files
	// it included (absolute): a file another one includes is evaluated in
	// that context only.
	readFrom string
	includes []string
	// notes are the findings that only the configuration shows.
	notes []Finding
	// layer is "proxy" or "app"; forwards and setsACAO say that a proxy
	// passes requests to an application and adds Allow-Origin itself.
	layer              string
	forwards, setsACAO bool
	// fix says how the file's own syntax writes the allowlist fix.
	fix fileFix
}

// fileFix is the stack whose syntax the file is written in, when it is
// not Stack's (serverless.yml's API Gateway, an S3 bucket in Terraform),
// and, for the formats whose rules the reader knows in full (the cloud
// vendors'), the resource's name and its rules, in order: the fix is
// those rules less the origins that let the attacker in, nothing else
// changed.
type fileFix struct {
	stack string
	name  string
	rules []stacks.Policy
	// hits tells which configured entries matched a request's Origin in
	// the simulation (the vendor's first matching rule).
	hits *lineTracker
	// noSnippet: stacks/ has no syntax for this file (S3 rules in a
	// CloudFormation template use other names than S3's API); the fix is
	// said in words only.
	noSnippet bool
}

// Finding is an audit finding located in a file.
type Finding struct {
	audit.Finding
	File string `json:"file"`
	Line int    `json:"line"`
	// Stack is the stack the file configures.
	Stack string `json:"stack"`
	// Source says where the semantics that produced the finding come
	// from when the stack does not run here: the vendor's documentation.
	Source string `json:"source,omitempty"`
	// Snippet is the fix in the file's own syntax (through stacks/): a
	// complete configuration allowing exactly the origins the audit
	// found legitimate, for findings whose fix is the allowlist.
	Snippet string `json:"snippet,omitempty"`
}

// Options tune Evaluate.
type Options struct {
	// Target is the URL the simulated server is audited at; "" derives
	// one from the policy's own origins (https://api.<their domain>).
	// The differential tests give the real server's URL, so that the
	// live audit and the lint send the same probes.
	Target string
	// Method is the method the audit's page would use ("" means GET); a
	// method that needs a preflight exercises the preflight answers.
	Method string
	// Readers are read by Lint after lint's own: formats whose readers
	// live outside lint (the CLI's Terraform reader).
	Readers []Reader
	// Roots are the trees being linted (the paths given to Walk): an
	// nginx include is followed only to files under the root that holds
	// the including file (none given: that file's own folder).
	Roots []string
}

// AuditOrigins are the origins an audit of the unit is told the
// deployment trusts: those the file lists, less local development ones,
// which the audit probes as holes of their own.
func (u *Unit) AuditOrigins() []string {
	var out []string
	for _, o := range u.Origins {
		if !devOrigin(o) {
			out = append(out, o)
		}
	}
	return out
}

// defaultDomain names the simulated server when the policy names no origin.
const defaultDomain = "example.com"

// target returns the URL to audit u at.
func (u *Unit) target(opts Options) string {
	if opts.Target != "" {
		return opts.Target
	}
	domain := defaultDomain
	for _, o := range u.Origins {
		if p, err := origin.Parse(o); err == nil && p.Host() != "" && !isLocal(p.Host()) {
			if d, err := publicsuffix.EffectiveTLDPlusOne(p.Host()); err == nil {
				domain = d
				break
			}
		}
	}
	return "https://api." + domain + u.Path
}

func isLocal(host string) bool {
	return host == "localhost" || strings.HasPrefix(host, "127.") || host == "[::1]"
}

// Evaluate runs the audit's probes through the browser model against the
// server simulated from u and returns the audit's findings located in u's
// file, then the findings only the configuration shows.
func Evaluate(ctx context.Context, u *Unit, opts Options) []Finding {
	out := slices.Clone(u.notes)
	if u.Dynamic != "" || u.handler == nil {
		return out
	}
	s := audit.New(audit.Options{
		Transport: corstest.HandlerTransport(u.handler), Origins: u.AuditOrigins(),
		Timeout: 5 * time.Second, TargetTimeout: 30 * time.Second,
	})
	res := s.Scan(ctx, audit.Target{URL: u.target(opts), Method: opts.Method})
	if res.Err != nil {
		return append(out, u.finding(audit.Finding{ID: "not-evaluated", Explanation: res.Err.Error()}, u.Line))
	}
	fix, snippet := u.stackFix(res)
	for _, f := range res.Findings {
		var sn string
		if strings.HasPrefix(f.Fix.Config, "cors.Config{AllowedOrigins:") { // the audit's allowlist fix
			f.Fix.Stack, sn = fix, snippet
		}
		if f.ID == audit.LocalhostOrigin {
			out = slices.DeleteFunc(out, func(n Finding) bool { return n.ID == DevOrigin && n.Origin == f.Origin })
		}
		line := u.Line
		if u.lineOf != nil && f.Origin != "" {
			if l := u.lineOf(f.Origin); l > 0 {
				line = l
			}
		}
		x := u.finding(f, line)
		if u.fileOf != nil && f.Origin != "" {
			if file := u.fileOf(f.Origin); file != "" {
				x.File = file
			}
		}
		x.Snippet = sn
		out = append(out, x)
	}
	return out
}

// stackFix says the allowlist fix in the syntax of the unit's file, with
// the snippet stacks/ renders for it: exactly the origins the file lists
// that the audit found no hole in (a loose pattern lets in the usual
// front-end names too, which the file never meant), with credentials when
// the findings had them. A file whose rules the reader knows in full
// gets those rules back less the other origins; any other gets its
// methods, headers, exposed headers and max-age as "keep yours"
// comments, never as values the snippet would invent.
func (u *Unit) stackFix(res audit.Result) (string, string) {
	name := u.fix.stack
	if name == "" {
		name = u.Stack
	}
	s, err := stacks.Lookup(name)
	if err != nil {
		return "", ""
	}
	var list []string
	for _, o := range res.Allowed {
		if slices.Contains(u.Origins, o) {
			list = append(list, o)
		}
	}
	if len(list) == 0 {
		list = []string{"https://your-front-end.example"}
	}
	creds := false
	for _, f := range res.Findings {
		creds = creds || f.Credentials
	}
	fix := s.Title + ": set `" + s.Setting(stacks.FieldOrigins) + "` to exactly " + strings.Join(list, ", ")
	if cs := s.Setting(stacks.FieldCredentials); creds && !strings.HasPrefix(cs, "(") { // "(none: ...)": the vendor decides
		fix += ", with `" + cs + "` on"
	}
	var snippet string
	if u.fix.rules != nil {
		rules := u.withoutAttackers(res)
		fix = s.Title + ": remove " + strings.Join(u.removed(rules), ", ") + " from `" + s.Setting(stacks.FieldOrigins) + "`"
		if len(rules) == 0 { // nothing left: the first rule, for the front ends to list
			rules = []stacks.Policy{u.fix.rules[0]}
			rules[0].Origins = list
			fix += ", and list " + strings.Join(list, ", ") + " there"
		}
		snippet, err = s.RulesSnippet(u.fix.name, rules)
	} else {
		snippet, err = s.SnippetKeeping(stacks.Policy{Origins: list, Credentials: creds},
			stacks.Kept{stacks.FieldMethods: nil, stacks.FieldHeaders: nil, stacks.FieldExposed: nil, stacks.FieldMaxAge: nil})
	}
	if err != nil || u.fix.noSnippet {
		return fix, ""
	}
	return fix, snippet
}

// withoutAttackers returns the file's rules, in order, less every origin
// entry that let in an origin an allowlist finding names (the attacker's
// origin, "null", a local one): the entry of the rule the vendor matched
// for it in the simulation (a "*", a wildcard, the exact entry). A rule
// left without origins is dropped; nothing else in the rules changes.
func (u *Unit) withoutAttackers(res audit.Result) []stacks.Policy {
	var bad []string
	for _, f := range res.Findings {
		if f.Origin != "" && strings.HasPrefix(f.Fix.Config, "cors.Config{AllowedOrigins:") && u.fix.hits != nil {
			bad = append(bad, u.fix.hits.entries(f.Origin)...)
		}
	}
	var out []stacks.Policy
	for _, r := range u.fix.rules {
		q := r
		q.Origins = nil
		for _, e := range r.Origins {
			if !slices.Contains(bad, e) && !slices.Contains(q.Origins, e) {
				q.Origins = append(q.Origins, e)
			}
		}
		if len(q.Origins) > 0 {
			out = append(out, q)
		}
	}
	return out
}

// removed names the origin entries of the file that rules no longer
// hold.
func (u *Unit) removed(rules []stacks.Policy) []string {
	var out []string
	for _, r := range u.fix.rules {
		for _, e := range r.Origins {
			if !slices.Contains(out, e) && !slices.ContainsFunc(rules, func(q stacks.Policy) bool { return slices.Contains(q.Origins, e) }) {
				out = append(out, e)
			}
		}
	}
	return out
}

// WriteFixIn says that u's file is written in the syntax of the stacks
// package's stack (a Terraform resource: "terraform-s3"), for a reader
// outside lint; VendorUnit has already given u its rules.
func (u *Unit) WriteFixIn(stack string) { u.fix.stack = stack }

// fixRules records the rules of a vendor's file, for its fix.
func (u *Unit) fixRules(stack, name string, rules []cloudRule, hits *lineTracker) {
	u.fix = fileFix{stack: stack, name: name, hits: hits}
	for _, r := range rules {
		u.fix.rules = append(u.fix.rules, stacks.Policy{Origins: r.origins, Methods: r.methods, Headers: r.headers,
			Exposed: r.expose, Credentials: r.credentials, MaxAge: r.maxAge})
	}
}

func (u *Unit) finding(f audit.Finding, line int) Finding {
	x := Finding{Finding: f, File: u.File, Line: line, Stack: u.Stack}
	switch {
	case u.convention != "":
		x.Source = u.convention + u.Vendor
	case u.Vendor != "":
		x.Source = "from the vendor's documentation: " + u.Vendor
	}
	return x
}

// note is a finding that only the configuration shows.
func (u *Unit) note(id string, sev audit.Severity, line int, why, fix string) {
	u.noteOrigin(id, sev, line, "", why, fix)
}

func (u *Unit) noteOrigin(id string, sev audit.Severity, line int, o, why, fix string) {
	u.notes = append(u.notes, u.finding(audit.Finding{ID: id, Severity: sev, Origin: o, Explanation: why, Fix: audit.Fix{Headers: fix}}, line))
}

// noteIn is a note at a line of another file than the unit's (an
// included one; "" is the unit's).
func (u *Unit) noteIn(file string, id string, sev audit.Severity, line int, why, fix string) {
	u.note(id, sev, line, why, fix)
	if file != "" {
		u.notes[len(u.notes)-1].File = file
	}
}

// The classes of findings only a configuration shows.
const (
	// AddHeaderWithoutAlways: nginx sends add_header only on 2xx/3xx.
	AddHeaderWithoutAlways = "add-header-without-always"
	// TwoLayers: two layers of one repository both add the Allow-Origin.
	TwoLayers = "two-layers-allow-origin"
	// CachedWithoutVary: a cached location whose CORS answer depends on
	// the Origin and does not say Vary: Origin.
	CachedWithoutVary = "cached-without-vary"
	// DevOrigin: a local development origin in a production file.
	DevOrigin = "development-origin"
	// NotEvaluated: a policy whose behaviour is decided at run time or by
	// a feature this reader does not evaluate.
	NotEvaluated = "not-evaluated"
)

// lineTracker records which configured rule allowed each origin, so that a
// finding about an origin points at the line that let it in.
type lineTracker struct {
	mu sync.Mutex
	m  map[string]filePos
	// hits are, per request Origin, the configured entries that matched
	// it (a vendor's file: the entry a fix removes).
	hits map[string][]string
}

// hit records that the configured entry matched the request's Origin o.
func (t *lineTracker) hit(o, entry string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.hits == nil {
		t.hits = map[string][]string{}
	}
	if !slices.Contains(t.hits[o], entry) && len(t.hits) < 4096 && len(t.hits[o]) < 64 {
		t.hits[o] = append(t.hits[o], entry)
	}
}

// entries returns the configured entries that matched o.
func (t *lineTracker) entries(o string) []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.hits[o])
}

// filePos is a line of a file ("": the unit's own file).
type filePos struct {
	file string
	line int
}

func (t *lineTracker) record(o string, line int) { t.recordAt(o, "", line) }

func (t *lineTracker) recordAt(o, file string, line int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.m == nil {
		t.m = map[string]filePos{}
	}
	if _, ok := t.m[o]; !ok && len(t.m) < 4096 {
		t.m[o] = filePos{file, line}
	}
}

func (t *lineTracker) lineOf(o string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.m[o].line
}

func (t *lineTracker) fileOf(o string) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.m[o].file
}

// devOrigins reports the local development origins among os, for the
// development-origin note.
func devOrigin(o string) bool {
	u, err := url.Parse(o)
	if err != nil {
		return false
	}
	return isLocal(u.Hostname()) || u.Hostname() == "127.0.0.1" || u.Hostname() == "::1"
}

// productionFile reports whether path names a file meant for production.
func productionFile(path string) bool {
	p := strings.ToLower(path)
	for _, w := range []string{"dev", "local", "test", "example", "sample"} {
		if strings.Contains(p, w) {
			return false
		}
	}
	return true
}

// checkDevOrigins adds a development-origin note per local origin listed
// in a production file.
func (u *Unit) checkDevOrigins(lines map[string]int) {
	if !productionFile(u.File) {
		return
	}
	for _, o := range u.Origins {
		if devOrigin(o) {
			u.noteOrigin(DevOrigin, audit.Low, lines[o], o,
				fmt.Sprintf("%s is a local development origin in a production configuration: any program on a user's machine serving a page there reads this endpoint.", o),
				"Keep development origins in a development-only configuration.")
		}
	}
}

// ConfigOnly reports whether a finding class is one only the
// configuration shows (no live audit reports it).
func ConfigOnly(id string) bool {
	switch id {
	case AddHeaderWithoutAlways, TwoLayers, CachedWithoutVary, DevOrigin, NotEvaluated, InvalidConfig:
		return true
	}
	return false
}
