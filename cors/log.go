package cors

import (
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/corskit/corskit/reason"
)

// logBurst is the most Info records about rejections a Middleware writes
// in one second. A hostile client can make every request a rejection; the
// log then gets logBurst records a second, and the first record of the
// next second says how many were left out ("suppressed"). Debug records
// are not limited: whoever turns Debug on asks for every request.
const logBurst = 10

// logLimiter counts the rejections logged in the current second. It is
// shared by every policy of one Middleware, so that Reconfigure does not
// reset it. Races at a second's edge let a record or two more through,
// never a flood.
type logLimiter struct {
	second     atomic.Int64 // Unix second of the window
	n          atomic.Int64 // records allowed or refused in it
	suppressed atomic.Int64 // records refused since the last one written
	now        func() time.Time
}

// allow reports whether a record may be written now, and how many were
// suppressed before it.
func (l *logLimiter) allow() (ok bool, suppressed int64) {
	now := time.Now
	if l.now != nil {
		now = l.now
	}
	s := now().Unix()
	if w := l.second.Load(); w != s && l.second.CompareAndSwap(w, s) {
		l.n.Store(0)
	}
	if l.n.Add(1) > logBurst {
		l.suppressed.Add(1)
		return false, 0
	}
	return true, l.suppressed.Swap(0)
}

// valueKey is the log attribute that names the offending value.
func valueKey(id reason.ID) string {
	switch id {
	case reason.MethodNotAllowed, reason.InvalidRequestMethod:
		return "requested_method"
	case reason.HeaderNotAllowed:
		return "requested_header"
	case reason.InvalidRequestHeaders:
		return "requested_headers"
	}
	return "origin"
}

// debug writes a Debug record about a request the middleware let through
// untouched by CORS checks, saying why. Values are strings, never
// interfaces, so that the call allocates nothing when Debug is off.
func (lr loggerRef) debug(r *http.Request, msg, why string) {
	ctx := r.Context()
	if !lr.l.Enabled(ctx, slog.LevelDebug) {
		return
	}
	lr.l.LogAttrs(ctx, slog.LevelDebug, msg,
		slog.String("why", why),
		slog.String("method", r.Method),
		slog.String("path", truncate(r.URL.Path)),
	)
}

// LogValue describes the policy in force, for a log record at start-up:
// logger.Info("cors", "policy", mw) shows the effective allowlist,
// methods, headers and preflight cache time, as the middleware applies
// them (normalised, with the methods and headers browsers send without
// asking).
func (m *Middleware) LogValue() slog.Value {
	p := m.policy.Load()
	c := p.cfg
	return slog.GroupValue(
		slog.Uint64("generation", p.generation),
		slog.String("origins", strings.Join(c.AllowedOrigins, " ")),
		slog.Bool("credentials", c.AllowCredentials),
		slog.String("methods", p.effectiveMethods()),
		slog.String("headers", p.effectiveHeaders()),
		slog.String("exposed", strings.Join(c.ExposedHeaders, " ")),
		slog.String("max_age", p.maxAgeText()),
		slog.Int("preflight_status", p.preflightStatus),
		slog.Bool("preflight_passthrough", p.passthrough),
	)
}

// String describes the policy in force on one line, as LogValue does.
func (m *Middleware) String() string {
	p := m.policy.Load()
	var b strings.Builder
	b.WriteString("cors policy #")
	b.WriteString(strconv.FormatUint(p.generation, 10))
	b.WriteString(": origins=[")
	b.WriteString(strings.Join(p.cfg.AllowedOrigins, " "))
	b.WriteString("] credentials=")
	b.WriteString(strconv.FormatBool(p.cfg.AllowCredentials))
	b.WriteString(" methods=[")
	b.WriteString(p.effectiveMethods())
	b.WriteString("] headers=[")
	b.WriteString(p.effectiveHeaders())
	b.WriteString("] exposed=[")
	b.WriteString(strings.Join(p.cfg.ExposedHeaders, " "))
	b.WriteString("] max-age=")
	b.WriteString(p.maxAgeText())
	b.WriteString(" preflight-status=")
	b.WriteString(strconv.Itoa(p.preflightStatus))
	if p.passthrough {
		b.WriteString(" preflight-passthrough")
	}
	return b.String()
}

func (p *policy) effectiveMethods() string {
	if p.anyMethod {
		return "*"
	}
	return strings.Join(append([]string{"GET", "HEAD", "POST"}, p.methods...), " ")
}

// effectiveHeaders lists the allowed names; the CORS-safelisted headers
// (Accept, Accept-Language, Content-Language, a form or text Content-Type)
// are allowed whatever the list says.
func (p *policy) effectiveHeaders() string {
	if p.anyHeader {
		return "*"
	}
	return strings.Join(p.cfg.AllowedHeaders, " ")
}

func (p *policy) maxAgeText() string {
	switch p.maxAge {
	case "":
		return "unset (browsers cache 5s)"
	case "0":
		return "0 (no preflight cache)"
	}
	return p.maxAge + "s"
}

var _ slog.LogValuer = (*Middleware)(nil)
