package demo

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
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
	for _, path := range []string{"/", "/app.js", "/style.css", "/config.json", "/same/hello"} {
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
		res, err := http.Get(d.PageURL + "/predict/" + s.ID)
		if err != nil {
			t.Fatal(err)
		}
		var rep struct {
			Verdict string `json:"verdict"`
			Message string `json:"message"`
		}
		json.NewDecoder(res.Body).Decode(&rep)
		res.Body.Close()
		if rep.Verdict != want[s.ID] {
			t.Errorf("%s: predicted %q, want %q (%s)", s.ID, rep.Verdict, want[s.ID], rep.Message)
		}
		delete(want, s.ID)
	}
	if len(want) != 0 {
		t.Errorf("scenarios missing: %v", want)
	}
	if res := do(t, http.MethodGet, d.PageURL+"/predict/nope", nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown scenario: %d", res.StatusCode)
	}
}
