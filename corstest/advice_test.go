package corstest_test

import (
	"context"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/corskit/corskit/cors"
	"github.com/corskit/corskit/corstest"
	"github.com/corskit/corskit/explain"
	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/origin"
)

// The advice property: for random blocked calls, to servers behind random
// valid cors.Configs or to servers with no CORS at all, the configuration
// the diagnosis suggests (the server's, with every Fix's Change applied)
// is accepted by cors.New, and with it the call passes.

var (
	adOrigins = []string{
		"https://app.example.com", "http://app.example.com", "http://localhost:3000", "http://127.0.0.1:8080",
		"http://[::1]:8080", "https://xn--bcher-kva.example", "https://evil.example",
	}
	adMethods = []string{"GET", "POST", "PUT", "put", "DELETE", "PATCH", "patch", "FOO", "OPTIONS",
		"M" + strings.Repeat("x", 70), // longer than any usual method
	}
	adHeaders = [][2]string{{"X-A", "1"}, {"Content-Type", "application/json"}, {"Authorization", "Bearer t"},
		{"X-" + strings.Repeat("y", 130), "1"}, {"Accept", strings.Repeat("a", 200)}}
)

func adConfig(r *rand.Rand) cors.Config {
	c := rtConfig(r)
	if r.IntN(3) == 0 {
		// An insecure origin, as a page on plain http would need.
		c.AllowedOrigins = []string{adOrigins[1+r.IntN(2)]}
		if c.AllowCredentials {
			c.UnsafeAllowInsecureOriginsWithCredentials = true
		}
	}
	return c
}

func adRequest(r *rand.Rand) fetch.Request {
	return randomRequest(r, adOrigins, adMethods, adHeaders)
}

// apply returns c with the change made.
func apply(c cors.Config, ch *explain.ConfigChange) cors.Config {
	switch {
	case len(ch.AddOrigins) == 0:
	case ch.ReplaceAnyOrigin:
		c.AllowedOrigins = slices.DeleteFunc(slices.Clone(c.AllowedOrigins), func(o string) bool { return o == "*" })
		c.AllowedOrigins = append(c.AllowedOrigins, ch.AddOrigins...)
	case !slices.Contains(c.AllowedOrigins, "*"):
		c.AllowedOrigins = append(slices.Clone(c.AllowedOrigins), ch.AddOrigins...)
	}
	if !slices.Contains(c.AllowedMethods, "*") {
		c.AllowedMethods = append(slices.Clone(c.AllowedMethods), ch.AddMethods...)
	}
	if !slices.Contains(c.AllowedHeaders, "*") {
		c.AllowedHeaders = append(slices.Clone(c.AllowedHeaders), ch.AddHeaders...)
	}
	c.AllowCredentials = c.AllowCredentials || ch.AllowCredentials
	c.UnsafeAllowNullOrigin = c.UnsafeAllowNullOrigin || ch.UnsafeAllowNullOrigin
	c.UnsafeAllowInsecureOriginsWithCredentials = c.UnsafeAllowInsecureOriginsWithCredentials || ch.UnsafeAllowInsecureOriginsWithCredentials
	return c
}

func TestAdviceConfigsAreAccepted(t *testing.T) {
	r := rand.New(rand.NewPCG(2026, 12))
	handler := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {})
	blocked, changed := 0, 0
	for i := range 3000 {
		// Most servers run the middleware; some have no CORS at all (the
		// suggested configuration is then the changes alone).
		var cfg cors.Config
		var h http.Handler = handler
		if i%5 != 0 {
			cfg = adConfig(r)
			mw, err := cors.New(cfg)
			if err != nil {
				t.Fatalf("generated an invalid config %+v: %v", cfg, err)
			}
			h = mw.Wrap(handler)
		}
		req := adRequest(r)
		res, err := (&fetch.Browser{Transport: corstest.HandlerTransport(h)}).Fetch(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		if res.Allowed() {
			continue
		}
		blocked++
		d := explain.Explain(res)
		suggested := cfg
		n, insecure, credentials := 0, false, false
		for _, f := range d.Fixes {
			if f.Change != nil {
				suggested = apply(suggested, f.Change)
				insecure = insecure || f.Change.InsecureOrigin
				credentials = credentials || f.Change.AllowCredentials
				n++
				if f.Config != f.Change.String() {
					t.Fatalf("Config %q does not say Change %q", f.Config, f.Change.String())
				}
			}
		}
		if n == 0 {
			continue // nothing to change in cors.Config (a client-side fix)
		}
		changed++
		if suggested.AllowCredentials && (insecure || credentials && slices.ContainsFunc(suggested.AllowedOrigins, isInsecure)) {
			// The condition ConfigChange leaves to the reader, who knows
			// the configuration.
			suggested.UnsafeAllowInsecureOriginsWithCredentials = true
		}
		mw, err := cors.New(suggested)
		if err != nil {
			t.Fatalf("the advice suggests a config cors.New rejects:\nserver config %+v\nrequest %+v\nfixes %+v\nsuggested %+v\n%v",
				cfg, req, d.Fixes, suggested, err)
		}
		// And with the suggested configuration, the call passes, unless no
		// configuration can let it: cors.Config documents that a method
		// over 64 bytes never passes a preflight.
		if cls := res.Classification; len(cls.UnsafeMethod) > 64 {
			continue
		}
		res, err = (&fetch.Browser{Transport: corstest.HandlerTransport(mw.Wrap(handler))}).Fetch(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		if !res.Allowed() {
			t.Fatalf("the suggested config does not let the call pass:\nserver config %+v\nrequest %+v\nfixes %+v\nsuggested %+v\n%s",
				cfg, req, d.Fixes, suggested, corstest.Explain(res))
		}
	}
	t.Logf("%d blocked calls, %d with a cors.Config change", blocked, changed)
	if changed < 300 {
		t.Errorf("the generator is lopsided: only %d calls with a change", changed)
	}
}

// isInsecure reports whether an AllowedOrigins entry is on plain http and
// not on a loopback host.
func isInsecure(o string) bool {
	p, err := origin.ParsePattern(o)
	return err == nil && !p.IsOpaque() && p.Scheme() == "http" && !origin.IsLoopbackHost(p.Host())
}
