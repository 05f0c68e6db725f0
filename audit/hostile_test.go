package audit_test

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/corskit/corskit/audit"
)

// rawServer answers every connection with f, on loopback.
func rawServer(t *testing.T, f func(c net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				f(c)
			}()
		}
	}()
	return "http://" + ln.Addr().String() + "/"
}

func readRequest(c net.Conn) {
	r := bufio.NewReader(c)
	for {
		l, err := r.ReadString('\n')
		if err != nil || l == "\r\n" {
			return
		}
	}
}

// Hostile and broken servers give a per-target error or an empty audit,
// quickly, never a crash or a stuck scan.
func TestHostileServers(t *testing.T) {
	redirectLoop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Path, http.StatusFound)
	}))
	defer redirectLoop.Close()
	plainHTTP := httptest.NewServer(http.NotFoundHandler())
	defer plainHTTP.Close()
	for _, tc := range []struct {
		name    string
		url     string
		wantErr string // "" when the target must be audited without error
	}{
		{"hangs", rawServer(t, func(c net.Conn) { time.Sleep(5 * time.Second) }), "timeout"},
		{"resets", rawServer(t, func(c net.Conn) { c.(*net.TCPConn).SetLinger(0) }), "reset"},
		{"slowloris headers", rawServer(t, func(c net.Conn) {
			readRequest(c)
			c.Write([]byte("HTTP/1.1 200 OK\r\n"))
			for range 50 {
				c.Write([]byte("X-Slow: 1\r\n"))
				time.Sleep(50 * time.Millisecond)
			}
		}), "timeout"},
		// A complete answer with 10 MB of headers is an answer (see
		// e2e/audit_stream_test.go); headers past MaxResponseHeaderBytes
		// are refused, and memory stays bounded.
		{"headers past the cap", rawServer(t, func(c net.Conn) {
			readRequest(c)
			c.Write([]byte("HTTP/1.1 200 OK\r\n"))
			line := []byte("X-Big: " + strings.Repeat("a", 1000) + "\r\n")
			for range audit.MaxResponseHeaderBytes/1000 + 1000 {
				if _, err := c.Write(line); err != nil {
					return
				}
			}
		}), "header"},
		{"not HTTP", rawServer(t, func(c net.Conn) { readRequest(c); c.Write([]byte("SSH-2.0-OpenSSH\r\n")) }), "malformed"},
		{"TLS expected, plain HTTP served", strings.Replace(plainHTTP.URL, "http://", "https://", 1), "HTTPS"},
		{"redirect loop (not followed)", redirectLoop.URL + "/x", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := audit.New(audit.Options{Timeout: 500 * time.Millisecond})
			start := time.Now()
			res := s.Scan(context.Background(), audit.Target{URL: tc.url})
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v", d)
			}
			switch {
			case tc.wantErr == "" && res.Err != nil:
				t.Errorf("error %v", res.Err)
			case tc.wantErr != "" && (res.Err == nil || !strings.Contains(strings.ToLower(res.Err.Error()), strings.ToLower(tc.wantErr))):
				t.Errorf("error %v, want one mentioning %q", res.Err, tc.wantErr)
			}
		})
	}
}

// BenchmarkScan measures probes per second against a loopback server
// behind the cors middleware, one target at a time.
func BenchmarkScan(b *testing.B) {
	srv := httptest.NewServer(middleware(&testing.T{}, corsStrict))
	defer srv.Close()
	s := audit.New(audit.Options{})
	b.ReportAllocs()
	probes := 0
	start := time.Now()
	for b.Loop() {
		res := s.Scan(context.Background(), audit.Target{URL: srv.URL + "/me"})
		if res.Err != nil {
			b.Fatal(res.Err)
		}
		probes += res.Probes
	}
	b.ReportMetric(float64(probes)/time.Since(start).Seconds(), "probes/s")
	b.ReportMetric(float64(probes)/float64(b.N), "probes/target")
}
