package fetch

import (
	"slices"
	"sync"
	"time"
)

// preflightCache is the CORS-preflight cache: entries keyed by (origin,
// URL), each for one method or one header name (or "*"), with the
// credentials flag of the preflight that made it and an expiry.
type preflightCache struct {
	mu      sync.Mutex
	entries []cacheEntry
}

type cacheEntry struct {
	origin, url string
	credentials bool   // made by a request with credentials mode include
	method      string // set for a method entry
	header      string // set for a header entry (lowercase)
	expires     time.Time
}

// matches reports whether e serves a request with the given key and
// credentials at time now: a credentialed entry serves both kinds of
// request, a non-credentialed one only requests without credentials.
func (e *cacheEntry) matches(origin, url string, include bool, now time.Time, p Profile) bool {
	if p.CacheKeyedByCredentials && e.credentials != include {
		return false
	}
	return e.origin == origin && e.url == url && (e.credentials || !include) && now.Before(e.expires)
}

// covers reports whether the cache holds a match for the method and every
// header name: then no preflight is needed. The "*" entries never cover
// credentialed requests, nor Authorization (this is why Chromium, which
// accepts "*" for Authorization, preflights such a request every time).
//
// Profile p adjusts the matching: see WildcardNotCached,
// CacheKeyedByCredentials and WildcardCachedForAuthorization.
func (c *preflightCache) covers(origin, url string, include bool, method string, headers []string, now time.Time, p Profile) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	has := func(isMethod bool, name string) bool {
		for i := range c.entries {
			e := &c.entries[i]
			if !e.matches(origin, url, include, now, p) {
				continue
			}
			got := e.header
			if isMethod {
				got = e.method
			}
			if got == name {
				return true
			}
			if got == "*" && !include && !p.WildcardNotCached &&
				(isMethod || name != "authorization" || p.WildcardCachedForAuthorization) {
				return true
			}
		}
		return false
	}
	if method != "" && !has(true, method) {
		return false
	}
	for _, h := range headers {
		if !has(false, h) {
			return false
		}
	}
	return true
}

// store records a successful preflight: one entry per allowed method and
// header name, replacing older entries for the same key, name and
// credentials.
func (c *preflightCache) store(origin, url string, include bool, methods, headers allowList, requestMethod string, expires time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	add := func(method, header string) {
		c.entries = slices.DeleteFunc(c.entries, func(e cacheEntry) bool {
			return e.origin == origin && e.url == url && e.credentials == include && e.method == method && e.header == header
		})
		c.entries = append(c.entries, cacheEntry{origin, url, include, method, header, expires})
	}
	ms := methods.names
	if len(ms) == 0 && requestMethod != "" {
		// Without Allow-Methods, the standard caches the request's own method
		// (it passed because it is safelisted).
		ms = []string{requestMethod}
	}
	for _, m := range ms {
		add(m, "")
	}
	for _, h := range headers.names {
		add("", h)
	}
}

// clear removes every entry for (origin, URL): the standard's "clear cache
// entries" after a CORS failure.
func (c *preflightCache) clear(origin, url string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries = slices.DeleteFunc(c.entries, func(e cacheEntry) bool {
		return e.origin == origin && e.url == url
	})
}

// expire drops entries that have expired, so the cache stays small.
func (c *preflightCache) expire(now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries = slices.DeleteFunc(c.entries, func(e cacheEntry) bool { return !now.Before(e.expires) })
}
