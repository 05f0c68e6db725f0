package e2e

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/corskit/corskit/e2e/cli"
	"github.com/corskit/corskit/e2e/realserver"
)

// The audit behind a shared cache whose key ignores the query string (a
// common CDN setting; nginx proxy_cache_key $scheme$proxy_host$uri;
// Varnish hashing the path alone): the cache-buster does nothing there.
// In front is a backend that reflects any origin with credentials and no
// Vary, cacheable for a minute, and the real front end has just fetched
// the URL, so the cache holds its answer. The audit must notice, from two
// anonymous GETs, before it sends anything with an Origin; say so in a
// finding (never "clean": the answers are the cache's); and leave the
// front end its own answer.
//
// Before the check, on nginx 1.22.1 and Varnish 7.1: with the $uri key
// every probe was a HIT on the front end's entry and the audit reported
// nothing (exit 0, "clean") for a server that reflects any origin with
// credentials; with proxy_cache_bypass $http_pragma as well (the form of
// nginx's documentation) every probe's Pragma: no-cache refetched and
// replaced the entry, and the front end then got another origin's answer.
func TestAuditCacheKeyIgnoresQuery(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	bin := cli.Build(ctx, t)
	const varnishVCL = `vcl 4.1;
backend default { .host = "{{backend_host}}"; .port = "{{backend_port}}"; }
sub vcl_hash {
    # The path without its query, as many CDN configurations key.
    hash_data(regsub(req.url, "\?.*$", ""));
    hash_data(req.http.host);
    return (lookup);
}
sub vcl_deliver {
    if (obj.hits > 0) { set resp.http.X-Cache = "HIT"; } else { set resp.http.X-Cache = "MISS"; }
}
`
	for _, tc := range []struct {
		name  string
		start func(backend string) *realserver.Server
	}{
		{"nginx proxy_cache_key $uri", func(b string) *realserver.Server {
			return realserver.NginxProxyCache(t, b, realserver.NginxCacheOptions{Location: `proxy_cache_key $scheme$proxy_host$uri;`})
		}},
		{"nginx proxy_cache_key $uri, proxy_cache_bypass $http_pragma", func(b string) *realserver.Server {
			return realserver.NginxProxyCache(t, b, realserver.NginxCacheOptions{Location: `proxy_cache_key $scheme$proxy_host$uri;
            proxy_cache_bypass $http_pragma;`})
		}},
		{"Varnish hashing the path alone", func(b string) *realserver.Server {
			return realserver.Varnish(t, b, realserver.VarnishOptions{VCL: varnishVCL})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &realserver.Counter{}
			backend := realserver.Go(t, c.Wrap(reflectingBackend()))
			cache := tc.start(backend.URL)
			port := cache.URL[strings.LastIndex(cache.URL, ":")+1:]
			host := "api.victim.example:" + port
			if acao, _ := frontEndFetch(t, cache.URL+"/api", host); acao != frontEnd {
				t.Fatalf("the front end's own request got %q", acao)
			}
			if _, status := frontEndFetch(t, cache.URL+"/api?other=1", host); status != "HIT" {
				t.Fatalf("the cache's key keeps the query (cache status %q): the setup is wrong", status)
			}
			c.Reset()
			target := "http://" + host + "/api"
			out, errOut := runCLI(ctx, t, bin, "audit", target, "--rate", "0", "--format", "json", "--resolve", "api.victim.example:"+port+":127.0.0.1")
			var doc struct {
				Probes    int
				Findings  []struct{ ID, Severity string }
				Endpoints []struct {
					Partial  string
					Requests map[string]int
				}
			}
			if err := json.Unmarshal(out, &doc); err != nil {
				t.Fatalf("%v\n%s\n%s", err, out, errOut)
			}
			var ids []string
			for _, f := range doc.Findings {
				ids = append(ids, f.ID+" "+f.Severity)
			}
			if len(doc.Findings) == 0 || doc.Findings[0].ID != "cache-ignores-query" || doc.Findings[0].Severity != "low" {
				t.Errorf("findings %v: want cache-ignores-query (low): the answers were the cache's", ids)
			}
			if len(doc.Endpoints) != 1 || !strings.Contains(doc.Endpoints[0].Partial, "shared cache ignores the query string: audit limited, to avoid poisoning") {
				t.Fatalf("endpoints %+v", doc.Endpoints)
			}
			// The cache-key check's anonymous GETs, nothing else.
			if rq := doc.Endpoints[0].Requests; len(rq) != 1 || rq["GET"] < 1 || rq["GET"] > 2 {
				t.Errorf("requests by method %v: want the cache-key check's one or two GETs only", rq)
			}
			if n := c.Count(func(r realserver.Request) bool { return r.Origin != "" }); n > 0 {
				t.Errorf("%d requests with an Origin reached the backend through the cache", n)
			}
			if acao, status := frontEndFetch(t, cache.URL+"/api", host); acao != frontEnd {
				t.Errorf("after the audit the front end gets Access-Control-Allow-Origin %q (cache %s), want its own %q", acao, status, frontEnd)
			}
			t.Logf("%d requests sent; findings %v", doc.Probes, ids)
		})
	}
}

// frontEndFetch is the front end's own request for u, with the Host the
// audit names (Varnish keys on it), and the answer's Allow-Origin and
// cache status.
func frontEndFetch(t *testing.T, u, host string) (string, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	req.Host = host
	req.Header.Set("Origin", frontEnd)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	io.Copy(io.Discard, res.Body)
	return res.Header.Get("Access-Control-Allow-Origin"), res.Header.Get("X-Cache-Status") + res.Header.Get("X-Cache")
}
