package reason

// ChromiumDevTools is how Chromium's DevTools name a refusal before CORS:
// the Issues panel's code (CDP Audits.InspectorIssueCode), the Network
// panel's status "(blocked:<blocked>)" (CDP Network.BlockedReason; ""
// where Chromium sends no network event: a fetch() its CSP refuses on its
// first URL never becomes a request, while a redirect the CSP refuses
// fails a request already sent), and for an issue its kind: the CSP
// violation type or the mixed-content resolution. redirected says the
// refusal came at a redirect; the CSP issue then names the first URL, not
// the redirect's (as CSP reports do). Measured in Chromium 156 by
// conformance/ (TestGatesChromium, from Audits.issueAdded and
// Network.loadingFailed). ok is false for the reasons not listed.
func ChromiumDevTools(id ID, redirected bool) (issue, blocked, kind string, ok bool) {
	switch id {
	case MixedContent:
		return "MixedContentIssue", "mixed-content", "MixedContentBlocked", true
	case CSPConnectSrc, CSPImgSrc, CSPScriptSrc, CSPFontSrc, CSPStyleSrc:
		if redirected {
			blocked = "csp"
		}
		return "ContentSecurityPolicyIssue", blocked, "kURLViolation", true
	case COEPCORPMissing, CORPNotSameOrigin, CORPNotSameSite:
		blocked, kind = chromiumCORP(id)
		return "BlockedByResponseIssue", blocked, kind, true
	case LocalNetworkAccess:
		return ChromiumLocalNetworkIssue, "", ChromiumLocalNetworkCorsError, true
	case ORBBlocked:
		// A generic issue, and no blocked reason: the Network panel
		// shows net::ERR_BLOCKED_BY_ORB (ChromiumORBNetError).
		return "GenericIssue", "", "ResponseWasBlockedByORB", true
	}
	return "", "", "", false
}
