package main

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

// TestPrometheusScrape: rejections are counted by reason, preflight and
// route class, as /metrics serves them, and a thousand forged Origins make
// no new series; allowed requests count nothing; the log holds the policy
// and at most ten rejection records a second.
func TestPrometheusScrape(t *testing.T) {
	var logs bytes.Buffer
	h, mw, err := newServer(slog.New(slog.NewJSONHandler(&logs, nil)), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("starting", "cors", mw)
	srv := httptest.NewServer(h)
	defer srv.Close()
	send := func(method, path, origin string, kv ...string) {
		t.Helper()
		r, _ := http.NewRequest(method, srv.URL+path, nil)
		if origin != "" {
			r.Header.Set("Origin", origin)
		}
		for i := 0; i+1 < len(kv); i += 2 {
			r.Header.Set(kv[i], kv[i+1])
		}
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	send("GET", "/api/items", "https://app.example.com")
	send("GET", "/api/items", "")
	send("OPTIONS", "/api/items", "https://a.tenant.example.com", "Access-Control-Request-Method", "PUT")
	for i := range 1000 {
		send("GET", "/api/items", fmt.Sprintf("https://evil%d.example", i))
	}
	send("OPTIONS", "/api/items", "https://evil.example", "Access-Control-Request-Method", "PUT")
	send("OPTIONS", "/uploads/x", "https://app.example.com", "Access-Control-Request-Method", "PATCH")
	send("OPTIONS", "/uploads/x", "https://app.example.com", "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "x-debug")
	send("GET", "/random/path", "https://evil.example")

	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var got []string
	for _, l := range strings.Split(string(body), "\n") {
		if strings.HasPrefix(l, "corskit_cors_rejections_total{") {
			got = append(got, l)
		}
	}
	want := []string{
		`corskit_cors_rejections_total{preflight="false",reason="missing-allow-origin",route="api"} 1000`,
		`corskit_cors_rejections_total{preflight="false",reason="missing-allow-origin",route="other"} 1`,
		`corskit_cors_rejections_total{preflight="true",reason="header-not-allowed",route="uploads"} 1`,
		`corskit_cors_rejections_total{preflight="true",reason="method-not-allowed",route="uploads"} 1`,
		`corskit_cors_rejections_total{preflight="true",reason="missing-allow-origin",route="api"} 1`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("scrape:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if strings.Contains(string(body), "evil") {
		t.Error("an Origin reached a label")
	}

	records := strings.Count(logs.String(), `"msg":"cors: rejected"`)
	if records < 10 || records > 20 { // ten a second; the loop may straddle a second
		t.Errorf("%d rejection records for 1004 rejections", records)
	}
	if !strings.Contains(logs.String(), `"cors":{"generation":1,"origins":"https://app.example.com https://*.tenant.example.com"`) {
		t.Errorf("no start-up policy record in %.300s", logs.String())
	}
}
