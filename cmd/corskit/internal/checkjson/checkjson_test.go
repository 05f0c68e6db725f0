package checkjson

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func diagnose(t *testing.T, input string, opts Options) map[string]any {
	t.Helper()
	out, err := Diagnose(context.Background(), []byte(input), opts)
	if err != nil {
		t.Fatalf("Diagnose: %v", err)
	}
	var got map[string]any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	return got
}

const putExchange = `{
  "request": {"url": "https://api.example.com/items/1", "method": "PUT",
              "origin": "https://app.example.com",
              "headers": {"Content-Type": "application/json", "X-Debug": "1"}},
  "preflight": {"status": 204, "headers": [
      {"name": "Access-Control-Allow-Origin", "value": "https://app.example.com"},
      {"name": "Access-Control-Allow-Methods", "value": "PUT"},
      {"name": "Access-Control-Allow-Headers", "value": "content-type"},
      {"name": "Server", "value": "nginx/1.22.1"}]},
  "actual": {"status": 200, "headers": {"Access-Control-Allow-Origin": "https://app.example.com"}}
}`

// An exchange given as JSON gets check's report: each engine's verdict,
// the console line, and the fix in the stack detected from the answers.
func TestExchangeAllEngines(t *testing.T) {
	got := diagnose(t, putExchange, Options{Browser: "all"})
	if got["verdict"] != "blocked" || got["reason"] != "header-not-allowed" {
		t.Errorf("verdict %v, reason %v; want blocked, header-not-allowed", got["verdict"], got["reason"])
	}
	browsers, _ := got["browsers"].(map[string]any)
	for _, e := range []string{"chromium", "firefox", "webkit"} {
		b, _ := browsers[e].(map[string]any)
		if b["verdict"] != "blocked" || len(b["console"].([]any)) == 0 {
			t.Errorf("%s: verdict %v, console %v", e, b["verdict"], b["console"])
		}
	}
	stack, _ := got["stack"].(map[string]any)
	if stack["name"] != "nginx" {
		t.Errorf("stack %v, want nginx (Server: nginx/1.22.1)", stack)
	}
	fixes, _ := got["fixes"].([]any)
	if len(fixes) == 0 || !strings.Contains(fixes[0].(map[string]any)["value"].(string), "x-debug") {
		t.Errorf("fixes %v: want x-debug added to Access-Control-Allow-Headers", fixes)
	}
	if strings.Contains(got["message"].(string), "firefox") || !strings.Contains(got["message"].(string), "x-debug") {
		t.Errorf("message %q: want Chromium's line naming x-debug", got["message"])
	}
}

// A copy holds only the request: its answers come in the options, and a
// missing one is named.
func TestCopyNeedsAnswers(t *testing.T) {
	curl := `curl 'https://api.example.com/items/1' -X 'PUT' -H 'origin: https://app.example.com' -H 'content-type: application/json' --data-raw '{}'`
	_, err := Diagnose(context.Background(), []byte(curl), Options{})
	var ie *InputError
	if !errors.As(err, &ie) || ie.Field != "answers.preflight" {
		t.Fatalf("no answers: err %v, want an InputError on answers.preflight", err)
	}
	var x Exchange
	if err := json.Unmarshal([]byte(putExchange), &x); err != nil {
		t.Fatal(err)
	}
	none := ""
	got := diagnose(t, curl, Options{Stack: &none, Answers: &Answers{Preflight: x.Preflight, Actual: x.Actual}})
	if got["verdict"] != "allowed" || got["stack"] != nil {
		t.Errorf("verdict %v, stack %v; want allowed, no stack", got["verdict"], got["stack"])
	}
}

// One HAR entry is read as a HAR of one entry.
func TestHAREntry(t *testing.T) {
	data, err := os.ReadFile("../har/testdata/demo-chromium.har")
	if err != nil {
		t.Fatal(err)
	}
	var h struct {
		Log struct{ Entries []json.RawMessage } `json:"log"`
	}
	if err := json.Unmarshal(data, &h); err != nil {
		t.Fatal(err)
	}
	whole := diagnose(t, string(data), Options{})
	reqs := whole["requests"].([]any)
	if len(reqs) < 6 {
		t.Fatalf("%d calls in the demo's HAR, want 6", len(reqs))
	}
	first := reqs[0].(map[string]any)
	entry := int(first["har_entry"].(float64))
	one := diagnose(t, string(h.Log.Entries[entry]), Options{})
	got := one["requests"].([]any)[0].(map[string]any)
	if got["verdict"] != first["verdict"] || got["message"] != first["message"] {
		t.Errorf("entry %d alone: %v %q; in the HAR: %v %q", entry, got["verdict"], got["message"], first["verdict"], first["message"])
	}
}

func TestBadInput(t *testing.T) {
	for _, c := range []struct{ in, field string }{
		{"", "input"},
		{"GET /", "input"},
		{"{", "input"},
		{`{"a": 1}`, "input"},
		{`{"request": {"url": "ftp://x", "origin": "https://a.example"}}`, "request.url"},
		{`{"request": {"url": "https://x.example", "origin": "null"}}`, "request.origin"},
		{`{"request": {"url": "https://x.example", "origin": "https://a.example"}}`, "answers.actual"},
		{`{"request": {"url": "https://x.example", "origin": "https://a.example"}, "actual": {"status": 20}}`, "answers.actual.status"},
		{`{"request": {"url": "https://x.example", "origin": "https://a.example"}, "actual": {"status": 200, "headers": {"A": "b\r\nc"}}}`, "answers.actual.headers"},
	} {
		_, err := Diagnose(context.Background(), []byte(c.in), Options{})
		var ie *InputError
		if !errors.As(err, &ie) || ie.Field != c.field {
			t.Errorf("%q: err %v, want an InputError on %s", c.in, err, c.field)
		}
	}
	for _, c := range []struct {
		in    string
		opts  Options
		field string
	}{
		{putExchange, Options{Page: &Page{COEP: "require-cors"}}, "options.page.coep"},
		{putExchange, Options{Page: &Page{URL: "app.example.com"}}, "options.page.url"},
		{putExchange, Options{Page: &Page{URL: "https://other.example/"}}, "options.page.url"},
		{putExchange, Options{StoredCookies: []string{"=; SameSite=Lax"}}, "options.stored_cookies[0]"},
		{`{"request": {"url": "https://x.example"}, "actual": {"status": 200}}`, Options{}, "request.origin"},
		{`{"log": {"entries": []}}`, Options{Page: &Page{URL: "https://app.example.com/"}}, "options.page"},
	} {
		_, err := Diagnose(context.Background(), []byte(c.in), c.opts)
		var ie *InputError
		if !errors.As(err, &ie) || ie.Field != c.field {
			t.Errorf("%.40q %+v: err %v, want an InputError on %s", c.in, c.opts, err, c.field)
		}
	}
	// The page's URL gives the origin an exchange leaves out.
	got := diagnose(t, `{"request": {"url": "http://api.example.com/x"}}`, Options{Page: &Page{URL: "https://app.example.com/"}})
	if got["reason"] != "mixed-content" || got["request"].(map[string]any)["origin"] != "https://app.example.com" {
		t.Errorf("page URL only: reason %v, request %v; want mixed-content from https://app.example.com", got["reason"], got["request"])
	}
	if _, err := Diagnose(context.Background(), []byte(putExchange), Options{Browser: "lynx"}); err == nil || !strings.Contains(err.Error(), "options.browser") {
		t.Errorf("browser lynx: err %v", err)
	}
}

func FuzzDiagnose(f *testing.F) {
	f.Add(putExchange, "all")
	f.Add(`{"request": {"url": "wss://a.example/", "origin": "https://b.example", "as": "websocket"}, "actual": {"status": 101}}`, "all")
	f.Add(`curl 'https://a.example/' -H 'Origin: https://b.example'`, "")
	f.Add(`{"log": {"entries": [{"request": {"method": "GET", "url": "https://a.example/", "headers": [{"name": "Origin", "value": "https://b.example"}]}, "response": {"status": 200, "headers": []}}]}}`, "firefox")
	f.Fuzz(func(t *testing.T, in, browser string) {
		out, err := Diagnose(context.Background(), []byte(in), Options{Browser: browser})
		if err == nil && !json.Valid(out) {
			t.Fatalf("not JSON: %s", out)
		}
	})
}

// Compact output is the same JSON value as the indented one.
func TestCompactSameValue(t *testing.T) {
	for _, in := range []string{putExchange, mustRead(t, "../har/testdata/demo-chromium.har")} {
		for _, browser := range []string{"", "all"} {
			ind, err := Diagnose(context.Background(), []byte(in), Options{Browser: browser})
			if err != nil {
				t.Fatal(err)
			}
			com, err := Diagnose(context.Background(), []byte(in), Options{Browser: browser, Compact: true})
			if err != nil {
				t.Fatal(err)
			}
			var a, b bytes.Buffer
			if err := json.Compact(&a, ind); err != nil {
				t.Fatal(err)
			}
			if err := json.Compact(&b, com); err != nil {
				t.Fatal(err)
			}
			durations := regexp.MustCompile(`"duration_ms":[0-9.e+-]+`)
			if durations.ReplaceAllString(a.String(), "") != durations.ReplaceAllString(b.String(), "") || bytes.Contains(com, []byte("\n  ")) {
				t.Errorf("compact output differs from the indented one (%d vs %d bytes)", b.Len(), a.Len())
			}
		}
	}
}

func mustRead(t *testing.T, path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// The WebAssembly build holds none of the code that sends requests or
// serves them: the model in the page only replays the answers it is given.
func TestWasmBuildSendsNothing(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", "github.com/corskit/corskit/cmd/corskit/wasm")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := strings.Fields(string(out))
	if !slices.Contains(deps, "github.com/corskit/corskit/fetch") {
		t.Fatalf("the wasm build does not hold the model: %v", deps)
	}
	for _, p := range []string{"internal/loopback", "cmd/corskit/internal/sendonce", "cmd/corskit/internal/playground",
		"cmd/corskit/internal/demo", "audit", "cors", "corstest"} {
		if slices.Contains(deps, "github.com/corskit/corskit/"+p) {
			t.Errorf("the wasm build imports %s", p)
		}
	}
}
