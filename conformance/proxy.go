package conformance

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"strings"
	"time"
)

// NameProxy is an HTTP proxy that reaches the hosts it is given at
// 127.0.0.1, their ports kept: how MiniBrowser, which has no host
// resolver rules, is made to resolve the upgrade cases' names. https goes
// through CONNECT as a plain tunnel; http is forwarded. Loopback hosts
// are reached as they are: MiniBrowser sends an https page on 127.0.0.1
// through the proxy although --ignore-host names it.
type NameProxy struct {
	srv   *httptest.Server
	hosts map[string]bool
}

// StartNameProxy starts a proxy for hosts.
func StartNameProxy(hosts ...string) *NameProxy {
	p := &NameProxy{hosts: map[string]bool{}}
	for _, h := range hosts {
		p.hosts[h] = true
	}
	d := &net.Dialer{Timeout: 5 * time.Second}
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, port, err := net.SplitHostPort(addr)
		switch {
		case err != nil:
			return nil, err
		case p.hosts[strings.ToLower(host)]:
			return d.DialContext(ctx, "tcp", net.JoinHostPort("127.0.0.1", port))
		case loopbackHost(host):
			return d.DialContext(ctx, "tcp", addr) // MiniBrowser proxies these too, --ignore-host or not
		}
		return nil, &net.AddrError{Err: "not a host of this proxy", Addr: addr}
	}
	forward := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {}, Transport: &http.Transport{DialContext: dial}}
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodConnect {
			forward.ServeHTTP(w, r)
			return
		}
		up, err := dial(r.Context(), "tcp", r.Host)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			up.Close()
			return
		}
		conn.Write([]byte("HTTP/1.1 200 Connection Established\r\n\r\n"))
		go func() { io.Copy(up, buf); up.Close() }()
		io.Copy(conn, up)
		conn.Close()
	}))
	return p
}

// loopbackHost: localhost or a loopback address, which the proxy reaches
// as they are (it reaches nothing beyond this machine).
func loopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// URL is the proxy's address.
func (p *NameProxy) URL() string { return p.srv.URL }

// Close stops the proxy.
func (p *NameProxy) Close() { p.srv.CloseClientConnections(); p.srv.Close() }
