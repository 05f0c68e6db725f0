package fetch

import "net/http"

// Replayer is a Transport that answers from recorded or given answers
// (a HAR's replay, an exchange pasted in the page) instead of the
// network. In the WebAssembly build (GOOS=js) the model hands its
// requests to a Transport only through Replay, and refuses a Transport
// that is not a Replayer: the page sends nothing. Calling RoundTrip
// through the http.RoundTripper interface would keep net/http's whole
// client (TLS, HTTP/2, x509) in the page's binary, 1.3 MB gzipped of
// 3.6 MB, since Go's linker keeps every RoundTrip method once one
// interface call to RoundTrip is reachable.
type Replayer interface {
	Replay(*http.Request) (*http.Response, error)
}
