package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/corskit/corskit/internal/fetchspec"
	"github.com/corskit/corskit/origin"
)

// maxRedirects is the Fetch Standard's limit: the 21st redirect fails.
const maxRedirects = 20

// maxBody bounds how much of a response body the model keeps.
const maxBody = 1 << 20

// Browser models one browser profile making fetch() calls: it holds the
// preflight cache, so successive calls see each other's cached preflights,
// as successive calls from one page do. The zero Browser uses the Chromium
// profile, http.DefaultTransport and the wall clock. A Browser is safe for
// concurrent use.
type Browser struct {
	Profile   Profile           // zero: Chromium
	Transport http.RoundTripper // zero: http.DefaultTransport; redirects are not followed by it
	Now       func() time.Time  // zero: time.Now; set it to test cache expiry
	// ServerNow is the servers' clock, against which a response's Date
	// header is read (RFC 9111's apparent age). Zero: Now. Set it to
	// time.Now when Now is a simulated clock run ahead of real servers, as
	// `corskit check --after` does: their Date does not move with it.
	ServerNow func() time.Time
	// NoHTTPCache turns the HTTP cache off, as DevTools' "Disable cache"
	// does (without its request headers): every request goes on the wire
	// and nothing is stored. A HAR replay sets it, since a HAR holds what
	// went on the wire already. The preflight cache stays on.
	NoHTTPCache bool

	// PageAddressSpace is the address space of the network the page was
	// loaded from, for Local Network Access (Profile.LocalNetworkAccess).
	// Zero: taken from the page origin's host when it is an IP address or
	// localhost; a page named by a domain (https://app.example.com) is then
	// of unknown space and never gated, since where it is served from is
	// not in its origin. Set SpacePublic to ask what a public site's page
	// gets: without the user's permission, which the model never has, a
	// fetch to loopback or a private address fails before it is sent.
	PageAddressSpace AddressSpace
	// AddressSpaceOverrides gives the address space of "ip:port" endpoints
	// (the page's origin or a URL fetched, IPv6 in brackets), as Chromium's
	// --ip-address-space-overrides=127.0.0.1:8080=public does: a test can
	// make a loopback page public. Host names are not resolved.
	AddressSpaceOverrides map[string]AddressSpace
	// LocalNetworkGranted holds the Local Network Access permissions the
	// user granted the page: PermissionLoopbackNetwork,
	// PermissionLocalNetwork (see LocalNetworkPermission).
	LocalNetworkGranted []string

	cache preflightCache
	http  httpCache
	page  atomic.Pointer[pageInfo] // the last page's, see pageInfo
	url   atomic.Pointer[urlMemo]  // the last URL's, see parseURL
	host  atomic.Pointer[hostMemo] // the last target's origin, see originOf
}

// urlMemo is a request URL parsed, and serialized again, once per Browser
// rather than once per fetch: a test suite or an audit fetches the same
// URLs over and over. The *url.URL is shared, read-only, by the fetches
// (and handed to the Transport, which a RoundTripper must not modify).
type urlMemo struct {
	raw        string
	u          *url.URL
	serialized string // u.String()
}

// parseURL is url.Parse(raw), from b's memo of the last URL when it is raw.
func (b *Browser) parseURL(raw string) (*url.URL, error) {
	if b != nil {
		if m := b.url.Load(); m != nil && m.raw == raw {
			return m.u, nil
		}
	}
	u, err := url.Parse(raw)
	if err == nil && b != nil {
		b.url.Store(&urlMemo{raw: raw, u: u, serialized: u.String()})
	}
	return u, err
}

// urlString is u.String(), from the memo when u is the memoized URL.
func (b *Browser) urlString(u *url.URL) string {
	if m := b.url.Load(); m != nil && m.u == u {
		return m.serialized
	}
	return u.String()
}

// hostMemo is the origin of the last URL's scheme and host.
type hostMemo struct {
	scheme, host string
	o            origin.Origin
}

// originOf is origin.FromURL(u), which depends on u's scheme and host
// only, from b's memo of the last ones.
func (b *Browser) originOf(u *url.URL) origin.Origin {
	if m := b.host.Load(); m != nil && m.scheme == u.Scheme && m.host == u.Host {
		return m.o
	}
	o := origin.FromURL(u)
	b.host.Store(&hostMemo{scheme: u.Scheme, host: u.Host, o: o})
	return o
}

func (b *Browser) profile() Profile {
	if b.Profile.Name == "" {
		return Chromium
	}
	return b.Profile
}

func (b *Browser) now() time.Time {
	if b.Now != nil {
		return b.Now()
	}
	return time.Now()
}

// since is now().Sub(start); on the real clock, from the monotonic
// reading alone (time.Since), which is half the work of time.Now.
func (b *Browser) since(start time.Time) time.Duration {
	if b.Now != nil {
		return b.Now().Sub(start)
	}
	return time.Since(start)
}

func (b *Browser) transport() http.RoundTripper {
	if b.Transport != nil {
		return b.Transport
	}
	return http.DefaultTransport
}

// ResponseType is what Response.type says in the page.
type ResponseType string

// The response types.
const (
	ResponseBasic          ResponseType = "basic"          // same-origin
	ResponseCORS           ResponseType = "cors"           // cross-origin, passed the CORS check
	ResponseOpaque         ResponseType = "opaque"         // no-cors, cross-origin
	ResponseOpaqueRedirect ResponseType = "opaqueredirect" // redirect mode manual
)

// Response is what the page's script gets: its type, the status it can
// see (0 for opaque types), the headers it can read, and the final URL.
type Response struct {
	Type       ResponseType
	Status     int
	Header     http.Header // only the readable headers
	URL        string
	Redirected bool
	Body       []byte // the body as read (at most 1 MiB; empty for opaque types)
	// BodyErr is set when the body stopped before its end (the deadline
	// passed, the connection broke): Body holds what arrived. As in a
	// browser, where fetch() resolves once the headers are in, the verdict
	// rests on the headers, which arrived whole.
	BodyErr error
}

// ReadableHeaderNames returns the names script can read, lowercased and
// sorted, as [...response.headers.keys()] lists them.
func (r *Response) ReadableHeaderNames() []string {
	names := make([]string, 0, len(r.Header))
	for n := range r.Header {
		names = append(names, strings.ToLower(n))
	}
	slices.Sort(names)
	return names
}

// ExchangeKind says what an exchange in a trace is.
type ExchangeKind string

// The kinds of exchange.
const (
	ExchangePreflight ExchangeKind = "preflight"           // an OPTIONS preflight on the wire
	ExchangeCacheHit  ExchangeKind = "preflight-cache-hit" // a preflight the cache made unnecessary
	ExchangeRequest   ExchangeKind = "request"             // the request itself, or one hop of it
	// ExchangeHTTPCacheHit is a response taken from the HTTP cache with no
	// request on the wire: its Status and ResponseHeader are the stored
	// response's.
	ExchangeHTTPCacheHit ExchangeKind = "http-cache-hit"
	// ExchangeHTTPCacheUpdated follows a revalidation answered 304: the
	// stored response with the 304's headers merged in, which is what the
	// CORS check and the page see. Nothing more went on the wire.
	ExchangeHTTPCacheUpdated ExchangeKind = "http-cache-updated"
)

// Exchange is one step of a fetch: a request on the wire and its response,
// or a preflight-cache hit (no Status, no headers). Its headers are the
// very maps sent and received, not copies: read them, do not change them.
type Exchange struct {
	Kind           ExchangeKind
	Method         string
	URL            string
	RequestHeader  http.Header // what went on the wire (no Host)
	Credentials    bool        // cookies and HTTP auth were sent
	Status         int
	ResponseHeader http.Header
	Start          time.Time
	Duration       time.Duration
	Err            error // transport error, if any: no response
	// BodyErr is set when the response's headers arrived but its body
	// stopped before the end (the deadline passed, the connection broke).
	BodyErr   error
	BodyBytes int // how much of the body was read (at most 1 MiB)
	// Body is the body as read (at most 1 MiB), kept for a diagnosis that
	// must recognise who answered (a CSRF guard's or a dev server's 403
	// page), whether or not the page may read it. Do not change it.
	Body []byte
}

// Result is the outcome of one fetch() call.
type Result struct {
	Request        Request // with defaults filled in
	Classification Classification
	Response       *Response // nil when the fetch failed
	Err            *Error    // nil when it succeeded
	Trace          []Exchange
	// PreflightCache says whether the preflight came from the preflight
	// cache and why; nil when no preflight was needed.
	PreflightCache *PreflightCacheNote
	// HTTPCache says how the HTTP cache served the request that gave the
	// final response (the zero note when it had no part).
	HTTPCache HTTPCacheNote
	// CSPViolations are the page's policies the fetch violated, in order:
	// report-only ones (warnings) and the enforced one that failed it.
	CSPViolations []CSPViolation
	// LocalNetwork lists the URLs fetched from a more private address
	// space than the page's (lna.go), gated or not: Firefox logs each.
	LocalNetwork []LocalNetworkHop
	// ORB is what Opaque Response Blocking decided of a cross-origin
	// no-cors answer (orb.go); nil when it did not run.
	ORB *ORBNote
	// MixedUpgrade is what an https page did with the http URL of an
	// upgradable load, an <img> (upgrade.go); nil for other loads.
	MixedUpgrade *MixedUpgrade
}

// Allowed reports whether the page got a response (possibly opaque).
func (r *Result) Allowed() bool { return r.Err == nil && r.Response != nil }

// PreflightSent reports whether a preflight went on the wire.
func (r *Result) PreflightSent() bool {
	for _, e := range r.Trace {
		if e.Kind == ExchangePreflight {
			return true
		}
	}
	return false
}

// Fetch performs req as the browser would and returns the outcome with a
// trace of every exchange. The error is non-nil only when req itself is
// unusable (no origin, a relative or non-HTTP URL, an unknown mode...; a
// *RequestError when fetch() would throw or the request is beyond the
// model's bounds) or ctx ends; a blocked request is a Result whose Err
// says why. The work before the first round trip is linear in the request's
// size, and ctx is checked before each round trip.
func (b *Browser) Fetch(ctx context.Context, req Request) (*Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	raw := req.Headers
	req = req.normalized()
	u, err := req.validateWith(b)
	if err != nil {
		return nil, err
	}
	p := b.profile()
	req = p.forEngine(req)
	st := &fetchState{}
	res := &st.res
	res.Request = req
	res.Trace = st.trace[:0]
	if req.Kind == KindWebSocket { // no CORS: no classification, no preflight (websocket.go)
		f := &st.f
		*f = fetcher{b: b, p: p, req: req, res: res, st: st, page: b.pageInfo(req.Origin)}
		return res, f.webSocket(ctx, u)
	}
	target := b.originOf(u)
	cls, err := classify(req, u, target, p, st)
	res.Classification = cls
	if err != nil {
		res.Err = err.(*Error)
		return res, nil
	}
	f := &st.f
	*f = fetcher{b: b, p: p, req: req, res: res, raw: raw, st: st, page: b.pageInfo(req.Origin), target0: target}
	if err := f.run(ctx, u, cls); err != nil {
		return res, err
	}
	return res, nil
}

// fetchState is what one fetch needs in memory, allocated as one piece
// rather than a dozen: the Result with room for its trace (a preflight, the
// request and a redirect or two), the fetcher, the notes, the page's
// Response, the bodies and http.Requests of the first round trips, and
// backing arrays for the short slices a fetch builds (header values, header
// names). The Result points into it, so it lives as long as the Result;
// each slice handed out from it has its capacity clipped, so a caller's
// append copies instead of writing into a neighbour.
type fetchState struct {
	res      Result
	trace    [4]Exchange
	f        fetcher
	note     PreflightCacheNote
	resp     Response
	bodies   [2]readBody
	reqs     [2]http.Request
	hdrs     [4]Header  // the script's headers, combined
	names    [4]string  // CORS-unsafe names
	vals     [16]string // request header values
	allowed  [12]string // names of parsed allow lists
	respVals [4]string  // the values of the page's response header
	nbody    int
	nreq     int
	nval     int
	nallow   int
}

// fetcher is the state of one fetch across redirects.
type fetcher struct {
	b       *Browser
	p       Profile
	req     Request
	res     *Result
	initial string

	tainting ResponseType // basic, cors or opaque; only moves away from basic
	tainted  bool         // the Origin header has become "null"

	raw         []Header // the script's headers as set, before combining
	preflighted bool     // a preflight was needed at some hop
	page        *pageInfo
	st          *fetchState
	target0     origin.Origin // the origin of the first URL, as classify computed it
	hopURL      *url.URL      // the current hop's URL, parsed
}

func (f *fetcher) originHeader() string {
	if f.tainted {
		return "null"
	}
	return f.pageOrigin()
}

// pageOrigin is the page's origin serialized.
func (f *fetcher) pageOrigin() string { return f.page.serialized }

func (f *fetcher) include() bool { return f.req.Credentials == CredentialsInclude }

// fail records a failure at URL cur.
func (f *fetcher) fail(e *Error, cur string) {
	e.URL = cur
	if f.initial != "" && cur != f.initial {
		e.InitialURL = f.initial
	}
	e.Origin = f.pageOrigin()
	f.res.Err = e
}

func (f *fetcher) run(ctx context.Context, u *url.URL, cls Classification) error {
	method, headers, body := f.req.Method, cls.Headers, f.req.Body
	f.tainting = ResponseBasic
	for hops := 0; ; hops++ {
		// Each hop costs a round trip at most; stop as soon as the caller's
		// deadline has passed rather than start another.
		if err := ctx.Err(); err != nil {
			return err
		}
		if hops == 0 {
			u = f.upgradeMixed(u)
		}
		cur := f.b.urlString(u)
		curOrigin := f.target0
		if hops == 0 {
			f.initial = cur
		} else {
			curOrigin = f.b.originOf(u)
		}
		f.hopURL = u
		if e := f.gateCheck(u, cur, hops > 0); e != nil {
			f.fail(e, cur)
			return nil
		}
		if e := f.localNetworkCheck(u); e != nil && !f.req.Origin.SameOrigin(curOrigin) {
			f.fail(e, cur)
			return nil
		}
		if f.tainting == ResponseBasic && !f.req.Origin.SameOrigin(curOrigin) {
			if f.req.Mode == ModeNoCORS {
				f.tainting = ResponseOpaque
			} else {
				f.tainting = ResponseCORS
			}
		}
		unsafeNames := cls.UnsafeHeaders // classify's, while the headers are the script's
		if hops > 0 {
			unsafeNames = unsafeHeaderNames(headers, f.p, nil)
		}
		needsPreflight := f.tainting == ResponseCORS && f.req.Mode == ModeCORS &&
			(!fetchspec.IsSafelistedMethod(method) || len(unsafeNames) > 0 ||
				f.p.PreflightAfterRedirect && f.preflighted && hops > 0 && !curOrigin.SameOrigin(f.req.Origin))
		if needsPreflight {
			f.preflighted = true
			if f.p.RequestHeadersRepeatNames && hops == 0 {
				unsafeNames = repeatNames(f.raw, unsafeNames, f.p.SafelistEachLine)
			}
			ok, err := f.preflight(ctx, cur, method, unsafeNames)
			if err != nil || !ok {
				return err
			}
		}

		credentials := f.req.Credentials == CredentialsInclude ||
			f.req.Credentials == CredentialsSameOrigin && f.tainting == ResponseBasic
		credentials = credentials && !f.coepStripsCredentials()
		hb := f.newHeaderBuilder(len(headers) + 4)
		for _, h := range headers {
			hb.add(h.Name, h.Value)
		}
		if !hb.has("Accept") {
			hb.setCanonical("Accept", f.p.accept(&f.req))
		}
		// Origin goes with every CORS request, and with any request whose
		// method is not GET or HEAD (no-cors and same-origin included).
		if f.tainting == ResponseCORS || (method != http.MethodGet && method != http.MethodHead) {
			hb.setCanonical("Origin", f.originHeader())
		}
		// The cache mode's own headers (Fetch, HTTP-network-or-cache fetch),
		// unless the script set its own.
		mode := f.effectiveCacheMode(headers)
		switch mode {
		case CacheNoStore, CacheReload:
			if !hb.has("Pragma") {
				hb.setCanonical("Pragma", "no-cache")
			}
			if !hb.has("Cache-Control") {
				hb.setCanonical("Cache-Control", "no-cache")
			}
		case CacheNoCache:
			if !hb.has("Cache-Control") {
				hb.setCanonical("Cache-Control", "max-age=0")
			}
		}
		hdr := hb.h
		resp, ex, err := f.send(ctx, method, cur, hdr, body, credentials, mode)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			f.fail(&Error{Reason: ReasonNetwork, Err: err}, cur)
			return nil
		}
		if f.tainting == ResponseCORS {
			if r, h, v := corsCheck(resp.Header, f.originHeader(), f.include()); r != ReasonNone {
				if !f.p.KeepCacheOnFailure {
					f.b.cache.clear(f.originHeader(), cur)
				}
				f.fail(&Error{Reason: r, Header: h, Value: v}, cur)
				return nil
			}
		}
		if e := f.corpCheck(resp.Header, u); e != nil {
			f.fail(e, cur)
			return nil
		}
		if e := f.orbCheck(resp); e != nil {
			f.fail(e, cur)
			return nil
		}
		if !isRedirect(resp) {
			f.respond(resp, ex, cur, hops > 0)
			return nil
		}
		switch f.req.Redirect {
		case RedirectError:
			f.fail(&Error{Reason: ReasonRedirectModeError}, cur)
			return nil
		case RedirectManual:
			f.res.Response = &Response{Type: ResponseOpaqueRedirect, Header: http.Header{}, URL: cur}
			return nil
		}
		if hops+1 > maxRedirects {
			f.fail(&Error{Reason: ReasonTooManyRedirects}, cur)
			return nil
		}
		loc, err := u.Parse(resp.Header.Get("Location"))
		switch {
		case err != nil:
			f.fail(&Error{Reason: ReasonNetwork, Err: fmt.Errorf("net::ERR_INVALID_REDIRECT")}, cur)
			return nil
		case loc.Scheme != "http" && loc.Scheme != "https":
			// data:, file:, javascript:... The browser refuses to follow
			// (Chromium: net::ERR_UNSAFE_REDIRECT): a blocked fetch, not a
			// network failure.
			f.fail(&Error{Reason: ReasonUnsafeRedirect, Header: "Location", Value: loc.String()}, cur)
			return nil
		case fetchspec.IsBadPort(loc.Port()):
			f.fail(&Error{Reason: ReasonBadPort, Header: "Location", Value: loc.String()}, cur)
			return nil
		}
		locOrigin := origin.FromURL(loc)
		// HTTP-redirect fetch, steps 8 and 9: a Location with credentials
		// is a network error in cors mode across origins, and once the
		// response is CORS-tainted wherever it points, the page's own
		// origin included.
		if includesCredentials(loc) && (f.req.Mode == ModeCORS && !f.req.Origin.SameOrigin(locOrigin) || f.tainting == ResponseCORS) {
			// Chromium prints the location as '' in this message.
			f.fail(&Error{Reason: ReasonRedirectContainsCredentials, Header: "Location", Value: ""}, cur)
			return nil
		}
		if includesCredentials(loc) && f.req.Mode == ModeCORS && f.p.RedirectCredentialsAnyOrigin {
			f.fail(&Error{Reason: ReasonNetwork, Err: errRedirectCredentials}, cur)
			return nil
		}
		if !locOrigin.SameOrigin(curOrigin) && !f.req.Origin.SameOrigin(curOrigin) {
			f.tainted = true
		}
		// 301 and 302 turn POST into GET; 303 turns everything but HEAD into
		// GET. The body and its headers go with the old method.
		if (resp.StatusCode == 301 || resp.StatusCode == 302) && method == http.MethodPost ||
			resp.StatusCode == 303 && method != http.MethodHead && method != http.MethodGet {
			method, body = http.MethodGet, ""
			headers = slices.DeleteFunc(slices.Clone(headers), func(h Header) bool {
				switch h.Name {
				case "content-encoding", "content-language", "content-location", "content-type":
					return true
				}
				return false
			})
		}
		if !locOrigin.SameOrigin(curOrigin) && !f.p.KeepAuthorizationAcrossOrigins {
			headers = slices.DeleteFunc(slices.Clone(headers), func(h Header) bool { return h.Name == "authorization" })
		}
		u = loc
	}
}

// preflight makes sure the request may go out: from the preflight cache,
// or with an OPTIONS preflight. ok is false when the fetch failed.
func (f *fetcher) preflight(ctx context.Context, cur, method string, unsafeNames []string) (ok bool, err error) {
	now := f.b.now()
	include := f.include()
	unsafeMethod := ""
	if !fetchspec.IsSafelistedMethod(method) {
		unsafeMethod = method
	}
	bypass := f.p.CacheModeBypassesPreflightCache &&
		(f.req.Cache == CacheNoStore || f.req.Cache == CacheReload || f.req.Cache == CacheNoCache) ||
		f.p.ReloadBypassesPreflightCache && (f.req.Cache == CacheNoStore || f.req.Cache == CacheReload) ||
		unsafeMethod == "" && len(unsafeNames) == 0 // a preflight repeated after a redirect (PreflightAfterRedirect)
	note := &f.st.note
	f.res.PreflightCache = note
	switch {
	case unsafeMethod == "" && len(unsafeNames) == 0:
		note.Why, note.Detail = CacheWhyRedirect, "the "+f.p.Name+" engine preflights again after a redirect, without a cache lookup"
	case bypass:
		note.Why, note.Detail = CacheWhyCacheMode, textCacheModeSkips.text(f.p.Name, f.req.Cache)
	default:
		hit, why, detail := f.b.cache.lookup(f.originHeader(), cur, include, unsafeMethod, unsafeNames, now, f.p)
		note.Hit, note.Why, note.Detail = hit, why, detail
		if hit {
			f.res.Trace = append(f.res.Trace, Exchange{Kind: ExchangeCacheHit, Method: http.MethodOptions, URL: cur, Start: now})
			return true, nil
		}
	}
	hb := f.newHeaderBuilder(6)
	hb.setCanonical("Accept", "*/*")
	hb.setCanonical("Access-Control-Request-Method", method)
	if len(unsafeNames) > 0 {
		hb.setCanonical("Access-Control-Request-Headers", joinNames(unsafeNames))
	}
	sent := f.originHeader()
	if f.p.PreflightKeepsOrigin {
		sent = f.pageOrigin()
	}
	hb.setCanonical("Origin", sent)
	switch {
	case f.p.PreflightNoCacheHeaders && (f.req.Cache == CacheNoStore || f.req.Cache == CacheReload):
		hb.setCanonical("Pragma", "no-cache")
		hb.setCanonical("Cache-Control", "no-cache")
	case f.p.PreflightMaxAgeZero && f.req.Cache == CacheNoCache:
		hb.setCanonical("Cache-Control", "max-age=0")
	}
	hdr := hb.h
	resp, _, err := f.roundTrip(ctx, ExchangePreflight, http.MethodOptions, cur, hdr, "", false)
	if err != nil {
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		f.fail(&Error{Reason: ReasonNetwork, Err: err, Preflight: true}, cur)
		return false, nil
	}
	failed := func(r Reason, h, v string) (bool, error) {
		f.fail(&Error{Reason: r, Header: h, Value: v, Preflight: true}, cur)
		return false, nil
	}
	if isRedirect(resp) {
		if f.p.PreflightRedirectAfterAllowOrigin {
			if r, h, v := corsCheck(resp.Header, sent, include); r != ReasonNone {
				return failed(r, h, v)
			}
		}
		return failed(ReasonPreflightRedirect, "Location", resp.Header.Get("Location"))
	}
	statusOK := isOKStatus(resp.StatusCode)
	if !statusOK && !f.p.AllowOriginCheckedBeforeStatus {
		return failed(ReasonPreflightInvalidStatus, "", fmt.Sprint(resp.StatusCode))
	}
	if r, h, v := corsCheck(resp.Header, sent, include); r != ReasonNone {
		return failed(r, h, v)
	}
	if !statusOK {
		return failed(ReasonPreflightInvalidStatus, "", fmt.Sprint(resp.StatusCode))
	}
	methods, ok := parseAllowListInto(f.allowScratch(), resp.Header, "Access-Control-Allow-Methods", false)
	if !ok {
		return failed(ReasonInvalidAllowMethods, "Access-Control-Allow-Methods", strings.Join(resp.Header.Values("Access-Control-Allow-Methods"), ", "))
	}
	headers, ok := parseAllowListInto(f.allowScratch(), resp.Header, "Access-Control-Allow-Headers", true)
	if !ok {
		return failed(ReasonInvalidAllowHeaders, "Access-Control-Allow-Headers", strings.Join(resp.Header.Values("Access-Control-Allow-Headers"), ", "))
	}
	if !methodAllowed(methods, method, include) {
		return failed(ReasonMethodNotAllowed, "Access-Control-Allow-Methods", method)
	}
	for _, name := range unsafeNames {
		if !headerAllowed(headers, name, include, f.p) {
			f.fail(&Error{Reason: ReasonHeaderNotAllowed, Header: "Access-Control-Allow-Headers", Value: name,
				ScriptName: f.firstDisallowed(headers, unsafeNames), Preflight: true}, cur)
			return false, nil
		}
	}
	age, cacheable := maxAge(resp.Header, f.p)
	if cacheable && f.p.CacheModeBypassesPreflightCache && f.req.Cache == CacheNoStore {
		note.StoreDetail = textNoStoreNotCached.text(f.p.Name, f.req.Cache)
		return true, nil
	}
	note.StoreDetail = maxAgeNote(resp.Header, age, cacheable, f.p)
	if cacheable {
		f.b.cache.expire(now)
		f.b.cache.store(f.originHeader(), cur, include, methods, headers, unsafeMethod, now, now.Add(age))
	}
	return true, nil
}

// roundTrip sends one request on the wire and records it in the trace.
func (f *fetcher) roundTrip(ctx context.Context, kind ExchangeKind, method, cur string, hdr http.Header, body string, credentials bool) (*http.Response, *Exchange, error) {
	hreq, err := f.newRequest(ctx, method, cur, hdr, body)
	if err != nil {
		return nil, nil, err
	}
	start := f.b.now()
	var resp *http.Response
	resp, err = f.transmit(ctx, hreq)
	f.res.Trace = append(f.res.Trace, Exchange{
		// hdr was built for this exchange alone, and a RoundTripper may not
		// modify it: the trace keeps it as is, without a copy.
		Kind: kind, Method: method, URL: cur, RequestHeader: hdr,
		Credentials: credentials, Start: start, Err: err,
	})
	ex := &f.res.Trace[len(f.res.Trace)-1]
	if err != nil {
		ex.Duration = f.b.since(start)
		return nil, ex, err
	}
	ex.Status = resp.StatusCode
	ex.ResponseHeader = resp.Header // the model reads it and never writes it
	// Read the body now so that the connection can be reused; keep it for
	// the page only on the final response.
	// A body that stops early (the deadline passes mid-body) does not
	// undo the response: its headers, all that CORS looks at, are in.
	data, rerr := readUpTo(resp, maxBody)
	resp.Body.Close()
	ex.Duration = f.b.since(start)
	ex.BodyBytes = len(data)
	ex.Body = data
	if rerr != nil && !errors.Is(rerr, io.EOF) {
		ex.BodyErr = rerr
	}
	b := f.newReadBody(data)
	b.err = ex.BodyErr
	resp.Body = b
	return resp, ex, nil
}

// newRequest is the http.Request of one round trip. Without a body, and
// with a context that carries nothing (context.Background, which a nil
// context reads as), it is built in place from the hop's parsed URL, where
// http.NewRequestWithContext would parse cur again and allocate the
// request, its URL and a header.
func (f *fetcher) newRequest(ctx context.Context, method, cur string, hdr http.Header, body string) (*http.Request, error) {
	u := f.hopURL
	// An empty port ("host:") is dropped from the URL and Host by
	// NewRequest; rare enough to leave to it.
	if body != "" || ctx != context.Background() || u == nil || f.st.nreq == len(f.st.reqs) || strings.HasSuffix(u.Host, ":") {
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		hreq, err := http.NewRequestWithContext(ctx, method, cur, rd)
		if err != nil {
			return nil, err
		}
		hreq.Header = hdr
		return hreq, nil
	}
	hreq := &f.st.reqs[f.st.nreq]
	f.st.nreq++
	*hreq = http.Request{Method: method, URL: u, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Header: hdr, Host: u.Host}
	return hreq, nil
}

// newReadBody is a body already read, from the fetch's own room when
// there is some left.
func (f *fetcher) newReadBody(data []byte) *readBody {
	var b *readBody
	if f.st.nbody < len(f.st.bodies) {
		b = &f.st.bodies[f.st.nbody]
		f.st.nbody++
	} else {
		b = new(readBody)
	}
	b.data = data
	b.r.Reset(data)
	return b
}

// allowScratch is room for the names of one parsed allow list.
func (f *fetcher) allowScratch() []string {
	if f.st.nallow+4 > len(f.st.allowed) {
		return nil
	}
	n := f.st.nallow
	f.st.nallow += 4
	return f.st.allowed[n:n:f.st.nallow]
}

// readUpTo reads at most max bytes of resp's body. A body of known length
// is read into a buffer of that size (none for an empty one), sparing
// io.ReadAll's growing buffers.
func readUpTo(resp *http.Response, max int64) ([]byte, error) {
	switch n := resp.ContentLength; {
	case n == 0 && resp.Body == http.NoBody:
		return nil, nil
	case n == 0:
		// Nothing to keep; read to EOF all the same (the connection is then
		// reused), and keep what comes if the length was wrong.
		var one [1]byte
		k, err := io.ReadFull(resp.Body, one[:])
		if k == 0 {
			if err == io.EOF {
				err = nil
			}
			return nil, err
		}
		rest, err := io.ReadAll(io.LimitReader(resp.Body, max-1))
		return append([]byte{one[0]}, rest...), err
	case n > 0 && n <= max:
		buf := make([]byte, n)
		k, err := io.ReadFull(resp.Body, buf)
		if err == io.ErrUnexpectedEOF {
			err = nil // shorter than announced: keep what came
		}
		return buf[:k], err
	}
	return io.ReadAll(io.LimitReader(resp.Body, max))
}

// respond builds what script sees of the final response.
func (f *fetcher) respond(resp *http.Response, _ *Exchange, cur string, redirected bool) {
	r := &f.st.resp
	*r = Response{Type: f.tainting, URL: cur, Redirected: redirected, Header: http.Header{}}
	if f.tainting != ResponseOpaque {
		r.Status = resp.StatusCode
		// The readable lines are copied, so that the page's header is not
		// shared with the trace; their values share one array.
		vals := f.st.respVals[:0]
		readableHeaders(resp.Header, f.tainting, f.include(), f.allowScratch(), func(key string) {
			key, vs := http.CanonicalHeaderKey(key), resp.Header[key]
			if len(vals)+len(vs) > cap(vals) {
				vals = make([]string, 0, max(len(vs), 2*cap(vals), 4))
			}
			n := len(vals)
			vals = append(vals, vs...)
			if old := r.Header[key]; old != nil {
				r.Header[key] = append(old, vs...)
				return
			}
			r.Header[key] = vals[n:len(vals):len(vals)]
		})
		if b, ok := resp.Body.(*readBody); ok {
			r.Body = b.data
		} else {
			r.Body, _ = io.ReadAll(resp.Body)
		}
	}
	if b, ok := resp.Body.(*readBody); ok {
		r.BodyErr = b.err
	}
	f.res.Response = r
}

// headerBuilder builds a request's header with the values of all its
// lines in one array, where Header.Set and Add allocate one per line.
type headerBuilder struct {
	h    http.Header
	vals []string
}

// newHeaderBuilder is a builder for about n lines, their values in the
// fetch's own room while it lasts.
func (f *fetcher) newHeaderBuilder(n int) headerBuilder {
	st := f.st
	if st.nval+n > len(st.vals) {
		return headerBuilder{h: make(http.Header, n), vals: make([]string, 0, n)}
	}
	i := st.nval
	st.nval += n
	return headerBuilder{h: make(http.Header, n), vals: st.vals[i:i:st.nval]}
}

// has reports whether the header has a non-empty first line of key (in
// canonical form), as Get(key) != "" does.
func (b *headerBuilder) has(key string) bool {
	vs := b.h[key]
	return len(vs) > 0 && vs[0] != ""
}

// set replaces the lines of key (canonical, or made so) with v.
func (b *headerBuilder) set(key, v string) { b.setCanonical(canonicalKey(key), v) }

// setCanonical is set of a key in canonical form.
func (b *headerBuilder) setCanonical(key, v string) {
	if len(b.vals) == cap(b.vals) {
		b.h.Set(key, v)
		return
	}
	b.vals = append(b.vals, v)
	b.h[key] = b.vals[len(b.vals)-1 : len(b.vals) : len(b.vals)]
}

// add adds a line to key, as Header.Add does.
func (b *headerBuilder) add(key, v string) {
	key = canonicalKey(key)
	if _, ok := b.h[key]; ok {
		b.h[key] = append(b.h[key], v) // full capacity: append copies
		return
	}
	b.set(key, v)
}

// readBody is a response body already read, and the error that stopped
// the reading, if any.
type readBody struct {
	r    bytes.Reader
	data []byte
	err  error
}

func (b *readBody) Read(p []byte) (int, error) { return b.r.Read(p) }
func (*readBody) Close() error                 { return nil }

// repeatNames is Access-Control-Request-Headers as Firefox builds it: each
// unsafe name once per header line the script set (raw), sorted; with
// eachLine, only the lines that are unsafe themselves ("Content-Type:
// text/plain" and "Content-Type: application/json" list content-type
// once), unless the safelisted values together pass the 1024-byte limit.
func repeatNames(raw []Header, unsafe []string, eachLine bool) []string {
	total := 0
	if eachLine {
		for _, h := range raw {
			if v := trimHTTPWhitespace(h.Value); fetchspec.IsCORSSafelistedRequestHeader(lowerName(h.Name), v) {
				total += len(v)
			}
		}
	}
	var out []string
	for _, h := range raw {
		n := strings.ToLower(h.Name)
		if !slices.Contains(unsafe, n) {
			continue
		}
		if eachLine && total <= fetchspec.MaxSafelistedTotal && fetchspec.IsCORSSafelistedRequestHeader(n, trimHTTPWhitespace(h.Value)) {
			continue
		}
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// firstDisallowed is the first of the script's headers, in the order it
// set them and as it spelled them, that is unsafe and not allowed by l.
func (f *fetcher) firstDisallowed(l allowList, unsafe []string) string {
	include := f.include()
	for _, h := range f.raw {
		if n := strings.ToLower(h.Name); slices.Contains(unsafe, n) && !headerAllowed(l, n, include, f.p) {
			return h.Name
		}
	}
	return ""
}

// A profileText is a sentence of the notes that depends on the profile's
// name and the cache mode only.
type profileText uint8

const (
	textCacheModeSkips profileText = iota
	textNoStoreNotCached
)

// profileTexts holds profileText's sentences for the built-in profiles and
// every cache mode, which every preflight of a no-store or reload fetch
// would otherwise build again. It is built once and only read after, so
// that concurrent fetches (an audit, parallel tests) share it without a
// lock; a profile of the caller's own gets its sentence built.
var profileTexts = func() map[profileTextKey]string {
	m := make(map[profileTextKey]string)
	for _, p := range append([]Profile{Spec}, Profiles...) {
		for _, mode := range []CacheMode{CacheDefault, CacheNoStore, CacheReload, CacheNoCache, CacheForceCache, CacheOnlyIfCached} {
			for _, kind := range []profileText{textCacheModeSkips, textNoStoreNotCached} {
				k := profileTextKey{kind, p.Name, mode}
				m[k] = k.build()
			}
		}
	}
	return m
}()

type profileTextKey struct {
	kind    profileText
	profile string
	mode    CacheMode
}

func (k profileTextKey) build() string {
	switch k.kind {
	case textCacheModeSkips:
		return "cache mode " + string(k.mode) + " skips the preflight cache in the " + k.profile + " engine"
	default:
		return "not cached: cache mode " + string(k.mode) + " (" + k.profile + ")"
	}
}

// text returns the sentence of kind for profile and mode.
func (kind profileText) text(profile string, mode CacheMode) string {
	k := profileTextKey{kind, profile, mode}
	if t, ok := profileTexts[k]; ok {
		return t
	}
	return k.build()
}

// errRedirectCredentials is Chromium's failure of a same-origin redirect to
// a Location with credentials: a network error whose code the page does
// not see.
var errRedirectCredentials = errors.New("net::ERR_FAILED (a redirect Location with credentials)")

// includesCredentials reports whether u includes credentials in the URL
// Standard's sense: a username or a password that is not empty
// ("http://@host/" and "http://:@host/" include none).
func includesCredentials(u *url.URL) bool {
	if u.User == nil {
		return false
	}
	pw, _ := u.User.Password()
	return u.User.Username() != "" || pw != ""
}
