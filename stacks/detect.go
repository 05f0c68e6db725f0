package stacks

import (
	"net/http"
	"strconv"
	"strings"
)

// Confidence says how sure Detect is.
type Confidence int

// The confidence levels.
const (
	// Unknown: nothing in the response names a stack.
	Unknown Confidence = iota
	// Low: a hint shared by several stacks (a default status, a body).
	Low
	// Medium: a header a stack sends, that another could send too
	// (uvicorn serves Starlette and Django alike).
	Medium
	// High: a header only this stack sends (Server: nginx), or several
	// hints that agree.
	High
)

func (c Confidence) String() string {
	return [...]string{"unknown", "low", "medium", "high"}[c]
}

// Detection is what Detect found.
type Detection struct {
	// Stack is the detected stack; nil when Confidence is Unknown.
	Stack      *Stack
	Confidence Confidence
	// Evidence lists what in the response pointed at the stack, e.g.
	// `Server: nginx/1.22.1`.
	Evidence []string
	// Or is another stack the evidence fits exactly as well, when the
	// two answer alike (corskit's middleware and rs/cors answer an
	// allowed preflight byte for byte the same): a caller says "Stack or
	// Or", not one of them.
	Or *Stack
	// Cache names a shared cache the response passed through ("varnish"),
	// with CacheEvidence: not a stack with CORS settings of its own, but
	// one with a duty (keep Vary: Origin, or key on Origin) that a fix
	// must name.
	Cache, CacheEvidence string
}

// caches are the shared caches Detect recognises.
var caches = []struct {
	name  string
	match func(h http.Header, status int, body string) string
}{
	{"varnish", has("X-Varnish")},
	{"varnish", headerContains("Via", "varnish")},
}

// headerContains matches a header whose value contains sub
// (case-insensitively).
func headerContains(name, sub string) func(http.Header, int, string) string {
	return func(h http.Header, _ int, _ string) string {
		for _, v := range h.Values(name) {
			if strings.Contains(strings.ToLower(v), sub) {
				return name + ": " + v
			}
		}
		return ""
	}
}

// Unsure reports whether a caller should say which stack it assumed and
// list the others (Confidence below High).
func (d Detection) Unsure() bool { return d.Confidence < High }

// signature is one thing a response can show about its stack.
type signature struct {
	stack string
	// or is a stack the signature fits as well, "" when none.
	or   string
	conf Confidence
	// match returns the evidence, or "" when the response does not show it.
	match func(h http.Header, status int, body string) string
}

// headerPrefix matches a header whose value starts with prefix
// (case-insensitively).
func headerPrefix(name, prefix string) func(http.Header, int, string) string {
	return func(h http.Header, _ int, _ string) string {
		for _, v := range h.Values(name) {
			if len(v) >= len(prefix) && strings.EqualFold(v[:len(prefix)], prefix) {
				return name + ": " + v
			}
		}
		return ""
	}
}

// headerExact matches a header whose value is exactly value
// (case-sensitively: the casing is the library's fingerprint).
func headerExact(name, value string) func(http.Header, int, string) string {
	return func(h http.Header, _ int, _ string) string {
		for _, v := range h.Values(name) {
			if v == value {
				return name + ": " + v
			}
		}
		return ""
	}
}

// has matches when a header is present.
func has(name string) func(http.Header, int, string) string {
	return func(h http.Header, _ int, _ string) string {
		if v := h.Get(name); v != "" {
			return name + ": " + v
		}
		return ""
	}
}

// statusBody matches a status and a body prefix.
func statusBody(status int, body string) func(http.Header, int, string) string {
	return func(_ http.Header, st int, b string) string {
		if st == status && strings.HasPrefix(b, body) {
			return http.StatusText(status) + " with body " + `"` + body + `"`
		}
		return ""
	}
}

// signatures are what the stacks show of themselves, measured on the real
// servers by e2e/stacks_test.go (TestDetectRealServers) where the stack is
// run here, and taken from the vendors' documentation otherwise.
var signatures = []signature{
	{stack: "nginx", conf: High, match: headerPrefix("Server", "nginx")},
	{stack: "apache", conf: High, match: headerPrefix("Server", "Apache")},
	{stack: "caddy", conf: High, match: headerPrefix("Server", "Caddy")},
	{stack: "express", conf: High, match: headerExact("X-Powered-By", "Express")},
	// cors's default methods, joined without spaces, answer every
	// preflight, even with X-Powered-By disabled (measured by
	// e2e/audit_stack_test.go).
	{stack: "express", conf: Medium, match: headerExact("Access-Control-Allow-Methods", "GET,HEAD,PUT,PATCH,POST,DELETE")},
	// cors reflects the request headers when allowedHeaders is unset, and
	// says so in its own order.
	{stack: "express", conf: Medium, match: headerExact("Vary", "Origin, Access-Control-Request-Headers")},
	// Fastify's default keepAliveTimeout is 72 s, and it says so.
	{stack: "fastify", conf: Medium, match: headerExact("Keep-Alive", "timeout=72")},
	{stack: "starlette", conf: Medium, match: headerPrefix("Server", "uvicorn")},
	// Starlette refuses a preflight with 400 and this body.
	{stack: "starlette", conf: Medium, match: statusBody(400, "Disallowed CORS ")},
	{stack: "flask", conf: Medium, match: headerPrefix("Server", "Werkzeug")},
	// Flask-CORS's default methods, sorted and joined with ", ", answer a
	// preflight whose method it allows, behind gunicorn too.
	{stack: "flask", conf: Medium, match: headerExact("Access-Control-Allow-Methods", "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT")},
	// Django's runserver (wsgiref); gunicorn or uWSGI in production say
	// nothing of Django.
	{stack: "django", conf: Medium, match: headerPrefix("Server", "WSGIServer")},
	// Echo writes "charset=UTF-8" in capitals.
	{stack: "echo", conf: Medium, match: headerExact("Content-Type", "text/plain; charset=UTF-8")},
	// jub0bs/cors lowercases the exposed header names.
	{stack: "jub0bs-cors", conf: Low, match: lowercaseValue("Access-Control-Expose-Headers")},
	// rs/cors: a refused preflight is 204 with one combined Vary line and
	// no CORS header; corskit: 403 with the same line. An allowed
	// preflight is the same in both (the headers, their values, the Vary
	// line: measured side by side), so it names the two.
	{stack: "rs-cors", conf: Low, match: refused(statusVary(204, preflightVary))},
	{stack: "corskit", conf: Low, match: statusVary(403, preflightVary)},
	{stack: "corskit", or: "rs-cors", conf: Low, match: allowed(statusVary(204, preflightVary))},
	// gorilla/handlers.CORS sends no Vary at all, and no Server from
	// net/http: a preflight answer with Allow-Methods and no Vary.
	{stack: "gorilla", conf: Low, match: func(h http.Header, st int, _ string) string {
		if st == 200 && h.Get("Server") == "" && len(h.Values("Vary")) == 0 &&
			h.Get("Access-Control-Allow-Origin") != "" && h.Get("Access-Control-Allow-Methods") != "" {
			return "a preflight answer with no Vary and no Server"
		}
		return ""
	}},
	{stack: "aspnetcore", conf: High, match: headerPrefix("Server", "Kestrel")},
	{stack: "s3", conf: High, match: headerPrefix("Server", "AmazonS3")},
	{stack: "s3", conf: High, match: has("X-Amz-Request-Id")},
	{stack: "apigateway", conf: High, match: has("Apigw-Requestid")},
	{stack: "spring", conf: High, match: statusBody(403, "Invalid CORS request")},
}

// preflightVary is the one Vary line corskit and rs/cors send on a
// preflight answer.
const preflightVary = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"

// refused and allowed narrow m to answers without, or with,
// Access-Control-Allow-Origin.
func refused(m func(http.Header, int, string) string) func(http.Header, int, string) string {
	return func(h http.Header, st int, b string) string {
		if h.Get("Access-Control-Allow-Origin") != "" {
			return ""
		}
		return m(h, st, b)
	}
}

func allowed(m func(http.Header, int, string) string) func(http.Header, int, string) string {
	return func(h http.Header, st int, b string) string {
		if h.Get("Access-Control-Allow-Origin") == "" {
			return ""
		}
		return m(h, st, b)
	}
}

// lowercaseValue matches a header whose value has letters, all lowercase.
func lowercaseValue(name string) func(http.Header, int, string) string {
	return func(h http.Header, _ int, _ string) string {
		v := h.Get(name)
		if v != "" && v == strings.ToLower(v) && v != strings.ToUpper(v) {
			return name + ": " + v + " (lowercased)"
		}
		return ""
	}
}

// statusVary matches a status with one Vary line of exactly value.
func statusVary(status int, value string) func(http.Header, int, string) string {
	return func(h http.Header, st int, _ string) string {
		if vs := h.Values("Vary"); st == status && len(vs) == 1 && vs[0] == value {
			return strconv.Itoa(status) + " with Vary: " + value
		}
		return ""
	}
}

// maxDetectBody bounds how much of a body Detect reads.
const maxDetectBody = 256

// Detect names the stack that most likely sent a response, from its
// headers, status and (the first bytes of) its body: Server and
// X-Powered-By, a CORS library's own header order and casing, its status
// and body for a refused preflight. Several signatures of one stack add
// up; when two stacks match (a proxy in front of an application), the
// stronger evidence wins, and a tie is reported as Low. Detect reads at
// most 256 bytes of body and never fails: nothing recognisable is
// Confidence Unknown.
func Detect(h http.Header, status int, body []byte) Detection {
	if len(body) > maxDetectBody {
		body = body[:maxDetectBody]
	}
	b := string(body)
	score := map[string]Confidence{}
	evidence := map[string][]string{}
	or := map[string]string{}
	var order []string
	for _, sig := range signatures {
		ev := sig.match(h, status, b)
		if ev == "" {
			continue
		}
		if _, seen := score[sig.stack]; !seen {
			order = append(order, sig.stack)
			or[sig.stack] = sig.or
		} else if sig.or == "" {
			or[sig.stack] = "" // a signature of the one stack decides
		}
		// Two hints for one stack are worth one more level.
		c := max(score[sig.stack], sig.conf)
		if score[sig.stack] > Unknown {
			c = min(High, c+1)
		}
		score[sig.stack] = c
		evidence[sig.stack] = append(evidence[sig.stack], ev)
	}
	var best string
	tie := false
	for _, name := range order {
		switch {
		case best == "" || score[name] > score[best]:
			best, tie = name, false
		case score[name] == score[best]:
			tie = true
		}
	}
	var cache, cacheEv string
	for _, c := range caches {
		if ev := c.match(h, status, b); ev != "" {
			cache, cacheEv = c.name, ev
			break
		}
	}
	if best == "" {
		return Detection{Cache: cache, CacheEvidence: cacheEv}
	}
	s, _ := Lookup(best)
	c := score[best]
	if tie {
		c = Low
	}
	d := Detection{Stack: s, Confidence: c, Evidence: evidence[best], Cache: cache, CacheEvidence: cacheEv}
	if or[best] != "" {
		d.Or, _ = Lookup(or[best])
	}
	return d
}
