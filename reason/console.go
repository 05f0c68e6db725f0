package reason

import (
	"fmt"
	"strconv"
	"strings"
)

// The text below is each engine's own, measured in the real browser by
// conformance/ (recorded in internal/corscase/testdata); package fetch
// renders whole console lines from it for the model, and package cors for
// the rejections it makes. A line here changes only with a new
// measurement.

// ----- Chromium -----

// ChromiumLine is Chromium's console line for a fetch blocked by CORS
// policy: the URL whose response failed, the URL fetch() was called with
// when a redirect led elsewhere ("" or url itself otherwise), the page's
// origin, and the detail ([ChromiumDetail]).
func ChromiumLine(url, initialURL, origin, detail string) string {
	var b strings.Builder
	b.WriteString("Access to fetch at '")
	b.WriteString(url)
	b.WriteString("' ")
	if initialURL != "" && initialURL != url {
		b.WriteString("(redirected from '")
		b.WriteString(initialURL)
		b.WriteString("') ")
	}
	b.WriteString("from origin '")
	b.WriteString(origin)
	b.WriteString("' has been blocked by CORS policy: ")
	b.WriteString(detail)
	return b.String()
}

// validValueHint ends Chromium's messages about a wrong Allow-Origin value.
const validValueHint = " Have the server send the header with a valid value."

// ChromiumDetail is the part of Chromium's console line after "blocked by
// CORS policy: " for a CORS reason: value is the offending value (the
// Allow-Origin or Allow-Credentials value, the method, the header name,
// the redirect's Location), preflight is set when the preflight's
// response failed. For other reasons it is the reason's name.
func ChromiumDetail(id ID, value string, preflight bool) string {
	var s string
	switch id {
	case MissingAllowOrigin:
		s = "No 'Access-Control-Allow-Origin' header is present on the requested resource."
	case WildcardOriginNotAllowed:
		s = "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'."
	case MultipleAllowOrigin:
		s = fmt.Sprintf("The 'Access-Control-Allow-Origin' header contains multiple values '%s', but only one is allowed.%s", escapeControls(value), validValueHint)
	case InvalidAllowOrigin:
		s = fmt.Sprintf("The 'Access-Control-Allow-Origin' header contains the invalid value '%s'.%s", escapeControls(value), validValueHint)
	case AllowOriginMismatch:
		s = fmt.Sprintf("The 'Access-Control-Allow-Origin' header has a value '%s' that is not equal to the supplied origin.%s", escapeControls(value), validValueHint)
	case InvalidAllowCredentials:
		s = fmt.Sprintf("The value of the 'Access-Control-Allow-Credentials' header in the response is '%s' which must be 'true' when the request's credentials mode is 'include'.", escapeControls(value))
	case PreflightInvalidStatus:
		s = "It does not have HTTP ok status."
	case PreflightRedirect:
		s = "Redirect is not allowed for a preflight request."
	case InvalidAllowMethods:
		return "Cannot parse Access-Control-Allow-Methods response header field in preflight response."
	case InvalidAllowHeaders:
		return "Cannot parse Access-Control-Allow-Headers response header field in preflight response."
	case MethodNotAllowed:
		return fmt.Sprintf("Method %s is not allowed by Access-Control-Allow-Methods in preflight response.", value)
	case HeaderNotAllowed:
		return fmt.Sprintf("Request header field %s is not allowed by Access-Control-Allow-Headers in preflight response.", value)
	case RedirectContainsCredentials:
		s = fmt.Sprintf("Redirect location '%s' contains a username and password, which is disallowed for cross-origin requests.", value)
	default:
		return id.String()
	}
	if preflight {
		return "Response to preflight request doesn't pass access control check: " + s
	}
	return s
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

// ----- Firefox -----
//
// Firefox's messages are in dom/locales/en-US/chrome/security/security.properties
// (the CORS* keys); its quotes are the curly ‘ ’.

// FirefoxLine is Firefox's "Cross-Origin Request Blocked" line for the
// resource at url, for the reason phrase ([FirefoxPhrase]).
func FirefoxLine(url, phrase string) string {
	return fmt.Sprintf("Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at %s. (Reason: %s).", url, phrase)
}

// FirefoxLineStatus is [FirefoxLine] for the messages that end with the
// response's status code ("(null)" when there was no response).
func FirefoxLineStatus(url, phrase, status string) string {
	return fmt.Sprintf("Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at %s. (Reason: %s). Status code: %s.", url, phrase, status)
}

// FirefoxRequestFailed is the phrase of the line Firefox adds, with status
// "(null)", when a failed preflight or refused redirect fails the request.
const FirefoxRequestFailed = "CORS request did not succeed"

// FirefoxPhrase is Firefox's reason phrase for the reasons that have one
// fixed wording (value: the method or header name where the phrase names
// it), "" for the others, whose wording depends on more of the response.
func FirefoxPhrase(id ID, value string) string {
	switch id {
	case MissingAllowOrigin:
		return "CORS header ‘Access-Control-Allow-Origin’ missing"
	case InvalidAllowCredentials:
		return "expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’"
	case PreflightInvalidStatus:
		return "CORS preflight response did not succeed"
	case MethodNotAllowed:
		return "Did not find method in CORS header ‘Access-Control-Allow-Methods’"
	case HeaderNotAllowed:
		return fmt.Sprintf("header ‘%s’ is not allowed according to header ‘Access-Control-Allow-Headers’ from CORS preflight response", value)
	}
	return ""
}

// ----- WebKit -----
//
// WebKit's messages are in Source/WebCore/loader/CrossOriginAccessControl.cpp
// (the first line) and DocumentThreadableLoader.cpp (the second, "Fetch API
// cannot load ... due to access control checks.").

// WebKitLine is WebKit's first console line for the reasons that have one
// fixed wording: origin is the Origin the request sent, value the method or
// header name (as the script spelled it), status the response's status.
// It is "" for the other reasons.
func WebKitLine(id ID, origin, value string, status int) string {
	switch id {
	case MissingAllowOrigin:
		return "Origin " + origin + " is not allowed by Access-Control-Allow-Origin. Status code: " + strconv.Itoa(status)
	case WildcardOriginNotAllowed:
		return "Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true."
	case InvalidAllowCredentials:
		return `Credentials flag is true, but Access-Control-Allow-Credentials is not "true".`
	case PreflightInvalidStatus:
		return "Preflight response is not successful. Status code: " + strconv.Itoa(status)
	case MethodNotAllowed:
		return "Method " + value + " is not allowed by Access-Control-Allow-Methods."
	case HeaderNotAllowed:
		return "Request header field " + value + " is not allowed by Access-Control-Allow-Headers."
	}
	return ""
}

// WebKitCannotLoad is the second line WebKit prints for a fetch blocked by
// access control.
func WebKitCannotLoad(url string) string {
	return "Fetch API cannot load " + url + " due to access control checks."
}
