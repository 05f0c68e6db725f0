package main

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var durationMS = regexp.MustCompile(`"duration_ms": [0-9.e-]+`)

// TestCheckStackGolden pins the text and the JSON fixes of a blocked
// call (a PUT with an X-Debug header, with credentials, to a server that
// allows neither) written for two stacks per family: Node, Python,
// proxies, Go.
func TestCheckStackGolden(t *testing.T) {
	srv := apiServer(t)
	for _, stack := range []string{"express", "fastify", "django", "flask", "nginx", "apache", "rs-cors", "corskit"} {
		t.Run(stack, func(t *testing.T) {
			args := []string{"check", srv.URL + "/items/1", "--origin", page, "-X", "DELETE", "-H", "X-Debug: 1",
				"--credentials", "include", "--stack", stack}
			text, errOut, code := cli(t, args...)
			if code != 1 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			js, _, _ := cli(t, append(args, "--json")...)
			var r struct {
				Fixes json.RawMessage `json:"fixes"`
				Stack json.RawMessage `json:"stack"`
			}
			if err := json.Unmarshal([]byte(js), &r); err != nil {
				t.Fatal(err)
			}
			var doc bytes.Buffer
			json.Indent(&doc, []byte(`{"fixes":`+string(r.Fixes)+`,"stack":`+string(r.Stack)+`}`), "", "  ")
			norm := func(s string) string {
				return durationMS.ReplaceAllString(durations.ReplaceAllString(port.ReplaceAllString(s, "127.0.0.1:PORT"), "($1, DURATION)"), `"duration_ms": 0`)
			}
			for ext, out := range map[string]string{".golden": norm(text), ".json": norm(doc.String()) + "\n"} {
				golden := filepath.Join("testdata", "check-stack-"+stack+ext)
				if *update {
					if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatal(err)
				}
				if out != string(want) {
					t.Errorf("output differs from %s (run with -update after checking):\n%s", golden, out)
				}
			}
			// Both name the stack's own settings.
			if !strings.Contains(text, "Stack") && !strings.Contains(text, "In ") {
				t.Errorf("no stack section:\n%s", text)
			}
		})
	}
}

// --stack auto says which stack it assumed when unsure, and lists the
// names; a stack the response shows is named with its evidence.
func TestCheckStackDetection(t *testing.T) {
	nginxLike := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Server", "nginx/1.22.1")
	}))
	defer nginxLike.Close()
	out, _, code := cli(t, "check", nginxLike.URL, "--origin", page)
	if code != 1 || !strings.Contains(out, "In nginx:") || !strings.Contains(out, "Stack detected: nginx (from Server: nginx/1.22.1)") ||
		!strings.Contains(out, "add_header") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	bare := httptest.NewServer(http.NotFoundHandler())
	defer bare.Close()
	out, _, _ = cli(t, "check", bare.URL, "--origin", page)
	if !strings.Contains(out, "Stack not recognised from the answers: assumed corskit. Choose yours with --stack: corskit, rs-cors") {
		t.Errorf("unsure:\n%s", out)
	}
	_, errOut, code := cli(t, "check", bare.URL, "--origin", page, "--stack", "tomcat")
	if code != 2 || strings.Count(strings.TrimSpace(errOut), "\n") > 0 || !strings.Contains(errOut, "express") {
		t.Errorf("unknown stack: exit %d, %q", code, errOut)
	}
}

// check --curl and --fetch take DevTools' copies; without an Origin or
// Referer in the copy, --origin is asked for in one line, exit 2.
func TestCheckDevToolsCopies(t *testing.T) {
	srv := apiServer(t)
	curl := `curl '` + srv.URL + `/items/1' -X 'PUT' -H 'content-type: application/json' -H 'origin: ` + page + `' --data-raw '{}'`
	out, errOut, code := cli(t, "check", "--curl", curl)
	if code != 0 || !strings.Contains(out, "PUT "+srv.URL+"/items/1 from origin "+page) {
		t.Errorf("--curl: exit %d %s\n%s", code, errOut, out)
	}
	fetchJS := `fetch("` + srv.URL + `/items/1", {"headers": {"x-debug": "1"}, "method": "GET", "mode": "cors", "credentials": "include"});`
	_, errOut, code = cli(t, "check", "--fetch", fetchJS)
	if code != 2 || strings.Count(strings.TrimSpace(errOut), "\n") > 0 || !strings.Contains(errOut, "--origin") {
		t.Errorf("--fetch without origin: exit %d %q", code, errOut)
	}
	out, _, code = cli(t, "check", "--fetch", fetchJS, "--origin", page)
	if code != 1 || !strings.Contains(out, "x-debug is not allowed") {
		t.Errorf("--fetch --origin: exit %d\n%s", code, out)
	}
	_, errOut, code = cli(t, "check", "--curl", "curl 'unterminated")
	if code != 2 || !strings.HasPrefix(errOut, "corskit check: --curl") && !strings.Contains(errOut, "--curl") {
		t.Errorf("bad copy: exit %d %q", code, errOut)
	}
}

// --resolve sends a name to an address (the staging-host case), and -k
// accepts a certificate no one vouches for; without -k the failure is
// named as Chromium names it and exits 3, not BLOCKED.
func TestCheckResolveInsecure(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))
		w.Header().Set("Vary", "Origin")
	}))
	defer srv.Close()
	_, p, _ := net.SplitHostPort(strings.TrimPrefix(srv.URL, "https://"))
	target := "https://staging.example.com:" + p + "/api"
	resolve := "staging.example.com:" + p + ":127.0.0.1"
	out, errOut, code := cli(t, "check", target, "--origin", page, "--resolve", resolve)
	if code != 3 || strings.Contains(out, "BLOCKED") || !strings.Contains(out, "NETWORK ERROR net::ERR_CERT_AUTHORITY_INVALID") ||
		!strings.Contains(errOut, "net::ERR_CERT_AUTHORITY_INVALID") {
		t.Errorf("untrusted: exit %d %q\n%s", code, errOut, out)
	}
	out, errOut, code = cli(t, "check", target, "--origin", page, "--resolve", resolve, "-k")
	if code != 0 || !strings.Contains(out, "ALLOWED") {
		t.Errorf("-k: exit %d %q\n%s", code, errOut, out)
	}
	// It reflects any origin: a security warning though ALLOWED.
	if !strings.Contains(out, "[reflect-any-origin] security:") {
		t.Errorf("no reflection warning:\n%s", out)
	}
	_, errOut, code = cli(t, "check", "https://no-such-host.invalid/", "--origin", page)
	if code != 3 || !strings.Contains(errOut, "net::ERR_NAME_NOT_RESOLVED") {
		t.Errorf("DNS: exit %d %q", code, errOut)
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	out, errOut, code = cli(t, "check", "http://"+addr+"/", "--origin", page, "--json")
	var r map[string]any
	if err := json.Unmarshal([]byte(out), &r); err != nil || code != 3 || r["verdict"] != "network-error" || r["net_error"] != "net::ERR_CONNECTION_REFUSED" {
		t.Errorf("refused: exit %d %v %q %v", code, err, errOut, r["verdict"])
	}
	_, errOut, code = cli(t, "check", target, "--origin", page, "--resolve", "nonsense")
	if code != 2 || !strings.Contains(errOut, "--resolve") {
		t.Errorf("bad --resolve: exit %d %q", code, errOut)
	}
}
