package explain

import (
	"fmt"
	"net"
	"net/url"

	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/origin"
	"github.com/corskit/corskit/reason"
	"github.com/corskit/corskit/stacks"
)

// corpDiagnosis fills d for a no-cors load that Cross-Origin-Resource-Policy
// refused (with the page's COEP or without): the answer came, and the
// browser threw it away. The fix is on the resource's server (CORP), or
// in the page (CORS mode: crossorigin, with CORS headers on the resource).
func corpDiagnosis(res *fetch.Result, d *Diagnosis) {
	e := res.Err
	issue, blocked, kind, _ := reason.ChromiumDevTools(e.Reason, false)
	value := corpValueFor(res.Request.Origin, e.URL)
	g := &Gate{ID: e.Reason.String(), Layer: "resource-server", DevToolsIssue: issue, BlockedReason: blocked,
		DevToolsReason: kind, PageURL: pageURLOf(res), CORP: value, Snippets: stacks.CORPSnippets(value)}
	if p := res.Request.Page; p != nil {
		g.COEP = p.COEP
	}
	d.Gate = g
	var why string
	switch e.Reason {
	case fetch.ReasonCOEPCORPMissing:
		why = fmt.Sprintf("the page sends Cross-Origin-Embedder-Policy: %s, so a cross-origin load in no-cors mode needs the resource to opt in with Cross-Origin-Resource-Policy, and %s sends none", g.COEP, targetOrigin(e.URL))
	case fetch.ReasonCORPNotSameSite:
		why = fmt.Sprintf("the resource answers Cross-Origin-Resource-Policy: same-site, and the page (%s) is not same-site with it in this engine", res.Request.Origin)
	default:
		why = fmt.Sprintf("the resource answers Cross-Origin-Resource-Policy: same-origin, and the page (%s) is another origin", res.Request.Origin)
	}
	if n := len(d.Steps); n > 0 {
		d.Steps[n-1] = "Not CORS: the answer came, and the browser threw it away: " + why + "."
	}
	alt := "load it in CORS mode (fetch() without mode: 'no-cors'), and have the resource answer with Access-Control-Allow-Origin"
	if res.Request.Destination == fetch.DestinationImage {
		alt = "load it in CORS mode, <img crossorigin> (\"anonymous\"; \"use-credentials\" to send cookies), and have the resource answer with Access-Control-Allow-Origin (and Access-Control-Allow-Credentials: true for use-credentials)"
	}
	d.Fixes = []Fix{{Response: "resource", Header: fetch.HeaderCORP, Value: value,
		Text: fmt.Sprintf("not CORS: %s. No Access-Control-* header lifts this for a no-cors load: the server of the resource (%s) must send Cross-Origin-Resource-Policy: %s. The other way: %s.", why, targetOrigin(e.URL), value, alt)}}
}

// corpValueFor is the CORP value that lets page load raw: same-site when
// the page and the resource are same-site (an IP address never counts:
// Chromium refuses same-site there), cross-origin otherwise.
func corpValueFor(page origin.Origin, raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "cross-origin"
	}
	res := origin.FromURL(u)
	if net.ParseIP(u.Hostname()) == nil && page.SameSite(res) {
		return "same-site"
	}
	return "cross-origin"
}
