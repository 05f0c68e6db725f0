package audit

import (
	"net/http"
	"strings"
)

// Stack is a server stack recognised from its answers, and where its
// CORS allowlist is set. The table below is the audit's whole knowledge
// of stacks, kept as data so that it can move into a shared stacks
// package (one source for check, explain and audit) unchanged.
type Stack struct {
	Name string `json:"name"`
	// Setting names the stack's allowlist setting, with the safe value.
	Setting string `json:"setting"`
	// Evidence is what gave the stack away ("X-Powered-By: Express").
	Evidence string `json:"evidence"`
}

// stackSign is one entry: a test on a response's headers, and the fix
// in that stack's own terms (%s is the list of origins, in the stack's
// syntax).
type stackSign struct {
	name    string
	detect  func(h http.Header, preflight bool) string // the evidence, or ""
	setting func(origins []string, creds bool) string
}

// headerHas returns "Name: value" when the header's value contains sub
// (case-insensitively).
func headerHas(name, sub string) func(http.Header, bool) string {
	return func(h http.Header, _ bool) string {
		for _, v := range h.Values(name) {
			if strings.Contains(strings.ToLower(v), sub) {
				return name + ": " + v
			}
		}
		return ""
	}
}

// preflightValue returns "Name: value" when a preflight answer's header
// is exactly value: a library's default, spelled its own way.
func preflightValue(name, value string) func(http.Header, bool) string {
	return func(h http.Header, preflight bool) string {
		if vs := h.Values(name); preflight && len(vs) == 1 && vs[0] == value {
			return name + ": " + value
		}
		return ""
	}
}

// anyOf returns the evidence of the first test that finds some.
func anyOf(tests ...func(http.Header, bool) string) func(http.Header, bool) string {
	return func(h http.Header, preflight bool) string {
		for _, t := range tests {
			if ev := t(h, preflight); ev != "" {
				return ev
			}
		}
		return ""
	}
}

func quoted(origins []string, q string) string {
	var b strings.Builder
	for i, o := range origins {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(q + o + q)
	}
	return b.String()
}

// stackSigns are tried in order; the first match names the stack. Caches
// come first: the fix then also names the cache's own duty.
var stackSigns = []stackSign{
	{"Varnish (in front)", func(h http.Header, p bool) string {
		if v := h.Get("X-Varnish"); v != "" {
			return "X-Varnish: " + v
		}
		return headerHas("Via", "varnish")(h, p)
	}, func(os []string, creds bool) string {
		return "Varnish caches by URL and Host: the backend must send Vary: Origin on every answer whose CORS headers depend on Origin (keep it; do not unset Vary in vcl_backend_response), or add req.http.Origin to vcl_hash. Fix the backend's allowlist itself to the exact origins " + quoted(os, `"`) + "."
	}},
	{"nginx", headerHas("Server", "nginx"), func(os []string, creds bool) string {
		var b strings.Builder
		b.WriteString("map $http_origin $cors_origin { default \"\"; ")
		for _, o := range os {
			b.WriteString("\"" + o + "\" $http_origin; ")
		}
		b.WriteString("} then add_header Access-Control-Allow-Origin $cors_origin always; add_header Vary Origin always;")
		if creds {
			b.WriteString(" add_header Access-Control-Allow-Credentials true always;")
		}
		b.WriteString(" (exact strings in the map, no regex, no if; with proxy_cache also keep the backend's Vary)")
		return b.String()
	}},
	{"Express (cors package)", anyOf(headerHas("X-Powered-By", "express"),
		// The cors package's default methods, joined without spaces,
		// answer every preflight (even with X-Powered-By disabled).
		preflightValue("Access-Control-Allow-Methods", "GET,HEAD,PUT,PATCH,POST,DELETE")), func(os []string, creds bool) string {
		return "app.use(cors({ origin: [" + quoted(os, "'") + "], credentials: " + boolJS(creds) + " })): an array of exact strings, not origin: true, a RegExp or a function that reflects"
	}},
	{"Flask-CORS", anyOf(headerHas("Server", "werkzeug"),
		// Flask-CORS's default methods, sorted and joined with ", ",
		// answer a preflight whose method it allows (behind gunicorn too).
		preflightValue("Access-Control-Allow-Methods", "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT")), func(os []string, creds bool) string {
		return "CORS(app, origins=[" + quoted(os, `"`) + "], supports_credentials=" + boolPy(creds) + "): Flask-CORS reads each origin as a regular expression too, so escape the dots (re.escape) or list exact origins"
	}},
	{"rs/cors (Go)", func(h http.Header, preflight bool) string {
		// rs/cors answers a preflight with the three Vary names on one
		// line and Access-Control-Allow-Methods echoing the request's
		// method, with no Server header (net/http sends none).
		if v := h.Get("Vary"); preflight && h.Get("Server") == "" && v == "Origin, Access-Control-Request-Method, Access-Control-Request-Headers" && h.Get("Access-Control-Max-Age") == "" {
			return "Vary: " + v
		}
		return ""
	}, func(os []string, creds bool) string {
		return "cors.Options{AllowedOrigins: []string{" + quoted(os, `"`) + "}, AllowCredentials: " + boolJS(creds) + "} (no AllowOriginFunc that returns true for everything, no AllowedOrigins: []string{\"*\"} with credentials)"
	}},
	{"gorilla/handlers (Go)", func(h http.Header, preflight bool) string {
		// gorilla/handlers.CORS sends no Vary at all and, on a
		// preflight, the allowed methods without the request's headers.
		if preflight && h.Get("Server") == "" && len(h.Values("Vary")) == 0 && h.Get("Access-Control-Allow-Origin") != "" {
			return "no Vary on a preflight from a Go server"
		}
		return ""
	}, func(os []string, creds bool) string {
		s := "handlers.CORS(handlers.AllowedOrigins([]string{" + quoted(os, `"`) + "})"
		if creds {
			s += ", handlers.AllowCredentials()"
		}
		return s + "), never handlers.AllowedOrigins([]string{\"*\"}) with AllowCredentials (it then reflects every origin)"
	}},
}

func boolJS(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func boolPy(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

// detectStack returns the first stack whose sign h shows, or -1.
func detectStack(h http.Header, preflight bool) (int, string) {
	for i, s := range stackSigns {
		if ev := s.detect(h, preflight); ev != "" {
			return i, ev
		}
	}
	return -1, ""
}
