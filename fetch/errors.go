package fetch

import (
	"fmt"

	"github.com/corskit/corskit/reason"
)

// Reason says why a fetch failed. The CORS reasons are Chromium's; each has
// the console text Chromium prints for it. The vocabulary is package
// reason's, shared with the middleware (package cors): Reason is its ID.
type Reason = reason.ID

// The reasons. ReasonNone is success.
const (
	ReasonNone = reason.None

	// CORS check of a response (actual or preflight).
	ReasonMissingAllowOrigin       = reason.MissingAllowOrigin       // no Access-Control-Allow-Origin
	ReasonWildcardOriginNotAllowed = reason.WildcardOriginNotAllowed // "*" with credentials mode include
	ReasonMultipleAllowOrigin      = reason.MultipleAllowOrigin      // several values, or several header lines
	ReasonInvalidAllowOrigin       = reason.InvalidAllowOrigin       // a value that is not an origin
	ReasonAllowOriginMismatch      = reason.AllowOriginMismatch      // an origin, but not the request's
	ReasonInvalidAllowCredentials  = reason.InvalidAllowCredentials  // credentials mode include, and ACAC is not exactly "true"

	// Preflight only.
	ReasonPreflightInvalidStatus = reason.PreflightInvalidStatus // not a 2xx status
	ReasonPreflightRedirect      = reason.PreflightRedirect      // a preflight is never redirected
	ReasonInvalidAllowMethods    = reason.InvalidAllowMethods    // Access-Control-Allow-Methods does not parse
	ReasonInvalidAllowHeaders    = reason.InvalidAllowHeaders    // Access-Control-Allow-Headers does not parse
	ReasonMethodNotAllowed       = reason.MethodNotAllowed       // the method is not in Access-Control-Allow-Methods
	ReasonHeaderNotAllowed       = reason.HeaderNotAllowed       // a header is not in Access-Control-Allow-Headers

	// Redirects.
	ReasonRedirectContainsCredentials = reason.RedirectContainsCredentials // a Location with user:password@, across origins or once CORS-tainted
	ReasonTooManyRedirects            = reason.TooManyRedirects            // more than 20 redirects
	ReasonRedirectModeError           = reason.RedirectModeError           // redirect mode "error" met a redirect

	// Not CORS: the browser refuses before or without the CORS protocol.
	ReasonForbiddenMethod  = reason.ForbiddenMethod  // CONNECT, TRACE, TRACK: fetch() throws
	ReasonNoCORSMethod     = reason.NoCORSMethod     // mode no-cors with a method other than GET, HEAD, POST: fetch() throws
	ReasonSameOriginMode   = reason.SameOriginMode   // mode same-origin, cross-origin URL
	ReasonNetwork          = reason.Network          // the request never got a response (refused, reset, TLS...)
	ReasonOnlyIfCachedMode = reason.OnlyIfCachedMode // cache mode only-if-cached outside same-origin mode: fetch() throws
	ReasonBadPort          = reason.BadPort          // a port on the Fetch Standard's bad-port list: refused before any request
	ReasonUnsafeRedirect   = reason.UnsafeRedirect   // a redirect to a scheme other than http(s), such as data:

	// ReasonLocalNetworkAccess is a fetch from a page to a more private
	// address space (public to loopback...) without the user's Local
	// Network Access permission (Chromium 142+): refused before any
	// request. Chromium words it as a CORS failure, but no response header
	// fixes it.
	ReasonLocalNetworkAccess = reason.LocalNetworkAccess
	// ReasonUnspecifiedAddress is a fetch to 0.0.0.0 or [::], which
	// Firefox and WebKit refuse before connecting (Profile.
	// RefusesUnspecifiedAddress); Value is the host.
	ReasonUnspecifiedAddress = reason.UnspecifiedAddress
)

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
	case ReasonMixedContent:
		return reason.ChromiumMixedContentLine(e.Value, e.URL)
	case ReasonCSPConnectSrc:
		return reason.ChromiumCSPLine(e.URL, e.Value, e.Header == "default-src", false)
	case ReasonCOEPCORPMissing, ReasonCORPNotSameOrigin, ReasonCORPNotSameSite:
		return "Failed to load resource: " + reason.ChromiumCORPNetError(e.Reason)
	case ReasonORBBlocked:
		// Chromium's console prints no line for it: this is the error its
		// Network panel shows, and the URL.
		return reason.ChromiumORBNetError + " " + e.URL
	}
	return reason.ChromiumLine(e.URL, e.InitialURL, e.Origin, e.Detail())
}

// InitialURLOrURL is the URL fetch() was called with.
func (e *Error) InitialURLOrURL() string {
	if e.InitialURL != "" {
		return e.InitialURL
	}
	return e.URL
}

// Detail is the part of the console message after "blocked by CORS
// policy: ".
func (e *Error) Detail() string {
	if e.Reason == ReasonLocalNetworkAccess {
		return localNetworkDetail(e.Value)
	}
	return reason.ChromiumDetail(e.Reason, e.Value, e.Preflight)
}
