package fetch_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/corskit/corskit/corstest"
	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/origin"
)

var page = origin.MustParse("https://app.example.com")

// preflightServer allows PUT from page with the given Max-Age lines, and
// counts preflights.
func preflightServer(maxAge ...string) (http.Handler, *int) {
	n := new(int)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", page.String())
		if r.Method == http.MethodOptions {
			*n++
			w.Header().Set("Access-Control-Allow-Methods", "PUT")
			w.Header()["Access-Control-Max-Age"] = maxAge
			w.WriteHeader(http.StatusNoContent)
		}
	}), n
}

type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

// TestPreflightCacheExpiry checks how long a preflight result lives, with
// an injected clock: the 5 s default, Max-Age, Chromium's 2 h cap and the
// Spec profile's absence of one.
func TestPreflightCacheExpiry(t *testing.T) {
	for _, tc := range []struct {
		name    string
		profile fetch.Profile
		maxAge  []string
		fresh   time.Duration // still cached after this long
		stale   time.Duration // preflights again after this long
	}{
		{"default 5s", fetch.Chromium, nil, 4 * time.Second, 5 * time.Second},
		{"max-age 60", fetch.Chromium, []string{"60"}, 59 * time.Second, 60 * time.Second},
		{"chromium caps at 2h", fetch.Chromium, []string{"86400"}, 2*time.Hour - time.Second, 2 * time.Hour},
		{"spec has no cap", fetch.Spec, []string{"86400"}, 86399 * time.Second, 86400 * time.Second},
		{"invalid means default", fetch.Chromium, []string{"1e3"}, 4 * time.Second, 5 * time.Second},
		{"spec: negative means default", fetch.Spec, []string{"-1"}, 4 * time.Second, 5 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, after := range []time.Duration{tc.fresh, tc.stale} {
				h, n := preflightServer(tc.maxAge...)
				c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
				b := &fetch.Browser{Profile: tc.profile, Transport: corstest.HandlerTransport(h), Now: c.now}
				req := fetch.Request{Origin: page, Method: "PUT", URL: "https://api.example.com/x"}
				for range 2 {
					res, err := b.Fetch(context.Background(), req)
					if err != nil || !res.Allowed() {
						t.Fatalf("fetch: %v %v", err, res.Err)
					}
					c.advance(after)
				}
				want := 1
				if after == tc.stale {
					want = 2
				}
				if *n != want {
					t.Errorf("second fetch %v later: %d preflights, want %d", after, *n, want)
				}
			}
		})
	}
}

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		name     string
		req      fetch.Request
		profile  fetch.Profile
		cross    bool
		pre      bool
		method   string
		unsafe   string // comma-joined
		dropped  string
		wantFail fetch.Reason
	}{
		{name: "simple get", req: fetch.Request{Method: "GET"}, cross: true},
		{name: "put", req: fetch.Request{Method: "put"}, cross: true, pre: true, method: "PUT"},
		{name: "patch as written", req: fetch.Request{Method: "patch"}, cross: true, pre: true, method: "patch"},
		{name: "sorted names", req: fetch.Request{Headers: []fetch.Header{{"X-Z", "1"}, {"X-A", "1"}, {"x-z", "2"}}}, cross: true, pre: true, unsafe: "x-a,x-z"},
		{name: "json", req: fetch.Request{Method: "POST", Headers: []fetch.Header{{"Content-Type", "application/json"}}}, cross: true, pre: true, unsafe: "content-type"},
		{name: "forbidden dropped", req: fetch.Request{Headers: []fetch.Header{{"Cookie", "a"}, {"Sec-X", "1"}, {"Host", "x"}}}, cross: true, dropped: "cookie,sec-x,host"},
		{name: "user-agent chromium", req: fetch.Request{Headers: []fetch.Header{{"User-Agent", "x"}}}, cross: true, dropped: "user-agent"},
		{name: "user-agent spec", req: fetch.Request{Headers: []fetch.Header{{"User-Agent", "x"}}}, profile: fetch.Spec, cross: true, pre: true, unsafe: "user-agent"},
		{name: "client hint spec", req: fetch.Request{Headers: []fetch.Header{{"DPR", "2"}}}, profile: fetch.Spec, cross: true, pre: true, unsafe: "dpr"},
		{name: "client hint chromium", req: fetch.Request{Headers: []fetch.Header{{"DPR", "2"}}}, cross: true},
		{name: "no-cors drops custom", req: fetch.Request{Mode: fetch.ModeNoCORS, Headers: []fetch.Header{{"X-A", "1"}, {"Accept", "x"}}}, cross: true, dropped: "x-a"},
		{name: "same-origin", req: fetch.Request{URL: "https://app.example.com/x", Method: "PUT", Headers: []fetch.Header{{"X-A", "1"}}}, method: "PUT", unsafe: "x-a"},
		{name: "trace", req: fetch.Request{Method: "trace"}, wantFail: fetch.ReasonForbiddenMethod},
		{name: "no-cors put", req: fetch.Request{Method: "PUT", Mode: fetch.ModeNoCORS}, wantFail: fetch.ReasonNoCORSMethod},
		{name: "same-origin mode", req: fetch.Request{Mode: fetch.ModeSameOrigin}, wantFail: fetch.ReasonSameOriginMode},
		{name: "only-if-cached", req: fetch.Request{Cache: fetch.CacheOnlyIfCached}, wantFail: fetch.ReasonOnlyIfCachedMode},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.req.Origin = page
			if tc.req.URL == "" {
				tc.req.URL = "https://api.example.com/x"
			}
			if tc.profile.Name == "" {
				tc.profile = fetch.Chromium
			}
			c, err := fetch.Classify(tc.req, tc.profile)
			if tc.wantFail != fetch.ReasonNone {
				fe, ok := err.(*fetch.Error)
				if !ok || fe.Reason != tc.wantFail {
					t.Fatalf("err = %v, want reason %s", err, tc.wantFail)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.CrossOrigin != tc.cross || c.Preflight != tc.pre || c.UnsafeMethod != tc.method ||
				strings.Join(c.UnsafeHeaders, ",") != tc.unsafe || strings.Join(c.Dropped, ",") != tc.dropped {
				t.Errorf("got %+v", c)
			}
		})
	}
}

func TestFetchRejectsUnusableRequests(t *testing.T) {
	b := &fetch.Browser{Transport: corstest.HandlerTransport(http.NotFoundHandler())}
	for _, req := range []fetch.Request{
		{URL: "https://a.example/"},
		{Origin: page, URL: "/relative"},
		{Origin: page, URL: "ftp://a.example/"},
		{Origin: page, URL: "https://a.example/", Mode: "navigate"},
		{Origin: page, URL: "https://a.example/", Headers: []fetch.Header{{"bad name", "x"}}},
		{Origin: page, URL: "https://a.example/", Headers: []fetch.Header{{"X", "a\r\nb"}}},
	} {
		if _, err := b.Fetch(context.Background(), req); err == nil {
			t.Errorf("Fetch(%+v): no error", req)
		}
	}
}

func TestNetworkError(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there any more
	res, err := (&fetch.Browser{}).Fetch(context.Background(), fetch.Request{Origin: page, URL: url})
	if err != nil {
		t.Fatal(err)
	}
	if res.Allowed() || res.Err.Reason != fetch.ReasonNetwork || res.Err.Err == nil {
		t.Fatalf("got %+v", res.Err)
	}
}

// refusingTransport fails the test if anything is sent.
type refusingTransport struct{ t *testing.T }

func (r refusingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r.t.Errorf("%s %s went on the wire", req.Method, req.URL)
	return nil, errors.New("refused")
}

// A port on the bad-port list fails before any request, in every profile
// and mode, as a blocked fetch, not a network failure.
func TestBadPort(t *testing.T) {
	for _, p := range append(fetch.Profiles, fetch.Spec) {
		for _, mode := range []fetch.Mode{fetch.ModeCORS, fetch.ModeNoCORS} {
			b := &fetch.Browser{Profile: p, Transport: refusingTransport{t}}
			res, err := b.Fetch(context.Background(), fetch.Request{Origin: page, URL: "http://127.0.0.1:6000/x", Mode: mode})
			if err != nil {
				t.Fatal(err)
			}
			if res.Allowed() || res.Err.Reason != fetch.ReasonBadPort || len(res.Trace) != 0 {
				t.Errorf("%s, %s: got %+v, trace %d", p.Name, mode, res.Err, len(res.Trace))
			}
		}
	}
}

// A header value with a control byte net/http refuses is sent as the
// browser sends it, byte for byte.
func TestControlByteHeaderSent(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	got := make(chan string, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		r := bufio.NewReader(c)
		var head strings.Builder
		for {
			l, err := r.ReadString('\n')
			head.WriteString(l)
			if err != nil || l == "\r\n" {
				break
			}
		}
		got <- head.String()
		io.WriteString(c, "HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: https://app.example.com\r\nContent-Length: 2\r\n\r\nok")
	}()
	// Same-origin: one request, no preflight.
	here := "http://" + ln.Addr().String()
	b := &fetch.Browser{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	res, err := b.Fetch(context.Background(), fetch.Request{Origin: origin.MustParse(here), URL: here + "/x",
		Headers: []fetch.Header{{Name: "X-A", Value: "a\x01b\x7fc"}}})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Allowed() {
		t.Fatalf("blocked: %v", res.Err)
	}
	if head := <-got; !strings.Contains(head, "\r\nX-A: a\x01b\x7fc\r\n") {
		t.Errorf("request head %q lacks the raw X-A value", head)
	}
}

// Local Network Access (Chromium 142+): a public page's fetch to loopback
// fails before anything is sent, with the line headless Chromium 156 prints
// (measured with --ip-address-space-overrides marking the page public); a
// page named by a domain is not gated unless its space is given; a local
// page calls loopback freely; WebKit has no such gate (Firefox's: lna_test.go).
func TestLocalNetworkAccess(t *testing.T) {
	for _, tc := range []struct {
		name   string
		p      fetch.Profile
		page   string
		space  fetch.AddressSpace
		target string
		gated  bool
	}{
		{"public IP to loopback", fetch.Chromium, "http://203.0.113.5", "", "http://127.0.0.1:8080/x", true},
		{"public IP to private", fetch.Chromium, "http://203.0.113.5", "", "http://10.0.0.2:8080/x", true},
		{"declared public to localhost", fetch.Chromium, "https://app.example.com", fetch.SpacePublic, "http://localhost:8080/x", true},
		{"private to loopback", fetch.Chromium, "http://192.168.1.2", "", "http://[::1]:8080/x", false},
		{"domain, space unknown", fetch.Chromium, "https://app.example.com", "", "http://127.0.0.1:8080/x", false},
		{"loopback to loopback", fetch.Chromium, "http://localhost:3000", "", "http://127.0.0.1:8080/x", false},
		{"private to public", fetch.Chromium, "http://10.0.0.1", "", "http://203.0.113.9/x", false},
		{"webkit has no gate", fetch.WebKit, "http://203.0.113.5", "", "http://127.0.0.1:8080/x", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sent := false
			tr := roundTripFunc(func(r *http.Request) (*http.Response, error) {
				sent = true
				return nil, errors.New("not here")
			})
			b := &fetch.Browser{Profile: tc.p, Transport: tr, PageAddressSpace: tc.space}
			res, err := b.Fetch(context.Background(), fetch.Request{Origin: origin.MustParse(tc.page), URL: tc.target})
			if err != nil {
				t.Fatal(err)
			}
			gated := res.Err != nil && res.Err.Reason == fetch.ReasonLocalNetworkAccess
			if gated != tc.gated || gated == sent {
				t.Fatalf("gated %v (want %v), sent %v: %v", gated, tc.gated, sent, res.Err)
			}
			if gated {
				want := "Access to fetch at '" + tc.target + "' from origin '" + tc.page + "' has been blocked by CORS policy: Permission was denied for this request to access the `" + res.Err.Value + "` address space."
				if got := tc.p.ConsoleLines(res); len(got) != 1 || got[0] != want {
					t.Errorf("console %q, want %q", got, want)
				}
			}
		})
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestContextCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	if _, err := (&fetch.Browser{}).Fetch(ctx, fetch.Request{Origin: page, URL: srv.URL}); err == nil {
		t.Fatal("no error for a cancelled context")
	}
}

func TestTraceAndSpecClearsCacheOnFailure(t *testing.T) {
	fail := false
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodOptions || !fail {
			w.Header().Set("Access-Control-Allow-Origin", page.String())
		}
		w.Header().Set("Access-Control-Allow-Methods", "PUT")
		w.Header().Set("Access-Control-Max-Age", "600")
	})
	for _, tc := range []struct {
		p         fetch.Profile
		preflight bool // third fetch preflights again
	}{{fetch.Chromium, false}, {fetch.Spec, true}} {
		fail = false
		b := &fetch.Browser{Profile: tc.p, Transport: corstest.HandlerTransport(h)}
		req := fetch.Request{Origin: page, Method: "PUT", URL: "https://api.example.com/x"}
		r1, _ := b.Fetch(context.Background(), req)
		if !r1.PreflightSent() || len(r1.Trace) != 2 || r1.Trace[0].Kind != fetch.ExchangePreflight {
			t.Fatalf("first fetch trace: %s", fetch.FormatTrace(r1.Trace))
		}
		fail = true
		r2, _ := b.Fetch(context.Background(), req)
		if r2.Allowed() || r2.Trace[0].Kind != fetch.ExchangeCacheHit {
			t.Fatalf("second fetch: %s", fetch.FormatTrace(r2.Trace))
		}
		fail = false
		r3, _ := b.Fetch(context.Background(), req)
		if r3.PreflightSent() != tc.preflight {
			t.Errorf("%s: third fetch preflight = %v, want %v", tc.p.Name, r3.PreflightSent(), tc.preflight)
		}
	}
}

func TestReasonNames(t *testing.T) {
	seen := map[string]bool{}
	for r := fetch.ReasonNone; r <= fetch.ReasonOnlyIfCachedMode; r++ {
		s := r.String()
		if s == "" || strings.HasPrefix(s, "reason(") || seen[s] {
			t.Errorf("reason %d has name %q", int(r), s)
		}
		seen[s] = true
		// Every reason renders a message without panicking.
		_ = (&fetch.Error{Reason: r, URL: "https://a/", Origin: "https://b"}).ConsoleMessage()
	}
	if fetch.Reason(999).String() != "reason(999)" {
		t.Error("unknown reason name")
	}
}

func TestPageTransport(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Origin") == page.String() {
			w.Header().Set("Access-Control-Allow-Origin", page.String())
		}
		w.Header().Set("X-Secret", "1")
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte("hi"))
	})
	b := &fetch.Browser{Transport: corstest.HandlerTransport(h)}
	client := &http.Client{Transport: b.PageTransport(page, fetch.CredentialsSameOrigin)}
	res, err := client.Get("https://api.example.com/x")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || string(body) != "hi" || res.Header.Get("X-Secret") != "" || res.Header.Get("Content-Type") != "text/plain" {
		t.Errorf("got %d %q %v", res.StatusCode, body, res.Header)
	}

	other := &http.Client{Transport: b.PageTransport(origin.MustParse("https://evil.example"), fetch.CredentialsSameOrigin)}
	_, err = other.Get("https://api.example.com/x")
	var fe *fetch.Error
	if !errors.As(err, &fe) || fe.Reason != fetch.ReasonMissingAllowOrigin {
		t.Errorf("err = %v, want a missing-allow-origin *fetch.Error", err)
	}
}

func TestParseHeader(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want fetch.Header
		err  bool
	}{
		{"X-A: 1", fetch.Header{Name: "X-A", Value: "1"}, false},
		{"  Content-Type :  application/json ", fetch.Header{Name: "Content-Type", Value: "application/json"}, false},
		{"X-Empty:", fetch.Header{Name: "X-Empty"}, false},
		{"NoColon", fetch.Header{}, true},
		{": value", fetch.Header{}, true},
		{"Two Words: x", fetch.Header{}, true},
	} {
		got, err := fetch.ParseHeader(tc.in)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("ParseHeader(%q) = %+v, %v", tc.in, got, err)
		}
	}
}

// The model builds its http.Requests without http.NewRequest; they must
// carry the Host and URL that NewRequest would give them, empty ports and
// IPv6 literals included.
func TestRequestsAsNewRequestBuildsThem(t *testing.T) {
	for _, raw := range []string{
		"https://api.example.com/x", "https://api.example.com:/x", "https://api.example.com:8443/x?q=1",
		"http://[::1]/x", "http://[::1]:/x", "http://[::1]:8080/x", "http://127.0.0.1:/",
	} {
		want, err := http.NewRequest(http.MethodGet, raw, nil)
		if err != nil {
			t.Fatal(err)
		}
		var got *http.Request
		br := &fetch.Browser{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			got = r
			return &http.Response{StatusCode: 200, Header: http.Header{"Access-Control-Allow-Origin": {"*"}}, Body: http.NoBody}, nil
		})}
		if _, err := br.Fetch(context.Background(), fetch.Request{Origin: page, URL: raw}); err != nil {
			t.Fatal(err)
		}
		if got == nil || got.Host != want.Host || got.URL.String() != want.URL.String() || got.Method != want.Method || got.Proto != want.Proto {
			t.Errorf("%s: sent Host %q URL %v, want Host %q URL %v", raw, got.Host, got.URL, want.Host, want.URL)
		}
	}
}
