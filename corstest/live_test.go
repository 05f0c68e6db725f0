package corstest_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/corskit/corskit/cors"
	"github.com/corskit/corskit/corstest"
	"github.com/corskit/corskit/fetch"
)

// TestInProcessAsOverTheWire is corstest's central promise: a page's call
// to a handler in process has the outcome it has over a real connection.
// For random valid configurations and random browser calls (the round
// trip's generators), the same middleware and handler answer twice: through
// HandlerTransport, and behind a real TLS server on loopback reached with
// http.Transport at the same URL. Verdict, reason, what was sent (preflight
// or not, status) and what the page may read must be the same, in every
// engine's model.
func TestInProcessAsOverTheWire(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 17))
	handler := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		for k, v := range rtResponseHdrs {
			w.Header().Set(k, v)
		}
		if req.Method != http.MethodHead {
			fmt.Fprint(w, "body of ", req.Method)
		}
	})
	var current http.Handler // the middleware of the configuration under test
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) { current.ServeHTTP(w, req) }))
	defer srv.Close()
	live := srv.Client().Transport.(*http.Transport).Clone()
	// Every host the generators use is this server; the certificate is
	// trusted by the clone, and not checked against the name.
	live.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, srv.Listener.Addr().String())
	}
	live.TLSClientConfig.InsecureSkipVerify = true
	defer live.CloseIdleConnections()

	checked := 0
	for range 60 {
		cfg := rtConfig(r)
		mw, err := cors.New(cfg)
		if err != nil {
			t.Fatalf("generated an invalid config %+v: %v", cfg, err)
		}
		current = mw.Wrap(handler)
		for i := range 10 {
			req := rtRequest(r)
			p := append(fetch.Profiles, fetch.Spec)[i%4]
			// A Browser each, so that both start from empty caches.
			in, err := (&fetch.Browser{Profile: p, Transport: corstest.HandlerTransport(current)}).Fetch(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			wire, err := (&fetch.Browser{Profile: p, Transport: live}).Fetch(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			checked++
			if a, b := outcome(in), outcome(wire); a != b {
				t.Fatalf("config %+v\nrequest %+v in %s\nin process: %s\nover the wire: %s\n%s\n%s",
					cfg, req, p.Name, a, b, corstest.ExplainIn(p, in), corstest.ExplainIn(p, wire))
			}
		}
	}
	t.Logf("%d calls compared", checked)
}

// outcome is what a call came to, as a page and its developer see it.
func outcome(res *fetch.Result) string {
	var exchanges []string
	for _, e := range res.Trace {
		exchanges = append(exchanges, fmt.Sprintf("%s %s %d", e.Kind, e.Method, e.Status))
	}
	s := fmt.Sprintf("allowed %v, exchanges %v", res.Allowed(), exchanges)
	if res.Err != nil {
		s += fmt.Sprintf(", blocked: %s %s %q", res.Err.Reason, res.Err.Header, res.Err.Value)
	}
	if res.Response != nil {
		names := res.Response.ReadableHeaderNames()
		slices.Sort(names)
		s += fmt.Sprintf(", status %d, readable %v, body %q", res.Response.Status, names, res.Response.Body)
	}
	return s
}
