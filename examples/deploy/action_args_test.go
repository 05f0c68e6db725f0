package deploy

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"gopkg.in/yaml.v3"
)

func loadAction(t *testing.T) actionFile {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var a actionFile
	if err := yaml.Unmarshal(data, &a); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	return a
}

// The args input's own documented example, run through the Audit step's
// script as the runner runs it, with corskit replaced by a stub that
// records its arguments: -H 'Authorization: Bearer ...' must arrive as
// one argument, not split into words (before: "-H", "'Authorization:",
// "Bearer", "...'", exit 2, the pieces of the token in argv and in the
// error message). Shell syntax in args is never executed.
func TestActionArgsExample(t *testing.T) {
	a := loadAction(t)
	desc := ""
	if in, ok := a.Inputs["args"]; ok {
		desc = in.Description
	}
	m := regexp.MustCompile("for example `([^`]+)`").FindStringSubmatch(desc)
	if m == nil {
		t.Fatalf("the args input documents no example: %q", desc)
	}
	example := m[1]
	for _, tc := range []struct {
		args, headers string
		want          []string
	}{
		{example, "", []string{"--shard", "2/4", "--rate", "5", "-H", "Authorization: Bearer ..."}},
		{"--rate 0", "Authorization: Bearer a b'c\"d $(id)\n\nX-Api-Key:  k1  \n", []string{"--rate", "0", "-H", "Authorization: Bearer a b'c\"d $(id)", "-H", "X-Api-Key:  k1  "}},
		{`$(touch pwned) "a b" c\ d`, "", []string{"$(touch", "pwned)", "a b", "c d"}},
	} {
		got, code, out := runAuditStep(t, a, map[string]string{"args": tc.args, "headers": tc.headers})
		want := append([]string{"audit", "--targets", "targets.txt", "--format", "sarif", "--sarif-location", "targets.txt"}, tc.want...)
		if code != 0 || fmt.Sprintf("%q", got) != fmt.Sprintf("%q", want) {
			t.Errorf("args %q, headers %q: exit %d, corskit got\n%q\nwant\n%q\n%s", tc.args, tc.headers, code, got, want, out)
		}
	}
	if _, code, out := runAuditStep(t, a, map[string]string{"args": "-H 'Authorization: Bearer s3cret"}); code != 2 || strings.Contains(out, "s3cret") {
		t.Errorf("an unmatched quote: exit %d, want 2 without the token in the output:\n%s", code, out)
	}
}

// runAuditStep runs the action's Audit step with corskit a stub that
// writes its arguments, one a line, and an empty SARIF.
func runAuditStep(t *testing.T, a actionFile, given map[string]string) (argv []string, code int, output string) {
	t.Helper()
	ws, stubDir := t.TempDir(), t.TempDir()
	os.WriteFile(filepath.Join(ws, "targets.txt"), []byte("https://api.example.com/\n"), 0o644)
	argsFile := filepath.Join(t.TempDir(), "argv")
	stub := "#!/bin/bash\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > " + argsFile + "\necho '{}'\n"
	if err := os.WriteFile(filepath.Join(stubDir, "corskit"), []byte(stub), 0o755); err != nil {
		t.Fatal(err)
	}
	inputs := map[string]string{}
	for name, in := range a.Inputs {
		inputs[name] = in.Default
	}
	inputs["targets"] = "targets.txt"
	for k, v := range given {
		inputs[k] = v
	}
	var step *actionStep
	for i := range a.Runs.Steps {
		if a.Runs.Steps[i].ID == "audit" {
			step = &a.Runs.Steps[i]
		}
	}
	if step == nil {
		t.Fatal("action.yml has no step with id audit")
	}
	expr := regexp.MustCompile(`\$\{\{\s*inputs\.([a-z-]+)\s*\}\}`)
	env := []string{"GITHUB_OUTPUT=" + filepath.Join(t.TempDir(), "out"), "PATH=" + stubDir + ":" + os.Getenv("PATH")}
	for k, v := range step.Env {
		env = append(env, k+"="+expr.ReplaceAllStringFunc(v, func(m string) string { return inputs[expr.FindStringSubmatch(m)[1]] }))
	}
	if expr.ReplaceAllString(step.Run, "") != step.Run || strings.Contains(step.Run, "${{") {
		t.Fatal("the Audit step's script has an expression in it: inputs must come through env, never be pasted into the script")
	}
	script := filepath.Join(t.TempDir(), "step.sh")
	os.WriteFile(script, []byte(step.Run), 0o644)
	stdout, stderr, code := runIn(t, ws, env, "bash", "--noprofile", "--norc", "-eo", "pipefail", script)
	if _, err := os.Stat(filepath.Join(ws, "pwned")); err == nil {
		t.Errorf("args %q: shell syntax in args was executed", given["args"])
	}
	data, err := os.ReadFile(argsFile)
	if err != nil {
		return nil, code, stdout + stderr
	}
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n"), code, stdout + stderr
}

// A headers input with a token arrives whole at the API; a targets file
// with one malformed line still uploads the SARIF of the good lines
// (with the bad line among its tool notifications), and the job then
// fails on the malformed line. Before, the Audit step failed on exit 2
// and nothing was uploaded.
func TestActionHeadersAndMalformedLine(t *testing.T) {
	a := loadAction(t)
	var mu sync.Mutex
	auth := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		auth[r.Header.Get("Authorization")]++
		mu.Unlock()
		if o := r.Header.Get("Origin"); o != "" {
			w.Header().Set("Access-Control-Allow-Origin", o)
			w.Header().Set("Access-Control-Allow-Credentials", "true")
		}
	}))
	defer srv.Close()
	ws := t.TempDir()
	vulnerable := []string{srv.URL + "/me"}
	os.WriteFile(filepath.Join(ws, "targets.txt"), []byte(vulnerable[0]+"\nnot a url\n"), 0o644)
	const token = "Bearer s3cret token/with spaces"
	out := runAction(t, a, ws, vulnerable, map[string]string{"args": "--rate 0", "headers": "Authorization: " + token}, "Fail on findings", true)
	mu.Lock()
	defer mu.Unlock()
	for v, n := range auth {
		// Preflights carry no Authorization (browsers send none), nor do
		// the cache-key check's anonymous GETs; the rest carry it whole.
		if v != token && v != "" {
			t.Errorf("%d requests with Authorization %q", n, v)
		}
	}
	if auth[token] == 0 {
		t.Errorf("Authorization arrived whole on %d requests: %v", auth[token], auth)
	}
	if !strings.Contains(out, "malformed") {
		t.Errorf("the job's failure does not name the malformed line:\n%s", out)
	}
	sarif, _ := os.ReadFile(filepath.Join(ws, "corskit.sarif"))
	if !strings.Contains(string(sarif), "line 2") || !strings.Contains(string(sarif), `"executionSuccessful":false`) {
		t.Errorf("the SARIF does not report line 2 as malformed:\n%s", sarif)
	}
}

// Mode lint runs `corskit lint` on the paths input, split as args is
// (quotes keep a path with spaces whole, nothing is executed), and passes
// no -H: lint sends no request, so the headers input has no use there.
func TestActionLintMode(t *testing.T) {
	a := loadAction(t)
	got, code, out := runAuditStep(t, a, map[string]string{
		"mode": "lint", "paths": `deploy/nginx.conf "my app/settings.py" $(id)`,
		"args": "--fail-on medium", "headers": "Authorization: Bearer x",
	})
	want := []string{"lint", "deploy/nginx.conf", "my app/settings.py", "$(id)", "--format", "sarif", "--fail-on", "medium"}
	if code != 0 || fmt.Sprintf("%q", got) != fmt.Sprintf("%q", want) {
		t.Errorf("lint mode: exit %d, corskit got\n%q\nwant\n%q\n%s", code, got, want, out)
	}
}
