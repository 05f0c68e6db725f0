package deploy

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// root is the repository root, where action.yml and the Dockerfile are.
const root = "../.."

// corskit is the CLI, built once from this checkout.
var corskit string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "corskit-deploy-")
	if err != nil {
		panic(err)
	}
	corskit = filepath.Join(dir, "corskit")
	cmd := exec.Command("go", "build", "-o", corskit, "./cmd/corskit")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building corskit: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// targets starts loopback APIs and writes a targets file of n URLs over
// them: every third one reflects any origin with credentials (high
// findings), the others allow one origin properly.
func targets(t *testing.T, dir string, n int) (file string, vulnerable []string) {
	t.Helper()
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if o := r.Header.Get("Origin"); o != "" {
			w.Header().Set("Access-Control-Allow-Origin", o)
			w.Header().Set("Access-Control-Allow-Credentials", "true")
		}
		w.Write([]byte("{}"))
	}))
	good := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Origin")
		if r.Header.Get("Origin") == "https://app.example.com" {
			w.Header().Set("Access-Control-Allow-Origin", "https://app.example.com")
		}
		w.Write([]byte("{}"))
	}))
	t.Cleanup(bad.Close)
	t.Cleanup(good.Close)
	var b bytes.Buffer
	b.WriteString("# audited by the test\n")
	for i := range n {
		u := fmt.Sprintf("%s/items/%d", good.URL, i)
		if i%3 == 0 {
			u = fmt.Sprintf("%s/items/%d", bad.URL, i)
			vulnerable = append(vulnerable, u)
		}
		b.WriteString(u + "\n")
	}
	file = filepath.Join(dir, "targets.txt")
	if err := os.WriteFile(file, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return file, vulnerable
}

// run runs a command and returns its stdout and exit status.
func run(t *testing.T, env []string, name string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%s %s: %v", name, strings.Join(args, " "), err)
	}
	return o.String(), e.String(), code
}
