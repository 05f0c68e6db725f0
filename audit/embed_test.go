package audit_test

import (
	"context"
	"fmt"
	"io"
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
// Opaque Response Blocking would keep the answer out anyway, as fetch's
// ORB (pinned by the conformance cases TestORB*) decides it from the
// answer's type, nosniff and first bytes: an image, a style sheet pass
// everywhere; JSON is refused by Chromium and Firefox; plain text that
// is no script splits them; WebKit has no ORB.
func TestEmbeddableWithoutCORPWordsORB(t *testing.T) {
	for _, c := range []struct {
		ct, body string
		nosniff  bool
		want     string
	}{
		{"image/png", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", false, "lets image/png through in every engine"},
		{"text/css", "body { color: red }", false, "lets text/css through in every engine"},
		{"application/json", `{"user":"alice"}`, true, "refuses application/json in Chromium (ORB step nosniff-blocklisted) and Firefox (ORB step nosniff-blocklisted), but not in WebKit (no ORB)"},
		{"application/json", `{"user":"alice"}`, false, "refuses application/json in Chromium (ORB step not-script) and Firefox (ORB step not-script), but not in WebKit (no ORB)"},
		{"text/plain", "hello alice", false, "refuses text/plain in Firefox (ORB step not-script), but not in Chromium and WebKit (no ORB)"},
	} {
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if c, err := r.Cookie("sid"); err != nil || c.Value != "alice" {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			w.Header().Set("Content-Type", c.ct)
			if c.nosniff {
				w.Header().Set("X-Content-Type-Options", "nosniff")
			}
			io.WriteString(w, c.body)
		})
		_, f := embedScan(t, h, "sid=alice")
		if f == nil || !strings.Contains(f.Explanation, c.want) {
			t.Errorf("%s nosniff=%v: %+v\nwant %q", c.ct, c.nosniff, f, c.want)
		}
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
