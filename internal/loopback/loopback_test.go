package loopback

import (
	"context"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A client that opens a connection and never sends a request (as browsers
// do speculatively) must not keep Serve from returning cleanly.
func TestServeStopsDespiteIdleNewConnections(t *testing.T) {
	s, err := Listen("127.0.0.1", 0)
	if err != nil {
		t.Fatal(err)
	}
	s.Handle(http.NotFoundHandler())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, s) }()
	c, err := net.Dial("tcp", s.ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	time.Sleep(50 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve: %v, want a clean stop", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return")
	}
}

// serveTest serves h behind a Guard on a fresh server with timeouts t for
// the test's lifetime.
func serveTest(t *testing.T, tm Timeouts, h http.Handler) *Server {
	t.Helper()
	s, err := Listen("127.0.0.1", 0)
	if err != nil {
		t.Fatal(err)
	}
	s.SetTimeouts(tm)
	s.Handle(Guard{Port: s.Port}.Wrap(h))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, s) }()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return s
}

// TestTimeoutsCloseConnections opens many connections that hold the server
// the ways a careless or hostile client does: idle after a request
// (keep-alive), silent from the start, sending headers slowly, sending a
// body slowly. The server must close every one of them within its
// timeouts (plus slack), rather than let them pile up.
func TestTimeoutsCloseConnections(t *testing.T) {
	tm := Timeouts{ReadHeader: 300 * time.Millisecond, Read: 500 * time.Millisecond, Write: time.Second, Idle: 300 * time.Millisecond}
	s := serveTest(t, tm, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		io.WriteString(w, "ok")
	}))
	addr := s.ln.Addr().String()
	const n = 25 // of each kind
	kinds := []struct {
		name  string
		start string // what the client sends, then it stalls
	}{
		{"idle keep-alive", "GET / HTTP/1.1\r\nHost: " + addr + "\r\n\r\n"},
		{"silent", ""},
		{"slow headers", "GET / HTTP/1.1\r\nHost: " + addr + "\r\nX-Slow: "},
		{"slow body", "POST / HTTP/1.1\r\nHost: " + addr + "\r\nContent-Length: 1000\r\n\r\n{"},
	}
	var conns []net.Conn
	var names []string
	start := time.Now()
	for _, k := range kinds {
		for range n {
			c, err := net.Dial("tcp4", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if _, err := io.WriteString(c, k.start); err != nil {
				t.Fatal(err)
			}
			conns = append(conns, c)
			names = append(names, k.name)
		}
	}
	// Every connection must reach EOF (closed by the server) within the
	// longest timeout and a generous slack for a busy machine.
	limit := start.Add(tm.Read + 3*time.Second)
	var slowest time.Duration
	open := map[string]int{}
	for i, c := range conns {
		c.SetReadDeadline(limit)
		_, err := io.Copy(io.Discard, c) // returns nil at EOF
		if err != nil {
			open[names[i]]++
			continue
		}
		slowest = max(slowest, time.Since(start))
	}
	if len(open) > 0 {
		t.Fatalf("connections still open %v after start: %v (of %d each)", time.Since(start).Round(time.Millisecond), open, n)
	}
	t.Logf("%d connections closed by the server, the last after %v", len(conns), slowest.Round(time.Millisecond))
}

// TestGuard checks the guard's Host check, body bound and headers on a
// bare server; the playground and demo tests check them in place.
func TestGuard(t *testing.T) {
	var seen []byte
	s := serveTest(t, DefaultTimeouts, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen, _ = io.ReadAll(r.Body)
		io.WriteString(w, "ok")
	}))
	for _, tc := range []struct {
		name, host string
		body       io.Reader
		status     int
	}{
		{"own Host", "127.0.0.1:" + strconv.Itoa(s.Port), nil, 200},
		{"localhost", "localhost:" + strconv.Itoa(s.Port), nil, 200},
		{"foreign", "attacker.example:" + strconv.Itoa(s.Port), nil, 403},
		{"no port", "127.0.0.1", nil, 403},
		{"IPv6 loopback (not served)", "[::1]:" + strconv.Itoa(s.Port), nil, 403},
		{"body at the bound", "", strings.NewReader(strings.Repeat("x", 64<<10)), 200},
		{"body over the bound, known length", "", strings.NewReader(strings.Repeat("x", 64<<10+1)), 413},
		{"body over the bound, chunked", "", io.MultiReader(strings.NewReader(strings.Repeat("x", 64<<10+1))), 413},
	} {
		method := http.MethodGet
		if tc.body != nil {
			method = http.MethodPost
		}
		req, _ := http.NewRequest(method, s.URL+"/", tc.body)
		if tc.host != "" {
			req.Host = tc.host
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		text, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != tc.status {
			t.Errorf("%s: %d %q, want %d", tc.name, res.StatusCode, text, tc.status)
		}
		if res.StatusCode == 200 && tc.body != nil && len(seen) != 64<<10 {
			t.Errorf("%s: handler read %d bytes", tc.name, len(seen))
		}
		if res.Header.Get("X-Content-Type-Options") != "nosniff" || res.Header.Get("Content-Security-Policy") == "" {
			t.Errorf("%s: headers %v", tc.name, res.Header)
		}
	}
}
