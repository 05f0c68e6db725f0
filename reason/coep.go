package reason

// The words of the Cross-Origin-Resource-Policy refusals (COEPCORPMissing,
// CORPNotSameOrigin, CORPNotSameSite) in each engine, measured by
// conformance/ (TestCOEP*, recorded in internal/corscase/testdata/coep-*.json).

// chromiumCORP is Chromium's DevTools Network blocked reason (CDP
// Network.BlockedReason) and Issues panel reason (Audits.BlockedByResponseReason)
// of a CORP refusal.
func chromiumCORP(id ID) (blocked, kind string) {
	switch id {
	case COEPCORPMissing:
		return "corp-not-same-origin-after-defaulted-to-same-origin-by-coep", "CorpNotSameOriginAfterDefaultedToSameOriginByCoep"
	case CORPNotSameSite:
		return "corp-not-same-site", "CorpNotSameSite"
	}
	return "corp-not-same-origin", "CorpNotSameOrigin"
}

// ChromiumCORPNetError is the net error Chromium's console names in
// "Failed to load resource: <err>" for a CORP refusal; the line names no
// URL.
func ChromiumCORPNetError(id ID) string {
	switch id {
	case COEPCORPMissing:
		return "net::ERR_BLOCKED_BY_RESPONSE.NotSameOriginAfterDefaultedToSameOriginByCoep"
	case CORPNotSameSite:
		return "net::ERR_BLOCKED_BY_RESPONSE.NotSameSite"
	}
	return "net::ERR_BLOCKED_BY_RESPONSE.NotSameOrigin"
}

// FirefoxCORPLine is Firefox's one line for every CORP refusal, the
// link's trailing "#" included.
func FirefoxCORPLine(url string) string {
	return "The resource at “" + url + "” was blocked due to its Cross-Origin-Resource-Policy header (or lack thereof). See https://developer.mozilla.org/docs/Web/HTTP/Cross-Origin_Resource_Policy_(CORP)#"
}

// WebKitCORPLine is WebKit's first line for every CORP refusal; the
// second is WebKitImageCannotLoad for an <img>, WebKitCannotLoad for a
// fetch().
func WebKitCORPLine(url string) string {
	return "Cancelled load to " + url + " because it violates the resource's Cross-Origin-Resource-Policy response header."
}

// WebKitImageCannotLoad is WebKit's second line for an <img> it refused.
func WebKitImageCannotLoad(url string) string {
	return "Cannot load image " + url + " due to access control checks."
}
