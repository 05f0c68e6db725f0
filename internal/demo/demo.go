// Package demo serves corskit's walkthrough: a page on one origin calling an
// API on another, through correct and misconfigured CORS policies, so that a
// newcomer watches a real browser allow and block each call.
//
// Two servers run on loopback. The page is served from 127.0.0.1 and the API
// from localhost: different hosts, so the calls are cross-origin, and
// different sites too (an IP address and a name never share a registrable
// domain), so credentials behave as they do between real sites.
package demo

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"strconv"
	"sync/atomic"

	"github.com/corskit/corskit/cors"
	"github.com/corskit/corskit/internal/loopback"
)

//go:embed static
var static embed.FS

// Options configure Run. Zero ports mean "pick free ones".
type Options struct {
	APIPort int // the API, served as http://localhost:APIPort
	WebPort int // the page, served as http://127.0.0.1:WebPort
}

// Demo is the pair of servers. Create it with Listen, then Serve.
type Demo struct {
	APIURL  string // e.g. http://localhost:41234
	PageURL string // e.g. http://127.0.0.1:41235

	api, web  *loopback.Server
	sample    *API
	transport http.RoundTripper // the model's, for predictions
}

// Listen opens both listeners and builds the handlers; nothing is served yet.
func Listen(opts Options) (*Demo, error) {
	ss, err := loopback.ListenAll([]string{"demo: page server", "demo: API server"},
		[]string{"127.0.0.1", "localhost"}, []int{opts.WebPort, opts.APIPort})
	if err != nil {
		return nil, err
	}
	d := &Demo{PageURL: ss[0].URL, APIURL: ss[1].URL, web: ss[0], api: ss[1], transport: loopback.Transport()}
	if d.sample, err = NewAPI(d.PageURL); err != nil {
		loopback.Close(ss...)
		return nil, err
	}
	d.api.Handle(d.sample)
	d.web.Handle(d.pageHandler())
	return d, nil
}

// Serve serves until ctx is done, then shuts both servers down gracefully.
func (d *Demo) Serve(ctx context.Context) error { return loopback.Serve(ctx, d.web, d.api) }

// Run listens, prints where to go, and serves until ctx is done.
func Run(ctx context.Context, opts Options, out io.Writer) error {
	d, err := Listen(opts)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "corskit demo\n  page: %s   (open this in a browser)\n  api:  %s\n", d.PageURL, d.APIURL)
	fmt.Fprintln(out, "Each scenario calls the API from the page; press Ctrl-C to stop.")
	return d.Serve(ctx)
}

// API is the demo's sample API: one correct policy and three classic
// mistakes, for a page on one origin. The playground uses it too.
type API struct {
	http.Handler
	preflights atomic.Int64
}

// Preflights returns how many preflights the API has received.
func (a *API) Preflights() int64 { return a.preflights.Load() }

// policies returns the API's policies: the correct one, and one mistake per
// misconfigured endpoint, each a classic.
func policies(page string) (good, wrongOrigin, missingHeader, noCredentials cors.Config) {
	good = cors.Config{
		AllowedOrigins:        []string{page},
		AllowCredentials:      true,
		AllowedMethods:        []string{http.MethodPut},
		AllowedHeaders:        []string{"Content-Type", "X-Demo-Token"},
		ExposedHeaders:        []string{"X-Request-Id"},
		MaxAge:                0,    // no caching, so every run shows its preflight
		DisablePreflightCache: true, // every run shows its preflight
	}
	// The origin of a dev server, not of the deployed page.
	wrongOrigin = cors.Config{AllowedOrigins: []string{"http://localhost:3000"}}
	// Content-Type is listed; the custom header was forgotten.
	missingHeader = cors.Config{
		AllowedOrigins: []string{page},
		AllowedMethods: []string{http.MethodPut},
		AllowedHeaders: []string{"Content-Type"},
	}
	// The origin is right, but credentials were never allowed.
	noCredentials = cors.Config{AllowedOrigins: []string{page}}
	return
}

// NewAPI builds the sample API for pages on the origin page.
func NewAPI(page string) (*API, error) {
	a := &API{}
	good, wrongOrigin, missingHeader, noCredentials := policies(page)
	mux := http.NewServeMux()
	for _, route := range []struct {
		prefix string
		cfg    cors.Config
	}{
		{"/api/good/", good},
		{"/api/bad/hello", wrongOrigin},
		{"/api/bad/items/", missingHeader},
		{"/api/bad/me", noCredentials},
	} {
		mw, err := cors.New(route.cfg)
		if err != nil {
			return nil, fmt.Errorf("demo: policy for %s: %w", route.prefix, err)
		}
		mux.Handle(route.prefix, mw.Wrap(http.HandlerFunc(a.serve)))
	}
	// Count preflights before the middleware answers them, so the page can
	// show that one happened: JavaScript never sees a preflight.
	a.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			a.preflights.Add(1)
		}
		mux.ServeHTTP(w, r)
	})
	return a, nil
}

var requestID atomic.Int64

// serve is the API itself; it knows nothing about CORS.
func (a *API) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Request-Id", strconv.FormatInt(requestID.Add(1), 10))
	reply := map[string]any{"method": r.Method, "path": r.URL.Path}
	switch {
	case r.Method == http.MethodPut:
		var body any
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&body); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]any{"error": "body is not JSON: " + err.Error()})
			return
		}
		reply["received"] = body
		reply["token"] = r.Header.Get("X-Demo-Token")
		reply["preflights_seen"] = a.preflights.Load()
	case r.Method == http.MethodGet:
		reply["message"] = "hello from the API"
		if c, err := r.Cookie("demo"); err == nil {
			reply["cookie"] = c.Value
		}
	default:
		writeJSON(w, http.StatusMethodNotAllowed, map[string]any{"error": "GET or PUT"})
		return
	}
	writeJSON(w, http.StatusOK, reply)
}

func (d *Demo) pageHandler() http.Handler {
	sub, _ := fs.Sub(static, "static")
	mux := http.NewServeMux()
	mux.HandleFunc("GET /config.json", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"api": d.APIURL, "page": d.PageURL, "scenarios": d.Scenarios()})
	})
	mux.HandleFunc("GET /predict/{id}", d.servePrediction)
	mux.HandleFunc("GET /same/hello", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"message": "hello from the page's own origin"})
	})
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent) // keeps a 404 out of the console
	})
	mux.Handle("GET /", http.FileServerFS(sub))
	return mux
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
