package explain

import (
	"fmt"
	"strings"

	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/reason"
	"github.com/corskit/corskit/stacks"
)

// The diagnosis of the request kinds beyond fetch(): a CSP directive
// other than connect-src (img-src, script-src, font-src, style-src), and
// a WebSocket, which has no CORS at all.

// kindCSPDiagnosis fills d for a load of a kind other than fetch() that
// the page's CSP refused: the fix is the page's policy, the directive
// that governs the kind.
func kindCSPDiagnosis(res *fetch.Result, d *Diagnosis) {
	e, k := res.Err, res.Request.Kind
	issue, blocked, _, _ := reason.ChromiumDevToolsKind(e.Reason, string(k))
	chain := fetch.CSPChain(k)
	g := &Gate{ID: e.Reason.String(), Layer: "page-server", DevToolsIssue: issue, BlockedReason: blocked,
		PageURL: pageURLOf(res), Directive: e.Value, Fallback: e.Header != chain[0]}
	var enforced int
	g.Policy, enforced = enforcedPolicy(res)
	if enforced > 1 {
		d.Warnings = append(d.Warnings, Warning{ID: "csp-several-policies", Text: fmt.Sprintf("the page sends %d Content Security Policies that each refuse this load; the fix shows the first: allow it in every one.", enforced)})
	}
	api := targetOrigin(e.URL)
	g.FixedPolicy = allowInDirective(g.Policy, chain, api)
	g.Snippets = stacks.CSPSnippets(g.FixedPolicy)
	d.Gate = g
	d.Fixes = []Fix{{Response: "page", Header: "Content-Security-Policy", Value: g.FixedPolicy,
		Text: fmt.Sprintf("not CORS: the page's Content Security Policy (%s) refuses %s from %s, and the browser stopped the load before sending it. No header on the resource's response can change that: the server that sends the page must allow %s in %s (the whole policy above; keep your other directives).", e.Value, kindNoun(k), api, api, fixedDirective(g.Policy, chain))}}
}

// kindNoun names a load of kind k in a sentence.
func kindNoun(k fetch.Kind) string {
	switch k {
	case fetch.KindImage:
		return "images"
	case fetch.KindScript:
		return "scripts"
	case fetch.KindModule:
		return "module scripts"
	case fetch.KindFont:
		return "fonts"
	case fetch.KindStylesheet:
		return "stylesheets"
	case fetch.KindXHR:
		return "XMLHttpRequest connections"
	case fetch.KindEventSource:
		return "EventSource connections"
	case fetch.KindWebSocket:
		return "WebSocket connections"
	}
	return "connections"
}

// fixedDirective is the directive allowInDirective changes in policy:
// the first of chain the policy has, or, when that is default-src (or
// none), the kind's own general directive (script-src, not
// script-src-elem), which it creates.
func fixedDirective(policy string, chain []string) string {
	general := chain[len(chain)-2]
	for _, name := range chain {
		for _, p := range strings.Split(policy, ";") {
			if f := strings.Fields(p); len(f) > 0 && strings.EqualFold(f[0], name) {
				if name == "default-src" {
					return general
				}
				return name
			}
		}
	}
	return general
}

// allowInDirective returns policy with api allowed for a load governed by
// chain (fetch.CSPChain): added to the first directive of chain the
// policy has ('none' removed), or, when only default-src stands in (or
// none of them), to a new directive of the kind that keeps what
// default-src allowed.
func allowInDirective(policy string, chain []string, api string) string {
	target := fixedDirective(policy, chain)
	parts := strings.Split(policy, ";")
	var defaults []string
	for i, p := range parts {
		f := strings.Fields(p)
		if len(f) == 0 {
			continue
		}
		switch name := strings.ToLower(f[0]); {
		case name == target:
			parts[i] = " " + strings.Join(append(append([]string{target}, withoutNone(f[1:])...), api), " ")
			return strings.TrimSpace(strings.Join(parts, ";"))
		case name == "default-src" && defaults == nil:
			defaults = withoutNone(f[1:])
		}
	}
	add := strings.Join(append(append([]string{target}, defaults...), api), " ")
	if strings.TrimSpace(policy) == "" {
		return add
	}
	return strings.TrimSuffix(strings.TrimSpace(policy), ";") + "; " + add
}

// webSocketDiagnosis fills d for a WebSocket whose handshake was not
// answered 101: not CORS, and no CORS header would change it. It says
// what the handshake answered, and that the server decides, by Origin.
func webSocketDiagnosis(res *fetch.Result, d *Diagnosis) {
	e := res.Err
	answered := "status " + e.Value
	if e.Header != "" {
		answered = fmt.Sprintf("101, with %s: %q", e.Header, e.Value)
	}
	if n := len(d.Steps); n > 0 {
		d.Steps[n-1] = fmt.Sprintf("Not CORS: a WebSocket has no CORS. The browser sent the handshake with Origin: %s, and the server answered %s, not 101 Switching Protocols.", res.Request.Origin, answered)
	}
	d.Gate = &Gate{ID: e.Reason.String(), Layer: "api-server", PageURL: pageURLOf(res)}
	d.Fixes = []Fix{{Response: "actual",
		Text: fmt.Sprintf("not CORS: a WebSocket has no CORS, and no Access-Control-* header plays any part. The handshake from %s was answered %s: checking Origin is the server's job, and this server (or a proxy before it) did not accept it. If this origin is yours, allow it in the server's own Origin check (Node ws: verifyClient; gorilla/websocket: Upgrader.CheckOrigin; coder/websocket: AcceptOptions.OriginPatterns; Django Channels: AllowedHostsOriginValidator), and make sure a proxy passes Upgrade and Connection on. Never accept every Origin on a cookie-authenticated endpoint: that is cross-site WebSocket hijacking (corskit audit's %s).", res.Request.Origin, answered, reason.CrossSiteWebSocketFinding)}}
}

// secureURL is raw over https (a ws: URL over wss).
func secureURL(raw string) string {
	if rest, ok := strings.CutPrefix(raw, "ws://"); ok {
		return "wss://" + rest
	}
	return strings.Replace(raw, "http://", "https://", 1)
}
