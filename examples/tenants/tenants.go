// Command tenants serves one API to several tenants, each on its own host
// with its own allowed origins, read from a config file that is watched
// and applied while the server runs.
//
// The safe pattern is one cors.Middleware per tenant, chosen by the Host
// of the request, each updated with Middleware.Reconfigure when the file
// changes. Every response then depends only on the request's URL (which
// holds the host, and which every cache keys on) and on Origin (which the
// middleware declares in Vary). A callback that decides from arbitrary
// request data (a cookie, a header, a database row) has a Vary that nobody
// knows, and a shared cache serves one tenant's answer to another's page
// (rs/cors issue 157). corskit's Config has no such callback, on purpose.
//
//	go run ./tenants -config tenants.json
//
// with tenants.json:
//
//	{"tenants": {
//	  "api.acme.example":   {"allowed_origins": ["https://app.acme.example"]},
//	  "api.globex.example": {"allowed_origins": ["https://globex.example", "https://*.globex.example"]}
//	}}
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/corskit/corskit/cors"
)

// fileConfig is the config file: the allowed origins of each tenant, by
// the host name its API is served on.
type fileConfig struct {
	Tenants map[string]struct {
		AllowedOrigins   []string `json:"allowed_origins"`
		AllowCredentials bool     `json:"allow_credentials"`
	} `json:"tenants"`
}

// Tenants routes each request to its tenant's middleware by Host.
type Tenants struct {
	app     http.Handler
	mu      sync.Mutex // serialises Load
	tenants atomic.Pointer[map[string]*tenant]
}

type tenant struct {
	mw      *cors.Middleware
	handler http.Handler
}

// NewTenants serves app, behind each tenant's CORS policy once Load has
// read them.
func NewTenants(app http.Handler) *Tenants {
	t := &Tenants{app: app}
	t.tenants.Store(&map[string]*tenant{})
	return t
}

// policy is a tenant's Config: what varies per tenant comes from the
// file, the rest is the API's.
func policy(origins []string, credentials bool) cors.Config {
	return cors.Config{
		AllowedOrigins:   origins,
		AllowCredentials: credentials,
		AllowedMethods:   []string{http.MethodPut, http.MethodDelete},
		AllowedHeaders:   []string{"Content-Type", "Authorization"},
		MaxAge:           10 * time.Minute,
	}
}

// Load applies a config file's contents. Either every tenant's policy is
// valid and all of them apply, or none does and the error names each
// problem: a typo in one tenant never leaves another half-updated.
func (t *Tenants) Load(data []byte) error {
	var fc fileConfig
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&fc); err != nil {
		return fmt.Errorf("tenants config: %w", err)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	old := *t.tenants.Load()
	next := make(map[string]*tenant, len(fc.Tenants))
	var errs []error
	for host, tc := range fc.Tenants {
		cfg := policy(tc.AllowedOrigins, tc.AllowCredentials)
		// New validates; for an existing tenant its result is only a check,
		// and Reconfigure below swaps the policy in place.
		mw, err := cors.New(cfg)
		if err != nil {
			errs = append(errs, fmt.Errorf("tenant %q: %w", host, err))
			continue
		}
		if prev, ok := old[strings.ToLower(host)]; ok {
			next[strings.ToLower(host)] = prev
		} else {
			next[strings.ToLower(host)] = &tenant{mw: mw, handler: mw.Wrap(t.app)}
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	for host, tc := range fc.Tenants {
		if tn := old[strings.ToLower(host)]; tn != nil {
			if err := tn.mw.Reconfigure(policy(tc.AllowedOrigins, tc.AllowCredentials)); err != nil {
				return fmt.Errorf("tenant %q: %w", host, err) // validated above: cannot happen
			}
		}
	}
	t.tenants.Store(&next)
	return nil
}

// ServeHTTP picks the tenant by the request's host; an unknown host gets a
// 404 with no CORS header.
func (t *Tenants) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	tn := (*t.tenants.Load())[strings.ToLower(host)]
	if tn == nil {
		http.NotFound(w, r)
		return
	}
	tn.handler.ServeHTTP(w, r)
}

// Watch reloads path every interval until ctx ends, whenever its contents
// change; a bad file is reported with logf and the policies stay as they
// were. Polling needs no dependency and works on every file system,
// including mounted Kubernetes ConfigMaps, whose updates are symlink swaps.
func (t *Tenants) Watch(ctx context.Context, path string, interval time.Duration, logf func(string, ...any)) {
	var last []byte
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		data, err := os.ReadFile(path)
		switch {
		case err != nil:
			logf("tenants: %v (keeping the current policies)", err)
		case !bytes.Equal(data, last):
			if err := t.Load(data); err != nil {
				logf("tenants: %s: %v (keeping the current policies)", path, err)
			} else {
				logf("tenants: loaded %s", path)
			}
			last = data
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

func main() {
	path := flag.String("config", "tenants.json", "the tenants config file, watched for changes")
	flag.Parse()
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, "{\"tenant\":%q}\n", r.Host)
	})
	t := NewTenants(app)
	data, err := os.ReadFile(*path)
	if err != nil {
		log.Fatal(err)
	}
	if err := t.Load(data); err != nil {
		log.Fatal(err)
	}
	go t.Watch(context.Background(), *path, 2*time.Second, log.Printf)
	log.Fatal(http.ListenAndServe("localhost:8080", t))
}
