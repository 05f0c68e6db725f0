package fetch

import (
	"fmt"
	"strings"
)

// Reason says why a fetch failed. The CORS reasons are Chromium's; each has
// the console text Chromium prints for it.
type Reason int

// The reasons. ReasonNone is success.
const (
	ReasonNone Reason = iota

	// CORS check of a response (actual or preflight).
	ReasonMissingAllowOrigin       // no Access-Control-Allow-Origin
	ReasonWildcardOriginNotAllowed // "*" with credentials mode include
	ReasonMultipleAllowOrigin      // several values, or several header lines
	ReasonInvalidAllowOrigin       // a value that is not an origin
	ReasonAllowOriginMismatch      // an origin, but not the request's
	ReasonInvalidAllowCredentials  // credentials mode include, and ACAC is not exactly "true"

	// Preflight only.
	ReasonPreflightInvalidStatus // not a 2xx status
	ReasonPreflightRedirect      // a preflight is never redirected
	ReasonInvalidAllowMethods    // Access-Control-Allow-Methods does not parse
	ReasonInvalidAllowHeaders    // Access-Control-Allow-Headers does not parse
	ReasonMethodNotAllowed       // the method is not in Access-Control-Allow-Methods
	ReasonHeaderNotAllowed       // a header is not in Access-Control-Allow-Headers

	// Redirects.
	ReasonRedirectContainsCredentials // a Location with user:password@, across origins or once CORS-tainted
	ReasonTooManyRedirects            // more than 20 redirects
	ReasonRedirectModeError           // redirect mode "error" met a redirect

	// Not CORS: the browser refuses before or without the CORS protocol.
	ReasonForbiddenMethod  // CONNECT, TRACE, TRACK: fetch() throws
	ReasonNoCORSMethod     // mode no-cors with a method other than GET, HEAD, POST: fetch() throws
	ReasonSameOriginMode   // mode same-origin, cross-origin URL
	ReasonNetwork          // the request never got a response (refused, reset, TLS...)
	ReasonOnlyIfCachedMode // cache mode only-if-cached outside same-origin mode: fetch() throws
	ReasonBadPort          // a port on the Fetch Standard's bad-port list: refused before any request
	ReasonUnsafeRedirect   // a redirect to a scheme other than http(s), such as data:

	// ReasonLocalNetworkAccess is a fetch from a page to a more private
	// address space (public to loopback...) without the user's Local
	// Network Access permission (Chromium 142+): refused before any
	// request. Chromium words it as a CORS failure, but no response header
	// fixes it.
	ReasonLocalNetworkAccess
)

var reasonNames = [...]string{
	ReasonNone:                        "none",
	ReasonMissingAllowOrigin:          "missing-allow-origin",
	ReasonWildcardOriginNotAllowed:    "wildcard-origin-not-allowed",
	ReasonMultipleAllowOrigin:         "multiple-allow-origin",
	ReasonInvalidAllowOrigin:          "invalid-allow-origin",
	ReasonAllowOriginMismatch:         "allow-origin-mismatch",
	ReasonInvalidAllowCredentials:     "invalid-allow-credentials",
	ReasonPreflightInvalidStatus:      "preflight-invalid-status",
	ReasonPreflightRedirect:           "preflight-redirect",
	ReasonInvalidAllowMethods:         "invalid-allow-methods",
	ReasonInvalidAllowHeaders:         "invalid-allow-headers",
	ReasonMethodNotAllowed:            "method-not-allowed",
	ReasonHeaderNotAllowed:            "header-not-allowed",
	ReasonRedirectContainsCredentials: "redirect-contains-credentials",
	ReasonTooManyRedirects:            "too-many-redirects",
	ReasonRedirectModeError:           "redirect-mode-error",
	ReasonForbiddenMethod:             "forbidden-method",
	ReasonNoCORSMethod:                "no-cors-method",
	ReasonSameOriginMode:              "same-origin-mode",
	ReasonNetwork:                     "network",
	ReasonOnlyIfCachedMode:            "only-if-cached-mode",
	ReasonBadPort:                     "bad-port",
	ReasonUnsafeRedirect:              "unsafe-redirect",
	ReasonLocalNetworkAccess:          "local-network-access",
}

// String returns the reason's stable, kebab-case name (used in JSON).
func (r Reason) String() string {
	if r >= 0 && int(r) < len(reasonNames) {
		return reasonNames[r]
	}
	return fmt.Sprintf("reason(%d)", int(r))
}

// IsCORS reports whether the reason is a CORS policy failure: one the
// server can fix by sending other headers.
func (r Reason) IsCORS() bool {
	return r >= ReasonMissingAllowOrigin && r <= ReasonRedirectContainsCredentials
}

// Error is a failed fetch: why, where, and what the browser says.
type Error struct {
	Reason Reason

	// Preflight is set when the preflight response failed.
	Preflight bool

	// Header is the response header at fault (for example
	// "Access-Control-Allow-Origin"), or for ReasonHeaderNotAllowed the
	// request header name, for ReasonMethodNotAllowed the method.
	Header string
	// Value is the offending value as the browser saw it ("" when absent).
	Value string
	// ScriptName is, for ReasonHeaderNotAllowed, the first header the
	// preflight did not allow in the order the script set them, spelled as
	// the script wrote it: the one WebKit's message names.
	ScriptName string

	URL        string // the URL whose response failed
	InitialURL string // the URL fetch() was called with, when redirects happened
	Origin     string // the page's origin, as printed by the console

	// Err is the underlying transport error, for ReasonNetwork.
	Err error
}

func (e *Error) Unwrap() error { return e.Err }

// Error returns the console message.
func (e *Error) Error() string { return e.ConsoleMessage() }

// ConsoleMessage returns the line Chromium writes in the DevTools console
// for this failure, or, for failures that make fetch() throw without a
// console line, the TypeError's message.
func (e *Error) ConsoleMessage() string {
	switch e.Reason {
	case ReasonSameOriginMode:
		return fmt.Sprintf(`Fetch API cannot load %s. Request mode is "same-origin" but the URL's origin is not same as the request origin %s.`, e.URL, e.Origin)
	case ReasonForbiddenMethod:
		return fmt.Sprintf("Failed to execute 'fetch' on 'Window': '%s' HTTP method is unsupported.", e.Value)
	case ReasonNoCORSMethod:
		return fmt.Sprintf("Failed to execute 'fetch' on 'Window': '%s' is unsupported in no-cors mode.", e.Value)
	case ReasonOnlyIfCachedMode:
		return "Failed to execute 'fetch' on 'Window': 'only-if-cached' can be set only with 'same-origin' mode"
	case ReasonNetwork:
		return fmt.Sprintf("Failed to load resource: %v", e.Err)
	case ReasonTooManyRedirects:
		return "Failed to load resource: net::ERR_TOO_MANY_REDIRECTS"
	case ReasonBadPort:
		return "Failed to load resource: net::ERR_UNSAFE_PORT"
	case ReasonUnsafeRedirect:
		return "Failed to load resource: net::ERR_UNSAFE_REDIRECT"
	case ReasonRedirectModeError:
		return fmt.Sprintf("Fetch API cannot load %s. Redirect was not allowed.", e.InitialURLOrURL())
	}
	var b strings.Builder
	b.WriteString("Access to fetch at '")
	b.WriteString(e.URL)
	b.WriteString("' ")
	if e.InitialURL != "" && e.InitialURL != e.URL {
		b.WriteString("(redirected from '")
		b.WriteString(e.InitialURL)
		b.WriteString("') ")
	}
	b.WriteString("from origin '")
	b.WriteString(e.Origin)
	b.WriteString("' has been blocked by CORS policy: ")
	b.WriteString(e.Detail())
	return b.String()
}

// InitialURLOrURL is the URL fetch() was called with.
func (e *Error) InitialURLOrURL() string {
	if e.InitialURL != "" {
		return e.InitialURL
	}
	return e.URL
}

// escapeControls writes the control bytes of a header value as Chromium's
// console does, "\u001B" (measured: conformance case acao-escape).
func escapeControls(v string) string {
	if !strings.ContainsFunc(v, isControl) {
		return v
	}
	var b strings.Builder
	for _, r := range v {
		if isControl(r) {
			fmt.Fprintf(&b, "\\u%04X", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isControl(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f }

// validValueHint ends Chromium's messages about a wrong Allow-Origin value.
const validValueHint = " Have the server send the header with a valid value."

// Detail is the part of the console message after "blocked by CORS
// policy: ".
func (e *Error) Detail() string {
	var s string
	switch e.Reason {
	case ReasonMissingAllowOrigin:
		s = "No 'Access-Control-Allow-Origin' header is present on the requested resource."
	case ReasonWildcardOriginNotAllowed:
		s = "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'."
	case ReasonMultipleAllowOrigin:
		s = fmt.Sprintf("The 'Access-Control-Allow-Origin' header contains multiple values '%s', but only one is allowed.%s", escapeControls(e.Value), validValueHint)
	case ReasonInvalidAllowOrigin:
		s = fmt.Sprintf("The 'Access-Control-Allow-Origin' header contains the invalid value '%s'.%s", escapeControls(e.Value), validValueHint)
	case ReasonAllowOriginMismatch:
		s = fmt.Sprintf("The 'Access-Control-Allow-Origin' header has a value '%s' that is not equal to the supplied origin.%s", escapeControls(e.Value), validValueHint)
	case ReasonInvalidAllowCredentials:
		s = fmt.Sprintf("The value of the 'Access-Control-Allow-Credentials' header in the response is '%s' which must be 'true' when the request's credentials mode is 'include'.", escapeControls(e.Value))
	case ReasonPreflightInvalidStatus:
		s = "It does not have HTTP ok status."
	case ReasonPreflightRedirect:
		s = "Redirect is not allowed for a preflight request."
	case ReasonInvalidAllowMethods:
		return "Cannot parse Access-Control-Allow-Methods response header field in preflight response."
	case ReasonInvalidAllowHeaders:
		return "Cannot parse Access-Control-Allow-Headers response header field in preflight response."
	case ReasonMethodNotAllowed:
		return fmt.Sprintf("Method %s is not allowed by Access-Control-Allow-Methods in preflight response.", e.Value)
	case ReasonHeaderNotAllowed:
		return fmt.Sprintf("Request header field %s is not allowed by Access-Control-Allow-Headers in preflight response.", e.Value)
	case ReasonRedirectContainsCredentials:
		s = fmt.Sprintf("Redirect location '%s' contains a username and password, which is disallowed for cross-origin requests.", e.Value)
	case ReasonLocalNetworkAccess:
		return localNetworkDetail(e.Value)
	default:
		return e.Reason.String()
	}
	if e.Preflight {
		return "Response to preflight request doesn't pass access control check: " + s
	}
	return s
}
