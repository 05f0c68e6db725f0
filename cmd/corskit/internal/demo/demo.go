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
	"strings"
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
	// Timeouts bound both servers' connections; zero means
	// loopback.DefaultTimeouts.
	Timeouts loopback.Timeouts
}

// The servers' names, as a *loopback.ListenError reports them.
const (
	PageServer = "page server"
	APIServer  = "API server"
)

// Demo is the pair of servers. Create it with Listen, then Serve.
type Demo struct {
	APIURL  string // e.g. http://localhost:41234
	PageURL string // e.g. http://127.0.0.1:41235

	api, web  *loopback.Server
	sample    *API
	token     string            // the page's, for /predict
	transport http.RoundTripper // the model's, for predictions
}

// Listen opens both listeners and builds the handlers; nothing is served yet.
func Listen(opts Options) (*Demo, error) {
	ss, err := loopback.ListenAll([]string{PageServer, APIServer},
		[]string{"127.0.0.1", "localhost"}, []int{opts.WebPort, opts.APIPort})
	if err != nil {
		return nil, err
	}
	if opts.Timeouts != (loopback.Timeouts{}) {
		for _, s := range ss {
			s.SetTimeouts(opts.Timeouts)
		}
	}
	d := &Demo{PageURL: ss[0].URL, APIURL: ss[1].URL, web: ss[0], api: ss[1],
		token: loopback.NewToken(), transport: predictionTransport{loopback.Transport()}}
	// The page may be opened under either name of the loopback address;
	// the API allows both (see pageHandler).
	if d.sample, err = NewAPI(d.web.Origins()...); err != nil {
		loopback.Close(ss...)
		return nil, err
	}
	d.api.Handle(d.sample.Guard(d.api.Port))
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

// policies returns the API's policies for pages on the given origins: the
// correct one, and one mistake per misconfigured endpoint, each a classic.
func policies(pages []string) (good, wrongOrigin, missingHeader, noCredentials cors.Config) {
	good = cors.Config{
		AllowedOrigins:        pages,
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
		AllowedOrigins: pages,
		AllowedMethods: []string{http.MethodPut},
		AllowedHeaders: []string{"Content-Type"},
	}
	// The origin is right, but credentials were never allowed.
	noCredentials = cors.Config{AllowedOrigins: pages}
	return
}

// maxAPIBody bounds a request body to the sample API.
const maxAPIBody = 64 << 10

// endpoints are the sample API's routes, in the order its root lists them.
var endpoints = []struct {
	prefix, about string
}{
	{"/api/good/", "the correct policy: this page's origin, PUT, Content-Type and X-Demo-Token, credentials, X-Request-Id exposed"},
	{"/api/bad/hello", "wrong allowed origin: only http://localhost:3000, a dev server's"},
	{"/api/bad/items/", "preflight allows Content-Type but not X-Demo-Token"},
	{"/api/bad/me", "right origin, credentials never allowed"},
}

// NewAPI builds the sample API for pages on the given origins (a page
// server's under both loopback names).
func NewAPI(pages ...string) (*API, error) {
	a := &API{}
	good, wrongOrigin, missingHeader, noCredentials := policies(pages)
	mux := http.NewServeMux()
	for i, cfg := range []cors.Config{good, wrongOrigin, missingHeader, noCredentials} {
		mw, err := cors.New(cfg)
		if err != nil {
			return nil, fmt.Errorf("demo: policy for %s: %w", endpoints[i].prefix, err)
		}
		mux.Handle(endpoints[i].prefix, mw.Wrap(http.HandlerFunc(a.serve)))
	}
	// The root says what there is, rather than a bare 404 to whoever
	// opens the API's URL.
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		list := make([]map[string]string, len(endpoints))
		for i, e := range endpoints {
			list[i] = map[string]string{"path": e.prefix, "policy": e.about}
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"about":     "corskit's sample API: one correct CORS policy and three classic mistakes, for the demo page to call",
			"endpoints": list,
		})
	})
	// Count preflights before the middleware answers them, so the page can
	// show that one happened: JavaScript never sees a preflight.
	a.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" && r.Header.Get(predictionHeader) == "" {
			a.preflights.Add(1)
		}
		mux.ServeHTTP(w, r)
	})
	return a, nil
}

// predictionHeader marks the requests the demo's model sends to predict a
// scenario, so that the API's counter counts the browser's preflights
// only. A browser puts no header of its own choosing on a preflight, so
// only the model's carry it; the CORS middleware ignores it.
const predictionHeader = "Corskit-Prediction"

// predictionTransport is the model's transport: every request marked.
type predictionTransport struct{ *http.Transport }

func (t predictionTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set(predictionHeader, "1")
	return t.Transport.RoundTrip(r)
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

// Guard returns the API behind loopback's guard for a server on port:
// Host checked, bodies bounded, nosniff and a CSP on every answer. It
// sends no Cross-Origin-Resource-Policy: the API is meant to be called
// from another origin, CORP does not apply to CORS-mode fetches anyway, and
// on a no-cors call (the playground's mode menu) a CORP header would make
// Chromium fail a call that corskit's model, which does not model CORP,
// predicts as an opaque success. Its answers are not secret.
func (a *API) Guard(port int) http.Handler {
	return loopback.Guard{Port: port, MaxBody: maxAPIBody}.Wrap(a)
}

// pageHandler serves the page and its endpoints behind the guard. The page
// works under either name of the loopback address: its origin is the one
// the browser used (loopback.Origin), and the API is addressed under the
// other name, so page and API stay different sites.
func (d *Demo) pageHandler() http.Handler {
	sub, _ := fs.Sub(static, "static")
	mux := http.NewServeMux()
	mux.Handle("GET /config.json", loopback.SameOrigin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page, api := loopback.Origin(r), loopback.PeerURL(r, d.api.Port)
		writeJSON(w, http.StatusOK, map[string]any{"api": api, "page": page, "token": d.token, "scenarios": d.scenarios(page, api)})
	})))
	mux.Handle("GET /predict/{id}", loopback.API(d.token, http.HandlerFunc(d.servePrediction)))
	mux.HandleFunc("GET /same/hello", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"message": "hello from the page's own origin"})
	})
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent) // keeps a 404 out of the console
	})
	mux.Handle("GET /", http.FileServerFS(sub))
	// The page calls its own server and the API, under either name.
	csp := "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self' " +
		strings.Join(d.api.Origins(), " ") + "; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
	return loopback.Guard{Port: d.web.Port, CSP: csp, CORP: "same-origin", MaxBody: 4 << 10}.Wrap(mux)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
