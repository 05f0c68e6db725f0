package playground

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// postTo posts body to path as the page does and decodes the JSON answer.
func postTo(t *testing.T, p *Playground, path, body string, header map[string]string) (int, map[string]any, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, p.PageURL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Corskit-Token", p.token)
	for k, v := range header {
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
	defer res.Body.Close()
	text, _ := io.ReadAll(res.Body)
	var m map[string]any
	json.Unmarshal(text, &m)
	return res.StatusCode, m, string(text)
}

// The stack picker: the report's fixes carry the chosen stack's change,
// as check --stack's do; an unknown stack is a 400 naming the field.
func TestCheckStackPicker(t *testing.T) {
	p := start(t)
	body := func(stack string) string {
		return `{"url": "` + p.APIURL + `/api/bad/items/1", "origin": "` + p.PageURL + `", "method": "PUT",
			"headers": "X-Demo-Token: s3cret", "stack": "` + stack + `"}`
	}
	code, rep, text := postTo(t, p, "/api/check", body("nginx"), nil)
	if code != 200 {
		t.Fatalf("%d %s", code, text)
	}
	st, _ := rep["stack"].(map[string]any)
	if st["name"] != "nginx" || st["confidence"] != "chosen" {
		t.Errorf("stack %v", rep["stack"])
	}
	var withStack int
	for _, f := range rep["fixes"].([]any) {
		if c, ok := f.(map[string]any)["stack"].(map[string]any); ok {
			withStack++
			if c["stack"] != "nginx" || !strings.Contains(c["snippet"].(string), "add_header") {
				t.Errorf("change %v", c)
			}
		}
	}
	if withStack == 0 {
		t.Errorf("no fix in nginx's terms: %s", text)
	}
	code, rep, _ = postTo(t, p, "/api/check", body("auto"), nil)
	if st, _ := rep["stack"].(map[string]any); code != 200 || st["name"] == nil || st["confidence"] == "chosen" {
		t.Errorf("auto: %d %v", code, rep["stack"])
	}
	code, rep, _ = postTo(t, p, "/api/check", body("tomcat"), nil)
	if msg, _ := rep["error"].(string); code != 400 || !strings.HasPrefix(msg, `stack "tomcat"`) {
		t.Errorf("unknown stack: %d %v", code, rep)
	}
	// The picker's entries come with the page's configuration.
	res, err := http.Get(p.PageURL + "/config.json")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var cfg struct {
		Stacks []StackChoice `json:"stacks"`
	}
	if err := json.NewDecoder(res.Body).Decode(&cfg); err != nil || len(cfg.Stacks) < 19 || cfg.Stacks[0].Name == "" {
		t.Errorf("config stacks: %v %+v", err, cfg.Stacks)
	}
}

// Paste from DevTools: a Copy as cURL and a Copy as fetch become the
// form's fields; what is not a copy is a 400 that says why.
func TestPasteDevTools(t *testing.T) {
	p := start(t)
	curl := `curl 'https://api.example.com/items/1' -X 'PUT' -H 'content-type: application/json' -H 'origin: https://app.example.com' -H 'x-api-key: k' --data-raw '{"a":1}'`
	b, _ := json.Marshal(PasteRequest{Text: curl})
	code, rep, text := postTo(t, p, "/api/devtools", string(b), nil)
	if code != 200 || rep["url"] != "https://api.example.com/items/1" || rep["method"] != "PUT" || rep["origin"] != "https://app.example.com" ||
		rep["body"] != `{"a":1}` || !strings.Contains(rep["headers"].(string), "x-api-key: k") || rep["format"] != "curl-bash" {
		t.Errorf("curl: %d %s", code, text)
	}
	fetchJS := `fetch("https://api.example.com/me", {"headers": {"authorization": "Bearer t"}, "method": "GET", "mode": "cors", "credentials": "include"});`
	b, _ = json.Marshal(PasteRequest{Text: fetchJS})
	code, rep, text = postTo(t, p, "/api/devtools", string(b), nil)
	if code != 200 || rep["credentials"] != "include" || rep["origin_from"] != "" || rep["origin"] != "" {
		t.Errorf("fetch: %d %s", code, text)
	}
	b, _ = json.Marshal(PasteRequest{Text: "wget https://example.com"})
	if code, rep, _ = postTo(t, p, "/api/devtools", string(b), nil); code != 400 || rep["error"] == "" {
		t.Errorf("not a copy: %d %v", code, rep)
	}
}

// /api/devtools sits behind the same guard as /api/check.
func TestPasteDevToolsGuarded(t *testing.T) {
	p := start(t)
	body := `{"text": "curl 'https://api.example.com/'"}`
	for _, tc := range []struct {
		name   string
		header map[string]string
		body   string
		status int
	}{
		{"foreign Host", map[string]string{"Host": "attacker.example:" + port(p.PageURL)}, body, 403},
		{"foreign Origin", map[string]string{"Origin": "http://attacker.example"}, body, 403},
		{"cross-site", map[string]string{"Sec-Fetch-Site": "cross-site"}, body, 403},
		{"no token", map[string]string{"X-Corskit-Token": ""}, body, 403},
		{"text/plain", map[string]string{"Content-Type": "text/plain"}, body, 415},
		{"over the bound", nil, `{"text": "` + strings.Repeat("x", 2<<20) + `"}`, 413},
		{"the page itself", map[string]string{"Origin": p.PageURL, "Sec-Fetch-Site": "same-origin"}, body, 200},
	} {
		code, _, text := postTo(t, p, "/api/devtools", tc.body, tc.header)
		if code != tc.status {
			t.Errorf("%s: %d %.80s, want %d", tc.name, code, text, tc.status)
		}
	}
}
