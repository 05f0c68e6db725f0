// Package origin parses, compares and matches web origins, the unit of
// trust of the browser's same-origin policy.
//
// # Origins
//
// An origin is the (scheme, host, port) of the page that makes a request:
// https://app.example.com and https://app.example.com:8443 are different
// origins, so are http:// and https:// on the same host. Browsers send it in
// the Origin header, serialized as scheme "://" host, then ":" port unless it
// is the scheme's default. Pages whose origin is hidden (sandboxed iframes,
// data: URLs, some redirects) get an opaque origin, sent as "null".
//
// [Parse] accepts exactly what a browser sends and nothing else: lowercase
// scheme and host (punycode for international names), no default port
// (https://a.com:443 is not a serialization, and is never equal to
// https://a.com by accident), no path, no trailing slash, no userinfo,
// IP addresses in their canonical form. Strictness is the point: a server
// that "cleans up" an origin before comparing it is a server whose allowlist
// can be bypassed.
//
// # Same origin, same site
//
// [Origin.SameOrigin] compares the tuples. [Origin.SameSite] is schemeful
// same-site: the same scheme and the same registrable domain
// (a.example.co.uk and b.example.co.uk are same-site; a.github.io and
// b.github.io are not, because github.io is a public suffix), which is the
// boundary browsers use for cookies' SameSite attribute.
//
// # Patterns
//
// Configuration names the origins it trusts with a [Pattern]:
//
//	https://app.example.com    one origin
//	https://*.example.com      any subdomain, at any depth, of example.com (not example.com itself)
//	http://localhost:*         any port of localhost, including none
//	https://*.example.com:*    both
//	null                       the opaque origin
//
// [ParsePattern] forgives case and converts Unicode hosts to punycode, but
// rejects anything ambiguous: "https://*example.com" (would it match
// attackerexample.com?), a "*" in any other place, a path or trailing slash,
// a default port. A pattern whose wildcard ranges over a public suffix, such
// as "https://*.com" or "https://*.github.io", parses, and
// [Pattern.CoversPublicSuffix] says so, so that policy code can refuse it.
//
// # Sets
//
// A [Set] compiles patterns for the hot path of a server: [Set.MatchString]
// takes the raw Origin header value, allocates nothing, and costs the same
// with one pattern or ten thousand: exact origins are one hash lookup of the
// raw value, wildcards one lookup per label of the request's host. Only a
// valid serialization can match, so "https://APP.example.com" or
// "https://app.example.com/" match nothing, as browsers compare
// Access-Control-Allow-Origin byte for byte.
//
// The package imports golang.org/x/net (publicsuffix, idna) and, through
// idna, golang.org/x/text; nothing else outside the standard library.
package origin
