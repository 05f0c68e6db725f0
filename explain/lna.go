package explain

import (
	"fmt"

	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/reason"
)

// lnaDiagnosis fills d for a fetch that Local Network Access stopped: a
// public page calling a local or loopback address without the user's
// permission. Nothing was sent; no header on either side lifts it. The
// iframe rule (a cross-origin frame needs allow="loopback-network" or
// "local-network"; the Permissions-Policy default allowlist is self) is
// documented (MDN), not measured: headless Chromium 156 lets a permission
// granted through CDP through whatever the policy says, even
// Permissions-Policy: loopback-network=() on the page itself.
func lnaDiagnosis(res *fetch.Result, d *Diagnosis) {
	e := res.Err
	space := fetch.AddressSpace(e.Value)
	perm := fetch.LocalNetworkPermission(space)
	d.Gate = &Gate{ID: e.Reason.String(), Layer: "user", DevToolsIssue: reason.ChromiumLocalNetworkIssue,
		DevToolsReason: reason.ChromiumLocalNetworkCorsError, PageURL: pageURLOf(res),
		Permission: perm, TargetSpace: e.Value, PendingPermission: true}
	if n := len(d.Steps); n > 0 {
		d.Steps[n-1] = fmt.Sprintf("Not CORS: the page is on a public address and calls a %s one, so the browser asks the user's %s permission before sending anything; without it the call is blocked pending permission.", e.Value, perm)
	}
	d.Fixes = []Fix{{Response: "user", Text: fmt.Sprintf("not CORS: Local Network Access. A public page may call a %s address (%s) only once the user grants the %q permission in the prompt the browser shows (Chromium 145+ asks %q for loopback and %q for the local network apart; headless Chromium denies it without asking, and Firefox's call waits for the answer). Nothing on the API's server can change that: Access-Control-Allow-Private-Network, from the abandoned Private Network Access preflights, is no longer read, and no preflight is sent. The other ways: serve the API from a public address (or the same address space as the page), or serve the page from the local network; inside a cross-origin iframe, the embedding page must also delegate the permission (allow=\"%s\").",
		e.Value, targetOrigin(e.URL), perm, fetch.PermissionLoopbackNetwork, fetch.PermissionLocalNetwork, perm)}}
}

// unspecifiedFix is the fix for a fetch to 0.0.0.0 or [::] that the
// engine refused before connecting.
func unspecifiedFix(e *fetch.Error) string {
	return fmt.Sprintf("not CORS: the URL's host is %s, the unspecified address, which Firefox and WebKit refuse before connecting (Chromium counts it as loopback: a public page needs the user's loopback-network permission). No header changes this: call the server at 127.0.0.1 or localhost instead.", e.Value)
}
