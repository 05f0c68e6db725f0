package audit_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/corskit/corskit/audit"
)

// userData answers /me: the user's data to the session cookie, a login
// redirect (or, with anonBody, another 200) to anyone else, with corp as
// its Cross-Origin-Resource-Policy ("" none). It records the requests
// that carry fetch metadata, which only the embed probe sends.
type userData struct {
	corp, contentType string
	anonBody          string // "": anonymous users get a 302 to /login
	counter           bool   // the anonymous body changes on every request
	n                 atomic.Int64
	mu                sync.Mutex
	embeds            []http.Header
}

func (s *userData) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Sec-Fetch-Mode") != "" {
		s.mu.Lock()
		s.embeds = append(s.embeds, r.Header.Clone())
		s.mu.Unlock()
	}
	if s.corp != "" {
		w.Header().Set("Cross-Origin-Resource-Policy", s.corp)
	}
	w.Header().Set("Content-Type", s.contentType)
	if c, err := r.Cookie("sid"); err == nil && c.Value == "alice" {
		fmt.Fprint(w, `{"user":"alice","email":"alice@example.com"}`)
		return
	}
	switch {
	case s.counter:
		fmt.Fprintf(w, `{"visit":%d}`, s.n.Add(1))
	case s.anonBody != "":
		fmt.Fprint(w, s.anonBody)
	default:
		http.Redirect(w, r, "/login", http.StatusFound)
	}
}

func embedScan(t *testing.T, h http.Handler, cookie string) (audit.Result, *audit.Finding) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	res := audit.New(audit.Options{Timeout: 5 * time.Second}).Scan(context.Background(), audit.Target{URL: srv.URL + "/me", Cookie: cookie})
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	for i, f := range res.Findings {
		if f.ID == audit.EmbeddableWithoutCORP {
			return res, &res.Findings[i]
		}
	}
	return res, nil
}

// TestEmbeddableWithoutCORP: an answer that holds the user's data (it
// differs with the cookie) and has no CORP that refuses another site is
// info embeddable-without-corp, with both answers as evidence; CORP
// same-origin or same-site ends it, and so does an answer that is the
// same without the cookie, or whose body changes by itself. The probe is
// an <img> load from the attacker's site, as Chromium sends it: GET,
// Sec-Fetch-Mode: no-cors, Sec-Fetch-Dest: image, no Origin; the cookie's
// value is never shown. Before, the audit had no such class.
func TestEmbeddableWithoutCORP(t *testing.T) {
	for _, c := range []struct {
		name   string
		srv    *userData
		cookie string
		want   bool
		sends  int // the embed probe's requests
	}{
		{"no CORP, redirect without the cookie", &userData{contentType: "application/json"}, "sid=alice", true, 2},
		{"no CORP, another body without the cookie", &userData{contentType: "application/json", anonBody: `{"user":null}`}, "sid=alice", true, 3},
		{"CORP cross-origin", &userData{corp: "cross-origin", contentType: "image/png"}, "sid=alice", true, 2},
		{"CORP not a value", &userData{corp: "same-origin, same-site", contentType: "application/json"}, "sid=alice", true, 2},
		{"CORP same-origin", &userData{corp: "same-origin", contentType: "application/json"}, "sid=alice", false, 1},
		{"CORP same-site", &userData{corp: "same-site", contentType: "application/json"}, "sid=alice", false, 1},
		{"the same answer without the cookie", &userData{contentType: "application/json", anonBody: `{"user":"alice","email":"alice@example.com"}`}, "sid=alice", false, 2},
		{"a body that changes by itself", &userData{contentType: "application/json", counter: true}, "sid=alice", false, 3},
		{"a cookie the server does not know", &userData{contentType: "application/json"}, "sid=mallory", false, 1},
		{"no cookie given", &userData{contentType: "application/json"}, "", false, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, f := embedScan(t, c.srv, c.cookie)
			if (f != nil) != c.want {
				t.Fatalf("finding %+v, want %v", f, c.want)
			}
			if len(c.srv.embeds) != c.sends {
				t.Errorf("the embed probe sent %d requests, want %d", len(c.srv.embeds), c.sends)
			}
			for i, h := range c.srv.embeds {
				// A loopback URL is potentially trustworthy: fetch metadata goes.
				if h.Get("Sec-Fetch-Dest") != "image" || h.Get("Sec-Fetch-Site") != "cross-site" || h.Get("Origin") != "" ||
					!strings.HasPrefix(h.Get("Accept"), "image/") {
					t.Errorf("embed request %d is not an <img>'s from another site: %v", i, h)
				}
				if withCookie := h.Get("Cookie") != ""; withCookie != (i == 0) {
					t.Errorf("embed request %d: cookie %v, want it on the first only", i, withCookie)
				}
			}
			if res.Requests["GET"] < c.sends {
				t.Errorf("requests %v do not count the embed probe's %d GETs", res.Requests, c.sends)
			}
			if f == nil {
				return
			}
			if f.Severity != audit.Info || !f.Credentials || f.Followup == nil || f.Evidence.Method != "GET" {
				t.Errorf("finding %+v", f)
			}
			if got := f.Evidence.RequestHeaders.Get("Cookie"); got == "" || strings.Contains(got, "alice") {
				t.Errorf("evidence shows the cookie as %q", got)
			}
			if !strings.Contains(f.Fix.Headers, "Cross-Origin-Resource-Policy: same-origin") {
				t.Errorf("fix %q", f.Fix.Headers)
			}
		})
	}
}

// TestEmbeddableWithoutCORPWordsORB: the explanation says which engines'
// ORB would keep the answer out anyway, by its type: not an image's, a
// script's or a style sheet's; JSON with nosniff in Chromium and Firefox
// but not WebKit.
func TestEmbeddableWithoutCORPWordsORB(t *testing.T) {
	for ct, want := range map[string]string{
		"image/png":                       "ORB lets image/png through in every engine",
		"text/javascript; charset=utf-8":  "ORB lets text/javascript through in every engine",
		"text/css":                        "ORB lets text/css through in every engine",
		"application/json; charset=utf-8": "ORB decides application/json by its bytes",
		"text/html":                       "ORB decides text/html by its bytes",
		"application/pdf":                 "Whether ORB refuses application/pdf depends",
	} {
		_, f := embedScan(t, &userData{contentType: ct}, "sid=alice")
		if f == nil || !strings.Contains(f.Explanation, want) {
			t.Errorf("%s: %+v, want %q", ct, f, want)
		}
	}
	nosniff := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		(&userData{contentType: "application/json"}).ServeHTTP(w, r)
	})
	_, f := embedScan(t, nosniff, "sid=alice")
	if f == nil || !strings.Contains(f.Explanation, "Chromium's and Firefox's Opaque Response Blocking refuse application/json with X-Content-Type-Options: nosniff") ||
		!strings.Contains(f.Explanation, "WebKit has no ORB") {
		t.Errorf("nosniff: %+v", f)
	}
}

// TestEmbeddableWithoutCORPStackFix: the fix is the recognised stack's
// own CORP line, as stacks.CORPSnippets writes it for the COEP gate.
func TestEmbeddableWithoutCORPStackFix(t *testing.T) {
	express := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Powered-By", "Express")
		(&userData{contentType: "application/json"}).ServeHTTP(w, r)
	})
	_, f := embedScan(t, express, "sid=alice")
	if f == nil || f.Fix.Stack != `Express with helmet (its default is same-origin): app.use(helmet.crossOriginResourcePolicy({ policy: "same-origin" }));` {
		t.Fatalf("%+v", f)
	}
}
