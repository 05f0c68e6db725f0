package realserver

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// StartTimeout bounds how long a starter waits for its server to answer
// before it fails the test.
const StartTimeout = 30 * time.Second

// Server is one running server on loopback. Every starter returns one; the
// server stops when the test that started it ends.
type Server struct {
	// Name says what runs: "nginx", "varnish", "express", "flask", "go".
	Name string
	// URL is http://127.0.0.1:PORT, without a trailing slash.
	URL string
	// Dir is the server's own temporary directory (configuration, pid
	// file, logs, cache); empty for Go servers.
	Dir string

	cmd   *exec.Cmd
	out   *logBuffer
	done  chan struct{} // closed when cmd has exited
	close func()        // stops the server, once
}

// Close stops the server now rather than when the test ends, for tests
// that need a server that has gone away. Calling it again does nothing.
func (s *Server) Close() {
	if s.close != nil {
		s.close()
	}
}

// Log returns what the server has printed so far (stdout and stderr
// together, and for nginx its error log). Starters add it to the failure
// message when the server does not start, and the test's log when a test
// that started it fails.
func (s *Server) Log() string {
	if s.out == nil {
		return ""
	}
	return s.out.String()
}

// Port returns the TCP port the server listens on.
func (s *Server) Port() int {
	_, p, _ := net.SplitHostPort(strings.TrimPrefix(s.URL, "http://"))
	n, _ := strconv.Atoi(p)
	return n
}

// logBuffer collects a process's output; the process writes to it from
// os/exec's copying goroutines while the test reads it.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	// Keep the last 256 KiB: a server that logs every request must not
	// grow the test's memory without bound.
	if b.buf.Len() > 256<<10 {
		rest := b.buf.Bytes()[b.buf.Len()-128<<10:]
		b.buf.Reset()
		b.buf.WriteString("[...]\n")
		b.buf.Write(rest)
	}
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// binary returns path, or $env when it is set, failing the test when the
// file is not there: a real-server test must never pass (or skip) without
// its server.
func binary(t testing.TB, name, env, path, pkg string) string {
	t.Helper()
	if p := os.Getenv(env); p != "" {
		path = p
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("realserver: %s not found at %s (Debian package %s; `make deps` installs it, or set $%s): this test runs the real server and is never skipped",
			name, path, pkg, env)
	}
	return path
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
// Another process may take it before the server binds it; starters that
// bind a port they were given retry with a fresh one when that happens.
func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("realserver: finding a free port: %v", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// process describes a server to run.
type process struct {
	name string
	bin  string
	args []string
	env  []string // added to the test's environment
	dir  string   // working directory and Server.Dir
	// port is the port the server was told to bind; 0 when the server
	// picks one itself and prints "PORT=n" on stdout.
	port int
	// ready, when set, must appear in the server's output before it
	// counts as started (besides its port accepting connections).
	ready string
	// logFile is a file the server logs to, appended to failure messages.
	logFile string
}

// errPortTaken reports that the server could not bind the port it was given.
var errPortTaken = errors.New("port taken")

// start runs p and waits until it answers on its port. The server's whole
// process group is stopped when the test ends.
func start(t testing.TB, p process) (*Server, error) {
	t.Helper()
	cmd := exec.Command(p.bin, p.args...)
	cmd.Dir = p.dir
	cmd.Env = append(os.Environ(), p.env...)
	// Own process group: nginx's workers and varnishd's child are stopped
	// with their parent, by the group id of the process started here.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out := &logBuffer{}
	cmd.Stderr = out
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("realserver: starting %s: %w", p.bin, err)
	}
	s := &Server{Name: p.name, Dir: p.dir, cmd: cmd, out: out, done: make(chan struct{})}

	ports := make(chan int, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		sent := false
		for sc.Scan() {
			line := sc.Text()
			out.Write([]byte(line + "\n"))
			if n, ok := strings.CutPrefix(line, "PORT="); ok && !sent {
				if port, err := strconv.Atoi(strings.TrimSpace(n)); err == nil {
					ports <- port
					sent = true
				}
			}
		}
		io.Copy(io.Discard, stdout)
		// Wait only after stdout is drained, as os/exec requires.
		cmd.Wait()
		close(s.done)
	}()
	var once sync.Once
	s.close = func() { once.Do(func() { s.stop(t, p.logFile) }) }
	t.Cleanup(s.close)

	deadline := time.After(StartTimeout)
	port := p.port
	if port == 0 {
		select {
		case port = <-ports:
		case <-s.done:
			return nil, s.failure(p, "exited before printing its port")
		case <-deadline:
			return nil, s.failure(p, "printed no port within "+StartTimeout.String())
		}
	}
	s.URL = "http://127.0.0.1:" + strconv.Itoa(port)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-s.done:
			if strings.Contains(s.logText(p.logFile), "in use") {
				return nil, errPortTaken
			}
			return nil, s.failure(p, "exited")
		case <-deadline:
			return nil, s.failure(p, "did not answer within "+StartTimeout.String())
		case <-tick.C:
		}
		if p.ready != "" && !strings.Contains(s.Log(), p.ready) {
			continue
		}
		// A connection is enough: the listening socket is bound and its
		// accept queue holds the connection until a worker takes it. An
		// HTTP probe would reach the backend behind a cache and spoil the
		// counts tests make there.
		c, err := net.DialTimeout("tcp4", "127.0.0.1:"+strconv.Itoa(port), time.Second)
		if err == nil {
			c.Close()
			return s, nil
		}
	}
}

// startRetry starts the process that mk describes for a fresh free port,
// again (three times at most) when another process took the port first.
func startRetry(t testing.TB, mk func(port int) process) *Server {
	t.Helper()
	var err error
	for range 3 {
		var s *Server
		s, err = start(t, mk(freePort(t)))
		if err == nil {
			return s
		}
		if !errors.Is(err, errPortTaken) {
			break
		}
	}
	t.Fatal(err)
	return nil
}

func (s *Server) logText(logFile string) string {
	text := s.Log()
	if logFile != "" {
		if b, err := os.ReadFile(logFile); err == nil && len(b) > 0 {
			text += "--- " + logFile + "\n" + string(b)
		}
	}
	return text
}

func (s *Server) failure(p process, what string) error {
	return fmt.Errorf("realserver: %s (%s %s) %s; its output:\n%s",
		p.name, p.bin, strings.Join(p.args, " "), what, s.logText(p.logFile))
}

// stop ends the server's process group: SIGTERM, then SIGKILL after five
// seconds. It logs the server's output when the test failed.
func (s *Server) stop(t testing.TB, logFile string) {
	pgid := s.cmd.Process.Pid
	select {
	case <-s.done:
	default:
		_ = syscall.Kill(-pgid, syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-pgid, syscall.SIGKILL)
			<-s.done
		}
	}
	// Helpers the server forked may outlive it (nginx's cache manager
	// exits on its own schedule): the group goes with the test.
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
	if t.Failed() {
		t.Logf("realserver: %s at %s printed:\n%s", s.Name, s.URL, s.logText(logFile))
	}
}

// sourceDir returns the directory of this package's source files, which
// the Express starter needs to find e2e/node.
func sourceDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(file)
}
