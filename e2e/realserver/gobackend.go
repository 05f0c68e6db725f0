package realserver

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"testing"
	"time"

	chicors "github.com/go-chi/cors"
	"github.com/gorilla/handlers"
	jub0bs "github.com/jub0bs/cors"
	rscors "github.com/rs/cors"

	"github.com/corskit/corskit/cors"
)

// Lib names a Go CORS middleware that GoCORS can put in front of a handler.
type Lib string

// The Go CORS middlewares GoCORS knows, at the versions in e2e/go.mod
// (the same as bench/go.mod).
const (
	Corskit Lib = "corskit"          // github.com/corskit/corskit/cors
	RSCors  Lib = "rs/cors"          // github.com/rs/cors
	Gorilla Lib = "gorilla/handlers" // github.com/gorilla/handlers CORS
	Jub0bs  Lib = "jub0bs/cors"      // github.com/jub0bs/cors
	Chi     Lib = "go-chi/cors"      // github.com/go-chi/cors
)

// Libs lists every Lib, corskit first.
var Libs = []Lib{Corskit, RSCors, Gorilla, Jub0bs, Chi}

// Policy is one CORS policy in terms every Lib understands, mapped onto
// each library's own options the way its documentation says.
type Policy struct {
	Origins     []string
	Methods     []string
	Headers     []string // request headers a preflight may ask for
	Exposed     []string
	Credentials bool
	MaxAge      int // seconds
}

// Wrap puts lib's middleware, configured with p, in front of h.
func Wrap(lib Lib, p Policy, h http.Handler) (http.Handler, error) {
	switch lib {
	case Corskit:
		mw, err := cors.New(cors.Config{
			AllowedOrigins: p.Origins, AllowedMethods: p.Methods, AllowedHeaders: p.Headers,
			ExposedHeaders: p.Exposed, AllowCredentials: p.Credentials,
			MaxAge: time.Duration(p.MaxAge) * time.Second,
		})
		if err != nil {
			return nil, fmt.Errorf("realserver: corskit policy: %w", err)
		}
		return mw.Wrap(h), nil
	case RSCors:
		return rscors.New(rscors.Options{
			AllowedOrigins: p.Origins, AllowedMethods: p.Methods, AllowedHeaders: p.Headers,
			ExposedHeaders: p.Exposed, AllowCredentials: p.Credentials, MaxAge: p.MaxAge,
		}).Handler(h), nil
	case Gorilla:
		opts := []handlers.CORSOption{
			handlers.AllowedOrigins(p.Origins), handlers.AllowedMethods(p.Methods),
			handlers.AllowedHeaders(p.Headers), handlers.ExposedHeaders(p.Exposed),
			handlers.MaxAge(p.MaxAge),
		}
		if p.Credentials {
			opts = append(opts, handlers.AllowCredentials())
		}
		return handlers.CORS(opts...)(h), nil
	case Jub0bs:
		mw, err := jub0bs.NewMiddleware(jub0bs.Config{
			Origins: p.Origins, Methods: p.Methods, RequestHeaders: p.Headers,
			ResponseHeaders: p.Exposed, Credentialed: p.Credentials, MaxAgeInSeconds: p.MaxAge,
		})
		if err != nil {
			return nil, fmt.Errorf("realserver: jub0bs/cors policy: %w", err)
		}
		return mw.Wrap(h), nil
	case Chi:
		return chicors.Handler(chicors.Options{
			AllowedOrigins: p.Origins, AllowedMethods: p.Methods, AllowedHeaders: p.Headers,
			ExposedHeaders: p.Exposed, AllowCredentials: p.Credentials, MaxAge: p.MaxAge,
		})(h), nil
	}
	return nil, fmt.Errorf("realserver: unknown Go CORS library %q", lib)
}

// Go serves h on a free loopback port (an httptest server) until the test
// ends.
func Go(t testing.TB, h http.Handler) *Server {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return &Server{Name: "go", URL: ts.URL, close: ts.Close}
}

// GoCORS serves h behind lib's middleware configured with p.
func GoCORS(t testing.TB, lib Lib, p Policy, h http.Handler) *Server {
	t.Helper()
	wrapped, err := Wrap(lib, p, h)
	if err != nil {
		t.Fatal(err)
	}
	s := Go(t, wrapped)
	s.Name = "go " + string(lib)
	return s
}

// Request is what a Counter records of one request.
type Request struct {
	Method string
	Path   string // with its query
	Origin string
}

// Counter counts the requests that reach a backend, to tell a cache's hits
// (which never reach it) from its misses. Put it outermost, in front of
// any CORS middleware, so that preflights count too. Safe for concurrent
// use.
type Counter struct {
	mu   sync.Mutex
	reqs []Request
}

// Wrap returns h counting into c.
func (c *Counter) Wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.mu.Lock()
		c.reqs = append(c.reqs, Request{Method: r.Method, Path: r.URL.RequestURI(), Origin: r.Header.Get("Origin")})
		c.mu.Unlock()
		h.ServeHTTP(w, r)
	})
}

// Hits returns how many requests arrived.
func (c *Counter) Hits() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.reqs)
}

// Count returns how many requests arrived that match.
func (c *Counter) Count(match func(Request) bool) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, r := range c.reqs {
		if match(r) {
			n++
		}
	}
	return n
}

// Requests returns the requests that arrived, oldest first.
func (c *Counter) Requests() []Request {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Request(nil), c.reqs...)
}

// Reset forgets the requests counted so far.
func (c *Counter) Reset() {
	c.mu.Lock()
	c.reqs = nil
	c.mu.Unlock()
}

// CountingProxy starts a reverse proxy to backend that counts every
// request it forwards: put it between a cache and a backend that is not Go
// (Express, Flask, nginx) to count the cache's misses.
func CountingProxy(t testing.TB, backend string) (*Server, *Counter) {
	t.Helper()
	u, err := url.Parse(backend)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		t.Fatalf("realserver: CountingProxy: backend %q is not an http://host:port URL", backend)
	}
	c := &Counter{}
	s := Go(t, c.Wrap(httputil.NewSingleHostReverseProxy(u)))
	s.Name = "counting proxy"
	return s, c
}
