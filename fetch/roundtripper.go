package fetch

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"slices"

	"github.com/corskit/corskit/origin"
)

// PageTransport returns an http.RoundTripper that makes every request as a
// fetch() from a page on origin page, with b's profile, cache and
// transport: a plain http.Client then sees what the page's script would
// see. A blocked request fails with the *Error (whose message is the
// console line); an allowed one returns the status and only the readable
// headers. Redirects are followed inside, as fetch() follows them.
func (b *Browser) PageTransport(page origin.Origin, credentials Credentials) http.RoundTripper {
	return pageTransport{b, page, credentials}
}

type pageTransport struct {
	b           *Browser
	page        origin.Origin
	credentials Credentials
}

func (t pageTransport) RoundTrip(hreq *http.Request) (*http.Response, error) {
	req := Request{Origin: t.page, Method: hreq.Method, URL: hreq.URL.String(), Credentials: t.credentials}
	names := make([]string, 0, len(hreq.Header))
	for n := range hreq.Header {
		names = append(names, n)
	}
	slices.Sort(names) // a map has no order; a stable one keeps traces stable
	for _, n := range names {
		for _, v := range hreq.Header[n] {
			req.Headers = append(req.Headers, Header{Name: n, Value: v})
		}
	}
	if hreq.Body != nil && hreq.Body != http.NoBody {
		body, err := io.ReadAll(io.LimitReader(hreq.Body, maxBody))
		hreq.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("fetch: reading request body: %w", err)
		}
		req.Body = string(body)
	}
	res, err := t.b.Fetch(hreq.Context(), req)
	if err != nil {
		return nil, err
	}
	if res.Err != nil {
		return nil, res.Err
	}
	r := res.Response
	return &http.Response{
		Status:        fmt.Sprintf("%d %s", r.Status, http.StatusText(r.Status)),
		StatusCode:    r.Status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        r.Header,
		Body:          io.NopCloser(bytes.NewReader(r.Body)),
		ContentLength: int64(len(r.Body)),
		Request:       hreq,
	}, nil
}
