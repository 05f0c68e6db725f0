package reason

import (
	"fmt"
	"strings"
)

// The words of the request kinds beyond fetch() (XMLHttpRequest, <img>,
// <script> classic and module, fonts, stylesheets, EventSource,
// WebSocket) in each engine: their CSP lines, the noun Chromium's CORS
// line names them by, and the lines that follow a failed load. Measured
// by conformance/ (TestKinds*, recorded in
// internal/corscase/testdata/kinds-*.json); package fetch decides which
// lines a load prints. Kinds are named as `corskit check --as` names
// them: fetch, xhr, img, script, module, font, stylesheet, eventsource,
// websocket.

// ChromiumKindNoun is what Chromium's CORS line calls a load of kind:
// "Access to <noun> at '...'" ("fetch" for fetch()).
func ChromiumKindNoun(kind string) string {
	switch kind {
	case "xhr":
		return "XMLHttpRequest"
	case "img":
		return "image"
	case "script", "module":
		return "script"
	case "font":
		return "font"
	case "stylesheet":
		return "CSS stylesheet"
	case "eventsource":
		return "resource"
	}
	return "fetch"
}

// chromiumCSPVerb is how Chromium's CSP line begins for a load of kind:
// "Connecting to" for connections, "Loading the <thing>" for the rest.
func chromiumCSPVerb(kind string) string {
	switch kind {
	case "img":
		return "Loading the image"
	case "script", "module":
		return "Loading the script"
	case "font":
		return "Loading the font"
	case "stylesheet":
		return "Loading the stylesheet"
	}
	return "Connecting to"
}

// ChromiumKindCSPLine is Chromium's line for a load of kind that the
// page's CSP refuses: directive as Chromium quotes it, effective the
// directive that governs the kind (connect-src, img-src,
// script-src-elem...), used the name of the directive that stood in for
// it ("" or effective itself when none did). For fetch() it is
// [ChromiumCSPLine].
func ChromiumKindCSPLine(kind, url, directive, effective, used string, reportOnly bool) string {
	s := fmt.Sprintf("%s '%s' violates the following Content Security Policy directive: \"%s\".", chromiumCSPVerb(kind), url, directive)
	if used != "" && used != effective {
		s += fmt.Sprintf(" Note that '%s' was not explicitly set, so '%s' is used as a fallback.", effective, used)
	}
	if reportOnly {
		return s + " The policy is report-only, so the violation has been logged but no further action has been taken."
	}
	return s + " The action has been blocked."
}

// ChromiumWebSocketLine is Chromium's line for a WebSocket whose
// handshake was answered with status, not 101.
func ChromiumWebSocketLine(url string, status int) string {
	return fmt.Sprintf("WebSocket connection to '%s' failed: Error during WebSocket handshake: Unexpected response code: %d", url, status)
}

// ChromiumWebSocketAcceptLine is Chromium's line for a handshake answered
// 101 with a wrong Sec-WebSocket-Accept.
func ChromiumWebSocketAcceptLine(url string) string {
	return "WebSocket connection to '" + url + "' failed: Error during WebSocket handshake: Incorrect 'Sec-WebSocket-Accept' header value"
}

// FirefoxKindCSPLine is Firefox's line for a load of kind that the
// page's CSP refuses: effective is the directive that governs the kind,
// directive the one that refused, as Firefox quotes it. Scripts and
// styles have words of their own; other kinds are "a resource". For
// fetch() it is [FirefoxCSPLine].
func FirefoxKindCSPLine(kind, url, directive, effective string, reportOnly bool) string {
	blocked, what, after := "blocked", "the loading of a resource", ""
	switch kind {
	case "script", "module":
		what, after = "a script", " from being executed"
	case "stylesheet":
		what, after = "a style", " from being applied"
	}
	prefix := "Content-Security-Policy: "
	if reportOnly {
		prefix, blocked = "Content-Security-Policy: (Report-Only policy) ", "would block"
	}
	return fmt.Sprintf("%sThe page’s settings %s %s (%s) at %s%s because it violates the following directive: “%s”", prefix, blocked, what, effective, url, after, directive)
}

// FirefoxNoConnection is Firefox's line for an EventSource or WebSocket
// that did not open, whatever refused it (the CSP, CORS, the server).
func FirefoxNoConnection(url string) string {
	return "Firefox can’t establish a connection to the server at " + url + "."
}

// FirefoxScriptLoadFailed is Firefox's line for a <script> (module: a
// module script) the page's CSP refused; it comes before the CSP line.
func FirefoxScriptLoadFailed(url string, module bool) string {
	if module {
		return "Loading failed for the module with source “" + url + "”."
	}
	return "Loading failed for the <script> with source “" + url + "”."
}

// FirefoxScriptNotAllowed is Firefox's line after the CORS line for a
// <script crossorigin> (module: a module script) that failed CORS.
func FirefoxScriptNotAllowed(url string, module bool) string {
	if module {
		return "Module source URI is not allowed in this document: “" + url + "”."
	}
	return "<script> source URI is not allowed in this document: “" + url + "”."
}

// WebKitKindCSPLine is WebKit's line for a load of kind that the page's
// CSP refuses: "Refused to connect to" for connections, "Refused to
// load" for the rest, naming the kind's directive without "-elem" (its
// words for script-src-elem and style-src-elem too), and default-src
// when it stood in (fallback).
func WebKitKindCSPLine(kind, url, effective string, fallback, reportOnly bool) string {
	verb := "Refused to load "
	if effective == "connect-src" {
		verb = "Refused to connect to "
	}
	name := strings.TrimSuffix(effective, "-elem")
	s := verb + url + " because it does not appear in the " + name + " directive of the Content Security Policy."
	if fallback {
		s = verb + url + " because it appears in neither the " + name + " directive nor the default-src directive of the Content Security Policy."
	}
	if reportOnly {
		return "[Report Only] " + s
	}
	return s
}

// WebKitKindCannotLoad is WebKit's second line for an XMLHttpRequest or
// an EventSource that failed CORS, where a fetch() has [WebKitCannotLoad].
func WebKitKindCannotLoad(kind, url string) string {
	if kind == "eventsource" {
		return "EventSource cannot load " + url + " due to access control checks."
	}
	return "XMLHttpRequest cannot load " + url + " due to access control checks."
}

// WebKitScriptDenied is WebKit's second line for a classic <script
// crossorigin> that failed CORS. It names no URL.
const WebKitScriptDenied = "Cross-origin script load denied by Cross-Origin Resource Sharing policy."

// WebKitWebSocketLine is WebKit's line for a WebSocket whose handshake
// was not answered 101 (accept: answered 101 with a wrong
// Sec-WebSocket-Accept).
func WebKitWebSocketLine(url string, accept bool) string {
	if accept {
		return "WebSocket connection to '" + url + "' failed: Server returned incorrect “Sec-WebSocket-Accept” key"
	}
	return "WebSocket connection to '" + url + "' failed: The server did not accept the WebSocket handshake."
}

// ChromiumDevToolsKind is [ChromiumDevTools] for a load of kind (as
// `--as` names it) refused on its first URL: the page's CSP refusing an
// XMLHttpRequest, an EventSource or an element's load shows in the
// Network panel as (blocked:csp), where a fetch() or a WebSocket never
// becomes a request; a WebSocket handshake that failed shows no issue
// and no blocked reason (ok, all empty). Measured: TestKindsChromium.
func ChromiumDevToolsKind(id ID, kind string) (issue, blocked, devtoolsKind string, ok bool) {
	if id == WebSocketHandshake {
		return "", "", "", true
	}
	issue, blocked, devtoolsKind, ok = ChromiumDevTools(id, false)
	if ok && id.IsCSP() && kind != "fetch" && kind != "websocket" && kind != "" {
		blocked = "csp"
	}
	if id == MixedContent && kind == "websocket" {
		blocked = "" // the constructor throws: no request
	}
	return issue, blocked, devtoolsKind, ok
}

// ChromiumKindMixedContentLine is Chromium's line for blocked mixed
// content loaded as kind (for fetch() it is [ChromiumMixedContentLine]):
// page is the page's URL, url the insecure one. A WebSocket's is worded
// apart (and its constructor throws).
func ChromiumKindMixedContentLine(kind, page, url string) string {
	var what string
	switch kind {
	case "websocket":
		return fmt.Sprintf("Mixed Content: The page at '%s' was loaded over HTTPS, but attempted to connect to the insecure WebSocket endpoint '%s'. This request has been blocked; this endpoint must be available over WSS.", page, url)
	case "xhr":
		what = "XMLHttpRequest endpoint"
	case "eventsource":
		what = "EventSource endpoint"
	case "script", "module":
		what = "script"
	case "stylesheet", "font":
		what = kind
	default:
		return ChromiumMixedContentLine(page, url)
	}
	return fmt.Sprintf("Mixed Content: The page at '%s' was loaded over HTTPS, but requested an insecure %s '%s'. This request has been blocked; the content must be served over HTTPS.", page, what, url)
}

// ChromiumWebSocketInsecure is the message of the SecurityError
// Chromium's WebSocket constructor throws for a ws: URL on an https page.
const ChromiumWebSocketInsecure = "Failed to construct 'WebSocket': An insecure WebSocket connection may not be initiated from a page loaded over HTTPS."

// FirefoxWebKitInsecure is the message of the SecurityError Firefox's
// WebSocket constructor (mixed content) and WebKit's EventSource and
// WebSocket constructors (the page's CSP) throw.
const FirefoxWebKitInsecure = "The operation is insecure."

// CrossSiteWebSocketFinding is the audit's finding for a WebSocket
// endpoint that accepts a handshake from any site's page (cross-site
// WebSocket hijacking): the server's side of WebSocketHandshake, named
// here so that check's advice and the audit's finding say the same.
const CrossSiteWebSocketFinding = "cross-site-websocket"
