package fetch

import (
	"fmt"
	"net/http"
	"testing"
)

// The HTTP cache keeps at most maxHTTPCacheBytes of bodies and
// maxHTTPCacheEntries responses, dropping the oldest first: a long-lived
// Browser (corstest, a sequence of many calls) stays bounded.
func TestHTTPCacheBounded(t *testing.T) {
	var c httpCache
	body := make([]byte, 1<<20)
	for i := range 40 {
		c.store("site", fmt.Sprint(i), &storedResponse{reqHeader: http.Header{}, header: http.Header{}, body: body})
	}
	if c.bytes > maxHTTPCacheBytes || c.bytes != c.size*len(body) {
		t.Errorf("%d bytes in %d entries, bound %d", c.bytes, c.size, maxHTTPCacheBytes)
	}
	if c.lookup("site", "0", http.Header{}) != nil || c.lookup("site", "39", http.Header{}) == nil {
		t.Error("want the oldest evicted and the newest kept")
	}
	for i := range 3 * maxHTTPCacheEntries {
		c.store("site", fmt.Sprint("small", i), &storedResponse{reqHeader: http.Header{}, header: http.Header{}})
		c.invalidate("site", fmt.Sprint("small", i-1))
	}
	if c.size > maxHTTPCacheEntries || len(c.order) > 2*maxHTTPCacheEntries+1 {
		t.Errorf("%d entries, %d keys in order", c.size, len(c.order))
	}
}
