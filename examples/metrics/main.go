// Command metrics serves an API whose CORS rejections are logged (at most
// ten records a second), counted in Prometheus at /metrics by reason and
// route class, and whose policy is logged at start-up.
//
//	go run ./metrics
//	curl -H 'Origin: https://evil.example' localhost:8080/api/items
//	curl localhost:8080/metrics | grep corskit
package main

import (
	"log"
	"log/slog"
	"net/http"
	"os"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/corskit/corskit/cors"
	"github.com/corskit/corskit/examples/metrics/corsmetrics"
)

// routeClass names a request's route by its first path segment, from a
// fixed list: never from the raw path, which a client chooses.
func routeClass(r *http.Request) string {
	for _, c := range []string{"api", "uploads"} {
		if strings.HasPrefix(r.URL.Path, "/"+c+"/") {
			return c
		}
	}
	return "other"
}

// newServer is the application: its CORS policy, counted and logged.
func newServer(logger *slog.Logger, reg *prometheus.Registry) (http.Handler, *cors.Middleware, error) {
	counter, err := corsmetrics.NewPrometheus(reg, routeClass)
	if err != nil {
		return nil, nil, err
	}
	mw, err := cors.New(cors.Config{
		AllowedOrigins: []string{"https://app.example.com", "https://*.tenant.example.com"},
		AllowedMethods: []string{"PUT", "DELETE"},
		AllowedHeaders: []string{"Content-Type"},
		MaxAge:         600e9,
		Logger:         logger,
		OnReject:       counter.OnReject,
	})
	if err != nil {
		return nil, nil, err
	}
	api := http.NewServeMux()
	api.HandleFunc("/api/items", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte(`[]`)) })
	root := http.NewServeMux()
	root.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	root.Handle("/", mw.Wrap(api))
	return root, mw, nil
}

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	h, mw, err := newServer(logger, prometheus.NewRegistry())
	if err != nil {
		log.Fatal(err)
	}
	logger.Info("starting", "cors", mw) // the effective policy
	log.Fatal(http.ListenAndServe("localhost:8080", h))
}
