package cors

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/textproto"
	"strings"
)

// Shared caches do not all read a Vary header sent on several lines: nginx's
// proxy_cache keys on the last line only (1.22.1, measured in
// e2e/sharedcache_test.go), so "Vary: Origin" followed by a handler's or a
// gzip middleware's "Vary: Accept-Encoding" made it serve one origin's
// answer to another. The middleware therefore wraps the ResponseWriter of
// every response to which it adds Vary, and as the header goes out (the
// first Write, WriteHeader, Flush or ReadFrom, or the handler's return)
// joins the Vary lines into one: each token once, compared
// case-insensitively, in the order first seen. A response with one Vary
// line is left as it is, so the merge costs nothing where none is needed.

// mergeVary joins hdr's Vary lines into one, if there are several. "*"
// among them makes the whole value "*": the response varies on anything.
func mergeVary(hdr http.Header) {
	lines := hdr[hdrVary]
	if len(lines) < 2 {
		return
	}
	var b strings.Builder
	for _, line := range lines {
		for tok := range strings.SplitSeq(line, ",") {
			tok = textproto.TrimString(tok)
			switch {
			case tok == "":
				continue
			case tok == "*":
				hdr[hdrVary] = []string{"*"}
				return
			case hasToken(b.String(), tok):
				continue
			}
			if b.Len() > 0 {
				b.WriteString(", ")
			}
			b.WriteString(tok)
		}
	}
	if b.Len() == 0 {
		delete(hdr, hdrVary) // only empty lines: no Vary at all
		return
	}
	hdr[hdrVary] = []string{b.String()}
}

// hasToken reports whether the ", "-joined list holds tok, ignoring case.
func hasToken(list, tok string) bool {
	for have := range strings.SplitSeq(list, ", ") {
		if strings.EqualFold(have, tok) {
			return true
		}
	}
	return false
}

// varyWriter is the ResponseWriter the handler gets when the middleware has
// added Vary. V is the storage of the response's header values (see
// policy.actual), allocated with the writer in one piece.
//
// It is an http.Flusher or http.Hijacker exactly when the writer it wraps
// is (the variants below), so that a handler's type assertions answer as
// they would without the middleware; it always has ReadFrom (io.Copy keeps
// sendfile where the wrapped writer has it), WriteString, FlushError and
// Unwrap, so that http.ResponseController reaches the wrapped writer's
// deadlines, full duplex and hijacking, and flushes through the merge.
// http.Pusher and the deprecated http.CloseNotifier are not forwarded.
type varyWriter[V any] struct {
	rw http.ResponseWriter
	// sent: the final header is out, and no later Vary line can reach
	// the wire, so writes skip the merge.
	sent bool
	v    V
}

func (w *varyWriter[V]) merge() {
	if !w.sent {
		mergeVary(w.rw.Header())
	}
}

func (w *varyWriter[V]) Header() http.Header { return w.rw.Header() }

func (w *varyWriter[V]) WriteHeader(code int) {
	w.merge()
	// 1xx answers other than 101 go out before the final header, which
	// the handler may still change.
	if code < 100 || code > 199 || code == http.StatusSwitchingProtocols {
		w.sent = true
	}
	w.rw.WriteHeader(code)
}

func (w *varyWriter[V]) Write(b []byte) (int, error) {
	w.merge()
	w.sent = true
	return w.rw.Write(b)
}

func (w *varyWriter[V]) WriteString(s string) (int, error) {
	w.merge()
	w.sent = true
	return io.WriteString(w.rw, s)
}

func (w *varyWriter[V]) ReadFrom(r io.Reader) (int64, error) {
	w.merge()
	w.sent = true
	return io.Copy(w.rw, r)
}

// FlushError is what http.ResponseController.Flush calls first: without
// it, the controller would unwrap this writer and flush the header
// unmerged.
func (w *varyWriter[V]) FlushError() error {
	w.merge()
	w.sent = true
	return http.NewResponseController(w.rw).Flush()
}

func (w *varyWriter[V]) Unwrap() http.ResponseWriter { return w.rw }

// finish merges once the handler has returned: net/http writes the header
// of a response whose handler wrote nothing from the map as it is then.
func (w *varyWriter[V]) finish() { w.merge() }

type varyFlusher[V any] struct{ varyWriter[V] }

func (w *varyFlusher[V]) Flush() { _ = w.FlushError() }

type varyHijacker[V any] struct{ varyWriter[V] }

func (w *varyHijacker[V]) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return w.rw.(http.Hijacker).Hijack()
}

type varyFlushHijacker[V any] struct{ varyWriter[V] }

func (w *varyFlushHijacker[V]) Flush() { _ = w.FlushError() }

func (w *varyFlushHijacker[V]) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return w.rw.(http.Hijacker).Hijack()
}

// wrapVary returns the writer to hand the handler, the values storage V
// allocated with it, and the function to call when the handler returns.
// One allocation, whichever variant.
func wrapVary[V any](rw http.ResponseWriter) (http.ResponseWriter, *V, *varyWriter[V]) {
	_, f := rw.(http.Flusher)
	_, h := rw.(http.Hijacker)
	switch {
	case f && h:
		w := &varyFlushHijacker[V]{varyWriter[V]{rw: rw}}
		return w, &w.v, &w.varyWriter
	case f:
		w := &varyFlusher[V]{varyWriter[V]{rw: rw}}
		return w, &w.v, &w.varyWriter
	case h:
		w := &varyHijacker[V]{varyWriter[V]{rw: rw}}
		return w, &w.v, &w.varyWriter
	}
	w := &varyWriter[V]{rw: rw}
	return w, &w.v, w
}
