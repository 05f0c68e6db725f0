//go:build !js

package fetch

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"
)

// The model talks HTTP/1.1 itself when its Transport is an *http.Transport,
// so that what it sends and what it reads are what a browser sends and
// reads:
//
//   - Browsers send a header value with any byte but NUL, CR and LF: a
//     script's "X-A: a\x01b" goes on the wire as set. net/http refuses to
//     send the control bytes 0x01-0x08, 0x0B, 0x0C, 0x0E-0x1F and DEL
//     ("invalid header field value").
//   - Browsers read such bytes in a response's header too, where net/http's
//     client refuses the whole response, and they keep "Connection: close",
//     which net/http takes out (see readResponse).
//
// So the request is written byte for byte on a connection of its own,
// dialled the way the *http.Transport dials (its DialContext,
// DialTLSContext and TLSClientConfig), and the answer is read with
// readResponse. The connection serves one exchange. Two cases are left to
// the *http.Transport itself, and read its way: a request that its Proxy
// sends through a proxy (unless net/http would refuse to send it), and any
// Transport of another type.

// needsRawHeaders reports whether a value in h holds a byte that browsers
// send and net/http refuses to.
func needsRawHeaders(h http.Header) bool {
	for _, vs := range h {
		for _, v := range vs {
			for i := 0; i < len(v); i++ {
				if c := v[i]; c < 0x20 && c != '\t' || c == 0x7f {
					return true
				}
			}
		}
	}
	return false
}

// rawLimit bounds what rawRoundTrip reads from the server: the response
// header and the body the model keeps.
const rawLimit = maxResponseHeader + maxBody

// onWire reports whether the model sends req itself rather than through t:
// always, unless t would send it through a proxy and net/http can write it.
func onWire(t *http.Transport, req *http.Request) bool {
	if needsRawHeaders(req.Header) || t.Proxy == nil {
		return true
	}
	u, err := t.Proxy(req)
	return err == nil && u == nil
}

// rawRoundTrip sends req over a connection of its own, dialled as t dials,
// writing its header lines unchecked (the model has already refused NUL, CR
// and LF in values and non-token names), and reads the response as browsers
// read it, within t's ResponseHeaderTimeout. The connection closes with the
// response's body.
func rawRoundTrip(ctx context.Context, t *http.Transport, req *http.Request) (*http.Response, error) {
	conn, err := rawDial(ctx, t, req)
	if err != nil {
		return nil, err
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	var b strings.Builder
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\n", req.Method, req.URL.RequestURI(), host)
	keys := make([]string, 0, len(req.Header))
	for k := range req.Header {
		switch http.CanonicalHeaderKey(k) {
		case "Host", "Content-Length", "Transfer-Encoding", "Trailer":
			// Written from the request's fields, as net/http writes them
			// (and never set by a page: forbidden request headers).
		default:
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		for _, v := range req.Header[k] {
			b.WriteString(k + ": " + v + "\r\n")
		}
	}
	var body []byte
	if req.Body != nil {
		if body, err = io.ReadAll(req.Body); err != nil {
			conn.Close()
			return nil, err
		}
	}
	if len(body) > 0 || req.Method == http.MethodPost || req.Method == http.MethodPut {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(body))
	}
	// No "Connection: close": browsers keep the connection alive, and a
	// server answers a close with a "Connection: close" of its own, which
	// pages can read. The model closes it after the one exchange instead.
	b.WriteString("\r\n")
	if _, err := io.WriteString(conn, b.String()+string(body)); err != nil {
		conn.Close()
		return nil, wrapCtx(ctx, err)
	}
	if t.ResponseHeaderTimeout > 0 {
		conn.SetReadDeadline(time.Now().Add(t.ResponseHeaderTimeout))
	}
	resp, err := readResponse(bufio.NewReader(io.LimitReader(conn, rawLimit)), req)
	if err != nil {
		conn.Close()
		return nil, wrapCtx(ctx, err)
	}
	conn.SetReadDeadline(time.Time{})
	resp.Body = &closeBoth{ReadCloser: resp.Body, conn: conn, stop: stop, ctx: ctx}
	return resp, nil
}

// wrapCtx prefers the context's error to the closed connection's.
func wrapCtx(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// rawDial opens a connection to req's host as t would: TLS for https.
func rawDial(ctx context.Context, t *http.Transport, req *http.Request) (net.Conn, error) {
	host, port := req.URL.Hostname(), req.URL.Port()
	tlsOn := req.URL.Scheme == "https"
	if port == "" {
		port = "80"
		if tlsOn {
			port = "443"
		}
	}
	addr := net.JoinHostPort(host, port)
	if tlsOn && t.DialTLSContext != nil {
		return t.DialTLSContext(ctx, "tcp", addr)
	}
	dial := (&net.Dialer{}).DialContext
	if t.DialContext != nil {
		dial = t.DialContext
	}
	conn, err := dial(ctx, "tcp", addr)
	if err != nil || !tlsOn {
		return conn, err
	}
	cfg := &tls.Config{}
	if t.TLSClientConfig != nil {
		cfg = t.TLSClientConfig.Clone()
	}
	if cfg.ServerName == "" {
		cfg.ServerName = host
	}
	cfg.NextProtos = []string{"http/1.1"}
	tc := tls.Client(conn, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		conn.Close()
		return nil, err
	}
	return tc, nil
}

// closeBoth closes the response body and its connection, and says that
// the context ended when a read fails because it did (the connection is
// closed under the read).
type closeBoth struct {
	io.ReadCloser
	conn net.Conn
	stop func() bool
	ctx  context.Context
}

func (c *closeBoth) Read(p []byte) (int, error) {
	n, err := c.ReadCloser.Read(p)
	if err != nil && err != io.EOF {
		err = wrapCtx(c.ctx, err)
	}
	return n, err
}

func (c *closeBoth) Close() error {
	c.stop()
	err := c.ReadCloser.Close()
	c.conn.Close()
	return err
}

// RawHeaderTransport is t, except that requests are written and answers
// read as browsers write and read them (header bytes net/http refuses,
// "Connection: close" kept), as a Browser does when its Transport is t
// itself. Use it under a RoundTripper of your own that wraps t, so that the
// Browser keeps reading the browsers' way.
func RawHeaderTransport(t *http.Transport) http.RoundTripper { return rawHeaderTransport{t} }

type rawHeaderTransport struct{ t *http.Transport }

func (r rawHeaderTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if onWire(r.t, req) {
		return rawRoundTrip(req.Context(), r.t, req)
	}
	return r.t.RoundTrip(req)
}
