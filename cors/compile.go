package cors

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/corskit/corskit/internal/fetchspec"
	"github.com/corskit/corskit/internal/httplist"
	"github.com/corskit/corskit/origin"
)

// policy is a validated, compiled Config. It is immutable once built: the
// hot path only reads it, so it needs no locking.
type policy struct {
	cfg Config // normalised copy, returned by Middleware.Config

	// Origins. anyOrigin with !credentials sends a literal "*"; anyOrigin
	// with credentials (unsafe) reflects the request's origin.
	anyOrigin   bool
	origins     *origin.Set
	credentials bool

	anyMethod bool
	methods   []string // normalised, non-safelisted, config order

	anyHeader    bool
	headers      map[string]struct{} // lowercase names
	headerList   []string            // the same names when there are few, for a linear scan
	longestName  int                 // longest name in headers, to skip hopeless lookups
	allowMethods string              // Access-Control-Allow-Methods value, "" if none
	allowHeaders string              // Access-Control-Allow-Headers value for diagnostics, "" if none
	exposeHeader string              // Access-Control-Expose-Headers value, "" if none
	maxAge       string              // Access-Control-Max-Age value, "" to omit

	preflightStatus int
	passthrough     bool
	logger          loggerRef

	// Rejections: reports is set when a hook or a logger listens, so that
	// a rejection nobody hears costs one branch.
	onReject   func(*http.Request, Rejection)
	reports    bool
	generation uint64 // set by Middleware.install

	shared sharedValues // constant values of preflights the middleware answers
}

const maxMaxAge = 24 * time.Hour

// compile validates cfg and builds its policy. It reports every problem,
// not just the first.
func compile(cfg Config) (*policy, error) {
	var errs []error
	fail := func(field, value, reason string, err error) {
		errs = append(errs, errAt(field, value, reason, err))
	}
	p := &policy{credentials: cfg.AllowCredentials, passthrough: cfg.PreflightPassthrough}
	p.logger.l = cfg.Logger
	p.onReject = cfg.OnReject
	p.reports = cfg.Logger != nil || cfg.OnReject != nil
	norm := cfg
	norm.AllowedOrigins = nil
	norm.AllowedMethods = nil
	norm.AllowedHeaders = nil
	norm.ExposedHeaders = nil

	// ----- Origins -----
	if len(cfg.AllowedOrigins) == 0 {
		fail("AllowedOrigins", "", `at least one origin is required ("*" allows any)`, nil)
	}
	var patterns []origin.Pattern
	for _, s := range cfg.AllowedOrigins {
		if s == "*" {
			if len(cfg.AllowedOrigins) > 1 {
				fail("AllowedOrigins", s, `"*" allows any origin and cannot be mixed with other origins`, nil)
				continue
			}
			p.anyOrigin = true
			if cfg.AllowCredentials && !cfg.UnsafeAllowAnyOriginWithCredentials {
				fail("AllowedOrigins", s, "any origin with AllowCredentials lets every web page read your users' "+
					"authenticated responses; list the origins, or set UnsafeAllowAnyOriginWithCredentials", nil)
			}
			norm.AllowedOrigins = append(norm.AllowedOrigins, s)
			continue
		}
		pat, err := origin.ParsePattern(s)
		if err != nil {
			reason := err.Error()
			if pe, ok := errors.AsType[*origin.ParseError](err); ok {
				reason = pe.Reason
			}
			fail("AllowedOrigins", s, reason, err)
			continue
		}
		switch {
		case pat.IsOpaque() && !cfg.UnsafeAllowNullOrigin:
			fail("AllowedOrigins", s, `"null" is sent by sandboxed iframes and data: URLs that any attacker can `+
				"create; set UnsafeAllowNullOrigin if you really mean it", nil)
			continue
		case pat.CoversPublicSuffix() && !cfg.UnsafeAllowPublicSuffixWildcards:
			fail("AllowedOrigins", s, "the wildcard covers a public suffix, where anyone can register a "+
				"subdomain; list your own domain, or set UnsafeAllowPublicSuffixWildcards", nil)
			continue
		case cfg.AllowCredentials && !pat.IsOpaque() && insecureScheme(pat.Scheme()) && !isLoopbackPattern(pat) &&
			!cfg.UnsafeAllowInsecureOriginsWithCredentials:
			fail("AllowedOrigins", s, "an insecure origin with AllowCredentials lets a network attacker who injects "+
				"script there read credentialed responses; use https, or set UnsafeAllowInsecureOriginsWithCredentials", nil)
			continue
		}
		c := pat.String()
		if !slices.Contains(norm.AllowedOrigins, c) {
			norm.AllowedOrigins = append(norm.AllowedOrigins, c)
			patterns = append(patterns, pat)
		}
	}
	p.origins = origin.NewSet(patterns...)

	// ----- Methods -----
	for _, m := range cfg.AllowedMethods {
		switch {
		case m == "*":
			if len(cfg.AllowedMethods) > 1 {
				fail("AllowedMethods", m, `"*" allows any method and cannot be mixed with method names`, nil)
				continue
			}
			p.anyMethod = true
			norm.AllowedMethods = append(norm.AllowedMethods, m)
		case !httplist.IsToken(m):
			fail("AllowedMethods", m, "not a valid method name (an HTTP token)", nil)
		case len(m) > maxMethodLen:
			fail("AllowedMethods", m, "longer than "+strconv.Itoa(maxMethodLen)+
				" bytes, the longest method a preflight may ask for: no preflight could approve it", nil)
		case fetchspec.IsForbiddenMethod(m):
			fail("AllowedMethods", m, "browsers refuse to send this method", nil)
		default:
			n := fetchspec.NormalizeMethod(m)
			if slices.Contains(norm.AllowedMethods, n) {
				continue
			}
			norm.AllowedMethods = append(norm.AllowedMethods, n)
			if !fetchspec.IsSafelistedMethod(n) {
				p.methods = append(p.methods, n)
			}
		}
	}
	p.allowMethods = strings.Join(p.methods, ", ")

	// ----- Request headers -----
	p.headers = make(map[string]struct{})
	var names []string
	for _, h := range cfg.AllowedHeaders {
		switch {
		case h == "*":
			if len(cfg.AllowedHeaders) > 1 {
				fail("AllowedHeaders", h, `"*" allows any header and cannot be mixed with header names`, nil)
				continue
			}
			p.anyHeader = true
			norm.AllowedHeaders = append(norm.AllowedHeaders, h)
		case !httplist.IsToken(h):
			fail("AllowedHeaders", h, "not a valid header name (an HTTP token)", nil)
		case fetchspec.IsForbiddenRequestHeader(h):
			fail("AllowedHeaders", h, "a forbidden request header: browsers never let scripts set it", nil)
		default:
			l := strings.ToLower(h)
			if _, dup := p.headers[l]; dup {
				continue
			}
			p.headers[l] = struct{}{}
			p.longestName = max(p.longestName, len(l))
			names = append(names, l)
		}
	}
	slices.Sort(names)
	if len(names) <= 8 {
		p.headerList = names
	}
	if !p.anyHeader {
		norm.AllowedHeaders = names
	}
	p.allowHeaders = strings.Join(names, ", ")

	// ----- Response headers -----
	var exposed []string
	for _, h := range cfg.ExposedHeaders {
		switch {
		case h == "*":
			if len(cfg.ExposedHeaders) > 1 {
				fail("ExposedHeaders", h, `"*" exposes every header and cannot be mixed with header names`, nil)
				continue
			}
			if cfg.AllowCredentials {
				fail("ExposedHeaders", h, `with AllowCredentials browsers read "*" as a header literally named "*"; list the names`, nil)
				continue
			}
			exposed = append(exposed, h)
		case !httplist.IsToken(h):
			fail("ExposedHeaders", h, "not a valid header name (an HTTP token)", nil)
		case fetchspec.IsForbiddenResponseHeader(h):
			fail("ExposedHeaders", h, "browsers never expose it to scripts", nil)
		default:
			if !slices.ContainsFunc(exposed, func(e string) bool { return httplist.EqualFold(e, h) }) {
				exposed = append(exposed, http.CanonicalHeaderKey(h))
			}
		}
	}
	norm.ExposedHeaders = exposed
	p.exposeHeader = strings.Join(exposed, ", ")

	// ----- Preflight -----
	switch d := cfg.MaxAge; {
	case d < 0:
		fail("MaxAge", d.String(), "must not be negative; set DisablePreflightCache to forbid caching", nil)
	case d%time.Second != 0:
		fail("MaxAge", d.String(), "must be a whole number of seconds (Access-Control-Max-Age has no fractions)", nil)
	case d > maxMaxAge:
		fail("MaxAge", d.String(), "must be at most 24h; browsers cap it (Chromium at 2h, Firefox at 24h)", nil)
	case d > 0 && cfg.DisablePreflightCache:
		fail("MaxAge", d.String(), "cannot be combined with DisablePreflightCache", nil)
	case d > 0:
		p.maxAge = strconv.FormatInt(int64(d/time.Second), 10)
	case cfg.DisablePreflightCache:
		p.maxAge = "0"
	}
	switch s := cfg.PreflightStatus; {
	case s == 0:
		p.preflightStatus = http.StatusNoContent
	case s < 200 || s > 299:
		fail("PreflightStatus", strconv.Itoa(s), "must be a 2xx status: browsers fail a preflight answered otherwise", nil)
	default:
		p.preflightStatus = s
	}
	norm.PreflightStatus = p.preflightStatus

	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	p.cfg = norm
	p.shared = newSharedValues(p)
	return p, nil
}

// insecureScheme reports whether a page on this scheme can be tampered with
// by a network attacker.
func insecureScheme(scheme string) bool { return scheme == "http" || scheme == "ws" }

// isLoopbackPattern reports whether every origin the pattern matches is on a
// loopback host, which browsers treat as potentially trustworthy even over
// http (Secure Contexts, section 3.1).
func isLoopbackPattern(p origin.Pattern) bool { return origin.IsLoopbackHost(p.Host()) }
