package fetch

import (
	"fmt"
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
	made        time.Time
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
// header name: then no preflight is needed.
func (c *preflightCache) covers(origin, url string, include bool, method string, headers []string, now time.Time, p Profile) bool {
	hit, _, _ := c.lookup(origin, url, include, method, headers, now, p)
	return hit
}

// lookup is covers with the reason: for a miss, why the first name not
// covered (the method, then the headers in order) is not, and in a
// sentence. The "*" entries never cover credentialed requests, nor
// Authorization (this is why Chromium, which accepts "*" for
// Authorization, preflights such a request every time).
//
// Profile p adjusts the matching: see WildcardNotCached,
// CacheKeyedByCredentials and WildcardCachedForAuthorization.
func (c *preflightCache) lookup(origin, url string, include bool, method string, headers []string, now time.Time, p Profile) (bool, CacheWhy, string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	entries := c.entries[cacheKey{origin, url}]
	if len(entries) == 0 {
		return false, CacheWhyNoEntry, "nothing cached for origin " + origin + " and this URL"
	}
	// find returns the live entry covering the name, or nil.
	find := func(isMethod bool, name string) *cacheEntry {
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
				return e
			}
			if got == "*" && !include && !p.WildcardNotCached &&
				(isMethod || name != "authorization" || p.WildcardCachedForAuthorization) {
				return e
			}
		}
		return nil
	}
	// why says why nothing covers the name.
	why := func(isMethod bool, name string) (CacheWhy, string) {
		what := "header " + name
		if isMethod {
			what = "method " + name
		}
		var expired, otherCreds, star bool
		for i := range entries {
			e := &entries[i]
			got := e.header
			if isMethod {
				got = e.method
			}
			switch {
			case got != name && got != "*":
				continue
			case got == "*":
				star = true
			case !now.Before(e.expires):
				expired = true
			case e.credentials != include:
				otherCreds = true
			}
		}
		mode := "without credentials"
		if include {
			mode = "with credentials"
		}
		switch {
		case otherCreds:
			return CacheWhyCredentials, fmt.Sprintf("the cached entry for the %s was made by a request of the other credentials mode; it does not serve a request %s", what, mode)
		case expired:
			return CacheWhyExpired, fmt.Sprintf("the cached entry for the %s has expired", what)
		case star && include:
			return CacheWhyWildcard, fmt.Sprintf("the cached \"*\" does not cover the %s in a request with credentials", what)
		case star:
			return CacheWhyWildcard, fmt.Sprintf("the cached \"*\" does not cover the %s in the %s engine", what, p.Name)
		}
		return CacheWhyNotCovered, fmt.Sprintf("the %s is not in the cached Access-Control-Allow-%s", what, map[bool]string{true: "Methods", false: "Headers"}[isMethod])
	}
	var served *cacheEntry
	check := func(isMethod bool, name string) (CacheWhy, string) {
		e := find(isMethod, name)
		if e == nil {
			return why(isMethod, name)
		}
		if served == nil || e.expires.Before(served.expires) {
			served = e
		}
		return "", ""
	}
	if method != "" {
		if w, d := check(true, method); w != "" {
			return false, w, d
		}
	}
	for _, h := range headers {
		if w, d := check(false, h); w != "" {
			return false, w, d
		}
	}
	if served == nil {
		return true, CacheWhyHit, "cached"
	}
	return true, CacheWhyHit, fmt.Sprintf("cached %s ago for %s; %s left", now.Sub(served.made).Round(time.Second),
		served.expires.Sub(served.made), served.expires.Sub(now).Round(time.Second))
}

// store records a successful preflight: one entry per allowed method and
// header name, replacing older entries for the same key, name and
// credentials.
func (c *preflightCache) store(origin, url string, include bool, methods, headers allowList, requestMethod string, made, expires time.Time) {
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
		entries = append(entries, cacheEntry{include, method, header, made, expires})
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
