package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/corskit/corskit/cmd/corskit/internal/sendonce"
	"github.com/corskit/corskit/explain"
	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/origin"
	"github.com/corskit/corskit/stacks"
)

// A sequence is several fetch() calls from one browser session, written
// `corskit check URL --origin O [flags] --then [flags] --then ...`: they
// share the model's preflight cache and HTTP cache, and --after advances
// the model's clock before a call, so "why is the preflight sent every
// time?" and "does the 304 keep my CORS headers?" get the engine's answer.

// thenWord separates the calls of a sequence on the command line.
const thenWord = "--then"

// splitThen cuts args at each --then: the first call's arguments, and
// those of each later call. (A flag value that is itself "--then" must be
// written --flag=--then.)
func splitThen(args []string) (first []string, rest [][]string) {
	cur := &first
	for _, a := range args {
		if a == thenWord || a == "-then" {
			rest = append(rest, []string{})
			cur = &rest[len(rest)-1]
			continue
		}
		*cur = append(*cur, a)
	}
	return first, rest
}

// seqCall is one call of a sequence: the request, and how far the clock
// moves before it.
type seqCall struct {
	req   fetch.Request
	after time.Duration
}

const thenSynopsis = `check ... --then [URL] [--origin ORIGIN] [--after DURATION] [-X METHOD] [-H 'Name: value']...
        [--no-headers] [--data BODY] [--credentials ...] [--mode ...] [--cache ...] [--redirect ...]`

// parseThen parses the arguments of a later call: it repeats the previous
// call but for the flags it gives. -H replaces the previous call's headers
// (--no-headers drops them); a URL or --origin, when given, replaces the
// previous one.
func parseThen(n int, args []string, prev fetch.Request, stderr io.Writer) (seqCall, error) {
	fs := newFlags("check --then", thenSynopsis, stderr)
	var hs headerFlags
	c := seqCall{req: prev}
	org := prev.Origin.String()
	credentials := choice{string(prev.Credentials), []string{"omit", "same-origin", "include"}}
	mode := choice{string(prev.Mode), []string{"cors", "no-cors", "same-origin"}}
	cache := choice{string(prev.Cache), []string{"default", "no-store", "reload", "no-cache", "force-cache", "only-if-cached"}}
	redirect := choice{string(prev.Redirect), []string{"follow", "error", "manual"}}
	fs.StringVar(&org, "origin", org, "the page's origin, e.g. https://app.example.com")
	fs.StringVar(&c.req.Method, "X", prev.Method, "request method")
	fs.Var(&hs, "H", "request header 'Name: value' (replaces the previous call's headers)")
	noHeaders := fs.Bool("no-headers", false, "send none of the previous call's headers")
	fs.StringVar(&c.req.Body, "data", prev.Body, "request body")
	fs.Var(&credentials, "credentials", "credentials mode: omit, same-origin or include")
	fs.Var(&mode, "mode", "request mode: cors, no-cors or same-origin")
	fs.Var(&cache, "cache", "cache mode: default, no-store, reload, no-cache, force-cache or only-if-cached")
	fs.Var(&redirect, "redirect", "redirect mode: follow, error or manual")
	fs.DurationVar(&c.after, "after", 0, "advance the model's clock by this much before the call")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		if u, ok := err.(usageError); ok {
			return c, usageError{fmt.Sprintf("call %d (after --then): %s", n, u.msg)}
		}
		return c, err
	}
	bad := func(format string, a ...any) (seqCall, error) {
		return c, usageError{fmt.Sprintf("call %d (after --then): ", n) + fmt.Sprintf(format, a...)}
	}
	switch {
	case len(pos) > 1:
		return bad("unexpected argument %q: one URL per call", pos[1])
	case c.after < 0:
		return bad("--after must not be negative")
	}
	if len(pos) == 1 {
		if err := checkURL(pos[0]); err != nil {
			return bad("%v", err)
		}
		c.req.URL = pos[0]
	}
	if org != prev.Origin.String() {
		p, err := origin.Parse(org)
		if err != nil {
			return bad("%s", originError(org, err).msg)
		}
		if p.IsOpaque() {
			return bad("--origin null: give the page's real origin")
		}
		c.req.Origin = p
	}
	switch {
	case *noHeaders:
		c.req.Headers = nil
	case len(hs) > 0:
		c.req.Headers = hs
	}
	c.req.Credentials = fetch.Credentials(credentials.value)
	c.req.Mode = fetch.Mode(mode.value)
	c.req.Cache = fetch.CacheMode(cache.value)
	c.req.Redirect = fetch.RedirectMode(redirect.value)
	return c, nil
}

// checkURL checks a URL given on the command line.
func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("URL %q: want an absolute http:// or https:// URL", s)
	}
	return nil
}

// seqSetup is what every call of a sequence shares besides the browser:
// the transport (--resolve, -k), the stack the fixes are written for (nil:
// detected per call) and the page's address space.
type seqSetup struct {
	transport http.RoundTripper
	stack     *stacks.Stack
	space     fetch.AddressSpace // --page-address-space
	noProbe   bool               // --no-probe
	copied    *copyInfo          // the DevTools copy the first call came from, if any
}

// seqReport is one call of a sequence in JSON: the single-call report,
// plus where it stands in the sequence and what the caches did.
type seqReport struct {
	explain.Report
	Call           int                 `json:"call"`
	After          string              `json:"after"`    // the --after before this call, "0s" if none
	ClockMS        int64               `json:"clock_ms"` // the model's clock, from the first call
	PreflightCache *preflightCacheJSON `json:"preflight_cache"`
	HTTPCache      *httpCacheJSON      `json:"http_cache"`
	Probe          *probeJSON          `json:"probe,omitempty"`
}

type preflightCacheJSON struct {
	Hit    bool   `json:"hit"`
	Why    string `json:"why"`
	Detail string `json:"detail"`
	Stored string `json:"stored,omitempty"`
}

type httpCacheJSON struct {
	Outcome string `json:"outcome"`
	Detail  string `json:"detail"`
	Stored  bool   `json:"stored"`
	// StoreDetail says how long the response stays fresh, or why it was
	// not stored.
	StoreDetail string `json:"store_detail,omitempty"`
}

// runSequences runs the calls in one model browser per engine, one engine
// after the other, each with its own caches and clock. Text output shows
// every call in the first engine (Chromium under --browser all) and, for
// each engine, a summary of how its caches served each call; --json prints
// {"calls": [...]} for the first engine, and with several engines a
// "browsers" object holding each engine's {"calls": [...]}. The exit status
// is 3 if a call failed on the network, else 1 if one was blocked, in any
// engine, else 0.
func runSequences(ctx context.Context, calls []seqCall, engines []fetch.Profile, setup seqSetup, timeout time.Duration, asJSON, color bool, stdout io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	s := style{color}
	type run struct {
		reports []seqReport
		results []*fetch.Result
		clocks  []time.Duration
	}
	runs := make([]run, len(engines))
	// The engines replay one sequence: the n-th request that several of
	// them send alike reaches the server once (sendonce).
	group := sendonce.New(setup.transport)
	for e, prof := range engines {
		out := stdout
		if asJSON || e > 0 {
			out = io.Discard // the details are the first engine's
		}
		var offset time.Duration
		b := &fetch.Browser{Profile: prof, Transport: group.Session(), PageAddressSpace: setup.space,
			Now: func() time.Time { return time.Now().Add(offset) }, ServerNow: time.Now}
		start := time.Now()
		r := &runs[e]
		for i, c := range calls {
			offset += c.after
			clock := time.Since(start) + offset
			if i > 0 {
				fmt.Fprintln(out)
			}
			after := ""
			if c.after > 0 {
				after = ", " + c.after.String() + " later"
			}
			fmt.Fprintln(out, s.bold(fmt.Sprintf("=== Call %d of %d%s (clock +%s)", i+1, len(calls), after, clock.Round(time.Second))))
			res, err := b.Fetch(ctx, c.req)
			if err != nil {
				if ctx.Err() != nil {
					if res != nil && len(res.Trace) > 0 {
						printTrace(out, res.Trace, s)
					}
					u, _ := url.Parse(c.req.URL)
					return exitError{3, fmt.Sprintf("call %d: %s: no answer within %s", i+1, u.Host, timeout)}
				}
				return usageError{fmt.Sprintf("call %d: %s", i+1, strings.TrimPrefix(err.Error(), "fetch: "))}
			}
			d, sd, probe := diagnose(ctx, b, res, setup)
			r.results = append(r.results, res)
			r.clocks = append(r.clocks, clock)
			rep := newSeqReport(i+1, c.after, clock, res, d, prof.Name)
			rep.Stack, rep.Probe = sd, probe.json()
			r.reports = append(r.reports, rep)
			printCheck(out, res, d.ForStack(sd), prof, color)
			printStack(out, d, sd, s)
			printProbe(out, probe, s)
			printCaches(out, res, s)
		}
	}
	if asJSON {
		type calls struct {
			Calls []seqReport `json:"calls"`
		}
		v := struct {
			Calls    []seqReport      `json:"calls"`
			Browsers map[string]calls `json:"browsers,omitempty"`
			Copy     *copyJSON        `json:"copy,omitempty"`
		}{Calls: runs[0].reports, Copy: setup.copied.json()}
		if len(engines) > 1 {
			v.Browsers = make(map[string]calls, len(engines))
			for e, p := range engines {
				v.Browsers[p.Name] = calls{runs[e].reports}
			}
		}
		if err := writeJSON(stdout, v); err != nil {
			return err
		}
	} else {
		for e, p := range engines {
			printSummary(stdout, runs[e].results, runs[e].clocks, p.Name, s)
		}
	}
	var worst error
	for _, r := range runs {
		for i, res := range r.results {
			if err, ok := checkExit(res).(exitError); ok {
				if err.code == 3 {
					err.msg = fmt.Sprintf("call %d: %s", i+1, err.msg)
					return err
				}
				if worst == nil {
					worst = err
				}
			}
		}
	}
	return worst
}

// diagnose explains res, sends the reflection probe (unless --no-probe)
// and adds its warning, and renders the fix for the server's stack
// (setup's, or detected when nil). It returns the probe it sent, or nil.
func diagnose(ctx context.Context, b *fetch.Browser, res *fetch.Result, setup seqSetup) (explain.Diagnosis, *explain.StackDetection, *probeRun) {
	chosen := setup.stack
	d := explain.Explain(res)
	var probe *probeRun
	if !setup.noProbe {
		probe = reflectionProbe(ctx, b, res)
	}
	if probe != nil && probe.reflected {
		d.Warnings = append(d.Warnings, probe.warning)
	}
	var sd *explain.StackDetection
	if res.Err == nil || res.Err.Reason != fetch.ReasonNetwork {
		s, det := explain.DetectStack(res)
		if chosen != nil {
			s, det = chosen, explain.StackDetection{Name: chosen.Name, Title: chosen.Title, Confidence: "chosen"}
		}
		explain.ApplyStack(res, &d, s)
		sd = &det
	}
	return d, sd, probe
}

func newSeqReport(n int, after, clock time.Duration, res *fetch.Result, d explain.Diagnosis, profile string) seqReport {
	r := seqReport{Report: explain.NewReport(res, d, profile), Call: n, After: after.String(), ClockMS: clock.Milliseconds()}
	if p := res.PreflightCache; p != nil {
		r.PreflightCache = &preflightCacheJSON{Hit: p.Hit, Why: string(p.Why), Detail: p.Detail, Stored: p.StoreDetail}
	}
	if h := res.HTTPCache; h.Outcome != fetch.HTTPCacheNone {
		r.HTTPCache = &httpCacheJSON{Outcome: string(h.Outcome), Detail: h.Detail, Stored: h.Stored, StoreDetail: h.StoreDetail}
	}
	return r
}

// printCaches says how the preflight cache and the HTTP cache served the
// call.
func printCaches(w io.Writer, res *fetch.Result, s style) {
	fmt.Fprintln(w)
	if p := res.PreflightCache; p != nil {
		if p.Hit {
			fmt.Fprintf(w, "%s from the cache (%s)\n", s.bold("Preflight:"), p.Detail)
		} else {
			fmt.Fprintf(w, "%s sent, not from the cache: %s (%s)\n", s.bold("Preflight:"), p.Detail, p.Why)
			if p.StoreDetail != "" {
				fmt.Fprintf(w, "  its result: %s\n", p.StoreDetail)
			}
		}
	} else {
		fmt.Fprintf(w, "%s none needed\n", s.bold("Preflight:"))
	}
	if h := res.HTTPCache; h.Outcome != fetch.HTTPCacheNone {
		fmt.Fprintf(w, "%s %s: %s\n", s.bold("HTTP cache:"), h.Outcome, h.Detail)
		if h.StoreDetail != "" {
			fmt.Fprintf(w, "  the response: %s\n", h.StoreDetail)
		}
	}
}

// printSummary prints one line per call.
func printSummary(w io.Writer, results []*fetch.Result, clocks []time.Duration, profile string, s style) {
	fmt.Fprintf(w, "\n%s\n", s.bold(fmt.Sprintf("Sequence (%s model):", profile)))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  call\tclock\trequest\tpreflight\tHTTP cache\tverdict")
	for i, res := range results {
		pf := "-"
		if p := res.PreflightCache; p != nil {
			pf = "sent (" + string(p.Why) + ")"
			if p.Hit {
				pf = "from cache"
			}
		}
		hc := "-"
		if o := res.HTTPCache.Outcome; o != fetch.HTTPCacheNone {
			hc = string(o)
		}
		verdict := "ALLOWED"
		if !res.Allowed() {
			verdict = "BLOCKED"
		}
		path := res.Request.URL
		if u, err := url.Parse(path); err == nil {
			path = u.RequestURI()
		}
		fmt.Fprintf(tw, "  %d\t+%s\t%s %s\t%s\t%s\t%s\n", i+1, clocks[i].Round(time.Second), res.Request.Method, path, pf, hc, verdict)
	}
	tw.Flush()
}
