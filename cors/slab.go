package cors

import "sync"

// Response header values must not be shared between responses: a handler
// may edit w.Header()[name][0] in place, or append to it, and a shared
// slice would carry that edit into every later response, across goroutines
// (rs/cors issue 198). A fresh []string per value costs one heap allocation
// each. Instead, take hands out disjoint, capacity-capped windows of a large
// chunk: every response gets storage of its own, and the allocator is
// visited once per chunk rather than once per value.
//
// A window is never handed out twice; a chunk is garbage once every response
// that used part of it is gone. The pool only spreads chunks across Ps, so
// that concurrent requests do not contend on one counter.

const chunkLen = 256 // strings per chunk: 4 KiB, a few dozen responses

type chunk struct {
	buf  [chunkLen]string
	next int
}

var chunks = sync.Pool{New: func() any { return new(chunk) }}

// take returns n (at most 8) fresh string slots, private to the caller.
func take(n int) []string {
	c := chunks.Get().(*chunk)
	if c.next+n > chunkLen {
		c = new(chunk)
	}
	s := c.buf[c.next : c.next+n : c.next+n]
	c.next += n
	chunks.Put(c)
	return s
}
