package fetch

import (
	"slices"
	"sync"
	"time"
)

// preflightCache is the CORS-preflight cache: entries keyed by (origin,
// URL), each for one method or one header name (or "*"), with the
// credentials flag of the preflight that made it and an expiry.
//
// Its work does not grow with the number of URLs it holds: lookups go
// through the (origin, URL) key, whose entries are bounded by what one
// preflight response can list (httplist's limits), and expired entries are
// swept only when the cache has doubled since the last sweep, so a sweep's
// cost is paid for by the stores before it. (A HAR replay of 100,000 calls
// to distinct URLs used to scan every entry on every call.)
type preflightCache struct {
	mu      sync.Mutex
	entries map[cacheKey][]cacheEntry
	size    int // entries in all keys
	sweepAt int // sweep expired entries once size reaches this
}

type cacheKey struct{ origin, url string }

type cacheEntry struct {
	credentials bool   // made by a request with credentials mode include
	method      string // set for a method entry
	header      string // set for a header entry (lowercase)
	expires     time.Time
}

// matches reports whether e serves a request with the given credentials
// at time now: a credentialed entry serves both kinds of request, a
// non-credentialed one only requests without credentials.
func (e *cacheEntry) matches(include bool, now time.Time, p Profile) bool {
	if p.CacheKeyedByCredentials && e.credentials != include {
		return false
	}
	return (e.credentials || !include) && now.Before(e.expires)
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
	entries := c.entries[cacheKey{origin, url}]
	has := func(isMethod bool, name string) bool {
		for i := range entries {
			e := &entries[i]
			if !e.matches(include, now, p) {
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
	if c.entries == nil {
		c.entries = make(map[cacheKey][]cacheEntry)
	}
	key := cacheKey{origin, url}
	entries := c.entries[key]
	c.size -= len(entries)
	add := func(method, header string) {
		entries = slices.DeleteFunc(entries, func(e cacheEntry) bool {
			return e.credentials == include && e.method == method && e.header == header
		})
		entries = append(entries, cacheEntry{include, method, header, expires})
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
	c.entries[key] = entries
	c.size += len(entries)
}

// clear removes every entry for (origin, URL): the standard's "clear cache
// entries" after a CORS failure.
func (c *preflightCache) clear(origin, url string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	key := cacheKey{origin, url}
	c.size -= len(c.entries[key])
	delete(c.entries, key)
}

// expire drops entries that have expired, so the cache stays small. It
// sweeps only when the cache has doubled since the last sweep (and holds
// at least 64 entries): amortised, constant work per call.
func (c *preflightCache) expire(now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.size < max(c.sweepAt, 64) {
		return
	}
	for key, entries := range c.entries {
		n := len(entries)
		entries = slices.DeleteFunc(entries, func(e cacheEntry) bool { return !now.Before(e.expires) })
		c.size -= n - len(entries)
		if len(entries) == 0 {
			delete(c.entries, key)
		} else {
			c.entries[key] = entries
		}
	}
	c.sweepAt = 2 * c.size
}
