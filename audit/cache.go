package audit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// CacheBustParam is the query parameter the audit adds to every probe,
// with a value unique to the probe, so that a shared cache in front of
// the target (nginx proxy_cache, Varnish, a CDN) forwards each probe to
// the origin server and files its answer under a URL no real user
// fetches. Options.NoCacheBust turns it off for endpoints that reject
// unknown parameters.
const CacheBustParam = "corskit-cb"

// cacheBustValue returns a fresh random value for CacheBustParam.
func cacheBustValue() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// withParam returns target with name=value appended to its query, the
// rest of the URL byte for byte as given.
func withParam(target, name, value string) string {
	frag := ""
	if i := strings.IndexByte(target, '#'); i >= 0 {
		target, frag = target[:i], target[i:]
	}
	sep := "?"
	if strings.Contains(target, "?") {
		sep = "&"
		if strings.HasSuffix(target, "?") || strings.HasSuffix(target, "&") {
			sep = ""
		}
	}
	return target + sep + name + "=" + value + frag
}

// cacheHeaders are response headers that shared caches add; the first
// is the standard one (RFC 9211), the rest are products' own.
var cacheHeaders = []string{"Cache-Status", "X-Cache", "X-Cache-Status", "X-Proxy-Cache", "CF-Cache-Status",
	"Age", "Via", "X-Varnish", "X-Served-By", "X-Cache-Hits", "X-Drupal-Cache", "Akamai-Cache-Status"}

// cacheShown returns the first header of h that shows a shared cache, as
// "Name: value", or "".
func cacheShown(h http.Header) string {
	for _, n := range cacheHeaders {
		if v := h.Get(n); v != "" {
			return n + ": " + v
		}
	}
	return ""
}

// cacheHit reports whether h says it was served from a cache.
func cacheHit(h http.Header) bool {
	if cs := h.Get("Cache-Status"); cs != "" {
		// RFC 9211: "cache-name; hit" (the first member is the cache
		// nearest the origin; any hit counts).
		for m := range strings.SplitSeq(cs, ",") {
			for p := range strings.SplitSeq(m, ";") {
				if strings.EqualFold(strings.TrimSpace(p), "hit") {
					return true
				}
			}
		}
	}
	for _, n := range []string{"X-Cache", "X-Cache-Status", "X-Proxy-Cache", "CF-Cache-Status", "Akamai-Cache-Status"} {
		if strings.HasPrefix(strings.ToUpper(strings.TrimSpace(h.Get(n))), "HIT") {
			return true
		}
	}
	if a, err := strconv.Atoi(strings.TrimSpace(h.Get("Age"))); err == nil && a > 0 {
		return true
	}
	// Varnish: "X-Varnish: <this xid> <the xid that filled the entry>".
	return len(strings.Fields(h.Get("X-Varnish"))) == 2
}

// hstsCovers reports whether the target's Strict-Transport-Security
// answer makes browsers upgrade http://host: the host itself, or a
// subdomain when includeSubDomains is set.
func hstsCovers(h http.Header, target, host string) bool {
	v := h.Get("Strict-Transport-Security")
	if v == "" {
		return false
	}
	maxAge, sub := false, false
	for d := range strings.SplitSeq(v, ";") {
		k, val, _ := strings.Cut(strings.TrimSpace(d), "=")
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "max-age":
			n, err := strconv.Atoi(strings.Trim(strings.TrimSpace(val), `"`))
			maxAge = err == nil && n > 0
		case "includesubdomains":
			sub = true
		}
	}
	return maxAge && (host == target || (sub && strings.HasSuffix(host, "."+target)))
}

// CacheIgnoresQuery is the finding of an audit stopped because a shared
// cache answered a probe: the cache-buster is not in the cache's key (a
// CDN or nginx keyed on the path alone, proxy_cache_key
// $scheme$proxy_host$uri), so every probe would read the entry real
// users get, and a probe that missed would replace it.
const CacheIgnoresQuery = "cache-ignores-query"

// checkCacheKey finds out, before the audit sends anything a cache could
// keep for real users, whether a shared cache in front keys on the
// cache-buster. It sends what any anonymous visitor sends: two GETs
// without Origin, cookie or the target's headers, and without no-cache
// (which some caches take as an order to refetch and store), each to a
// URL of its own. If either comes from a cache (the first: the entry
// real users get was there; the second: the first one's answer was
// stored under it), the key ignores the query, and the error is
// errFromCache (a.cached is that answer). When neither is a hit, either
// the key has the buster or these answers are not stored; every later
// answer is checked the same way (sendAs).
func (a *auditor) checkCacheKey(ctx context.Context) error {
	for range 2 {
		u := withParam(a.t.URL, CacheBustParam, cacheBustValue())
		ex, err := a.request(ctx, http.MethodGet, u, http.Header{"Accept": {"*/*"}})
		if err != nil {
			return err
		}
		a.observe(ex, false)
		if cacheHit(ex.resp) {
			a.cached = ex
			return errFromCache
		}
	}
	return nil
}

// cacheLimited reports the audit that a cache cut short.
func (a *auditor) cacheLimited() {
	ex := a.cached
	a.res.Partial = "shared cache ignores the query string: audit limited, to avoid poisoning"
	a.add(Finding{ID: CacheIgnoresQuery, Severity: Low, Evidence: ex.evidence(),
		Explanation: fmt.Sprintf("A shared cache answered a request for a URL of the audit's own (%s: %s): its key ignores the query string, so the audit's cache-buster does nothing here. Every probe would be answered from (and, on a miss, would replace) the entry real users get, so the audit stopped after %d requests, before any probe with an Origin; nothing here says the endpoint is safe.",
			CacheBustParam, cacheShown(ex.resp), a.res.Probes),
		Fix: Fix{Headers: "Audit the origin server directly (--resolve to the backend, or a staging copy without the cache), or key the cache on the full URL for the audit's run; and send Vary: Origin on every answer whose CORS headers depend on Origin."}})
}
