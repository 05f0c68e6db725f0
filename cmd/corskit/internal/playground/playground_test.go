package playground

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

func start(t *testing.T) *Playground {
	t.Helper()
	p, err := Listen(Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Error(err)
			}
		case <-time.After(5 * time.Second):
			t.Error("Serve did not return")
		}
	})
	return p
}

func post(t *testing.T, p *Playground, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, p.PageURL+"/api/check", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Corskit-Token", p.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(res.Body).Decode(&m); err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, m
}

// The model runs against the sample API through real loopback sockets
// (localhost resolves to 127.0.0.1 or ::1; the API listens on 127.0.0.1,
// which Go's dialer falls back to).
func TestCheckEndpoint(t *testing.T) {
	p := start(t)
	code, rep := post(t, p, `{"url": "`+p.APIURL+`/api/bad/items/1", "origin": "`+p.PageURL+`", "method": "PUT",
		"headers": "Content-Type: application/json\nX-Demo-Token: 1", "body": "{}"}`)
	if code != 200 || rep["verdict"] != "blocked" || !strings.Contains(rep["message"].(string), "x-demo-token") {
		t.Fatalf("%d %v", code, rep)
	}
	code, rep = post(t, p, `{"url": "`+p.APIURL+`/api/good/me", "origin": "`+p.PageURL+`", "credentials": "include"}`)
	if code != 200 || rep["verdict"] != "allowed" {
		t.Fatalf("%d %v", code, rep)
	}
	for _, tc := range []struct{ body, want string }{
		{`not json`, "request body"},
		{`{"url": "http://x/", "origin": "nope"}`, "origin:"},
		{`{"url": "/relative", "origin": "http://a.com"}`, "only http and https"},
		{`{"url": "http://x/", "origin": "http://a.com", "headers": "no colon"}`, "headers, line 1"},
		{`{"url": "http://x/", "origin": "http://a.com", "mode": "navigate"}`, "unknown mode"},
	} {
		code, rep := post(t, p, tc.body)
		if code != 400 || !strings.Contains(rep["error"].(string), tc.want) {
			t.Errorf("%s: %d %v, want 400 with %q", tc.body, code, rep, tc.want)
		}
	}
}

func TestAssets(t *testing.T) {
	p := start(t)
	for _, path := range []string{"/", "/app.js", "/render.js", "/corskit.js", "/style.css", "/config.json"} {
		res, err := http.Get(p.PageURL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Errorf("GET %s: %d", path, res.StatusCode)
		}
	}
}
