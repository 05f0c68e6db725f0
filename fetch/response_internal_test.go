package fetch

import (
	"bufio"
	"bytes"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// FuzzReadResponse feeds any bytes to the browsers' response reader: no
// panic, bounded reading, a header that holds no NUL, CR or LF and only
// canonical token names; and where net/http's client reads the same bytes,
// the same status, header (but the "Connection: close" net/http drops,
// and the values it trims differently) and body.
func FuzzReadResponse(f *testing.F) {
	for _, s := range []string{
		"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
		"HTTP/1.1 200 OK\r\nX-Ctl: a\x18b\r\nAccess-Control-Expose-Headers: \x0b\r\n\r\n",
		"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
		"HTTP/1.0 301\nLocation: /x\n  folded\n\n",
		"HTTP/1.1 200 OK\r\nX: a\x00\r\n\r\n",
		"HTTP/1.1 200 OK\r\nX: a\rb\r\n\r\n",
		"HTTP/9.9 999 ?\r\nno colon\r\n: empty name\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nok",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		req, _ := http.NewRequest("GET", "http://example.com/", nil)
		resp, err := readResponse(bufio.NewReader(bytes.NewReader(data)), req)
		if err != nil {
			return
		}
		body, berr := io.ReadAll(resp.Body)
		for k, vs := range resp.Header {
			if k != http.CanonicalHeaderKey(k) || !isToken(k) {
				t.Fatalf("name %q", k)
			}
			for _, v := range vs {
				if strings.ContainsAny(v, "\x00\r\n") || v != trimOWS(v) {
					t.Fatalf("%s: %q", k, v)
				}
			}
		}
		gresp, gerr := http.ReadResponse(bufio.NewReader(bytes.NewReader(data)), req)
		if gerr != nil || gresp.StatusCode < 200 {
			return // http.Transport, not ReadResponse, skips informational answers
		}
		gbody, gberr := io.ReadAll(gresp.Body)
		if (berr == nil) != (gberr == nil) || berr == nil && !bytes.Equal(body, gbody) || resp.StatusCode != gresp.StatusCode {
			t.Fatalf("body %q (%v) status %d; net/http: %q (%v) %d", body, berr, resp.StatusCode, gbody, gberr, gresp.StatusCode)
		}
		ours := maps.Clone(resp.Header)
		if gresp.Close {
			delete(ours, "Connection")
		}
		trim := func(h http.Header) http.Header {
			out := http.Header{}
			for k, vs := range h {
				if !isToken(k) {
					continue // net/http keeps a name with spaces; browsers skip the line
				}
				for _, v := range vs {
					out[k] = append(out[k], strings.TrimRight(v, " \t"))
				}
			}
			return out
		}
		if !maps.EqualFunc(trim(ours), trim(gresp.Header), slices.Equal) {
			t.Fatalf("header %q\nnet/http %q", ours, gresp.Header)
		}
	})
}
