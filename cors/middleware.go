package cors

import (
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/corskit/corskit/internal/fetchspec"
	"github.com/corskit/corskit/internal/httplist"
	"github.com/corskit/corskit/reason"
)

// Header names, canonical as net/http stores them, so that map accesses
// need no canonicalisation.
const (
	hdrOrigin = "Origin"
	hdrVary   = "Vary"
	hdrACRM   = "Access-Control-Request-Method"
	hdrACRH   = "Access-Control-Request-Headers"
	hdrACAO   = "Access-Control-Allow-Origin"
	hdrACAC   = "Access-Control-Allow-Credentials"
	hdrACAM   = "Access-Control-Allow-Methods"
	hdrACAH   = "Access-Control-Allow-Headers"
	hdrACEH   = "Access-Control-Expose-Headers"
	hdrACMA   = "Access-Control-Max-Age"

	varyPreflight = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
)

// Middleware applies a CORS policy to the handlers it wraps. Create one with
// [New]; it is safe for concurrent use, and [Middleware.Reconfigure] may
// swap its policy while it serves.
type Middleware struct {
	policy atomic.Pointer[policy]

	mu         sync.Mutex // serialises Reconfigure, so generations only grow
	generation uint64     // of the policy in force; under mu
	logLimit   logLimiter // shared by every generation's logger
}

// New validates cfg and returns a Middleware that enforces it. If cfg has
// problems, New returns a nil Middleware and an error joining one
// [*ConfigError] per problem.
func New(cfg Config) (*Middleware, error) {
	p, err := compile(cfg)
	if err != nil {
		return nil, err
	}
	m := new(Middleware)
	m.install(p)
	return m, nil
}

// Reconfigure validates cfg and, if it is valid, makes it the policy for
// every request that starts afterwards; requests in flight finish under the
// policy they started with. If cfg is invalid, the current policy stays in
// force and the error lists every problem.
func (m *Middleware) Reconfigure(cfg Config) error {
	p, err := compile(cfg)
	if err != nil {
		return err
	}
	m.install(p)
	return nil
}

// install makes p the policy in force, as the next generation.
func (m *Middleware) install(p *policy) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.generation++
	p.generation = m.generation
	p.logger.limit = &m.logLimit
	m.policy.Store(p)
}

// Config returns the configuration in force, normalised: origins in
// canonical form, methods normalised, header names lowercased and sorted,
// duplicates removed, PreflightStatus filled in.
func (m *Middleware) Config() Config {
	c := m.policy.Load().cfg
	c.AllowedOrigins = append([]string(nil), c.AllowedOrigins...)
	c.AllowedMethods = append([]string(nil), c.AllowedMethods...)
	c.AllowedHeaders = append([]string(nil), c.AllowedHeaders...)
	c.ExposedHeaders = append([]string(nil), c.ExposedHeaders...)
	return c
}

// Wrap returns a handler that applies the policy, then calls next (except
// for preflights, which it answers itself unless PreflightPassthrough is
// set). Its type is func(http.Handler) http.Handler, the shape routers such
// as chi and alice expect of a middleware.
func (m *Middleware) Wrap(next http.Handler) http.Handler {
	return &handler{m: m, next: next}
}

type handler struct {
	m    *Middleware
	next http.Handler
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := h.m.policy.Load() // one load: the whole request sees one policy
	// A header in the map with no line (an empty or nil slice, which outer
	// middleware and tests can build) is no header at all.
	origin := r.Header[hdrOrigin]
	isCORS := len(origin) > 0
	if isCORS && r.Method == http.MethodOptions {
		if acrm := r.Header[hdrACRM]; len(acrm) > 0 {
			if !p.passthrough {
				p.preflight(w, r, origin, acrm)
				return
			}
			// A rare configuration: the writer gets an allocation of
			// its own.
			ww, _, vw := wrapVary[struct{}](w)
			p.preflight(ww, r, origin, acrm)
			h.next.ServeHTTP(ww, r)
			vw.finish()
			return
		}
		if p.logger.l != nil {
			p.logger.debug(r, "cors: not a preflight", "OPTIONS without Access-Control-Request-Method: an actual request")
		}
	}
	if !isCORS && p.logger.l != nil {
		p.logger.debug(r, "cors: not a CORS request", "no Origin header")
	}
	ww, vw := p.actual(w, r, origin, isCORS)
	h.next.ServeHTTP(ww, r)
	if vw != nil {
		vw.finish()
	}
}

// finisher is a varyWriter of any storage size.
type finisher interface{ finish() }

// actual sets the headers of a response to a request that is not a
// preflight, and returns the writer to hand the handler: when the answer
// varies on Origin, a varyWriter (see vary.go), and the varyWriter again to
// finish once the handler returns. The handler sees these values and may
// edit them in place, so they live in storage of this response's own,
// allocated with the varyWriter: one allocation for the writer and every
// value, 16 bytes each.
func (p *policy) actual(w http.ResponseWriter, r *http.Request, origin []string, isCORS bool) (http.ResponseWriter, finisher) {
	hdr := w.Header()
	if p.anyOrigin && !p.credentials {
		// The answer is the same for every origin, and for no origin, so
		// caches need no Vary, and the writer needs no wrapper.
		if p.exposeHeader == "" {
			v := new([1]string)
			v[0] = "*"
			hdr[hdrACAO] = v[:]
			return w, nil
		}
		v := new([2]string)
		v[0], v[1] = "*", p.exposeHeader
		hdr[hdrACAO] = v[0:1:1]
		hdr[hdrACEH] = v[1:2:2]
		return w, nil
	}
	if !isCORS || !p.originAllowed(origin) {
		ww, v, vw := wrapVary[[1]string](w)
		v[0] = "Origin"
		addVary(hdr, v[:])
		if isCORS && p.reports {
			p.reject(r, reason.MissingAllowOrigin, false, origin[0], origin[0], 0)
		}
		return ww, vw
	}
	// Vary, Allow-Origin, and at most Allow-Credentials and Expose-Headers.
	ww, v, vw := wrapVary[[4]string](w)
	v[0] = "Origin"
	addVary(hdr, v[0:1:1])
	// A copy, never the request's own slice: a handler editing the
	// response must not rewrite the request.
	v[1] = origin[0]
	hdr[hdrACAO] = v[1:2:2]
	i := 2
	if p.credentials {
		v[i] = "true"
		hdr[hdrACAC] = v[i : i+1 : i+1]
		i++
	}
	if p.exposeHeader != "" {
		v[i] = p.exposeHeader
		hdr[hdrACEH] = v[i : i+1 : i+1]
	}
	return ww, vw
}

// preflight answers a CORS-preflight request, or, with passthrough, sets
// its headers for the handler to finish.
//
// A preflight the middleware answers never reaches a handler, so the values
// that are the same for every response (Vary, Allow-Credentials, the
// configured Allow-Methods, Max-Age, the diagnostic Allow-Headers, "*") are
// the policy's read-only slices, shared; their capacity equals their length,
// so that appending to one (Header().Add) copies it. Values taken from the
// request (the origin, a method under "*", the echoed header list) get one
// allocation of their own. With passthrough the handler sees every value,
// so every value gets its own storage.
func (p *policy) preflight(w http.ResponseWriter, r *http.Request, origin, acrm []string) {
	hdr := w.Header()
	if !p.originAllowed(origin) {
		p.rejectPreflight(w, r, reason.MissingAllowOrigin, origin[0], origin[0])
		return
	}
	if len(acrm) != 1 || len(acrm[0]) > maxMethodLen || !httplist.IsToken(acrm[0]) {
		p.rejectPreflight(w, r, reason.InvalidRequestMethod, origin[0], acrm[0])
		return
	}
	methodOK := p.allowsMethod(acrm[0])
	acrh := r.Header[hdrACRH]
	headersOK, denied, wellFormed := p.allowsHeaders(acrh)
	if !wellFormed {
		value := ""
		if p.reports { // building it allocates: only for a listener
			value = joinedPrefix(acrh)
		}
		p.rejectPreflight(w, r, reason.InvalidRequestHeaders, origin[0], value)
		return
	}

	// The origin is allowed: answer with the ok status even if the method
	// or a header is not, so that the browser's console names the exact
	// culprit instead of reporting a missing Allow-Origin.
	ok := methodOK && headersOK
	echo := ok && len(acrh) == 1 && acrh[0] != ""
	var s slots
	if p.passthrough {
		s = slots{buf: make([]string, preflightSlots), own: true}
	} else {
		n := 0
		if !p.anyOrigin || p.credentials {
			n++ // the request's origin
		}
		if p.anyMethod {
			n++ // the requested method
		}
		if echo {
			n++ // the requested headers
		}
		s = slots{buf: make([]string, n)}
	}
	addVary(hdr, s.value(varyPreflight, p.shared.varyPreflight))
	if p.anyOrigin && !p.credentials {
		hdr[hdrACAO] = s.value("*", p.shared.star)
	} else {
		hdr[hdrACAO] = s.value(origin[0], nil) // copied: the response must not alias the request
	}
	if p.credentials {
		hdr[hdrACAC] = s.value("true", p.shared.yes)
	}
	switch {
	case p.anyMethod:
		hdr[hdrACAM] = s.value(acrm[0], nil)
	case p.allowMethods != "":
		hdr[hdrACAM] = s.value(p.allowMethods, p.shared.allowMethods)
	}
	switch {
	case ok:
		switch {
		case echo:
			hdr[hdrACAH] = s.value(acrh[0], nil)
		case len(acrh) > 1: // lines split by a gateway: rare, and bounded by the scanner
			hdr[hdrACAH] = slices.Clip(slices.Clone(acrh))
		}
		if p.maxAge != "" {
			hdr[hdrACMA] = s.value(p.maxAge, p.shared.maxAge)
		}
	case p.allowHeaders != "":
		hdr[hdrACAH] = s.value(p.allowHeaders, p.shared.allowHeaders)
	}
	if !ok && p.reports {
		status := p.preflightStatus
		if p.passthrough {
			status = 0 // the handler's to choose
		}
		if !methodOK {
			p.reject(r, reason.MethodNotAllowed, true, origin[0], acrm[0], status)
		} else {
			p.reject(r, reason.HeaderNotAllowed, true, origin[0], denied, status)
		}
	}
	if !p.passthrough {
		mergeVary(hdr) // an outer middleware's Vary line, if any
		w.WriteHeader(p.preflightStatus)
	}
}

// slots hands out a response's header values: one-element slices of buf,
// capacity capped so that an append copies, or, unless own is set, the
// shared constant when there is one.
type slots struct {
	buf []string
	own bool
}

func (s *slots) value(v string, shared []string) []string {
	if shared != nil && !s.own {
		return shared
	}
	s.buf[0] = v
	out := s.buf[0:1:1]
	s.buf = s.buf[1:]
	return out
}

// sharedValues are a policy's constant header values, for responses no
// handler sees (preflights the middleware answers). Never written after
// compile; each has length and capacity 1.
type sharedValues struct {
	varyPreflight, star, yes, allowMethods, allowHeaders, maxAge []string
}

func newSharedValues(p *policy) sharedValues {
	one := func(v string) []string {
		if v == "" {
			return nil
		}
		return []string{v}
	}
	return sharedValues{
		varyPreflight: one(varyPreflight),
		star:          one("*"),
		yes:           one("true"),
		allowMethods:  one(p.allowMethods),
		allowHeaders:  one(p.allowHeaders),
		maxAge:        one(p.maxAge),
	}
}

// maxMethodLen bounds the method names a preflight may ask for, listed or
// covered by "*" (New refuses longer listed ones).
const maxMethodLen = httplist.MaxMethodLen

// preflightSlots is the most values a preflight response needs of its own:
// Vary, Allow-Origin, Allow-Credentials, Allow-Methods, Allow-Headers and
// Max-Age.
const preflightSlots = 6

func (p *policy) rejectPreflight(w http.ResponseWriter, r *http.Request, id reason.ID, origin, value string) {
	vary := p.shared.varyPreflight
	if p.passthrough {
		vary = []string{varyPreflight} // the handler's to edit
	}
	addVary(w.Header(), vary)
	if p.reports {
		status := http.StatusForbidden
		if p.passthrough {
			status = 0 // the handler's to choose
		}
		p.reject(r, id, true, origin, value, status)
	}
	if !p.passthrough {
		mergeVary(w.Header())
		w.WriteHeader(http.StatusForbidden)
	}
}

// originAllowed reports whether the Origin header lines name one allowed
// origin. Several lines are never allowed: browsers send one.
func (p *policy) originAllowed(origin []string) bool {
	if len(origin) != 1 {
		return false
	}
	if p.anyOrigin {
		return !p.credentials || isReflectable(origin[0])
	}
	return p.origins.MatchString(origin[0])
}

func (p *policy) allowsMethod(m string) bool {
	if p.anyMethod || fetchspec.IsSafelistedMethod(m) {
		return true
	}
	for _, a := range p.methods {
		if a == m {
			return true
		}
	}
	return false
}

// allowsHeaders checks the Access-Control-Request-Headers lines. ok: every
// name is allowed; denied: the first name that is not; wellFormed: the list
// is made of tokens and within bounds. The bounds are checked before any
// name, so a hostile list costs at most its bound, and a malformed list is
// malformed wherever the fault is.
func (p *policy) allowsHeaders(acrh []string) (ok bool, denied string, wellFormed bool) {
	if len(acrh) == 0 {
		return true, "", true
	}
	sc := httplist.NewScanner(acrh, httplist.DefaultLimits)
	for {
		name, more := sc.NextToken()
		if !more {
			break
		}
		if denied == "" && !p.anyHeader && !p.allowsHeader(name) {
			denied = name
		}
	}
	if sc.Err() != nil {
		return false, "", false
	}
	return denied == "", denied, true
}

// allowsHeader looks name up case-insensitively without allocating:
// browsers send lowercase names, so the common case is one map lookup.
func (p *policy) allowsHeader(name string) bool {
	if len(name) > p.longestName {
		return false
	}
	if p.headerList != nil {
		// A handful of names: comparing them beats hashing.
		for _, h := range p.headerList {
			if h == name {
				return true
			}
		}
		for _, h := range p.headerList {
			if httplist.EqualFold(h, name) {
				return true
			}
		}
		return false
	}
	if _, ok := p.headers[name]; ok {
		return true
	}
	// Lowercase into a stack buffer; a longer name (at most longestName
	// bytes, checked above) takes a heap copy, a rare and bounded cost.
	var buf [128]byte
	lower := httplist.AppendLower(buf[:0], name)
	_, ok := p.headers[string(lower)]
	return ok
}

// isReflectable reports whether an arbitrary Origin value may be echoed
// when any origin is allowed with credentials: it must at least look like
// an origin, so that nothing else is reflected into a response header.
func isReflectable(o string) bool {
	if len(o) == 0 || len(o) > 512 {
		return false
	}
	for i := 0; i < len(o); i++ {
		if c := o[i]; c <= ' ' || c >= 0x7f || c == ',' {
			return false
		}
	}
	return true
}

// addVary adds v[0] to the response's Vary header without touching the
// backing array of a Vary slice set by someone else; v, of length and
// capacity 1, becomes the Vary header in the common case where there is
// none yet.
func addVary(hdr http.Header, v []string) {
	// An empty map has no Vary: skip the lookup, the common case when the
	// middleware is outermost.
	if len(hdr) > 0 {
		if old, ok := hdr[hdrVary]; ok {
			hdr[hdrVary] = append(old[:len(old):len(old)], v[0])
			return
		}
	}
	hdr[hdrVary] = v
}

// loggerRef keeps the optional logger; the nil check at each call site
// makes logging free when it is off.
type loggerRef struct {
	l     *slog.Logger
	limit *logLimiter // the Middleware's, set by install
}

// reject writes the Info record of a rejection, unless the limit of
// logBurst records a second is reached (a hostile client can make every
// request a rejection). The first record after a suppressed spell says how
// many were left out.
func (lr loggerRef) reject(r *http.Request, rj Rejection) {
	ctx := r.Context()
	if !lr.l.Enabled(ctx, slog.LevelInfo) {
		return
	}
	ok, suppressed := lr.limit.allow()
	if !ok {
		return
	}
	attrs := make([]slog.Attr, 0, 8)
	attrs = append(attrs,
		slog.String("reason", rj.Reason.String()),
		slog.Bool("preflight", rj.Preflight),
		slog.String("origin", rj.Origin))
	if k := valueKey(rj.Reason); k != "origin" {
		attrs = append(attrs, slog.String(k, rj.Value))
	}
	attrs = append(attrs,
		slog.String("method", r.Method),
		slog.String("path", truncate(r.URL.Path)),
		slog.Uint64("generation", rj.Generation))
	if suppressed > 0 {
		attrs = append(attrs, slog.Int64("suppressed", suppressed))
	}
	lr.l.LogAttrs(ctx, slog.LevelInfo, "cors: rejected", attrs...)
}

// joinedPrefix is the start of a header's lines joined by ", ", for a
// Rejection's Value: a little over truncate's bound at most, whatever the
// number and length of the lines.
func joinedPrefix(lines []string) string {
	const bound = 129 // one byte over truncate's, so that it marks the cut
	var b []byte
	for i, l := range lines {
		if i > 0 {
			b = append(b, ", "...)
		}
		if len(b)+len(l) >= bound {
			return string(append(b, l[:max(0, bound-len(b))]...))
		}
		b = append(b, l...)
	}
	return string(b)
}

// truncate keeps hostile values from flooding logs.
func truncate(s string) string {
	if len(s) > 128 {
		return s[:128] + "..."
	}
	return s
}
