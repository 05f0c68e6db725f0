// Package sendonce lets several model browsers make the same call while the
// server sees it once.
//
// `corskit check --browser all`, the playground and the demo run one call
// through the Chromium, Firefox and WebKit models, each a browser of its
// own. Most of the requests they send are byte for byte the same, and
// sending a POST, PUT or DELETE three times to a real server would be a
// side effect nobody asked for. A Group sends each distinct request once
// and hands every later sender a replay of the recorded answer; requests
// that differ (one engine preflights where another does not, or sends other
// headers) are sent as usual.
//
// Requests are matched by their content and their rank: the n-th identical
// request of one session shares the n-th send with the n-th identical
// request of every other session, so a sequence that repeats a call gets a
// fresh answer for each repetition, as a browser would.
package sendonce

import (
	"bytes"
	"context"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/corskit/corskit/fetch"
)

// MaxBody is how much of a response body is recorded for the replays; the
// model keeps less than this (fetch keeps 1 MiB).
const MaxBody = 2 << 20

// A Group is the requests already sent on behalf of its sessions.
type Group struct {
	tr   http.RoundTripper
	mu   sync.Mutex
	sent map[string]*answer
}

// New returns a Group that sends through tr. An *http.Transport is wrapped
// with fetch.RawHeaderTransport, so that header values with control bytes
// still go out as browsers send them.
func New(tr http.RoundTripper) *Group {
	if t, ok := tr.(*http.Transport); ok {
		tr = fetch.RawHeaderTransport(t)
	}
	return &Group{tr: tr, sent: make(map[string]*answer)}
}

// Session returns the transport one model browser should use.
func (g *Group) Session() http.RoundTripper {
	return &session{g: g, seen: make(map[string]int)}
}

type session struct {
	g    *Group
	mu   sync.Mutex
	seen map[string]int // requests of this session by key, to rank repeats
}

// answer is one send. A pump reads its body into a shared buffer; every
// sender, the first included, reads the buffer at its own pace, so no
// sender's early Close or slow read takes the body from another.
type answer struct {
	head chan struct{} // closed when resp or err is known
	resp *http.Response
	err  error

	mu      sync.Mutex
	body    []byte
	ended   bool
	bodyErr error         // what ended the body early, if anything
	more    chan struct{} // closed and replaced whenever body grows or ends
}

func (s *session) RoundTrip(req *http.Request) (*http.Response, error) {
	key, body, err := requestKey(req)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	n := s.seen[key]
	s.seen[key] = n + 1
	s.mu.Unlock()
	key += "\x00" + strconv.Itoa(n)

	g := s.g
	g.mu.Lock()
	a, found := g.sent[key]
	if !found {
		a = &answer{head: make(chan struct{}), more: make(chan struct{})}
		g.sent[key] = a
	}
	g.mu.Unlock()

	if !found {
		if body != nil {
			req = req.Clone(req.Context())
			req.Body = io.NopCloser(bytes.NewReader(body))
			req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		}
		a.send(g.tr, req)
	}
	select {
	case <-a.head:
	case <-req.Context().Done():
		return nil, req.Context().Err()
	}
	if a.err != nil {
		return nil, a.err
	}
	r := *a.resp
	r.Header = a.resp.Header.Clone()
	r.Trailer = a.resp.Trailer.Clone()
	r.Request = req
	r.Body = &follower{a: a, ctx: req.Context()}
	return &r, nil
}

// send makes the round trip and starts the pump that records the body.
func (a *answer) send(tr http.RoundTripper, req *http.Request) {
	resp, err := tr.RoundTrip(req)
	a.resp, a.err = resp, err
	close(a.head)
	if err != nil {
		return
	}
	go a.pump(resp.Body)
}

// pump reads the body into the buffer until it ends, fails or reaches
// MaxBody (the model reads less than that), then closes it.
func (a *answer) pump(rc io.ReadCloser) {
	defer rc.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := rc.Read(buf)
		a.mu.Lock()
		if room := MaxBody - len(a.body); n > 0 && room > 0 {
			a.body = append(a.body, buf[:min(n, room)]...)
		}
		full := len(a.body) >= MaxBody
		if err != nil || full {
			a.ended = true
			if err != io.EOF && !full {
				a.bodyErr = err
			}
		}
		close(a.more)
		a.more = make(chan struct{})
		ended := a.ended
		a.mu.Unlock()
		if ended {
			return
		}
	}
}

// follower is one sender's view of the recorded body.
type follower struct {
	a   *answer
	ctx context.Context
	off int
}

func (f *follower) Read(p []byte) (int, error) {
	for {
		f.a.mu.Lock()
		if f.off < len(f.a.body) {
			n := copy(p, f.a.body[f.off:])
			f.off += n
			f.a.mu.Unlock()
			return n, nil
		}
		if f.a.ended {
			err := f.a.bodyErr
			f.a.mu.Unlock()
			if err == nil {
				err = io.EOF
			}
			return 0, err
		}
		more := f.a.more
		f.a.mu.Unlock()
		select {
		case <-more:
		case <-f.ctx.Done():
			return 0, f.ctx.Err()
		}
	}
}

// Close leaves the body to the pump: another sender may still read it.
func (f *follower) Close() error { return nil }

// requestKey is the request's content: method, URL, every header line in
// order, and the body, which it reads and returns for the send.
func requestKey(req *http.Request) (string, []byte, error) {
	var b strings.Builder
	b.WriteString(req.Method)
	b.WriteByte(' ')
	b.WriteString(req.URL.String())
	b.WriteByte('\n')
	if req.Host != "" {
		b.WriteString("Host: " + req.Host + "\n")
	}
	for _, name := range slices.Sorted(maps.Keys(req.Header)) {
		for _, v := range req.Header[name] {
			b.WriteString(name + ": " + v + "\n")
		}
	}
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		var err error
		body, err = io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return "", nil, err
		}
		b.WriteByte('\n')
		b.Write(body)
	}
	return b.String(), body, nil
}

// FetchEach makes req in one fresh model browser per engine, all at once
// under ctx's one deadline, sharing one Group over tr: no engine sees
// another's caches, and a request they send alike reaches the server once.
// space is the page's address space (fetch.Browser.PageAddressSpace). The
// results are in the engines' order, those that completed even when one
// failed; the error is the first engine's that failed (a request the model
// refuses fails in every engine alike, and so does a deadline).
func FetchEach(ctx context.Context, tr http.RoundTripper, engines []fetch.Profile, space fetch.AddressSpace, req fetch.Request) ([]*fetch.Result, error) {
	return New(tr).FetchEach(ctx, engines, space, req)
}

// FetchEach is the package's FetchEach in g: a request that an earlier
// call of g sent already is replayed, not sent again (check asks the same
// call once more in the other credentials mode, whose requests are the
// same on the wire).
func (g *Group) FetchEach(ctx context.Context, engines []fetch.Profile, space fetch.AddressSpace, req fetch.Request) ([]*fetch.Result, error) {
	results := make([]*fetch.Result, len(engines))
	errs := make([]error, len(engines))
	var wg sync.WaitGroup
	for i, p := range engines {
		session := g.Session()
		wg.Go(func() {
			b := &fetch.Browser{Profile: p, Transport: session, PageAddressSpace: space}
			results[i], errs[i] = b.Fetch(ctx, req)
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return results, err
		}
	}
	return results, nil
}
