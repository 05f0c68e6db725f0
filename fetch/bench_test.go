package fetch_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/corskit/corskit/cors"
	"github.com/corskit/corskit/corstest"
	"github.com/corskit/corskit/fetch"
)

// benchAPI is the API the fetch benchmarks and TestFetchAllocs call: the
// cors middleware (page's origin, credentials, PUT, Content-Type, X-Id
// exposed) around a handler that sets X-Id, and a credentialed PUT with
// Content-Type to it, which needs a preflight.
func benchAPI(tb testing.TB) (http.Handler, fetch.Request) {
	tb.Helper()
	mw, err := cors.New(cors.Config{
		AllowedOrigins: []string{page.String()}, AllowCredentials: true,
		AllowedMethods: []string{"PUT"}, AllowedHeaders: []string{"Content-Type"},
		ExposedHeaders: []string{"X-Id"},
	})
	if err != nil {
		tb.Fatal(err)
	}
	h := mw.Wrap(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Header().Set("X-Id", "1") }))
	put := fetch.Request{Origin: page, Method: "PUT", URL: "https://api.example.com/x",
		Headers: []fetch.Header{{Name: "Content-Type", Value: "application/json"}}, Credentials: fetch.CredentialsInclude}
	return h, put
}

// BenchmarkFetch is a full in-process check against a handler behind the
// cors middleware: classification, preflight (or cache hit), actual
// request, CORS check and exposed headers. The handler's own cost is
// included; no socket is involved.
func BenchmarkFetch(b *testing.B) {
	h, put := benchAPI(b)
	for _, bc := range []struct {
		name string
		req  fetch.Request
	}{
		{"simple-get", fetch.Request{Origin: page, URL: "https://api.example.com/x"}},
		{"preflight+actual", func() fetch.Request { r := put; r.Cache = fetch.CacheNoStore; return r }()},
		{"cached-preflight+actual", put},
	} {
		b.Run(bc.name, func(b *testing.B) {
			br := &fetch.Browser{Transport: corstest.HandlerTransport(h)}
			b.ReportAllocs()
			for b.Loop() {
				res, err := br.Fetch(context.Background(), bc.req)
				if err != nil || !res.Allowed() {
					b.Fatal(err, res.Err)
				}
			}
		})
	}
}

// BenchmarkFetchParallel is BenchmarkFetch/preflight+actual under
// b.RunParallel: each goroutine a Browser of its own, as parallel tests
// each have their Page, all through one middleware and handler. With -cpu
// it shows whether anything the fetches share (package state, the
// middleware's policy) serialises them.
func BenchmarkFetchParallel(b *testing.B) {
	h, req := benchAPI(b)
	req.Cache = fetch.CacheNoStore
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		br := &fetch.Browser{Transport: corstest.HandlerTransport(h)}
		for pb.Next() {
			res, err := br.Fetch(context.Background(), req)
			if err != nil || !res.Allowed() {
				b.Fatal(err, res.Err)
			}
		}
	})
}

// BenchmarkFetchHarness is BenchmarkFetch/preflight+actual's harness alone:
// the same preflight and request, built once, through the cors middleware
// and corstest.HandlerTransport, without the model. BenchmarkFetch minus
// this is the model's own cost.
func BenchmarkFetchHarness(b *testing.B) {
	h, _ := benchAPI(b)
	tr := corstest.HandlerTransport(h)
	pre, _ := http.NewRequest("OPTIONS", "https://api.example.com/x", nil)
	pre.Header = http.Header{"Accept": {"*/*"}, "Access-Control-Request-Method": {"PUT"},
		"Access-Control-Request-Headers": {"content-type"}, "Origin": {page.String()},
		"Pragma": {"no-cache"}, "Cache-Control": {"no-cache"}}
	put, _ := http.NewRequest("PUT", "https://api.example.com/x", nil)
	put.Header = http.Header{"Accept": {"*/*"}, "Content-Type": {"application/json"}, "Origin": {page.String()},
		"Pragma": {"no-cache"}, "Cache-Control": {"no-cache"}}
	b.ReportAllocs()
	for b.Loop() {
		for _, r := range []*http.Request{pre, put} {
			res, err := tr.RoundTrip(r)
			if err != nil || res.Header.Get("Access-Control-Allow-Origin") == "" {
				b.Fatal(err, res.Header)
			}
		}
	}
}

func BenchmarkClassify(b *testing.B) {
	req := fetch.Request{Origin: page, Method: "PUT", URL: "https://api.example.com/x",
		Headers: []fetch.Header{{Name: "Content-Type", Value: "application/json"}, {Name: "X-Api-Key", Value: "k"}}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := fetch.Classify(req, fetch.Chromium); err != nil {
			b.Fatal(err)
		}
	}
}
