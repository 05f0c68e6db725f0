package main

import (
	"flag"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/corskit/corskit/explain"
	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/origin"
)

// pageFlags are check's flags about the page that makes the call, for the
// gates before CORS: its URL (whose scheme decides mixed content) and its
// Content Security Policy.
type pageFlags struct {
	url        string
	csp, cspRO stringsFlag
	coep       choice // --page-coep (coep.go)
}

func (p *pageFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&p.url, "page-url", "", "the page's URL, e.g. https://app.example.com/dashboard: implies --origin, and turns on the gates before CORS (mixed content when it is https, --page-csp)")
	fs.Var(&p.csp, "page-csp", "the page's Content-Security-Policy header value (repeatable: one per header line); its connect-src (or default-src) decides which URLs the page may fetch")
	p.registerCOEP(fs)
	fs.Var(&p.cspRO, "page-csp-report-only", "the page's Content-Security-Policy-Report-Only value (repeatable): a violation is a warning, not a block")
}

// set reports whether any page flag was given.
func (p *pageFlags) set() bool {
	return p.url != "" || len(p.csp) > 0 || len(p.cspRO) > 0 || p.coep.value != ""
}

// origin is the page's origin given by --origin and --page-url, which
// must agree when both are given.
func (p *pageFlags) origin(flagOrigin string) (string, error) {
	if p.url == "" {
		return flagOrigin, nil
	}
	u, err := url.Parse(p.url)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", usageError{fmt.Sprintf("--page-url %q: want an absolute http:// or https:// URL", p.url)}
	}
	o := origin.FromURL(u).String()
	if flagOrigin != "" {
		if fo, err := origin.Parse(flagOrigin); err == nil && fo.String() != o {
			return "", usageError{fmt.Sprintf("--origin %s and --page-url %s: the page's origin is %s; give one of them", flagOrigin, p.url, o)}
		}
	}
	return o, nil
}

// page is the fetch.Page the flags describe, nil when none was given (the
// gates then do not apply).
func (p *pageFlags) page() *fetch.Page {
	if !p.set() {
		return nil
	}
	return &fetch.Page{URL: p.url, CSP: p.csp, CSPReportOnly: p.cspRO, COEP: p.coep.value}
}

// printGates prints, for a call a gate refused, what Chromium's DevTools
// call it and the page server's change in each stack's syntax.
func printGates(w io.Writer, diags []explain.Diagnosis, s style) {
	for _, d := range diags {
		g := d.Gate
		if g == nil {
			continue
		}
		fmt.Fprintf(w, "\n%s\n  Chromium DevTools: Issues panel %s", s.bold("Not CORS ("+g.ID+"):"), g.DevToolsIssue)
		switch {
		case g.DevToolsIssue == "": // a WebSocket handshake refused (kinds.go)
			fmt.Fprintf(w, "none; the Network panel shows the handshake and its answer")
		case g.BlockedReason != "":
			fmt.Fprintf(w, "; Network panel status (blocked:%s)", g.BlockedReason)
		case g.Permission != "":
			printPermission(w, g) // lna.go
		case g.NetError != "":
			fmt.Fprintf(w, "; Network panel status %s", g.NetError)
		default:
			fmt.Fprintf(w, "; not in the Network panel (the call never became a request)")
		}
		fmt.Fprintln(w)
		if g.DevToolsReason != "" {
			fmt.Fprintf(w, "  Chromium DevTools: Issues panel reason %s\n", g.DevToolsReason)
		}
		if len(g.Snippets) > 0 {
			fmt.Fprintf(w, "  %s; in its own syntax:\n", snippetsLead(g))
			for _, sn := range g.Snippets {
				fmt.Fprintf(w, "\n  %s:\n", sn.Title)
				for _, line := range strings.Split(sn.Code, "\n") {
					fmt.Fprintf(w, "    %s\n", line)
				}
			}
		}
		return // the engines agree on the gate's fix: print it once
	}
}

// gated reports whether a gate refused the call in every engine: no CORS
// setting is then worth printing.
func gated(diags []explain.Diagnosis) bool {
	for _, d := range diags {
		if d.Gate == nil {
			return false
		}
	}
	return len(diags) > 0
}
