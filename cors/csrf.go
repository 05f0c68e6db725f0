package cors

import (
	"net/http"

	"github.com/corskit/corskit/origin"
)

// One allowlist for CORS and for Go's cross-site request forgery guard,
// [http.CrossOriginProtection] (Go 1.25+).
//
// The guard refuses a cross-origin request with an unsafe method (POST,
// PUT, DELETE...) unless its Origin is trusted, so a service that allows
// an origin in its CORS policy must trust it in the guard too, or the
// browser's call passes one layer and not the other. What the guard's API
// allows, read from net/http's csrf.go:
//
//   - AddTrustedOrigin trusts one origin, matched byte for byte against the
//     Origin header. [Middleware.TrustedOrigins] returns the policy's exact
//     origins for it. It takes no pattern, and nothing can be untrusted
//     once added: after Reconfigure, an origin the new policy drops stays
//     trusted in a guard fed this way.
//   - AddInsecureBypassPattern takes ServeMux patterns of paths and hosts,
//     not origins: it cannot express "https://*.example.com".
//   - Check(r) is exported and has no side effects, so a handler can
//     consult the policy first and ask the guard only about the requests
//     the policy does not allow. [Middleware.Protect] does that: it trusts
//     exactly the origins the policy in force allows, patterns included,
//     and follows Reconfigure.

// TrustedOrigins returns the exact origins the policy in force allows, in
// canonical form, for [http.CrossOriginProtection.AddTrustedOrigin]:
//
//	for _, o := range mw.TrustedOrigins() {
//		if err := guard.AddTrustedOrigin(o); err != nil { ... }
//	}
//
// Patterns ("https://*.example.com", "http://localhost:*") are left out,
// since the guard matches origins exactly: use [Middleware.Protect] for a
// policy that has them. So are "*" (allowing any origin to read is not
// trusting every site to act with your users' cookies) and "null" (which
// the guard cannot parse, and which any page can send).
func (m *Middleware) TrustedOrigins() []string {
	p := m.policy.Load()
	var out []string
	if p.anyOrigin {
		return out
	}
	for _, s := range p.cfg.AllowedOrigins {
		pat, err := origin.ParsePattern(s)
		if err != nil || pat.IsOpaque() || pat.HasSubdomainWildcard() || pat.HasPortWildcard() {
			continue
		}
		out = append(out, s)
	}
	return out
}

// Protect returns a handler that sends to next, untouched, every request
// whose Origin the CORS policy in force allows (exact origins and
// patterns alike), and every other request through guard, which refuses
// the cross-origin ones with unsafe methods (403, or guard's deny
// handler). Put it on either side of [Middleware.Wrap]: a browser's call
// is then allowed by both layers or refused by both.
//
// A policy that allows any origin ("*") or "null" trusts neither in the
// guard, for the reasons given at [Middleware.TrustedOrigins]: with such a
// policy, cross-origin POSTs that CORS allows are refused by the guard;
// exempt their routes with guard.AddInsecureBypassPattern if that is what
// you mean.
func (m *Middleware) Protect(guard *http.CrossOriginProtection, next http.Handler) http.Handler {
	guarded := guard.Handler(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if m.trusts(r.Header[hdrOrigin]) {
			next.ServeHTTP(w, r)
			return
		}
		guarded.ServeHTTP(w, r)
	})
}

// trusts reports whether the policy in force allows the one Origin by
// name or pattern.
func (m *Middleware) trusts(o []string) bool {
	if len(o) != 1 || o[0] == "null" {
		return false
	}
	p := m.policy.Load()
	return !p.anyOrigin && p.origins.MatchString(o[0])
}
