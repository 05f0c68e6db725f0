package fetch

import (
	"fmt"
	"strings"
)

// Request kinds: what API of the page makes the request. fetch() and
// XMLHttpRequest choose their mode; an element's crossorigin attribute
// chooses it for <img>, <script> and <link rel=stylesheet> (absent:
// no-cors); a font and a module script are always CORS; EventSource is
// CORS, with credentials when withCredentials is set. A WebSocket has no
// CORS at all: the browser sends the handshake with the page's Origin
// and opens the connection whatever the answer's headers say, when the
// server answers 101; checking that Origin is the server's job.

// Kind is the API that makes a request. The zero Kind is KindFetch.
type Kind string

// The kinds the model knows (the names of `corskit check --as`).
const (
	KindFetch       Kind = "fetch"
	KindXHR         Kind = "xhr"
	KindImage       Kind = "img"
	KindScript      Kind = "script"
	KindModule      Kind = "module"
	KindFont        Kind = "font"
	KindStylesheet  Kind = "stylesheet"
	KindEventSource Kind = "eventsource"
	KindWebSocket   Kind = "websocket"
)

// Kinds lists every kind, in the order --as names them.
func Kinds() []Kind {
	return []Kind{KindFetch, KindXHR, KindImage, KindScript, KindModule, KindFont, KindStylesheet, KindEventSource, KindWebSocket}
}

// The destinations of the kinds beyond fetch() and <img> (Fetch's
// request destination; XMLHttpRequest, EventSource and WebSocket have "").
const (
	DestinationScript Destination = "script"
	DestinationFont   Destination = "font"
	DestinationStyle  Destination = "style"
)

// CrossOrigin is an element's crossorigin attribute: absent (""),
// CrossOriginAnonymous or CrossOriginUseCredentials. For XMLHttpRequest
// and EventSource, CrossOriginUseCredentials stands for withCredentials.
type CrossOrigin string

// The crossorigin values.
const (
	CrossOriginAnonymous      CrossOrigin = "anonymous"
	CrossOriginUseCredentials CrossOrigin = "use-credentials"
)

// KindError is a kind or a crossorigin value the model does not know, or
// a crossorigin that the kind has no use for.
type KindError struct {
	Field, Value, Problem string
}

func (e *KindError) Error() string {
	return fmt.Sprintf("fetch: %s %q: %s", e.Field, e.Value, e.Problem)
}

// ParseKind reads a kind by its name ("" is fetch).
func ParseKind(s string) (Kind, error) {
	if s == "" {
		return KindFetch, nil
	}
	for _, k := range Kinds() {
		if string(k) == s {
			return k, nil
		}
	}
	names := make([]string, 0, 9)
	for _, k := range Kinds() {
		names = append(names, string(k))
	}
	return "", &KindError{Field: "kind", Value: s, Problem: "want one of " + strings.Join(names, ", ")}
}

// Destination is the request destination of a load of kind k.
func (k Kind) Destination() Destination {
	switch k {
	case KindImage:
		return DestinationImage
	case KindScript, KindModule:
		return DestinationScript
	case KindFont:
		return DestinationFont
	case KindStylesheet:
		return DestinationStyle
	}
	return DestinationEmpty
}

// IsElement reports whether k is loaded by an element of the page
// (<img>, <script>, <link>) or a font: such a load never throws; the
// element fires its error event, the font's promise rejects.
func (k Kind) IsElement() bool {
	switch k {
	case KindImage, KindScript, KindModule, KindFont, KindStylesheet:
		return true
	}
	return false
}

// Load sets req to a load of kind k with crossorigin co, as the page's
// API makes it: a GET, in the mode and credentials mode the kind and co
// give, with the kind's destination. fetch() keeps req's own mode and
// credentials (co must be ""); XMLHttpRequest keeps req's method,
// headers and body, and takes co CrossOriginUseCredentials as
// withCredentials (EventSource too); a font takes no co (it is always
// CORS, credentials same-origin), nor does a WebSocket (no CORS).
func (k Kind) Load(req *Request, co CrossOrigin) error {
	switch co {
	case "", CrossOriginAnonymous, CrossOriginUseCredentials:
	default:
		return &KindError{Field: "crossorigin", Value: string(co), Problem: "want anonymous or use-credentials"}
	}
	if k == "" {
		k = KindFetch
	}
	req.Kind, req.Destination = k, k.Destination()
	switch k {
	case KindFetch:
		if co != "" {
			return &KindError{Field: "crossorigin", Value: string(co), Problem: "fetch() has no crossorigin: it chooses its mode and credentials itself"}
		}
		return nil
	case KindFont, KindWebSocket:
		if co != "" {
			return &KindError{Field: "crossorigin", Value: string(co), Problem: "a " + string(k) + " load has no crossorigin"}
		}
	case KindXHR, KindEventSource:
		if co == CrossOriginAnonymous {
			return &KindError{Field: "crossorigin", Value: string(co), Problem: string(k) + " takes withCredentials only (use-credentials)"}
		}
	}
	if k != KindXHR { // XMLHttpRequest chooses its method, headers and body, as fetch() does
		req.Method, req.Headers, req.Body = "GET", nil, ""
	}
	req.Mode, req.Credentials = ModeCORS, CredentialsSameOrigin
	switch {
	case k == KindWebSocket:
		// The handshake carries the cookies of its URL, always.
		req.Credentials = CredentialsInclude
	case co == CrossOriginUseCredentials:
		req.Credentials = CredentialsInclude
	case co == "" && (k == KindImage || k == KindScript || k == KindStylesheet):
		// No crossorigin: no-cors, with credentials.
		req.Mode, req.Credentials = ModeNoCORS, CredentialsInclude
	}
	return nil
}

// kindOf is req's kind, KindFetch for the zero value; an <img> named by
// its destination alone (as before kinds) is KindImage.
func (req *Request) kindOf() Kind {
	switch {
	case req.Kind != "":
		return req.Kind
	case req.Destination == DestinationImage:
		return KindImage
	}
	return KindFetch
}
