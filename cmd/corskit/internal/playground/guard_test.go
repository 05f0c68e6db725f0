package playground

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/corskit/corskit/internal/loopback"
)

// token reads the per-run token the page gets from /config.json.
func token(t *testing.T, p *Playground) string {
	t.Helper()
	res, err := http.Get(p.PageURL + "/config.json")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var cfg struct {
		Token string `json:"token"`
	}
	if err := json.NewDecoder(res.Body).Decode(&cfg); err != nil {
		t.Fatal(err)
	}
	return cfg.Token
}

// TestAPIRefusesOtherSites sends /api/check requests as other web pages,
// DNS rebinding and careless clients would, each asking the playground to
// call a sentinel server: each must be refused with its status and a short
// text reason, and the sentinel never reached. The last case, a request as
// the page itself sends it, must go through.
func TestAPIRefusesOtherSites(t *testing.T) {
	p := start(t)
	var reached atomic.Int64
	sentinel := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { reached.Add(1) }))
	defer sentinel.Close()
	tok := token(t, p)
	body := `{"url": "` + sentinel.URL + `/", "origin": "http://a.example"}`
	host := strings.TrimPrefix(p.PageURL, "http://")
	for _, tc := range []struct {
		name   string
		host   string // Host header; "" keeps the URL's
		header map[string]string
		body   string
		status int
		reason string // in the text body
	}{
		{name: "DNS rebinding: foreign Host", host: "attacker.example:" + port(p.PageURL),
			header: map[string]string{"Content-Type": "application/json", "X-Corskit-Token": tok}, status: 403, reason: "Host"},
		{name: "foreign Host, default port", host: "attacker.example",
			header: map[string]string{"Content-Type": "application/json", "X-Corskit-Token": tok}, status: 403, reason: "Host"},
		{name: "right name, wrong port", host: "127.0.0.1:1",
			header: map[string]string{"Content-Type": "application/json", "X-Corskit-Token": tok}, status: 403, reason: "Host"},
		{name: "foreign Origin",
			header: map[string]string{"Content-Type": "application/json", "X-Corskit-Token": tok, "Origin": "http://attacker.example"}, status: 403, reason: "Origin"},
		{name: "Origin null",
			header: map[string]string{"Content-Type": "application/json", "X-Corskit-Token": tok, "Origin": "null"}, status: 403, reason: "Origin"},
		{name: "another port of the same host",
			header: map[string]string{"Content-Type": "application/json", "X-Corskit-Token": tok, "Origin": "http://127.0.0.1:1"}, status: 403, reason: "Origin"},
		{name: "Sec-Fetch-Site cross-site",
			header: map[string]string{"Content-Type": "application/json", "X-Corskit-Token": tok, "Sec-Fetch-Site": "cross-site"}, status: 403, reason: "Sec-Fetch-Site"},
		{name: "Sec-Fetch-Site same-site",
			header: map[string]string{"Content-Type": "application/json", "X-Corskit-Token": tok, "Sec-Fetch-Site": "same-site"}, status: 403, reason: "Sec-Fetch-Site"},
		{name: "no token", header: map[string]string{"Content-Type": "application/json"}, status: 403, reason: "token"},
		{name: "wrong token", header: map[string]string{"Content-Type": "application/json", "X-Corskit-Token": tok + "x"}, status: 403, reason: "token"},
		{name: "text/plain", header: map[string]string{"Content-Type": "text/plain", "X-Corskit-Token": tok}, status: 415, reason: "application/json"},
		{name: "form", header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "X-Corskit-Token": tok}, status: 415, reason: "application/json"},
		{name: "no content type", header: map[string]string{"X-Corskit-Token": tok}, status: 415, reason: "application/json"},
		{name: "body over the bound", header: map[string]string{"Content-Type": "application/json", "X-Corskit-Token": tok},
			body: `{"url": "` + sentinel.URL + `/", "origin": "http://a.example", "body": "` + strings.Repeat("x", 2<<20) + `"}`, status: 413, reason: "too large"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := body
			if tc.body != "" {
				b = tc.body
			}
			req, err := http.NewRequest(http.MethodPost, p.PageURL+"/api/check", strings.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			if tc.host != "" {
				req.Host = tc.host
			}
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			text, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tc.status || !strings.Contains(string(text), tc.reason) {
				t.Errorf("%d %q, want %d naming %q", res.StatusCode, short(text), tc.status, tc.reason)
			}
			if ct := res.Header.Get("Content-Type"); res.StatusCode/100 == 4 && !strings.HasPrefix(ct, "text/plain") {
				t.Errorf("refusal has Content-Type %q, want text/plain", ct)
			}
			if res.Header.Get("Access-Control-Allow-Origin") != "" {
				t.Errorf("refusal carries CORS headers: %v", res.Header)
			}
		})
	}
	if n := reached.Load(); n != 0 {
		t.Errorf("the sentinel was reached %d time(s) by refused requests", n)
	}
	// The page's own request, as Chromium sends it, goes through: one
	// model run per engine, each sending the call once, and no more.
	req, _ := http.NewRequest(http.MethodPost, p.PageURL+"/api/check", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("Origin", "http://"+host)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("X-Corskit-Token", tok)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	// Three engines are modelled, but their identical requests share one
	// send (internal/sendonce): the target sees the call once.
	if want := int64(1); res.StatusCode != 200 || reached.Load() != want {
		t.Errorf("the page's own request: %d, sentinel reached %d time(s); want 200 and %d", res.StatusCode, reached.Load(), want)
	}
}

// port is the port of the URL u.
func port(u string) string {
	pu, err := url.Parse(u)
	if err != nil {
		panic(err)
	}
	return pu.Port()
}

// short keeps a failure message readable.
func short(b []byte) string {
	if len(b) > 200 {
		return string(b[:200]) + "…"
	}
	return string(b)
}

// TestHostCheckedEverywhere: DNS rebinding must not reach any response of
// either server, the sample API included.
func TestHostCheckedEverywhere(t *testing.T) {
	p := start(t)
	for _, u := range []string{p.PageURL + "/", p.PageURL + "/config.json", p.PageURL + "/app.js",
		strings.Replace(p.APIURL, "localhost", "127.0.0.1", 1) + "/api/good/hello"} {
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		req.Host = "rebound.example:" + port(u)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("GET %s with Host %s: %d, want 403", u, req.Host, res.StatusCode)
		}
	}
	// Both names of the loopback address are the servers' own.
	for _, u := range []string{p.PageURL + "/", strings.Replace(p.APIURL, "localhost", "127.0.0.1", 1) + "/api/good/hello"} {
		for _, name := range []string{"127.0.0.1", "localhost", "LOCALHOST"} {
			req, _ := http.NewRequest(http.MethodGet, u, nil)
			req.Host = name + ":" + port(u)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				t.Errorf("GET %s with Host %s: %d, want 200", u, req.Host, res.StatusCode)
			}
		}
	}
}

// TestSecurityHeaders: every response of the page server, refusals and
// 404s included, carries nosniff, a CSP and CORP same-origin; the sample
// API carries nosniff and a CSP.
func TestSecurityHeaders(t *testing.T) {
	p := start(t)
	for _, tc := range []struct {
		method, url, host string
		corp              bool
	}{
		{"GET", p.PageURL + "/", "", true},
		{"GET", p.PageURL + "/app.js", "", true},
		{"GET", p.PageURL + "/config.json", "", true},
		{"GET", p.PageURL + "/nope", "", true},
		{"POST", p.PageURL + "/api/check", "", true},
		{"GET", p.PageURL + "/", "evil.example", true},
		{"GET", strings.Replace(p.APIURL, "localhost", "127.0.0.1", 1) + "/api/good/hello", "", false},
		{"GET", strings.Replace(p.APIURL, "localhost", "127.0.0.1", 1) + "/nope", "", false},
	} {
		req, _ := http.NewRequest(tc.method, tc.url, nil)
		if tc.host != "" {
			req.Host = tc.host
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		h := res.Header
		if h.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(h.Get("Content-Security-Policy"), "default-src 'none'") {
			t.Errorf("%s %s (%d): nosniff %q, CSP %q", tc.method, tc.url, res.StatusCode, h.Get("X-Content-Type-Options"), h.Get("Content-Security-Policy"))
		}
		if got := h.Get("Cross-Origin-Resource-Policy"); tc.corp && got != "same-origin" {
			t.Errorf("%s %s: CORP %q, want same-origin", tc.method, tc.url, got)
		}
	}
}

// Both servers close idle keep-alives and slow bodies within their
// timeouts, rather than letting them pile up.
func TestServersCloseIdleConnections(t *testing.T) {
	p, err := Listen(Options{Timeouts: loopback.Timeouts{ReadHeader: 200 * time.Millisecond, Read: 300 * time.Millisecond,
		Write: 2 * time.Second, Idle: 200 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Serve(ctx) }()
	defer func() { cancel(); <-done }()
	start := time.Now()
	var conns []net.Conn
	for _, u := range []string{p.PageURL, p.APIURL} {
		addr := "127.0.0.1:" + port(u)
		for range 10 {
			for _, first := range []string{
				"GET / HTTP/1.1\r\nHost: " + addr + "\r\n\r\n",                                                                     // then idle
				"POST /api/check HTTP/1.1\r\nHost: " + addr + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{", // slow body
			} {
				c, err := net.Dial("tcp4", addr)
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				io.WriteString(c, first)
				conns = append(conns, c)
			}
		}
	}
	open := 0
	for _, c := range conns {
		c.SetReadDeadline(start.Add(3 * time.Second))
		if _, err := io.Copy(io.Discard, c); err != nil {
			open++
		}
	}
	if open > 0 {
		t.Errorf("%d of %d connections still open after %v", open, len(conns), time.Since(start).Round(time.Millisecond))
	}
}
