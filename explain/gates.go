package explain

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/origin"
	"github.com/corskit/corskit/reason"
	"github.com/corskit/corskit/stacks"
)

// Gate is a refusal before CORS (fetch.IsGate): what refused the call, the
// layer that must change, and Chromium's names for it in DevTools.
type Gate struct {
	// ID is the reason's stable name: "csp-connect-src" or "mixed-content".
	ID string `json:"id"`
	// Layer is who must change: "page-server" (the server that sends the
	// page and its policy), "page-code" (the URL the page calls),
	// "resource-server" (CORP) or "api-server" (a WebSocket's handshake,
	// refused by the server that checks its Origin).
	Layer string `json:"layer"`
	// DevToolsIssue is Chromium's DevTools Issues code (CDP
	// Audits.InspectorIssueCode): "ContentSecurityPolicyIssue" or
	// "MixedContentIssue". BlockedReason is the Network panel's status,
	// CDP Network.BlockedReason: "mixed-content"; absent for the CSP, whose
	// refused fetch() Chromium never shows as a request
	// (reason.ChromiumDevTools).
	DevToolsIssue string `json:"devtools_issue"`
	BlockedReason string `json:"blocked_reason,omitempty"`
	// PageURL is the page's URL as the model took it.
	PageURL string `json:"page_url"`
	// Directive is the CSP directive that refused the call, as Chromium
	// quotes it, and Policy the whole policy it belongs to; Fallback says
	// the directive is default-src standing in for a missing connect-src.
	Directive string `json:"directive,omitempty"`
	Policy    string `json:"policy,omitempty"`
	Fallback  bool   `json:"fallback,omitempty"`
	// FixedPolicy is Policy with the API's origin allowed in connect-src,
	// and Snippets it as each page-serving stack sends it (none when the
	// policy holds a byte no snippet could carry as written).
	FixedPolicy string              `json:"fixed_policy,omitempty"`
	Snippets    []stacks.CSPSnippet `json:"snippets,omitempty"`
	// SecureURL is, for mixed content, the URL over https.
	SecureURL string `json:"secure_url,omitempty"`
	// For a CORP refusal (Layer "resource-server"): DevToolsReason is
	// the Issues panel's BlockedByResponse reason, COEP the page's
	// Cross-Origin-Embedder-Policy, CORP the value the resource's server
	// should send, and Snippets that header in each stack's syntax.
	DevToolsReason string `json:"devtools_reason,omitempty"`
	COEP           string `json:"coep,omitempty"`
	CORP           string `json:"corp,omitempty"`
	// For Local Network Access (Layer "user"): the permission the user
	// must grant ("loopback-network", "local-network"), the target's
	// address space, and that the call is blocked pending that permission
	// (DevToolsReason is the CORS issue's corsError).
	Permission        string `json:"permission,omitempty"`
	TargetSpace       string `json:"target_space,omitempty"`
	PendingPermission bool   `json:"pending_permission,omitempty"`
	// For Opaque Response Blocking (orb.go): the step that refused the
	// answer (fetch.ORBRule), the answer's MIME type, and the error
	// Chromium's Network panel shows.
	ORBRule     string `json:"orb_rule,omitempty"`
	ContentType string `json:"content_type,omitempty"`
	NetError    string `json:"net_error,omitempty"`
}

// enforcedPolicy is the first of the page's enforced policies the fetch
// violated (the one the fix changes) and how many it violated: each must
// allow it.
func enforcedPolicy(res *fetch.Result) (first string, n int) {
	for _, v := range res.CSPViolations {
		if v.ReportOnly {
			continue
		}
		if n == 0 {
			first = v.Policy
		}
		n++
	}
	return first, n
}

// gateDiagnosis fills d for a fetch a gate refused.
func gateDiagnosis(res *fetch.Result, d *Diagnosis) {
	e := res.Err
	if e.Reason.IsCORP() {
		corpDiagnosis(res, d)
		return
	}
	if e.Reason == fetch.ReasonLocalNetworkAccess {
		lnaDiagnosis(res, d)
		return
	}
	if e.Reason == fetch.ReasonORBBlocked {
		orbDiagnosis(res, d)
		return
	}
	if e.Reason == fetch.ReasonWebSocketHandshake {
		webSocketDiagnosis(res, d) // kinds.go
		return
	}
	by := "mixed-content rules (an https page calling plain http)"
	if e.Reason.IsCSP() {
		by = "the page's Content Security Policy"
	}
	if n := len(d.Steps); n > 0 {
		d.Steps[n-1] = "Not CORS: before sending anything, the browser refuses the call by " + by + "."
	}
	switch {
	case e.Reason.IsCSP() && res.Request.Kind != fetch.KindFetch:
		kindCSPDiagnosis(res, d) // kinds.go
	case e.Reason == fetch.ReasonCSPConnectSrc:
		issue, blocked, _, _ := reason.ChromiumDevTools(e.Reason, e.InitialURL != "")
		g := &Gate{ID: e.Reason.String(), Layer: "page-server", DevToolsIssue: issue, BlockedReason: blocked,
			PageURL: pageURLOf(res), Directive: e.Value, Fallback: e.Header == "default-src"}
		var enforced int
		g.Policy, enforced = enforcedPolicy(res)
		if enforced > 1 {
			// Each policy must allow the call; the fix shown changes the first.
			d.Warnings = append(d.Warnings, Warning{ID: "csp-several-policies", Text: fmt.Sprintf("the page sends %d Content Security Policies that each refuse this call; the fix shows the first: allow the API in the connect-src (or default-src) of every one.", enforced)})
		}
		api := targetOrigin(e.URL)
		g.FixedPolicy = allowInConnectSrc(g.Policy, api)
		g.Snippets = stacks.CSPSnippets(g.FixedPolicy)
		d.Gate = g
		d.Fixes = []Fix{{Response: "page", Header: "Content-Security-Policy", Value: g.FixedPolicy,
			Text: fmt.Sprintf("not CORS: the page's Content Security Policy (%s) refuses connections to %s, and the browser stopped the call before sending it. No header on the API's response can change that: the server that sends the page must allow %s in connect-src (the whole policy above; keep your other directives).", e.Value, api, api)}}
	case e.Reason == fetch.ReasonMixedContent:
		secure := secureURL(e.URL) // kinds.go: ws:// too
		issue, blocked, _, _ := reason.ChromiumDevTools(e.Reason, e.InitialURL != "")
		d.Gate = &Gate{ID: e.Reason.String(), Layer: "page-code", DevToolsIssue: issue, BlockedReason: blocked,
			PageURL: e.Value, SecureURL: secure}
		d.Fixes = []Fix{{Response: "client",
			Text: fmt.Sprintf("not CORS: the page was loaded over https and calls %s over plain http; browsers block that as mixed content before sending anything, and no CORS header can help. Call the API over https (%s), with a certificate the browser trusts; for local development only, serve the page over http too.", e.URL, secure)}}
	}
}

// gateWarnings are the report-only violations of a call that went on.
func gateWarnings(res *fetch.Result) []Warning {
	var out []Warning
	for _, v := range res.CSPViolations {
		if v.ReportOnly {
			directive := v.Effective
			if directive == "" {
				directive = "connect-src"
			}
			out = append(out, Warning{ID: "csp-report-only", Text: fmt.Sprintf("the page's report-only Content Security Policy (%s) would refuse this call; it is only reported now, but enforced it would block it: allow %s in its %s before you enforce it.", v.Directive, targetOrigin(v.URL), directive)})
		}
	}
	return out
}

func pageURLOf(res *fetch.Result) string {
	if p := res.Request.Page; p != nil && p.URL != "" {
		return p.URL
	}
	return res.Request.Origin.String() + "/"
}

func targetOrigin(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return origin.FromURL(u).String()
}

// allowInConnectSrc returns policy with api added to connect-src: in the
// connect-src directive ('none' removed), or, when connect-src is absent,
// in a new connect-src that keeps what default-src allowed.
func allowInConnectSrc(policy, api string) string {
	return allowInDirective(policy, fetch.CSPChain(fetch.KindFetch), api)
}

func withoutNone(srcs []string) []string {
	out := []string{}
	for _, s := range srcs {
		if !strings.EqualFold(s, "'none'") {
			out = append(out, s)
		}
	}
	return out
}
