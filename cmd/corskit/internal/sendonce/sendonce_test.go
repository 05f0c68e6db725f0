package sendonce_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/corskit/corskit/cmd/corskit/internal/sendonce"
)

// counting is a server that counts what reaches it, by method and body.
type counting struct {
	mu   sync.Mutex
	seen map[string]int
	n    atomic.Int64
}

func (c *counting) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	n := c.n.Add(1)
	c.mu.Lock()
	c.seen[r.Method+" "+r.URL.Path+" "+r.Header.Get("X-A")+" "+string(b)]++
	c.mu.Unlock()
	fmt.Fprintf(w, "answer %d", n)
}

func newCounting(t *testing.T) (*counting, string) {
	c := &counting{seen: map[string]int{}}
	srv := httptest.NewServer(c)
	t.Cleanup(srv.Close)
	return c, srv.URL
}

func do(t *testing.T, rt http.RoundTripper, method, url, xa, body string) string {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if body == "" {
		req.Body = http.NoBody
	}
	if xa != "" {
		req.Header.Set("X-A", xa)
	}
	res, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Three sessions sending the same DELETE, concurrently: the server sees it
// once, and every session reads the same answer.
func TestSameRequestSentOnce(t *testing.T) {
	c, url := newCounting(t)
	g := sendonce.New(http.DefaultTransport)
	var wg sync.WaitGroup
	answers := make([]string, 3)
	for i := range answers {
		s := g.Session()
		wg.Go(func() { answers[i] = do(t, s, "DELETE", url+"/items/1", "", "") })
	}
	wg.Wait()
	if c.n.Load() != 1 {
		t.Errorf("server saw %d requests, want 1: %v", c.n.Load(), c.seen)
	}
	for _, a := range answers {
		if a != "answer 1" {
			t.Errorf("answers %q, want each %q", answers, "answer 1")
		}
	}
}

// Requests that differ in method, header or body are each sent; a session
// that repeats a request sends the repetition, which the other sessions'
// repetitions then share.
func TestDifferentAndRepeatedRequests(t *testing.T) {
	c, url := newCounting(t)
	g := sendonce.New(http.DefaultTransport)
	a, b := g.Session(), g.Session()
	do(t, a, "POST", url+"/x", "", "one")
	do(t, b, "POST", url+"/x", "", "one")  // shares a's first
	do(t, b, "POST", url+"/x", "", "two")  // another body
	do(t, b, "POST", url+"/x", "h", "one") // another header
	do(t, a, "OPTIONS", url+"/x", "", "")  // another method
	if got := do(t, a, "POST", url+"/x", "", "one"); got != "answer 5" {
		t.Errorf("a's repetition got %q, want a fresh answer 5", got)
	}
	if got := do(t, b, "POST", url+"/x", "", "one"); got != "answer 5" {
		t.Errorf("b's repetition got %q, want the shared answer 5", got)
	}
	want := map[string]int{"POST /x  one": 2, "POST /x  two": 1, "POST /x h one": 1, "OPTIONS /x  ": 1}
	if fmt.Sprint(c.seen) != fmt.Sprint(want) {
		t.Errorf("server saw %v, want %v", c.seen, want)
	}
}

// The answer is handed over when its header arrives: a body that stalls
// does not hold the header back, each session reads what arrived, and one
// session closing its body early does not cut the others'.
func TestBodyStreamsToEverySession(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("first "))
		w.(http.Flusher).Flush()
		<-release
		w.Write([]byte("second"))
	}))
	t.Cleanup(srv.Close)
	g := sendonce.New(http.DefaultTransport)
	get := func(s http.RoundTripper) *http.Response {
		req, _ := http.NewRequest("GET", srv.URL, nil)
		res, err := s.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	a, b := get(g.Session()), get(g.Session()) // both before the body ends
	a.Body.Close()
	close(release)
	got, err := io.ReadAll(b.Body)
	if err != nil || string(got) != "first second" {
		t.Errorf("b read %q, %v; want the whole body", got, err)
	}
}

// A body cut short by the sender's deadline ends every session's read with
// that error, after the bytes that did arrive.
func TestBodyErrorReplayed(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100")
		w.Write([]byte("partial"))
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	g := sendonce.New(http.DefaultTransport)
	var res [2]*http.Response
	for i := range res {
		req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
		var err error
		if res[i], err = g.Session().RoundTrip(req); err != nil {
			t.Fatal(err)
		}
	}
	for i := range res {
		got, err := io.ReadAll(res[i].Body)
		if string(got) != "partial" || err == nil {
			t.Errorf("session %d read %q, %v; want %q and an error", i, got, err, "partial")
		}
	}
}
