package origin

import (
	"net/netip"
	"strings"
)

// IsLoopbackHost reports whether host (as an Origin or Pattern holds it:
// a name, an IPv4 address, or an IPv6 address in brackets) is a loopback
// host, which browsers treat as potentially trustworthy even over http
// (Secure Contexts, section 3.1): "localhost", a name under ".localhost",
// 127.0.0.0/8 or [::1].
func IsLoopbackHost(host string) bool {
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := strings.Trim(host, "[]")
	if ip == "" || (ip[0] < '0' || ip[0] > '9') && !strings.Contains(ip, ":") {
		// A name: netip.ParseAddr reads IPv4 only from a digit and IPv6
		// only with a colon; skipping it spares the error it would build,
		// on the path of every fetch the browser model makes.
		return false
	}
	if a, err := netip.ParseAddr(ip); err == nil {
		return a.IsLoopback()
	}
	return false
}
