package loopback

import (
	"context"
	"net"
	"net/http"
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
