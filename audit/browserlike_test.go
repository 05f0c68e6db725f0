package audit_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/corskit/corskit/audit"
	"github.com/corskit/corskit/cors"
)

// seenRequest is one request a server got, and what it answered.
type seenRequest struct {
	method, origin, cookie string
	status                 int
	acao, acac             string
}

// recorder serves h and keeps every request and its answer.
type recorder struct {
	h    http.Handler
	mu   sync.Mutex
	seen []seenRequest
}

func (rc *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	sw := &statusWriter{ResponseWriter: w, status: 200}
	rc.h.ServeHTTP(sw, r)
	rc.mu.Lock()
	rc.seen = append(rc.seen, seenRequest{r.Method, r.Header.Get("Origin"), r.Header.Get("Cookie"), sw.status,
		w.Header().Get("Access-Control-Allow-Origin"), w.Header().Get("Access-Control-Allow-Credentials")})
	rc.mu.Unlock()
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(c int) { s.status = c; s.ResponseWriter.WriteHeader(c) }

// A state-changing method is sent only where a browser would send it:
// after a preflight from the same origin that allowed it, with the
// user's cookie only when the preflight allowed credentials, and never
// from an Origin no browser sends (the header-injection probes). The
// server is corskit's middleware, which refuses other origins' preflights
// with 403. Before this rule the audit sent 96 DELETEs with the cookie,
// 91 of them after a 403 preflight for the same origin.
func TestStateChangingMethodOnlyAfterAllowingPreflight(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  cors.Config
		want int // DELETEs a browser would send: the origins whose preflight allows it
	}{
		{"one trusted origin, credentials", cors.Config{AllowedOrigins: []string{trusted}, AllowedMethods: []string{"DELETE"}, AllowCredentials: true}, 1},
		{"any origin, no credentials", cors.Config{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"DELETE"}}, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rc := &recorder{h: middleware(t, tc.cfg)}
			srv := httptest.NewServer(rc)
			defer srv.Close()
			res := audit.New(audit.Options{Origins: []string{trusted}}).Scan(context.Background(), audit.Target{URL: srv.URL + "/items/1", Method: "DELETE", Cookie: "session=s3cret"})
			if res.Err != nil {
				t.Fatal(res.Err)
			}
			allowed := map[string]seenRequest{} // origin -> its last preflight, when it allowed DELETE
			deletes, withCookie, preflights := 0, 0, 0
			for _, r := range rc.seen {
				switch r.method {
				case http.MethodOptions:
					preflights++
					if r.status/100 == 2 && (r.acao == r.origin || r.acao == "*") {
						allowed[r.origin] = r
					} else {
						delete(allowed, r.origin)
					}
				case "DELETE":
					deletes++
					pre, ok := allowed[r.origin]
					switch {
					case r.origin == "" || strings.ContainsAny(r.origin, "%\r\n"):
						t.Errorf("DELETE with Origin %q: no browser sends it", r.origin)
					case !ok:
						t.Errorf("DELETE from %q without a preflight that allowed it", r.origin)
					case r.cookie != "" && (pre.acao != r.origin || pre.acac != "true"):
						t.Errorf("DELETE from %q with the cookie after a preflight that allowed no credentials", r.origin)
					}
					if r.cookie != "" {
						withCookie++
					}
				}
			}
			if deletes != res.Requests["DELETE"] || preflights != res.Requests[http.MethodOptions] {
				t.Errorf("Result.Requests %v, server saw %d DELETE, %d OPTIONS", res.Requests, deletes, preflights)
			}
			if tc.want >= 0 && deletes != tc.want {
				t.Errorf("%d DELETEs, want %d", deletes, tc.want)
			}
			if tc.want < 0 && withCookie != 0 {
				t.Errorf("%d DELETEs with the cookie, want none (no preflight allowed credentials)", withCookie)
			}
			t.Logf("requests by method: %v (%d DELETEs, %d with the cookie)", res.Requests, deletes, withCookie)
		})
	}
}

// A 3xx that reflects the origin with credentials is followed by the
// browser and never read by the page: it is not "readable with the
// user's cookies", and not high.
func TestRedirectGrantIsNotARead(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if o := r.Header.Get("Origin"); o != "" {
			w.Header().Set("Access-Control-Allow-Origin", o)
			w.Header().Set("Access-Control-Allow-Credentials", "true")
			w.Header().Set("Vary", "Origin")
		}
		http.Redirect(w, r, "/login", http.StatusFound)
	})
	res := scan(t, h, true)
	for _, f := range res.Findings {
		if f.ID == audit.ReflectAnyOrigin || f.ID == audit.NullOrigin {
			if f.Severity != audit.Info || f.Credentials || !strings.Contains(f.Explanation, "a page never reads a redirect response") {
				t.Errorf("%s: %s, credentials %v: %s", f.ID, f.Severity, f.Credentials, f.Explanation)
			}
		}
	}
	if len(ids(res, audit.Info)) == 0 {
		t.Fatal("no finding at all: the reflection on the redirect is not shown")
	}
}

// Under Access-Control-Allow-Origin: * every origin is "allowed": that is
// the wildcard, reported once, not a localhost-origin finding, and the
// origins guessed from the target's name are not an allowlist.
func TestWildcardIsNotAnAllowlist(t *testing.T) {
	res := scan(t, middleware(t, cors.Config{AllowedOrigins: []string{"*"}}), true)
	got := ids(res, audit.Info)
	if _, ok := got[audit.LocalhostOrigin]; ok {
		t.Errorf("localhost-origin reported beside the wildcard: %v", got)
	}
	n := 0
	for _, f := range res.Findings {
		if f.ID == audit.WildcardOrigin {
			n++
		}
		if strings.Contains(f.Fix.Config, "www.example.com") || strings.Contains(f.Fix.Config, "staging.example.com") {
			t.Errorf("%s: the fix lists guessed origins: %s", f.ID, f.Fix.Config)
		}
	}
	if n != 1 || len(res.Allowed) != 0 {
		t.Errorf("%d wildcard-origin findings, allowed %v; findings %v", n, res.Allowed, got)
	}
}
