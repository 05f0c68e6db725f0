package corsmetrics_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/corskit/corskit/cors"
	"github.com/corskit/corskit/examples/metrics/corsmetrics"
)

// serveAll sends the same traffic through a middleware counted by hook:
// two allowed calls, three rejections on /api, one on a route the class
// function names from the raw path (a misuse the cap contains).
func serveAll(t *testing.T, hook func(*http.Request, cors.Rejection)) {
	t.Helper()
	mw, err := cors.New(cors.Config{AllowedOrigins: []string{"https://app.example"}, AllowedMethods: []string{"PUT"}, OnReject: hook})
	if err != nil {
		t.Fatal(err)
	}
	h := mw.Wrap(http.NotFoundHandler())
	do := func(method, path, origin, acrm string) {
		r := httptest.NewRequest(method, "http://api.example"+path, nil)
		r.Header.Set("Origin", origin)
		if acrm != "" {
			r.Header.Set("Access-Control-Request-Method", acrm)
		}
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
	do("GET", "/api/a", "https://app.example", "")
	do("OPTIONS", "/api/a", "https://app.example", "PUT")
	do("GET", "/api/a", "https://evil.example", "")
	do("GET", "/api/b", "https://evil2.example", "")
	do("OPTIONS", "/api/a", "https://app.example", "DELETE")
	for i := range 2 * corsmetrics.MaxRoutes {
		do("GET", fmt.Sprintf("/raw/%d", i), "https://evil.example", "")
	}
}

// class names the route by its first segment, and (misused) the raw path
// under /raw/.
func class(r *http.Request) string {
	if len(r.URL.Path) > 4 && r.URL.Path[:5] == "/raw/" {
		return r.URL.Path
	}
	return "api"
}

func TestPrometheus(t *testing.T) {
	reg := prometheus.NewRegistry()
	p, err := corsmetrics.NewPrometheus(reg, class)
	if err != nil {
		t.Fatal(err)
	}
	serveAll(t, p.OnReject)
	n, err := testutil.GatherAndCount(reg, "corskit_cors_rejections_total")
	if err != nil {
		t.Fatal(err)
	}
	// api × 2 reasons, 63 raw paths, then "other".
	if want := 2 + corsmetrics.MaxRoutes - 1 + 1; n != want {
		t.Errorf("%d series, want %d", n, want)
	}
	c, _ := p.Counter("missing-allow-origin", false, "api")
	if got := testutil.ToFloat64(c); got != 2 {
		t.Errorf("missing-allow-origin on api: %v, want 2", got)
	}
	c, _ = p.Counter("missing-allow-origin", false, "other")
	if got := testutil.ToFloat64(c); got != corsmetrics.MaxRoutes+1 {
		t.Errorf("other: %v, want %d", got, corsmetrics.MaxRoutes+1)
	}
}

func TestOTel(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	provider := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	o, err := corsmetrics.NewOTel(provider.Meter("corskit"), class)
	if err != nil {
		t.Fatal(err)
	}
	serveAll(t, o.OnReject)
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name != "corskit.cors.rejections" {
				continue
			}
			for _, dp := range m.Data.(metricdata.Sum[int64]).DataPoints {
				route, _ := dp.Attributes.Value(attribute.Key("route"))
				if route.AsString() != "api" && route.AsString() != "other" {
					continue // the 63 raw paths the cap let through
				}
				r, _ := dp.Attributes.Value("reason")
				p, _ := dp.Attributes.Value("preflight")
				got[fmt.Sprintf("%s preflight=%v route=%s", r.AsString(), p.AsBool(), route.AsString())] = dp.Value
			}
		}
	}
	var keys []string
	for k := range got {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	want := map[string]int64{
		"missing-allow-origin preflight=false route=api":   2,
		"method-not-allowed preflight=true route=api":      1,
		"missing-allow-origin preflight=false route=other": corsmetrics.MaxRoutes + 1,
	}
	if len(got) != len(want) {
		t.Errorf("data points %v, want %v", keys, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %d, want %d", k, got[k], v)
		}
	}
}
