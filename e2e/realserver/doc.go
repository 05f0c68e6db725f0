// Package realserver starts real third-party servers on loopback for
// corskit's end-to-end tests: nginx, Varnish, Express with the cors npm
// package, Flask with Flask-CORS, and Go servers behind corskit's cors,
// rs/cors or gorilla/handlers.
//
// Every starter takes the test, starts one server on a free port of
// 127.0.0.1, waits until it accepts connections, and returns a [Server]
// whose URL is http://127.0.0.1:PORT. Servers that run as processes get
// their own t.TempDir() for configuration, pid file, logs and cache, touch
// nothing of the machine's own installation, and are stopped (with every
// process they forked) by t.Cleanup. A test that fails logs what its
// servers printed.
//
// A starter never skips: when the binary is missing, or the server exits
// or does not answer within [StartTimeout], it fails the test with a
// message naming the Debian package to install and, for a server that
// started, its own output (so an nginx configuration error reads as nginx
// wrote it). `make test` installs everything through scripts/ensure-deps.sh.
//
// What each starter runs:
//
//   - [NginxHTTP], [Nginx]: Debian's /usr/sbin/nginx with the given http {}
//     snippet or server {} body; {{listen}} and {{dir}} in it are replaced
//     by the address and the temporary directory.
//   - [NginxProxyCache]: nginx as a caching reverse proxy (proxy_cache)
//     in front of a backend; it honours Vary unless told to ignore it, and
//     never caches OPTIONS.
//   - [NginxCORS]: nginx answering with a hand-written CORS configuration
//     in the add_header, if or map form.
//   - [Varnish]: Debian's /usr/sbin/varnishd in front of a backend, with
//     the builtin VCL's caching rules, optionally caching preflights too.
//   - [Express]: Node.js running e2e/node/server.js: Express and the cors
//     package at the versions e2e/node/package-lock.json pins.
//   - [Flask]: /usr/bin/python3 (not the first python3 on $PATH) running
//     Flask with Debian's Flask-CORS.
//   - [Go], [GoCORS]: httptest servers; [GoCORS] puts a [Lib] configured
//     from a library-neutral [Policy] in front of a handler.
//
// A [Counter] counts the requests that reach a backend, so a test can tell
// a cache's hits from its misses: wrap a Go handler with [Counter.Wrap], or
// put a [CountingProxy] in front of a backend that is not Go.
//
// The caching starters mark each response: nginx with X-Cache-Status
// ($upstream_cache_status), Varnish with X-Cache (HIT or MISS).
//
// # Example
//
// A handler behind corskit, behind Varnish; the second request from the
// same origin is a cache hit the backend never sees:
//
//	func TestBehindVarnish(t *testing.T) {
//		var hits realserver.Counter
//		handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
//			w.Header().Set("Cache-Control", "public, max-age=60")
//			io.WriteString(w, "hello")
//		})
//		backend := realserver.GoCORS(t, realserver.Corskit,
//			realserver.Policy{Origins: []string{"https://app.example.com"}}, hits.Wrap(handler))
//		cache := realserver.Varnish(t, backend.URL, realserver.VarnishOptions{})
//		for range 2 {
//			req, _ := http.NewRequest("GET", cache.URL+"/", nil)
//			req.Header.Set("Origin", "https://app.example.com")
//			resp, err := http.DefaultClient.Do(req)
//			if err != nil {
//				t.Fatal(err)
//			}
//			resp.Body.Close()
//		}
//		if hits.Hits() != 1 {
//			t.Errorf("backend saw %d requests, want 1", hits.Hits())
//		}
//	}
//
// Start each server once per test, not once per case: nginx starts in a few
// tens of milliseconds, but Varnish compiles its VCL with gcc (about a
// second) and Node.js takes about as long.
package realserver
