package fetch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/corskit/corskit/internal/httplist"
)

// HTTPCacheOutcome says how the HTTP cache took part in a request.
type HTTPCacheOutcome string

// The HTTP cache outcomes, as Result.HTTPCache reports them.
const (
	// HTTPCacheNone: the cache had no part (not a GET, a preflight only,
	// a request blocked before it was sent).
	HTTPCacheNone HTTPCacheOutcome = ""
	// HTTPCacheMiss: nothing usable stored; the request went on the wire.
	HTTPCacheMiss HTTPCacheOutcome = "miss"
	// HTTPCacheFresh: a fresh stored response was used; nothing was sent.
	HTTPCacheFresh HTTPCacheOutcome = "fresh-hit"
	// HTTPCacheStale: a stored response was used although stale, as the
	// cache modes force-cache and only-if-cached ask; nothing was sent.
	HTTPCacheStale HTTPCacheOutcome = "stale-hit"
	// HTTPCacheRevalidated: a conditional request got 304 Not Modified;
	// the stored response, with the 304's headers merged in, was used.
	HTTPCacheRevalidated HTTPCacheOutcome = "revalidated"
	// HTTPCacheModified: a conditional request got a full response, which
	// replaced the stored one.
	HTTPCacheModified HTTPCacheOutcome = "modified"
	// HTTPCacheBypassed: the request's cache mode (no-store, reload)
	// skipped the lookup.
	HTTPCacheBypassed HTTPCacheOutcome = "bypassed"
)

// HTTPCacheNote says how the HTTP cache served the request that gave the
// final response, and whether that response was stored.
type HTTPCacheNote struct {
	Outcome HTTPCacheOutcome
	Detail  string // the outcome in a sentence
	// Stored says whether the response was stored for later calls, and
	// StoreDetail why or why not, with its freshness lifetime.
	Stored      bool
	StoreDetail string
}

// PreflightCacheNote says how the preflight cache served a request that
// needed a preflight.
type PreflightCacheNote struct {
	Hit    bool
	Why    CacheWhy // the stable id of the reason
	Detail string   // the reason in a sentence
	// StoreDetail says, after a preflight on the wire, how long its result
	// is cached and why ("" when the preflight failed).
	StoreDetail string
}

// CacheWhy is the stable id of a preflight-cache decision.
type CacheWhy string

// The preflight-cache decisions.
const (
	CacheWhyHit         CacheWhy = "hit"            // every name is covered by a live entry
	CacheWhyNoEntry     CacheWhy = "no-entry"       // nothing cached for this origin and URL
	CacheWhyExpired     CacheWhy = "expired"        // an entry for the name has expired
	CacheWhyCredentials CacheWhy = "credentials"    // an entry exists for another credentials mode
	CacheWhyWildcard    CacheWhy = "wildcard"       // a cached "*" does not serve this request
	CacheWhyNotCovered  CacheWhy = "not-covered"    // the method or a header was not in the cached lists
	CacheWhyCacheMode   CacheWhy = "cache-mode"     // the request's cache mode skipped the lookup
	CacheWhyRedirect    CacheWhy = "after-redirect" // a preflight repeated after a redirect
)

// httpCache is a private (browser) HTTP cache, partitioned by the site of
// the page, as Chromium, Firefox and WebKit partition theirs: a response
// stored for pages of one site never serves another site's pages, so the
// missing-Vary-Origin mix-up can happen only between origins of one site.
// It holds GET responses only, at most maxHTTPCacheEntries of them and
// maxHTTPCacheBytes of bodies (the oldest go first), each body at most
// maxBody.
type httpCache struct {
	mu      sync.Mutex
	entries map[httpCacheKey][]*storedResponse // variants, by Vary
	order   []httpCacheKey                     // insertion order, for eviction
	size    int
	bytes   int // of the stored bodies
}

const (
	maxHTTPCacheEntries = 1024
	maxHTTPCacheBytes   = 32 << 20
)

type httpCacheKey struct{ site, url string }

// storedResponse is one stored response with the request headers it was
// selected by (for Vary) and the times RFC 9111's age calculation needs.
type storedResponse struct {
	reqHeader    http.Header
	status       int
	header       http.Header
	body         []byte
	requestTime  time.Time
	responseTime time.Time
	apparentAge  time.Duration // the servers' clock on arrival minus Date
}

// lookup returns the stored response for url whose Vary'd request headers
// match hdr, or nil.
func (c *httpCache) lookup(site, url string, hdr http.Header) *storedResponse {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range c.entries[httpCacheKey{site, url}] {
		if varyMatches(s, hdr) {
			return s
		}
	}
	return nil
}

// store keeps s for url, replacing the variant it matches.
func (c *httpCache) store(site, url string, s *storedResponse) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = make(map[httpCacheKey][]*storedResponse)
	}
	key := httpCacheKey{site, url}
	vs := c.entries[key]
	for i, old := range vs {
		if varyMatches(old, s.reqHeader) {
			c.bytes += len(s.body) - len(old.body)
			vs[i] = s
			return
		}
	}
	for (c.size >= maxHTTPCacheEntries || c.bytes+len(s.body) > maxHTTPCacheBytes) && len(c.order) > 0 {
		oldest := c.order[0]
		c.order = c.order[1:]
		if ovs := c.entries[oldest]; len(ovs) > 0 {
			c.size--
			c.bytes -= len(ovs[0].body)
			if len(ovs) == 1 {
				delete(c.entries, oldest)
			} else {
				c.entries[oldest] = ovs[1:]
			}
		}
	}
	c.bytes += len(s.body)
	c.entries[key] = append(c.entries[key], s)
	if len(c.order) >= 2*maxHTTPCacheEntries {
		// Keys invalidated since they were stored linger in order; drop
		// them, so that order stays bounded.
		c.order = slices.DeleteFunc(c.order, func(k httpCacheKey) bool { return len(c.entries[k]) == 0 })
	}
	c.order = append(c.order, key)
	c.size++
}

// remove drops the variant of url that hdr selects (a no-store answer to
// a revalidation).
func (c *httpCache) remove(site, url string, hdr http.Header) {
	c.mu.Lock()
	defer c.mu.Unlock()
	key := httpCacheKey{site, url}
	vs := c.entries[key]
	for i, s := range vs {
		if varyMatches(s, hdr) {
			c.entries[key] = append(vs[:i:i], vs[i+1:]...)
			c.size--
			c.bytes -= len(s.body)
			return
		}
	}
}

// varyMatches reports whether a request with headers hdr may be served s:
// every header its Vary names has the same value in both requests (RFC
// 9111 §4.1), and Vary is not "*".
func varyMatches(s *storedResponse, hdr http.Header) bool {
	sc := httplist.NewScanner(s.header.Values("Vary"), httplist.DefaultLimits)
	for {
		name, ok := sc.Next()
		if !ok {
			break
		}
		if name == "*" {
			return false
		}
		if strings.Join(s.reqHeader.Values(name), ", ") != strings.Join(hdr.Values(name), ", ") {
			return false
		}
	}
	return sc.Err() == nil
}

// cacheControl is the directives of a Cache-Control header, names
// lowercased; a directive without a value maps to "". At most 64
// directives are read.
func cacheControl(h http.Header) map[string]string {
	sc := httplist.NewScanner(h.Values("Cache-Control"), httplist.DefaultLimits)
	var out map[string]string
	for n := 0; n < 64; n++ {
		d, ok := sc.Next()
		if !ok {
			break
		}
		if out == nil {
			out = make(map[string]string, 2)
		}
		k, v, _ := strings.Cut(d, "=")
		out[strings.ToLower(strings.TrimSpace(k))] = strings.Trim(strings.TrimSpace(v), `"`)
	}
	return out
}

// heuristicStatus are the status codes RFC 9110 §15.1 calls heuristically
// cacheable; the model stores responses with these codes only.
func heuristicStatus(code int) bool {
	switch code {
	case 200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501:
		return true
	}
	return false
}

// freshness is a stored response's freshness lifetime (RFC 9111 §4.2.1)
// and where it comes from: max-age, then Expires minus Date, then 10% of
// the time since Last-Modified (the heuristic all three engines use).
func freshness(s *storedResponse) (time.Duration, string) {
	cc := cacheControl(s.header)
	if v, ok := cc["max-age"]; ok {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 {
			n = min(n, int64(1<<63-1)/int64(time.Second))
			return time.Duration(n) * time.Second, "Cache-Control: max-age=" + v
		}
		return 0, "Cache-Control: max-age=" + v + " (invalid: stale at once)"
	}
	date := s.date()
	if e := s.header.Get("Expires"); e != "" {
		t, err := http.ParseTime(e)
		if err != nil {
			return 0, "Expires: " + e + " (invalid: already expired)"
		}
		return max(0, t.Sub(date)), "Expires minus Date"
	}
	if lm := s.header.Get("Last-Modified"); lm != "" {
		if t, err := http.ParseTime(lm); err == nil && date.After(t) {
			return date.Sub(t) / 10, "heuristic: 10% of the time since Last-Modified"
		}
	}
	return 0, "no Cache-Control max-age, Expires or Last-Modified"
}

// date is the response's Date, or the time it arrived when it has none.
func (s *storedResponse) date() time.Time {
	// Most in-process responses have no Date, and ParseTime("") builds
	// three errors to say so.
	if v := s.header.Get("Date"); v != "" {
		if t, err := http.ParseTime(v); err == nil {
			return t
		}
	}
	return s.responseTime
}

// age is the response's current age at now (RFC 9111 §4.2.3).
func (s *storedResponse) age(now time.Time) time.Duration {
	apparent := s.apparentAge
	corrected := s.responseTime.Sub(s.requestTime)
	if v := strings.TrimSpace(s.header.Get("Age")); v == "" {
		// no Age header (and no error to build for it)
	} else if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
		corrected += time.Duration(min(n, int64(1<<62)/int64(time.Second))) * time.Second
	}
	return max(apparent, corrected) + now.Sub(s.responseTime)
}

// storable says whether a response to a GET may be stored, and why not.
func storable(status int, h http.Header, mode CacheMode) (bool, string) {
	cc := cacheControl(h)
	switch _, noStore := cc["no-store"]; {
	case mode == CacheNoStore:
		return false, "not stored: cache mode no-store"
	case noStore:
		return false, "not stored: Cache-Control: no-store"
	case !heuristicStatus(status):
		return false, fmt.Sprintf("not stored: status %d", status)
	}
	for _, v := range h.Values("Vary") {
		if strings.TrimSpace(v) == "*" {
			return false, "not stored: Vary: *"
		}
	}
	return true, ""
}

// storeNote describes a stored response's lifetime.
func storeNote(s *storedResponse) string {
	var note string
	if _, ok := cacheControl(s.header)["no-cache"]; ok {
		note = "stored, revalidated before every use (Cache-Control: no-cache)"
	} else if life, src := freshness(s); life == 0 {
		note = "stored but stale at once (" + src + "): used again only after a revalidation, or by force-cache and only-if-cached"
	} else {
		note = fmt.Sprintf("stored, fresh for %s (%s)", life, src)
	}
	if v := s.header.Values("Vary"); len(v) > 0 {
		note += "; varies on " + strings.Join(v, ", ")
	}
	return note
}

// validators returns the conditional headers a revalidation of s sends.
func (s *storedResponse) validators() (etag, lastModified string) {
	return s.header.Get("Etag"), s.header.Get("Last-Modified")
}

// notUpdatedBy304 are the headers a 304 does not replace in the stored
// response (RFC 9111 §3.2 leaves Content-Length; Chromium's
// kNonUpdatedHeaders adds the framing and content headers). Access-Control-*
// headers are updated: the CORS check then runs on the merged headers.
var notUpdatedBy304 = map[string]bool{
	"Connection": true, "Keep-Alive": true, "Te": true, "Trailer": true, "Transfer-Encoding": true,
	"Upgrade": true, "Content-Length": true, "Content-Encoding": true, "Content-Range": true,
	"Content-Type": true, "Content-Location": true, "Content-Md5": true, "Etag": true,
}

// merge304 returns s's headers updated with those of a 304 answering its
// revalidation.
func merge304(stored, fresh http.Header) http.Header {
	out := stored.Clone()
	for k, v := range fresh {
		if notUpdatedBy304[k] {
			continue
		}
		out[k] = append([]string(nil), v...)
	}
	return out
}

// hasConditional reports whether the script set a conditional header,
// which turns cache mode default into no-store (Fetch, HTTP-network-or-
// cache fetch, step 8.21).
func hasConditional(hs []Header) bool {
	for _, h := range hs {
		switch h.Name {
		case "if-modified-since", "if-none-match", "if-unmodified-since", "if-match", "if-range":
			return true
		}
	}
	return false
}

// errCacheMiss is the network error of an only-if-cached request that
// finds nothing stored (Chromium's net::ERR_CACHE_MISS).
var errCacheMiss = errors.New("net::ERR_CACHE_MISS")

// effectiveCacheMode is the request's cache mode after the Fetch
// Standard's one adjustment: a script that sets a conditional header
// manages the cache itself, so default becomes no-store.
func (f *fetcher) effectiveCacheMode(hs []Header) CacheMode {
	if f.req.Cache == CacheDefault && hasConditional(hs) {
		return CacheNoStore
	}
	return f.req.Cache
}

// send is the HTTP-network-or-cache fetch of one hop: a GET may be served
// by the HTTP cache, fresh or after a revalidation, and its response is
// stored when the rules allow. The response returned is what the CORS
// check and the page see: for a revalidation answered 304, the stored
// response with the 304's headers merged in, as browsers do.
func (f *fetcher) send(ctx context.Context, method, cur string, hdr http.Header, body string, credentials bool, mode CacheMode) (*http.Response, *Exchange, error) {
	site := f.page.site
	if f.b.NoHTTPCache {
		return f.roundTrip(ctx, ExchangeRequest, method, cur, hdr, body, credentials)
	}
	if method != http.MethodGet {
		resp, ex, err := f.roundTrip(ctx, ExchangeRequest, method, cur, hdr, body, credentials)
		if err == nil && method != http.MethodHead && resp.StatusCode < 400 && !f.p.UnsafeMethodKeepsHTTPCache {
			// RFC 9111 §4.4: an unsafe method invalidates what is stored
			// for its URL.
			f.b.http.invalidate(site, cur)
		}
		return resp, ex, err
	}
	note := &f.res.HTTPCache
	*note = HTTPCacheNote{}
	now := f.b.now()
	var stored *storedResponse
	if mode == CacheNoStore || mode == CacheReload {
		note.Outcome, note.Detail = HTTPCacheBypassed, "cache mode "+string(mode)+" skips the HTTP cache lookup"
	} else {
		stored = f.b.http.lookup(site, cur, hdr)
		if stored == nil {
			if mode == CacheOnlyIfCached {
				note.Outcome, note.Detail = HTTPCacheMiss, "nothing stored, and cache mode only-if-cached forbids the network"
				return nil, nil, errCacheMiss
			}
			note.Outcome, note.Detail = HTTPCacheMiss, "nothing stored for this URL that matches the request (Vary)"
		}
	}
	sendHdr := hdr
	if stored != nil {
		life, src := freshness(stored)
		age := stored.age(now)
		_, noCache := cacheControl(stored.header)["no-cache"]
		fresh := age < life && !noCache
		state := fmt.Sprintf("age %s, fresh for %s (%s)", age.Round(time.Second), life, src)
		if noCache {
			state = "stored with Cache-Control: no-cache"
		}
		switch {
		case mode == CacheForceCache || mode == CacheOnlyIfCached:
			note.Outcome = HTTPCacheStale
			if fresh {
				note.Outcome = HTTPCacheFresh
			}
			note.Detail = "cache mode " + string(mode) + " uses any stored response; " + state
			return f.fromCache(stored, method, cur, hdr, credentials, now), &f.res.Trace[len(f.res.Trace)-1], nil
		case mode == CacheDefault && fresh:
			note.Outcome, note.Detail = HTTPCacheFresh, "fresh: "+state
			return f.fromCache(stored, method, cur, hdr, credentials, now), &f.res.Trace[len(f.res.Trace)-1], nil
		}
		why := "stale: " + state
		if mode == CacheNoCache {
			why = "cache mode no-cache revalidates every stored response"
		} else if noCache {
			why = "stored with Cache-Control: no-cache"
		}
		etag, lm := stored.validators()
		if etag == "" && lm == "" {
			note.Outcome, note.Detail = HTTPCacheMiss, why+"; no ETag or Last-Modified to revalidate with"
			stored = nil
		} else {
			sendHdr = hdr.Clone()
			if etag != "" {
				sendHdr.Set("If-None-Match", etag)
			}
			if lm != "" {
				sendHdr.Set("If-Modified-Since", lm)
			}
			note.Outcome, note.Detail = HTTPCacheModified, why+"; revalidated with "+strings.Join(conditionalNames(etag, lm), " and ")
		}
	}
	start := now
	resp, ex, err := f.roundTrip(ctx, ExchangeRequest, method, cur, sendHdr, body, credentials)
	if err != nil {
		return resp, ex, err
	}
	end := f.b.now()
	if stored != nil && resp.StatusCode == http.StatusNotModified {
		merged := &storedResponse{reqHeader: stored.reqHeader, status: stored.status, header: merge304(stored.header, resp.Header),
			body: stored.body, requestTime: start, responseTime: end}
		merged.apparentAge = f.apparentAge(merged)
		note.Outcome = HTTPCacheRevalidated
		note.Detail += ": 304 Not Modified, the stored response is used with the 304's headers merged in"
		if ok, why := storable(merged.status, merged.header, mode); ok {
			f.b.http.store(site, cur, merged)
			note.Stored, note.StoreDetail = true, storeNote(merged)
		} else {
			f.b.http.remove(site, cur, hdr)
			note.StoreDetail = why
		}
		f.res.Trace = append(f.res.Trace, Exchange{Kind: ExchangeHTTPCacheUpdated, Method: method, URL: cur, RequestHeader: sendHdr,
			Credentials: credentials, Status: merged.status, ResponseHeader: merged.header, Start: end, BodyBytes: len(merged.body)})
		out := &http.Response{StatusCode: merged.status, Header: merged.header, Body: newReadBody(merged.body)}
		return out, &f.res.Trace[len(f.res.Trace)-1], nil
	}
	if stored != nil {
		note.Detail += fmt.Sprintf(": %d, a new response", resp.StatusCode)
	}
	rb, _ := resp.Body.(*readBody)
	ok, why := storable(resp.StatusCode, resp.Header, mode)
	switch {
	case !ok:
		note.StoreDetail = why
		if stored != nil {
			f.b.http.remove(site, cur, hdr)
		}
	case rb == nil || rb.err != nil:
		note.StoreDetail = "not stored: the body did not arrive whole"
	default:
		s := &storedResponse{reqHeader: hdr, status: resp.StatusCode, header: resp.Header, body: rb.data, requestTime: start, responseTime: end}
		s.apparentAge = f.apparentAge(s)
		f.b.http.store(site, cur, s)
		note.Stored, note.StoreDetail = true, storeNote(s)
	}
	return resp, ex, nil
}

// apparentAge is how old s was on arrival by the servers' clock.
func (f *fetcher) apparentAge(s *storedResponse) time.Duration {
	now := s.responseTime
	if f.b.ServerNow != nil {
		now = f.b.ServerNow()
	}
	return max(0, now.Sub(s.date()))
}

func conditionalNames(etag, lm string) []string {
	var out []string
	if etag != "" {
		out = append(out, "If-None-Match: "+etag)
	}
	if lm != "" {
		out = append(out, "If-Modified-Since: "+lm)
	}
	return out
}

// fromCache records a response served from the HTTP cache and returns it.
func (f *fetcher) fromCache(s *storedResponse, method, cur string, hdr http.Header, credentials bool, now time.Time) *http.Response {
	f.res.Trace = append(f.res.Trace, Exchange{Kind: ExchangeHTTPCacheHit, Method: method, URL: cur, RequestHeader: hdr,
		Credentials: credentials, Status: s.status, ResponseHeader: s.header, Start: now, BodyBytes: len(s.body)})
	return &http.Response{StatusCode: s.status, Header: s.header, Body: newReadBody(s.body)}
}

func newReadBody(data []byte) *readBody {
	b := &readBody{data: data}
	b.r.Reset(data)
	return b
}

// invalidate drops every stored variant of url.
func (c *httpCache) invalidate(site, url string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	key := httpCacheKey{site, url}
	c.size -= len(c.entries[key])
	for _, s := range c.entries[key] {
		c.bytes -= len(s.body)
	}
	delete(c.entries, key)
}
