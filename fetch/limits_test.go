package fetch_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/corskit/corskit/corstest"
	"github.com/corskit/corskit/fetch"
)

// manyHeaders returns n headers of one name, each value size bytes long:
// n*size bytes that fetch() would combine into one value.
func manyHeaders(n, size int) []fetch.Header {
	hs := make([]fetch.Header, n)
	for i := range hs {
		hs[i] = fetch.Header{Name: "X-Same", Value: strings.Repeat("a", size)}
	}
	return hs
}

// Beyond the documented bounds, Fetch and Classify refuse the request at
// once with a *RequestError wrapping ErrHeaderLimit, and send nothing.
func TestHeaderBounds(t *testing.T) {
	distinct := make([]fetch.Header, 10_000)
	for i := range distinct {
		distinct[i] = fetch.Header{Name: fmt.Sprintf("X-H%d", i), Value: "v"}
	}
	for _, tc := range []struct {
		name    string
		headers []fetch.Header
		refused bool
	}{
		{"1 MiB in 10,000 lines of one name", manyHeaders(10_000, 100), true},
		{"10,000 distinct names (10,000 -H flags)", distinct, true},
		{"one 1 MiB value", manyHeaders(1, 1<<20), true},
		{"MaxHeaders+1 tiny headers", manyHeaders(fetch.MaxHeaders+1, 1), true},
		{"MaxHeaders headers", manyHeaders(fetch.MaxHeaders, 1), false},
		{"MaxHeaderBytes exactly", manyHeaders(1, fetch.MaxHeaderBytes-len("X-Same")), false},
		{"MaxHeaderBytes+1", manyHeaders(1, fetch.MaxHeaderBytes-len("X-Same")+1), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var sent atomic.Int32
			b := &fetch.Browser{Transport: corstest.HandlerTransport(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				sent.Add(1)
				w.Header().Set("Access-Control-Allow-Origin", "*")
				w.Header().Set("Access-Control-Allow-Headers", "*")
			}))}
			req := fetch.Request{Origin: page, URL: "https://api.example.com/x", Headers: tc.headers}
			start := time.Now()
			_, ferr := b.Fetch(context.Background(), req)
			_, cerr := fetch.Classify(req, fetch.Chromium)
			elapsed := time.Since(start)
			for _, err := range []error{ferr, cerr} {
				var re *fetch.RequestError
				if got := errors.Is(err, fetch.ErrHeaderLimit) && errors.As(err, &re) && re.Field == "headers"; got != tc.refused {
					t.Fatalf("refused = %v (%v), want %v", got, err, tc.refused)
				}
			}
			if tc.refused {
				if sent.Load() != 0 {
					t.Errorf("%d requests sent for a refused request", sent.Load())
				}
				// Refusing costs a look at the slice's length and sizes: well
				// under a millisecond; before the bound, 1 MiB cost seconds.
				if elapsed > 200*time.Millisecond {
					t.Errorf("refusing took %v", elapsed)
				}
				if msg := ferr.Error(); strings.Contains(msg, "\n") || len(msg) > 200 {
					t.Errorf("error is not one short line: %q", msg)
				}
			}
		})
	}
}

// Repeated names are combined in first-set order with ", ", as Headers
// does, whatever the spelling of the name.
func TestHeadersCombined(t *testing.T) {
	c, err := fetch.Classify(fetch.Request{Origin: page, URL: "https://api.example.com/x", Headers: []fetch.Header{
		{Name: "X-B", Value: "1"}, {Name: "X-A", Value: " 2 "}, {Name: "x-b", Value: "3"}, {Name: "X-B", Value: "4"},
	}}, fetch.Chromium)
	if err != nil {
		t.Fatal(err)
	}
	want := []fetch.Header{{Name: "x-b", Value: "1, 3, 4"}, {Name: "x-a", Value: "2"}}
	if fmt.Sprint(c.Headers) != fmt.Sprint(want) {
		t.Fatalf("Headers = %q, want %q", c.Headers, want)
	}
}

// fetch() throws a TypeError for a method or header that is not valid
// HTTP; the model refuses it the same way, with Chromium's message (as
// measured in Chromium 156, see TestRequestErrorMessagesInChromium in
// e2e), and nothing reaches the wire or the trace.
func TestRequestErrors(t *testing.T) {
	for _, tc := range []struct {
		method  string
		header  fetch.Header
		field   string
		message string
	}{
		{method: "P T", field: "method", message: "Failed to execute 'fetch' on 'Window': 'P T' is not a valid HTTP method."},
		{method: "PUT\r\nX-Injected: 1", field: "method", message: "Failed to execute 'fetch' on 'Window': 'PUT\r\nX-Injected: 1' is not a valid HTTP method."},
		{method: "G(ET", field: "method", message: "Failed to execute 'fetch' on 'Window': 'G(ET' is not a valid HTTP method."},
		{method: "GET\n", field: "method", message: "Failed to execute 'fetch' on 'Window': 'GET\n' is not a valid HTTP method."},
		{header: fetch.Header{Name: "x y", Value: "1"}, field: "header name", message: "Failed to execute 'fetch' on 'Window': Invalid name"},
		{header: fetch.Header{Name: "X-A", Value: "a\nb"}, field: "header value", message: "Failed to execute 'fetch' on 'Window': Invalid value"},
		{header: fetch.Header{Name: "X-A", Value: "a\r\nX-Injected: 1"}, field: "header value", message: "Failed to execute 'fetch' on 'Window': Invalid value"},
		{header: fetch.Header{Name: "X-A", Value: "a\x00b"}, field: "header value", message: "Failed to execute 'fetch' on 'Window': Invalid value"},
	} {
		var sent atomic.Int32
		b := &fetch.Browser{Transport: corstest.HandlerTransport(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { sent.Add(1) }))}
		req := fetch.Request{Origin: page, Method: tc.method, URL: "https://api.example.com/x"}
		if tc.header.Name != "" {
			req.Headers = []fetch.Header{tc.header}
		}
		res, err := b.Fetch(context.Background(), req)
		var re *fetch.RequestError
		if !errors.As(err, &re) {
			t.Fatalf("%q %q: err = %T %v, want a *fetch.RequestError", tc.method, tc.header, err, err)
		}
		if re.Field != tc.field || re.TypeError != tc.message {
			t.Errorf("%q %q: field %q, TypeError %q; want %q, %q", tc.method, tc.header, re.Field, re.TypeError, tc.field, tc.message)
		}
		if strings.ContainsAny(err.Error(), "\r\n") {
			t.Errorf("error line carries CR/LF: %q", err.Error())
		}
		if res != nil || sent.Load() != 0 {
			t.Errorf("%q %q: result %v and %d requests sent, want none", tc.method, tc.header, res, sent.Load())
		}
	}
}

// Headers trims a value before checking it, so trailing CR/LF is not an
// error (Chromium sends " a\r" as "a"), and only the trimmed value goes on
// the wire.
func TestHeaderValueTrimmedBeforeCheck(t *testing.T) {
	var got string
	b := &fetch.Browser{Transport: corstest.HandlerTransport(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Get("X-A")
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Access-Control-Allow-Headers", "X-A")
	}))}
	res, err := b.Fetch(context.Background(), fetch.Request{Origin: page, URL: "https://api.example.com/x",
		Headers: []fetch.Header{{Name: "X-A", Value: " a\r\n"}}})
	if err != nil || !res.Allowed() || got != "a" {
		t.Fatalf("err %v, result %+v, X-A on the wire %q; want allowed with \"a\"", err, res, got)
	}
}

// A context that has ended stops the model before any work or request.
func TestFetchStopsAtDeadline(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var sent atomic.Int32
	b := &fetch.Browser{Transport: corstest.HandlerTransport(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { sent.Add(1) }))}
	_, err := b.Fetch(ctx, fetch.Request{Origin: page, URL: "https://api.example.com/x"})
	if !errors.Is(err, context.Canceled) || sent.Load() != 0 {
		t.Fatalf("err = %v, %d sent; want context.Canceled and none", err, sent.Load())
	}
}

// BenchmarkHeaderBound is the cost of refusing 1 MiB of headers: the
// request that cost seconds of CPU before the bound.
func BenchmarkHeaderBound(b *testing.B) {
	req := fetch.Request{Origin: page, URL: "https://api.example.com/x", Headers: manyHeaders(10_000, 100)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := fetch.Classify(req, fetch.Chromium); !errors.Is(err, fetch.ErrHeaderLimit) {
			b.Fatal(err)
		}
	}
}

// A body that stalls past the deadline does not undo the response: the
// verdict rests on the headers, Body holds what arrived, and BodyErr (on
// the response and its exchange) says why it stopped.
func TestBodyDeadlineKeepsResponse(t *testing.T) {
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", page.String())
		w.Header().Set("Content-Length", "100")
		w.Write([]byte("part"))
		w.(http.Flusher).Flush()
		select {
		case <-done:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(done)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	res, err := (&fetch.Browser{}).Fetch(ctx, fetch.Request{Origin: page, URL: srv.URL})
	if err != nil || !res.Allowed() {
		t.Fatalf("err %v, result %+v: want allowed on its headers", err, res)
	}
	ex := res.Trace[len(res.Trace)-1]
	if string(res.Response.Body) != "part" || !errors.Is(res.Response.BodyErr, context.DeadlineExceeded) ||
		!errors.Is(ex.BodyErr, context.DeadlineExceeded) || ex.BodyBytes != 4 || ex.Status != 200 {
		t.Fatalf("body %q, BodyErr %v, exchange %+v", res.Response.Body, res.Response.BodyErr, ex)
	}
	if got := fetch.FormatTrace(res.Trace); !strings.Contains(got, "! body timed out after 4 bytes") {
		t.Errorf("trace:\n%s", got)
	}
}
