package reason

// ChromiumDevTools is how Chromium's DevTools name a refusal before CORS:
// the Issues panel's code (CDP Audits.InspectorIssueCode), the Network
// panel's status "(blocked:<blocked>)" (CDP Network.BlockedReason; ""
// where Chromium sends no network event: a fetch() its CSP refuses never
// becomes a request), and for an issue its kind: the CSP violation type or
// the mixed-content resolution. Measured in Chromium 156 by conformance/ (TestGatesChromium,
// from Audits.issueAdded and Network.loadingFailed). ok is false for the
// reasons not listed.
func ChromiumDevTools(id ID) (issue, blocked, kind string, ok bool) {
	switch id {
	case MixedContent:
		return "MixedContentIssue", "mixed-content", "MixedContentBlocked", true
	case CSPConnectSrc:
		return "ContentSecurityPolicyIssue", "", "kURLViolation", true
	}
	return "", "", "", false
}
