package reason

import "fmt"

// The words of upgradable mixed content: an https page's http <img> is
// loaded over https instead of blocked (or, on a loopback host, loaded
// over http as it is), measured by conformance/ (TestUpgrade*, recorded
// in internal/corscase/testdata/upgrade-*.json). No reason ID: the load
// goes on, and what happens to it over https is its verdict.

// ChromiumMixedUpgradedLine is Chromium's line for an http element it
// loaded over https (the comma before "For" is Chromium's).
func ChromiumMixedUpgradedLine(page, url string) string {
	return fmt.Sprintf("Mixed Content: The page at '%s' was loaded over HTTPS, but requested an insecure element '%s'. This request was automatically upgraded to HTTPS, For more information see https://blog.chromium.org/2019/10/no-more-mixed-messages-about-https.html", page, url)
}

// ChromiumMixedKeptLine is Chromium's line for an http element on a
// loopback host it loaded as it is: ip says the host is an address
// (127.0.0.1), not a name (localhost).
func ChromiumMixedKeptLine(page, url string, ip bool) string {
	why := "it is a local network request"
	if ip {
		why = "its URL's host is an IP address"
	}
	return fmt.Sprintf("Mixed Content: The page at '%s' was loaded over HTTPS, but requested an insecure element '%s'. This request was not upgraded to HTTPS because %s.", page, url, why)
}

// FirefoxMixedUpgradedLine is Firefox's line for an http element it loaded
// over https. It prints none for one it loads as it is.
func FirefoxMixedUpgradedLine(url string) string {
	return "Mixed Content: Upgrading insecure display request ‘" + url + "’ to use ‘https’"
}

// WebKitMixedUpgradedLine is WebKit's line for an http element it loaded
// over https.
func WebKitMixedUpgradedLine(page, url string) string {
	return "The page at " + page + " requested insecure content from " + url + ". This content was automatically upgraded and should be served over HTTPS."
}

// WebKitMixedKeptLine is WebKit's line for an http element on a loopback
// host it loaded as it is.
func WebKitMixedKeptLine(page, url string) string {
	return "The page at " + page + " requested insecure content from " + url + ". This content was not upgraded to HTTPS and must be served from the local host."
}
