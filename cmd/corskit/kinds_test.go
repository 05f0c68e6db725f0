package main

import (
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// kindServer answers scripts, fonts and stylesheets with
// Access-Control-Allow-Origin only when ?acao=1, and WebSocket handshakes
// at /ws with 101 from {allowed} and 403 from any other Origin.
func kindServer(t *testing.T, allowed string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/ws" {
			if r.Header.Get("Origin") != allowed {
				http.Error(w, "origin not allowed", http.StatusForbidden)
				return
			}
			sum := sha1.Sum([]byte(r.Header.Get("Sec-WebSocket-Key") + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
			conn, buf, err := http.NewResponseController(w).Hijack()
			if err != nil {
				return
			}
			defer conn.Close()
			fmt.Fprintf(buf, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n", base64.StdEncoding.EncodeToString(sum[:]))
			buf.Flush()
			return
		}
		if o := r.Header.Get("Origin"); o != "" && r.URL.Query().Get("acao") == "1" {
			w.Header().Set("Access-Control-Allow-Origin", o)
		}
		w.Write([]byte("/* x */"))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestCheckKinds: --as with each kind: the mode the kind takes, each
// engine's words for it, the CSP directive that governs it with the fix
// in the page server's policy, and a WebSocket's handshake, which no CORS
// header decides.
func TestCheckKinds(t *testing.T) {
	const origin = "http://app.example.com"
	srv := kindServer(t, origin)
	ws := "ws" + strings.TrimPrefix(srv.URL, "http") + "/ws"
	checkCases(t, []string{"--color", "never"}, []checkCase{
		{"script no-cors", []string{srv.URL + "/a.js", "--origin", origin, "--as", "script", "--no-probe"}, 0,
			[]string{"as script, credentials include, mode no-cors", "ALLOWED"}, nil},
		{"script crossorigin", []string{srv.URL + "/a.js", "--origin", origin, "--as", "script", "--crossorigin", "anonymous", "--no-probe"}, 1,
			[]string{"Access to script at '" + srv.URL + "/a.js' from origin '" + origin + "' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header",
				"<script> source URI is not allowed in this document: “" + srv.URL + "/a.js”.", "Access-Control-Allow-Origin: " + origin}, nil},
		{"module is CORS", []string{srv.URL + "/m.js", "--origin", origin, "--as", "module", "--no-probe", "--browser", "chromium"}, 1,
			[]string{"mode cors", "Access to script at"}, nil},
		{"font is CORS but in WebKit", []string{srv.URL + "/f.woff2", "--origin", origin, "--as", "font", "--no-probe"}, 1,
			[]string{"Access to font at", "webkit"}, nil},
		{"stylesheet", []string{srv.URL + "/s.css", "--origin", origin, "--as", "stylesheet", "--crossorigin", "anonymous", "--no-probe", "--browser", "chromium"}, 1,
			[]string{"Access to CSS stylesheet at"}, nil},
		{"xhr with credentials", []string{srv.URL + "/x?acao=1", "--origin", origin, "--as", "xhr", "--with-credentials", "--no-probe", "--browser", "webkit"}, 1,
			[]string{"credentials include", "XMLHttpRequest cannot load " + srv.URL + "/x?acao=1 due to access control checks.", "Access-Control-Allow-Credentials: true"}, nil},
		{"eventsource", []string{srv.URL + "/events", "--origin", origin, "--as", "eventsource", "--no-probe", "--browser", "firefox"}, 1,
			[]string{"> Accept: text/event-stream", "Firefox can’t establish a connection to the server at " + srv.URL + "/events."}, nil},
		{"csp script-src", []string{srv.URL + "/a.js?acao=1", "--page-url", origin + "/", "--page-csp", "default-src 'self'; script-src 'self'", "--as", "script", "--no-probe", "--browser", "chromium"}, 1,
			[]string{"Loading the script '" + srv.URL + "/a.js?acao=1' violates the following Content Security Policy directive: \"script-src 'self'\". Note that 'script-src-elem' was not explicitly set, so 'script-src' is used as a fallback. The action has been blocked.",
				"Not CORS (csp-script-src)", "(blocked:csp)", "not CORS: the page's Content Security Policy (script-src 'self') refuses scripts from " + srv.URL,
				`add_header Content-Security-Policy "default-src 'self'; script-src 'self' ` + srv.URL + `" always;`},
			[]string{"Access-Control-Allow-Origin: " + origin}},
		{"csp img default-src", []string{srv.URL + "/i.png", "--page-url", origin + "/", "--page-csp", "default-src 'self'", "--as", "img", "--no-probe", "--browser", "webkit"}, 1,
			[]string{"Refused to load " + srv.URL + "/i.png because it appears in neither the img-src directive nor the default-src directive of the Content Security Policy.",
				"img-src 'self' " + srv.URL}, nil},
		{"csp font report-only", []string{srv.URL + "/f.woff2?acao=1", "--page-url", origin + "/", "--page-csp-report-only", "font-src 'none'", "--as", "font", "--no-probe", "--browser", "firefox"}, 0,
			[]string{"Content-Security-Policy: (Report-Only policy) The page’s settings would block the loading of a resource (font-src) at " + srv.URL + "/f.woff2?acao=1 because it violates the following directive: “font-src 'none'”",
				"allow " + srv.URL + " in its font-src before you enforce it"}, nil},
		{"websocket opens", []string{ws, "--origin", origin, "--as", "websocket", "--browser", "chromium"}, 0,
			[]string{"as websocket: a handshake, no CORS", "< 101 Switching Protocols", "answered 101 Switching Protocols: the connection opens", "checking it is the server's job"},
			[]string{"Access-Control-Allow-Origin", "reflection probe"}},
		{"websocket refused", []string{ws, "--origin", "http://evil.example", "--as", "websocket"}, 1,
			[]string{"WebSocket connection to '" + ws + "' failed: Error during WebSocket handshake: Unexpected response code: 403",
				"Firefox can’t establish a connection to the server at " + ws + ".",
				"WebSocket connection to '" + ws + "' failed: The server did not accept the WebSocket handshake.",
				"answered 403, not 101", "not CORS: a WebSocket has no CORS", "Upgrader.CheckOrigin", "Not CORS (websocket-handshake)"},
			[]string{"Access-Control-Allow-Origin: http://evil.example"}},
		{"csp connect-src websocket", []string{ws, "--page-url", origin + "/", "--page-csp", "connect-src 'self'", "--as", "websocket", "--browser", "chromium"}, 1,
			[]string{"Connecting to '" + ws + "' violates the following Content Security Policy directive: \"connect-src 'self'\". The action has been blocked.",
				"connect-src 'self' " + ws[:strings.LastIndex(ws, "/")]}, nil},
	})
}

// TestCheckKindsUsage: --as and its companions misused: one line, exit 2.
func TestCheckKindsUsage(t *testing.T) {
	for _, tc := range []struct {
		name, msg string
		args      []string
	}{
		{"font crossorigin", "--crossorigin: not with --as font", []string{"https://api.example.com/f", "--origin", page, "--as", "font", "--crossorigin", "anonymous"}},
		{"xhr crossorigin", "--crossorigin: not with --as xhr", []string{"https://api.example.com/f", "--origin", page, "--as", "xhr", "--crossorigin", "anonymous"}},
		{"script with-credentials", "--with-credentials: only with --as xhr or eventsource", []string{"https://api.example.com/f", "--origin", page, "--as", "script", "--with-credentials"}},
		{"fetch with-credentials", "--with-credentials: only with --as xhr", []string{"https://api.example.com/f", "--origin", page, "--with-credentials"}},
		{"eventsource method", "--X: not with --as eventsource", []string{"https://api.example.com/f", "--origin", page, "--as", "eventsource", "-X", "POST"}},
		{"xhr mode", "--mode: not with --as xhr", []string{"https://api.example.com/f", "--origin", page, "--as", "xhr", "--mode", "no-cors"}},
		{"ws url for fetch", "want an absolute http:// or https:// URL", []string{"ws://api.example.com/f", "--origin", page}},
		{"ftp url for websocket", "want an absolute ws://, wss://", []string{"ftp://api.example.com/f", "--origin", page, "--as", "websocket"}},
	} {
		t.Run(tc.name, func(t *testing.T) { checkMisuse(t, tc.args, tc.msg) })
	}
}

// TestCheckKindsJSON: the kind's CSP gate and a WebSocket's refusal in
// check's JSON.
func TestCheckKindsJSON(t *testing.T) {
	srv := kindServer(t, "http://app.example.com")
	ws := "ws" + strings.TrimPrefix(srv.URL, "http") + "/ws"
	type gate struct {
		ID, Layer, Directive string
		FixedPolicy          string `json:"fixed_policy"`
		BlockedReason        string `json:"blocked_reason"`
	}
	var r struct {
		Reason string `json:"reason"`
		Gate   gate   `json:"gate"`
	}
	checkJSONInto(t, 1, &r, srv.URL+"/s.css", "--page-url", "http://app.example.com/", "--page-csp", "style-src-elem 'self'", "--as", "stylesheet")
	if r.Reason != "csp-style-src" || (r.Gate != gate{ID: "csp-style-src", Layer: "page-server", Directive: "style-src-elem 'self'", FixedPolicy: "style-src-elem 'self' " + srv.URL, BlockedReason: "csp"}) {
		t.Errorf("%+v", r)
	}
	r = struct {
		Reason string `json:"reason"`
		Gate   gate   `json:"gate"`
	}{}
	checkJSONInto(t, 1, &r, ws, "--origin", "http://evil.example", "--as", "websocket")
	if r.Reason != "websocket-handshake" || r.Gate.Layer != "api-server" {
		t.Errorf("%+v", r)
	}
}
