package corscase

import (
	"bufio"
	"crypto/sha1"
	_ "embed"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"

	"github.com/corskit/corskit/fetch"
)

// The request kinds beyond fetch() and <img> (GateCase.As): each is loaded
// by the page as its API loads it, and served as that API wants it, so
// that a load the gates and CORS let through succeeds in every engine.
const (
	AsXHR         = "xhr"         // XMLHttpRequest; CrossOrigin "use-credentials" sets withCredentials
	AsScript      = "script"      // a classic <script>, crossorigin as GateCase.CrossOrigin
	AsModule      = "module"      // a <script type=module>: always CORS
	AsFont        = "font"        // new FontFace(...).load(): always CORS, credentials same-origin
	AsStylesheet  = "stylesheet"  // <link rel=stylesheet>, crossorigin as GateCase.CrossOrigin
	AsEventSource = "eventsource" // new EventSource; CrossOrigin "use-credentials" sets withCredentials
	AsWebSocket   = "websocket"   // new WebSocket: no CORS; WSRefuse makes the server answer 403
)

// kind is the model's kind of a case that is not a fetch().
func (c GateCase) kind() fetch.Kind {
	if c.As == AsImg {
		return fetch.KindImage
	}
	return fetch.Kind(c.As)
}

// kindFont is the smallest TrueType font the engines' font sanitisers
// (OTS in Chromium and Firefox, WebKit's own) accept: one glyph, a box.
// testdata/kind-font.py made it with fontTools.
//
//go:embed testdata/kind-font.ttf
var kindFont []byte

// kindLoad is the page's statement that loads target as c.As says and
// sets r; ok is false for the kinds gates.go loads itself (fetch, <img>).
// Elements and EventSource say only whether they loaded: status 0.
func (c GateCase) kindLoad(target string) (string, bool) {
	co := ""
	if c.CrossOrigin != "" {
		co = fmt.Sprintf("e.crossOrigin = %q;", c.CrossOrigin)
	}
	withCredentials := c.CrossOrigin == "use-credentials"
	const settle = `e.onload = () => done({outcome: "allowed", status: 0}); e.onerror = () => done({outcome: "blocked", status: 0});`
	switch c.As {
	case AsScript, AsModule:
		typ := ""
		if c.As == AsModule {
			typ = `e.type = "module";`
		}
		return fmt.Sprintf(`r = await new Promise(done => { const e = document.createElement("script"); %s %s
      %s
      e.src = %q; document.head.append(e); });`, typ, co, settle, target), true
	case AsStylesheet:
		return fmt.Sprintf(`r = await new Promise(done => { const e = document.createElement("link"); e.rel = "stylesheet"; %s
      %s
      e.href = %q; document.head.append(e); });`, co, settle, target), true
	case AsFont:
		return fmt.Sprintf(`r = await new FontFace("k", "url(%s)").load().then(() => ({outcome: "allowed", status: 0}), () => ({outcome: "blocked", status: 0}));`, target), true
	case AsXHR:
		return fmt.Sprintf(`r = await new Promise(done => { const e = new XMLHttpRequest(); e.open("GET", %q); e.withCredentials = %t;
      e.onload = () => done({outcome: "allowed", status: e.status}); e.onerror = () => done({outcome: "blocked", status: 0});
      e.send(); });`, target, withCredentials), true
	case AsEventSource:
		return fmt.Sprintf(`r = await new Promise(done => { const e = new EventSource(%q, {withCredentials: %t});
      e.onopen = () => { e.close(); done({outcome: "allowed", status: 0}); }; e.onerror = () => { e.close(); done({outcome: "blocked", status: 0}); }; });`, target, withCredentials), true
	case AsWebSocket:
		return fmt.Sprintf(`r = await new Promise(done => { const e = new WebSocket(%q);
      e.onopen = () => { e.close(); done({outcome: "allowed", status: 0}); }; e.onerror = () => done({outcome: "blocked", status: 0}); });`, target), true
	}
	return "", false
}

// serveKind answers a kind case's target; ok is false for the kinds
// gates.go answers itself.
func serveKind(w http.ResponseWriter, r *http.Request, c GateCase) bool {
	if _, ok := c.kindLoad(""); !ok {
		return false
	}
	if c.CrossOrigin == "use-credentials" && !c.NoACAO {
		w.Header().Set("Access-Control-Allow-Credentials", "true")
	}
	switch c.As {
	case AsScript, AsModule:
		w.Header().Set("Content-Type", "text/javascript")
		w.Write([]byte("/* corskit */\n"))
	case AsStylesheet:
		w.Header().Set("Content-Type", "text/css")
		w.Write([]byte("/* corskit */\n"))
	case AsFont:
		w.Header().Set("Content-Type", "font/ttf")
		w.Write(kindFont)
	case AsXHR:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok"))
	case AsEventSource:
		w.Header().Set("Content-Type", "text/event-stream")
		w.Write([]byte("data: ok\n\n"))
	case AsWebSocket:
		serveWebSocket(w, r, c)
	}
	return true
}

// webSocketGUID is RFC 6455's constant of the Sec-WebSocket-Accept hash.
const webSocketGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// serveWebSocket answers a handshake: 101 with the key's accept value,
// then waits for the page to close the connection; or 403 when the case
// says the server refuses the handshake's Origin.
func serveWebSocket(w http.ResponseWriter, r *http.Request, c GateCase) {
	if c.WSRefuse || !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
		http.Error(w, "origin not allowed", http.StatusForbidden)
		return
	}
	h := sha1.Sum([]byte(r.Header.Get("Sec-WebSocket-Key") + webSocketGUID))
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	fmt.Fprintf(buf, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n", base64.StdEncoding.EncodeToString(h[:]))
	if buf.Flush() != nil {
		return
	}
	// The page closes at once; its close frame, or EOF, ends this. The
	// model closes without a frame.
	if readFrames(buf.Reader) {
		conn.Write([]byte{0x88, 0x00}) // the server's close frame, no status
	}
}

// readFrames reads until the peer's close frame (closing: true) or EOF,
// with a bound.
func readFrames(r *bufio.Reader) (closing bool) {
	b := make([]byte, 512)
	for n := 0; n < 64; n++ {
		if _, err := r.Read(b); err != nil {
			return false
		}
		if b[0]&0x0f == 0x8 {
			return true
		}
	}
	return false
}
