package audit

import (
	"crypto/rand"
	"encoding/hex"
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
