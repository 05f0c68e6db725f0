package fetch_test

import (
	"context"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/internal/corscase"
	"github.com/corskit/corskit/origin"
)

// TestKindsMatchEngines runs the request-kind cases (XMLHttpRequest,
// <script> classic and module, fonts, stylesheets, EventSource,
// WebSocket; each kind's CSP directive) in each engine's profile, without
// a browser, and compares them with the engines' recordings;
// conformance/ (TestKinds*) checks the same against the live browsers.
func TestKindsMatchEngines(t *testing.T) {
	matchRecorded(t, "kinds", corscase.KindCases())
}

// TestKindLoad: the mode, credentials mode and destination each kind and
// crossorigin give, and the combinations that mean nothing.
func TestKindLoad(t *testing.T) {
	for _, tc := range []struct {
		kind fetch.Kind
		co   fetch.CrossOrigin
		mode fetch.Mode
		cred fetch.Credentials
		dest fetch.Destination
	}{
		{fetch.KindImage, "", fetch.ModeNoCORS, fetch.CredentialsInclude, fetch.DestinationImage},
		{fetch.KindImage, fetch.CrossOriginAnonymous, fetch.ModeCORS, fetch.CredentialsSameOrigin, fetch.DestinationImage},
		{fetch.KindScript, "", fetch.ModeNoCORS, fetch.CredentialsInclude, fetch.DestinationScript},
		{fetch.KindScript, fetch.CrossOriginUseCredentials, fetch.ModeCORS, fetch.CredentialsInclude, fetch.DestinationScript},
		{fetch.KindModule, "", fetch.ModeCORS, fetch.CredentialsSameOrigin, fetch.DestinationScript},
		{fetch.KindModule, fetch.CrossOriginUseCredentials, fetch.ModeCORS, fetch.CredentialsInclude, fetch.DestinationScript},
		{fetch.KindFont, "", fetch.ModeCORS, fetch.CredentialsSameOrigin, fetch.DestinationFont},
		{fetch.KindStylesheet, "", fetch.ModeNoCORS, fetch.CredentialsInclude, fetch.DestinationStyle},
		{fetch.KindStylesheet, fetch.CrossOriginAnonymous, fetch.ModeCORS, fetch.CredentialsSameOrigin, fetch.DestinationStyle},
		{fetch.KindXHR, "", fetch.ModeCORS, fetch.CredentialsSameOrigin, fetch.DestinationEmpty},
		{fetch.KindXHR, fetch.CrossOriginUseCredentials, fetch.ModeCORS, fetch.CredentialsInclude, fetch.DestinationEmpty},
		{fetch.KindEventSource, fetch.CrossOriginUseCredentials, fetch.ModeCORS, fetch.CredentialsInclude, fetch.DestinationEmpty},
		{fetch.KindWebSocket, "", fetch.ModeCORS, fetch.CredentialsInclude, fetch.DestinationEmpty},
	} {
		req := fetch.Request{Method: "POST", Body: "x", Headers: []fetch.Header{{Name: "X-A", Value: "1"}}}
		if err := tc.kind.Load(&req, tc.co); err != nil {
			t.Fatalf("%s %q: %v", tc.kind, tc.co, err)
		}
		if req.Mode != tc.mode || req.Credentials != tc.cred || req.Destination != tc.dest || req.Kind != tc.kind {
			t.Errorf("%s %q: mode %s, credentials %s, destination %q; want %s, %s, %q", tc.kind, tc.co, req.Mode, req.Credentials, req.Destination, tc.mode, tc.cred, tc.dest)
		}
		if keep := tc.kind == fetch.KindXHR; (req.Method == "POST") != keep || (req.Body == "x") != keep || (len(req.Headers) == 1) != keep {
			t.Errorf("%s: method %q, body %q, headers %v: only XMLHttpRequest keeps its own", tc.kind, req.Method, req.Body, req.Headers)
		}
	}
	for _, tc := range []struct {
		kind fetch.Kind
		co   fetch.CrossOrigin
	}{{fetch.KindFont, fetch.CrossOriginAnonymous}, {fetch.KindWebSocket, fetch.CrossOriginUseCredentials}, {fetch.KindXHR, fetch.CrossOriginAnonymous},
		{fetch.KindFetch, fetch.CrossOriginAnonymous}, {fetch.KindImage, "sometimes"}} {
		var ke *fetch.KindError
		if err := tc.kind.Load(&fetch.Request{}, tc.co); !errors.As(err, &ke) || ke.Field != "crossorigin" {
			t.Errorf("%s with crossorigin %q: %v, want a KindError naming crossorigin", tc.kind, tc.co, err)
		}
	}
	if _, err := fetch.ParseKind("video"); err == nil || !strings.Contains(err.Error(), "eventsource") {
		t.Errorf("ParseKind(video): %v", err)
	}
	_, err := (&fetch.Browser{}).Fetch(context.Background(), fetch.Request{Origin: origin.MustParse("https://a.example"), URL: "https://b.example/", Kind: "video"})
	if err == nil {
		t.Error("a request of an unknown kind was made")
	}
}

// TestCSPDirectiveForKind: the directive of a policy that governs each
// kind, with its fallbacks (CSP3 §6.8.3): script-src-elem, then
// script-src, then default-src for a <script>.
func TestCSPDirectiveForKind(t *testing.T) {
	for _, tc := range []struct {
		policy string
		kind   fetch.Kind
		want   string // the directive used, "" none
	}{
		{"default-src 'self'; script-src a.example; script-src-elem b.example", fetch.KindScript, "script-src-elem"},
		{"default-src 'self'; script-src a.example", fetch.KindModule, "script-src"},
		{"default-src 'self'; script-src-elem b.example", fetch.KindImage, "default-src"},
		{"img-src 'none'", fetch.KindImage, "img-src"},
		{"img-src 'none'", fetch.KindFont, ""},
		{"style-src a.example; style-src-elem b.example", fetch.KindStylesheet, "style-src-elem"},
		{"default-src 'none'; style-src a.example", fetch.KindStylesheet, "style-src"},
		{"connect-src a.example", fetch.KindWebSocket, "connect-src"},
		{"connect-src a.example", fetch.KindEventSource, "connect-src"},
		{"script-src a.example", fetch.KindXHR, ""},
	} {
		pol := fetch.ParseCSP([]string{tc.policy}, false)[0]
		d, effective := pol.DirectiveFor(tc.kind)
		got := ""
		if d != nil {
			got = d.Name
		}
		if got != tc.want || effective != fetch.CSPChain(tc.kind)[0] {
			t.Errorf("%s in %q: %q (for %s), want %q", tc.kind, tc.policy, got, effective, tc.want)
		}
	}
}

// TestWebSocketHandshake: a WebSocket is no CORS: the handshake carries
// the page's Origin and opens on 101 with the key's
// Sec-WebSocket-Accept (RFC 6455 §1.3), whatever Access-Control-*
// headers; another status or a wrong accept value fails it, as
// reason websocket-handshake with each engine's line.
func TestWebSocketHandshake(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Origin") != "http://app.example" || r.Header.Get("Access-Control-Request-Method") != "" {
			http.Error(w, "no", http.StatusForbidden)
			return
		}
		key := r.Header.Get("Sec-WebSocket-Key")
		if r.URL.Path == "/wrong" {
			key = "dGhlIHNhbXBsZSBub25jZQ=="
		}
		sum := sha1.Sum([]byte(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		fmt.Fprintf(buf, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n", base64.StdEncoding.EncodeToString(sum[:]))
		buf.Flush()
	}))
	defer srv.Close()
	ws := "ws" + strings.TrimPrefix(srv.URL, "http")
	open := func(p fetch.Profile, o, path string) *fetch.Result {
		t.Helper()
		req := fetch.Request{Origin: origin.MustParse(o), URL: ws + path}
		if err := fetch.KindWebSocket.Load(&req, ""); err != nil {
			t.Fatal(err)
		}
		res, err := (&fetch.Browser{Profile: p}).Fetch(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	if res := open(fetch.Chromium, "http://app.example", "/"); res.Err != nil || res.Response.Status != 101 || res.Response.Type != fetch.ResponseWebSocket || len(res.Trace) != 1 {
		t.Fatalf("allowed handshake: %+v %+v", res.Err, res.Response)
	}
	for _, tc := range []struct {
		p    fetch.Profile
		path string
		o    string
		want string
	}{
		{fetch.Chromium, "/", "http://evil.example", "WebSocket connection to '" + ws + "/' failed: Error during WebSocket handshake: Unexpected response code: 403"},
		{fetch.Chromium, "/wrong", "http://app.example", "WebSocket connection to '" + ws + "/wrong' failed: Error during WebSocket handshake: Incorrect 'Sec-WebSocket-Accept' header value"},
		{fetch.Firefox, "/", "http://evil.example", "Firefox can’t establish a connection to the server at " + ws + "/."},
		{fetch.WebKit, "/", "http://evil.example", "WebSocket connection to '" + ws + "/' failed: The server did not accept the WebSocket handshake."},
		{fetch.WebKit, "/wrong", "http://app.example", "WebSocket connection to '" + ws + "/wrong' failed: Server returned incorrect “Sec-WebSocket-Accept” key"},
	} {
		res := open(tc.p, tc.o, tc.path)
		if res.Err == nil || res.Err.Reason != fetch.ReasonWebSocketHandshake || !fetch.IsGate(res.Err.Reason) {
			t.Errorf("%s %s from %s: %+v, want websocket-handshake", tc.p.Name, tc.path, tc.o, res.Err)
			continue
		}
		if got := tc.p.ConsoleLines(res); len(got) != 1 || got[0] != tc.want {
			t.Errorf("%s %s: console %q, want %q", tc.p.Name, tc.path, got, tc.want)
		}
	}
	// A WebSocket URL is for a WebSocket only.
	if _, err := (&fetch.Browser{}).Fetch(context.Background(), fetch.Request{Origin: origin.MustParse("http://app.example"), URL: ws}); err == nil {
		t.Error("fetch() of a ws:// URL was made")
	}
}
