// Package loopback runs the local HTTP servers of the demo, the playground
// and the conformance table: listeners on 127.0.0.1, named by the URL the
// browser should use, served together and shut down together.
package loopback

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"
)

// Server is one listener and the server that will serve it.
type Server struct {
	URL string // http://host:port, host as given to Listen
	ln  net.Listener
	srv *http.Server
}

// Listen listens on 127.0.0.1:port (0 picks a free port). host is how URL
// names the server: "127.0.0.1", or "localhost" to make a different origin
// (and site) on the same address.
func Listen(host string, port int) (*Server, error) {
	ln, err := net.Listen("tcp4", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return nil, err
	}
	return &Server{
		URL: "http://" + host + ":" + strconv.Itoa(ln.Addr().(*net.TCPAddr).Port),
		ln:  ln,
		srv: &http.Server{ReadHeaderTimeout: 10 * time.Second},
	}, nil
}

// ListenAll opens one server per host, in order, with the given ports; on
// failure it closes what it opened and names the failing one.
func ListenAll(names, hosts []string, ports []int) ([]*Server, error) {
	var out []*Server
	for i := range hosts {
		s, err := Listen(hosts[i], ports[i])
		if err != nil {
			Close(out...)
			return nil, fmt.Errorf("%s: %w", names[i], err)
		}
		out = append(out, s)
	}
	return out, nil
}

// Handle sets the handler; call it before Serve.
func (s *Server) Handle(h http.Handler) { s.srv.Handler = h }

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
