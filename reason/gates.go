package reason

import "fmt"

// The words of the gates before CORS (MixedContent, CSPConnectSrc) in each
// engine, measured by conformance/ (TestGates*, recorded in
// internal/corscase/testdata/gates-*.json); package fetch decides which
// lines an engine prints for a fetch.

// ChromiumCSPLine is Chromium's console line for a URL the page's CSP
// refuses: directive as Chromium quotes it (the name lowercased, the value
// as written), fallback when it is default-src standing in for a missing
// connect-src, reportOnly for a Content-Security-Policy-Report-Only policy.
func ChromiumCSPLine(url, directive string, fallback, reportOnly bool) string {
	s := fmt.Sprintf("Connecting to '%s' violates the following Content Security Policy directive: \"%s\".", url, directive)
	if fallback {
		s += " Note that 'connect-src' was not explicitly set, so 'default-src' is used as a fallback."
	}
	if reportOnly {
		return s + " The policy is report-only, so the violation has been logged but no further action has been taken."
	}
	return s + " The action has been blocked."
}

// ChromiumCSPFetchLine is the second line Chromium prints for a fetch()
// its page's CSP refuses on its first URL.
func ChromiumCSPFetchLine(url string) string {
	return "Fetch API cannot load " + url + ". Refused to connect because it violates the document's Content Security Policy."
}

// ChromiumMixedContentLine is Chromium's line for blocked mixed content:
// page is the page's URL, url the insecure one.
func ChromiumMixedContentLine(page, url string) string {
	return fmt.Sprintf("Mixed Content: The page at '%s' was loaded over HTTPS, but requested an insecure resource '%s'. This request has been blocked; the content must be served over HTTPS.", page, url)
}

// FirefoxCSPLine is Firefox's line for a URL the page's CSP refuses;
// directive as Firefox quotes it (lowercased but paths).
func FirefoxCSPLine(url, directive string, reportOnly bool) string {
	if reportOnly {
		return fmt.Sprintf("Content-Security-Policy: (Report-Only policy) The page’s settings would block the loading of a resource (connect-src) at %s because it violates the following directive: “%s”", url, directive)
	}
	return fmt.Sprintf("Content-Security-Policy: The page’s settings blocked the loading of a resource (connect-src) at %s because it violates the following directive: “%s”", url, directive)
}

// FirefoxMixedContentLine is Firefox's line for blocked mixed content.
func FirefoxMixedContentLine(url string) string {
	return "Blocked loading mixed active content “" + url + "”"
}

// WebKitCSPLine is WebKit's line for a URL the page's CSP refuses; it
// names no directive, only whether default-src stood in.
func WebKitCSPLine(url string, fallback, reportOnly bool) string {
	s := "Refused to connect to " + url + " because it does not appear in the connect-src directive of the Content Security Policy."
	if fallback {
		s = "Refused to connect to " + url + " because it appears in neither the connect-src directive nor the default-src directive of the Content Security Policy."
	}
	if reportOnly {
		return "[Report Only] " + s
	}
	return s
}

// WebKitMixedContentLine is WebKit's first line for blocked mixed content;
// at the first URL WebKitNotAllowed and [WebKitCannotLoad] follow.
func WebKitMixedContentLine(page, url string) string {
	return "[blocked] The page at " + page + " requested insecure content from " + url + ". This content was blocked and must be served over HTTPS."
}

// WebKitNotAllowed is WebKit's second line for mixed content refused at
// the first URL.
const WebKitNotAllowed = "Not allowed to request resource"
