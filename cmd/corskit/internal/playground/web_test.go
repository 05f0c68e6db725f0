package playground

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/corskit/corskit/cmd/corskit/internal/checkjson"
)

// TestWebPageServed checks that serve hands out the static site's page
// (web/) with its own corskit.js, the one that calls the serve back end
// and defines send, and keeps the wasm loader and its source private.
func TestWebPageServed(t *testing.T) {
	p := start(t)
	for _, tc := range []struct {
		path, want string
		status     int
	}{
		{"/web/", `id="send"`, 200},
		{"/web/app.js", "corskit.send", 200},
		{"/web/render.js", "corskitRender", 200},
		{"/web/corskit.js", "send: async", 200},
		{"/web/corskit-serve.js", "", 404},
		{"/web/corskit.wasm", "", 404},
	} {
		res, err := http.Get(p.PageURL + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != tc.status || !strings.Contains(string(body), tc.want) {
			t.Errorf("GET %s: %d %q, want %d with %q", tc.path, res.StatusCode, short(body), tc.status, tc.want)
		}
		if tc.status == 200 && res.Header.Get("Content-Security-Policy") == "" {
			t.Errorf("GET %s: no CSP", tc.path)
		}
	}
}

// TestDiagnoseAPI checks /api/diagnose: behind the same guard as
// /api/check, and answering the very bytes the wasm build returns for the
// same input (checkjson, compact), errors with the field at fault.
func TestDiagnoseAPI(t *testing.T) {
	p := start(t)
	tok := token(t, p)
	har := `{"log":{"entries":[{"request":{"method":"GET","url":"https://api.example/x","headers":[{"name":"Origin","value":"https://app.example"}]},"response":{"status":200,"headers":[]}}]}}`
	auto := "auto"
	opts := checkjson.Options{Browser: "all", Stack: &auto}
	body, _ := json.Marshal(DiagnoseRequest{Input: har, Options: opts})
	post := func(h map[string]string, body []byte) (int, []byte) {
		req, _ := http.NewRequest("POST", p.PageURL+"/api/diagnose", bytes.NewReader(body))
		for k, v := range h {
			req.Header.Set(k, v)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		out, _ := io.ReadAll(res.Body)
		return res.StatusCode, out
	}
	good := map[string]string{"Content-Type": "application/json", "X-Corskit-Token": tok, "Origin": p.PageURL}
	status, got := post(good, body)
	opts.Compact = true
	want, err := checkjson.Diagnose(context.Background(), []byte(har), opts)
	if err != nil {
		t.Fatal(err)
	}
	if status != 200 || !bytes.Equal(got, want) {
		t.Errorf("diagnose: %d %s\nwant the wasm's bytes %s", status, short(got), short(want))
	}
	for _, tc := range []struct {
		name   string
		header map[string]string
		body   string
		status int
		want   string
	}{
		{"no token", map[string]string{"Content-Type": "application/json"}, string(body), 403, "token"},
		{"foreign Origin", map[string]string{"Content-Type": "application/json", "X-Corskit-Token": tok, "Origin": "http://attacker.example"}, string(body), 403, "Origin"},
		{"text/plain", map[string]string{"Content-Type": "text/plain", "X-Corskit-Token": tok}, string(body), 415, "application/json"},
		{"bad browser", good, `{"input": "{}", "options": {"browser": "lynx"}}`, 400, `"field":"options.browser"`},
		{"empty input", good, `{"input": ""}`, 400, `"field":"input"`},
		{"not JSON", good, `{`, 400, `"field":"body"`},
	} {
		status, got := post(tc.header, []byte(tc.body))
		if status != tc.status || !strings.Contains(string(got), tc.want) {
			t.Errorf("%s: %d %s, want %d with %q", tc.name, status, short(got), tc.status, tc.want)
		}
	}
}
