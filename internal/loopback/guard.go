package loopback

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"strconv"
	"strings"
)

// TokenHeader carries the per-run token on the calls a page makes to its
// own server's API (see API).
const TokenHeader = "X-Corskit-Token"

// NewToken returns a fresh random token (128 bits) for one run.
func NewToken() string { return rand.Text() }

// Guard is the front door of every local server: it answers only requests
// addressed to the server itself, gives every response the headers that
// keep browsers from sniffing, framing or embedding it, and bounds request
// bodies.
//
// The Host check is the defence against DNS rebinding: a page on
// attacker.example whose name the attacker re-points at 127.0.0.1 reaches
// the server as "same-origin" in the browser's eyes, but its requests say
// Host: attacker.example:PORT.
type Guard struct {
	// Port is the port the server listens on. The accepted Host values
	// are 127.0.0.1:Port and localhost:Port (any case), and the bare
	// names when Port is 80.
	Port int
	// CSP is the Content-Security-Policy of every response; empty means
	// "default-src 'none'; frame-ancestors 'none'".
	CSP string
	// CORP, when not empty, is the Cross-Origin-Resource-Policy of every
	// response: "same-origin" for page servers. (It governs no-cors loads
	// only: CORS-mode fetches are judged by CORS alone.)
	CORP string
	// MaxBody bounds a request body in bytes; a larger one is answered 413
	// before the handler runs. Zero means 64 KiB.
	MaxBody int64
}

// Wrap returns h behind the guard. Bodies within MaxBody are read in full
// before h runs, so h never meets a body-size error of its own.
func (g Guard) Wrap(h http.Handler) http.Handler {
	csp := g.CSP
	if csp == "" {
		csp = "default-src 'none'; frame-ancestors 'none'"
	}
	limit := g.MaxBody
	if limit == 0 {
		limit = 64 << 10
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hdr := w.Header()
		hdr.Set("X-Content-Type-Options", "nosniff")
		hdr.Set("Content-Security-Policy", csp)
		if g.CORP != "" {
			hdr.Set("Cross-Origin-Resource-Policy", g.CORP)
		}
		if !g.ownHost(r.Host) {
			refuse(w, http.StatusForbidden, fmt.Sprintf("Host %q is not this server: open http://127.0.0.1:%d/", r.Host, g.Port))
			return
		}
		if r.ContentLength > limit {
			refuse(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body too large (limit %d bytes)", limit))
			return
		}
		if r.ContentLength != 0 {
			body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
			var tooLarge *http.MaxBytesError
			switch {
			case errors.As(err, &tooLarge):
				refuse(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body too large (limit %d bytes)", limit))
				return
			case err != nil:
				refuse(w, http.StatusBadRequest, "reading the request body: "+err.Error())
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		h.ServeHTTP(w, r)
	})
}

// ownHost reports whether a Host header names this server: either name of
// the loopback address, with the server's port.
func (g Guard) ownHost(host string) bool {
	name, port, err := net.SplitHostPort(host)
	if err != nil {
		name, port = host, "80"
	}
	name = strings.ToLower(name)
	return (name == "127.0.0.1" || name == "localhost") && port == strconv.Itoa(g.Port)
}

// Origin returns the origin of the page that r addresses, as a browser on
// that page serializes it: "http://localhost:8080" when the page was opened
// under that name. Only meaningful behind a Guard, which has checked that
// r.Host names this server.
func Origin(r *http.Request) string {
	name, port, err := net.SplitHostPort(r.Host)
	if err != nil {
		return "http://" + strings.ToLower(r.Host)
	}
	if port == "80" {
		return "http://" + strings.ToLower(name)
	}
	return "http://" + strings.ToLower(name) + ":" + port
}

// PeerURL returns the URL of the server on port under the other name of
// the loopback address than the one r used: a page opened on 127.0.0.1
// calls its API on localhost, and the other way round, so that page and
// API are different sites whichever name the user typed.
func PeerURL(r *http.Request, port int) string {
	name := "localhost"
	if strings.HasPrefix(Origin(r), "http://localhost") {
		name = "127.0.0.1"
	}
	return "http://" + name + ":" + strconv.Itoa(port)
}

// SameOrigin lets through only requests that the server's own page may
// have sent: Sec-Fetch-Site, when present, must be same-origin or none
// (typed in the address bar), and Origin, when present, must be the
// origin the request addressed. Requests without either header, as curl
// sends them, pass: no browser omits both on a cross-origin request that
// carries a body or custom headers. Use it behind a Guard.
func SameOrigin(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
			refuse(w, http.StatusForbidden, "Sec-Fetch-Site "+site+": only this server's own page may call it")
			return
		}
		if o, ok := r.Header["Origin"]; ok && (len(o) != 1 || o[0] != Origin(r)) {
			refuse(w, http.StatusForbidden, fmt.Sprintf("Origin %q: only this server's own page (%s) may call it", strings.Join(o, ", "), Origin(r)))
			return
		}
		h.ServeHTTP(w, r)
	})
}

// API guards an endpoint that sends requests or changes state. Beyond
// SameOrigin, a request with a body must be Content-Type:
// application/json, which no HTML form and no simple fetch() can send, so
// a browser has to preflight it, and the server answers no preflight; and
// every request must carry the run's token in TokenHeader, which only
// the server's own page knows. Use it behind a Guard.
func API(token string, h http.Handler) http.Handler {
	return SameOrigin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
			if err != nil || mt != "application/json" {
				refuse(w, http.StatusUnsupportedMediaType, fmt.Sprintf("Content-Type %q: send application/json", r.Header.Get("Content-Type")))
				return
			}
		}
		got := r.Header.Get(TokenHeader)
		if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(token)) != 1 {
			refuse(w, http.StatusForbidden, "missing or wrong "+TokenHeader+" token: only this server's own page may call it")
			return
		}
		h.ServeHTTP(w, r)
	}))
}

// refuse answers a refused request: a status and one short line of text.
func refuse(w http.ResponseWriter, status int, reason string) {
	http.Error(w, http.StatusText(status)+": "+reason, status)
}
