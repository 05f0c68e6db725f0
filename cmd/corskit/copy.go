package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/corskit/corskit/cmd/corskit/internal/devtools"
	"github.com/corskit/corskit/cmd/corskit/internal/sendonce"
	"github.com/corskit/corskit/explain"
	"github.com/corskit/corskit/fetch"
)

// copyInfo is what check says about a request given as a DevTools copy
// (--curl, --fetch): where the page's origin came from, the parser's notes,
// the flags that replaced the copy's values, and whether the copy could
// show the credentials mode.
type copyInfo struct {
	call       *devtools.Call
	originFrom string   // "--origin", or where the copy showed it: "Origin", "Referer", "referrer"
	overridden []string // the flags given beside the copy, in the order of overrideFlags

	// credUnknown: the copy cannot show the credentials mode and
	// --credentials was not given. The call is then also made with
	// credentials "include" (tryInclude), whose requests are the same on
	// the wire, so nothing is sent twice.
	credUnknown bool
	engines     []fetch.Profile
	asCopied    []*fetch.Result // per engine, the call in the mode checked
	include     []*fetch.Result // per engine, the call with credentials "include"
}

// overrideFlags are the flags that replace a copy's value when given
// beside it: a flag the user typed says more than a copy that cannot show
// everything (the credentials mode above all).
var overrideFlags = []string{"X", "H", "data", "credentials", "mode", "cache", "redirect"}

// givenFlags are the names of the flags set on the command line.
func givenFlags(fs flags) map[string]bool {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	return given
}

// newCopyInfo applies the flags given beside the copy to req (the call
// the copy shows, resolved) and says what was assumed.
func newCopyInfo(c *devtools.Call, req *fetch.Request, o checkOptions, given map[string]bool) *copyInfo {
	cp := &copyInfo{call: c, originFrom: c.OriginFrom}
	if given["origin"] {
		cp.originFrom = "--origin"
	}
	for _, name := range overrideFlags {
		if !given[name] {
			continue
		}
		cp.overridden = append(cp.overridden, dashed(name))
		switch name {
		case "X":
			req.Method = o.method
		case "H":
			req.Headers = replaceHeaders(req.Headers, o.headers)
		case "data":
			req.Body = o.data
		case "credentials":
			req.Credentials = fetch.Credentials(o.credentials.value)
		case "mode":
			req.Mode = fetch.Mode(o.mode.value)
		case "cache":
			req.Cache = fetch.CacheMode(o.cache.value)
		case "redirect":
			req.Redirect = fetch.RedirectMode(o.redirect.value)
		}
	}
	cp.credUnknown = !c.CredentialsKnown && !given["credentials"]
	return cp
}

// replaceHeaders returns the copy's headers with each one named by an -H
// flag replaced by the flags' (all of that name), the others kept.
func replaceHeaders(copied, given []fetch.Header) []fetch.Header {
	var out []fetch.Header
	for _, h := range copied {
		named := false
		for _, g := range given {
			named = named || strings.EqualFold(g.Name, h.Name)
		}
		if !named {
			out = append(out, h)
		}
	}
	return append(out, given...)
}

// tryInclude makes the call once more with credentials "include" when the
// copy cannot show the mode: through the same group, so that the requests,
// which credentials do not change on the wire, are replayed, not sent.
func (cp *copyInfo) tryInclude(ctx context.Context, g *sendonce.Group, engines []fetch.Profile, space fetch.AddressSpace, req fetch.Request, results []*fetch.Result) error {
	if !cp.credUnknown || req.Credentials == fetch.CredentialsInclude {
		return nil
	}
	req.Credentials = fetch.CredentialsInclude
	inc, err := g.FetchEach(ctx, engines, space, req)
	if err != nil {
		return err
	}
	cp.engines, cp.asCopied, cp.include = engines, results, inc
	return nil
}

// includeBlocked names the engines that allow the call as copied but
// block it with credentials "include".
func (cp *copyInfo) includeBlocked() []string {
	if cp == nil {
		return nil
	}
	var names []string
	for i, r := range cp.include {
		if cp.asCopied[i].Allowed() && !r.Allowed() {
			names = append(names, cp.engines[i].Name)
		}
	}
	return names
}

// includeBlocks reports whether the verdict depends on the credentials
// mode the copy could not show: check then exits 1, never 0.
func (cp *copyInfo) includeBlocks() bool { return len(cp.includeBlocked()) > 0 }

// formatTitle is a copy format as DevTools' menu names it.
func formatTitle(f devtools.Format) string {
	switch f {
	case devtools.CurlBash:
		return "Copy as cURL (bash)"
	case devtools.CurlCmd:
		return "Copy as cURL (cmd)"
	case devtools.FetchNode:
		return "Copy as fetch (Node.js)"
	}
	return "Copy as fetch"
}

// credentialsLine says in one line that the copy cannot show the
// credentials mode, and what was checked.
func (cp *copyInfo) credentialsLine() string {
	const why = "credentials mode unknown: DevTools copies say credentials: 'include' only when a cookie went out (Chromium's Copy as fetch writes \"omit\" otherwise)"
	switch {
	case cp.include == nil:
		return why + "; checked with the default, same-origin (give --credentials include if the page sets it)"
	case cp.includeBlocks():
		return why + "; checked with the default, same-origin, and with 'include', which BLOCKS it (below)"
	}
	return why + "; checked with the default, same-origin, and with 'include': the same verdict"
}

// printCopy says where the call came from and what was assumed, before
// the trace.
func printCopy(w io.Writer, cp *copyInfo, s style) {
	if cp == nil {
		return
	}
	fmt.Fprintf(w, "From DevTools' %s:\n", formatTitle(cp.call.Format))
	switch cp.originFrom {
	case "--origin":
		fmt.Fprintf(w, "  the page's origin: from --origin\n")
	case "Origin":
	default:
		fmt.Fprintf(w, "  the page's origin: taken from the %s %s (the copy has no Origin header)\n", cp.originFrom, map[bool]string{true: "option", false: "header"}[cp.originFrom == "referrer"])
	}
	for _, n := range cp.call.Notes {
		fmt.Fprintf(w, "  note: %s\n", n)
	}
	if len(cp.overridden) > 0 {
		fmt.Fprintf(w, "  given beside the copy, replacing its values: %s\n", strings.Join(cp.overridden, ", "))
	}
	if cp.credUnknown {
		fmt.Fprintf(w, "  %s\n", cp.credentialsLine())
	}
	if names := cp.includeBlocked(); len(names) > 0 {
		i := 0
		for i < len(cp.engines) && cp.engines[i].Name != names[0] {
			i++
		}
		r := cp.include[i]
		fmt.Fprintf(w, "%s the call is BLOCKED in %s (%s): what its users see. Run again with --credentials include for that diagnosis and its fix.\n",
			s.red("! If the page's fetch() sets credentials: 'include',"), strings.Join(names, ", "), r.Err.Reason)
		for _, l := range cp.engines[i].ConsoleLines(r) {
			fmt.Fprintf(w, "  console (%s, include): %s\n", names[0], l)
		}
	}
	fmt.Fprintln(w)
}

// copyJSON is the JSON's "copy" object (docs/check-json.md).
type copyJSON struct {
	Format           string       `json:"format"`
	OriginFrom       string       `json:"origin_from"`
	Notes            []string     `json:"notes"`
	Overridden       []string     `json:"overridden"`
	CredentialsKnown bool         `json:"credentials_known"`
	CredentialsNote  string       `json:"credentials_note,omitempty"`
	Include          *includeJSON `json:"with_credentials_include,omitempty"`
}

// includeJSON is the call's outcome with credentials "include", for a
// copy that cannot show the mode.
type includeJSON struct {
	Verdict  string            `json:"verdict"` // the first engine's
	Reason   string            `json:"reason,omitempty"`
	Message  string            `json:"message,omitempty"`
	Differs  bool              `json:"differs"` // an engine allows the call as copied and blocks it with "include"
	Browsers map[string]string `json:"browsers"`
}

func (cp *copyInfo) json() *copyJSON {
	if cp == nil {
		return nil
	}
	j := &copyJSON{Format: string(cp.call.Format), OriginFrom: cp.originFrom, Notes: cp.call.Notes, Overridden: cp.overridden,
		CredentialsKnown: !cp.credUnknown}
	if j.Notes == nil {
		j.Notes = []string{}
	}
	if j.Overridden == nil {
		j.Overridden = []string{}
	}
	if cp.credUnknown {
		j.CredentialsNote = cp.credentialsLine()
	}
	if cp.include != nil {
		rep := explain.NewReport(cp.include[0], explain.Explain(cp.include[0]), cp.engines[0].Name)
		j.Include = &includeJSON{Verdict: rep.Verdict, Reason: rep.Reason, Message: rep.Message, Differs: cp.includeBlocks(), Browsers: map[string]string{}}
		for i, r := range cp.include {
			j.Include.Browsers[cp.engines[i].Name] = explain.Explain(r).Verdict
		}
	}
	return j
}

// checkReport is check's JSON: the call's report, plus the copy it came
// from and the reflection probe, when there were.
type checkReport struct {
	explain.Report
	Copy  *copyJSON  `json:"copy,omitempty"`
	Probe *probeJSON `json:"probe,omitempty"`
	// Cookies is what each engine did with the --stored-cookie cookies
	// and the answer's Set-Cookie lines (absent when there were none).
	Cookies *explain.CookieDiagnosis `json:"cookies,omitempty"`
}

// probeRun is the reflection probe as sent (reflectionProbe).
type probeRun struct {
	res       *fetch.Result
	warning   explain.Warning
	reflected bool // the made-up origin was allowed too
}

// probeJSON is the JSON's "probe" object.
type probeJSON struct {
	Origin    string               `json:"origin"`
	Reflected bool                 `json:"reflected"`
	Trace     []explain.TraceEntry `json:"trace"`
}

func (p *probeRun) json() *probeJSON {
	if p == nil {
		return nil
	}
	return &probeJSON{Origin: explain.ReflectProbeOrigin, Reflected: p.reflected,
		Trace: explain.NewReport(p.res, explain.Diagnosis{}, "chromium").Trace}
}

// printProbe shows the reflection probe: a request the page never made,
// which check sent, so the user sees it.
func printProbe(w io.Writer, p *probeRun, s style) {
	if p == nil {
		return
	}
	fmt.Fprintf(w, "\n%s\n", s.bold("Reflection probe (sent by corskit after the allowed call, not by the page; --no-probe turns it off):"))
	printTrace(w, p.res.Trace, s)
	if p.reflected {
		fmt.Fprintf(w, "  the made-up origin was allowed too: the server reflects any Origin (see the security warning).\n")
	} else {
		fmt.Fprintf(w, "  the made-up origin was not allowed: no sign that the server reflects any Origin.\n")
	}
}
