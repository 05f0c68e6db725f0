package audit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
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

// UnmarshalText reads the name, for JSON.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	*s = v
	return err
}

// ParseSeverity parses "high", "medium", "low" or "info".
func ParseSeverity(v string) (Severity, error) {
	if i := slices.Index(severityNames, v); i >= 0 {
		return Severity(i), nil
	}
	return 0, fmt.Errorf("severity %q: want high, medium, low or info", v)
}

// Finding is one misconfiguration on one endpoint (URL and method).
type Finding struct {
	URL      string   `json:"url"`
	Method   string   `json:"method"`
	ID       string   `json:"id"`
	Severity Severity `json:"severity"`
	// Origin is the Origin header sent ("" for findings without one).
	Origin string `json:"origin"`
	// Credentials reports whether a page on Origin could read the response
	// with the user's cookies, by the browser's CORS check.
	Credentials bool     `json:"credentials"`
	Evidence    Evidence `json:"evidence"`
	// Followup is the second exchange of a finding that takes two (the
	// cache-poisoning proof: the answer another origin then got).
	Followup    *Evidence `json:"followup,omitempty"`
	Explanation string    `json:"explanation"`
	Fix         Fix       `json:"fix"`
}

// Evidence is the exchange that shows the finding.
type Evidence struct {
	Method string `json:"method"`
	// URL is the URL requested, with the probe's cache-busting parameter.
	URL             string      `json:"url"`
	RequestHeaders  http.Header `json:"request_headers"`
	Status          int         `json:"status"`
	ResponseHeaders http.Header `json:"response_headers"`
}

// Fix says how to close the hole.
type Fix struct {
	Headers string `json:"headers"` // the header-level change
	Config  string `json:"config"`  // the cors.Config that expresses the safe policy
	// Stack is the same fix in the recognised server stack's own setting
	// ("" when the stack is unknown).
	Stack string `json:"stack,omitempty"`
}

// Target is one endpoint to audit.
type Target struct {
	URL     string
	Method  string         // "" means GET
	Headers []fetch.Header // sent with every probe, as the page's script would
	// Cookie is sent with every probe, to audit as a logged-in user (a
	// credentialed request carries the user's cookies). Reports say that
	// a cookie was sent, never its value.
	Cookie string
}

// Result is the audit of one endpoint.
type Result struct {
	URL      string    `json:"url"`
	Method   string    `json:"method"`
	Findings []Finding `json:"findings"`
	Probes   int       `json:"probes"` // requests sent
	// Requests counts the requests sent by method: a state-changing
	// method is sent only where a browser would send it (after a
	// preflight that allowed it, for a method that needs one).
	Requests map[string]int `json:"requests"`
	// CookieSent reports that the probes carried Target.Cookie (all but
	// the cache-key check's and the embed probe's loads without it).
	CookieSent bool `json:"cookie_sent,omitempty"`
	// Allowed are the origins the server allows that no probe showed to
	// be a hole: the real front ends, as far as the audit could tell.
	Allowed []string `json:"allowed_origins"`
	// Stack is the server stack recognised from the answers, if any.
	Stack *Stack `json:"stack,omitempty"`
	// Partial says why the audit stopped before its last probe (the
	// per-target deadline, or the run being stopped); the findings are
	// those of the probes that completed.
	Partial string `json:"partial,omitempty"`
	Err     error  `json:"-"` // the target could not be audited
}

// Scanner sends the probes. The zero value is not usable: use New.
type Scanner struct {
	client        *http.Client
	limiter       *hostLimiter
	maxBody       int64
	targetTimeout time.Duration
	noBust        bool
	prove         bool
	origins       []string
	websocket     bool
}

// Options configure a Scanner.
type Options struct {
	// Transport sends the probes; nil means a fresh http.Transport.
	// Redirects are never followed: the audit is of the URL given.
	Transport http.RoundTripper
	// Timeout bounds each probe (default 10 s).
	Timeout time.Duration
	// TargetTimeout bounds the whole audit of one target (default 3 min):
	// a server that answers each probe just before Timeout cannot hold a
	// run for probes × Timeout. A target that hits it is reported as
	// partially audited (Result.Partial).
	TargetTimeout time.Duration
	// RatePerHost caps probes per second to one host (0: no cap).
	RatePerHost float64
	// MaxBody caps how much of each response body is read (default 64 KiB).
	MaxBody int64
	// NoCacheBust stops the audit from adding CacheBustParam with a
	// unique value to each probe's URL. Without it, a shared cache in
	// front of the target answers probes from (and fills) the entries
	// real users get; use it only for endpoints that reject unknown
	// query parameters, and expect a cache to hide what the server does.
	NoCacheBust bool
	// ProveCachePoisoning sends, on a throwaway URL of its own (the
	// target with a unique CacheBustParam), a request with an allowed
	// origin, then requests with another origin and with none, and
	// reports cache-poisoning when a cache served the first origin's
	// grant to them. It never touches the URL real users fetch.
	ProveCachePoisoning bool
	// Origins are origins the deployment is known to trust (its front
	// ends): they seed the allowlist the audit learns and attacks.
	Origins []string
	// WebSocket adds, to each GET endpoint, one WebSocket handshake from
	// an attacker's origin (CrossSiteWebSocket). A ws:// or wss:// target
	// gets that handshake alone, whatever this says.
	WebSocket bool
}

// MaxResponseHeaderBytes is the largest response header a probe reads
// (Options.Transport should say the same): a server that sends megabytes
// of headers still answers, and its CORS headers are judged like any
// other's; memory stays bounded per probe.
const MaxResponseHeaderBytes = 16 << 20

// New returns a Scanner.
func New(opts Options) *Scanner {
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	if opts.TargetTimeout <= 0 {
		opts.TargetTimeout = 3 * time.Minute
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = 64 << 10
	}
	tr := opts.Transport
	if tr == nil {
		tr = &http.Transport{MaxResponseHeaderBytes: MaxResponseHeaderBytes, ResponseHeaderTimeout: opts.Timeout, MaxIdleConnsPerHost: 16}
	}
	return &Scanner{
		client: &http.Client{
			Transport:     tr,
			Timeout:       opts.Timeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		limiter:       newHostLimiter(opts.RatePerHost),
		maxBody:       opts.MaxBody,
		targetTimeout: opts.TargetTimeout,
		noBust:        opts.NoCacheBust,
		prove:         opts.ProveCachePoisoning,
		origins:       slices.Clone(opts.Origins),
		websocket:     opts.WebSocket,
	}
}

// exchange is one probe's request and response.
type exchange struct {
	method string
	url    string
	req    http.Header
	status int
	resp   http.Header
	cut    bool // the body was still coming when the probe stopped reading
	// sum is a digest of the body as read (at most MaxBody bytes), to
	// tell two answers apart (the embed probe); meaningless when cut.
	sum uint64
	// head is the body's first headLen bytes, for what browsers sniff
	// (the embed probe's Opaque Response Blocking).
	head []byte
}

func (e *exchange) evidence() Evidence {
	req := e.req
	if c := req.Get("Cookie"); c != "" {
		req = req.Clone()
		req.Set("Cookie", fmt.Sprintf("(sent, %d bytes, not shown)", len(c)))
	}
	return Evidence{Method: e.method, URL: e.url, RequestHeaders: req, Status: e.status, ResponseHeaders: e.resp}
}

// do makes one request to exactly this URL, reading its body for at most
// wait.
func (s *Scanner) do(ctx context.Context, method, target string, hdr http.Header, wait time.Duration) (*exchange, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, err
	}
	if err := s.limiter.wait(ctx, strings.ToLower(u.Host)); err != nil {
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
	// The headers are the answer: the browser's CORS check reads nothing
	// else. The body is read (bounded in size and in time) only so that
	// the connection is reused; a body that streams (server-sent events)
	// or drips is cut off, never a reason to call the server unreachable.
	cut, sum, head := s.drain(res.Body, wait)
	return &exchange{method: method, url: target, req: hdr, status: res.StatusCode, resp: res.Header, cut: cut, sum: sum, head: head}, nil
}

// bodyWait bounds how long a probe reads a body after its headers came.
const bodyWait = 300 * time.Millisecond

// drain reads and closes a body, at most maxBody bytes for at most wait;
// a body still coming then is abandoned with its connection, and drain
// reports that it was cut off. sum is a digest of what it read, head its
// first headLen bytes.
func (s *Scanner) drain(body io.ReadCloser, wait time.Duration) (cut bool, sum uint64, head []byte) {
	var timedOut atomic.Bool
	stop := time.AfterFunc(wait, func() { timedOut.Store(true); body.Close() })
	var h maphash.Hash
	h.SetSeed(bodySeed)
	first := &prefix{n: headLen}
	io.Copy(io.MultiWriter(&h, first), io.LimitReader(body, s.maxBody))
	stop.Stop()
	body.Close()
	return timedOut.Load(), h.Sum64(), first.b
}

// headLen is how much of a body an exchange keeps: what browsers sniff
// (Opaque Response Blocking reads the first 1,024 bytes).
const headLen = 1024

// prefix keeps the first n bytes written to it.
type prefix struct {
	b []byte
	n int
}

func (p *prefix) Write(b []byte) (int, error) {
	if room := p.n - len(p.b); room > 0 {
		p.b = append(p.b, b[:min(room, len(b))]...)
	}
	return len(b), nil
}

// bodySeed makes body digests comparable within the process.
var bodySeed = maphash.MakeSeed()

// send makes one probe request: on a URL of its own (unless NoCacheBust)
// and asking caches not to answer from storage, with the target's cookie.
func (a *auditor) send(ctx context.Context, method string, hdr http.Header) (*exchange, error) {
	return a.sendAs(ctx, method, hdr, true)
}

// sendAs is send, with the target's cookie only when cookie is set (a
// page's fetch without credentials sends none).
func (a *auditor) sendAs(ctx context.Context, method string, hdr http.Header, cookie bool) (*exchange, error) {
	if a.cached != nil {
		return nil, errFromCache // nothing more once a cache answered
	}
	target := a.t.URL
	if !a.s.noBust {
		target = withParam(target, CacheBustParam, cacheBustValue())
		hdr.Set("Cache-Control", "no-cache")
		hdr.Set("Pragma", "no-cache")
	}
	if cookie && a.t.Cookie != "" {
		hdr.Set("Cookie", a.t.Cookie)
	}
	ex, err := a.request(ctx, method, target, hdr)
	if err != nil {
		return nil, err
	}
	a.observe(ex, method == http.MethodOptions)
	if cacheHit(ex.resp) {
		// The answer is a cache's, not the server's: judging it would
		// report what the cache holds (and a unique URL that hits means
		// the cache-buster is not in the key, so the probes write into
		// the entry real users get). Stop here.
		a.cached = ex
		return nil, errFromCache
	}
	return ex, nil
}

// request sends one request and counts it. Once one body of the target
// streamed past bodyWait (server-sent events, a dripping body), the next
// probes read only the headers: each would wait the same for nothing.
func (a *auditor) request(ctx context.Context, method, target string, hdr http.Header) (*exchange, error) {
	a.res.Probes++
	a.res.Requests[method]++
	wait := bodyWait
	if a.streams {
		wait = 0
	}
	ex, err := a.s.do(ctx, method, target, hdr, wait)
	if err == nil && ex.cut {
		a.streams = true
	}
	return ex, err
}

// verdict is what the browser's CORS check makes of a probe.
type verdict struct {
	ex        *exchange // the response that decides (the actual one)
	pre       *exchange // the preflight, when one was needed
	plain     bool      // a page on the origin can read the response without credentials
	cred      bool      // ... and with the user's credentials
	reflected bool      // Allow-Origin is exactly the origin sent
	// redirect: the answer is a 3xx, which the browser follows and no
	// page ever reads; only the final response could be read.
	redirect bool
}

func (v *verdict) allowed() bool { return v.plain || v.cred }

// probe sends what a page on origin o would send for the target (a
// preflight first when the method or headers need one) and applies the
// browser's checks to the answers.
func (a *auditor) probe(ctx context.Context, o string) (*verdict, error) {
	t, cls := a.t, a.cls
	v := &verdict{plain: true, cred: true}
	if cls.Preflight {
		h := http.Header{"Origin": {o}, "Access-Control-Request-Method": {t.Method}, "Accept": {"*/*"}}
		if len(cls.UnsafeHeaders) > 0 {
			h.Set("Access-Control-Request-Headers", strings.Join(cls.UnsafeHeaders, ","))
		}
		pre, err := a.send(ctx, http.MethodOptions, h)
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
		if !v.allowed() || (!safeMethod(t.Method) && o != "null" && !validOrigin(o)) {
			// The browser stops at a refused preflight: the method itself
			// is never sent (a DELETE after a 403 would be the audit's
			// own, with the user's cookie). Nor does any page send it from
			// an origin no browser serializes (the special characters'
			// %60): the preflight's answer is the verdict.
			v.ex = pre
			acao, _ := single(pre.resp, "Access-Control-Allow-Origin")
			v.reflected = acao == o
			a.inspect(pre, o, v)
			return v, nil
		}
	}
	h := a.baseHeader()
	h.Set("Origin", o)
	// After a preflight that passed only without credentials, the only
	// page that gets to send the method is one that sends no cookie.
	ex, err := a.sendAs(ctx, t.Method, h, v.cred)
	if err != nil {
		return nil, err
	}
	v.ex = ex
	v.redirect = ex.status >= 300 && ex.status < 400
	if r, _, _ := fetch.CheckCORS(ex.resp, o, false); r != fetch.ReasonNone {
		v.plain = false
	}
	if r, _, _ := fetch.CheckCORS(ex.resp, o, true); r != fetch.ReasonNone {
		v.cred = false
	}
	acao, _ := single(ex.resp, "Access-Control-Allow-Origin")
	v.reflected = acao == o
	a.inspect(ex, o, v)
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
	if t.Method == "" {
		t.Method = http.MethodGet
	}
	res := Result{URL: t.URL, Method: t.Method, Findings: []Finding{}, Allowed: []string{}, CookieSent: t.Cookie != "", Requests: map[string]int{}}
	u, err := url.Parse(t.URL)
	if err == nil && isWebSocketURL(u) && u.Host != "" {
		return s.scanWebSocket(ctx, t, u)
	}
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		res.Err = fmt.Errorf("target %q: not an absolute http(s):// or ws(s):// URL", t.URL)
		return res
	}
	// The probes' page origin does not matter for classification: what
	// matters is which of the target's method and headers need a preflight.
	cls, err := fetch.Classify(fetch.Request{
		Origin: origin.MustParse("https://" + attackerDomain), Method: t.Method, URL: t.URL, Headers: t.Headers,
	}, fetch.Chromium)
	if err != nil {
		res.Err = fmt.Errorf("%s %s: %w", t.Method, t.URL, err) // as run's errors name the target
		return res
	}
	tctx, cancel := context.WithTimeout(ctx, s.targetTimeout)
	defer cancel()
	a := &auditor{s: s, t: t, u: u, n: names(u), cls: cls, res: &res, hit: map[string]bool{}, sent: map[string]bool{}}
	a.run(tctx)
	if s.websocket && t.Method == http.MethodGet && res.Err == nil && a.cached == nil && tctx.Err() == nil {
		if err := a.webSocketProbe(tctx, t.URL); err != nil {
			res.Err = fmt.Errorf("GET %s (WebSocket handshake): %w", t.URL, err)
		}
	}
	if a.cached != nil {
		a.cacheLimited()
	} else if res.Err == nil && tctx.Err() != nil {
		if ctx.Err() != nil {
			res.Partial = fmt.Sprintf("stopped after %d probes: partially audited", res.Probes)
		} else {
			res.Partial = fmt.Sprintf("the per-target deadline (%v) passed after %d probes: partially audited", s.targetTimeout, res.Probes)
		}
	}
	a.finish()
	slices.SortStableFunc(res.Findings, func(x, y Finding) int { return int(y.Severity) - int(x.Severity) })
	return res
}

// auditor is the state of one target's audit.
type auditor struct {
	s    *Scanner
	t    Target
	u    *url.URL
	n    targetNames
	cls  fetch.Classification
	res  *Result
	hit  map[string]bool // classes reported
	sent map[string]bool // origins probed
	hits []hit           // probe origins the server allowed
	// legit are candidate origins the server allowed; bases are the
	// allowed origins probes are derived from.
	legit, bases []string
	named        []string // origins the server named in a fixed Allow-Origin
	hsts         http.Header
	fixedACAO    string   // Allow-Origin of the answer without Origin: a fixed value
	vary         bool     // missing-vary already reported
	stack        observed // what the answers showed of the stack
	// cached is the answer a shared cache gave a probe: the audit stops
	// at it (see sendAs and checkCacheKey).
	cached *exchange
	// streams: a body of this target's was still coming after bodyWait.
	streams bool
}

// errFromCache is a probe's error once a shared cache has answered one.
var errFromCache = errors.New("a shared cache answered: audit limited")

// hit is a probe origin the server allowed.
type hit struct {
	Probe
	v *verdict
}

func (a *auditor) run(ctx context.Context) {
	// First, before anything a cache could store under the URL real users
	// fetch: is the cache-buster in the shared cache's key?
	if !a.s.noBust {
		if err := a.checkCacheKey(ctx); err != nil {
			if !errors.Is(err, errFromCache) {
				a.res.Err = fmt.Errorf("%s %s: %w", a.t.Method, a.t.URL, err)
			}
			return
		}
	}
	// A baseline without Origin: is the server reachable at all? No page
	// sends a state-changing method without Origin, so for those it is a
	// GET.
	method := a.t.Method
	if !safeMethod(method) {
		method = http.MethodGet
	}
	base, err := a.send(ctx, method, a.baseHeader())
	if errors.Is(err, errFromCache) {
		return
	}
	if err != nil {
		a.res.Err = fmt.Errorf("%s %s: %w", a.t.Method, a.t.URL, err)
		return
	}
	if a.n.scheme == "https" {
		a.hsts = base.resp
	}
	a.fixedACAO, _ = single(base.resp, "Access-Control-Allow-Origin")
	a.inspect(base, "", nil)

	all := Probes(a.u)
	// Reflect-any and null first: a server that reflects everything needs
	// no allowlist discovery.
	a.try(ctx, all[:2])
	if ctx.Err() != nil || a.cached != nil {
		return
	}
	reflects := a.hitClass(ReflectAnyOrigin)

	// Learn the allowlist: the usual front ends, those given, local
	// development origins, and those the server names itself.
	for _, o := range candidates(a.u, a.s.origins) {
		a.discover(ctx, o, "")
	}
	if !isLoopback(a.n.host) { // a local target trusting local pages is expected
		for _, o := range localhostOrigins() {
			a.discover(ctx, o, LocalhostOrigin)
		}
	}
	for i := 0; i < len(a.named) && i < 8; i++ {
		a.discover(ctx, a.named[i], "")
	}
	if !reflects {
		ps := all[2:]
		for i, b := range a.bases {
			if i == 8 { // bounded work per target, whatever the server allows
				break
			}
			ps = append(ps, AroundOrigin(b)...)
		}
		slices.SortStableFunc(ps, func(x, y Probe) int { return classOrder(x.Class) - classOrder(y.Class) })
		a.try(ctx, ps)
	}
	if ctx.Err() != nil || a.cached != nil {
		return
	}
	a.resolve()
	a.preflightProbe(ctx)
	a.injectionProbe(ctx)
	a.embedProbe(ctx)
	if a.s.prove && safeMethod(a.t.Method) && a.cached == nil { // caches store GET and HEAD answers
		a.provePoisoning(ctx)
	}
}

// safeMethod reports whether a method changes nothing on the server (RFC
// 9110): the only ones the audit sends without a browser's reason to.
func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

var probeOrder = []string{ReflectAnyOrigin, NullOrigin, LocalhostOrigin, AnySubdomain, PrefixMatch, SuffixMatch, SubstringMatch,
	UnescapedDot, SpecialChars, InsecureScheme, AnyPort, TrailingDot, ThirdPartyOrigin}

func classOrder(c string) int { return slices.Index(probeOrder, c) }

// try sends each probe not sent yet and keeps those the server allows.
func (a *auditor) try(ctx context.Context, ps []Probe) {
	for _, p := range ps {
		if ctx.Err() != nil {
			return
		}
		if a.sent[p.Origin] {
			continue
		}
		a.sent[p.Origin] = true
		v, err := a.probe(ctx, p.Origin)
		if err != nil {
			continue // a probe that failed says nothing; the others still count
		}
		if v.allowed() && v.reflected {
			a.hits = append(a.hits, hit{p, v})
			if p.Class == ReflectAnyOrigin || p.Class == NullOrigin {
				a.report(p.Class, p.Origin, v)
			}
		}
	}
}

func (a *auditor) hitClass(c string) bool { return a.hit[c] }

// discover probes a candidate origin; an allowed one joins the allowlist
// (class "") or is a finding of its class.
func (a *auditor) discover(ctx context.Context, o, class string) {
	if ctx.Err() != nil || a.sent[o] || !validOrigin(o) {
		return
	}
	a.sent[o] = true
	v, err := a.probe(ctx, o)
	// Only an answer that names the origin says the server trusts it:
	// under Access-Control-Allow-Origin: * every origin is "allowed",
	// which is the wildcard finding, not an allowlist entry.
	if err != nil || !v.allowed() || !v.reflected {
		return
	}
	if class != "" {
		a.hits = append(a.hits, hit{Probe{Class: class, Origin: o}, v})
	} else {
		a.legit = append(a.legit, o)
	}
	a.bases = append(a.bases, o)
}

func (a *auditor) baseHeader() http.Header {
	h := http.Header{}
	for _, x := range a.cls.Headers {
		h.Add(x.Name, x.Value)
	}
	return h
}

// implied reports whether a reflect-any-origin hit makes class redundant.
func implied(class string) bool {
	switch class {
	case PrefixMatch, SuffixMatch, SubstringMatch, UnescapedDot, SpecialChars, InsecureScheme,
		AnySubdomain, AnyPort, ThirdPartyOrigin, LocalhostOrigin, TrailingDot:
		return true
	}
	return false
}

// resolve reports the allowed probes, one finding per class, leaving out
// those another class explains: a pattern that accepts everything ending
// in example.com accepts apixexample.com too, which is the suffix hole,
// not an unescaped dot.
func (a *auditor) resolve() {
	reflects := a.hit[ReflectAnyOrigin]
	// The patterns the hits prove the server uses.
	var suffixes, prefixes []string // registrable suffixes accepted; prefixes accepted
	subdomainOf := ""
	for _, h := range a.hits {
		host := hostOf(h.Origin)
		switch h.Class {
		case SuffixMatch:
			if t, ok := strings.CutPrefix(host, "corskit-"); ok {
				suffixes = append(suffixes, t)
			} else if t, ok := strings.CutPrefix(host, "corskit"); ok {
				suffixes = append(suffixes, t)
			}
		case PrefixMatch:
			if p, ok := strings.CutSuffix(h.Origin, "."+attackerDomain); ok {
				prefixes = append(prefixes, p)
			}
		case AnySubdomain:
			subdomainOf = strings.TrimPrefix(host, "corskit-probe.")
		}
	}
	endsWithAny := func(host string, under bool) bool {
		for _, t := range suffixes {
			if host != t && strings.HasSuffix(host, t) && (!under || registrable(t) == t) {
				return true
			}
		}
		return false
	}
	startsWithAny := func(o string) bool {
		for _, p := range prefixes {
			if o != p && strings.HasPrefix(o, p) {
				return true
			}
		}
		return false
	}
	underSub := func(host string) bool { return subdomainOf != "" && strings.HasSuffix(host, "."+subdomainOf) }
	for _, h := range a.hits {
		if a.hit[h.Class] || (reflects && implied(h.Class)) {
			continue
		}
		host := hostOf(h.Origin)
		explained := false
		switch h.Class {
		case UnescapedDot:
			explained = endsWithAny(host, false) || underSub(host) || startsWithAny(h.Origin)
		case SpecialChars, TrailingDot, AnyPort:
			explained = startsWithAny(h.Origin)
		case AnySubdomain:
			explained = endsWithAny(host, true)
		case SuffixMatch:
			explained = underSub(host)
		case SubstringMatch:
			explained = startsWithAny(h.Origin)
		}
		if !explained {
			a.report(h.Class, h.Origin, h.v)
		}
	}
}

// observe recognises the stack, and its layers, from every answer.
func (a *auditor) observe(ex *exchange, preflight bool) {
	a.stack.see(ex.resp, ex.status)
}

// inspect looks at any response for the classes visible in headers alone:
// wildcards, invalid Allow-Origin values, missing Vary; and collects the
// origins the server names itself.
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
				Fix:         Fix{Headers: "Either name the trusted origins instead of *, or drop Access-Control-Allow-Credentials."}})
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
		if acao != sent && acao != "null" && !slices.Contains(a.named, acao) && len(a.named) < 16 {
			a.named = append(a.named, acao) // a fixed Allow-Origin names a trusted origin
		}
		// The answer names the origin sent: it depends on Origin. (A fixed
		// Allow-Origin, whatever the request's, depends on nothing.)
		if acao == sent && acao != a.fixedACAO && !a.vary && !varies(ex.resp, "Origin") {
			a.vary = true
			sev, why := Low, "The response names an origin in Access-Control-Allow-Origin but has no Vary: Origin, so a shared cache can serve it to other origins (and serve other origins' answers here)."
			if c := cacheShown(ex.resp); c != "" {
				sev, why = Medium, why+" A shared cache is in front of this endpoint ("+c+"), so cache poisoning is practical: a page on another origin, or the real front end, gets this origin's answer; --prove-cache-poisoning shows it on a throwaway URL."
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

func looksPrivate(ex *exchange) bool {
	if len(ex.resp.Values("Set-Cookie")) > 0 {
		return true
	}
	cc := strings.ToLower(ex.resp.Get("Cache-Control"))
	return strings.Contains(cc, "private")
}

// severity of an allowed probe origin, by who can serve the origin and
// whether a credentialed read works.
func (a *auditor) severity(class, o string, v *verdict) Severity {
	cred := v.cred
	host := hostOf(o)
	switch class {
	case TrailingDot:
		return Info
	case InsecureScheme:
		if a.hsts != nil && hstsCovers(a.hsts, a.n.host, host) {
			return Info // the browser never loads that http page: it upgrades it
		}
	}
	// Conditional: the attacker needs a foothold first (a subdomain of the
	// target's domain, the network path, the user's machine, a port on a
	// trusted host); the rest anyone can register or publish on.
	conditional := class == AnySubdomain || class == InsecureScheme || class == LocalhostOrigin || class == AnyPort ||
		(class != ThirdPartyOrigin && host != "" && (host == a.n.domain || strings.HasSuffix(host, "."+a.n.domain)))
	switch {
	case cred && !conditional:
		return High
	case cred:
		return Medium
	case !conditional && looksPrivate(v.ex):
		return Low
	}
	// Without cookies a page on the origin reads only what it could fetch
	// itself: the exposure of Access-Control-Allow-Origin: *.
	return Info
}

var explanations = map[string]string{
	ReflectAnyOrigin: "The server echoes any Origin in Access-Control-Allow-Origin: every website can read this endpoint",
	NullOrigin:       "The server allows Origin: null, which any page can send from a sandboxed iframe or a data: URL",
	PrefixMatch:      "The server allows an origin that merely starts with a trusted host, e.g. a subdomain of the attacker's domain",
	SuffixMatch:      "The server allows an origin that merely ends with a trusted domain",
	SubstringMatch:   "The server allows an origin that merely contains or is contained in a trusted origin",
	UnescapedDot:     "The server's pattern leaves a dot unescaped: a host with another character in its place is allowed",
	SpecialChars:     "The server allows a trusted host followed by a character some browsers accept in subdomains, under the attacker's domain",
	InsecureScheme:   "The https endpoint trusts an http:// origin: a network attacker can inject script into that origin",
	AnySubdomain:     "The server trusts any subdomain: one XSS or subdomain takeover anywhere under the domain reads this endpoint",
	AnyPort:          "The server trusts a trusted host on any port: whoever can run a server on another port of that host reads this endpoint",
	ThirdPartyOrigin: "The server trusts an origin where anyone can publish script (hosting, code playgrounds)",
	LocalhostOrigin:  "The server trusts localhost origins: any local app or malware serving a page there can read this endpoint",
	TrailingDot:      "The server allows a trusted host with a trailing dot, a distinct origin; harmless unless its pattern is loose elsewhere",
}

func (a *auditor) report(class, o string, v *verdict) {
	a.hit[class] = true
	why := explanations[class]
	if v.cred {
		why += ", with the user's cookies (Access-Control-Allow-Credentials: true)."
	} else {
		why += ", though without cookies (no Access-Control-Allow-Credentials: true)."
	}
	sev := a.severity(class, o, v)
	if v.redirect {
		// The grant is on a redirect: the browser follows it (the grant
		// lets a cross-origin fetch do so) and the page reads only the
		// final response, which this audit did not request.
		sev = Info
		why += fmt.Sprintf(" But the answer is a redirect (%d to %q): a page never reads a redirect response, only the final one, so this alone exposes nothing; audit the final URL to rate what it allows.", v.ex.status, v.ex.resp.Get("Location"))
		v = &verdict{ex: v.ex, pre: v.pre, reflected: v.reflected, redirect: true}
	}
	switch {
	case class == InsecureScheme && sev == Info:
		why += " The target's Strict-Transport-Security covers that host, so browsers upgrade it to https and never load the http page."
	case class == SuffixMatch && (sev == Medium || sev == Info):
		why += " The accepted names lie under the target's own domain, so the attacker needs a subdomain first."
	}
	a.add(Finding{ID: class, Severity: sev, Origin: o, Credentials: v.cred, Evidence: v.ex.evidence(), Explanation: why,
		Fix: Fix{Headers: fmt.Sprintf("Compare the Origin against an exact list of trusted origins and send Access-Control-Allow-Origin only for them; never derive it from %q.", o)}})
}

func (a *auditor) add(f Finding) {
	f.URL, f.Method = a.t.URL, a.t.Method
	a.res.Findings = append(a.res.Findings, f)
}

// originClasses are the findings whose fix is the allowlist itself.
var originClasses = []string{ReflectAnyOrigin, NullOrigin, PrefixMatch, SuffixMatch, SubstringMatch, UnescapedDot, SpecialChars,
	InsecureScheme, AnySubdomain, AnyPort, ThirdPartyOrigin, LocalhostOrigin, TrailingDot, WildcardWithCredentials, CachePoisoning}

// finish writes the allowlist fixes, now that the allowlist is known:
// the origins the server legitimately allowed, less those a probe showed
// to be holes and the target's own origin, which needs no CORS.
func (a *auditor) finish() {
	hostile := map[string]bool{}
	for _, h := range a.hits {
		hostile[h.Origin] = true
	}
	allowed := []string{}
	for _, o := range a.legit {
		given := slices.Contains(a.s.origins, o)
		if hostile[o] || o == a.n.self || (a.hit[ReflectAnyOrigin] && !given) {
			continue // when everything is allowed, being allowed proves nothing
		}
		allowed = append(allowed, o)
	}
	a.res.Allowed = allowed
	creds := false
	for _, f := range a.res.Findings {
		creds = creds || f.Credentials
	}
	var cfg, note string
	switch {
	case len(allowed) == 0 && (a.hit[ReflectAnyOrigin] || a.hit[WildcardOrigin]):
		// Origins guessed from the target's name (www., app.) prove
		// nothing when every origin is allowed: only the user's count.
		note = " The allowlist could not be learned: the server allows every origin, so an origin being allowed says nothing (give your front ends with --origin or --origins-file): list them yourself."
		cfg = "cors.Config{AllowedOrigins: []string{ /* your front ends' origins: not learnable here */ }"
	case len(allowed) == 0:
		note = " No legitimately allowed origin was found (give your front ends with --origin): list them yourself."
		cfg = "cors.Config{AllowedOrigins: []string{ /* your front ends' origins: none found */ }"
	default:
		cfg = fmt.Sprintf("cors.Config{AllowedOrigins: %#v", allowed)
	}
	insecure := false
	for _, o := range allowed {
		insecure = insecure || strings.HasPrefix(o, "http://")
	}
	if creds {
		cfg += ", AllowCredentials: true"
		if insecure {
			cfg += ", UnsafeAllowInsecureOriginsWithCredentials: true"
		}
	}
	cfg += "}"
	a.res.Stack = a.stack.stack(allowed, creds)
	for i := range a.res.Findings {
		f := &a.res.Findings[i]
		if f.ID == EmbeddableWithoutCORP {
			f.Fix.Stack = corpStackFix(a.stack.emitter().Stack)
		}
		if !slices.Contains(originClasses, f.ID) {
			continue
		}
		f.Fix.Config = cfg
		f.Fix.Headers += note
		if a.res.Stack != nil {
			f.Fix.Stack = a.res.Stack.Title + ": " + a.res.Stack.Setting
		}
	}
}

// preflightProbe asks, from an origin the server allows, for a method and
// headers nobody would configure, and for private-network access. A
// server that approves them approves anything; that is a hole only for an
// origin that should not be allowed at all, and a note otherwise.
func (a *auditor) preflightProbe(ctx context.Context) {
	// A trusted origin first: what its preflight approves is the
	// configuration's own breadth, not a second report of an origin hole.
	o, hostile := "", false
	if len(a.legit) > 0 {
		o = a.legit[0]
	}
	for _, h := range a.hits {
		if o == "" && a.hit[h.Class] {
			o, hostile = h.Origin, true
		}
	}
	if o == "" || ctx.Err() != nil {
		return
	}
	h := http.Header{"Origin": {o}, "Access-Control-Request-Method": {"CORSKIT"}, "Accept": {"*/*"},
		"Access-Control-Request-Headers":         {"x-corskit-probe-a,x-corskit-probe-b"},
		"Access-Control-Request-Private-Network": {"true"}}
	ex, err := a.send(ctx, http.MethodOptions, h)
	if err != nil || ex.status < 200 || ex.status > 299 {
		return
	}
	if r, _, _ := fetch.CheckCORS(ex.resp, o, true); r != fetch.ReasonNone {
		return
	}
	if v, _ := single(ex.resp, "Access-Control-Allow-Private-Network"); v == "true" {
		a.add(Finding{ID: PrivateNetwork, Severity: Info, Origin: o, Credentials: true, Evidence: ex.evidence(),
			Explanation: fmt.Sprintf("The preflight grants private-network access (Access-Control-Allow-Private-Network: true) to %s. It states that pages on public sites the server allows may call this endpoint from inside the user's network. Current browsers do not read it: Chromium 142+ replaced Private Network Access preflights with the Local Network Access permission, which only the user grants, and Firefox and Safari never used it.", o),
			Fix:         Fix{Headers: "Send Access-Control-Allow-Private-Network: true only to the origins that must reach the private network, or not at all: current browsers do not read it.", Config: "cors.Config has no private-network grant: it never sends the header"}})
	}
	// A preflight answer that echoes the request's method or headers
	// depends on them: without Vary a cache can hand it to another request.
	echoM := httplist.HasFold(ex.resp.Values("Access-Control-Allow-Methods"), "CORSKIT")
	echoH := httplist.HasFold(ex.resp.Values("Access-Control-Allow-Headers"), "x-corskit-probe-a")
	var unsaid []string
	if echoM && !varies(ex.resp, "Access-Control-Request-Method") {
		unsaid = append(unsaid, "Access-Control-Request-Method")
	}
	if echoH && !varies(ex.resp, "Access-Control-Request-Headers") {
		unsaid = append(unsaid, "Access-Control-Request-Headers")
	}
	if len(unsaid) > 0 && !a.hit[MissingVary] {
		sev, why := Low, fmt.Sprintf("The preflight answer echoes the request's %s but does not say Vary: %s, so a cache can serve it to a preflight that asked for something else.", strings.Join(unsaid, " and "), strings.Join(unsaid, ", "))
		if c := cacheShown(ex.resp); c != "" {
			sev, why = Medium, why+" A shared cache is in front of this endpoint ("+c+")."
		}
		a.hit[MissingVary] = true
		a.add(Finding{ID: MissingVary, Severity: sev, Origin: o, Credentials: true, Evidence: ex.evidence(), Explanation: why,
			Fix: Fix{Headers: "Add Vary: " + strings.Join(unsaid, ", ") + " to preflight answers that depend on them.",
				Config: "the cors middleware sends Vary: Origin, Access-Control-Request-Method, Access-Control-Request-Headers on every preflight"}})
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
	sev, why := Medium, fmt.Sprintf("The preflight approves %s, with credentials: every state-changing call the API has can be made from %s, which should not be allowed at all.", what, o)
	if !hostile {
		sev, why = Info, fmt.Sprintf("The preflight approves %s, with credentials, for %s, an origin the server trusts anyway: no hole by itself, but it widens what any future allowlist mistake exposes.", what, o)
	}
	a.add(Finding{ID: PermissivePreflight, Severity: sev, Origin: o, Credentials: true, Evidence: ex.evidence(), Explanation: why,
		Fix: Fix{Headers: "Answer preflights with the methods and headers the API uses, listed, not echoed.",
			Config: "cors.Config{AllowedMethods: []string{...}, AllowedHeaders: []string{...}} lists them"}})
}

// injectionProbe sends Origins with encoded line breaks.
func (a *auditor) injectionProbe(ctx context.Context) {
	for _, o := range injectionOrigins(a.u) {
		if ctx.Err() != nil {
			return
		}
		// No browser sends such an Origin: a state-changing method goes
		// as the preflight that would precede it, which changes nothing.
		h, m := a.baseHeader(), a.t.Method
		if !safeMethod(m) {
			h, m = http.Header{"Access-Control-Request-Method": {m}, "Accept": {"*/*"}}, http.MethodOptions
		}
		h.Set("Origin", o)
		ex, err := a.send(ctx, m, h)
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

// provePoisoning shows cache poisoning on a throwaway URL: the target
// with a cache-bust value of its own, which no user ever requests. A
// request from an allowed origin fills the cache entry (no no-cache
// headers this time); requests from another origin, and without Origin,
// then read it. A cache that hands them the first origin's grant is
// poisoned by anyone who can make a victim's browser send that origin.
func (a *auditor) provePoisoning(ctx context.Context) {
	first := ""
	for _, h := range a.hits {
		if h.v.allowed() {
			first = h.Origin
			break
		}
	}
	if first == "" && len(a.legit) > 0 {
		first = a.legit[0]
	}
	if first == "" || ctx.Err() != nil {
		return
	}
	throwaway := withParam(a.t.URL, CacheBustParam, "poison-proof-"+cacheBustValue())
	req := func(o string) (*exchange, error) {
		h := a.baseHeader()
		if o != "" {
			h.Set("Origin", o)
		}
		if a.t.Cookie != "" {
			h.Set("Cookie", a.t.Cookie)
		}
		return a.request(ctx, a.t.Method, throwaway, h)
	}
	ex1, err := req(first)
	if err != nil {
		return
	}
	if acao, _ := single(ex1.resp, "Access-Control-Allow-Origin"); acao != first {
		return // the grant is not the origin's own: nothing to carry over
	}
	others := []string{""}
	if second := "https://corskit-victim.example"; second != first {
		others = append([]string{second}, others...)
	}
	for _, o := range others {
		ex2, err := req(o)
		if err != nil {
			continue
		}
		if acao, _ := single(ex2.resp, "Access-Control-Allow-Origin"); acao == first {
			who := "a request from " + o
			if o == "" {
				who = "a request without Origin (the real front end's own page loads, a crawler)"
			}
			if cacheHit(ex2.resp) {
				who += " (its headers say it came from the cache: " + cacheShown(ex2.resp) + ")"
			}
			ev2 := ex2.evidence()
			a.add(Finding{ID: CachePoisoning, Severity: High, Origin: first, Credentials: true, Evidence: ex1.evidence(), Followup: &ev2,
				Explanation: fmt.Sprintf("A shared cache stored the answer for Origin %s and served it to %s, on the throwaway URL %s: anyone who makes one browser send an origin fixes the answer every user of that URL gets for the cache's lifetime (the real front end is then refused, or an attacker's origin granted).", first, who, throwaway),
				Fix:         Fix{Headers: "Send Vary: Origin on every answer whose CORS headers depend on Origin (also on the answer without Origin), and keep the cache from dropping it; or key the cache on Origin."}})
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
