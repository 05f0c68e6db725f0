package cors_test

import (
	"fmt"
	"net/http"
	"time"

	"github.com/corskit/corskit/cors"
)

// The examples below are mistakes: each Config is refused by New, and the
// output is the error it returns. Nothing is served with a refused Config,
// so a mistake costs a failed start, never a hole in production.

// "*" with credentials would let every web page read your users'
// authenticated responses. (Browsers refuse "Access-Control-Allow-Origin:
// *" with credentials, so middlewares that accept this configuration
// reflect the request's Origin instead, which is worse.) List the origins.
func ExampleNew_anyOriginWithCredentials() {
	_, err := cors.New(cors.Config{
		AllowedOrigins:   []string{"*"},
		AllowCredentials: true,
	})
	fmt.Println(err)
	// Output:
	// cors: AllowedOrigins "*": any origin with AllowCredentials lets every web page read your users' authenticated responses; list the origins, or set UnsafeAllowAnyOriginWithCredentials
}

// An origin is scheme://host[:port] and nothing else: browsers never send
// a path or a trailing slash in the Origin header, so an entry with one
// would never match, and the page would be blocked for no visible reason.
func ExampleNew_originWithPath() {
	_, err := cors.New(cors.Config{
		AllowedOrigins: []string{"https://app.example.com/", "https://admin.example.com/api"},
	})
	fmt.Println(err)
	// Output:
	// cors: AllowedOrigins "https://app.example.com/": has a path: remove the trailing slash
	// cors: AllowedOrigins "https://admin.example.com/api": has a path: an origin is only scheme://host[:port]
}

// Browsers omit the scheme's default port, so "https://app.example.com:443"
// would never match either.
func ExampleNew_defaultPort() {
	_, err := cors.New(cors.Config{
		AllowedOrigins: []string{"https://app.example.com:443"},
	})
	fmt.Println(err)
	// Output:
	// cors: AllowedOrigins "https://app.example.com:443": default port :443 must be omitted: browsers never send it
}

// Anyone can publish a site under github.io (a public suffix), so a
// wildcard over it trusts every GitHub user's page. List your own
// origin, or your own domain's subdomains.
func ExampleNew_publicSuffixWildcard() {
	_, err := cors.New(cors.Config{
		AllowedOrigins: []string{"https://*.github.io"},
	})
	fmt.Println(err)
	// Output:
	// cors: AllowedOrigins "https://*.github.io": the wildcard covers a public suffix, where anyone can register a subdomain; list your own domain, or set UnsafeAllowPublicSuffixWildcards
}

// A "*" inside a label is ambiguous: would "https://*example.com" match
// https://attackerexample.com? New does not guess.
func ExampleNew_misplacedWildcard() {
	_, err := cors.New(cors.Config{
		AllowedOrigins: []string{"https://*example.com"},
	})
	fmt.Println(err)
	// Output:
	// cors: AllowedOrigins "https://*example.com": "*" may only be the whole leftmost label ("https://*.example.com") or the whole port
}

// A page on plain http can be altered by anyone on the network path; with
// credentials, the script they inject reads your users' responses. Serve
// the front end over https (loopback origins such as http://localhost:3000
// are accepted: browsers treat them as secure).
func ExampleNew_insecureOriginWithCredentials() {
	_, err := cors.New(cors.Config{
		AllowedOrigins:   []string{"http://app.example.com"},
		AllowCredentials: true,
	})
	fmt.Println(err)
	// Output:
	// cors: AllowedOrigins "http://app.example.com": an insecure origin with AllowCredentials lets a network attacker who injects script there read credentialed responses; use https, or set UnsafeAllowInsecureOriginsWithCredentials
}

// "null" is the origin of sandboxed iframes and data: URLs, which any
// attacker can create: allowing it is allowing everyone.
func ExampleNew_nullOrigin() {
	_, err := cors.New(cors.Config{
		AllowedOrigins: []string{"null"},
	})
	fmt.Println(err)
	// Output:
	// cors: AllowedOrigins "null": "null" is sent by sandboxed iframes and data: URLs that any attacker can create; set UnsafeAllowNullOrigin if you really mean it
}

// Methods are listed one per element, each an HTTP token; and some methods
// browsers never send from a page at all, so allowing them is a mistake in
// the policy's author's understanding, not a permission.
func ExampleNew_invalidMethod() {
	_, err := cors.New(cors.Config{
		AllowedOrigins: []string{"https://app.example.com"},
		AllowedMethods: []string{"PUT, DELETE", http.MethodConnect},
	})
	fmt.Println(err)
	// Output:
	// cors: AllowedMethods "PUT, DELETE": not a valid method name (an HTTP token)
	// cors: AllowedMethods "CONNECT": browsers refuse to send this method
}

// Scripts can never set Cookie (the browser sends cookies itself, with
// credentials), so listing it in AllowedHeaders means the author expects
// something that cannot happen.
func ExampleNew_forbiddenHeader() {
	_, err := cors.New(cors.Config{
		AllowedOrigins: []string{"https://app.example.com"},
		AllowedHeaders: []string{"Cookie"},
	})
	fmt.Println(err)
	// Output:
	// cors: AllowedHeaders "Cookie": a forbidden request header: browsers never let scripts set it
}

// Every problem is reported at once, one *ConfigError each, in the order
// of the Config's fields; ConfigErrors lists them for code that wants the
// field and the value.
func ExampleConfigErrors() {
	_, err := cors.New(cors.Config{
		AllowedOrigins:   []string{"https://app.example.com/", "http://admin.example.com"},
		AllowCredentials: true,
		AllowedMethods:   []string{"CONNECT"},
		MaxAge:           48 * time.Hour,
	})
	for _, e := range cors.ConfigErrors(err) {
		fmt.Printf("%s %q: %s\n", e.Field, e.Value, e.Reason)
	}
	// Output:
	// AllowedOrigins "https://app.example.com/": has a path: remove the trailing slash
	// AllowedOrigins "http://admin.example.com": an insecure origin with AllowCredentials lets a network attacker who injects script there read credentialed responses; use https, or set UnsafeAllowInsecureOriginsWithCredentials
	// AllowedMethods "CONNECT": browsers refuse to send this method
	// MaxAge "48h0m0s": must be at most 24h; browsers cap it (Chromium at 2h, Firefox at 24h)
}
