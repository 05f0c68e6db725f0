package har

import (
	"crypto/sha1"
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/corskit/corskit/fetch"
)

// The kind of load an entry records, so that replay makes it as the page
// did (an <img>'s mode, a font's CORS, a WebSocket's handshake) and the
// diagnosis words it as the engine does. Chromium names it in
// "_resourceType"; a HAR without it (Firefox's) still carries the
// request's Sec-Fetch-Dest and Sec-Fetch-Mode, which every engine that
// records a HAR sends.

// resourceKinds maps Chromium's "_resourceType" to the model's kind.
// "document", "preflight", "media", "manifest", "ping", "other"... are
// not loads the model makes.
var resourceKinds = map[string]fetch.Kind{
	"fetch":       fetch.KindFetch,
	"xhr":         fetch.KindXHR,
	"image":       fetch.KindImage,
	"script":      fetch.KindScript,
	"font":        fetch.KindFont,
	"stylesheet":  fetch.KindStylesheet,
	"eventsource": fetch.KindEventSource,
	"websocket":   fetch.KindWebSocket,
}

// destKinds maps Sec-Fetch-Dest to the kind, for a HAR without resource
// types; "empty" is a fetch() (or an XMLHttpRequest, which it cannot
// tell apart), or an EventSource when it asks for text/event-stream.
var destKinds = map[string]fetch.Kind{
	"empty":  fetch.KindFetch,
	"image":  fetch.KindImage,
	"script": fetch.KindScript,
	"font":   fetch.KindFont,
	"style":  fetch.KindStylesheet,
}

// entryKind is the kind of load e records, and its crossorigin (for an
// XMLHttpRequest or an EventSource, use-credentials stands for
// withCredentials): an element's load in cors mode had crossorigin,
// use-credentials when it carried a cookie. A module script is a
// <script crossorigin> here: a HAR does not tell them apart. ok is false
// for what is not a load the model makes (a document, a preflight...).
func entryKind(e Entry) (k fetch.Kind, co fetch.CrossOrigin, ok bool) {
	h := HTTPHeader(e.Request.Headers)
	switch {
	case e.ResourceType != "":
		k, ok = resourceKinds[e.ResourceType]
	case strings.EqualFold(h.Get("Upgrade"), "websocket") || h.Get("Sec-Fetch-Mode") == "websocket":
		k, ok = fetch.KindWebSocket, true
	case h.Get("Sec-Fetch-Dest") == "":
		k, ok = fetch.KindFetch, true // an older HAR: what was replayed before kinds
	default:
		k, ok = destKinds[h.Get("Sec-Fetch-Dest")]
	}
	if !ok {
		return "", "", false
	}
	if k == fetch.KindFetch && e.ResourceType == "" && strings.HasPrefix(h.Get("Accept"), "text/event-stream") {
		k = fetch.KindEventSource
	}
	cookie := h.Get("Cookie") != ""
	switch k {
	case fetch.KindImage, fetch.KindScript, fetch.KindStylesheet:
		if h.Get("Sec-Fetch-Mode") == "cors" || h.Get("Sec-Fetch-Mode") == "" && h.Get("Origin") != "" {
			co = fetch.CrossOriginAnonymous
			if cookie {
				co = fetch.CrossOriginUseCredentials
			}
		}
	case fetch.KindXHR, fetch.KindEventSource:
		if cookie {
			co = fetch.CrossOriginUseCredentials
		}
	}
	return k, co, true
}

// worthReplaying: an element's no-cors load (no Origin header) that the
// HAR records as loaded has nothing to diagnose (no CORS, no gate
// refused it), and a page holds hundreds of them: only those that failed
// are replayed, to name the gate (CSP, CORP, mixed content). Every other
// load is.
func worthReplaying(e Entry, k fetch.Kind, h http.Header) bool {
	return !k.IsElement() || h.Get("Origin") != "" || e.Response.Status == 0 || e.Response.Error != ""
}

// isElementLoad: a kind whose no-cors GET carries no Origin header, so
// that its page is read from the Referer or the last document.
func isElementLoad(k fetch.Kind) bool {
	return k.IsElement() || k == fetch.KindWebSocket
}

// webSocketKey is the replay's answer to the model's handshake: the
// recorded 101 carries the Sec-WebSocket-Accept of the browser's key; when
// it was the right one, the replay answers the right one for the model's
// key, and a wrong one stays wrong.
func webSocketKey(recorded *Entry, answer http.Header, modelKey string) {
	sent := HTTPHeader(recorded.Request.Headers).Get("Sec-WebSocket-Key")
	if recorded.Response.Status != http.StatusSwitchingProtocols || answer.Get("Sec-WebSocket-Accept") != webSocketAccept(sent) {
		return
	}
	answer.Set("Sec-WebSocket-Accept", webSocketAccept(modelKey))
}

func webSocketAccept(key string) string {
	sum := sha1.Sum([]byte(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
	return base64.StdEncoding.EncodeToString(sum[:])
}
