package reason

import "fmt"

// Local Network Access's words, measured in headless Chromium 156 and
// Firefox ESR 153 with the page marked public (conformance TestLNAChromium,
// CONFORMANCE.md).

// ChromiumLocalNetworkDetail is Chromium's text, after "has been blocked by
// CORS policy: ", for a fetch to the address space space ("loopback",
// "local") that the user's permission did not allow. Chromium prints it
// whether the permission was denied or never asked (headless).
func ChromiumLocalNetworkDetail(space string) string {
	return fmt.Sprintf("Permission was denied for this request to access the `%s` address space.", space)
}

// Chromium's DevTools for a Local Network Access refusal: a CORS issue
// (Audits.issueAdded, code CorsIssue) whose corsError, also the
// Network.loadingFailed event's corsErrorStatus, is
// LocalNetworkAccessPermissionDenied; the failed request has no
// blockedReason, and its error is net::ERR_FAILED (a preflight the
// refusal stopped fails with net::ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS).
const (
	ChromiumLocalNetworkIssue     = "CorsIssue"
	ChromiumLocalNetworkCorsError = "LocalNetworkAccessPermissionDenied"
	ChromiumLocalNetworkNetError  = "net::ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS"
)

// FirefoxLocalNetworkLine is the warning Firefox prints while its Local
// Network Access prompt is up: page is the document's URL, target the URL
// fetched, endpoint the address and port it resolved the target to
// ("127.0.0.1:8080", "::1:8080"), via "fetch" for fetch() and "http" for
// other loads (an <img>), secure whether the page is a secure context.
// The console service adds the script's stack after it, which is not part
// of the message.
func FirefoxLocalNetworkLine(page, target, endpoint, via string, secure bool) string {
	return fmt.Sprintf("Local Network Access permission required: top-level site “%s”, initiator “%s”, attempting to access target “%s” (%s) via %s. Secure context: %s", page, page, target, endpoint, via, firefoxBool(secure))
}

// FirefoxLocalNetworkDetected is the warning Firefox prints for a load
// from a more private address space than the page's once it is done with
// it: action is how the prompt ended ("prompt_deny"; "(null)" when none
// was shown, or the page went away with it unanswered).
func FirefoxLocalNetworkDetected(page, target, endpoint, via string, secure bool, action string) string {
	return fmt.Sprintf("Local Network Access detected: top-level site “%s”, initiator “%s”, accessing target “%s” (%s) via %s. Secure context: %s, prompt action: %s", page, page, target, endpoint, via, firefoxBool(secure), action)
}

func firefoxBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

// WebKitRestrictedHostLine is WebKit's line for a load of url, whose host
// is 0.0.0.0 (measured in WebKitGTK 2.50; [::] by analogy), which it
// refuses before connecting.
func WebKitRestrictedHostLine(host, url string) string {
	return fmt.Sprintf("Not allowed to use restricted network host %q: %s", host, url)
}
