// Package corsmetrics counts the CORS middleware's rejections in
// Prometheus (client_golang) and OpenTelemetry, through cors.Config.OnReject.
//
// A rejection is counted by its reason (the small, fixed vocabulary of
// package reason: missing-allow-origin, method-not-allowed, ...), whether
// it was a preflight, and a route class the caller names ("api",
// "uploads"...). Never by the raw Origin: anyone can send any Origin, so a
// label made of it lets a client create series without end. Route classes
// are bounded too: past MaxRoutes distinct values, the rest count as
// "other".
//
// It lives in the examples module, not in the library: the cors package
// imports only the standard library, and these adapters are each a few
// lines over its hook.
package corsmetrics

import (
	"context"
	"net/http"
	"strconv"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/corskit/corskit/cors"
)

// MaxRoutes bounds the distinct route classes a counter sees.
const MaxRoutes = 64

// RouteClass names the class of a request's route: a bounded set of
// names, chosen by the application. Nil counts every request as "all".
type RouteClass func(*http.Request) string

// routes caps the route classes at MaxRoutes.
type routes struct {
	class RouteClass
	mu    sync.Mutex
	seen  map[string]bool
}

func (rs *routes) of(r *http.Request) string {
	if rs.class == nil {
		return "all"
	}
	c := rs.class(r)
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if !rs.seen[c] {
		if len(rs.seen) >= MaxRoutes {
			return "other"
		}
		rs.seen[c] = true
	}
	return c
}

// Prometheus counts rejections in corskit_cors_rejections_total{reason,
// preflight, route}.
type Prometheus struct {
	total  *prometheus.CounterVec
	routes routes
}

// NewPrometheus registers the counter with reg.
func NewPrometheus(reg prometheus.Registerer, class RouteClass) (*Prometheus, error) {
	p := &Prometheus{
		total: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "corskit_cors_rejections_total",
			Help: "Requests the CORS policy refused, by reason (package reason's IDs), preflight or not, and route class.",
		}, []string{"reason", "preflight", "route"}),
		routes: routes{class: class, seen: map[string]bool{}},
	}
	if err := reg.Register(p.total); err != nil {
		return nil, err
	}
	return p, nil
}

// OnReject is the hook for cors.Config.OnReject.
func (p *Prometheus) OnReject(r *http.Request, rj cors.Rejection) {
	p.total.WithLabelValues(rj.Reason.String(), strconv.FormatBool(rj.Preflight), p.routes.of(r)).Inc()
}

// Counter is the series of one label set, for tests and dashboards' own
// checks.
func (p *Prometheus) Counter(reason string, preflight bool, route string) (prometheus.Counter, error) {
	return p.total.GetMetricWithLabelValues(reason, strconv.FormatBool(preflight), route)
}

// OTel counts rejections in the Int64Counter corskit.cors.rejections with
// the attributes reason, preflight and route.
type OTel struct {
	total  metric.Int64Counter
	routes routes
}

// NewOTel creates the counter with meter.
func NewOTel(meter metric.Meter, class RouteClass) (*OTel, error) {
	c, err := meter.Int64Counter("corskit.cors.rejections",
		metric.WithDescription("Requests the CORS policy refused, by reason (package reason's IDs), preflight or not, and route class."),
		metric.WithUnit("{request}"))
	if err != nil {
		return nil, err
	}
	return &OTel{total: c, routes: routes{class: class, seen: map[string]bool{}}}, nil
}

// OnReject is the hook for cors.Config.OnReject.
func (o *OTel) OnReject(r *http.Request, rj cors.Rejection) {
	o.total.Add(context.WithoutCancel(r.Context()), 1, metric.WithAttributes(
		attribute.String("reason", rj.Reason.String()),
		attribute.Bool("preflight", rj.Preflight),
		attribute.String("route", o.routes.of(r)),
	))
}

// Both calls every hook: to count in Prometheus and OpenTelemetry at once,
// or to count and log.
func Both(hooks ...func(*http.Request, cors.Rejection)) func(*http.Request, cors.Rejection) {
	return func(r *http.Request, rj cors.Rejection) {
		for _, h := range hooks {
			h(r, rj)
		}
	}
}
