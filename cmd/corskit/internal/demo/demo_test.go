package demo

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/corskit/corskit/explain"
	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/internal/loopback"
)

// startDemo serves a demo on free loopback ports for the test's lifetime.
func startDemo(t *testing.T) *Demo {
	t.Helper()
	d, err := Listen(Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Serve after cancel: %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Error("Serve did not return after cancel")
		}
	})
	return d
}

// apiURL addresses the API by 127.0.0.1: the Go client may resolve
// "localhost" to ::1 where nothing listens.
func apiURL(d *Demo, path string) string {
	return strings.Replace(d.APIURL, "localhost", "127.0.0.1", 1) + path
}

func do(t *testing.T, method, url string, header map[string]string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

// TestPolicies checks, on the wire, that each endpoint answers the page's
// origin as the walkthrough says; the browser test checks what Chromium
// makes of it.
func TestPolicies(t *testing.T) {
	d := startDemo(t)
	page := d.PageURL
	preflight := func(path, headers string) *http.Response {
		return do(t, http.MethodOptions, apiURL(d, path), map[string]string{
			"Origin": page, "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": headers,
		})
	}

	res := do(t, http.MethodGet, apiURL(d, "/api/good/hello"), map[string]string{"Origin": page})
	if got := res.Header.Get("Access-Control-Allow-Origin"); got != page {
		t.Errorf("good GET: ACAO %q, want %q", got, page)
	}
	if got := res.Header.Get("Access-Control-Allow-Credentials"); got != "true" {
		t.Errorf("good GET: ACAC %q, want true", got)
	}
	if got := res.Header.Get("Access-Control-Expose-Headers"); !strings.EqualFold(got, "X-Request-Id") {
		t.Errorf("good GET: expose %q, want X-Request-Id", got)
	}

	res = preflight("/api/good/items/1", "content-type,x-demo-token")
	if res.StatusCode/100 != 2 || res.Header.Get("Access-Control-Allow-Methods") == "" {
		t.Errorf("good preflight: %d %v", res.StatusCode, res.Header)
	}
	if got := res.Header.Get("Access-Control-Max-Age"); got != "0" {
		t.Errorf("good preflight: Max-Age %q, want 0 so every run shows its preflight", got)
	}

	res = do(t, http.MethodGet, apiURL(d, "/api/bad/hello"), map[string]string{"Origin": page})
	if got := res.Header.Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("wrong-origin endpoint allowed the page: ACAO %q", got)
	}

	res = preflight("/api/bad/items/1", "content-type,x-demo-token")
	if strings.Contains(strings.ToLower(res.Header.Get("Access-Control-Allow-Headers")), "x-demo-token") {
		t.Errorf("missing-header endpoint allows x-demo-token: %v", res.Header)
	}

	res = do(t, http.MethodGet, apiURL(d, "/api/bad/me"), map[string]string{"Origin": page})
	if res.Header.Get("Access-Control-Allow-Origin") != page || res.Header.Get("Access-Control-Allow-Credentials") != "" {
		t.Errorf("no-credentials endpoint: %v", res.Header)
	}

	if d.sample.Preflights() != 2 {
		t.Errorf("preflights counted: %d, want 2", d.sample.Preflights())
	}
}

func TestPageServesAssetsAndConfig(t *testing.T) {
	d := startDemo(t)
	for _, path := range []string{"/", "/app.js", "/engine.js", "/style.css", "/config.json", "/same/hello"} {
		if res := do(t, http.MethodGet, d.PageURL+path, nil); res.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d", path, res.StatusCode)
		}
	}
}

func TestListenBusyPort(t *testing.T) {
	d := startDemo(t)
	port := d.PageURL[strings.LastIndex(d.PageURL, ":")+1:]
	p, err := strconv.Atoi(port)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Listen(Options{WebPort: p}); err == nil || !strings.Contains(err.Error(), "page server") {
		t.Errorf("Listen on a busy port: %v, want an error naming the page server", err)
	}
}

// Each scenario's prediction, made by the fetch model against the live
// API, is what the walkthrough says of it; the browser test checks the
// browser agrees.
func TestPredictions(t *testing.T) {
	d := startDemo(t)
	want := map[string]string{"same-origin": "allowed", "simple-get": "allowed", "preflight-put": "allowed",
		"credentials": "allowed", "bad-origin": "blocked", "bad-header": "blocked", "bad-credentials": "blocked"}
	for _, s := range d.Scenarios() {
		req, _ := http.NewRequest(http.MethodGet, d.PageURL+"/predict/"+s.ID, nil)
		req.Header.Set("X-Corskit-Token", d.token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var rep explain.Report
		json.NewDecoder(res.Body).Decode(&rep)
		res.Body.Close()
		if rep.Verdict != want[s.ID] {
			t.Errorf("%s: predicted %q, want %q (%s)", s.ID, rep.Verdict, want[s.ID], rep.Message)
		}
		// One prediction per engine, each in that engine's words: the
		// walkthrough's calls behave alike in all three.
		if len(rep.Browsers) != len(fetch.Profiles) {
			t.Errorf("%s: predictions for %d engines, want %d", s.ID, len(rep.Browsers), len(fetch.Profiles))
		}
		for _, p := range fetch.Profiles {
			b, ok := rep.Browsers[p.Name]
			if !ok || b.Verdict != want[s.ID] || b.Request.Profile != p.Name {
				t.Errorf("%s: %s predicts %q (profile %q), want %q", s.ID, p.Name, b.Verdict, b.Request.Profile, want[s.ID])
			}
			if want[s.ID] == "blocked" && (len(b.Console) == 0 || b.TypeError == "") {
				t.Errorf("%s: %s blocks with no console line or TypeError: %q %q", s.ID, p.Name, b.Console, b.TypeError)
			}
		}
		if want[s.ID] == "blocked" {
			ff, wk := rep.Browsers["firefox"].Console, rep.Browsers["webkit"].Console
			if len(ff) == 0 || !strings.HasPrefix(ff[0], "Cross-Origin Request Blocked:") {
				t.Errorf("%s: Firefox's console %q, want its own words", s.ID, ff)
			}
			if len(wk) == 0 || !strings.Contains(strings.Join(wk, "\n"), "due to access control checks") {
				t.Errorf("%s: WebKit's console %q, want its own words", s.ID, wk)
			}
		}
		delete(want, s.ID)
	}
	if len(want) != 0 {
		t.Errorf("scenarios missing: %v", want)
	}
	if res := do(t, http.MethodGet, d.PageURL+"/predict/nope", map[string]string{"X-Corskit-Token": d.token}); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown scenario: %d", res.StatusCode)
	}
}

// TestPageRefusesOtherSites: predictions (which make the server send
// requests) answer only the demo's own page, and no response of either
// server reaches a page through DNS rebinding.
func TestPageRefusesOtherSites(t *testing.T) {
	d := startDemo(t)
	host := strings.TrimPrefix(d.PageURL, "http://")
	for _, tc := range []struct {
		name, url string
		header    map[string]string
		status    int
	}{
		{"prediction without token", d.PageURL + "/predict/simple-get", nil, 403},
		{"prediction, wrong token", d.PageURL + "/predict/simple-get", map[string]string{"X-Corskit-Token": "guess"}, 403},
		{"prediction from another site", d.PageURL + "/predict/simple-get",
			map[string]string{"X-Corskit-Token": d.token, "Sec-Fetch-Site": "cross-site"}, 403},
		{"prediction from another origin", d.PageURL + "/predict/simple-get",
			map[string]string{"X-Corskit-Token": d.token, "Origin": "http://127.0.0.1:1"}, 403},
		{"config from another site", d.PageURL + "/config.json", map[string]string{"Sec-Fetch-Site": "same-site"}, 403},
		{"page, rebound Host", d.PageURL + "/", map[string]string{"Host": "rebound.example:" + port(d.PageURL)}, 403},
		{"config, rebound Host", d.PageURL + "/config.json", map[string]string{"Host": "rebound.example:" + port(d.PageURL)}, 403},
		{"API, rebound Host", apiURL(d, "/api/good/hello"), map[string]string{"Host": "rebound.example:" + port(d.APIURL)}, 403},
		{"prediction, as the page asks", d.PageURL + "/predict/simple-get",
			map[string]string{"X-Corskit-Token": d.token, "Sec-Fetch-Site": "same-origin"}, 200},
		{"config, as the page asks", d.PageURL + "/config.json", map[string]string{"Sec-Fetch-Site": "same-origin", "Host": host}, 200},
		{"page opened as localhost", d.PageURL + "/", map[string]string{"Host": "localhost:" + port(d.PageURL)}, 200},
	} {
		req, _ := http.NewRequest(http.MethodGet, tc.url, nil)
		for k, v := range tc.header {
			if k == "Host" {
				req.Host = v
				continue
			}
			req.Header.Set(k, v)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != tc.status {
			t.Errorf("%s: %d, want %d", tc.name, res.StatusCode, tc.status)
		}
		if res.Header.Get("X-Content-Type-Options") != "nosniff" || res.Header.Get("Content-Security-Policy") == "" {
			t.Errorf("%s: no nosniff or CSP: %v", tc.name, res.Header)
		}
		if tc.url[:len(d.PageURL)] == d.PageURL && res.Header.Get("Cross-Origin-Resource-Policy") != "same-origin" {
			t.Errorf("%s: CORP %q on the page server", tc.name, res.Header.Get("Cross-Origin-Resource-Policy"))
		}
	}
	// A body over the API's bound is 413, not a JSON error.
	req, _ := http.NewRequest(http.MethodPut, apiURL(d, "/api/good/items/1"), strings.NewReader(`"`+strings.Repeat("x", 1<<17)+`"`))
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("PUT of 128 KiB to the API: %d, want 413", res.StatusCode)
	}
}

// The page opened under localhost gets the predictions for its actual
// origin, with the API under the other name: page and API stay different
// sites, and the model predicts what the browser will do there.
func TestPredictionsForLocalhostPage(t *testing.T) {
	d := startDemo(t)
	req, _ := http.NewRequest(http.MethodGet, d.PageURL+"/config.json", nil)
	req.Host = "localhost:" + port(d.PageURL)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Page, API string
		Scenarios []Scenario
	}
	json.NewDecoder(res.Body).Decode(&cfg)
	res.Body.Close()
	if cfg.Page != "http://localhost:"+port(d.PageURL) || cfg.API != "http://127.0.0.1:"+port(d.APIURL) {
		t.Fatalf("config for a page on localhost: page %q, api %q", cfg.Page, cfg.API)
	}
	for _, s := range cfg.Scenarios {
		if s.ID == "same-origin" && !strings.HasPrefix(s.URL, cfg.Page+"/") {
			t.Errorf("same-origin scenario calls %s from %s", s.URL, cfg.Page)
		}
	}
	req, _ = http.NewRequest(http.MethodGet, d.PageURL+"/predict/credentials", nil)
	req.Host = "localhost:" + port(d.PageURL)
	req.Header.Set("X-Corskit-Token", d.token)
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Verdict string `json:"verdict"`
		Request struct {
			Origin string `json:"origin"`
		} `json:"request"`
	}
	json.NewDecoder(res.Body).Decode(&rep)
	res.Body.Close()
	if rep.Verdict != "allowed" || rep.Request.Origin != cfg.Page {
		t.Errorf("credentials scenario from localhost: %+v, want allowed from %s", rep, cfg.Page)
	}
}

// The API's root lists its endpoints rather than answering a bare 404.
func TestAPIRoot(t *testing.T) {
	d := startDemo(t)
	res, err := http.Get(apiURL(d, "/"))
	if err != nil {
		t.Fatal(err)
	}
	var root struct {
		Endpoints []struct{ Path, Policy string }
	}
	err = json.NewDecoder(res.Body).Decode(&root)
	res.Body.Close()
	if res.StatusCode != 200 || err != nil || len(root.Endpoints) != 4 {
		t.Fatalf("GET / on the API: %d %v %+v", res.StatusCode, err, root)
	}
	for _, e := range root.Endpoints {
		if !strings.HasPrefix(e.Path, "/api/") || e.Policy == "" {
			t.Errorf("endpoint listed as %+v", e)
		}
	}
	if res := do(t, http.MethodGet, apiURL(d, "/nope"), nil); res.StatusCode != 404 {
		t.Errorf("GET /nope on the API: %d, want 404", res.StatusCode)
	}
}

// Both servers close idle and slow connections within their timeouts.
func TestServersCloseIdleConnections(t *testing.T) {
	d, err := Listen(Options{Timeouts: loopback.Timeouts{ReadHeader: 200 * time.Millisecond, Read: 300 * time.Millisecond,
		Write: 2 * time.Second, Idle: 200 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Serve(ctx) }()
	defer func() { cancel(); <-done }()
	start := time.Now()
	var conns []net.Conn
	for _, u := range []string{d.PageURL, d.APIURL} {
		addr := "127.0.0.1:" + port(u)
		for _, first := range []string{
			"GET / HTTP/1.1\r\nHost: " + addr + "\r\n\r\n",                                         // then idle
			"PUT /api/good/items/1 HTTP/1.1\r\nHost: " + addr + "\r\nContent-Length: 100\r\n\r\n{", // slow body
			"", // silent
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
	for i, c := range conns {
		c.SetReadDeadline(start.Add(3 * time.Second))
		if _, err := io.Copy(io.Discard, c); err != nil {
			t.Errorf("connection %d still open after %v: %v", i, time.Since(start).Round(time.Millisecond), err)
		}
	}
}

func port(u string) string { return u[strings.LastIndex(u, ":")+1:] }

// The API counts the browser's preflights: the model's own, sent to
// predict a scenario, are not counted (a fresh demo showed
// preflights_seen: 3 after one call).
func TestPreflightCounterIgnoresPredictions(t *testing.T) {
	d := startDemo(t)
	for _, id := range []string{"preflight-put", "bad-header"} {
		req, _ := http.NewRequest(http.MethodGet, d.PageURL+"/predict/"+id, nil)
		req.Header.Set("X-Corskit-Token", d.token)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("predict %s: %d", id, res.StatusCode)
		}
	}
	if n := d.sample.Preflights(); n != 0 {
		t.Errorf("after two predictions and no browser call, preflights counted: %d, want 0", n)
	}
	// A browser's preflight is counted.
	do(t, http.MethodOptions, apiURL(d, "/api/good/x"), map[string]string{"Origin": d.PageURL, "Access-Control-Request-Method": "PUT"})
	if n := d.sample.Preflights(); n != 1 {
		t.Errorf("after one browser preflight: %d, want 1", n)
	}
}
