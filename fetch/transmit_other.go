//go:build !js

package fetch

import (
	"context"
	"net/http"
)

// transmit hands one request to the Browser's Transport: on the wire as
// browsers read it (rawheader.go) for an *http.Transport, through
// RoundTrip otherwise. send_js.go is the page's.
func (f *fetcher) transmit(ctx context.Context, hreq *http.Request) (*http.Response, error) {
	if t, ok := f.b.transport().(*http.Transport); ok && onWire(t, hreq) {
		return rawRoundTrip(ctx, t, hreq)
	}
	return f.b.transport().RoundTrip(hreq)
}

// handshake hands a WebSocket handshake to the Transport through
// RoundTrip, as is (websocket.go).
func (f *fetcher) handshake(hreq *http.Request) (*http.Response, error) {
	return f.b.transport().RoundTrip(hreq)
}
