package fetch

import "github.com/corskit/corskit/reason"

// Which directive of the page's policy governs a load, by kind (CSP3
// §6.8.1 "Get the effective directive for request", and §6.8.3's
// fallback list): connect-src for fetch(), XMLHttpRequest, EventSource
// and WebSocket; img-src for an <img>; script-src-elem, then script-src
// for a <script> (classic or module); font-src for a font;
// style-src-elem, then style-src for a <link rel=stylesheet>; default-src
// last for each.

// Reasons of the CSP directives beyond connect-src, from package reason.
const (
	ReasonCSPImgSrc    = reason.CSPImgSrc
	ReasonCSPScriptSrc = reason.CSPScriptSrc
	ReasonCSPFontSrc   = reason.CSPFontSrc
	ReasonCSPStyleSrc  = reason.CSPStyleSrc
)

// cspChains are the directives that govern each kind, the effective
// one first, default-src last.
var cspChains = map[Kind][]string{
	KindFetch:       {"connect-src", "default-src"},
	KindXHR:         {"connect-src", "default-src"},
	KindEventSource: {"connect-src", "default-src"},
	KindWebSocket:   {"connect-src", "default-src"},
	KindImage:       {"img-src", "default-src"},
	KindScript:      {"script-src-elem", "script-src", "default-src"},
	KindModule:      {"script-src-elem", "script-src", "default-src"},
	KindFont:        {"font-src", "default-src"},
	KindStylesheet:  {"style-src-elem", "style-src", "default-src"},
}

// CSPChain is the list of directives that govern a load of kind k, the
// effective directive first: the first one a policy has decides.
func CSPChain(k Kind) []string {
	if c, ok := cspChains[k]; ok {
		return c
	}
	return cspChains[KindFetch]
}

// cspReason is the reason a policy's refusal of a load of kind k gives.
func cspReason(k Kind) Reason {
	switch CSPChain(k)[0] {
	case "img-src":
		return ReasonCSPImgSrc
	case "script-src-elem":
		return ReasonCSPScriptSrc
	case "font-src":
		return ReasonCSPFontSrc
	case "style-src-elem":
		return ReasonCSPStyleSrc
	}
	return ReasonCSPConnectSrc
}

// DirectiveFor is the directive of p that governs a load of kind k, and
// the name of the effective directive it stands in for (its own name
// when it is that one); nil when p has none of them and allows the load.
func (p *CSPPolicy) DirectiveFor(k Kind) (d *CSPDirective, effective string) {
	chain := CSPChain(k)
	for _, name := range chain {
		if d := p.directive(name); d != nil {
			return d, chain[0]
		}
	}
	return nil, chain[0]
}
