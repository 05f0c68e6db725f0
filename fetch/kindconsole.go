package fetch

import (
	"strings"

	"github.com/corskit/corskit/reason"
)

// What each engine does differently for the kinds beyond fetch(), as
// data (measured: conformance TestKinds*, internal/corscase/testdata/
// kinds-*.json), and the console lines of a load of each kind.

// fontsNoCORS: WebKitGTK 2.50 loads a font (FontFace, @font-face) in
// no-cors mode, without an Origin header, and uses it whatever the
// answer's CORS headers (conformance cases kind-font-no-acao, kind-font);
// Chromium and Firefox load fonts in CORS mode, as the CSS Fonts
// specification says.
var fontsNoCORS = map[Engine]bool{EngineWebKit: true}

// kindAccept is the Accept header each engine sends for a load of each
// kind beyond fetch() and <img> (measured, the wire of the kind cases);
// absent: "*/*".
var kindAccept = map[Kind]map[Engine]string{
	KindStylesheet:  {EngineChromium: "text/css,*/*;q=0.1", EngineFirefox: "text/css,*/*;q=0.1", EngineWebKit: "text/css,*/*;q=0.1"},
	KindEventSource: {EngineChromium: "text/event-stream", EngineFirefox: "text/event-stream", EngineWebKit: "text/event-stream"},
	KindFont:        {EngineFirefox: "application/font-woff2;q=1.0,application/font-woff;q=0.9,*/*;q=0.8"},
}

// accept is the Accept header of req in engine p.
func (p Profile) accept(req *Request) string {
	if a, ok := kindAccept[req.Kind][p.Messages]; ok {
		return a
	}
	return p.defaultAccept(req.Destination)
}

// webSocketAccept is the Accept header an engine sends with a WebSocket
// handshake: Firefox "*/*", the others none (measured, case
// kind-websocket).
func (p Profile) webSocketAccept() string {
	if p.Messages == EngineFirefox {
		return "*/*"
	}
	return ""
}

// forEngine is req as engine p makes it: a font is no-cors in the
// engines that load fonts so.
func (p Profile) forEngine(req Request) Request {
	if req.Kind == KindFont && fontsNoCORS[p.Messages] {
		req.Mode = ModeNoCORS
	}
	return req
}

// isKindLine: the kind has lines of its own (not fetch(), not <img>,
// whose lines gates.go and coep.go write).
func isKindLine(k Kind) bool { return k != "" && k != KindFetch && k != KindImage }

// kindCSPLine is engine p's line for a load of a kind other than fetch()
// that policy violation v refuses (or, report-only, would refuse): one
// line in every engine, report-only too (measured for <img>, <script>,
// stylesheets and XMLHttpRequest).
func (p Profile) kindCSPLine(k Kind, v CSPViolation) string {
	used, _, _ := strings.Cut(v.Directive, " ")
	switch p.Messages {
	case EngineFirefox:
		return reason.FirefoxKindCSPLine(string(k), v.URL, v.Firefox, v.Effective, v.ReportOnly)
	case EngineWebKit:
		// WebKit's "appears in neither" is for default-src standing in;
		// script-src for script-src-elem is worded as script-src's own.
		return reason.WebKitKindCSPLine(string(k), v.URL, v.Effective, used == "default-src", v.ReportOnly)
	}
	return reason.ChromiumKindCSPLine(string(k), v.URL, v.Directive, v.Effective, used, v.ReportOnly)
}

// kindCSPLines are kindCSPLine's lines for v. A report-only violation
// is printed twice by WebKit for a connection (as for fetch(); measured:
// kind-csp-xhr-report-only) and by Firefox for a stylesheet (measured:
// kind-csp-style-report-only), once otherwise.
func (p Profile) kindCSPLines(k Kind, v CSPViolation) []string {
	l := p.kindCSPLine(k, v)
	if v.ReportOnly && (p.Messages == EngineWebKit && v.Effective == "connect-src" ||
		p.Messages == EngineFirefox && k == KindStylesheet) {
		return []string{l, l}
	}
	return []string{l}
}

// ConstructorError is the message of the exception the page's call
// throws for load r, "" when it throws none: WebKit's EventSource and
// WebSocket constructors throw a SecurityError when the page's CSP
// refuses the URL (measured: kind-csp-eventsource, kind-csp-websocket);
// the other engines fire an error event instead.
func (p Profile) ConstructorError(r *Result) string {
	k, e := r.Request.Kind, r.Err
	switch {
	case e == nil:
	case p.Messages == EngineWebKit && e.Reason.IsCSP() && (k == KindEventSource || k == KindWebSocket):
		return reason.FirefoxWebKitInsecure
	case e.Reason == ReasonMixedContent && k == KindWebSocket && p.Messages == EngineFirefox:
		// Measured: kind-mixed-websocket.
		return reason.FirefoxWebKitInsecure
	case e.Reason == ReasonMixedContent && k == KindWebSocket && p.Messages == EngineChromium:
		return reason.ChromiumWebSocketInsecure
	}
	return ""
}

// kindMixedContent is engine p's lines for a load of kind k that mixed
// content refused, after the lines of the page's CSP (measured: the
// kind-mixed-* cases). Firefox's WebSocket constructor throws and prints
// nothing.
func (p Profile) kindMixedContent(r *Result) []string {
	e, k := r.Err, r.Request.Kind
	out := p.gateConsole(&Result{Request: r.Request, CSPViolations: r.CSPViolations}) // the CSP's lines alone
	switch p.Messages {
	case EngineFirefox:
		if k == KindWebSocket {
			return out
		}
		out = append(out, reason.FirefoxMixedContentLine(e.URL))
		switch k {
		case KindEventSource:
			out = append(out, reason.FirefoxNoConnection(e.URL))
		case KindScript, KindModule:
			out = append(out, reason.FirefoxScriptLoadFailed(e.URL, k == KindModule))
		}
	case EngineWebKit:
		out = append(out, reason.WebKitMixedContentLine(e.Value, e.URL))
		switch k {
		case KindXHR:
			out = append(out, reason.WebKitNotAllowed, reason.WebKitKindCannotLoad(string(k), e.URL))
		case KindEventSource:
			out = append(out, reason.WebKitKindCannotLoad(string(k), e.URL))
		}
	default:
		out = append(out, reason.ChromiumKindMixedContentLine(string(k), e.Value, e.URL))
	}
	return out
}

// kindConsole is ConsoleLines for the kinds with lines of their own.
func (p Profile) kindConsole(r *Result) []string {
	e, k := r.Err, r.Request.Kind
	if e != nil && e.Reason.IsCORP() {
		return p.corpConsole(r)
	}
	if e != nil && e.Reason == ReasonMixedContent {
		return p.kindMixedContent(r)
	}
	out := p.gateConsole(r)
	switch {
	case e == nil:
		return out
	case e.Reason == ReasonWebSocketHandshake:
		return append(out, p.webSocketLine(e))
	case e.Reason.IsCSP() && p.Messages == EngineFirefox:
		// Firefox says the load failed before it says why.
		switch k {
		case KindEventSource:
			return append([]string{reason.FirefoxNoConnection(e.URL)}, out...)
		case KindScript, KindModule:
			return append([]string{reason.FirefoxScriptLoadFailed(e.URL, k == KindModule)}, out...)
		}
		return out
	case IsGate(e.Reason) || !e.Reason.IsCORS():
		return out
	}
	return append(out, p.kindCORSLines(r)...)
}

// kindCORSLines are the CORS lines of a load of kind k: fetch()'s,
// reworded and followed as each engine does for the kind.
func (p Profile) kindCORSLines(r *Result) []string {
	e, k := r.Err, r.Request.Kind
	lines := p.corsConsole(r)
	switch p.Messages {
	case EngineFirefox:
		switch k {
		case KindScript, KindModule:
			lines = append(lines, reason.FirefoxScriptNotAllowed(e.URL, k == KindModule))
		case KindEventSource:
			lines = append(lines, reason.FirefoxNoConnection(e.URL))
		}
	case EngineWebKit:
		// WebKit's first line ("Origin ... is not allowed by
		// Access-Control-Allow-Origin.") names no URL; the second is the
		// kind's own, or none.
		cannot := reason.WebKitCannotLoad(e.URL)
		kept := lines[:0]
		for _, l := range lines {
			if l != cannot {
				kept = append(kept, l)
				continue
			}
			switch k {
			case KindXHR, KindEventSource:
				kept = append(kept, reason.WebKitKindCannotLoad(string(k), e.URL))
			case KindScript:
				kept = append(kept, reason.WebKitScriptDenied)
			}
		}
		lines = kept
	default:
		noun := reason.ChromiumKindNoun(string(k))
		for i, l := range lines {
			if rest, ok := strings.CutPrefix(l, "Access to fetch at '"); ok {
				lines[i] = "Access to " + noun + " at '" + rest
			}
		}
	}
	return lines
}

// webSocketLine is engine p's line for a handshake that failed.
func (p Profile) webSocketLine(e *Error) string {
	accept := e.Header == "Sec-WebSocket-Accept"
	switch p.Messages {
	case EngineFirefox:
		return reason.FirefoxNoConnection(e.URL)
	case EngineWebKit:
		return reason.WebKitWebSocketLine(e.URL, accept)
	}
	if accept {
		return reason.ChromiumWebSocketAcceptLine(e.URL)
	}
	status := 0
	for _, c := range e.Value {
		if c < '0' || c > '9' {
			break
		}
		status = status*10 + int(c-'0')
	}
	return reason.ChromiumWebSocketLine(e.URL, status)
}
