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
	"github.com/corskit/corskit/web"
)

// TestWebPageServed checks that serve hands out the static site's page
// (web/) at /, with its own corskit.js (the demo's engine.js, then the one
// that calls the serve back end and defines send), connect-src opened for
// "Run it in this browser" and the rest of the page's CSP kept, and the
// wasm loader and its source private; /web/, the page's old address,
// leads to /.
func TestWebPageServed(t *testing.T) {
	p := start(t)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, tc := range []struct {
		path, want string
		status     int
	}{
		{"/", `id="send"`, 200},
		{"/", "connect-src *; base-uri 'none'", 200},
		{"/index.html", `id="run"`, 200},
		{"/app.js", "corskit.send", 200},
		{"/render.js", "corskitRender", 200},
		{"/corskit.js", "send: async", 200},
		{"/corskit.js", "function visitorEngine", 200},
		{"/corskit-serve.js", "", 404},
		{"/corskit.wasm", "", 404},
		{"/play.js", "", 404},
		{"/web/", "", 301},
	} {
		res, err := noRedirect.Get(p.PageURL + tc.path)
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
		if tc.status == 301 && res.Header.Get("Location") != "/" {
			t.Errorf("GET %s: Location %q, want /", tc.path, res.Header.Get("Location"))
		}
	}
	// The served page's CSP is the static page's but for connect-src.
	static, _ := web.Files.ReadFile("index.html")
	if got := servedIndex(); !bytes.Equal(bytes.Replace(got, []byte("connect-src *;"), []byte(staticConnectSrc), 1), static) {
		t.Errorf("the served index.html differs from web/index.html beyond connect-src")
	}
}

// The gates before CORS apply to a call sent for real: the page's CSP
// refuses it before anything is sent, and its URL gives the origin.
func TestCheckPageGates(t *testing.T) {
	p := start(t)
	code, rep := post(t, p, `{"url": "`+p.APIURL+`/api/good/hello", "page": {"url": "https://app.example.com/", "csp": ["connect-src 'self'"]}}`)
	if code != 200 || rep["reason"] != "csp-connect-src" || rep["request"].(map[string]any)["origin"] != "https://app.example.com" {
		t.Fatalf("%d %v", code, rep)
	}
	code, rep = post(t, p, `{"url": "`+p.APIURL+`/", "origin": "https://other.example", "page": {"url": "https://app.example.com/"}}`)
	if code != 400 || !strings.Contains(rep["error"].(string), "give one of them") {
		t.Errorf("origin and page URL disagree: %d %v", code, rep)
	}
	code, rep = post(t, p, `{"url": "`+p.APIURL+`/", "page": {"coep": "corp"}}`)
	if code != 400 || !strings.Contains(rep["error"].(string), "options.page.coep") {
		t.Errorf("bad COEP: %d %v", code, rep)
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
