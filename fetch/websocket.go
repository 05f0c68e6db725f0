package fetch

import (
	"context"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/corskit/corskit/reason"
)

// ReasonWebSocketHandshake: a WebSocket's handshake was not answered 101
// (see reason.WebSocketHandshake). Not CORS.
const ReasonWebSocketHandshake = reason.WebSocketHandshake

// ResponseWebSocket is the Response.Type of a WebSocket whose handshake
// succeeded: the connection opened (the model closes it at once, having
// sent no frame).
const ResponseWebSocket ResponseType = "websocket"

// webSocketGUID is RFC 6455's constant of Sec-WebSocket-Accept.
const webSocketGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// validateScheme: http and https for every kind but WebSocket, which
// takes ws and wss (and http and https, which the WebSocket constructor
// turns into ws and wss).
func (req Request) validateScheme(u *url.URL) error {
	k := req.kindOf()
	if _, err := ParseKind(string(k)); err != nil {
		return err
	}
	switch u.Scheme {
	case "http", "https":
		return nil
	case "ws", "wss":
		if k == KindWebSocket {
			return nil
		}
	}
	if k == KindWebSocket {
		return fmt.Errorf("fetch: request URL %q: a WebSocket URL is ws:// or wss://", req.URL)
	}
	return fmt.Errorf("fetch: request URL %q: only http and https URLs are modelled", req.URL)
}

// webSocketURL is u as the WebSocket constructor keeps it: http and
// https become ws and wss.
func webSocketURL(u *url.URL) *url.URL {
	w := *u
	switch u.Scheme {
	case "http":
		w.Scheme = "ws"
	case "https":
		w.Scheme = "wss"
	}
	w.Fragment = ""
	return &w
}

// webSocket opens a WebSocket as the page does: the gates first (the
// page's CSP connect-src, mixed content), then one handshake, with the
// page's Origin and the URL's cookies, and no CORS check of any kind.
// The connection counts as open when the answer is 101 with Upgrade:
// websocket and the Sec-WebSocket-Accept of the key sent; it is closed at
// once, before any frame.
func (f *fetcher) webSocket(ctx context.Context, u *url.URL) error {
	u = webSocketURL(u)
	cur := u.String()
	f.initial, f.hopURL = cur, u
	if e := f.gateCheck(u, cur, false); e != nil {
		f.fail(e, cur)
		return nil
	}
	key := make([]byte, 16)
	rand.Read(key)
	hdr := http.Header{
		"Origin":                {f.pageOrigin()},
		"Upgrade":               {"websocket"},
		"Connection":            {"Upgrade"},
		"Sec-Websocket-Key":     {base64.StdEncoding.EncodeToString(key)},
		"Sec-Websocket-Version": {"13"},
		"Cache-Control":         {"no-cache"},
		"Pragma":                {"no-cache"},
	}
	if a := f.p.webSocketAccept(); a != "" {
		hdr.Set("Accept", a)
	}
	wire := *u
	wire.Scheme = strings.Replace(u.Scheme, "ws", "http", 1) // ws -> http, wss -> https
	hreq, err := http.NewRequestWithContext(ctx, http.MethodGet, wire.String(), nil)
	if err != nil {
		return err
	}
	hreq.Header = hdr
	start := f.b.now()
	resp, err := f.handshake(hreq)
	f.res.Trace = append(f.res.Trace, Exchange{Kind: ExchangeRequest, Method: http.MethodGet, URL: cur, RequestHeader: hdr,
		Credentials: true, Start: start, Err: err})
	ex := &f.res.Trace[len(f.res.Trace)-1]
	if err != nil {
		ex.Duration = f.b.since(start)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		f.fail(&Error{Reason: ReasonNetwork, Err: err}, cur)
		return nil
	}
	// A 101's body is the connection: closing it sends no frame. Another
	// answer's body is not read: the page never sees it.
	resp.Body.Close()
	ex.Duration = f.b.since(start)
	ex.Status, ex.ResponseHeader = resp.StatusCode, resp.Header
	sum := sha1.Sum([]byte(hdr.Get("Sec-Websocket-Key") + webSocketGUID))
	switch {
	case resp.StatusCode != http.StatusSwitchingProtocols:
		f.fail(&Error{Reason: ReasonWebSocketHandshake, Value: strconv.Itoa(resp.StatusCode)}, cur)
	case !strings.EqualFold(resp.Header.Get("Upgrade"), "websocket"):
		f.fail(&Error{Reason: ReasonWebSocketHandshake, Header: "Upgrade", Value: resp.Header.Get("Upgrade")}, cur)
	case resp.Header.Get("Sec-Websocket-Accept") != base64.StdEncoding.EncodeToString(sum[:]):
		f.fail(&Error{Reason: ReasonWebSocketHandshake, Header: "Sec-WebSocket-Accept", Value: resp.Header.Get("Sec-Websocket-Accept")}, cur)
	default:
		f.res.Response = &Response{Type: ResponseWebSocket, Status: resp.StatusCode, Header: http.Header{}, URL: cur}
	}
	return nil
}
