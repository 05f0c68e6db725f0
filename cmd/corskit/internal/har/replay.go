package har

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/internal/fetchspec"
	"github.com/corskit/corskit/origin"
)

// Replayed is one cross-origin call of a HAR file, replayed through the
// model.
type Replayed struct {
	Entry  int // index of the call's first entry in the HAR's entries
	Result *fetch.Result

	// Results are the call as each engine of ReplayEngines replays it, in
	// the engines' order (Result is the first); nil from ReplayEach.
	Results []*fetch.Result

	// Held are, for a call with credentials 'include', the cookies each
	// engine (in the engines' order) holds for the API, stored from the
	// Set-Cookie lines of the entries before it by the engine's rules;
	// fetch.Profile.CookieSent says which go with the call. Nil for a call
	// without credentials.
	Held [][]fetch.Cookie
}

// Replay diagnoses every cross-origin call a page made in l (fetch and XHR
// entries carrying an Origin header), in order, by replaying the recorded
// responses through the browser model: nothing is sent. One model browser
// serves the whole file, its clock following the entries' start times, so
// preflight-cache hits the HAR shows (a request without its preflight)
// replay as hits.
//
// What a HAR cannot say is reconstructed: the page's origin is the Origin
// header (the Referer's origin for a request that was never sent); the
// script's headers are the request headers minus those the browser adds
// (User-Agent, Accept-Language, Priority, and the forbidden ones);
// credentials mode is "include" when a Cookie or Sec-Fetch-Storage-Access
// header went out, the default otherwise; the page (its URL and CSP, read
// by the gates before CORS: mixed content, connect-src) is the last
// document entry of the call's origin before it, so that a call the page's
// CSP refused, which the HAR records with no answer, is diagnosed as such.
//
// The entries l.Skipped lists are left out, and a call the model refuses
// (fetch() would throw, or it is beyond the model's bounds) is skipped with
// the reason; skipped returns both, in entry order. Replay's work is linear
// in the number of entries. The error is non-nil only when ctx ends.
func Replay(ctx context.Context, l *Log, p fetch.Profile) (out []Replayed, skipped []Skipped, err error) {
	skipped, err = ReplayEach(ctx, l, p, func(r Replayed) error {
		out = append(out, r)
		return nil
	})
	return out, skipped, err
}

// ReplayEach is Replay, handing each call's result to yield as soon as it
// is known instead of keeping them all, so that a caller that prints and
// forgets them keeps memory to the parsed log. An error from yield stops
// the replay and is returned.
func ReplayEach(ctx context.Context, l *Log, p fetch.Profile, yield func(Replayed) error) (skipped []Skipped, err error) {
	return ReplayEngines(ctx, l, []fetch.Profile{p}, func(r Replayed) error {
		r.Results = nil
		return yield(r)
	})
}

// ReplayEngines is ReplayEach in one model browser per engine, each with
// the recorded answers to itself: every call is handed to yield once, with
// each engine's result. A call that one engine refuses is skipped.
func ReplayEngines(ctx context.Context, l *Log, ps []fetch.Profile, yield func(Replayed) error) (skipped []Skipped, err error) {
	bad := make(map[int]bool, len(l.Skipped))
	for _, s := range l.Skipped {
		bad[s.Entry] = true
	}
	trs := make([]*replayTransport, len(ps))
	bs := make([]*fetch.Browser, len(ps))
	// The entries are indexed once; each engine's transport takes its
	// answers from its own copy of the queues (which share their arrays:
	// a queue is only ever resliced).
	index := newReplayTransport(l, bad).queues
	for k, p := range ps {
		trs[k] = &replayTransport{log: l, queues: maps.Clone(index)}
		// The HAR holds what went on the wire: each entry is replayed as
		// sent, not served from a cache of the entries before it.
		bs[k] = &fetch.Browser{Profile: p, Transport: trs[k], Now: trs[k].now, NoHTTPCache: true}
	}
	redirectTargets := map[string]bool{}
	docs := map[origin.Origin]*fetch.Page{} // each origin's last document so far
	spaces := addressSpaces{}
	var lastDoc *origin.Origin // the last document's
	jars := make([]jar, len(ps))
	next := 0 // next of l.Skipped to merge into skipped
	for i, e := range l.Entries {
		if err := ctx.Err(); err != nil {
			return skipped, err
		}
		for ; next < len(l.Skipped) && l.Skipped[next].Entry <= i; next++ {
			skipped = append(skipped, l.Skipped[next])
		}
		if bad[i] {
			continue
		}
		if loc := e.Response.RedirectURL; loc != "" {
			if u, err := url.Parse(e.Request.URL); err == nil {
				if target, err := u.Parse(loc); err == nil {
					redirectTargets[target.String()] = true
				}
			}
		}
		if o, pg, ok := document(e); ok {
			docs[o] = pg
			lastDoc = &o
			spaces.page(o, e)
		}
		req, ok := call(e, lastDoc)
		if !ok || redirectTargets[canonicalURL(e.Request.URL)] {
			storeCookies(jars, ps, &l.Entries[i], req, ok)
			continue
		}
		req.Page = docs[req.Origin]
		spaces.apply(bs, req.Origin, e)
		var held [][]fetch.Cookie
		if req.Credentials == fetch.CredentialsInclude {
			u, _ := url.Parse(e.Request.URL) // parsed by call already
			held = make([][]fetch.Cookie, len(jars))
			for k := range jars {
				held[k] = jars[k].held(req.Origin, u)
			}
		}
		results := make([]*fetch.Result, len(bs))
		var refused error
		for k, b := range bs {
			trs[k].setClock(e.StartedDateTime)
			if results[k], err = b.Fetch(ctx, req); err != nil && refused == nil {
				refused = err
			}
		}
		if refused != nil {
			if ctx.Err() != nil {
				return skipped, ctx.Err()
			}
			skipped = append(skipped, Skipped{Entry: i, Reason: strings.TrimPrefix(refused.Error(), "fetch: ")})
			continue
		}
		if err := yield(Replayed{Entry: i, Result: results[0], Results: results, Held: held}); err != nil {
			return skipped, err
		}
		// The call's own cookies are stored after it: they were not held
		// for the call that received them.
		storeCookies(jars, ps, &l.Entries[i], req, true)
	}
	skipped = append(skipped, l.Skipped[next:]...)
	return skipped, nil
}

// storeCookies stores the Set-Cookie lines of e's answer in each
// engine's jar (a preflight's are never stored).
func storeCookies(jars []jar, ps []fetch.Profile, e *Entry, req fetch.Request, isCall bool) {
	if isPreflight(e) || e.Response.Status == 0 {
		return
	}
	call := cookieCall(e, req, isCall)
	for k := range jars {
		jars[k].store(ps[k], e, call)
	}
}

// document reports whether e is a page the browser loaded (Chromium's
// "document" resource type, or, in a HAR without resource types such as
// Firefox's, an HTML answer to a GET) and returns its origin and the page
// as the gates before CORS read it: its URL and its CSP headers. A call's
// page is the last document of its origin before it: the calls a HAR
// records after a page loaded are that page's, until the next load.
// A redirect, or an entry without an answer, is no page.
func document(e Entry) (origin.Origin, *fetch.Page, bool) {
	switch e.ResourceType {
	case "document":
	case "":
		ct := strings.ToLower(HTTPHeader(e.Response.Headers).Get("Content-Type"))
		if e.Request.Method != http.MethodGet || !strings.HasPrefix(strings.TrimSpace(ct), "text/html") {
			return origin.Origin{}, nil, false
		}
	default:
		return origin.Origin{}, nil, false
	}
	if e.Response.Status < 200 || e.Response.Status > 299 {
		return origin.Origin{}, nil, false
	}
	u, err := url.Parse(e.Request.URL)
	if err != nil {
		return origin.Origin{}, nil, false
	}
	o := origin.FromURL(u)
	if o.IsOpaque() {
		return origin.Origin{}, nil, false
	}
	h := HTTPHeader(e.Response.Headers)
	u.Fragment, u.RawFragment = "", ""
	return o, &fetch.Page{URL: u.String(), CSP: h.Values("Content-Security-Policy"), CSPReportOnly: h.Values("Content-Security-Policy-Report-Only"),
		COEP: pageCOEP(h.Values("Cross-Origin-Embedder-Policy"))}, true
}

// call reconstructs the fetch() behind entry e, if it is a cross-origin
// call made by a page's script; lastDoc is the origin of the last document
// loaded before it, if any.
func call(e Entry, lastDoc *origin.Origin) (fetch.Request, bool) {
	kind, co, ok := entryKind(e) // kinds.go
	if !ok {
		return fetch.Request{}, false
	}
	h := HTTPHeader(e.Request.Headers)
	if !worthReplaying(e, kind, h) {
		return fetch.Request{}, false
	}
	if e.Request.Method == http.MethodOptions && h.Get("Access-Control-Request-Method") != "" {
		return fetch.Request{}, false // a preflight
	}
	page, err := origin.Parse(h.Get("Origin"))
	if err != nil && e.Response.Status == 0 && e.Response.Error != "" {
		// A request the browser never sent (its preflight failed) keeps
		// only its provisional headers: no Origin, but the Referer.
		if ref, rerr := url.Parse(h.Get("Referer")); rerr == nil && ref.Host != "" {
			page, err = origin.FromURL(ref), nil
		}
	}
	if err != nil && e.Response.Status == 0 && h.Get("Referer") == "" && lastDoc != nil && e.ResourceType != "" {
		// Nor is that Referer there when the policy drops it: an https
		// page's call to http, which Chromium refuses as mixed content and
		// records with no answer, no error text and an empty Referer. The
		// page is then the last one loaded.
		page, err = *lastDoc, nil
	}
	if err != nil && isElementLoad(kind) {
		// A no-cors element load sends no Origin: its page is the
		// Referer's origin, or the last page loaded.
		if ref, rerr := url.Parse(h.Get("Referer")); rerr == nil && ref.Host != "" {
			page, err = origin.FromURL(ref), nil
		} else if lastDoc != nil {
			page, err = *lastDoc, nil
		}
	}
	if err != nil || page.IsOpaque() {
		return fetch.Request{}, false
	}
	u, err := url.Parse(e.Request.URL)
	if err != nil || page.SameOrigin(origin.FromURL(u)) {
		return fetch.Request{}, false
	}
	req := fetch.Request{Origin: page, Method: e.Request.Method, URL: e.Request.URL}
	for _, x := range e.Request.Headers {
		name := strings.ToLower(x.Name)
		switch {
		case strings.HasPrefix(name, ":"), fetchspec.IsForbiddenRequestHeader(name),
			fetchspec.IsBrowserDefaultRequestHeader(name, x.Value):
			continue
		}
		req.Headers = append(req.Headers, fetch.Header{Name: x.Name, Value: x.Value})
	}
	if h.Get("Cookie") != "" || h.Get("Sec-Fetch-Storage-Access") != "" {
		req.Credentials = fetch.CredentialsInclude
	}
	if e.Request.PostData != nil {
		req.Body = e.Request.PostData.Text
	}
	if kind != fetch.KindFetch {
		if err := kind.Load(&req, co); err != nil {
			return fetch.Request{}, false
		}
	}
	return req, true
}

// replayTransport answers each request with the first unused recorded
// entry of the same method and URL (and of the same kind: preflight or
// not). The entries are indexed once by that key, each key's entries
// queued in file order, so each answer costs one map lookup.
type replayTransport struct {
	log    *Log
	mu     sync.Mutex
	queues map[replayKey][]int // entry indices not used yet, in order
	clock  time.Time
}

type replayKey struct {
	method, url string
	preflight   bool
}

func newReplayTransport(l *Log, bad map[int]bool) *replayTransport {
	t := &replayTransport{log: l, queues: make(map[replayKey][]int)}
	for i, e := range l.Entries {
		if bad[i] {
			continue
		}
		preflight := e.ResourceType == "preflight" || HTTPHeader(e.Request.Headers).Get("Access-Control-Request-Method") != ""
		k := replayKey{e.Request.Method, canonicalURL(e.Request.URL), preflight}
		t.queues[k] = append(t.queues[k], i)
	}
	return t
}

func (t *replayTransport) setClock(started string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if ts, err := time.Parse(time.RFC3339Nano, started); err == nil {
		t.clock = ts
	}
}

func (t *replayTransport) now() time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.clock
}

// Replay is RoundTrip: The recorded answers, as a fetch.Replayer, which is how the
// model calls a Transport in the WebAssembly build.
func (t *replayTransport) Replay(req *http.Request) (*http.Response, error) { return t.RoundTrip(req) }

func (t *replayTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	preflight := req.Method == http.MethodOptions && req.Header.Get("Access-Control-Request-Method") != ""
	key := req.URL.String()
	handshake := strings.EqualFold(req.Header.Get("Upgrade"), "websocket")
	if handshake { // the HAR records a WebSocket at its ws: or wss: URL
		u := *req.URL
		u.Scheme = strings.Replace(u.Scheme, "http", "ws", 1)
		key = u.String()
	}
	k := replayKey{req.Method, key, preflight}
	if q := t.queues[k]; len(q) > 0 {
		i := q[0]
		t.queues[k] = q[1:]
		e := &t.log.Entries[i]
		if e.Response.Status == 0 {
			return nil, fmt.Errorf("the HAR records no response for %s %s (%s)", req.Method, req.URL, orNone(e.Response.Error))
		}
		h := HTTPHeader(e.Response.Headers)
		if handshake {
			webSocketKey(e, h, req.Header.Get("Sec-WebSocket-Key")) // kinds.go
		}
		return &http.Response{
			StatusCode: e.Response.Status, Status: fmt.Sprintf("%d %s", e.Response.Status, e.Response.StatusText),
			Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header: h, Body: io.NopCloser(strings.NewReader(e.Response.Body())), Request: req,
		}, nil
	}
	kind := "request"
	if preflight {
		kind = "preflight"
	}
	return nil, fmt.Errorf("the HAR has no recorded %s for %s %s", kind, req.Method, req.URL)
}

// canonicalURL is raw as the model writes it once parsed (req.URL.String):
// a browser leaves | and ^ in a path unescaped in the HAR, and net/url
// escapes them, so the raw text would never find its own recording.
func canonicalURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.String()
}

func orNone(s string) string {
	if s == "" {
		return "no error recorded"
	}
	return s
}
