package playground

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/origin"
)

// noNetwork answers every request with an error, so the fuzzer runs the
// whole model (validation, classification, preflight decision) offline.
type noNetwork struct{}

func (noNetwork) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("fuzz: no network")
}

// FuzzDecodeCheck feeds /api/check bodies, as any page or client may post
// them, through the playground's decoding and the model: never a panic; a
// refusal names the field at fault; an accepted request has a valid page
// origin and well-formed header lines.
func FuzzDecodeCheck(f *testing.F) {
	for _, s := range []string{
		`{"url": "http://localhost:8091/api/good/hello", "origin": "http://127.0.0.1:8090"}`,
		`{"url": "http://a.test/x", "origin": "https://b.test", "method": "PUT", "headers": "Content-Type: application/json\nX-Token: 1", "body": "{}", "credentials": "include", "mode": "cors", "profile": "spec"}`,
		`{"url": "http://a.test/", "origin": "null"}`,
		`{"url": "http://a.test/", "origin": "http://b.test", "headers": "no colon"}`,
		`{"url": "http://a.test/", "origin": "http://b.test", "headers": "A: 1\r\nB: 2\n\n: x"}`,
		`{"url": "/relative", "origin": "http://b.test", "mode": "navigate"}`,
		`{"url": "http://a.test/", "origin": "http://b.test", "method": "P T"}`,
		`{"url": "http://a.test/", "origin": "http://b.test", "profile": "firefox"}`,
		`{"url": "http://a.test/", "origin": "http://b.test", "profile": "all", "headers": "Device-Memory: 1"}`,
		`{"url": "http://a.test/", "origin": "http://b.test", "profile": "netscape"}`,
		`{"url": 1}`,
		`not json`,
		`{}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req, profiles, err := decodeCheck(bytes.NewReader(body))
		if err != nil {
			msg := err.Error()
			if !strings.HasPrefix(msg, "request body: ") && !strings.HasPrefix(msg, "origin: ") && !strings.HasPrefix(msg, "headers, line ") && !strings.HasPrefix(msg, "profile ") {
				t.Fatalf("error names no field: %v", err)
			}
			return
		}
		if _, err := origin.Parse(req.Origin.String()); err != nil {
			t.Fatalf("accepted origin %q does not parse back: %v", req.Origin, err)
		}
		for _, h := range req.Headers {
			if h.Name == "" || strings.ContainsAny(h.Name, " \t\n") {
				t.Fatalf("accepted header name %q", h.Name)
			}
		}
		// The work of one request is bounded: at most the three engines.
		if len(profiles) == 0 || len(profiles) > len(fetch.Profiles) {
			t.Fatalf("%d models to run", len(profiles))
		}
		for _, prof := range profiles {
			b := &fetch.Browser{Profile: prof, Transport: noNetwork{}}
			res, err := b.Fetch(context.Background(), req)
			if err == nil && res == nil {
				t.Fatal("Fetch returned neither a result nor an error")
			}
		}
	})
}
