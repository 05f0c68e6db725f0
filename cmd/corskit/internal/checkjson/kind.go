package checkjson

import (
	"strings"

	"github.com/corskit/corskit/fetch"
)

// Load is the API of the page that makes the call: check's --as,
// --crossorigin and --with-credentials, an exchange's "as",
// "crossorigin" and "with_credentials". Apply is the one mapping from
// them to a fetch.Request, for the CLI and the page alike.
type Load struct {
	As              string // a fetch.Kind name; "" is fetch()
	CrossOrigin     string // an element's crossorigin attribute
	WithCredentials bool   // XMLHttpRequest's and EventSource's withCredentials
}

// The options Apply checks, by their keys in a Spelling and in a
// LoadError: the load's own, and the request's that a kind may refuse.
const (
	OptAs              = "as"
	OptCrossOrigin     = "crossorigin"
	OptWithCredentials = "with-credentials"
	OptMethod          = "method"
	OptHeaders         = "headers"
	OptBody            = "body"
	OptMode            = "mode"
	OptCredentials     = "credentials"
)

// Spelling names the options in a front end's words (--as, -X; as,
// method), for the messages.
type Spelling map[string]string

// ExchangeSpelling is the exchange's field names (request.as...).
var ExchangeSpelling = Spelling{
	OptAs: "as", OptCrossOrigin: "crossorigin", OptWithCredentials: "with_credentials",
	OptMethod: "method", OptHeaders: "headers", OptBody: "body", OptMode: "mode", OptCredentials: "credentials",
}

// LoadError is a load the page's API cannot make: Option (a key above)
// is at fault, Msg says why in the front end's spelling.
type LoadError struct {
	Option, Msg string
}

func (e *LoadError) Error() string { return e.Option + ": " + e.Msg }

// Kind is the kind As names (fetch for "").
func (l Load) Kind() (fetch.Kind, error) { return fetch.ParseKind(l.As) }

// SchemeOK: a WebSocket URL is ws:// or wss:// (http:// and https://
// too, which the WebSocket constructor turns into them); the rest http(s).
func (l Load) SchemeOK(scheme string) bool {
	switch scheme {
	case "http", "https":
		return true
	case "ws", "wss":
		k, _ := l.Kind()
		return k == fetch.KindWebSocket
	}
	return false
}

// Apply makes req the load l names; given says which of the request's
// options (OptMethod...) the front end was given, which must not
// contradict the kind (an element's or EventSource's method, headers,
// body and mode are its own; XMLHttpRequest chooses its method, headers
// and body, never its mode).
func (l Load) Apply(req *fetch.Request, given func(opt string) bool, s Spelling) error {
	k, err := l.Kind()
	if err != nil {
		return &LoadError{OptAs, strings.TrimPrefix(err.Error(), "fetch: ")}
	}
	co := fetch.CrossOrigin(l.CrossOrigin)
	as := s[OptAs] + " " + string(k)
	switch k {
	case fetch.KindFetch:
		if co != "" {
			return &LoadError{OptCrossOrigin, "only with " + s[OptAs] + " img, script, module or stylesheet (a fetch() chooses its mode with " + s[OptMode] + ")"}
		}
		if l.WithCredentials {
			return &LoadError{OptWithCredentials, "only with " + s[OptAs] + " xhr or eventsource (a fetch() chooses with " + s[OptCredentials] + ")"}
		}
		return nil // a fetch() is the request as given
	case fetch.KindXHR, fetch.KindEventSource:
		if co != "" {
			return &LoadError{OptCrossOrigin, "not with " + as + " (it has withCredentials: " + s[OptWithCredentials] + ")"}
		}
		if l.WithCredentials {
			co = fetch.CrossOriginUseCredentials
		}
	default:
		if l.WithCredentials {
			return &LoadError{OptWithCredentials, "only with " + s[OptAs] + " xhr or eventsource"}
		}
		if co != "" && (k == fetch.KindFont || k == fetch.KindWebSocket) {
			return &LoadError{OptCrossOrigin, "not with " + as + " (" + kindWhy(k, s) + ")"}
		}
	}
	for _, o := range []string{OptMethod, OptHeaders, OptBody, OptMode, OptCredentials} {
		if !given(o) || k == fetch.KindXHR && (o == OptMethod || o == OptHeaders || o == OptBody) {
			continue
		}
		return &LoadError{o, "not with " + as + " (" + kindWhy(k, s) + ")"}
	}
	if err := k.Load(req, co); err != nil {
		return &LoadError{OptCrossOrigin, strings.TrimPrefix(err.Error(), "fetch: ")}
	}
	return nil
}

// kindWhy says how a kind chooses its mode and credentials.
func kindWhy(k fetch.Kind, s Spelling) string {
	switch k {
	case fetch.KindXHR:
		return "an XMLHttpRequest is CORS; withCredentials is " + s[OptWithCredentials]
	case fetch.KindEventSource:
		return "an EventSource is a GET in CORS mode; withCredentials is " + s[OptWithCredentials]
	case fetch.KindFont:
		return "a font is always a CORS GET, credentials same-origin"
	case fetch.KindModule:
		return "a module script is always a CORS GET; " + s[OptCrossOrigin] + " use-credentials sends cookies"
	case fetch.KindWebSocket:
		return "a WebSocket handshake is a GET with the page's Origin and the URL's cookies; it has no CORS"
	}
	return "an <" + ElementName(k) + "> is a GET in no-cors mode, or CORS with " + s[OptCrossOrigin]
}

// ElementName is the element that makes a load of kind k.
func ElementName(k fetch.Kind) string {
	switch k {
	case fetch.KindStylesheet:
		return "link rel=stylesheet"
	case fetch.KindModule:
		return "script type=module"
	}
	return string(k)
}

// ParseAddressSpace reads the page's address space for Local Network
// Access (check's --page-address-space, the page's
// "address_space"): "" (from the page's origin), or a name of
// fetch.AddressSpaces.
func ParseAddressSpace(s string) (fetch.AddressSpace, bool) {
	if s == "" {
		return fetch.SpaceUnknown, true
	}
	for _, a := range AddressSpaces() {
		if string(a) == s {
			return a, true
		}
	}
	return "", false
}

// AddressSpaces are the page's address spaces one may name, most public
// first.
func AddressSpaces() []fetch.AddressSpace {
	return []fetch.AddressSpace{fetch.SpacePublic, fetch.SpaceLocal, fetch.SpaceLoopback}
}
