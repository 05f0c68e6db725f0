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
	"slices"
	"strings"
	"time"

	"github.com/corskit/corskit/cmd/corskit/internal/checkjson"
	"github.com/corskit/corskit/cmd/corskit/internal/devtools"
	"github.com/corskit/corskit/cmd/corskit/internal/sendonce"
	"github.com/corskit/corskit/explain"
	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/origin"
	"github.com/corskit/corskit/stacks"
)

const checkSynopsis = `check URL --origin ORIGIN [-X METHOD] [-H 'Name: value']... [--data BODY]
        [--credentials omit|same-origin|include] [--mode cors|no-cors|same-origin]
        [--cache default|no-store|reload|no-cache|force-cache|only-if-cached]
        [--redirect follow|error|manual] [--browser all|chromium|firefox|webkit|spec]
        [--page-address-space public|local|loopback] [--json] [--timeout DUR]
        [--stack auto|NAME] [--resolve HOST:PORT:ADDR]... [-k|--insecure] [--no-probe]
        [--color auto|always|never]
        [--page-url URL] [--page-csp POLICY]... [--page-csp-report-only POLICY]...
        [--page-coep require-corp|credentialless] [--as fetch|xhr|img|script|module|font|stylesheet|eventsource|websocket]
        [--crossorigin anonymous|use-credentials] [--with-credentials]
       corskit check --curl 'COPY AS CURL' | --fetch 'COPY AS FETCH' [--origin ORIGIN] [...]
        [--then [URL] [--after DUR] [-X ...] [-H ...] [--cache ...] ...]...
       corskit check --har FILE [--browser chromium|all|firefox|webkit|spec] [--json]

Sends what a browser on ORIGIN would send for fetch(URL, {method, headers, body,
credentials, mode, cache, redirect}) (a preflight when needed, then the request,
following redirects), shows each exchange, the verdict, the console lines and the
smallest server-side fix, in the server stack's own configuration (--stack:
detected from the answers by default). --browser all (the default for text
output) asks the models of Chromium, Firefox and WebKit (Safari's engine): one
verdict when they agree, a side-by-side table when they differ, and each
engine's console lines. --curl and --fetch take the request as DevTools' "Copy
as cURL" / "Copy as fetch" gives it; flags given beside a copy (-X, -H,
--data, --credentials, --mode, --cache, --redirect, --origin) replace its
values (-H replaces the copy's headers of that name). A copy cannot show the
credentials mode unless a cookie went out: check then says so, also makes
the call with credentials 'include' (the same requests, sent once), and
exits 1 when that blocks it. With --har, diagnoses every cross-origin
request of a HAR file exported from DevTools, without sending anything.

--stored-cookie 'sid=1; SameSite=Lax; Secure' (repeatable) names a cookie the
browser holds for the API, as it stored it: check then says, per engine,
whether it goes with the call and why not (SameSite, Secure, third-party
cookie blocking, the credentials mode), and whether each Set-Cookie of the
answer is stored, with the fix in the API's Set-Cookie. The cookies are not
sent by check itself, and do not change the verdict or the exit status.

After a call that is allowed with the page's origin named in
Access-Control-Allow-Origin, check sends one more request, shown after the
fix: the reflection probe, a GET (HEAD for a HEAD) with Origin:
https://corskit-reflect-probe.example, no body and no script headers, to see
whether the server allows any origin. --no-probe turns it off.

--page-url (the page's address; it implies --origin) and --page-csp add the
gates a browser applies before CORS: mixed content (an https page calling
plain http) and the page's Content Security Policy (connect-src, default-src).
A call they refuse is never sent; the diagnosis says "not CORS:" and gives the
fix where it belongs: the API's URL, or the page server's policy.

--as names the API that loads the URL: fetch (the default), xhr, img, script,
module, font, stylesheet, eventsource or websocket. An <img>, a <script> and
a stylesheet are no-cors GETs without --crossorigin anonymous|use-credentials;
a module script and a font are always CORS; xhr and eventsource take
--with-credentials. Each kind meets its own CSP directive (img-src,
script-src-elem/script-src, font-src, style-src-elem/style-src, connect-src
for xhr, eventsource and websocket; default-src last). A WebSocket has no
CORS: check shows what the handshake answered (101 or not), and checking
Origin is the server's job. --page-coep gives
the page's Cross-Origin-Embedder-Policy: a cross-origin no-cors load then
needs Cross-Origin-Resource-Policy on the resource (CORP same-origin and
same-site refuse even without COEP). Such a refusal says "not CORS:", and
the fix is on the resource's server, or crossorigin with CORS headers.

With --then, further calls follow in the same browser session, sharing its
preflight cache and HTTP cache: each repeats the call before it but for the
flags it gives (-H replaces the headers, --no-headers drops them), and
--after DUR moves the model's clock before it. Each call says whether its
preflight came from the cache and why, and how the HTTP cache served it.

Exit status: 0 allowed, 1 blocked, 2 usage error, 3 network or TLS error (named as
Chromium names it: net::ERR_CONNECTION_REFUSED, ...; for a sequence: 3 if a call
failed on the network, else 1 if one was blocked). With
--har: 1 when a call is blocked; an entry that cannot be read is reported as
skipped and the rest diagnosed, and the status is 2 only when no call could be.`

const checkExamples = `  corskit check https://api.example.com/items --origin https://app.example.com
  corskit check https://api.example.com/items/1 --origin https://app.example.com \
      -X PUT -H 'Content-Type: application/json' --data '{"a":1}' --credentials include
  corskit check https://api.example.com/me --origin https://app.example.com --json
  corskit check https://api.example.com/items --origin https://app.example.com --stack nginx
  corskit check --curl "curl 'https://api.example.com/items' -H 'origin: https://app.example.com'"
  corskit check https://staging.example.com/api --origin https://app.example.com \
      --resolve staging.example.com:443:10.0.0.5 -k
  corskit check --har session.har
  corskit check https://api.example.com/items --page-url https://app.example.com/dashboard \
      --page-csp "default-src 'self'"
  corskit check https://api.example.com/items/1 --origin https://app.example.com -X PUT \
      -H 'Content-Type: application/json' --then --after 10s --then --after 3h
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
	return fmt.Errorf("must be one of %s%s", strings.Join(c.allowed, ", "), didYouMean(v, c.allowed))
}

type checkOptions struct {
	url, origin, method, data, har string
	headers                        headerFlags
	credentials, mode, cache       choice
	redirect, browser, pageSpace   choice
	json                           bool
	timeout, after                 time.Duration
	stack                          choice
	curl, fetchJS                  string
	resolve                        stringsFlag
	insecure, noProbe              bool
	storedCookies                  storedCookies
	page                           pageFlags
	as                             asFlags
}

// addressSpaceNames are --page-address-space's values, checkjson's
// (the page's "address_space") as well.
func addressSpaceNames() []string {
	var out []string
	for _, a := range checkjson.AddressSpaces() {
		out = append(out, string(a))
	}
	return out
}

func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	args, thens := splitThen(args)
	o := checkOptions{
		credentials: choice{"same-origin", []string{"omit", "same-origin", "include"}},
		mode:        choice{"cors", []string{"cors", "no-cors", "same-origin"}},
		cache:       choice{"default", []string{"default", "no-store", "reload", "no-cache", "force-cache", "only-if-cached"}},
		redirect:    choice{"follow", []string{"follow", "error", "manual"}},
		browser:     choice{"", []string{"all", "chromium", "firefox", "webkit", "spec"}},
		pageSpace:   choice{"", addressSpaceNames()},
		// A choice, so that completion offers the names and a typo gets one
		// line naming them.
		stack: choice{"auto", append([]string{"auto"}, stacks.Names()...)},
	}
	fs := newFlags("check", checkSynopsis, stderr)
	fs.examples = checkExamples
	fs.StringVar(&o.origin, "origin", "", "the page's origin, e.g. https://app.example.com (required)")
	fs.StringVar(&o.method, "X", "GET", "request method")
	fs.Var(&o.headers, "H", "request header 'Name: value', as the script sets it (repeatable)")
	fs.StringVar(&o.data, "data", "", "request body")
	fs.Var(&o.credentials, "credentials", "credentials mode: omit, same-origin or include")
	fs.Var(&o.storedCookies, "stored-cookie", "a cookie the browser holds for the API, as it stored it: 'sid=1; SameSite=Lax; Secure' (repeatable); check says whether each engine sends it, and why not")
	fs.Var(&o.mode, "mode", "request mode: cors, no-cors or same-origin")
	fs.Var(&o.cache, "cache", "cache mode: default, no-store, reload, no-cache, force-cache or only-if-cached")
	fs.Var(&o.redirect, "redirect", "redirect mode: follow, error or manual")
	fs.Var(&o.browser, "browser", "browser model: all (the three engines; the default, but chromium with --json), chromium, firefox, webkit, or spec (the Fetch Standard as written)")
	fs.Var(&o.browser, "profile", "the same as --browser (its old name)")
	fs.Var(&o.pageSpace, "page-address-space", "where the page is served from, for Chromium's Local Network Access: public, local or loopback (default: from --origin when it is an IP address or localhost, else not gated)")
	o.page.register(fs.FlagSet)
	o.as.register(fs.FlagSet)
	fs.BoolVar(&o.json, "json", false, "print one JSON object (schema: docs/check-json.md)")
	fs.DurationVar(&o.timeout, "timeout", 10*time.Second, "time limit for the whole check")
	fs.StringVar(&o.har, "har", "", "diagnose the requests of this HAR file instead of sending any")
	fs.Var(&o.stack, "stack", "server stack to write the fix for: auto (detect from the answers) or one of "+strings.Join(stacks.Names(), ", "))
	fs.StringVar(&o.curl, "curl", "", "the request as DevTools' Copy as cURL (bash or cmd) gives it")
	fs.StringVar(&o.fetchJS, "fetch", "", "the request as DevTools' Copy as fetch gives it")
	fs.Var(&o.resolve, "resolve", "HOST:PORT:ADDR, connect to ADDR for HOST:PORT, as curl --resolve (repeatable)")
	fs.BoolVar(&o.insecure, "k", false, "do not verify TLS certificates")
	fs.BoolVar(&o.insecure, "insecure", false, "same as -k")
	fs.BoolVar(&o.noProbe, "no-probe", false, "do not send the reflection probe from "+explain.ReflectProbeOrigin+" after an allowed call")
	colorMode := colorFlag(fs)
	fs.Bool("then", false, "start the next call of a sequence in the same browser session (its flags follow)")
	fs.DurationVar(&o.after, "after", 0, "advance the model's clock by this much before the call (in a sequence)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	engines := checkEngines(o.browser.value, o.json, o.har != "")
	prof := engines[0]
	color := colorOn(colorMode.value, stdout)
	var chosen *stacks.Stack
	if o.stack.value != "auto" {
		if chosen, err = stacks.Lookup(o.stack.value); err != nil {
			return usageError{fmt.Sprintf("--stack %q: %v", o.stack.value, err)} // the choice allows only known names
		}
	}
	dial, err := resolver(o.resolve)
	if err != nil {
		return err
	}
	if o.har != "" {
		if len(pos) > 0 {
			return usageError{fmt.Sprintf("unexpected argument %q: --har takes no URL", pos[0])}
		}
		if len(thens) > 0 {
			return usageError{"--then: --har replays its own calls; give a URL instead"}
		}
		return checkHAR(ctx, o.har, engines, o.json, color, stdout)
	}
	var copied *devtools.Call
	switch {
	case o.curl != "" && o.fetchJS != "":
		return usageError{"--curl and --fetch: give one copied request"}
	case o.curl != "" || o.fetchJS != "":
		if len(pos) > 0 {
			return usageError{fmt.Sprintf("unexpected argument %q: the URL comes from the copied request", pos[0])}
		}
		flag, parse, text := "--curl", devtools.ParseCurl, o.curl
		if o.fetchJS != "" {
			flag, parse, text = "--fetch", devtools.ParseFetch, o.fetchJS
		}
		if copied, err = parse(text); err != nil {
			return usageError{flag + ": " + strings.TrimPrefix(err.Error(), "devtools: ")}
		}
		pos = []string{copied.Request.URL}
		o.insecure = o.insecure || copied.Insecure
	}
	switch {
	case len(pos) == 0:
		return usageError{"missing URL (try 'corskit check -h')"}
	case len(pos) > 1:
		return usageError{fmt.Sprintf("unexpected argument %q: one URL at a time", pos[1])}
	case o.origin == "" && o.page.url == "" && copied == nil:
		return usageError{"missing --origin (or --page-url), the origin of the page that makes the call"}
	case o.timeout <= 0:
		return usageError{"--timeout must be positive"}
	case o.after < 0:
		return usageError{"--after must not be negative"}
	}
	o.url = pos[0]
	u, err := url.Parse(o.url)
	if err != nil || !o.as.schemeOK(u.Scheme) || u.Host == "" {
		if o.as.kind() == fetch.KindWebSocket {
			return usageError{fmt.Sprintf("URL %q: want an absolute ws://, wss://, http:// or https:// URL", o.url)}
		}
		return usageError{fmt.Sprintf("URL %q: want an absolute http:// or https:// URL", o.url)}
	}
	if o.origin, err = o.page.origin(o.origin); err != nil {
		return err
	}
	var page origin.Origin
	if o.origin != "" {
		if page, err = origin.Parse(o.origin); err != nil {
			return originError(o.origin, err)
		}
		if page.IsOpaque() {
			return usageError{"--origin null: give the page's real origin"}
		}
	}
	req := fetch.Request{
		Origin: page, Method: o.method, URL: o.url, Headers: o.headers, Body: o.data,
		Mode: fetch.Mode(o.mode.value), Credentials: fetch.Credentials(o.credentials.value),
		Cache: fetch.CacheMode(o.cache.value), Redirect: fetch.RedirectMode(o.redirect.value),
	}
	var cp *copyInfo
	if copied != nil {
		if req, err = copied.Resolve(page); err != nil {
			var noOrigin *devtools.NoOriginError
			if errors.As(err, &noOrigin) {
				return usageError{"the copied request shows no Origin or Referer header: give the page's origin with --origin"}
			}
			return usageError{err.Error()}
		}
		cp = newCopyInfo(copied, &req, o, givenFlags(fs))
	}
	if len(o.storedCookies) > 0 && (len(thens) > 0 || o.after > 0) {
		return usageError{"--stored-cookie: not with --then or --after (one call at a time)"}
	}
	req.Page = o.page.page()
	if err := o.as.apply(&req, givenFlags(fs)); err != nil {
		return err
	}
	if len(thens) > 0 || o.after > 0 {
		calls := []seqCall{{req: req, after: o.after}}
		for i, args := range thens {
			c, err := parseThen(i+2, args, calls[len(calls)-1].req, stderr)
			if err != nil {
				return err
			}
			calls = append(calls, c)
		}
		tr := checkTransport(dial, o.insecure)
		defer tr.CloseIdleConnections()
		if cp != nil && !o.json {
			printCopy(stdout, cp, style{color})
		}
		return runSequences(ctx, calls, engines, seqSetup{transport: tr, stack: chosen, space: fetch.AddressSpace(o.pageSpace.value), noProbe: o.noProbe, copied: cp},
			o.timeout, o.json, color, stdout)
	}
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	tr := checkTransport(dial, o.insecure)
	defer tr.CloseIdleConnections()
	group := sendonce.New(tr)
	results, err := group.FetchEach(ctx, engines, fetch.AddressSpace(o.pageSpace.value), req)
	if err == nil && cp != nil {
		err = cp.tryInclude(ctx, group, engines, fetch.AddressSpace(o.pageSpace.value), req, results)
	}
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
	b := &fetch.Browser{Profile: prof, Transport: tr, PageAddressSpace: fetch.AddressSpace(o.pageSpace.value)}
	var probe *probeRun
	if !o.noProbe {
		probe = reflectionProbe(ctx, b, res)
	}
	diags := make([]explain.Diagnosis, len(results))
	// Narrow's probes (OPTIONS only) are shared by the engines as their
	// calls were: a probe they make alike is sent once.
	narrow := sendonce.New(tr)
	for i, r := range results {
		diags[i] = explain.Explain(r)
		explain.Narrow(ctx, narrow.Session(), r, &diags[i]) // a refused preflight that shows nothing: ask which part
		if probe != nil && probe.reflected {
			diags[i].Warnings = append(diags[i].Warnings, probe.warning)
		}
	}
	sd := explain.ApplyStacks(results, diags, chosen)
	d := diags[0]
	cookies := checkCookies(engines, results, res.Request.Origin, o.storedCookies, sd)
	switch {
	case o.json:
		r := checkReport{Report: explain.NewReport(res, d, prof.Name), Copy: cp.json(), Probe: probe.json(), Cookies: cookies}
		r.Stack = sd
		if len(engines) > 1 {
			r.Browsers = make(map[string]explain.Report, len(engines))
			for i, p := range engines {
				r.Browsers[p.Name] = explain.NewReport(results[i], diags[i], p.Name)
			}
		}
		if err := writeJSON(stdout, r); err != nil {
			return err
		}
	case len(engines) > 1:
		shown := make([]explain.Diagnosis, len(diags))
		for i := range diags {
			shown[i] = diags[i].ForStack(sd)
		}
		printCopy(stdout, cp, style{color})
		merged := printEngines(stdout, engines, results, shown, color)
		printWebSocket(stdout, res)
		printGates(stdout, diags, style{color})
		if !gated(diags) {
			printStack(stdout, merged, sd, style{color})
		}
		printCookies(stdout, cookies, style{color})
		printProbe(stdout, probe, style{color})
	default:
		printCopy(stdout, cp, style{color})
		printCheck(stdout, res, d.ForStack(sd), prof, color)
		printWebSocket(stdout, res)
		printGates(stdout, diags, style{color})
		if !gated(diags) {
			printStack(stdout, d, sd, style{color})
		}
		printCookies(stdout, cookies, style{color})
		printProbe(stdout, probe, style{color})
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
	if cp.includeBlocks() {
		// Allowed as the copy shows the call, blocked had the page set
		// credentials: "include", which the copy cannot show: not a pass.
		return exitError{code: 1}
	}
	return nil
}

// originError is the one line for an --origin that is not an origin:
// `--origin "https://app.example/": has a path: remove the trailing slash`,
// the flag and the value named once.
func originError(value string, err error) usageError {
	var pe *origin.ParseError
	if errors.As(err, &pe) {
		return usageError{fmt.Sprintf("--origin %q: %s", value, pe.Reason)}
	}
	return usageError{fmt.Sprintf("--origin %q: %v", value, err)}
}

// checkEngines are the profiles --browser names: all three engines for
// "all", which is the default for text output. With --json the default is
// Chromium, so that the report keeps the shape it had before --browser
// existed; a HAR is replayed in Chromium unless --browser names another
// engine or all.
func checkEngines(name string, asJSON, har bool) []fetch.Profile {
	if name == "" && (asJSON || har) {
		name = "chromium"
	}
	if name == "" || name == "all" {
		return fetch.Profiles
	}
	p, _ := fetch.ProfileNamed(name) // the flag allows only known names
	return []fetch.Profile{p}
}

// reflectionProbe asks once more from a made-up origin when the call was
// allowed for the page's origin by name: a server that allows that one too
// reflects any Origin, which is a hole whatever the verdict
// (explain.ReflectionWarning words it). It returns nil when it sent
// nothing; what it sent is shown to the user (printProbe, the JSON's
// "probe"), and --no-probe turns it off.
//
// The probe is a simple GET (HEAD when the call was a HEAD) with no body
// and no script headers, never a repeat of the call itself: check must not
// send a POST, PUT or DELETE twice. It runs in a browser of its own, so it
// leaves nothing in the session's preflight or HTTP cache.
func reflectionProbe(ctx context.Context, b *fetch.Browser, res *fetch.Result) *probeRun {
	if !res.Allowed() || !res.Classification.CrossOrigin || res.Request.Mode != fetch.ModeCORS {
		return nil
	}
	var last *fetch.Exchange
	for i := range res.Trace {
		if res.Trace[i].Kind == fetch.ExchangeRequest {
			last = &res.Trace[i]
		}
	}
	if last == nil || last.ResponseHeader.Get("Access-Control-Allow-Origin") != res.Request.Origin.String() {
		return nil
	}
	method := http.MethodGet
	if res.Request.Method == http.MethodHead {
		method = http.MethodHead
	}
	req := fetch.Request{
		Origin:      origin.MustParse(explain.ReflectProbeOrigin),
		Method:      method,
		URL:         res.Request.URL,
		Credentials: res.Request.Credentials,
		Mode:        fetch.ModeCORS,
		Cache:       fetch.CacheNoStore,
	}
	pb := &fetch.Browser{Profile: b.Profile, Transport: b.Transport, Now: b.Now}
	probe, err := pb.Fetch(ctx, req)
	if err != nil {
		return nil
	}
	p := &probeRun{res: probe}
	p.warning, p.reflected = explain.ReflectionWarning(probe)
	return p
}

// printStack prints the fix in the stack's own configuration: the
// setting of each change, the whole corrected configuration, the
// stack's pitfalls that apply, and which stack was assumed.
func printStack(w io.Writer, d explain.Diagnosis, sd *explain.StackDetection, s style) {
	if sd == nil {
		return
	}
	var last *stacks.Change
	server := false
	for _, f := range d.Fixes {
		if f.Stack != nil && f.Stack.Snippet != "" {
			last = f.Stack
		}
		server = server || f.Stack != nil || (f.Response != "client" && f.Guard == "")
	}
	if !server {
		// Allowed, or a fix in the page (a bad port, a forbidden
		// method): no setting of any stack applies.
		return
	}
	fmt.Fprintf(w, "\n%s\n", s.bold("In "+sd.Title+":"))
	for _, f := range d.Fixes {
		if f.Stack != nil {
			fmt.Fprintf(w, "  %s\n", f.Stack.Text)
		}
	}
	if last != nil {
		fmt.Fprintf(w, "  the configuration with the change; what the answers did not show is a comment, \"keep yours\":\n")
		for _, l := range strings.Split(strings.TrimRight(last.Snippet, "\n"), "\n") {
			fmt.Fprintf(w, "    %s\n", l)
		}
		for _, p := range last.Pitfalls {
			fmt.Fprintf(w, "  %s %s\n", s.red("pitfall:"), p.Text)
		}
		if syntaxHasNoComments(last) {
			fmt.Fprintf(w, "  left out, not seen in the answers (keep yours): %s\n", keptSettings(last))
		}
		fmt.Fprintf(w, "  (%s; %s)\n", last.Provenance, last.Doc)
	} else if !slices.ContainsFunc(d.Fixes, func(f explain.Fix) bool { return f.Stack != nil }) {
		fmt.Fprintf(w, "  no CORS setting to change: the fix above is where the CORS code runs.\n")
	}
	switch {
	case sd.Confidence == "chosen":
	case sd.Assumed && len(sd.Evidence) == 0:
		fmt.Fprintf(w, "  Stack not recognised from the answers: assumed %s. Choose yours with --stack: %s.\n", sd.Name, strings.Join(stacks.Names(), ", "))
	case sd.Or != "":
		fmt.Fprintf(w, "  Stack: %s or %s: they answer alike (from %s); shown for %s, --stack %s for the other.\n", sd.Name, sd.Or, strings.Join(sd.Evidence, "; "), sd.Name, sd.Or)
	case sd.Assumed:
		fmt.Fprintf(w, "  Stack assumed: %s (%s confidence, from %s). If it is another, --stack: %s.\n", sd.Name, sd.Confidence, strings.Join(sd.Evidence, "; "), strings.Join(stacks.Names(), ", "))
	default:
		fmt.Fprintf(w, "  Stack detected: %s (from %s).\n", sd.Name, strings.Join(sd.Evidence, "; "))
	}
}

// syntaxHasNoComments reports whether c's snippet could not write its
// kept settings as comments (JSON): then they are named here.
func syntaxHasNoComments(c *stacks.Change) bool {
	return len(c.Kept) > 0 && !strings.Contains(c.Snippet, "keep yours")
}

// keptSettings names the settings c keeps, with what the change adds.
func keptSettings(c *stacks.Change) string {
	s, _ := stacks.Lookup(c.Stack)
	var out []string
	for _, f := range stacks.Fields {
		if add, ok := c.Kept[f]; ok {
			w := s.Setting(f)
			if len(add) > 0 {
				w += " (add " + strings.Join(add, ", ") + ")"
			}
			out = append(out, w)
		}
	}
	return strings.Join(out, ", ")
}

// checkExit maps a result to the exit status.
func checkExit(res *fetch.Result) error {
	switch {
	case res.Allowed():
		return nil
	case res.Err.Reason == fetch.ReasonNetwork:
		return exitError{3, explain.NetError(res.Err.Err) + ": " + networkMessage(res.Err)}
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

// checkTransport is check's transport: --resolve's dialer and -k's TLS
// setting, shared with audit (resolver, insecureTLS).
func checkTransport(dial func(ctx context.Context, network, addr string) (net.Conn, error), insecure bool) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxResponseHeaderBytes = 1 << 20
	t.DialContext = dial
	t.TLSClientConfig = insecureTLS(insecure)
	return t
}

// insecureTLS is the TLS configuration of -k: certificates not verified.
func insecureTLS(insecure bool) *tls.Config {
	return &tls.Config{InsecureSkipVerify: insecure}
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
	if u, ok := w.(interface{ Unwrap() io.Writer }); ok {
		w = u.Unwrap()
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
	fmt.Fprintf(w, "%s %s from origin %s (%s, %s model)\n\n",
		s.bold(req.Method), s.bold(req.URL), s.bold(req.Origin.String()), loadWords(req), p.Name)
	printPreflightWhy(w, req, d)
	printTrace(w, res.Trace, s)
	fmt.Fprintln(w)
	if res.Allowed() {
		fmt.Fprintf(w, "%s status %d, script can read: %s\n", s.green("ALLOWED"), res.Response.Status,
			strings.Join(nonEmpty(res.Response.ReadableHeaderNames()), ", "))
	} else if d.NetError != "" {
		// Not a CORS verdict: the server never answered.
		fmt.Fprintf(w, "%s %s (no answer: not a CORS verdict)\n  Go: %v\n", s.red("NETWORK ERROR"), d.NetError, res.Err.Err)
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
		// Not a CORS verdict: the caller says what failed.
	case res.Err.Reason.IsCORP():
		printCORPConsole(w, indent, p, res, len(lines) == 0)
	case res.Err.Reason == fetch.ReasonORBBlocked:
		printORBConsole(w, indent, p, res)
	case len(lines) == 0 && scriptSees(res.Request.Kind) != "":
		fmt.Fprintf(w, "%sconsole: (no line naming the URL) %s\n", indent, scriptSees(res.Request.Kind))
	case len(lines) == 0:
		fmt.Fprintf(w, "%sconsole: (no CORS line) fetch() rejects with TypeError: %s\n", indent, p.TypeErrorMessage(res))
	}
}

// printAdvice prints the fixes and warnings of d.
func printAdvice(w io.Writer, d explain.Diagnosis, s style) {
	explain.WriteAdvice(w, d, explain.AdviceLayout{Spaced: true, Heading: s.bold, Header: s.green, Risk: s.red})
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
		if e.Kind == fetch.ExchangeHTTPCacheHit || e.Kind == fetch.ExchangeHTTPCacheUpdated {
			fmt.Fprintf(w, "%s\n", s.dim("= "+fetch.HTTPCacheLine(e)))
			fmt.Fprintf(w, "< %s\n", s.bold(fmt.Sprintf("%d %s", e.Status, http.StatusText(e.Status))))
			printHeaders(w, "< ", e.ResponseHeader, s)
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
