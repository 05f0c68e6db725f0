package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/corskit/corskit/explain"
	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/origin"
)

const checkSynopsis = `check URL --origin ORIGIN [-X METHOD] [-H 'Name: value']... [--data BODY]
        [--credentials omit|same-origin|include] [--mode cors|no-cors|same-origin]
        [--cache default|no-store|reload|no-cache|force-cache|only-if-cached]
        [--redirect follow|error|manual] [--browser all|chromium|firefox|webkit|spec]
        [--json] [--timeout DUR]
       corskit check --har FILE [--browser chromium|firefox|webkit|spec] [--json]

Sends what a browser on ORIGIN would send for fetch(URL, {method, headers, body,
credentials, mode, cache, redirect}) (a preflight when needed, then the request,
following redirects), shows each exchange, the verdict, the console lines and the
smallest server-side fix. --browser all (the default for text output) asks the
models of Chromium, Firefox and WebKit (Safari's engine): one verdict when they
agree, a side-by-side table when they differ, and each engine's console lines. With --har, diagnoses every cross-origin request
of a HAR file exported from DevTools, without sending anything.

Exit status: 0 allowed, 1 blocked, 2 usage error, 3 network or TLS error. With
--har: 1 when a call is blocked; an entry that cannot be read is reported as
skipped and the rest diagnosed, and the status is 2 only when no call could be.`

const checkExamples = `  corskit check https://api.example.com/items --origin https://app.example.com
  corskit check https://api.example.com/items/1 --origin https://app.example.com \
      -X PUT -H 'Content-Type: application/json' --data '{"a":1}' --credentials include
  corskit check https://api.example.com/me --origin https://app.example.com --json
  corskit check --har session.har
`

// headerFlags collects repeated -H 'Name: value' flags.
type headerFlags []fetch.Header

func (h *headerFlags) String() string { return "" }

func (h *headerFlags) Set(v string) error {
	x, err := fetch.ParseHeader(v)
	if err != nil {
		return err
	}
	*h = append(*h, x)
	return nil
}

// choice is a flag taking one of a fixed set of values.
type choice struct {
	value   string
	allowed []string
}

func (c *choice) String() string { return c.value }

func (c *choice) Set(v string) error {
	for _, a := range c.allowed {
		if v == a {
			c.value = v
			return nil
		}
	}
	return fmt.Errorf("must be one of %s", strings.Join(c.allowed, ", "))
}

type checkOptions struct {
	url, origin, method, data, har string
	headers                        headerFlags
	credentials, mode, cache       choice
	redirect, browser, pageSpace   choice
	json                           bool
	timeout                        time.Duration
}

func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o := checkOptions{
		credentials: choice{"same-origin", []string{"omit", "same-origin", "include"}},
		mode:        choice{"cors", []string{"cors", "no-cors", "same-origin"}},
		cache:       choice{"default", []string{"default", "no-store", "reload", "no-cache", "force-cache", "only-if-cached"}},
		redirect:    choice{"follow", []string{"follow", "error", "manual"}},
		browser:     choice{"", []string{"all", "chromium", "firefox", "webkit", "spec"}},
		pageSpace:   choice{"", []string{"public", "local", "loopback"}},
	}
	fs := newFlags("check", checkSynopsis, stderr)
	fs.examples = checkExamples
	fs.StringVar(&o.origin, "origin", "", "the page's origin, e.g. https://app.example.com (required)")
	fs.StringVar(&o.method, "X", "GET", "request method")
	fs.Var(&o.headers, "H", "request header 'Name: value', as the script sets it (repeatable)")
	fs.StringVar(&o.data, "data", "", "request body")
	fs.Var(&o.credentials, "credentials", "credentials mode: omit, same-origin or include")
	fs.Var(&o.mode, "mode", "request mode: cors, no-cors or same-origin")
	fs.Var(&o.cache, "cache", "cache mode: default, no-store, reload, no-cache, force-cache or only-if-cached")
	fs.Var(&o.redirect, "redirect", "redirect mode: follow, error or manual")
	fs.Var(&o.browser, "browser", "browser model: all (the three engines; the default, but chromium with --json), chromium, firefox, webkit, or spec (the Fetch Standard as written)")
	fs.Var(&o.browser, "profile", "the same as --browser (its old name)")
	fs.Var(&o.pageSpace, "page-address-space", "where the page is served from, for Chromium's Local Network Access: public, local or loopback (default: from --origin when it is an IP address or localhost, else not gated)")
	fs.BoolVar(&o.json, "json", false, "print one JSON object (schema: docs/check-json.md)")
	fs.DurationVar(&o.timeout, "timeout", 10*time.Second, "time limit for the whole check")
	fs.StringVar(&o.har, "har", "", "diagnose the requests of this HAR file instead of sending any")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	engines := checkEngines(o.browser.value, o.json, o.har != "")
	prof := engines[0]
	color := useColor(stdout)
	if o.har != "" {
		if len(pos) > 0 {
			return usageError{fmt.Sprintf("unexpected argument %q: --har takes no URL", pos[0])}
		}
		return checkHAR(ctx, o.har, prof, o.json, color, stdout)
	}
	switch {
	case len(pos) == 0:
		return usageError{"missing URL (try 'corskit check -h')"}
	case len(pos) > 1:
		return usageError{fmt.Sprintf("unexpected argument %q: one URL at a time", pos[1])}
	case o.origin == "":
		return usageError{"missing --origin, the origin of the page that makes the call"}
	case o.timeout <= 0:
		return usageError{"--timeout must be positive"}
	}
	o.url = pos[0]
	u, err := url.Parse(o.url)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usageError{fmt.Sprintf("URL %q: want an absolute http:// or https:// URL", o.url)}
	}
	page, err := origin.Parse(o.origin)
	if err != nil {
		return usageError{fmt.Sprintf("--origin: %v", err)}
	}
	if page.IsOpaque() {
		return usageError{"--origin null: give the page's real origin"}
	}
	req := fetch.Request{
		Origin: page, Method: o.method, URL: o.url, Headers: o.headers, Body: o.data,
		Mode: fetch.Mode(o.mode.value), Credentials: fetch.Credentials(o.credentials.value),
		Cache: fetch.CacheMode(o.cache.value), Redirect: fetch.RedirectMode(o.redirect.value),
	}
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	results, err := fetchEach(ctx, engines, req, fetch.AddressSpace(o.pageSpace.value))
	if err != nil {
		if ctx.Err() != nil {
			// Show what did arrive (a preflight, a redirect) before the
			// deadline stopped the rest.
			if res := results[0]; res != nil && len(res.Trace) > 0 && !o.json {
				printTrace(stdout, res.Trace, style{color})
			}
			return exitError{3, fmt.Sprintf("%s: no answer within %s", u.Host, o.timeout)}
		}
		return usageError{strings.TrimPrefix(err.Error(), "fetch: ")}
	}
	res := results[0]
	d := explain.Explain(res)
	switch {
	case o.json:
		r := explain.NewReport(res, d, prof.Name)
		if len(engines) > 1 {
			r.Browsers = make(map[string]explain.Report, len(engines))
			for i, p := range engines {
				r.Browsers[p.Name] = explain.NewReport(results[i], explain.Explain(results[i]), p.Name)
			}
		}
		if err := writeJSON(stdout, r); err != nil {
			return err
		}
	case len(engines) > 1:
		printEngines(stdout, engines, results, color)
	default:
		printCheck(stdout, res, d, prof, color)
	}
	// A network failure in any engine is the tool's (exit 3); otherwise
	// the exit status is blocked (1) when any engine blocks.
	for _, r := range results {
		if !r.Allowed() && r.Err.Reason == fetch.ReasonNetwork {
			return checkExit(r)
		}
	}
	for _, r := range results {
		if err := checkExit(r); err != nil {
			return err
		}
	}
	return nil
}

// checkEngines are the profiles --browser names: all three engines for
// "all", which is the default for text output. With --json the default is
// Chromium, so that the report keeps the shape it had before --browser
// existed; a HAR is replayed in one engine, Chromium unless named.
func checkEngines(name string, asJSON, har bool) []fetch.Profile {
	if name == "" && asJSON || har && (name == "" || name == "all") {
		name = "chromium"
	}
	if name == "" || name == "all" {
		return fetch.Profiles
	}
	p, _ := fetch.ProfileNamed(name) // the flag allows only known names
	return []fetch.Profile{p}
}

// fetchEach makes the call in one fresh model browser per engine, at the
// same time. The error is the first engine's that fails: a request the
// model refuses fails in all of them alike, and so does a deadline.
func fetchEach(ctx context.Context, engines []fetch.Profile, req fetch.Request, space fetch.AddressSpace) ([]*fetch.Result, error) {
	results := make([]*fetch.Result, len(engines))
	errs := make([]error, len(engines))
	var wg sync.WaitGroup
	for i, p := range engines {
		wg.Go(func() {
			b := &fetch.Browser{Profile: p, Transport: checkTransport(), PageAddressSpace: space}
			results[i], errs[i] = b.Fetch(ctx, req)
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return results, err
		}
	}
	return results, nil
}

// checkExit maps a result to the exit status.
func checkExit(res *fetch.Result) error {
	switch {
	case res.Allowed():
		return nil
	case res.Err.Reason == fetch.ReasonNetwork:
		return exitError{3, networkMessage(res.Err)}
	}
	return exitError{code: 1}
}

// networkMessage names the host and the cause of a transport failure.
func networkMessage(e *fetch.Error) string {
	host := e.URL
	if u, err := url.Parse(e.URL); err == nil {
		host = u.Host
	}
	return host + ": " + networkCause(e.Err)
}

// networkCause says in one line why a request got no answer, without the
// URL (the caller names the target): DNS, TLS, connection, timeout.
func networkCause(err error) string {
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var opErr *net.OpError
	switch {
	case errors.As(err, &dnsErr):
		return "DNS lookup failed: " + dnsErr.Err
	case errors.As(err, &certErr):
		return "TLS certificate not trusted: " + certErr.Err.Error()
	case errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "Client.Timeout"):
		return "no answer in time (timeout)"
	case errors.As(err, &opErr):
		return fmt.Sprintf("%s: %v", opErr.Op, opErr.Err)
	}
	// net/http wraps the cause as `Get "URL": cause`; the caller names the
	// URL already, so the cause is kept whole (cutting at the last ": "
	// left a fragment of causes that contain one).
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}

func checkTransport() http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxResponseHeaderBytes = 1 << 20
	return t
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// useColor reports whether w is a terminal and NO_COLOR is not set.
func useColor(w io.Writer) bool {
	if _, ok := os.LookupEnv("NO_COLOR"); ok {
		return false
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// style wraps text in an ANSI style when colour is on.
type style struct{ on bool }

func (s style) wrap(code, text string) string {
	if !s.on {
		return text
	}
	return "\x1b[" + code + "m" + text + "\x1b[0m"
}
func (s style) bold(t string) string  { return s.wrap("1", t) }
func (s style) red(t string) string   { return s.wrap("1;31", t) }
func (s style) green(t string) string { return s.wrap("1;32", t) }
func (s style) cyan(t string) string  { return s.wrap("36", t) }
func (s style) dim(t string) string   { return s.wrap("2", t) }

// corsRelevant reports whether a header takes part in CORS, for
// highlighting.
func corsRelevant(name string) bool {
	n := strings.ToLower(name)
	return strings.HasPrefix(n, "access-control-") || n == "origin" || n == "vary" || n == "location"
}

func printCheck(w io.Writer, res *fetch.Result, d explain.Diagnosis, p fetch.Profile, color bool) {
	s := style{color}
	req := res.Request
	fmt.Fprintf(w, "%s %s from origin %s (credentials %s, mode %s, %s model)\n\n",
		s.bold(req.Method), s.bold(req.URL), s.bold(req.Origin.String()), req.Credentials, req.Mode, p.Name)
	printPreflightWhy(w, req, d)
	printTrace(w, res.Trace, s)
	fmt.Fprintln(w)
	if res.Allowed() {
		fmt.Fprintf(w, "%s status %d, script can read: %s\n", s.green("ALLOWED"), res.Response.Status,
			strings.Join(nonEmpty(res.Response.ReadableHeaderNames()), ", "))
	} else {
		fmt.Fprintf(w, "%s\n", s.red("BLOCKED"))
	}
	printConsole(w, "  ", p, res)
	printAdvice(w, d, s)
}

func printPreflightWhy(w io.Writer, req fetch.Request, d explain.Diagnosis) {
	if len(d.PreflightWhy) > 0 {
		fmt.Fprintf(w, "Preflight needed: %s.\n\n", strings.Join(d.PreflightWhy, "; "))
	} else if d.CrossOrigin && req.Mode == fetch.ModeCORS {
		fmt.Fprintf(w, "Simple request: no preflight.\n\n")
	}
}

// printConsole prints what the engine of p writes in its console for res,
// and, for a failure it writes no line about, what script sees instead:
// the model never invents a console line an engine does not print.
func printConsole(w io.Writer, indent string, p fetch.Profile, res *fetch.Result) {
	lines := p.ConsoleLines(res)
	for _, l := range lines {
		fmt.Fprintf(w, "%sconsole: %s\n", indent, l)
	}
	if res.Err == nil {
		return
	}
	switch {
	case res.Err.Reason == fetch.ReasonNetwork:
		fmt.Fprintf(w, "%snetwork: %s\n", indent, networkCause(res.Err.Err))
	case len(lines) == 0:
		fmt.Fprintf(w, "%sconsole: (no CORS line) fetch() rejects with TypeError: %s\n", indent, p.TypeErrorMessage(res))
	}
}

// printAdvice prints the fixes and warnings of d.
func printAdvice(w io.Writer, d explain.Diagnosis, s style) {
	if len(d.Fixes) > 0 {
		fmt.Fprintf(w, "\n%s\n", s.bold("Fix:"))
		for _, f := range d.Fixes {
			switch {
			case f.Header != "" && f.Value != "":
				fmt.Fprintf(w, "  on the %s response: %s\n", f.Response, s.green(f.Header+": "+f.Value))
				fmt.Fprintf(w, "    %s\n", f.Text)
			default:
				fmt.Fprintf(w, "  %s: %s\n", f.Response, f.Text)
			}
			if f.Config != "" {
				fmt.Fprintf(w, "    with corskit's cors middleware: %s\n", f.Config)
			}
			if f.Security != "" {
				fmt.Fprintf(w, "    %s %s\n", s.red("security:"), f.Security)
			}
		}
	}
	if len(d.Warnings) > 0 {
		fmt.Fprintf(w, "\n%s\n", s.bold("Warnings:"))
		for _, wn := range d.Warnings {
			fmt.Fprintf(w, "  [%s] %s\n", wn.ID, wn.Text)
		}
	}
}

func nonEmpty(s []string) []string {
	if len(s) == 0 {
		return []string{"(safelisted headers only: none present)"}
	}
	return s
}

// printTrace prints the exchanges curl -v style, CORS headers highlighted.
func printTrace(w io.Writer, trace []fetch.Exchange, s style) {
	for _, e := range trace {
		if e.Kind == fetch.ExchangeCacheHit {
			fmt.Fprintf(w, "%s\n", s.dim("= preflight cache hit: no OPTIONS sent for "+e.URL))
			continue
		}
		label := string(e.Kind)
		if e.Credentials {
			label += ", with credentials"
		}
		fmt.Fprintf(w, "> %s %s  %s\n", s.bold(e.Method), e.URL, s.dim("("+label+", "+e.Duration.Round(10*time.Microsecond).String()+")"))
		printHeaders(w, "> ", e.RequestHeader, s)
		if e.Err != nil {
			fmt.Fprintf(w, "! %v\n", e.Err)
			continue
		}
		fmt.Fprintf(w, "< %s\n", s.bold(fmt.Sprintf("%d %s", e.Status, http.StatusText(e.Status))))
		printHeaders(w, "< ", e.ResponseHeader, s)
		if e.BodyErr != nil {
			fmt.Fprintf(w, "! %s\n", fetch.BodyErrorLine(e))
		}
	}
}

func printHeaders(w io.Writer, prefix string, h http.Header, s style) {
	for _, l := range fetch.HeaderLines(h) {
		line := l.Name + ": " + l.Value
		if corsRelevant(l.Name) {
			line = s.cyan(line)
		}
		fmt.Fprintf(w, "%s%s\n", prefix, line)
	}
}
