package stacks

import "strings"

// This file writes the settings of the guards that refuse a cross-site
// request before the CORS code's answer matters (a CSRF guard, a dev
// server's host check), in each one's own syntax. Their values are an
// origin or a host name the request showed: each is written as a
// double-quoted string, which Go, JavaScript and Python read alike for
// printable ASCII; anything else is refused rather than guessed at.

// guardLiteral is v as a double-quoted string literal of Go, JavaScript
// and Python; ok is false when v holds a byte outside printable ASCII
// (a serialized origin, or a host in its punycode form, never does).
func guardLiteral(v string) (lit string, ok bool) {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c < 0x20 || c > 0x7e:
			return "", false
		case c == '"' || c == '\\':
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	b.WriteByte('"')
	return b.String(), true
}

// unwritable is what a snippet says instead of a value it cannot write.
const unwritable = `"…" (the value is not printable ASCII: write its punycode form)`

func literal(v string) string {
	if lit, ok := guardLiteral(v); ok {
		return lit
	}
	return unwritable
}

// DjangoTrustedOrigins is the settings.py line that makes Django's
// CsrfViewMiddleware trust origin (Django 4.0 and later read scheme and
// host; CSRF_TRUSTED_ORIGINS holds origins, not hosts).
func DjangoTrustedOrigins(origin string) string {
	return "CSRF_TRUSTED_ORIGINS = [" + literal(origin) + "]"
}

// GoTrustedOrigin is the Go statement that makes an
// http.CrossOriginProtection named guard trust origin.
func GoTrustedOrigin(origin string) string {
	return "guard.AddTrustedOrigin(" + literal(origin) + ")"
}

// ViteAllowedHosts is the vite.config.js setting that lets Vite's dev
// server answer requests for host (its check against DNS rebinding).
func ViteAllowedHosts(host string) string {
	return "server: { allowedHosts: [" + literal(host) + "] }"
}

// ViteCORS is the vite.config.js setting that lets the dev server's CORS
// middleware allow origin (its default allows only localhost's).
func ViteCORS(origin string) string {
	return "server: { cors: { origin: [" + literal(origin) + "] } }"
}

// NextAllowedDevOrigins is the next.config.js setting that lets Next.js's
// dev server serve its dev resources (/_next/*, the HMR socket) to a page
// on host: a host name or a wildcard such as "*.example.com", never an
// origin.
func NextAllowedDevOrigins(host string) string {
	return "allowedDevOrigins: [" + literal(host) + "]"
}
