// Package loopback runs the local HTTP servers of the demo, the playground
// and the conformance table: listeners on 127.0.0.1, named by the URL the
// browser should use, served together and shut down together.
//
// Every server is bounded (see Timeouts and MaxHeaderBytes), and Guard and
// API hold the one implementation of the checks that keep other web sites
// out of them; see the playground package for the threat model.
package loopback

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"syscall"
	"time"
)

// Timeouts bound how long one connection may hold a server, so that idle
// keep-alives and slow requests cannot pile up. A zero field means no
// bound (as in net/http); use DefaultTimeouts.
type Timeouts struct {
	// ReadHeader bounds reading a request line and its headers, including
	// the wait for the first byte of a new connection.
	ReadHeader time.Duration
	// Read bounds reading a whole request, body included.
	Read time.Duration
	// Write bounds the time from the end of the request headers to the end
	// of the response: it must exceed the longest handler (the model's
	// fetches have their own deadlines, at most 15 s).
	Write time.Duration
	// Idle bounds how long a keep-alive connection waits for its next
	// request.
	Idle time.Duration
}

// DefaultTimeouts are the bounds of every server Listen opens.
var DefaultTimeouts = Timeouts{
	ReadHeader: 5 * time.Second,
	Read:       10 * time.Second,
	Write:      30 * time.Second,
	Idle:       30 * time.Second,
}

// MaxHeaderBytes bounds a request's line and headers. Browsers send far
// less; a page's cookies for 127.0.0.1 or localhost count here.
const MaxHeaderBytes = 64 << 10

// Server is one listener and the server that will serve it.
type Server struct {
	URL  string // http://host:port, host as given to Listen
	Port int    // the port it listens on
	ln   net.Listener
	srv  *http.Server
}

// ListenError is a failure to listen; InUse says the port was taken.
type ListenError struct {
	Server string // which server, e.g. "page server"
	Port   int    // the port asked for
	InUse  bool
	Err    error
}

func (e *ListenError) Error() string {
	if e.InUse {
		return fmt.Sprintf("%s: port %d is already in use", e.Server, e.Port)
	}
	return fmt.Sprintf("%s: %v", e.Server, e.Err)
}

func (e *ListenError) Unwrap() error { return e.Err }

// Listen listens on 127.0.0.1:port (0 picks a free port). host is how URL
// names the server: "127.0.0.1", or "localhost" to make a different origin
// (and site) on the same address. The server has DefaultTimeouts.
func Listen(host string, port int) (*Server, error) {
	ln, err := net.Listen("tcp4", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return nil, err
	}
	p := ln.Addr().(*net.TCPAddr).Port
	s := &Server{
		URL:  "http://" + host + ":" + strconv.Itoa(p),
		Port: p,
		ln:   ln,
		srv:  &http.Server{MaxHeaderBytes: MaxHeaderBytes},
	}
	s.SetTimeouts(DefaultTimeouts)
	return s, nil
}

// SetTimeouts replaces the server's timeouts; call it before Serve.
func (s *Server) SetTimeouts(t Timeouts) {
	s.srv.ReadHeaderTimeout = t.ReadHeader
	s.srv.ReadTimeout = t.Read
	s.srv.WriteTimeout = t.Write
	s.srv.IdleTimeout = t.Idle
}

// ListenAll opens one server per host, in order, with the given ports; on
// failure it closes what it opened and returns a *ListenError naming the
// failing one.
func ListenAll(names, hosts []string, ports []int) ([]*Server, error) {
	var out []*Server
	for i := range hosts {
		s, err := Listen(hosts[i], ports[i])
		if err != nil {
			Close(out...)
			return nil, &ListenError{Server: names[i], Port: ports[i], InUse: errors.Is(err, syscall.EADDRINUSE), Err: err}
		}
		out = append(out, s)
	}
	return out, nil
}

// Handle sets the handler; call it before Serve.
func (s *Server) Handle(h http.Handler) { s.srv.Handler = h }

// Origins returns the two origins a browser may use for this server: its
// port under each name of the loopback address.
func (s *Server) Origins() []string {
	return []string{"http://127.0.0.1:" + strconv.Itoa(s.Port), "http://localhost:" + strconv.Itoa(s.Port)}
}

// Serve serves every server until ctx is done or one fails, then shuts
// them all down, gracefully when ctx ended.
func Serve(ctx context.Context, servers ...*Server) error {
	errc := make(chan error, len(servers))
	for _, s := range servers {
		go func() { errc <- s.srv.Serve(s.ln) }()
	}
	select {
	case err := <-errc:
		Close(servers...)
		return err
	case <-ctx.Done():
	}
	// Let requests in flight finish, briefly. Browsers keep speculative
	// connections open that never carry a request; Shutdown would wait on
	// them, so past the grace period the servers are closed outright, which
	// is still a clean stop.
	shutdown, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var errs []error
	for _, s := range servers {
		if err := s.srv.Shutdown(shutdown); err != nil && !errors.Is(err, context.DeadlineExceeded) {
			errs = append(errs, err)
		}
	}
	Close(servers...)
	return errors.Join(errs...)
}

// Close stops servers at once (and closes listeners never served).
func Close(servers ...*Server) {
	for _, s := range servers {
		s.srv.Close()
		s.ln.Close()
	}
}

// Transport is an http.Transport that reaches "localhost" at 127.0.0.1,
// where these servers listen (a resolver may offer ::1 first), and never
// uses a proxy.
func Transport() *http.Transport {
	d := &net.Dialer{Timeout: 5 * time.Second}
	return &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return d.DialContext(ctx, "tcp4", addr)
		},
		MaxIdleConnsPerHost:    8,
		MaxResponseHeaderBytes: 1 << 20,
		ResponseHeaderTimeout:  15 * time.Second,
	}
}
