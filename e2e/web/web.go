// Package web builds corskit's front end in the browser (`make web`:
// scripts/web.sh) once per test binary, and serves dist/web/ on loopback
// with a log of every request the server saw, for the tests of the page,
// the JavaScript API and the DevTools panel.
package web

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	once     sync.Once
	dist     string
	buildErr error
	output   []byte
)

// root is the repository root: this file is e2e/web/web.go in it.
func root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// Build runs scripts/web.sh into a temporary directory, once per test
// binary (the wasm takes the longest to build), and returns that dist
// directory: dist/web, dist/extension/{chromium,firefox}[.zip].
func Build(ctx context.Context, t testing.TB) string {
	t.Helper()
	once.Do(func() {
		dist, buildErr = os.MkdirTemp("", "corskit-dist-")
		if buildErr != nil {
			return
		}
		cmd := exec.CommandContext(ctx, "scripts/web.sh")
		cmd.Dir = root()
		cmd.Env = append(os.Environ(), "DIST="+dist)
		output, buildErr = cmd.CombinedOutput()
	})
	if buildErr != nil {
		t.Fatalf("scripts/web.sh (make web): %v\n%s", buildErr, output)
	}
	return dist
}

// Server serves a directory on loopback and logs the paths asked for.
type Server struct {
	URL string
	mu  sync.Mutex
	log []string
}

// Serve serves dir on a free loopback port until the test ends.
func Serve(t testing.TB, dir string) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{URL: "http://" + ln.Addr().String()}
	files := http.FileServer(http.Dir(dir))
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.log = append(s.log, r.Method+" "+r.URL.Path)
		s.mu.Unlock()
		files.ServeHTTP(w, r)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return s
}

// Log returns the requests served so far, "METHOD /path", in order.
func (s *Server) Log() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.log...)
}

// Xvfb starts an X display of its own for a headful browser and returns
// its DISPLAY value; it stops when the test ends.
func Xvfb(t testing.TB) string {
	t.Helper()
	bin, err := exec.LookPath("Xvfb")
	if err != nil {
		t.Fatalf("Xvfb: %v (scripts/ensure-deps.sh installs xvfb)", err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	// Xvfb picks a free display and writes its number on fd 3.
	cmd := exec.Command(bin, "-displayfd", "3", "-screen", "0", "1400x1000x24", "-nolisten", "tcp")
	cmd.ExtraFiles = []*os.File{w}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting Xvfb: %v", err)
	}
	w.Close()
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	display := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		r.Close()
		display <- strings.TrimSpace(line)
	}()
	select {
	case n := <-display:
		if _, err := strconv.Atoi(n); err == nil {
			return ":" + n
		}
	case <-time.After(20 * time.Second):
	}
	t.Fatal("Xvfb gave no display number")
	return ""
}
