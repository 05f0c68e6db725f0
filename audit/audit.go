// Package audit probes a live endpoint for the CORS misconfigurations that
// let other websites read a logged-in user's data: origins reflected
// blindly, trusted null, sloppy allowlist matching, trusted third-party
// hosts, wildcards, missing Vary, permissive preflights, header injection.
//
// Unlike scanners that pattern-match headers, audit decides each finding's
// severity with the browser's own CORS check (the fetch package): a finding
// is high only when a page on the probe origin could read the response with
// the user's cookies.
package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/internal/httplist"
	"github.com/corskit/corskit/origin"
)

// Severity orders findings by exploitability.
type Severity int

// The severities, lowest first.
const (
	Info Severity = iota
	Low
	Medium
	High
)

var severityNames = []string{"info", "low", "medium", "high"}

func (s Severity) String() string {
	if s < Info || s > High {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// MarshalText writes the name, for JSON.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// ParseSeverity parses "high", "medium", "low" or "info".
func ParseSeverity(v string) (Severity, error) {
	if i := slices.Index(severityNames, v); i >= 0 {
		return Severity(i), nil
	}
	return 0, fmt.Errorf("severity %q: want high, medium, low or info", v)
}

// Finding is one misconfiguration on one URL.
type Finding struct {
	URL      string   `json:"url"`
	ID       string   `json:"id"`
	Severity Severity `json:"severity"`
	// Origin is the Origin header sent ("" for findings without one).
	Origin string `json:"origin"`
	// Credentials reports whether a page on Origin could read the response
	// with the user's cookies, by the browser's CORS check.
	Credentials bool     `json:"credentials"`
	Evidence    Evidence `json:"evidence"`
	Explanation string   `json:"explanation"`
	Fix         Fix      `json:"fix"`
}

// Evidence is the exchange that shows the finding.
type Evidence struct {
	Method          string      `json:"method"`
	RequestHeaders  http.Header `json:"request_headers"`
	Status          int         `json:"status"`
	ResponseHeaders http.Header `json:"response_headers"`
}

// Fix says how to close the hole.
type Fix struct {
	Headers string `json:"headers"` // the header-level change
	Config  string `json:"config"`  // the cors.Config that expresses the safe policy
}

// Target is one endpoint to audit.
type Target struct {
	URL     string
	Method  string         // "" means GET
	Headers []fetch.Header // sent with every probe, as the page's script would
}

// Result is the audit of one target.
type Result struct {
	URL      string    `json:"url"`
	Findings []Finding `json:"findings"`
	Probes   int       `json:"probes"` // requests sent
	Err      error     `json:"-"`      // the target could not be audited
}

// Scanner sends the probes. The zero value is not usable: use New.
type Scanner struct {
	client  *http.Client
	limiter *hostLimiter
	maxBody int64
}

// Options configure a Scanner.
type Options struct {
	// Transport sends the probes; nil means a fresh http.Transport.
	// Redirects are never followed: the audit is of the URL given.
	Transport http.RoundTripper
	// Timeout bounds each probe (default 10 s).
	Timeout time.Duration
	// RatePerHost caps probes per second to one host (0: no cap).
	RatePerHost float64
	// MaxBody caps how much of each response body is read (default 64 KiB).
	MaxBody int64
}

// New returns a Scanner.
func New(opts Options) *Scanner {
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = 64 << 10
	}
	tr := opts.Transport
	if tr == nil {
		tr = &http.Transport{MaxResponseHeaderBytes: 1 << 20, ResponseHeaderTimeout: opts.Timeout, MaxIdleConnsPerHost: 16}
	}
	return &Scanner{
		client: &http.Client{
			Transport:     tr,
			Timeout:       opts.Timeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		limiter: newHostLimiter(opts.RatePerHost),
		maxBody: opts.MaxBody,
	}
}

// exchange is one probe's request and response.
type exchange struct {
	method string
	req    http.Header
	status int
	resp   http.Header
	body   []byte
}

func (e *exchange) evidence() Evidence {
	return Evidence{Method: e.method, RequestHeaders: e.req, Status: e.status, ResponseHeaders: e.resp}
}

// send makes one request with the given Origin (and extra headers).
func (s *Scanner) send(ctx context.Context, method, target string, hdr http.Header) (*exchange, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, err
	}
	if err := s.limiter.wait(ctx, u.Host); err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, method, target, nil)
	if err != nil {
		return nil, err
	}
	req.Header = hdr
	res, err := s.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, s.maxBody))
	return &exchange{method: method, req: hdr, status: res.StatusCode, resp: res.Header, body: body}, nil
}

// verdict is what the browser's CORS check makes of a probe.
type verdict struct {
	ex        *exchange // the response that decides (the actual one)
	pre       *exchange // the preflight, when one was needed
	plain     bool      // a page on the origin can read the response without credentials
	cred      bool      // ... and with the user's credentials
	reflected bool      // Allow-Origin is exactly the origin sent
}

// probe sends what a page on origin o would send for the target (a
// preflight first when the method or headers need one) and applies the
// browser's checks to the answers.
func (s *Scanner) probe(ctx context.Context, t Target, cls fetch.Classification, o string, counter *int) (*verdict, error) {
	v := &verdict{plain: true, cred: true}
	if cls.Preflight {
		h := http.Header{"Origin": {o}, "Access-Control-Request-Method": {t.Method}, "Accept": {"*/*"}}
		if len(cls.UnsafeHeaders) > 0 {
			h.Set("Access-Control-Request-Headers", strings.Join(cls.UnsafeHeaders, ","))
		}
		pre, err := s.send(ctx, http.MethodOptions, t.URL, h)
		*counter++
		if err != nil {
			return nil, err
		}
		v.pre = pre
		for _, include := range []bool{false, true} {
			ok := pre.status >= 200 && pre.status < 300
			if r, _, _ := fetch.CheckCORS(pre.resp, o, include); r != fetch.ReasonNone {
				ok = false
			}
			m, hs := fetch.PreflightGaps(pre.resp, t.Method, cls.UnsafeHeaders, include, fetch.Chromium)
			ok = ok && !m && len(hs) == 0
			if include {
				v.cred = ok
			} else {
				v.plain = ok
			}
		}
	}
	h := http.Header{"Origin": {o}}
	for _, x := range cls.Headers {
		h.Add(x.Name, x.Value)
	}
	ex, err := s.send(ctx, t.Method, t.URL, h)
	*counter++
	if err != nil {
		return nil, err
	}
	v.ex = ex
	if r, _, _ := fetch.CheckCORS(ex.resp, o, false); r != fetch.ReasonNone {
		v.plain = false
	}
	if r, _, _ := fetch.CheckCORS(ex.resp, o, true); r != fetch.ReasonNone {
		v.cred = false
	}
	acao, _ := single(ex.resp, "Access-Control-Allow-Origin")
	v.reflected = acao == o
	return v, nil
}

// single returns a header's value as the browser reads it, and whether it
// has exactly one line.
func single(h http.Header, name string) (string, bool) {
	v, _ := fetch.HeaderValue(h, name)
	return v, len(h.Values(name)) == 1
}

// Scan audits one target.
func (s *Scanner) Scan(ctx context.Context, t Target) Result {
	res := Result{URL: t.URL, Findings: []Finding{}}
	if t.Method == "" {
		t.Method = http.MethodGet
	}
	u, err := url.Parse(t.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		res.Err = fmt.Errorf("%q is not an http or https URL", t.URL)
		return res
	}
	// The probes' page origin does not matter for classification: what
	// matters is which of the target's method and headers need a preflight.
	cls, err := fetch.Classify(fetch.Request{
		Origin: origin.MustParse("https://" + attackerDomain), Method: t.Method, URL: t.URL, Headers: t.Headers,
	}, fetch.Chromium)
	if err != nil {
		res.Err = fmt.Errorf("the target request: %v", err)
		return res
	}
	a := &auditor{s: s, t: t, u: u, cls: cls, res: &res}
	a.run(ctx)
	if res.Err == nil && ctx.Err() != nil {
		res.Err = ctx.Err()
	}
	slices.SortStableFunc(res.Findings, func(x, y Finding) int { return int(y.Severity) - int(x.Severity) })
	return res
}

// auditor is the state of one target's audit.
type auditor struct {
	s       *Scanner
	t       Target
	u       *url.URL
	cls     fetch.Classification
	res     *Result
	hit     map[string]bool
	allowed []string // probe or legit origins the server allowed
	vary    bool     // missing-vary already reported
}

func (a *auditor) run(ctx context.Context) {
	a.hit = map[string]bool{}
	// A baseline without Origin: is the server reachable at all?
	base, err := a.s.send(ctx, a.t.Method, a.t.URL, a.baseHeader())
	a.res.Probes++
	if err != nil {
		a.res.Err = err
		return
	}
	a.inspect(base, "", nil)

	for _, p := range Probes(a.u) {
		if ctx.Err() != nil {
			return
		}
		if a.hit[p.Class] || (a.hit[ReflectAnyOrigin] && implied(p.Class)) {
			continue // one finding per class; reflect-any implies the matching classes
		}
		v, err := a.s.probe(ctx, a.t, a.cls, p.Origin, &a.res.Probes)
		if err != nil {
			a.note(err)
			continue
		}
		a.inspect(v.ex, p.Origin, v)
		if v.plain || v.cred {
			a.allowed = append(a.allowed, p.Origin)
			if v.reflected {
				a.report(p.Class, p.Origin, v)
			}
		}
	}
	for _, o := range legitOrigins(a.u) {
		if ctx.Err() != nil {
			return
		}
		v, err := a.s.probe(ctx, a.t, a.cls, o, &a.res.Probes)
		if err != nil {
			a.note(err)
			continue
		}
		a.inspect(v.ex, o, v)
		if v.plain || v.cred {
			a.allowed = append(a.allowed, o)
		}
	}
	a.preflightProbe(ctx)
	a.injectionProbe(ctx)
}

func (a *auditor) baseHeader() http.Header {
	h := http.Header{}
	for _, x := range a.cls.Headers {
		h.Add(x.Name, x.Value)
	}
	return h
}

// note keeps the first probe error when nothing else went wrong: a target
// that answered some probes is audited, with what it answered.
func (a *auditor) note(err error) {
	if a.res.Probes <= 1 && a.res.Err == nil {
		a.res.Err = err
	}
}

// implied reports whether a reflect-any-origin hit makes class redundant.
func implied(class string) bool {
	switch class {
	case PrefixMatch, SuffixMatch, SubstringMatch, UnescapedDot, SpecialChars, InsecureScheme,
		AnySubdomain, ThirdPartyOrigin, LocalhostOrigin:
		return true
	}
	return false
}

// inspect looks at any response for the classes visible in headers alone:
// wildcards, invalid Allow-Origin values, missing Vary.
func (a *auditor) inspect(ex *exchange, sent string, v *verdict) {
	if ex == nil {
		return
	}
	acao, one := single(ex.resp, "Access-Control-Allow-Origin")
	if acao == "" && len(ex.resp.Values("Access-Control-Allow-Origin")) == 0 {
		return
	}
	acac, _ := single(ex.resp, "Access-Control-Allow-Credentials")
	switch {
	case acao == "*" && one:
		if acac == "true" && !a.hit[WildcardWithCredentials] {
			a.hit[WildcardWithCredentials] = true
			a.add(Finding{ID: WildcardWithCredentials, Severity: Low, Origin: sent, Evidence: ex.evidence(),
				Explanation: "Access-Control-Allow-Origin: * with Access-Control-Allow-Credentials: true: browsers refuse this combination, so credentialed calls fail, and the intent (any site, with cookies) would be a hole if it worked.",
				Fix: Fix{Headers: "Either name the trusted origin instead of *, or drop Access-Control-Allow-Credentials.",
					Config: "cors.Config{AllowedOrigins: []string{\"" + names(a.u).self + "\"}, AllowCredentials: true}"}})
		}
		if !a.hit[WildcardOrigin] {
			a.hit[WildcardOrigin] = true
			sev, why := Info, "Any website may read this response (without cookies). Fine for public data."
			if looksPrivate(ex) {
				sev, why = Low, "Any website may read this response, which looks user-specific (it sets cookies or is marked private)."
			}
			a.add(Finding{ID: WildcardOrigin, Severity: sev, Origin: sent, Evidence: ex.evidence(), Explanation: why,
				Fix: Fix{Headers: "Keep * only for public, cookie-free resources; list the trusted origins otherwise.",
					Config: "cors.Config{AllowedOrigins: []string{\"*\"}} for public data only"}})
		}
	case acao != sent && (!one || strings.ContainsAny(acao, " ,") || (acao != "null" && acao != "*" && !validOrigin(acao))):
		if !a.hit[InvalidACAO] {
			a.hit[InvalidACAO] = true
			a.add(Finding{ID: InvalidACAO, Severity: Info, Origin: sent, Evidence: ex.evidence(),
				Explanation: fmt.Sprintf("Access-Control-Allow-Origin %q is not one origin: browsers allow nothing with it (a functional bug, not a hole).", acao),
				Fix: Fix{Headers: "Send exactly one Access-Control-Allow-Origin line, the request's origin byte for byte, when it is trusted.",
					Config: "cors.Config{AllowedOrigins: []string{...}} sends exactly one value"}})
		}
	default:
		// A specific origin (or null) allowed: the answer depends on Origin.
		if !a.vary && !varies(ex.resp, "Origin") {
			a.vary = true
			sev, why := Low, "The response names an origin in Access-Control-Allow-Origin but has no Vary: Origin, so a shared cache can serve it to other origins (and serve other origins' answers here)."
			if cacheVisible(ex.resp) {
				sev, why = Medium, why+" A cache is in front of this endpoint (its headers show it), so cache poisoning is practical."
			}
			a.add(Finding{ID: MissingVary, Severity: sev, Origin: sent, Credentials: v != nil && v.cred, Evidence: ex.evidence(), Explanation: why,
				Fix: Fix{Headers: "Add Vary: Origin to every response whose CORS headers depend on the Origin (and to the response without Origin).",
					Config: "the cors middleware adds Vary: Origin to every response it touches"}})
		}
	}
}

func validOrigin(s string) bool { _, err := origin.Parse(s); return err == nil }

func varies(h http.Header, name string) bool {
	return httplist.HasFold(h.Values("Vary"), name) || httplist.HasFold(h.Values("Vary"), "*")
}

// cacheVisible reports headers that shared caches add.
func cacheVisible(h http.Header) bool {
	for _, n := range []string{"Age", "X-Cache", "CF-Cache-Status", "X-Served-By", "X-Cache-Hits", "X-Varnish", "Via"} {
		if h.Get(n) != "" {
			return true
		}
	}
	return false
}

func looksPrivate(ex *exchange) bool {
	if len(ex.resp.Values("Set-Cookie")) > 0 {
		return true
	}
	cc := strings.ToLower(ex.resp.Get("Cache-Control"))
	return strings.Contains(cc, "private")
}

// severity of a reflected-origin class, by who can serve the origin and
// whether a credentialed read works.
func severity(class string, cred bool) Severity {
	conditional := class == AnySubdomain || class == InsecureScheme || class == LocalhostOrigin
	switch {
	case cred && !conditional:
		return High
	case cred:
		return Medium
	case !conditional:
		return Low
	}
	return Info
}

var explanations = map[string]string{
	ReflectAnyOrigin: "The server echoes any Origin in Access-Control-Allow-Origin: every website can read this endpoint",
	NullOrigin:       "The server allows Origin: null, which any page can send from a sandboxed iframe or a data: URL",
	PrefixMatch:      "The server allows an origin that merely starts with the target's host, e.g. a subdomain of the attacker's domain",
	SuffixMatch:      "The server allows an origin that merely ends with the target's domain: anyone can register such a domain",
	SubstringMatch:   "The server allows an origin that merely contains or is contained in the target's host",
	UnescapedDot:     "The server's pattern leaves a dot unescaped: a host with another character in its place is allowed",
	SpecialChars:     "The server allows the target's host followed by a character some browsers accept in subdomains, under the attacker's domain",
	InsecureScheme:   "The https endpoint trusts an http:// origin: a network attacker can inject script into that origin",
	AnySubdomain:     "The server trusts any subdomain: one XSS or subdomain takeover anywhere under the domain reads this endpoint",
	ThirdPartyOrigin: "The server trusts an origin where anyone can publish script (hosting, code playgrounds)",
	LocalhostOrigin:  "The server trusts localhost origins: any local app or malware serving a page there can read this endpoint",
}

func (a *auditor) report(class, o string, v *verdict) {
	a.hit[class] = true
	why := explanations[class]
	if v.cred {
		why += ", with the user's cookies (Access-Control-Allow-Credentials: true)."
	} else {
		why += ", though without cookies (no Access-Control-Allow-Credentials: true)."
	}
	ex := v.ex
	a.add(Finding{ID: class, Severity: severity(class, v.cred), Origin: o, Credentials: v.cred, Evidence: ex.evidence(),
		Explanation: why,
		Fix: Fix{
			Headers: fmt.Sprintf("Compare the Origin against an exact list of trusted origins and send Access-Control-Allow-Origin only for them; never derive it from %q.", o),
			Config:  fmt.Sprintf("cors.Config{AllowedOrigins: []string{%q}, AllowCredentials: %v}", names(a.u).self, v.cred),
		}})
}

func (a *auditor) add(f Finding) {
	f.URL = a.t.URL
	a.res.Findings = append(a.res.Findings, f)
}

// preflightProbe asks, from an origin the server allows, for a method and
// headers nobody would configure: a server that approves them with
// credentials approves anything.
func (a *auditor) preflightProbe(ctx context.Context) {
	if len(a.allowed) == 0 || ctx.Err() != nil {
		return
	}
	o := a.allowed[0]
	h := http.Header{"Origin": {o}, "Access-Control-Request-Method": {"CORSKIT"}, "Accept": {"*/*"},
		"Access-Control-Request-Headers": {"x-corskit-probe-a,x-corskit-probe-b"}}
	ex, err := a.s.send(ctx, http.MethodOptions, a.t.URL, h)
	a.res.Probes++
	if err != nil || ex.status < 200 || ex.status > 299 {
		return
	}
	if r, _, _ := fetch.CheckCORS(ex.resp, o, true); r != fetch.ReasonNone {
		return
	}
	m, hs := fetch.PreflightGaps(ex.resp, "CORSKIT", []string{"x-corskit-probe-a", "x-corskit-probe-b"}, true, fetch.Chromium)
	if m && len(hs) == 2 {
		return
	}
	what := "any requested header"
	if !m {
		what = "any method"
		if len(hs) == 0 {
			what = "any method and any requested header"
		}
	}
	a.add(Finding{ID: PermissivePreflight, Severity: Medium, Origin: o, Credentials: true, Evidence: ex.evidence(),
		Explanation: fmt.Sprintf("The preflight approves %s, with credentials: every state-changing call the API has can be made from %s.", what, o),
		Fix: Fix{Headers: "Answer preflights with the methods and headers the API uses, listed, not echoed.",
			Config: "cors.Config{AllowedMethods: []string{...}, AllowedHeaders: []string{...}} lists them"}})
}

// injectionProbe sends Origins with encoded line breaks.
func (a *auditor) injectionProbe(ctx context.Context) {
	for _, o := range injectionOrigins(a.u) {
		if ctx.Err() != nil {
			return
		}
		h := a.baseHeader()
		h.Set("Origin", o)
		ex, err := a.s.send(ctx, a.t.Method, a.t.URL, h)
		a.res.Probes++
		if err != nil {
			continue
		}
		if ex.resp.Get("X-Corskit-Injected") != "" {
			a.add(Finding{ID: HeaderInjection, Severity: High, Origin: o, Evidence: ex.evidence(),
				Explanation: "The server decodes line breaks in the Origin and writes them into its response: the Origin header forges response headers (and can split the response).",
				Fix: Fix{Headers: "Never decode or reflect the raw Origin; compare it with a list of trusted origins and send the listed value.",
					Config: "cors.Config{AllowedOrigins: []string{...}} only ever sends configured values"}})
			return
		}
	}
}

// hostLimiter spaces requests to each host.
type hostLimiter struct {
	every time.Duration
	mu    sync.Mutex
	next  map[string]time.Time
}

func newHostLimiter(perSecond float64) *hostLimiter {
	l := &hostLimiter{next: map[string]time.Time{}}
	if perSecond > 0 {
		l.every = time.Duration(float64(time.Second) / perSecond)
	}
	return l
}

func (l *hostLimiter) wait(ctx context.Context, host string) error {
	if l.every == 0 {
		return nil
	}
	l.mu.Lock()
	now := time.Now()
	at := l.next[host]
	if at.Before(now) {
		at = now
	}
	l.next[host] = at.Add(l.every)
	if len(l.next) > 4096 { // forget hosts whose slot is past: memory stays bounded
		for h, t := range l.next {
			if t.Before(now) {
				delete(l.next, h)
			}
		}
	}
	l.mu.Unlock()
	if d := time.Until(at); d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// MarshalJSON writes a Result with its error as a string.
func (r Result) MarshalJSON() ([]byte, error) {
	type plain Result
	out := struct {
		plain
		Error string `json:"error,omitempty"`
	}{plain: plain(r)}
	if r.Err != nil {
		out.Error = r.Err.Error()
	}
	return json.Marshal(out)
}
