package corscase

// KindCases returns the request-kind cases: a page loading {api} as an
// XMLHttpRequest, a classic or module <script>, a font, a stylesheet, an
// EventSource or a WebSocket, with and without crossorigin (or
// withCredentials), with and without Access-Control-Allow-Origin, and
// under the page's CSP directive for that kind (img-src, script-src and
// script-src-elem, font-src, style-src and style-src-elem, connect-src,
// default-src's fallback), enforced or report-only.
func KindCases() []GateCase {
	k := func(name, about, as, co string, noACAO bool, want string) GateCase {
		return GateCase{Name: name, About: about, As: as, CrossOrigin: co, NoACAO: noACAO, Want: want}
	}
	csp := func(name, about, as, policy, target, want string) GateCase {
		return GateCase{Name: name, About: about, As: as, CSP: []string{policy}, Target: target, Want: want}
	}
	mixed := func(name, about, as, target string) GateCase {
		return GateCase{Name: name, About: about, As: as, Secure: true, Target: target, Want: blocked}
	}
	const self = "'nonce-" + gateScriptNonce + "' 'self'" // lets the page's own script run
	return []GateCase{
		k("kind-script-no-crossorigin", "a classic <script> without crossorigin is no-cors: it runs without Access-Control-Allow-Origin", AsScript, "", true, allowed),
		k("kind-script-crossorigin-no-acao", "<script crossorigin> is CORS: without Access-Control-Allow-Origin it fails", AsScript, "anonymous", true, blocked),
		k("kind-script-crossorigin", "<script crossorigin> with Access-Control-Allow-Origin runs", AsScript, "anonymous", false, allowed),
		k("kind-script-use-credentials", "<script crossorigin=use-credentials> with the origin and credentials allowed runs", AsScript, "use-credentials", false, allowed),
		k("kind-module-no-acao", "a module script is always CORS: without Access-Control-Allow-Origin it fails", AsModule, "", true, blocked),
		k("kind-module", "a module script with Access-Control-Allow-Origin runs", AsModule, "", false, allowed),
		withEngines(k("kind-font-no-acao", "a font is always CORS: without Access-Control-Allow-Origin it fails (WebKitGTK loads fonts no-cors, and uses it)", AsFont, "", true, blocked), map[string]string{"webkit": allowed}),
		k("kind-font", "a font with Access-Control-Allow-Origin loads", AsFont, "", false, allowed),
		k("kind-stylesheet-no-crossorigin", "<link rel=stylesheet> without crossorigin is no-cors: it applies without Access-Control-Allow-Origin", AsStylesheet, "", true, allowed),
		k("kind-stylesheet-crossorigin-no-acao", "<link rel=stylesheet crossorigin> is CORS: without Access-Control-Allow-Origin it fails", AsStylesheet, "anonymous", true, blocked),
		k("kind-xhr-no-acao", "XMLHttpRequest is CORS, as fetch()", AsXHR, "", true, blocked),
		k("kind-xhr-with-credentials", "XMLHttpRequest with withCredentials, origin and credentials allowed", AsXHR, "use-credentials", false, allowed),
		k("kind-eventsource-no-acao", "EventSource is CORS: without Access-Control-Allow-Origin it fails", AsEventSource, "", true, blocked),
		k("kind-eventsource-with-credentials", "EventSource with withCredentials, origin and credentials allowed", AsEventSource, "use-credentials", false, allowed),
		{Name: "kind-websocket", About: "WebSocket has no CORS: the handshake is answered 101 and the connection opens, whatever the server's CORS headers",
			As: AsWebSocket, Target: "{ws-api}/g/{case}/0", NoACAO: true, Want: allowed},
		{Name: "kind-websocket-refused", About: "a server that checks the handshake's Origin answers 403: the connection fails, and no CORS header is involved",
			As: AsWebSocket, Target: "{ws-api}/g/{case}/0", WSRefuse: true, Want: blocked},
		csp("kind-csp-img-src", "img-src 'self' refuses a cross-origin <img>", AsImg, "img-src 'self'", "", blocked),
		csp("kind-csp-img-default", "without img-src, default-src decides for an <img>", AsImg, "default-src 'self'", "", blocked),
		csp("kind-csp-img-allowed", "img-src naming the image's origin lets it load", AsImg, "default-src 'none'; img-src {api}", "", allowed),
		csp("kind-csp-script-src", "script-src refuses a <script> from another origin", AsScript, "script-src "+self, "", blocked),
		csp("kind-csp-script-src-elem", "script-src-elem governs <script> elements", AsScript, "script-src-elem "+self, "", blocked),
		csp("kind-csp-script-src-elem-over-script-src", "script-src-elem wins over script-src for a <script>", AsScript, "script-src "+self+"; script-src-elem "+self+" {api}", "", allowed),
		csp("kind-csp-script-default", "without script-src-elem and script-src, default-src decides for a <script>", AsScript, "default-src "+self, "", blocked),
		csp("kind-csp-module", "script-src governs module scripts too", AsModule, "script-src "+self, "", blocked),
		csp("kind-csp-font-src", "font-src 'self' refuses a cross-origin font", AsFont, "font-src 'self'", "", blocked),
		csp("kind-csp-font-default", "without font-src, default-src decides for a font", AsFont, "default-src 'self'", "", blocked),
		csp("kind-csp-font-allowed", "font-src naming the font's origin lets it load", AsFont, "font-src {api}", "", allowed),
		csp("kind-csp-style-src", "style-src 'self' refuses a cross-origin stylesheet", AsStylesheet, "style-src 'self'", "", blocked),
		csp("kind-csp-style-src-elem", "style-src-elem governs <link rel=stylesheet>", AsStylesheet, "style-src-elem 'self'", "", blocked),
		csp("kind-csp-xhr", "connect-src governs XMLHttpRequest", AsXHR, "connect-src 'self'", "", blocked),
		csp("kind-csp-eventsource", "connect-src governs EventSource", AsEventSource, "connect-src 'self'", "", blocked),
		csp("kind-csp-websocket", "connect-src governs WebSocket", AsWebSocket, "connect-src 'self'", "{ws-api}/g/{case}/0", blocked),
		csp("kind-csp-websocket-allowed", "connect-src naming the ws: origin lets the WebSocket open", AsWebSocket, "connect-src {ws-api}", "{ws-api}/g/{case}/0", allowed),
		{Name: "kind-csp-img-report-only", About: "a report-only img-src warns and lets the <img> load",
			As: AsImg, CSPReportOnly: []string{"img-src 'none'"}, Want: allowed},
		{Name: "kind-csp-style-report-only", About: "a report-only style-src warns and lets the stylesheet apply",
			As: AsStylesheet, CSPReportOnly: []string{"style-src 'self'"}, Want: allowed},
		{Name: "kind-csp-xhr-report-only", About: "a report-only connect-src warns and lets the XMLHttpRequest go",
			As: AsXHR, CSPReportOnly: []string{"connect-src 'self'"}, Want: allowed},
		{Name: "kind-csp-font-fallback-allowed", About: "default-src naming the font's origin lets it load when font-src is absent",
			As: AsFont, CSP: []string{"default-src 'nonce-corskit-gate' {api}"}, Want: allowed},
		mixed("kind-mixed-script", "an https page's <script> from http on a host that is not loopback: blockable mixed content", AsScript, "http://api.invalid/g/{case}/0"),
		mixed("kind-mixed-stylesheet", "an https page's stylesheet from http: blockable mixed content", AsStylesheet, "http://api.invalid/g/{case}/0"),
		mixed("kind-mixed-font", "an https page's font from http: blockable mixed content", AsFont, "http://api.invalid/g/{case}/0"),
		mixed("kind-mixed-xhr", "an https page's XMLHttpRequest to http: blockable mixed content", AsXHR, "http://api.invalid/g/{case}/0"),
		mixed("kind-mixed-eventsource", "an https page's EventSource on http: blockable mixed content", AsEventSource, "http://api.invalid/g/{case}/0"),
		mixed("kind-mixed-websocket", "an https page's WebSocket on ws: on a host that is not loopback: mixed content", AsWebSocket, "ws://api.invalid/g/{case}/0"),
		{Name: "kind-csp-script-report-only", About: "a report-only script-src warns and lets the <script> run",
			As: AsScript, CSPReportOnly: []string{"script-src " + self}, Want: allowed},
	}
}
