package audit

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/corskit/corskit/reason"
)

// CrossSiteWebSocket is cross-site WebSocket hijacking: the server
// completed a WebSocket handshake (101) that carried another site's
// Origin. WebSocket has no CORS: the browser opens the connection from
// any page, with the user's cookies for the server, and leaves checking
// Origin to the server. A page on any site can then talk on that
// connection as the user, and read every answer.
const CrossSiteWebSocket = reason.CrossSiteWebSocketFinding

// wsProbeOrigin is the attacker's page a handshake comes from.
const wsProbeOrigin = "https://" + attackerDomain

// isWebSocketURL reports whether u is a ws:// or wss:// URL.
func isWebSocketURL(u *url.URL) bool { return u.Scheme == "ws" || u.Scheme == "wss" }

// webSocketHTTP is the http(s) URL a handshake for u is sent to.
func webSocketHTTP(u *url.URL) string {
	h := *u
	h.Scheme = strings.Replace(u.Scheme, "ws", "http", 1) // ws -> http, wss -> https
	h.Fragment = ""
	return h.String()
}

// scanWebSocket audits a ws:// or wss:// target: its handshake alone,
// since a WebSocket URL answers no fetch().
func (s *Scanner) scanWebSocket(ctx context.Context, t Target, u *url.URL) Result {
	res := Result{URL: t.URL, Method: http.MethodGet, Findings: []Finding{}, Allowed: []string{}, CookieSent: t.Cookie != "", Requests: map[string]int{}}
	if t.Method != "" && t.Method != http.MethodGet {
		res.Err = fmt.Errorf("target %s: a WebSocket handshake is a GET, not %s", t.URL, t.Method)
		return res
	}
	t.Method = http.MethodGet
	tctx, cancel := context.WithTimeout(ctx, s.targetTimeout)
	defer cancel()
	a := &auditor{s: s, t: t, u: u, res: &res}
	if err := a.webSocketProbe(tctx, webSocketHTTP(u)); err != nil {
		res.Err = fmt.Errorf("GET %s: %w", t.URL, err)
	}
	return res
}

// webSocketProbe sends one WebSocket handshake from the attacker's
// origin, as a browser sends it from another site's page (with the
// target's cookie, which the browser would attach), and reports
// CrossSiteWebSocket when the server accepts it. Nothing is sent after
// the handshake: the connection is closed as soon as the 101's headers
// are read, so no message reaches the application.
func (a *auditor) webSocketProbe(ctx context.Context, target string) error {
	if !a.s.noBust {
		target = withParam(target, CacheBustParam, cacheBustValue())
	}
	key := make([]byte, 16)
	rand.Read(key)
	hdr := http.Header{
		"Origin":                {wsProbeOrigin},
		"Upgrade":               {"websocket"},
		"Connection":            {"Upgrade"},
		"Sec-Websocket-Key":     {base64.StdEncoding.EncodeToString(key)},
		"Sec-Websocket-Version": {"13"},
		// As Chromium sends them with every handshake.
		"Cache-Control": {"no-cache"},
		"Pragma":        {"no-cache"},
	}
	if a.t.Cookie != "" {
		hdr.Set("Cookie", a.t.Cookie)
	}
	ex, err := a.handshake(ctx, target, hdr)
	if err != nil {
		return err
	}
	if ex.status != http.StatusSwitchingProtocols || !strings.EqualFold(ex.resp.Get("Upgrade"), "websocket") {
		return nil // refused (or not a WebSocket endpoint): nothing to report
	}
	sev, why := webSocketSeverity(a.t.Cookie != "", len(ex.resp.Values("Set-Cookie")) > 0)
	a.add(Finding{ID: CrossSiteWebSocket, Severity: sev, Origin: wsProbeOrigin, Credentials: a.t.Cookie != "", Evidence: ex.evidence(),
		Explanation: "The server accepted a WebSocket handshake from " + wsProbeOrigin + " (101 Switching Protocols). WebSocket has no CORS: a browser opens the connection from any site's page, with the user's cookies, and only the server can refuse it by its Origin. " + why,
		Fix: Fix{Headers: "Refuse the handshake (403) unless its Origin is exactly one of your front ends' origins (Node ws: verifyClient; gorilla/websocket: Upgrader.CheckOrigin; coder/websocket: AcceptOptions.OriginPatterns; Django Channels: AllowedHostsOriginValidator), " +
			"or authenticate the connection by a token sent after it opens rather than by cookies."}})
	return nil
}

// webSocketSeverity is the finding's severity by how exploitable it is:
// a page on another site can act as the user only where the connection
// carries the user's authority, which cookies are the evidence of.
func webSocketSeverity(cookieSent, setsCookie bool) (Severity, string) {
	switch {
	case cookieSent:
		return High, "It was accepted with the user's cookie: any website the user visits can open this connection as the user, send on it and read everything the server answers."
	case setsCookie:
		return Medium, "The handshake's answer sets a cookie, so the endpoint keeps state in cookies, which every cross-site handshake would carry; audit with --cookie to see whether a logged-in user's connection is accepted too."
	}
	return Info, "No cookie was sent nor set, so nothing shows that the connection carries a user's authority: harmless if the endpoint is public; audit with --cookie as a logged-in user to tell."
}

// handshake sends one handshake request and reads only the answer's
// status line and headers: a 101's body is the connection itself, closed
// at once, so that not one frame is sent.
func (a *auditor) handshake(ctx context.Context, target string, hdr http.Header) (*exchange, error) {
	a.res.Probes++
	a.res.Requests[http.MethodGet]++
	u, err := url.Parse(target)
	if err != nil {
		return nil, err
	}
	if err := a.s.limiter.wait(ctx, strings.ToLower(u.Host)); err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return nil, err
	}
	req.Header = hdr
	res, err := a.s.client.Do(req)
	if err != nil {
		return nil, err
	}
	if res.StatusCode == http.StatusSwitchingProtocols {
		// The connection, handed over: closing it sends nothing (a TLS
		// connection, its close_notify alert), no WebSocket frame.
		if err := res.Body.Close(); err != nil && !errors.Is(err, http.ErrBodyReadAfterClose) {
			return nil, err
		}
	} else {
		a.s.drain(res.Body, bodyWait)
	}
	return &exchange{method: http.MethodGet, url: target, req: hdr, status: res.StatusCode, resp: res.Header}, nil
}
