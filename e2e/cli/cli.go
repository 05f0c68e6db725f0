// Package cli builds the corskit command and runs it as a user would, for
// the tests of every module that drives it from outside (e2e, conformance):
// `go build ./cmd/corskit` from the repository root, then the binary with
// real arguments, its banner read for the URLs it prints.
package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// root is the repository root: this file is e2e/cli/cli.go in it. Tests
// always run from source, so the path the compiler recorded is there.
func root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// Build builds the corskit command from the root module, as a user does,
// into a temporary directory, and returns the binary's path.
func Build(ctx context.Context, t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "corskit")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/corskit")
	build.Dir = root()
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/corskit: %v\n%s", err, out)
	}
	return bin
}

// Start builds the CLI, runs it with args, and reads the URLs it prints as
// "label: http://..." lines until the banner's last line. stop sends the
// command Ctrl-C (SIGINT) and reports how it ended: anything but a clean
// exit within 10 s is an error. A command never stopped is killed when the
// test ends.
func Start(ctx context.Context, t testing.TB, args ...string) (urls map[string]string, stop func() error) {
	t.Helper()
	bin := Build(ctx, t)
	cmd := exec.CommandContext(ctx, bin, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start corskit %s: %v", args[0], err)
	}
	urls = ReadURLs(t, stdout)
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			cmd.Process.Kill()
			<-exited
		}
	})
	return urls, func() error {
		stopped = true
		if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
			return err
		}
		select {
		case err := <-exited:
			if err != nil {
				return fmt.Errorf("%s exited with %v after SIGINT, want status 0; stderr: %s", args[0], err, stderr.String())
			}
			return nil
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			return fmt.Errorf("%s did not stop within 10s of SIGINT", args[0])
		}
	}
}

// DemoOutcomes is what each scenario of the demo's walkthrough does in
// every browser, as its page explains: the tests of the page in each
// engine hold the page and the engine to it.
var DemoOutcomes = map[string]string{
	"same-origin":     "allowed",
	"simple-get":      "allowed",
	"preflight-put":   "allowed",
	"credentials":     "allowed",
	"bad-origin":      "blocked",
	"bad-header":      "blocked",
	"bad-credentials": "blocked",
}

// StartDemo runs `corskit demo` on free ports, as a user would, and
// returns the page's and the API's URLs as its banner prints them.
func StartDemo(ctx context.Context, t testing.TB) (page, api string, stop func() error) {
	t.Helper()
	urls, stop := Start(ctx, t, "demo", "--api-port", "0", "--web-port", "0")
	if urls["page"] == "" || urls["api"] == "" {
		t.Fatalf("corskit demo printed URLs %v, want page and api", urls)
	}
	return urls["page"], urls["api"], stop
}

var urlLine = regexp.MustCompile(`^\s*([a-z ]+):\s+(http://\S+)`)

// ReadURLs reads a command's banner up to its "Press Ctrl-C" or "Each
// scenario" line, collecting the "label: URL" lines, then keeps draining r
// so the command never blocks on a full pipe.
func ReadURLs(t testing.TB, r io.Reader) map[string]string {
	t.Helper()
	urls := map[string]string{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		if m := urlLine.FindStringSubmatch(line); m != nil {
			urls[m[1]] = m[2]
		}
		if strings.HasPrefix(line, "Press Ctrl-C") || strings.HasPrefix(line, "Each scenario") {
			break
		}
	}
	if len(urls) == 0 {
		t.Fatalf("the command printed no URLs (scan error %v)", sc.Err())
	}
	go func() {
		for sc.Scan() {
		}
	}()
	return urls
}
