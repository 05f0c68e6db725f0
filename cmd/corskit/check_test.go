package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/corskit/corskit/cors"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// binary is the corskit CLI built once for the end-to-end tests.
var binary string

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "corskit-cli-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "corskit")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building the CLI: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// cli runs the built binary; NO_COLOR keeps output plain even on a terminal.
func cli(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return o.String(), e.String(), code
}

const page = "https://app.example.com"

// apiServer serves an API behind a known policy, without Date headers so
// that traces compare byte for byte.
func apiServer(t *testing.T) *httptest.Server {
	t.Helper()
	mw, err := cors.New(cors.Config{
		AllowedOrigins:   []string{page},
		AllowCredentials: true,
		AllowedMethods:   []string{"PUT"},
		AllowedHeaders:   []string{"Content-Type"},
		ExposedHeaders:   []string{"X-Request-Id"},
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Date"] = nil
		mw.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Request-Id", "7")
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintln(w, `{"ok":true}`)
		})).ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestCheckExitStatus(t *testing.T) {
	srv := apiServer(t)
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string // in stderr, which must be one line when set
	}{
		{"allowed get", []string{"check", srv.URL + "/items", "--origin", page}, 0, ""},
		{"allowed put", []string{"check", srv.URL + "/items/1", "--origin", page, "-X", "PUT", "-H", "Content-Type: application/json", "--data", "{}", "--credentials", "include"}, 0, ""},
		{"flags before URL", []string{"check", "--origin", page, srv.URL + "/items"}, 0, ""},
		{"other origin", []string{"check", srv.URL + "/items", "--origin", "https://evil.example"}, 1, ""},
		{"header not allowed", []string{"check", srv.URL + "/items", "--origin", page, "-H", "X-Debug: 1"}, 1, ""},
		{"method not allowed", []string{"check", srv.URL + "/items", "--origin", page, "-X", "DELETE"}, 1, ""},
		{"spec profile", []string{"check", srv.URL + "/items", "--origin", page, "--profile", "spec"}, 0, ""},
		{"refused", []string{"check", closedURL + "/x", "--origin", page}, 3, strings.TrimPrefix(closedURL, "http://") + ": dial: connect: connection refused"},
		// The resolver may answer "no such host" or stay silent: either way
		// a network error naming the host.
		{"dns", []string{"check", "http://no-such-host.invalid/x", "--origin", page, "--timeout", "5s"}, 3, "no-such-host.invalid: "},
		// Refused by every browser before any request: blocked (1), not a
		// network error of the tool (3).
		{"bad port", []string{"check", "http://127.0.0.1:6000/x", "--origin", page}, 1, ""},
		{"missing url", []string{"check", "--origin", page}, 2, "missing URL"},
		{"missing origin", []string{"check", srv.URL}, 2, "missing --origin"},
		{"bad origin", []string{"check", srv.URL, "--origin", "https://a.com/path"}, 2, `--origin "https://a.com/path": has a path`},
		{"bad url", []string{"check", "::not a url", "--origin", page}, 2, "want an absolute http:// or https:// URL"},
		{"relative url", []string{"check", "/items", "--origin", page}, 2, "want an absolute"},
		{"bad header flag", []string{"check", srv.URL, "--origin", page, "-H", "NoColon"}, 2, "want 'Name: value'"},
		{"bad credentials", []string{"check", srv.URL, "--origin", page, "--credentials", "always"}, 2, "must be one of omit, same-origin, include"},
		{"bad mode", []string{"check", srv.URL, "--origin", page, "--mode", "navigate"}, 2, "must be one of"},
		{"bad header name", []string{"check", srv.URL, "--origin", page, "-H", "X(: 1"}, 2, "not a token"},
		{"two urls", []string{"check", srv.URL, srv.URL, "--origin", page}, 2, "one URL at a time"},
		{"bad timeout", []string{"check", srv.URL, "--origin", page, "--timeout", "-1s"}, 2, "--timeout must be positive"},
		{"har missing", []string{"check", "--har", "testdata/nope.har"}, 2, "no such file"},
		{"har not json", []string{"check", "--har", "testdata/not-json.har"}, 2, "not valid JSON at line 1"},
		{"har truncated", []string{"check", "--har", "testdata/truncated.har"}, 2, "truncated"},
		{"har with url", []string{"check", "--har", "x.har", srv.URL}, 2, "--har takes no URL"},
		{"har blocked calls", []string{"check", "--har", "internal/har/testdata/demo-chromium.har"}, 1, ""},
		{"har device", []string{"check", "--har", "/dev/zero"}, 2, "--har /dev/zero: not a regular file"},
		{"har directory", []string{"check", "--har", "testdata"}, 2, "a directory"},
		{"har nothing readable", []string{"check", "--har", "testdata/all-malformed.har"}, 2, "no entry could be diagnosed (2 skipped)"},
		{"method not a token", []string{"check", srv.URL, "--origin", page, "-X", "P T"}, 2, `method "P T": not a valid HTTP method`},
		{"method with CRLF", []string{"check", srv.URL, "--origin", page, "-X", "PUT\r\nX-Injected: 1"}, 2, `method "PUT\r\nX-Injected: 1": not a valid HTTP method`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := cli(t, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, out, errOut)
			}
			if tc.msg != "" {
				if strings.Count(strings.TrimSpace(errOut), "\n") > 0 || !strings.Contains(errOut, tc.msg) {
					t.Errorf("stderr %q: want one line containing %q", errOut, tc.msg)
				}
				if strings.Contains(errOut, "goroutine") || strings.Contains(errOut, "panic") {
					t.Errorf("stack trace on stderr: %s", errOut)
				}
			}
		})
	}
}

// One malformed HAR entry does not abort the file: each is reported as
// skipped, with its index and reason, and the rest is diagnosed (here one
// allowed call: exit 0).
func TestCheckHARSkipsMalformedEntries(t *testing.T) {
	out, errOut, code := cli(t, "check", "--har", "testdata/some-malformed.har")
	if code != 0 {
		t.Fatalf("exit %d, want 0\n%s%s", code, out, errOut)
	}
	for _, want := range []string{
		"HAR entry 0\n",
		`HAR entry 1 skipped: request header name "X Bad" is not a token`,
		`HAR entry 2 skipped: response header "Access-Control-Allow-Origin": value contains control byte 0x0D`,
		`HAR entry 3 skipped: URL "javascript:alert(1)" is not an absolute http(s) URL`,
		"1 cross-origin requests in testdata/some-malformed.har, 0 blocked, 3 entries skipped.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "X-Injected") {
		t.Errorf("a CR/LF value reached the output:\n%s", out)
	}
	out, _, code = cli(t, "check", "--har", "testdata/some-malformed.har", "--json")
	var hr struct {
		Requests []map[string]any `json:"requests"`
		Skipped  []struct {
			Entry  int    `json:"har_entry"`
			Reason string `json:"reason"`
		} `json:"skipped"`
	}
	if err := json.Unmarshal([]byte(out), &hr); err != nil || code != 0 || len(hr.Requests) != 1 || len(hr.Skipped) != 3 || hr.Skipped[0].Entry != 1 {
		t.Errorf("HAR JSON: exit %d, %v, %+v", code, err, hr)
	}
}

// 10,000 -H flags (1 MiB of headers) are refused at once with one line,
// exit 2: they used to cost 4.75 s of header combining.
func TestCheckManyHeaders(t *testing.T) {
	args := []string{"check", "http://127.0.0.1:1/", "--origin", page}
	for range 10_000 {
		args = append(args, "-H", "X-Same: "+strings.Repeat("a", 100))
	}
	start := time.Now()
	_, errOut, code := cli(t, args...)
	if code != 2 || !strings.Contains(errOut, "10000 headers, more than the model's bound of 256") || strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %v", d)
	}
}

// TestCheckJSON checks the --json schema of docs/check-json.md.
func TestCheckJSON(t *testing.T) {
	srv := apiServer(t)
	out, _, code := cli(t, "check", srv.URL+"/items", "--origin", page, "-H", "X-Debug: 1", "--json")
	if code != 1 {
		t.Fatalf("exit %d", code)
	}
	var r map[string]any
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	types := map[string]string{
		"verdict": "string", "message": "string", "status": "float64", "readable_headers": "[]interface {}",
		"preflight_sent": "bool", "fixes": "[]interface {}", "warnings": "[]interface {}", "trace": "[]interface {}",
		"diagnosis": "map[string]interface {}", "request": "map[string]interface {}",
	}
	for k, typ := range types {
		if got := fmt.Sprintf("%T", r[k]); got != typ {
			t.Errorf("%s: type %s, want %s", k, got, typ)
		}
	}
	if r["verdict"] != "blocked" || r["preflight_sent"] != true || r["status"] != 0.0 ||
		!strings.Contains(r["message"].(string), "Request header field x-debug is not allowed") {
		t.Errorf("report: %v", r)
	}
	fix := r["fixes"].([]any)[0].(map[string]any)
	if fix["response"] != "preflight" || fix["header"] != "Access-Control-Allow-Headers" || fix["value"] != "content-type, x-debug" {
		t.Errorf("first fix: %v", fix)
	}
	trace := r["trace"].([]any)
	if len(trace) != 1 || trace[0].(map[string]any)["kind"] != "preflight" {
		t.Errorf("trace: %v", trace)
	}

	out, _, code = cli(t, "check", srv.URL+"/items", "--origin", page, "--json")
	if err := json.Unmarshal([]byte(out), &r); err != nil || code != 0 {
		t.Fatalf("exit %d, %v", code, err)
	}
	if r["verdict"] != "allowed" || r["message"] != "" || r["status"] != 200.0 {
		t.Errorf("allowed report: %v", r)
	}
	if h := fmt.Sprint(r["readable_headers"]); h != "[content-length content-type x-request-id]" {
		t.Errorf("readable headers %s", h)
	}

	out, _, code = cli(t, "check", "--har", "internal/har/testdata/demo-chromium.har", "--json")
	var hr struct {
		Requests []map[string]any `json:"requests"`
		Blocked  int              `json:"blocked"`
	}
	if err := json.Unmarshal([]byte(out), &hr); err != nil || code != 1 || len(hr.Requests) != 6 || hr.Blocked != 3 {
		t.Errorf("HAR JSON: exit %d, %v, %d requests, %d blocked", code, err, len(hr.Requests), hr.Blocked)
	}
}

var (
	durations = regexp.MustCompile(`\(([a-z-]+(, with credentials)?), [0-9.]+[µnm]?s\)`)
	port      = regexp.MustCompile(`127\.0\.0\.1:\d+`)
)

// TestCheckGolden pins the text output, with ports and timings normalised.
func TestCheckGolden(t *testing.T) {
	srv := apiServer(t)
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"allowed-put", []string{"-X", "PUT", "-H", "Content-Type: application/json", "--data", "{}", "--credentials", "include"}},
		{"blocked-header", []string{"-H", "X-Debug: 1"}},
		{"blocked-origin", []string{"--origin", "https://evil.example"}},
		// Chromium safelists the client hint; Firefox and WebKit preflight
		// it, and this server's preflight does not allow it.
		{"engines-differ-client-hint", []string{"-H", "Device-Memory: 1"}},
		{"blocked-header-chromium", []string{"-H", "X-Debug: 1", "--profile", "chromium"}},
		{"blocked-header-webkit", []string{"-H", "X-Debug: 1", "--browser", "webkit"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"check", srv.URL + "/items/1", "--origin", page}, tc.args...)
			out, _, _ := cli(t, args...)
			out = durations.ReplaceAllString(port.ReplaceAllString(out, "127.0.0.1:PORT"), "($1, DURATION)")
			golden := filepath.Join("testdata", "check-"+tc.name+".golden")
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
		})
	}
}

// --browser all --json keeps Chromium's report at the top level and adds
// each engine's under "browsers", with that engine's console lines.
func TestCheckJSONBrowsers(t *testing.T) {
	srv := apiServer(t)
	out, _, code := cli(t, "check", srv.URL+"/items/1", "--origin", page, "-H", "Device-Memory: 1", "--browser", "all", "--json")
	if code != 1 {
		t.Fatalf("exit %d, want 1 (blocked in Firefox and WebKit)", code)
	}
	var r struct {
		Verdict  string
		Console  []string
		Request  struct{ Profile string }
		Browsers map[string]struct {
			Verdict   string
			Message   string
			Console   []string
			TypeError string `json:"type_error"`
			Request   struct{ Profile string }
		}
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r.Verdict != "allowed" || r.Request.Profile != "chromium" || len(r.Console) != 0 {
		t.Errorf("top level: %+v, want Chromium's allowed report", r)
	}
	for name, want := range map[string]struct{ verdict, typeErr, consolePrefix string }{
		"chromium": {"allowed", "", ""},
		"firefox":  {"blocked", "NetworkError when attempting to fetch resource.", "Cross-Origin Request Blocked: "},
		"webkit":   {"blocked", "Load failed", "Request header field Device-Memory is not allowed"},
	} {
		b, ok := r.Browsers[name]
		switch {
		case !ok:
			t.Errorf("browsers.%s missing", name)
		case b.Verdict != want.verdict || b.TypeError != want.typeErr || b.Request.Profile != name:
			t.Errorf("browsers.%s = %+v, want verdict %s, type_error %q", name, b, want.verdict, want.typeErr)
		case want.consolePrefix != "" && (len(b.Console) == 0 || !strings.HasPrefix(b.Console[0], want.consolePrefix) || b.Message != strings.Join(b.Console, "\n")):
			t.Errorf("browsers.%s console %q, message %q", name, b.Console, b.Message)
		}
	}
	// Without --browser, --json is Chromium's report alone, as before.
	out, _, _ = cli(t, "check", srv.URL+"/items/1", "--origin", page, "-H", "Device-Memory: 1", "--json")
	if strings.Contains(out, `"browsers"`) {
		t.Errorf("plain --json has a browsers object:\n%s", out)
	}
}

// The in-process path reports the same exit status as the binary, and
// honours a closed listener as a network error.
func TestCheckInProcess(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	var stdout, stderr bytes.Buffer
	if code := run(t.Context(), []string{"check", "http://" + addr + "/", "--origin", page}, &stdout, &stderr); code != 3 {
		t.Errorf("exit %d, want 3: %s", code, stderr.String())
	}
}

// stallingServer sends its headers and the start of a body, then stalls
// until the test ends: a slow or stuck backend.
func stallingServer(t *testing.T, allowOrigin string) *httptest.Server {
	t.Helper()
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", allowOrigin)
		w.Header().Set("Content-Length", "1000")
		w.WriteHeader(http.StatusOK)
		w.Write([]byte("partial"))
		w.(http.Flusher).Flush()
		select {
		case <-done:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(done); srv.Close() })
	return srv
}

// When the deadline hits mid-body, check keeps the headers it received
// (they are the diagnosis), gives the verdict they imply, and says the
// body timed out.
func TestCheckBodyTimeout(t *testing.T) {
	for _, tc := range []struct {
		allow, verdict string
		code           int
	}{
		{page, "ALLOWED", 0},
		{"https://other.example", "BLOCKED", 1},
	} {
		srv := stallingServer(t, tc.allow)
		start := time.Now()
		out, errOut, code := cli(t, "check", srv.URL+"/slow", "--origin", page, "--timeout", "500ms")
		if code != tc.code || !strings.Contains(out, tc.verdict) {
			t.Fatalf("exit %d, want %d with %s\nstdout:\n%s\nstderr:\n%s", code, tc.code, tc.verdict, out, errOut)
		}
		for _, want := range []string{
			"< Access-Control-Allow-Origin: " + tc.allow,
			"! body timed out after 7 bytes; the headers arrived whole, and the verdict rests on them",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("took %v with --timeout 500ms", d)
		}
		out, _, _ = cli(t, "check", srv.URL+"/slow", "--origin", page, "--timeout", "500ms", "--json")
		var r struct {
			Verdict string `json:"verdict"`
			Trace   []struct {
				BodyError string `json:"body_error"`
			} `json:"trace"`
		}
		if err := json.Unmarshal([]byte(out), &r); err != nil || len(r.Trace) != 1 || !strings.HasPrefix(r.Trace[0].BodyError, "body timed out after 7 bytes") {
			t.Errorf("JSON: %v %+v\n%s", err, r, out)
		}
	}
}

// The reflection probe never repeats the call: a DELETE that a reflecting
// server allows reaches it once, and the probe from the made-up origin is a
// body-less GET. The security warning is still given.
func TestCheckReflectionProbeIsSafe(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Method+" "+r.Header.Get("Origin"))
		mu.Unlock()
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))
		h.Set("Access-Control-Allow-Credentials", "true")
		h.Set("Access-Control-Allow-Methods", "DELETE")
		h.Set("Vary", "Origin")
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	out, errOut, code := cli(t, "check", srv.URL+"/items/1", "--origin", page, "-X", "DELETE", "--credentials", "include", "--profile", "chromium")
	if code != 0 {
		t.Fatalf("exit %d, want 0\n%s%s", code, out, errOut)
	}
	if !strings.Contains(out, "[reflect-any-origin] security:") {
		t.Errorf("no reflection warning:\n%s", out)
	}
	mu.Lock()
	defer mu.Unlock()
	want := []string{"OPTIONS " + page, "DELETE " + page, "GET https://corskit-reflect-probe.example"}
	if strings.Join(seen, "\n") != strings.Join(want, "\n") {
		t.Errorf("server saw\n%s\nwant\n%s", strings.Join(seen, "\n"), strings.Join(want, "\n"))
	}
}

// `--browser all` models three engines, but a request they send alike
// reaches the server once: a checked DELETE is made once, not three times.
func TestCheckEnginesShareSends(t *testing.T) {
	var deletes, preflights atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodDelete:
			deletes.Add(1)
		case http.MethodOptions:
			preflights.Add(1)
		}
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", page)
		h.Set("Access-Control-Allow-Methods", "DELETE")
		h.Set("Vary", "Origin")
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	out, errOut, code := cli(t, "check", srv.URL+"/items/1", "--origin", page, "-X", "DELETE", "--browser", "all")
	if code != 0 || !strings.Contains(out, "ALLOWED in every engine") {
		t.Fatalf("exit %d, want 0 and ALLOWED in every engine\n%s%s", code, out, errOut)
	}
	if deletes.Load() != 1 || preflights.Load() != 1 {
		t.Errorf("server saw %d DELETE and %d OPTIONS, want 1 and 1", deletes.Load(), preflights.Load())
	}
}
