//go:build !js

// The wire reader (rawheader.go) is not in the WebAssembly build.

package fetch_test

import (
	"bufio"
	"context"
	"errors"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/corskit/corskit/fetch"
)

// rawServer answers every connection with the bytes of resp, after reading
// the request's header, and returns its URL.
func rawServer(t *testing.T, resp string) string {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				br := bufio.NewReader(c)
				for {
					l, err := br.ReadString('\n')
					if err != nil || l == "\r\n" {
						break
					}
				}
				c.Write([]byte(resp))
			}()
		}
	}()
	return "http://" + ln.Addr().String() + "/r"
}

// Browsers read control bytes other than NUL, CR and LF in a response's
// header values, and keep "Connection: close", where net/http's client
// refuses the response or drops the header: the model reads what they
// read, over the wire.
func TestResponseHeaderReadAsBrowsersDo(t *testing.T) {
	const head = "HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\nAccess-Control-Expose-Headers: *\r\nContent-Length: 2\r\n"
	for _, tc := range []struct {
		name, lines string
		want        string // the value of X-Ctl a page reads; "" when the fetch fails
		readable    []string
		fails       bool
	}{
		{"a control byte", "X-Ctl: a\x18b\r\n", "a\x18b", nil, false},
		{"vertical tab and form feed", "X-Ctl: \x0b\x0c\r\n", "\x0b\x0c", nil, false},
		{"escape and DEL", "X-Ctl: \x1b[31m\x7f\r\n", "\x1b[31m\x7f", nil, false},
		{"spaces and tabs trimmed, not other bytes", "X-Ctl: \t \x01 x \x01 \t\r\n", "\x01 x \x01", nil, false},
		{"obs-fold joined", "X-Ctl: a\r\n  b\r\n", "a b", nil, false},
		{"a line without a colon skipped", "junk\r\nX-Ctl: v\r\n", "v", nil, false},
		{"a name that is not a token skipped", "X Bad: 1\r\nX-Ctl: v\r\n", "v", nil, false},
		{"Connection: close kept", "Connection: close\r\nX-Ctl: v\r\n", "v", []string{"connection"}, false},
		{"LF alone ends a line", "X-Ctl: v\n", "v", nil, false},
		{"NUL fails the fetch", "X-Ctl: a\x00b\r\n", "", nil, true},
		{"a bare CR fails the fetch", "X-Ctl: a\rb\r\n", "", nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			url := rawServer(t, head+tc.lines+"\r\nok")
			res, err := (&fetch.Browser{Transport: &http.Transport{}}).Fetch(context.Background(), fetch.Request{Origin: page, URL: url})
			if err != nil {
				t.Fatal(err)
			}
			if tc.fails {
				var re *fetch.ResponseError
				if res.Err == nil || res.Err.Reason != fetch.ReasonNetwork || !errors.As(res.Err.Err, &re) {
					t.Fatalf("got %+v, want a network error with a *fetch.ResponseError", res.Err)
				}
				if msg := res.Err.ConsoleMessage(); !strings.HasPrefix(msg, "Failed to load resource: net::ERR_INVALID_HTTP_RESPONSE") {
					t.Errorf("console %q", msg)
				}
				return
			}
			if !res.Allowed() {
				t.Fatalf("blocked: %v", res.Err)
			}
			if got := res.Response.Header.Get("X-Ctl"); got != tc.want || string(res.Response.Body) != "ok" {
				t.Errorf("X-Ctl %q body %q, want %q and \"ok\"", got, res.Response.Body, tc.want)
			}
			names := res.Response.ReadableHeaderNames()
			for _, n := range tc.readable {
				if !slices.Contains(names, n) {
					t.Errorf("readable %v, want %s among them", names, n)
				}
			}
		})
	}
}

// A header over the bound fails the fetch after reading the bound, not
// the whole stream.
func TestResponseHeaderBounded(t *testing.T) {
	url := rawServer(t, "HTTP/1.1 200 OK\r\nX-Big: "+strings.Repeat("a", 2<<20)+"\r\n\r\n")
	res, err := (&fetch.Browser{Transport: &http.Transport{}}).Fetch(context.Background(), fetch.Request{Origin: page, URL: url})
	if err != nil {
		t.Fatal(err)
	}
	if res.Err == nil || res.Err.Reason != fetch.ReasonNetwork || !strings.Contains(res.Err.ConsoleMessage(), "ERR_RESPONSE_HEADERS_TOO_BIG") {
		t.Fatalf("got %+v, want net::ERR_RESPONSE_HEADERS_TOO_BIG", res.Err)
	}
}

// RawHeaderTransport reads as the Browser does: a caller of its own that
// wraps it (the CLI's send-once group) sees the same header.
func TestRawHeaderTransportReadsAsBrowsersDo(t *testing.T) {
	url := rawServer(t, "HTTP/1.1 204 No Content\r\nX-Ctl: a\x18b\r\nConnection: close\r\n\r\n")
	req, _ := http.NewRequest("GET", url, nil)
	resp, err := fetch.RawHeaderTransport(&http.Transport{}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 204 || resp.Status != "204 No Content" || resp.Header.Get("X-Ctl") != "a\x18b" || resp.Header.Get("Connection") != "close" {
		t.Errorf("got %s %v", resp.Status, resp.Header)
	}
}
