//go:build js

package fetch

import (
	"context"
	"errors"
	"net/http"
)

// errNoNetwork is the page's answer to a Transport that would send.
var errNoNetwork = errors.New("fetch: the WebAssembly build replays given answers only (a Transport that is a fetch.Replayer); it sends nothing")

// transmit hands one request to the Browser's Transport, which must be a
// Replayer in the page's build (send.go says why).
func (f *fetcher) transmit(_ context.Context, hreq *http.Request) (*http.Response, error) {
	if r, ok := f.b.transport().(Replayer); ok {
		return r.Replay(hreq)
	}
	return nil, errNoNetwork
}

// handshake hands a WebSocket handshake to the Replayer, as transmit does.
func (f *fetcher) handshake(hreq *http.Request) (*http.Response, error) {
	return f.transmit(hreq.Context(), hreq)
}
